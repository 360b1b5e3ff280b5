//! The operations of `openapi/webshare.yaml`, one module per documentation page, and the router that
//! serves them under the spec's server path (`/api`).
//!
//! The route table is the generated one (`webshare_api::operations::ALL`: method and path of each
//! operation); this module only says which handler implements which operation, in a `match` that the
//! compiler checks covers every operation of the spec, and binds each handler to its operation by type
//! (see `bind_each!`): a handler takes the parameters of its operation, `Params<operations::X>`, and
//! bound to any other operation it does not compile.

mod account;
mod activation;
mod api_keys;
mod billing;
/// The binding of a handler to an operation, checked by the compiler as dropshot's endpoint attribute
/// checks it: [`binding::bind`] accepts a handler for operation `X` only if one of its arguments is
/// `Params<operations::X>` (the extractor that parses `X`'s parameters), wherever it stands among the
/// handler's arguments, so that the order the extractors run in (and so which error a request gets
/// first) stays the handler's own. Its doctests show a mismatched binding failing to compile.
mod binding;
mod common;
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
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, get};
use axum::{Json, Router, middleware};
use webshare_api::operations::{self, OperationId};
use webshare_api::{Endpoint, Operation};

use self::common::lock;
use crate::Shared;
use crate::auth::Served;
use crate::error::{ApiError, for_framework_status};
use crate::params::Params;

/// The `match` on an [`OperationId`] of [`handler`], from a table of `Operation => handler` pairs.
///
/// `X => module::handler` is the arm `OperationId::X => bind::<Params<operations::X>, ..>(method,
/// module::handler)`: the variant and the parameter type are named by the same `X`, and [`binding::bind`]
/// accepts only a handler that takes `Params<operations::X>`, so routing an operation to the handler of
/// another one does not compile (and a handler reads its own operation's parameters, or none, as every
/// handler takes them even when the operation has none). The `match` stays exhaustive: a new operation of
/// the spec does not compile until it has a handler. Each arm also checks, at compile time, that
/// `operations::X` is the parameters of `OperationId::X` (`Endpoint::OPERATION`).
macro_rules! bind_each {
    ($id:expr, $method:expr, { $($op:ident => $handler:expr,)* }) => {
        match $id {
            $(OperationId::$op => {
                const {
                    assert!(matches!(
                        <operations::$op as Endpoint>::OPERATION.id,
                        OperationId::$op
                    ));
                }
                binding::bind::<Params<operations::$op>, _, _, _, _>($method, $handler)
            })*
        }
    };
}

