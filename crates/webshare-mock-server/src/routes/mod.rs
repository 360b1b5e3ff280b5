//! The operations of `openapi/webshare.yaml`, one module per documentation page, and the router that
//! serves them under `/api/v2`.

mod account;
mod activation;
mod local;
mod password;
mod social;

use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router, middleware};

use crate::Shared;
use crate::error::{ApiError, for_framework_status};
use crate::state::{Data, UserId};
use crate::validate::{Fields, password_problems};

/// The whole service: the API under `/api/v2`, and the test-only outbox route beside it.
pub fn router(app: Shared) -> Router {
    let api = Router::new()
        .route("/register/", post(local::register))
        .route("/login/", post(local::login))
        .route("/resetpassword/", post(password::reset))
        .route("/resetpassword/complete/", post(password::complete_reset))
        .route("/changepassword/", post(password::change))
        .route("/activation/", get(activation::status))
        .route("/activation/resend/", post(activation::resend))
        .route("/activation/complete/", post(activation::complete))
        .route("/register/social/", post(social::register))
        .route("/login/social/", post(social::login))
        .route("/changeemail/", post(account::change_email))
        .route(
            "/changeemail/complete/",
            post(account::complete_email_change),
        )
        .route("/deleteaccount/", post(account::delete))
        .route("/deleteaccount/social/", post(social::delete_account))
        .route("/logout/", post(account::logout));
    Router::new()
        .nest("/api/v2", api)
        .route(crate::OUTBOX_PATH, get(outbox))
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
