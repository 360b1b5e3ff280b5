//! The service's data: accounts, tokens, one-time codes and the outbox. One lock guards it all; no
//! operation holds it across an `.await`.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::time::Duration;

use chrono::{DateTime, Utc};
use webshare_api::{Decimal, Secret};

use crate::account_state::{
    IdVerification, MAX_NOTIFICATIONS, MAX_TWO_FACTOR_METHODS, Notification, PendingTwoFactor,
    Profile, TwoFactorMethod,
};
use crate::capped::{Capped, Full};
use crate::error::ApiError;
use crate::plan::MockPlan;
use crate::proxy_state::{IpAuthorization, ProxyScope};
use crate::random::{random_token, six_digits};
use crate::terms::Terms;

/// What an email sent by the service is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EmailKind {
    /// Carries an `activation_token` for `POST activation/complete/`.
    Activation,
    /// Carries a `password_reset_token` for `POST resetpassword/complete/`.
    PasswordReset,
    /// Carries a `confirmation_code` for `POST changeemail/complete/`; sent to the new address.
    EmailChange,
    /// Carries the two-factor `code` of a login token, for `POST twofactorauth/codeauth/`.
    TwoFactor,
}

/// An email the service would have sent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Email {
    /// The recipient.
    pub to: String,
    /// What it is for.
    pub kind: EmailKind,
    /// The one-time code it carries (redacted in `Debug`; serialized in full for the test-only route).
    pub token: Secret,
    /// When it was sent.
    pub sent_at: DateTime<Utc>,
}

pub(crate) type UserId = u64;

/// What a one-time code is for; an email change code goes to the new address.
pub(crate) enum CodeFor<'a> {
    Activation,
    PasswordReset,
    EmailChange(&'a str),
}

/// A social identity: the provider and the email address it vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SocialIdentity {
    pub provider: String,
    pub email: String,
}

#[derive(Debug)]
pub(crate) struct User {
    pub email: String,
    /// `None` for accounts registered through a social provider, until a password reset sets one.
    pub password: Option<Secret>,
    /// The social provider linked to the account, if any.
    pub social_provider: Option<String>,
    pub deleted: bool,
    pub email_is_verified: bool,
    pub last_activation_email: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The account's active plan.
    pub plan_id: i64,
    /// Every plan of the account, the active one too, oldest first.
    pub plans: Vec<MockPlan>,
    /// The account's API keys, oldest first (at most [`Limits::api_keys`]).
    pub api_keys: Vec<ApiKey>,
    /// The active plan's proxies, download token, IP authorizations, activity and replacements.
    pub proxy: ProxyScope,
    pub profile: Profile,
    /// Oldest first (at most [`MAX_NOTIFICATIONS`]).
    pub notifications: Vec<Notification>,
    /// Two-factor methods, oldest first; at most one active. None to start with (a mock decision: the
    /// documentation says email codes are on by default, which would make every login need a code).
    pub two_factor: Vec<TwoFactorMethod>,
    pub id_verification: IdVerification,
    /// The subscription, credits, payments and transactions.
    pub billing: crate::commerce::Billing,
    pub referral: crate::referral_state::Referral,
    pub verification: crate::verification_state::Verification,
}

/// An API key: a token that never expires, until deleted, and may not manage API keys.
#[derive(Debug, Clone)]
pub(crate) struct ApiKey {
    pub id: i64,
    pub key: Secret,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ApiKey {
    /// As the API shows it: the whole key only when `whole` (the create answer).
    pub fn to_type(&self, whole: bool) -> webshare_api::types::ApiKey {
        let key = self.key.expose();
        let shown = if whole {
            key.to_owned()
        } else {
            format!("{}...{}", &key[..7], &key[key.len() - 3..])
        };
        webshare_api::types::ApiKey {
            id: self.id,
            key: Some(Secret::new(shown)),
            label: Some(self.label.clone()),
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
        }
    }
}

impl User {
    /// The active two-factor method, if two-factor authentication is on.
    pub fn active_two_factor(&self) -> Option<&TwoFactorMethod> {
        self.two_factor.iter().find(|m| m.active)
    }