/// The handler of each operation of the spec, bound to it by `bind_each!`.
fn handler(operation: &Operation) -> MethodRouter<Shared> {
    let method = MethodFilter::try_from(operation.method.clone())
        .expect("the spec's methods are standard HTTP methods");
    bind_each!(operation.id, method, {
        Register => local::register,
        Login => local::login,
        ResetPassword => password::reset,
        CompletePasswordReset => password::complete_reset,
        ChangePassword => password::change,
        GetActivation => activation::status,
        ResendActivation => activation::resend,
        CompleteActivation => activation::complete,
        SocialRegister => social::register,
        SocialLogin => social::login,
        ChangeEmail => account::change_email,
        CompleteEmailChange => account::complete_email_change,
        DeleteAccount => account::delete,
        DeleteSocialAccount => social::delete_account,
        Logout => account::logout,
        ListProxies => proxies::list_proxies,
        DownloadProxyList => proxies::download_proxy_list,
        GetProxyConfig => proxies::get_proxy_config,
        GetProxyConfigV2 => proxy_config::get,
        UpdateProxyConfig => proxy_config::update,
        AllocateUnallocatedCountries => proxy_config::allocate,
        GetProxyListStats => proxies::get_proxy_list_stats,
        GetProxyListStatus => proxies::get_proxy_list_status,
        RefreshProxyList => proxies::refresh_proxy_list,
        ListIpAuthorizations => ip_authorizations::list,
        CreateIpAuthorization => ip_authorizations::create,
        WhatsMyIp => ip_authorizations::whats_my_ip,
        GetIpAuthorization => ip_authorizations::get,
        DeleteIpAuthorization => ip_authorizations::delete,
        GetDownloadToken => download_tokens::get,
        ResetDownloadToken => download_tokens::reset,
        ListProxyActivity => proxies::list_proxy_activity,
        ListStats => stats::list,
        GetAggregateStats => stats::aggregate,
        DownloadProxyActivity => stats::download_activity,
        ListProxyReplacements => replacements::list,
        CreateProxyReplacement => replacements::create,
        GetProxyReplacement => replacements::get,
        ListReplacedProxies => replacements::list_replaced,
        DownloadReplacedProxies => replacements::download_replaced,
        ListPlans => plans::list,
        GetPlan => plans::get,
        UpdatePlan => plans::update,
        UpgradePlan => plans::upgrade,
        CancelPlan => plans::cancel,
        ListApiKeys => api_keys::list,
        CreateApiKey => api_keys::create,
        GetApiKey => api_keys::get,
        UpdateApiKey => api_keys::update,
        DeleteApiKey => api_keys::delete,
        ListSubusers => subusers::list,
        CreateSubuser => subusers::create,
        GetSubuser => subusers::get,
        UpdateSubuser => subusers::update,
        DeleteSubuser => subusers::delete,
        RefreshSubuserProxyList => subusers::refresh,
        GetProfile => profile::get,
        UpdateProfile => profile::update,
        GetProfilePreferences => profile::get_preferences,
        UpdateProfilePreferences => profile::update_preferences,
        ListNotifications => notifications::list,
        GetNotification => notifications::get,
        DismissNotification => notifications::dismiss,
        RestoreNotification => notifications::restore,
        GetTwoFactorMethod => two_factor::current,
        ChangeTwoFactorMethod => two_factor::change,
        ActivateTwoFactorMethod => two_factor::activate,
        SubmitTwoFactorCode => two_factor::submit_code,
        ResendTwoFactorEmail => two_factor::resend_email,
        GetIdVerification => id_verification::get,
        StartIdVerification => id_verification::start,
        CompleteIdVerification => id_verification::complete,
        GetSubscription => subscription::get,
        GetAvailableAssets => subscription::available_assets,
        GetCustomizationOptions => subscription::customize,
        GetSubscriptionPricing => subscription::pricing,
        PurchasePlan => subscription::purchase,
        RenewSubscription => subscription::renew,
        EnableAutoRenewal => subscription::enable_renewal,
        CancelAutoRenewal => subscription::cancel_renewal,
        GetBillingInfo => billing::get_info,
        UpdateBillingInfo => billing::update_info,
        ListPaymentMethods => billing::list_payment_methods,
        CreatePaymentMethod => billing::create_payment_method,
        GetPaymentMethod => billing::get_payment_method,
        ListPendingPayments => billing::list_pending,
        GetPendingPayment => billing::get_pending,
        ListTransactions => billing::list_transactions,
        GetTransaction => billing::get_transaction,
        DownloadInvoice => billing::download_invoice,
        GetReferralConfig => referral::get_config,
        UpdateReferralConfig => referral::update_config,
        GetReferralCouponCode => referral::get_coupon,
        ApplyReferralCouponCode => referral::apply_coupon,
        RemoveReferralCouponCode => referral::remove_coupon,
        ListReferralChannels => referral::channels,
        ListReferralCredits => referral::list_credits,
        GetReferralCredit => referral::get_credit,
        ListReferralEarnouts => referral::list_earnouts,
        GetReferralEarnout => referral::get_earnout,
        GetReferralCodeInfo => referral::code_info,
        ListVerificationFlows => verification::list_flows,
        GetVerificationFlow => verification::get_flow,
        SubmitVerificationEvidence => verification::submit_evidence,
        SubmitVerificationCode => verification::submit_code,
        ListVerificationQuestions => verification::list_questions,
        AnswerVerificationQuestion => verification::answer,
        ListVerificationAppeals => verification::list_appeals,
        CreateVerificationAppeal => verification::create_appeal,
        ListAbuseReports => verification::abuse_reports,
        GetVerificationSuspension => verification::suspension,
        GetVerificationCategories => verification::categories,
        GetVerificationLimits => verification::limits,
        GetVerificationThresholds => verification::thresholds,
    })
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
        .layer(middleware::map_response(crate::request_id::stamp))
        // Outermost: every handler reads the time from this server's clock.
        .layer(middleware::from_fn_with_state(
            app.clone(),
            crate::clock::scope,
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

#[derive(serde::Deserialize)]
struct OutboxQuery {
    to: Option<String>,
}

/// Whether a caller at `peer` (`None`: unknown) may read the outbox: loopback callers only, unless
/// `from_any_address`.
fn may_read_outbox(peer: Option<IpAddr>, from_any_address: bool) -> bool {
    from_any_address || peer.is_some_and(|ip| ip.to_canonical().is_loopback())
}

/// Whether `sent` (the request's [`crate::CONTROL_SECRET_HEADER`]) is the server's control secret. The
/// SHA-256 digests are compared, not the values: how long a comparison takes then tells nothing about
/// the secret (ring's constant-time comparison is deprecated; this needs no other crate).
fn has_control_secret(sent: Option<&HeaderValue>, secret: &str) -> bool {
    let digest = |bytes: &[u8]| ring::digest::digest(&ring::digest::SHA256, bytes);
    sent.is_some_and(|sent| digest(sent.as_bytes()).as_ref() == digest(secret.as_bytes()).as_ref())
}

/// Test-only, not part of the Webshare API: the emails the service sent, codes included. Without the
/// control secret, or other than to loopback callers (unless configured), the route does not exist: the
/// 404 of any unknown path.
async fn outbox(
    State(app): State<Shared>,
    extensions: Extensions,
    headers: HeaderMap,
    Query(query): Query<OutboxQuery>,
) -> Response {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let secret = headers.get(crate::CONTROL_SECRET_HEADER);
    if !may_read_outbox(peer, app.config.outbox_from_any_address)
        || !has_control_secret(secret, app.control_secret.expose())
    {
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
    use crate::state::Data;
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

    /// The server's control secret in these tests.
    const SECRET: &str = "s3cret";

    /// The outbox route's status for a request from `peer` (none: no `ConnectInfo`) that sends `secret`.
    async fn outbox_status(
        config: Config,
        peer: Option<&str>,
        secret: Option<&str>,
    ) -> (StatusCode, serde_json::Value) {
        let sizes = crate::state::Sizes {
            proxies_per_plan: 1,
            activity_per_plan: 0,
        };
        let limits = crate::state::Limits::of(&Config::default().max_users(1));
        let app = Arc::new(AppState {
            real_proxies: crate::real_proxy::Registry::new(&config),
            config,
            data: Mutex::new(Data::new(sizes, limits)),
            limits: None,
            faults: Default::default(),
            drift: crate::drift::DriftState::new(None),
            clock: Default::default(),
            control_secret: webshare_api::Secret::new(SECRET),
        });
        let mut request = Request::get(crate::OUTBOX_PATH);
        if let Some(secret) = secret {
            request = request.header(crate::CONTROL_SECRET_HEADER, secret);
        }
        let mut request = request.body(Body::empty()).unwrap();
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
        let not_found = (
            StatusCode::NOT_FOUND,
            serde_json::json!({"code": "not_found", "detail": "Not found."}),
        );
        for peer in [Some("192.0.2.7:4000"), Some("[2001:db8::1]:4000"), None] {
            assert_eq!(
                outbox_status(Config::default(), peer, Some(SECRET)).await,
                not_found,
                "{peer:?}"
            );
        }
        let empty = (StatusCode::OK, serde_json::json!([]));
        for loopback in ["127.0.0.1:4000", "[::1]:4000"] {
            let peer = Some(loopback);
            assert_eq!(
                outbox_status(Config::default(), peer, Some(SECRET)).await,
                empty
            );
            // Loopback is not enough (behind a reverse proxy every caller is): the secret is needed.
            for wrong in [None, Some(""), Some("s3cre"), Some("s3cret2")] {
                assert_eq!(
                    outbox_status(Config::default(), peer, wrong).await,
                    not_found,
                    "{wrong:?}"
                );
            }
        }
        let open = Config {
            outbox_from_any_address: true,
            ..Config::default()
        };
        assert_eq!(
            outbox_status(open.clone(), Some("192.0.2.7:4000"), Some(SECRET)).await,
            empty
        );
        assert_eq!(
            outbox_status(open, Some("192.0.2.7:4000"), None).await,
            not_found
        );
    }
}
