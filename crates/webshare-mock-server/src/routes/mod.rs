//! The operations of `openapi/webshare.yaml`, one module per documentation page, and the router that
//! serves them under the spec's server path (`/api`).
//!
//! The route table is the generated one (`webshare_api::operations::ALL`: method and path of each
//! operation); this module only says which handler implements which operation, in a `match` that the
//! compiler checks covers every operation of the spec.

mod account;
mod activation;
mod api_keys;
mod billing;
mod download_tokens;
mod id_verification;
mod ip_authorizations;
mod local;
mod notifications;
mod password;
mod plans;
mod profile;
mod proxies;
mod proxy_config;
mod referral;
mod replacements;
mod social;
mod stats;
mod subscription;
mod subusers;
mod two_factor;
mod verification;

pub(crate) use billing::settle_payment;

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, DefaultBodyLimit, Query, State};
use axum::http::{Extensions, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, get, on};
use axum::{Json, Router, middleware};
use webshare_api::Operation;
use webshare_api::operations::{self, OperationId};

use crate::Shared;
use crate::error::{ApiError, for_framework_status};
use crate::state::{Data, UserId};
use crate::validate::{Fields, password_problems};

/// The API's page object `types::$ty` (`count`, `results`, `next`, `previous`) from a
/// [`proxies::Paged`] page.
macro_rules! page_of {
    ($ty:ident, $p:expr) => {{
        let p: super::proxies::Paged<_> = $p;
        webshare_api::types::$ty {
            count: p.count,
            results: p.results,
            next: p.next,
            previous: p.previous,
        }
    }};
}
pub(crate) use page_of;