    /// Makes two-factor method `id` the one active method.
    pub fn activate_two_factor(&mut self, id: i64, now: DateTime<Utc>) {
        for method in &mut self.two_factor {
            let active = method.id == id;
            if method.active != active {
                method.active = active;
                method.updated_at = now;
            }
        }
    }

    /// The plan the account's proxies come from.
    pub fn active_plan(&self) -> Option<&MockPlan> {
        self.plans.iter().find(|p| p.id == self.plan_id)
    }
}

/// A sub-user of an account, with limits and a proxy list of its own.
#[derive(Debug)]
pub(crate) struct Subuser {
    pub owner: UserId,
    pub proxy: ProxyScope,
    pub label: String,
    /// The custom proxy list's countries and counts; `None`: no custom list.
    pub proxy_countries: Option<BTreeMap<String, i64>>,
    pub proxy_limit: f64,
    pub max_thread_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub bandwidth_use_start_date: DateTime<Utc>,
}

/// How much of a proxy world a new plan gets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sizes {
    pub proxies_per_plan: usize,
    pub activity_per_plan: usize,
}

/// How many of each kind of record the service keeps, in all and per account (see the `max_*` fields of
/// [`crate::Config`]); each is at least 1.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub users: usize,
    pub tokens: usize,
    pub tokens_per_account: usize,
    pub codes: usize,
    pub codes_per_account: usize,
    pub outbox: usize,
    pub plans: usize,
    pub subusers: usize,
    pub ip_authorizations: usize,
    pub pending_payments: usize,
    pub replacements: usize,
    pub api_keys: usize,
    pub appeals: usize,
    pub plan_proxies: usize,
}

