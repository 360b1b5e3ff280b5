//! Where every operation of the API sits in the command tree: one exhaustive table. A new operation in
//! the spec does not compile until it is placed here, as a generated command (its arguments, sending and
//! printing come from `crate::generated`) or as a hand-written flow (a command that does more than send
//! one operation: prompts for secrets, progress, downloads to files, natural keys).

use webshare::operations::OperationId;

/// Where an operation's command is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A generated command at this path below `webshare` (e.g. `"notifications show"`).
    Generated(&'static str),
    /// A hand-written command at this path sends it (among other things, perhaps).
    Flow(&'static str),
}

impl Place {
    /// The command's path below `webshare`.
    pub fn path(self) -> &'static str {
        match self {
            Self::Generated(path) | Self::Flow(path) => path,
        }
    }
}

/// The command of an operation.
pub fn command(operation: OperationId) -> &'static str {
    place(operation).path()
}

/// The place of every operation.
pub fn place(operation: OperationId) -> Place {
    use OperationId as O;
    use Place::{Flow, Generated};
    match operation {
        // Registration and login: prompts for secrets, saved tokens.
        O::Register => Flow("register"),
        O::Login => Flow("login"),
        O::SocialRegister => Flow("social register"),
        O::SocialLogin => Flow("social login"),
        O::ResetPassword => Flow("password reset"),
        O::CompletePasswordReset => Flow("password reset-complete"),
        O::ChangePassword => Flow("password change"),
        O::ChangeEmail => Flow("email change"),
        O::CompleteEmailChange => Flow("email change-complete"),
        O::GetActivation => Generated("activation status"),
        O::ResendActivation => Generated("activation resend"),
        O::CompleteActivation => Flow("activation complete"),
        O::DeleteAccount => Flow("account delete"),
        O::DeleteSocialAccount => Flow("account delete-social"),
        O::Logout => Flow("logout"),
        // The proxy list: list formats and downloads are flows.
        O::ListProxies => Flow("proxies list"),
        O::DownloadProxyList => Flow("proxies download"),
        O::RefreshProxyList => Generated("proxies refresh"),
        O::GetProxyConfigV2 => Generated("proxy-config show"),
        O::UpdateProxyConfig => Flow("proxy-config set"),
        O::AllocateUnallocatedCountries => Generated("proxy-config allocate"),
        O::GetProxyConfig => Generated("proxy-config get"),
        O::GetProxyListStats => Generated("proxy-config stats"),
        O::GetProxyListStatus => Generated("proxy-config status"),
        O::ListProxyReplacements => Generated("replacements list"),
        O::CreateProxyReplacement => Flow("replace"),
        O::GetProxyReplacement => Generated("replacements show"),
        O::ListReplacedProxies => Generated("replacements replaced"),
        O::DownloadReplacedProxies => Flow("replacements download"),
        O::ListIpAuthorizations => Generated("ip-auth list"),
        O::CreateIpAuthorization => Flow("ip-auth add"),
        O::WhatsMyIp => Generated("ip-auth whats-my-ip"),
        O::GetIpAuthorization => Generated("ip-auth show"),
        O::DeleteIpAuthorization => Flow("ip-auth remove"),
        O::GetDownloadToken => Generated("download-token show"),
        O::ResetDownloadToken => Generated("download-token reset"),
        O::ListStats => Generated("stats hourly"),
        O::GetAggregateStats => Generated("stats total"),
        O::DownloadProxyActivity => Flow("activity download"),
        O::ListProxyActivity => Generated("activity list"),
        O::ListPlans => Generated("plans list"),
        O::GetPlan => Generated("plans show"),
        O::UpdatePlan => Generated("plans update"),
        O::UpgradePlan => Generated("plans upgrade"),
        O::CancelPlan => Generated("plans cancel"),
        O::ListApiKeys => Generated("api-keys list"),
        O::CreateApiKey => Generated("api-keys create"),
        O::GetApiKey => Generated("api-keys show"),
        O::UpdateApiKey => Generated("api-keys update"),
        O::DeleteApiKey => Generated("api-keys delete"),
        O::ListSubusers => Generated("subusers list"),
        O::CreateSubuser => Generated("subusers create"),
        O::GetSubuser => Generated("subusers show"),
        O::UpdateSubuser => Generated("subusers update"),
        O::DeleteSubuser => Generated("subusers delete"),
        O::RefreshSubuserProxyList => Generated("subusers refresh"),
        O::GetProfile => Generated("profile show"),
        O::UpdateProfile => Generated("profile update"),
        O::GetProfilePreferences => Generated("profile preferences"),
        O::UpdateProfilePreferences => Generated("profile update-preferences"),
        O::ListNotifications => Generated("notifications list"),
        O::GetNotification => Generated("notifications show"),
        O::DismissNotification => Generated("notifications dismiss"),
        O::RestoreNotification => Generated("notifications restore"),
        // Two-factor authentication: an authenticator's secret and codes are flows.
        O::GetTwoFactorMethod => Generated("2fa status"),
        O::ChangeTwoFactorMethod => Flow("2fa enable"),
        O::ActivateTwoFactorMethod => Flow("2fa verify"),
        O::SubmitTwoFactorCode => Generated("2fa submit-code"),
        O::ResendTwoFactorEmail => Generated("2fa resend-email"),
        O::GetIdVerification => Generated("id-verification status"),
        O::StartIdVerification => Generated("id-verification start"),
        O::CompleteIdVerification => Generated("id-verification complete"),
        // The subscription: a plan configuration (`US=100`), prices and checkouts are flows.
        O::GetSubscription => Generated("subscription show"),
        O::GetAvailableAssets => Generated("subscription assets"),
        O::GetCustomizationOptions => Flow("subscription options"),
        O::GetSubscriptionPricing => Flow("subscription pricing"),
        O::PurchasePlan => Flow("subscription buy"),
        O::RenewSubscription => Flow("subscription renew"),
        O::EnableAutoRenewal => Generated("subscription enable-auto-renewal"),
        O::CancelAutoRenewal => Generated("subscription cancel-auto-renewal"),
        O::GetBillingInfo => Generated("billing show"),
        O::UpdateBillingInfo => Generated("billing update"),
        O::ListPaymentMethods => Generated("payments methods list"),
        O::CreatePaymentMethod => Flow("payments add-card"),
        O::GetPaymentMethod => Generated("payments methods show"),
        O::ListPendingPayments => Generated("payments pending list"),
        O::GetPendingPayment => Generated("payments pending show"),
        O::ListTransactions => Generated("payments transactions list"),
        O::GetTransaction => Generated("payments transactions show"),
        O::DownloadInvoice => Flow("invoices download"),
        O::GetReferralConfig => Generated("referral show"),
        O::UpdateReferralConfig => Generated("referral update"),
        O::GetReferralCouponCode => Generated("referral coupon show"),
        O::ApplyReferralCouponCode => Generated("referral coupon apply"),
        O::RemoveReferralCouponCode => Generated("referral coupon remove"),
        O::ListReferralChannels => Generated("referral channels"),
        O::ListReferralCredits => Generated("referral credits list"),
        O::GetReferralCredit => Generated("referral credits show"),
        O::ListReferralEarnouts => Generated("referral earnouts list"),
        O::GetReferralEarnout => Generated("referral earnouts show"),
        O::GetReferralCodeInfo => Generated("referral code-info"),
        // Account verification: uploads and an emailed code are flows.
        O::ListVerificationFlows => Generated("verification flows list"),
        O::GetVerificationFlow => Generated("verification flows show"),
        O::SubmitVerificationEvidence => Flow("verification evidence"),
        O::SubmitVerificationCode => Flow("verification code"),
        O::ListVerificationQuestions => Generated("verification questions"),
        O::AnswerVerificationQuestion => Flow("verification answer"),
        O::ListVerificationAppeals => Generated("verification appeals list"),
        O::CreateVerificationAppeal => Generated("verification appeals create"),
        O::ListAbuseReports => Generated("verification reports"),
        O::GetVerificationSuspension => Generated("verification suspension"),
        O::GetVerificationCategories => Generated("verification categories"),
        O::GetVerificationLimits => Generated("verification limits"),
        O::GetVerificationThresholds => Generated("verification thresholds"),
    }
}