/// The handler of each operation of the spec.
fn handler(operation: &Operation) -> MethodRouter<Shared> {
    let method = MethodFilter::try_from(operation.method.clone())
        .expect("the spec's methods are standard HTTP methods");
    match operation.id {
        OperationId::Register => on(method, local::register),
        OperationId::Login => on(method, local::login),
        OperationId::ResetPassword => on(method, password::reset),
        OperationId::CompletePasswordReset => on(method, password::complete_reset),
        OperationId::ChangePassword => on(method, password::change),
        OperationId::GetActivation => on(method, activation::status),
        OperationId::ResendActivation => on(method, activation::resend),
        OperationId::CompleteActivation => on(method, activation::complete),
        OperationId::SocialRegister => on(method, social::register),
        OperationId::SocialLogin => on(method, social::login),
        OperationId::ChangeEmail => on(method, account::change_email),
        OperationId::CompleteEmailChange => on(method, account::complete_email_change),
        OperationId::DeleteAccount => on(method, account::delete),
        OperationId::DeleteSocialAccount => on(method, social::delete_account),
        OperationId::Logout => on(method, account::logout),
        OperationId::ListProxies => on(method, proxies::list_proxies),
        OperationId::DownloadProxyList => on(method, proxies::download_proxy_list),
        OperationId::GetProxyConfig => on(method, proxies::get_proxy_config),
        OperationId::GetProxyConfigV2 => on(method, proxy_config::get),
        OperationId::UpdateProxyConfig => on(method, proxy_config::update),
        OperationId::AllocateUnallocatedCountries => on(method, proxy_config::allocate),
        OperationId::GetProxyListStats => on(method, proxies::get_proxy_list_stats),
        OperationId::GetProxyListStatus => on(method, proxies::get_proxy_list_status),
        OperationId::RefreshProxyList => on(method, proxies::refresh_proxy_list),
        OperationId::ListIpAuthorizations => on(method, ip_authorizations::list),
        OperationId::CreateIpAuthorization => on(method, ip_authorizations::create),
        OperationId::WhatsMyIp => on(method, ip_authorizations::whats_my_ip),
        OperationId::GetIpAuthorization => on(method, ip_authorizations::get),
        OperationId::DeleteIpAuthorization => on(method, ip_authorizations::delete),
        OperationId::GetDownloadToken => on(method, download_tokens::get),
        OperationId::ResetDownloadToken => on(method, download_tokens::reset),
        OperationId::ListProxyActivity => on(method, proxies::list_proxy_activity),
        OperationId::ListStats => on(method, stats::list),
        OperationId::GetAggregateStats => on(method, stats::aggregate),
        OperationId::DownloadProxyActivity => on(method, stats::download_activity),
        OperationId::ListProxyReplacements => on(method, replacements::list),
        OperationId::CreateProxyReplacement => on(method, replacements::create),
        OperationId::GetProxyReplacement => on(method, replacements::get),
        OperationId::ListReplacedProxies => on(method, replacements::list_replaced),
        OperationId::DownloadReplacedProxies => on(method, replacements::download_replaced),
        OperationId::ListPlans => on(method, plans::list),
        OperationId::GetPlan => on(method, plans::get),
        OperationId::UpdatePlan => on(method, plans::update),
        OperationId::UpgradePlan => on(method, plans::upgrade),
        OperationId::CancelPlan => on(method, plans::cancel),
        OperationId::ListApiKeys => on(method, api_keys::list),
        OperationId::CreateApiKey => on(method, api_keys::create),
        OperationId::GetApiKey => on(method, api_keys::get),
        OperationId::UpdateApiKey => on(method, api_keys::update),
        OperationId::DeleteApiKey => on(method, api_keys::delete),
        OperationId::ListSubusers => on(method, subusers::list),
        OperationId::CreateSubuser => on(method, subusers::create),
        OperationId::GetSubuser => on(method, subusers::get),
        OperationId::UpdateSubuser => on(method, subusers::update),
        OperationId::DeleteSubuser => on(method, subusers::delete),
        OperationId::RefreshSubuserProxyList => on(method, subusers::refresh),
        OperationId::GetProfile => on(method, profile::get),
        OperationId::UpdateProfile => on(method, profile::update),
        OperationId::GetProfilePreferences => on(method, profile::get_preferences),
        OperationId::UpdateProfilePreferences => on(method, profile::update_preferences),
        OperationId::ListNotifications => on(method, notifications::list),
        OperationId::GetNotification => on(method, notifications::get),
        OperationId::DismissNotification => on(method, notifications::dismiss),
        OperationId::RestoreNotification => on(method, notifications::restore),
        OperationId::GetTwoFactorMethod => on(method, two_factor::current),
        OperationId::ChangeTwoFactorMethod => on(method, two_factor::change),
        OperationId::ActivateTwoFactorMethod => on(method, two_factor::activate),
        OperationId::SubmitTwoFactorCode => on(method, two_factor::submit_code),
        OperationId::ResendTwoFactorEmail => on(method, two_factor::resend_email),
        OperationId::GetIdVerification => on(method, id_verification::get),
        OperationId::StartIdVerification => on(method, id_verification::start),
        OperationId::CompleteIdVerification => on(method, id_verification::complete),
        OperationId::GetSubscription => on(method, subscription::get),
        OperationId::GetAvailableAssets => on(method, subscription::available_assets),
        OperationId::GetCustomizationOptions => on(method, subscription::customize),
        OperationId::GetSubscriptionPricing => on(method, subscription::pricing),
        OperationId::PurchasePlan => on(method, subscription::purchase),
        OperationId::RenewSubscription => on(method, subscription::renew),
        OperationId::EnableAutoRenewal => on(method, subscription::enable_renewal),
        OperationId::CancelAutoRenewal => on(method, subscription::cancel_renewal),
        OperationId::GetBillingInfo => on(method, billing::get_info),
        OperationId::UpdateBillingInfo => on(method, billing::update_info),
        OperationId::ListPaymentMethods => on(method, billing::list_payment_methods),
        OperationId::CreatePaymentMethod => on(method, billing::create_payment_method),
        OperationId::GetPaymentMethod => on(method, billing::get_payment_method),
        OperationId::ListPendingPayments => on(method, billing::list_pending),
        OperationId::GetPendingPayment => on(method, billing::get_pending),
        OperationId::ListTransactions => on(method, billing::list_transactions),
        OperationId::GetTransaction => on(method, billing::get_transaction),
        OperationId::DownloadInvoice => on(method, billing::download_invoice),
        OperationId::GetReferralConfig => on(method, referral::get_config),
        OperationId::UpdateReferralConfig => on(method, referral::update_config),
        OperationId::GetReferralCouponCode => on(method, referral::get_coupon),
        OperationId::ApplyReferralCouponCode => on(method, referral::apply_coupon),
        OperationId::RemoveReferralCouponCode => on(method, referral::remove_coupon),
        OperationId::ListReferralChannels => on(method, referral::channels),
        OperationId::ListReferralCredits => on(method, referral::list_credits),
        OperationId::GetReferralCredit => on(method, referral::get_credit),
        OperationId::ListReferralEarnouts => on(method, referral::list_earnouts),
        OperationId::GetReferralEarnout => on(method, referral::get_earnout),
        OperationId::GetReferralCodeInfo => on(method, referral::code_info),
        OperationId::ListVerificationFlows => on(method, verification::list_flows),
        OperationId::GetVerificationFlow => on(method, verification::get_flow),
        OperationId::SubmitVerificationEvidence => on(method, verification::submit_evidence),
        OperationId::SubmitVerificationCode => on(method, verification::submit_code),
        OperationId::ListVerificationQuestions => on(method, verification::list_questions),
        OperationId::AnswerVerificationQuestion => on(method, verification::answer),
        OperationId::ListVerificationAppeals => on(method, verification::list_appeals),
        OperationId::CreateVerificationAppeal => on(method, verification::create_appeal),
        OperationId::ListAbuseReports => on(method, verification::abuse_reports),
        OperationId::GetVerificationSuspension => on(method, verification::suspension),
        OperationId::GetVerificationCategories => on(method, verification::categories),
        OperationId::GetVerificationLimits => on(method, verification::limits),
        OperationId::GetVerificationThresholds => on(method, verification::thresholds),
    }
}

