//! The operations of `openapi/webshare.yaml`, one module per documentation page, and the router that
//! serves them under the spec's server path (`/api`).
//!
//! The route table is the generated one (`webshare_api::operations::ALL`: method and path of each
//! operation); this module only says which handler implements which operation, in a `match` that the
//! compiler checks covers every operation of the spec.

mod account;
mod activation;
mod local;
mod password;
mod proxies;
mod social;

use std::collections::BTreeMap;

use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, get, on};
use axum::{Json, Router, middleware};
use webshare_api::Operation;
use webshare_api::operations::{self, OperationId};

use crate::Shared;
use crate::error::{ApiError, for_framework_status};
use crate::state::{Data, UserId};
use crate::validate::{Fields, password_problems};

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
        OperationId::DeleteIpAuthorization => on(method, proxies::delete_ip_authorization),
        OperationId::ListProxyActivity => on(method, proxies::list_proxy_activity),
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
        let route = handler(operation);
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
    if data.users[&user].password.is_none() {
        fields.error(
            "non_field_errors",
            "This account has no password (it was registered through a social provider); set one with a password reset.",
            "no_password",
        );
    } else if !data.password_matches(user, password) {
        fields.error("password", "Wrong password.", "wrong_password");
    }
}

/// The 403s of a sign-in to an account that is deleted or needs two-factor authentication.
fn check_sign_in_allowed(data: &Data, user: UserId) -> Result<(), ApiError> {
    let account = &data.users[&user];
    if account.deleted {
        return Err(account_deleted());
    }
    if account.two_factor_required {
        return Err(ApiError::detail(
            StatusCode::FORBIDDEN,
            "Two factor authentication is needed.",
            "2fa_needed",
        ));
    }
    Ok(())
}

pub(crate) fn account_deleted() -> ApiError {
    ApiError::detail(
        StatusCode::FORBIDDEN,
        "Your account is deleted.",
        "account_deleted",
    )
}

fn lock(app: &Shared) -> std::sync::MutexGuard<'_, Data> {
    // A panic while holding the lock cannot leave the maps half-updated in a way later requests would
    // trip over, so a poisoned lock is still usable.
    app.data.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(serde::Deserialize)]
struct OutboxQuery {
    to: Option<String>,
}

/// Test-only, not part of the Webshare API: the emails the service sent, codes included.
async fn outbox(State(app): State<Shared>, Query(query): Query<OutboxQuery>) -> impl IntoResponse {
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
    Json(emails)
}