impl Limits {
    /// The limits `config` sets, each at least 1.
    pub fn of(config: &crate::Config) -> Self {
        Self {
            users: config.max_users.max(1),
            tokens: config.max_tokens.max(1),
            tokens_per_account: config.max_tokens_per_account.max(1),
            codes: config.max_codes.max(1),
            codes_per_account: config.max_codes_per_account.max(1),
            outbox: config.max_outbox.max(1),
            plans: config.max_plans.max(1),
            subusers: config.max_subusers.max(1),
            ip_authorizations: config.max_ip_authorizations.max(1),
            pending_payments: config.max_pending_payments.max(1),
            replacements: config.max_replacements.max(1),
            api_keys: config.max_api_keys.max(1),
            appeals: config.max_appeals.max(1),
            plan_proxies: config.max_plan_proxies.max(1),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Data {
    pub sizes: Sizes,
    pub limits: Limits,
    next_id: UserId,
    next_subuser_id: i64,
    next_ip_authorization_id: i64,
    /// Ids of proxy replacements, replaced proxies, plans made by upgrades, and transactions.
    pub next_replacement_id: i64,
    pub next_replaced_id: i64,
    pub next_plan_id: i64,
    pub next_transaction_id: i64,
    /// IDs of pending payments, payment methods, referral credits and earn-outs, verification flows,
    /// questions, appeals and files.
    pub next_record_id: i64,
    pub next_api_key_id: i64,
    pub next_notification_id: i64,
    pub next_two_factor_id: i64,
    /// Login tokens waiting for their two-factor code, by token.
    pub two_factor_pending: Capped<String, PendingTwoFactor>,
    /// Every account's API keys, by key.
    pub api_keys: HashMap<String, UserId>,
    /// Accounts with a replacement still to carry out (see [`Data::settle`]).
    pub pending_replacements: BTreeSet<UserId>,
    pub subusers: HashMap<i64, Subuser>,
    /// By id, which grows with each account. Never removed (a deleted account is marked `deleted`): a full
    /// server refuses new accounts instead.
    pub users: BTreeMap<UserId, User>,
    pub by_email: HashMap<String, UserId>,
    pub tokens: Capped<String, UserId>,
    pub activation_codes: Capped<String, UserId>,
    pub reset_codes: Capped<String, UserId>,
    /// Email change confirmation codes: the account and its new address.
    pub email_change_codes: Capped<String, (UserId, String)>,
    /// Authorization codes minted by tests, as a provider would issue them; single-use.
    pub social_codes: Capped<String, SocialIdentity>,
    /// Oldest first; the oldest are dropped beyond the limit.
    pub outbox: VecDeque<Email>,
}

impl Data {
    pub fn new(sizes: Sizes, limits: Limits) -> Self {
        Self {
            sizes,
            limits,
            next_id: 0,
            next_subuser_id: 0,
            next_ip_authorization_id: 0,
            next_replacement_id: 0,
            next_replaced_id: 0,
            // Far above the plans of accounts (1,000 + the account's id).
            next_plan_id: 1_000_000_000,
            next_transaction_id: 0,
            next_record_id: 0,
            next_api_key_id: 0,
            next_notification_id: 0,
            next_two_factor_id: 0,
            two_factor_pending: Capped::new(limits.tokens),
            api_keys: HashMap::new(),
            pending_replacements: BTreeSet::new(),
            subusers: HashMap::new(),
            users: BTreeMap::new(),
            by_email: HashMap::new(),
            tokens: Capped::with_owners(limits.tokens, limits.tokens_per_account, |user| *user),
            activation_codes: Capped::with_owners(limits.codes, limits.codes_per_account, |user| {
                *user
            }),
            reset_codes: Capped::with_owners(limits.codes, limits.codes_per_account, |user| *user),
            email_change_codes: Capped::with_owners(
                limits.codes,
                limits.codes_per_account,
                |(user, _)| *user,
            ),
            social_codes: Capped::new(limits.codes),
            outbox: VecDeque::new(),
        }
    }

    /// The account of a caller authenticated as `user`; a 401 if it is gone (accounts are never removed,
    /// but a missing one must be an error, not a panic).
    pub fn account(&self, user: UserId) -> Result<&User, ApiError> {
        self.users.get(&user).ok_or_else(ApiError::invalid_token)
    }

    /// As [`Data::account`], to change it.
    pub fn account_mut(&mut self, user: UserId) -> Result<&mut User, ApiError> {
        self.users
            .get_mut(&user)
            .ok_or_else(ApiError::invalid_token)
    }

    /// A new account; a 503 `mock_capacity` if the server holds its most accounts (none is removed to
    /// make room).
    pub fn create_user(
        &mut self,
        email: &str,
        password: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<UserId, ApiError> {
        if self.users.len() >= self.limits.users {
            return Err(ApiError::capacity("accounts", "max_users"));
        }
        self.next_id += 1;
        let id = self.next_id;
        let proxy = ProxyScope::generate(
            id,
            self.sizes.proxies_per_plan,
            self.sizes.activity_per_plan,
            now,
        );
        let plan = MockPlan {
            id: 1000 + id as i64,
            cancelled: false,
            terms: Terms::initial(&proxy),
            automatic_refresh_next_at: None,
            created_at: now,
            updated_at: now,
            used_when_closed: None,
        };
        self.users.insert(
            id,
            User {
                email: email.to_owned(),
                password: password.map(Secret::new),
                social_provider: None,
                deleted: false,
                email_is_verified: false,
                last_activation_email: None,
                created_at: now,
                updated_at: now,
                plan_id: plan.id,
                plans: vec![plan],
                api_keys: Vec::new(),
                proxy,
                profile: Profile::new(random_token()[..32].to_owned(), now),
                notifications: Vec::new(),
                two_factor: Vec::new(),
                id_verification: IdVerification::new(now),
                billing: crate::commerce::Billing::new(id as i64, now),
                referral: crate::referral_state::Referral::new(id, now),
                verification: Default::default(),
            },
        );
        let plan = 1000 + id as i64;
        self.notify(
            id,
            "reminder_to_use_proxy",
            serde_json::Map::new(),
            true,
            now,
        );
        let mut context = serde_json::Map::new();
        context.insert("plan".into(), plan.into());
        self.notify(
            id,
            "too_much_bandwidth_too_little_proxies",
            context,
            true,
            now,
        );
        self.by_email.insert(normalize_email(email), id);
        Ok(id)
    }

    /// A new notification of `user` (nothing if `user` is gone); its id.
    pub fn notify(
        &mut self,
        user: UserId,
        kind: &str,
        context: serde_json::Map<String, serde_json::Value>,
        is_dismissable: bool,
        now: DateTime<Utc>,
    ) -> Option<i64> {
        let account = self.users.get_mut(&user)?;
        self.next_notification_id += 1;
        if account.notifications.len() >= MAX_NOTIFICATIONS {
            account.notifications.remove(0);
        }
        account.notifications.push(Notification {
            id: self.next_notification_id,
            kind: kind.to_owned(),
            is_dismissable,
            context,
            created_at: now,
            updated_at: now,
            dismissed_at: None,
        });
        Some(self.next_notification_id)
    }

    /// A new sub-user of `owner`, with a proxy list of its own (a tenth of a plan's); a 400
    /// `mock_limit_reached` if it has [`Limits::subusers`].
    pub fn create_subuser(&mut self, owner: UserId, now: DateTime<Utc>) -> Result<i64, ApiError> {
        let max = self.limits.subusers;
        if self.subusers.values().filter(|s| s.owner == owner).count() >= max {
            return Err(ApiError::limit_reached("sub-users", max, "max_subusers"));
        }
        self.next_subuser_id += 1;
        let id = self.next_subuser_id;
        let proxy = ProxyScope::generate(
            1_000_000 + id as u64,
            self.sizes.proxies_per_plan.div_ceil(10),
            self.sizes.activity_per_plan.div_ceil(10),
            now,
        );
        self.subusers.insert(
            id,
            Subuser {
                owner,
                proxy,
                label: format!("sub-user {id}"),
                proxy_countries: None,
                proxy_limit: 0.0,
                max_thread_count: 500,
                created_at: now,
                updated_at: now,
                bandwidth_use_start_date: now,
            },
        );
        Ok(id)
    }

    /// The id of a new IP authorization (of any account or sub-user).
    pub fn new_ip_authorization_id(&mut self) -> i64 {
        self.next_ip_authorization_id += 1;
        self.next_ip_authorization_id
    }

    /// A new IP authorization of `user`'s plan; a 400 `mock_limit_reached` if it has
    /// [`Limits::ip_authorizations`].
    pub fn authorize_ip(
        &mut self,
        user: UserId,
        ip_address: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, ApiError> {
        let max = self.limits.ip_authorizations;
        if self.account(user)?.proxy.ip_authorizations.len() >= max {
            return Err(ip_authorizations_limit(max));
        }
        let id = self.new_ip_authorization_id();
        self.account_mut(user)?
            .proxy
            .ip_authorizations
            .push(IpAuthorization {
                id,
                ip_address: ip_address.to_owned(),
                created_at: now,
            });
        Ok(id)
    }

    /// Carries out the proxy replacements that have completed by `now`, so every operation sees the list
    /// as it is at that time.
    pub fn settle(&mut self, now: DateTime<Utc>) {
        let pending = std::mem::take(&mut self.pending_replacements);
        for user in pending {
            let Some(account) = self.users.get_mut(&user) else {
                continue;
            };
            account.proxy.settle(now, &mut self.next_replaced_id);
            if account.proxy.has_pending_replacements() {
                self.pending_replacements.insert(user);
            }
        }
    }

    pub fn user_by_email(&self, email: &str) -> Option<UserId> {
        self.by_email.get(&normalize_email(email)).copied()
    }

    /// A new API token for `user`; a 503 `mock_capacity` when the server holds its most tokens, a 400
    /// `mock_limit_reached` when the account does.
    pub fn issue_token(&mut self, user: UserId) -> Result<Secret, ApiError> {
        let token = random_token();
        match self.tokens.insert(token.clone(), user) {
            Ok(()) => Ok(Secret::new(token)),
            Err(Full::Store) => Err(ApiError::capacity("tokens", "max_tokens")),
            Err(Full::Owner) => Err(ApiError::limit_reached(
                "tokens",
                self.limits.tokens_per_account,
                "max_tokens_per_account",
            )),
        }
    }

    /// A new login token for `user`: with two-factor on, it waits for its code (emailed now, for the email
    /// method) and answers 403 `2fa_needed` until then.
    pub fn issue_login_token(
        &mut self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<Secret, ApiError> {
        let token = self.issue_token(user)?;
        if let Some(account) = self.users.get_mut(&user) {
            account.profile.last_login = Some(now);
            if let Some(method) = account.active_two_factor() {
                let email = method.kind == webshare_api::types::TwoFactorMethodType::EmailCode;
                let pending = PendingTwoFactor {
                    emailed_code: None,
                    failures: 0,
                };
                // A token must never exist without its pending mark: that would skip its second factor.
                if self
                    .two_factor_pending
                    .insert(token.expose().to_owned(), pending)
                    .is_err()
                {
                    self.tokens.remove(token.expose());
                    return Err(ApiError::capacity("tokens", "max_tokens"));
                }
                if email {
                    self.email_two_factor_code(user, token.expose(), now)?;
                }
            }
        }
        Ok(token)
    }

    /// A new two-factor method of `user`, as the answer that creates it shows it (a device's secret
    /// included): email codes are active at once, a device waits for two of its codes. Inactive methods
    /// make room first, oldest first.
    pub fn add_two_factor_method(
        &mut self,
        user: UserId,
        kind: webshare_api::types::TwoFactorMethodType,
        now: DateTime<Utc>,
    ) -> Result<webshare_api::types::TwoFactorMethod, ApiError> {
        self.next_two_factor_id += 1;
        let id = self.next_two_factor_id;
        let account = self.account_mut(user)?;
        while account.two_factor.len() >= MAX_TWO_FACTOR_METHODS {
            match account.two_factor.iter().position(|m| !m.active) {
                Some(index) => account.two_factor.remove(index),
                None => account.two_factor.remove(0),
            };
        }
        let device = kind == webshare_api::types::TwoFactorMethodType::DeviceTotp;
        let method = TwoFactorMethod {
            id,
            kind,
            active: false,
            secret: device.then(|| Secret::new(crate::totp::new_secret())),
            created_at: now,
            updated_at: now,
        };
        let shown = method.to_type(true);
        account.two_factor.push(method);
        if device {
            return Ok(shown);
        }
        account.activate_two_factor(id, now);
        Ok(webshare_api::types::TwoFactorMethod {
            active: Some(true),
            ..shown
        })
    }

    /// Revokes one token (a login token waiting for its two-factor code too).
    pub fn revoke_token(&mut self, token: &str) {
        self.tokens.remove(token);
        self.two_factor_pending.remove(token);
    }

    /// Emails a new two-factor code for the pending login `token` of `user`, replacing the last one.
    pub fn email_two_factor_code(
        &mut self,
        user: UserId,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let Some(to) = self.users.get(&user).map(|account| account.email.clone()) else {
            return Ok(());
        };
        let Some(pending) = self.two_factor_pending.get_mut(token) else {
            return Ok(());
        };
        let code = six_digits();
        pending.emailed_code = Some(Secret::new(code.clone()));
        self.post(Email {
            to,
            kind: EmailKind::TwoFactor,
            token: Secret::new(code),
            sent_at: now,
        });
        Ok(())
    }

    /// Revokes every API token of `user` except `keep`.
    pub fn revoke_tokens(&mut self, user: UserId, keep: Option<&str>) {
        self.tokens
            .retain(|token, owner| *owner != user || Some(token.as_str()) == keep);
    }

    /// Whether `password` is the account's (an account without a password has none to match).
    pub fn password_matches(&self, user: UserId, password: &str) -> bool {
        self.users
            .get(&user)
            .and_then(|account| account.password.as_ref())
            .is_some_and(|p| p.expose() == password)
    }

    /// Points `user` at a new email address.
    pub fn change_email(&mut self, user: UserId, new_email: &str) {
        let Some(account) = self.users.get_mut(&user) else {
            return;
        };
        let old = std::mem::replace(&mut account.email, new_email.to_owned());
        self.by_email.remove(&normalize_email(&old));
        self.by_email.insert(normalize_email(new_email), user);
    }

    /// Mails a one-time code for `purpose` and remembers what it is for (nothing if `user` is gone); a
    /// 503 `mock_capacity` when the server holds its most codes of that kind, a 400 `mock_limit_reached`
    /// when the account does.
    pub fn send_code(
        &mut self,
        user: UserId,
        purpose: CodeFor<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let Some(account_email) = self.users.get(&user).map(|account| account.email.clone()) else {
            return Ok(());
        };
        let code = random_token();
        let (stored, to, kind) = match purpose {
            CodeFor::Activation => (
                self.activation_codes.insert(code.clone(), user),
                account_email,
                EmailKind::Activation,
            ),
            CodeFor::PasswordReset => (
                self.reset_codes.insert(code.clone(), user),
                account_email,
                EmailKind::PasswordReset,
            ),
            CodeFor::EmailChange(new_email) => (
                self.email_change_codes
                    .insert(code.clone(), (user, new_email.to_owned())),
                new_email.to_owned(),
                EmailKind::EmailChange,
            ),
        };
        match stored {
            Ok(()) => {}
            Err(Full::Store) => return Err(ApiError::capacity("one-time codes", "max_codes")),
            Err(Full::Owner) => {
                return Err(ApiError::limit_reached(
                    "live one-time codes of a kind",
                    self.limits.codes_per_account,
                    "max_codes_per_account",
                ));
            }
        }
        self.post(Email {
            to,
            kind,
            token: Secret::new(code),
            sent_at: now,
        });
        Ok(())
    }

    /// A completed payment of `amount` by `user`: if the account applied another's code, that account earns
    /// a credit for it ([`Referral::credit_payment`](crate::referral_state::Referral::credit_payment)).
    pub fn credit_referrer(&mut self, user: UserId, amount: Decimal, now: DateTime<Utc>) {
        let Some(code) = self
            .users
            .get(&user)
            .and_then(|a| a.referral.applied.clone())
        else {
            return;
        };
        let Some(referrer) = self
            .users
            .iter()
            .find(|(_, a)| a.referral.code == code)
            .map(|(id, _)| *id)
        else {
            return;
        };
        self.next_record_id += 1;
        let id = self.next_record_id;
        let Some(account) = self.users.get_mut(&referrer) else {
            return;
        };
        account
            .referral
            .credit_payment(id, referrer, user, amount, now);
    }

    /// Puts `email` in the outbox, dropping the oldest beyond its limit.
    fn post(&mut self, email: Email) {
        while self.outbox.len() >= self.limits.outbox {
            self.outbox.pop_front();
        }
        self.outbox.push_back(email);
    }
}

/// The 400 of an account, or sub-user, with `max` IP authorizations.
pub(crate) fn ip_authorizations_limit(max: usize) -> ApiError {
    ApiError::limit_reached("IP authorizations", max, "max_ip_authorizations")
}

/// The current time at the API's precision (microseconds), on the serving server's clock.
pub(crate) fn now() -> DateTime<Utc> {
    crate::clock::now()
}

/// Emails are case-insensitive for lookup, as the real service treats them.
fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Seconds left of `window` since `since`, rounded up; `None` when the window has passed.
pub(crate) fn seconds_left(
    since: DateTime<Utc>,
    window: Duration,
    now: DateTime<Utc>,
) -> Option<u64> {
    let elapsed = (now - since).to_std().unwrap_or_default();
    let left = window.checked_sub(elapsed)?;
    if left.is_zero() {
        None
    } else {
        Some(left.as_secs() + u64::from(left.subsec_nanos() > 0))
    }
}