/// The path of the spec's server URL (`/api`), under which every operation's path is served.
pub(crate) fn server_path() -> &'static str {
    let url = operations::SERVER_URL;
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme
        .find('/')
        .map_or("", |slash| after_scheme[slash..].trim_end_matches('/'))
}

/// The whole service: the API under the server path, and the test-only outbox route beside it.
pub fn router(app: Shared) -> Router {
    let mut by_path: BTreeMap<&str, MethodRouter<Shared>> = BTreeMap::new();
    for operation in operations::ALL {
        let mut route = handler(operation).layer(axum::Extension(Served(operation)));
        if !operation.form.is_empty() {
            route = route.layer(DefaultBodyLimit::max(app.config.max_upload_bytes));
        }
        if app.limits.is_some() {
            let gate = crate::rate_limit::Gate {
                app: app.clone(),
                class: operation.rate_limit,
            };
            route = route.layer(middleware::from_fn_with_state(
                gate,
                crate::rate_limit::limit,
            ));
        }
        // Outermost: a scripted fault answers before the rate limit, authentication or the handler.
        let gate = crate::faults::Gate {
            app: app.clone(),
            operation: operation.id,
        };
        route = route.layer(middleware::from_fn_with_state(gate, crate::faults::inject));
        let merged = match by_path.remove(operation.path) {
            Some(existing) => existing.merge(route),
            None => route,
        };
        by_path.insert(operation.path, merged);
    }
    let api = by_path
        .into_iter()
        .fold(Router::new(), |router, (path, route)| {
            router.route(path, route)
        });
    Router::new()
        .nest(server_path(), api)
        .route(crate::OUTBOX_PATH, get(outbox)) // not an API operation: the test-only outbox
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(DefaultBodyLimit::max(app.config.max_body_bytes))
        .layer(middleware::map_response_with_state(
            app.clone(),
            render_errors,
        ))
        .with_state(app)
}

/// The one place error bodies are written: errors from handlers, and axum's own bodiless 404/405/413.
async fn render_errors(State(app): State<Shared>, response: Response) -> Response {
    let style = app.config.field_error_style;
    if let Some(error) = response.extensions().get::<ApiError>() {
        return error.clone().render(style);
    }
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        let mut rendered = for_framework_status(status).render(style);
        if let Some(allow) = response.headers().get(header::ALLOW) {
            rendered.headers_mut().insert(header::ALLOW, allow.clone());
        }
        return rendered;
    }
    response
}

fn check_recaptcha(app: &Shared, fields: &mut Fields, value: &str) {
    if let Some(required) = &app.config.recaptcha
        && !fields.has_error("recaptcha")
        && value != required
    {
        fields.error(
            "recaptcha",
            "Invalid recaptcha. Please try again.",
            "invalid",
        );
    }
}

fn check_new_password(fields: &mut Fields, field: &str, password: &str, email: &str) {
    if !fields.has_error(field) {
        for (message, code) in password_problems(password, email) {
            fields.error(field, message, code);
        }
    }
}

/// The current password of a signed-in account, for the operations that ask for it again.
fn check_current_password(data: &Data, user: UserId, fields: &mut Fields, password: &str) {
    if fields.has_error("password") {
        return;
    }
    if data
        .users
        .get(&user)
        .is_some_and(|account| account.password.is_none())
    {
        fields.error(
            "non_field_errors",
            "This account has no password (it was registered through a social provider); set one with a password reset.",
            "no_password",
        );
    } else if !data.password_matches(user, password) {
        fields.error("password", "Wrong password.", "wrong_password");
    }
}

/// The 403 of a sign-in to an account that is deleted. (Two-factor authentication does not refuse the
/// sign-in: its token waits for the code, see `Data::issue_login_token`.)
fn check_sign_in_allowed(data: &Data, user: UserId) -> Result<(), ApiError> {
    if data.account(user)?.deleted {
        return Err(account_deleted());
    }
    Ok(())
}