/// The top-level commands in the order `webshare --help` lists them: the account, the proxies, the
/// money, then the tools.
pub const ORDER: &[&str] = &[
    "register",
    "login",
    "social",
    "password",
    "email",
    "activation",
    "2fa",
    "profile",
    "api-keys",
    "notifications",
    "account",
    "logout",
    "proxies",
    "proxy-url",
    "proxy-config",
    "ip-auth",
    "download-token",
    "replace",
    "replacements",
    "subusers",
    "activity",
    "stats",
    "plans",
    "subscription",
    "billing",
    "payments",
    "invoices",
    "referral",
    "verification",
    "id-verification",
    "operations",
    "check-api",
    "mock-server",
    "demo",
    "completions",
    "man",
    "help",
];

/// What a group of generated commands is for, in `--help`, when no hand-written command holds it.
pub fn group_about(group: &str) -> &'static str {
    match group {
        "stats" => "Proxy usage: by hour, or in total",
        "download-token" => "The tokens of the download links (withheld unless --show-secrets)",
        "plans" => "The subscription's plans: list them, show, update, upgrade or cancel one",
        "api-keys" => {
            "The account's API keys (needs a session token: an API key may not manage keys)"
        }
        "subusers" => {
            "Sub-users with limits and proxy lists of their own (act as one with --as-subuser)"
        }
        "profile" => "The account's profile and preferences",
        "notifications" => "The account's notifications: list, show, dismiss, restore",
        "id-verification" => "ID verification (Stripe Identity): status, start, complete",
        "billing" => "Billing information printed on invoices",
        "methods" => "Saved payment methods",
        "pending" => "Pending payments",
        "transactions" => "Transactions",
        "referral" => "The referral program and coupon codes",
        "coupon" => "The coupon code applied to the account",
        "credits" => "Referral credits",
        "earnouts" => "Referral earnouts (payouts)",
        "flows" => "Verification flows",
        "appeals" => "Appeals of a suspension",
        _ => "Operations of the API",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_and_form_operations_are_flows() {
        for operation in webshare::operations::ALL {
            let streamed = !matches!(
                operation.response,
                webshare::ResponseKind::Json | webshare::ResponseKind::Empty
            ) || !operation.form.is_empty();
            if streamed {
                assert!(
                    matches!(place(operation.id), Place::Flow(_)),
                    "`{}` streams its answer or uploads a form: it needs a hand-written command",
                    operation.name
                );
            }
        }
    }

    #[test]
    fn generated_commands_have_paths_of_their_own() {
        let mut seen = std::collections::BTreeMap::new();
        for operation in webshare::operations::ALL {
            if let Place::Generated(path) = place(operation.id) {
                assert!(
                    seen.insert(path, operation.name).is_none(),
                    "two operations are generated at `{path}`"
                );
            }
        }
        assert!(!seen.is_empty());
    }
}
