//! What an account keeps beside its proxies: profile and preferences, notifications, two-factor methods
//! and the ID verification; each as the API shows it (`to_type`).

use chrono::{DateTime, Utc};
use webshare_api::{Secret, types};

use crate::random::random_token;
use crate::totp;

/// The profile fields a user may change, and the read-only ones the service sets.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub first_name: String,
    pub last_name: String,
    pub timezone: String,
    /// The six `subscribed_*` email settings, in the order of [`SUBSCRIPTIONS`].
    pub subscriptions: [bool; 6],
    pub tracking_id: String,
    /// Undocumented, seen on the live API: a token of the dashboard's changelog widget (a secret).
    pub announce_kit_user_token: Secret,
    pub last_login: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub preferences: Preferences,
}

/// The profile's `subscribed_*` fields, in the order of [`Profile::subscriptions`].
pub(crate) const SUBSCRIPTIONS: [&str; 6] = [
    "subscribed_bandwidth_usage_notifications",
    "subscribed_subscription_notifications",
    "subscribed_proxy_usage_statistics",
    "subscribed_usage_warnings",
    "subscribed_guides_and_tips",
    "subscribed_survey_emails",
];

/// The preferences' three timestamps, in the order of [`PREFERENCES`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Preferences {
    pub times: [Option<DateTime<Utc>>; 3],
    pub updated_at: Option<DateTime<Utc>>,
}

/// The preferences' fields, in the order of [`Preferences::times`].
pub(crate) const PREFERENCES: [&str; 3] = [
    "customer_satisfaction_survey_last_dismissed_at",
    "customer_satisfaction_survey_last_completed_at",
    "onboarding_activity_page_viewed_at",
];

impl Profile {
    pub fn new(tracking_id: String, now: DateTime<Utc>) -> Self {
        Self {
            first_name: String::new(),
            last_name: String::new(),
            timezone: "UTC".into(),
            subscriptions: [true; 6],
            announce_kit_user_token: Secret::new(random_token()),
            tracking_id,
            last_login: None,
            updated_at: now,
            preferences: Preferences::default(),
        }
    }

    /// As the API shows it; `id` is the account's, `email` and `created_at` the account's.
    pub fn to_type(&self, id: i64, email: &str, created_at: DateTime<Utc>) -> types::Profile {
        let s = self.subscriptions;
        types::Profile {
            id,
            email: Some(email.to_owned()),
            first_name: Some(self.first_name.clone()),
            last_name: Some(self.last_name.clone()),
            last_login: self.last_login,
            timezone: Some(self.timezone.clone()),
            subscribed_bandwidth_usage_notifications: Some(s[0]),
            subscribed_subscription_notifications: Some(s[1]),
            subscribed_proxy_usage_statistics: Some(s[2]),
            subscribed_usage_warnings: Some(s[3]),
            subscribed_guides_and_tips: Some(s[4]),
            subscribed_survey_emails: Some(s[5]),
            tracking_id: Some(self.tracking_id.clone()),
            announce_kit_user_token: Some(self.announce_kit_user_token.clone()),
            helpscout_beacon_signature: None,
            intercom_signature: None,
            is_vip_customer: Some(false),
            created_at: Some(created_at),
            updated_at: Some(self.updated_at),
        }
    }

    pub fn preferences_type(
        &self,
        id: i64,
        created_at: DateTime<Utc>,
    ) -> types::ProfilePreferences {
        let [dismissed, completed, viewed] = self.preferences.times;
        types::ProfilePreferences {
            id,
            customer_satisfaction_survey_last_dismissed_at: dismissed,
            customer_satisfaction_survey_last_completed_at: completed,
            onboarding_activity_page_viewed_at: viewed,
            created_at: Some(created_at),
            updated_at: Some(self.preferences.updated_at.unwrap_or(created_at)),
        }
    }
}

/// The most notifications an account keeps; the oldest go first (a mock decision).
pub(crate) const MAX_NOTIFICATIONS: usize = 1_000;

/// An account notification.
#[derive(Debug, Clone)]
pub(crate) struct Notification {
    pub id: i64,
    pub kind: String,
    pub is_dismissable: bool,
    pub context: serde_json::Map<String, serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub dismissed_at: Option<DateTime<Utc>>,
}