/// The operation a request is routed to, in its extensions (for the checks that depend on it).
#[derive(Clone, Copy)]
pub(crate) struct Served(pub &'static Operation);

/// The documentation section a suspended account can still use.
pub(crate) const VERIFICATION_TAG: &str = "Account Verification";

/// The 403 of a suspended account.
pub(crate) fn account_suspended() -> ApiError {
    ApiError::detail(
        StatusCode::FORBIDDEN,
        "Your account is suspended.",
        "account_suspended",
    )
}

pub(crate) fn account_deleted() -> ApiError {
    ApiError::detail(
        StatusCode::FORBIDDEN,
        "Your account is deleted.",
        "account_deleted",
    )
}

fn lock(app: &Shared) -> std::sync::MutexGuard<'_, Data> {
    let mut data = crate::lock_unpoisoned(&app.data);
    if !data.pending_replacements.is_empty() {
        data.settle(crate::state::now());
    }
    data
}

#[derive(serde::Deserialize)]
struct OutboxQuery {
    to: Option<String>,
}

/// Whether a caller at `peer` (`None`: unknown) may read the outbox: loopback callers only, unless
/// `from_any_address`.
fn may_read_outbox(peer: Option<IpAddr>, from_any_address: bool) -> bool {
    from_any_address || peer.is_some_and(|ip| ip.to_canonical().is_loopback())
}

/// Test-only, not part of the Webshare API: the emails the service sent, codes included. Other than to
/// loopback callers (unless configured), the route does not exist: the 404 of any unknown path.
async fn outbox(
    State(app): State<Shared>,
    extensions: Extensions,
    Query(query): Query<OutboxQuery>,
) -> Response {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    if !may_read_outbox(peer, app.config.outbox_from_any_address) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let data = lock(&app);
    let emails: Vec<_> = data
        .outbox
        .iter()
        .filter(|email| {
            query
                .to
                .as_deref()
                .is_none_or(|to| email.to.eq_ignore_ascii_case(to))
        })
        .cloned()
        .collect();
    Json(emails).into_response()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use axum::body::Body;
    use axum::http::Request;
    use tower_service::Service;

    use super::*;
    use crate::{AppState, Config};

    #[test]
    fn only_loopback_callers_may_read_the_outbox() {
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        for loopback in ["127.0.0.1", "127.0.0.53", "::1", "::ffff:127.0.0.1"] {
            assert!(may_read_outbox(ip(loopback), false), "{loopback}");
        }
        for other in [
            "192.0.2.7",
            "10.0.0.1",
            "0.0.0.0",
            "::",
            "2001:db8::1",
            "::ffff:192.0.2.7",
        ] {
            assert!(!may_read_outbox(ip(other), false), "{other}");
            assert!(may_read_outbox(ip(other), true), "{other}");
        }
        // A request whose peer is unknown is not a loopback one.
        assert!(!may_read_outbox(None, false));
        assert!(may_read_outbox(None, true));
    }

    /// The outbox route's status for a request from `peer` (none: no `ConnectInfo`).
    async fn outbox_status(config: Config, peer: Option<&str>) -> (StatusCode, serde_json::Value) {
        let sizes = crate::state::Sizes {
            proxies_per_plan: 1,
            activity_per_plan: 0,
        };
        let limits = crate::state::Limits {
            users: 1,
            tokens: 1,
            codes: 1,
            outbox: 1,
        };
        let app = Arc::new(AppState {
            config,
            data: Mutex::new(Data::new(sizes, limits)),
            limits: None,
            faults: Default::default(),
            drift: crate::drift::DriftState::new(None),
        });
        let mut request = Request::get(crate::OUTBOX_PATH)
            .body(Body::empty())
            .unwrap();
        if let Some(peer) = peer {
            let peer: SocketAddr = peer.parse().unwrap();
            request.extensions_mut().insert(ConnectInfo(peer));
        }
        let response = router(app).call(request).await.unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, serde_json::from_slice(&body).unwrap())
    }

    #[tokio::test]
    async fn the_outbox_route_does_not_exist_for_other_callers() {
        let not_found = serde_json::json!({"code": "not_found", "detail": "Not found."});
        for peer in [Some("192.0.2.7:4000"), Some("[2001:db8::1]:4000"), None] {
            assert_eq!(
                outbox_status(Config::default(), peer).await,
                (StatusCode::NOT_FOUND, not_found.clone()),
                "{peer:?}"
            );
        }
        let empty = (StatusCode::OK, serde_json::json!([]));
        assert_eq!(
            outbox_status(Config::default(), Some("127.0.0.1:4000")).await,
            empty
        );
        assert_eq!(
            outbox_status(Config::default(), Some("[::1]:4000")).await,
            empty
        );
        let open = Config {
            outbox_from_any_address: true,
            ..Config::default()
        };
        assert_eq!(outbox_status(open, Some("192.0.2.7:4000")).await, empty);
    }
}
