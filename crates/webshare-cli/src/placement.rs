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
        O::Register => Flow("register"),
        O::Login => Flow("login"),
        O::ResetPassword => Flow("password reset"),
        O::CompletePasswordReset => Flow("password reset-complete"),
        O::GetActivation => Flow("activation status"),
        O::ResendActivation => Flow("activation resend"),
        O::CompleteActivation => Flow("activation complete"),
        O::SocialRegister => Flow("social register"),
        O::SocialLogin => Flow("social login"),
        O::ChangePassword => Flow("password change"),
        O::ChangeEmail => Flow("email change"),
        O::CompleteEmailChange => Flow("email change-complete"),
        O::DeleteAccount => Flow("account delete"),
        O::DeleteSocialAccount => Flow("account delete-social"),
        O::Logout => Flow("logout"),
        O::ListProxies => Flow("proxies list"),
        O::DownloadProxyList => Flow("proxies download"),
        O::GetProxyConfigV2 => Generated("proxy-config show"),
        O::UpdateProxyConfig => Flow("proxy-config set"),
        O::AllocateUnallocatedCountries => Flow("proxy-config allocate"),
        O::GetProxyConfig => Generated("proxy-config get"),
        O::GetProxyListStats => Generated("proxy-config stats"),
        O::GetProxyListStatus => Generated("proxy-config status"),
        O::RefreshProxyList => Flow("proxies refresh"),
        O::ListProxyReplacements => Flow("replacements list"),
        O::CreateProxyReplacement => Flow("replace"),
        O::GetProxyReplacement => Flow("replacements show"),
        O::ListReplacedProxies => Flow("replacements replaced"),
        O::DownloadReplacedProxies => Flow("replacements download"),
        O::ListIpAuthorizations => Flow("ip-auth list"),
        O::CreateIpAuthorization => Flow("ip-auth add"),
        O::WhatsMyIp => Flow("ip-auth whats-my-ip"),
        O::GetIpAuthorization => Flow("ip-auth show"),
        O::DeleteIpAuthorization => Flow("ip-auth remove"),
        O::GetDownloadToken => Flow("download-token show"),
        O::ResetDownloadToken => Flow("download-token reset"),
        O::ListStats => Flow("stats hourly"),
        O::GetAggregateStats => Flow("stats total"),
        O::DownloadProxyActivity => Flow("activity download"),
        O::ListProxyActivity => Flow("activity list"),
        O::ListPlans => Flow("plans list"),
        O::GetPlan => Flow("plans show"),
        O::UpdatePlan => Flow("plans set-next-refresh"),
        O::UpgradePlan => Generated("plans upgrade"),
        O::CancelPlan => Flow("plans cancel"),
        O::ListApiKeys => Flow("api-keys list"),
        O::CreateApiKey => Flow("api-keys create"),
        O::GetApiKey => Generated("api-keys show"),
        O::UpdateApiKey => Flow("api-keys rename"),
        O::DeleteApiKey => Flow("api-keys revoke"),
        O::ListSubusers => Flow("subusers list"),
        O::CreateSubuser => Flow("subusers create"),
        O::GetSubuser => Flow("subusers show"),
        O::UpdateSubuser => Flow("subusers update"),
        O::DeleteSubuser => Flow("subusers delete"),
        O::RefreshSubuserProxyList => Flow("subusers refresh"),
        O::GetProfile => Flow("profile"),
        O::UpdateProfile => Flow("profile set"),
        O::GetProfilePreferences => Generated("profile preferences"),
        O::UpdateProfilePreferences => Generated("profile set-preferences"),
        O::ListNotifications => Flow("notifications list"),
        O::GetNotification => Generated("notifications show"),
        O::DismissNotification => Flow("notifications dismiss"),
        O::RestoreNotification => Flow("notifications restore"),
        O::GetTwoFactorMethod => Flow("2fa status"),
        O::ChangeTwoFactorMethod => Flow("2fa enable"),
        O::ActivateTwoFactorMethod => Flow("2fa verify"),
        O::SubmitTwoFactorCode => Generated("2fa submit-code"),
        O::ResendTwoFactorEmail => Generated("2fa resend-email"),
        O::GetIdVerification => Flow("id-verification status"),
        O::StartIdVerification => Flow("id-verification start"),
        O::CompleteIdVerification => Flow("id-verification complete"),
        O::GetSubscription => Flow("subscription show"),
        O::GetAvailableAssets => Flow("subscription assets"),
        O::GetCustomizationOptions => Flow("subscription options"),
        O::GetSubscriptionPricing => Flow("subscription pricing"),
        O::PurchasePlan => Flow("subscription buy"),
        O::RenewSubscription => Flow("subscription renew"),
        O::EnableAutoRenewal => Flow("subscription auto-renew"),
        O::CancelAutoRenewal => Flow("subscription auto-renew"),
        O::GetBillingInfo => Flow("billing show"),
        O::UpdateBillingInfo => Flow("billing set"),
        O::ListPaymentMethods => Flow("payments methods"),
        O::CreatePaymentMethod => Flow("payments add-card"),
        O::GetPaymentMethod => Flow("payments method"),
        O::ListPendingPayments => Flow("payments pending"),
        O::GetPendingPayment => Flow("payments pending"),
        O::ListTransactions => Flow("payments transactions"),
        O::GetTransaction => Flow("payments transactions"),
        O::DownloadInvoice => Flow("invoices download"),
        O::GetReferralConfig => Flow("referral show"),
        O::UpdateReferralConfig => Flow("referral set"),
        O::GetReferralCouponCode => Flow("referral coupon"),
        O::ApplyReferralCouponCode => Flow("referral coupon"),
        O::RemoveReferralCouponCode => Flow("referral coupon"),
        O::ListReferralChannels => Flow("referral channels"),
        O::ListReferralCredits => Flow("referral credits"),
        O::GetReferralCredit => Flow("referral credits"),
        O::ListReferralEarnouts => Flow("referral earnouts"),
        O::GetReferralEarnout => Flow("referral earnouts"),
        O::GetReferralCodeInfo => Flow("referral code-info"),
        O::ListVerificationFlows => Flow("verification flows"),
        O::GetVerificationFlow => Flow("verification flows"),
        O::SubmitVerificationEvidence => Flow("verification evidence"),
        O::SubmitVerificationCode => Flow("verification code"),
        O::ListVerificationQuestions => Flow("verification questions"),
        O::AnswerVerificationQuestion => Flow("verification answer"),
        O::ListVerificationAppeals => Flow("verification appeals"),
        O::CreateVerificationAppeal => Flow("verification appeals"),
        O::ListAbuseReports => Flow("verification reports"),
        O::GetVerificationSuspension => Flow("verification suspension"),
        O::GetVerificationCategories => Flow("verification categories"),
        O::GetVerificationLimits => Flow("verification limits"),
        O::GetVerificationThresholds => Flow("verification thresholds"),
    }
}

/// What a group of generated commands is for, in `--help`, when no hand-written command holds it.
pub fn group_about(group: &str) -> &'static str {
    match group {
        "plans" => "The subscription's plans: list them, show, re-time, upgrade or cancel one.",
        "notifications" => "The account's notifications: list, show, dismiss, restore.",
        _ => "Operations of the API.",
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