impl Notification {
    pub fn to_type(&self) -> types::Notification {
        types::Notification {
            id: self.id,
            type_: Some(self.kind.clone()),
            is_dismissable: Some(self.is_dismissable),
            context: Some(self.context.clone()),
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
            dismissed_at: self.dismissed_at,
        }
    }
}

/// A two-factor method of an account.
#[derive(Debug, Clone)]
pub(crate) struct TwoFactorMethod {
    pub id: i64,
    pub kind: types::TwoFactorMethodType,
    pub active: bool,
    /// The base32 TOTP secret of a `device_totp` method.
    pub secret: Option<Secret>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The most two-factor methods an account keeps (inactive ones are dropped first; a mock decision).
pub(crate) const MAX_TWO_FACTOR_METHODS: usize = 10;

impl TwoFactorMethod {
    /// As the API shows it; the secret only when `with_secret` (the answer that creates the method).
    pub fn to_type(&self, with_secret: bool) -> types::TwoFactorMethod {
        types::TwoFactorMethod {
            id: self.id,
            type_: Some(self.kind.to_string()),
            active: Some(self.active),
            secret_key: self.secret.clone().filter(|_| with_secret),
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
        }
    }

    /// Whether `code` is the device's code at `now`, or one step (30 s) either side of it.
    pub fn accepts_totp(&self, code: &str, now: DateTime<Utc>) -> bool {
        let Some(secret) = &self.secret else {
            return false;
        };
        let t = now.timestamp();
        [t - totp::STEP_SECONDS, t, t + totp::STEP_SECONDS]
            .iter()
            .any(|&at| totp::code(secret.expose(), at).as_deref() == Some(code))
    }
}

/// A login token that waits for its two-factor code: the code emailed for it (email method), and how many
/// wrong codes were tried.
#[derive(Debug, Clone)]
pub(crate) struct PendingTwoFactor {
    pub emailed_code: Option<Secret>,
    pub failures: u32,
}

/// Wrong codes a pending login token may try; the next revokes it (a mock decision, against guessing).
pub(crate) const MAX_TWO_FACTOR_FAILURES: u32 = 5;

/// The states of an ID verification, as the documentation lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdState {
    NotRequired,
    Requested,
    Pending,
    Processing,
    Failed,
    Verified,
}

impl IdState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotRequired => "not-required",
            Self::Requested => "requested",
            Self::Pending => "pending",
            Self::Processing => "processing",
            Self::Failed => "failed",
            Self::Verified => "verified",
        }
    }
}

/// Failed ID verifications allowed before no more can be started (a mock decision).
pub(crate) const MAX_ID_FAILURES: i64 = 2;

/// An account's ID verification (Stripe Identity).
#[derive(Debug, Clone)]
pub(crate) struct IdVerification {
    pub state: IdState,
    pub client_secret: Option<Secret>,
    pub failures: i64,
    /// The outcome of the Stripe flow of the pending verification, once the user went through it
    /// (`MockServer::finish_id_verification`): whether the document passed.
    pub stripe_outcome: Option<bool>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub verified_at: Option<DateTime<Utc>>,
}

impl IdVerification {
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            state: IdState::NotRequired,
            client_secret: None,
            failures: 0,
            stripe_outcome: None,
            created_at: now,
            updated_at: now,
            verified_at: None,
        }
    }

    /// A `processing` verification reaches its outcome when next read (Stripe's check is instant here).
    pub fn settle(&mut self, now: DateTime<Utc>) {
        if self.state != IdState::Processing {
            return;
        }
        if self.stripe_outcome.take() == Some(true) {
            self.state = IdState::Verified;
            self.verified_at = Some(now);
        } else {
            self.state = IdState::Failed;
            self.failures += 1;
        }
        self.updated_at = now;
    }

    pub fn to_type(&self, id: i64) -> types::IdVerification {
        types::IdVerification {
            id,
            state: Some(self.state.as_str().to_owned()),
            client_secret: self.client_secret.clone(),
            verification_failure_times: Some(self.failures),
            max_verification_failure_times: Some(MAX_ID_FAILURES),
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
            verified_at: self.verified_at,
        }
    }
}
