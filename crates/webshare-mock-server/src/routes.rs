//! The operations of `openapi/webshare.yaml`, and the router that serves them under `/api/v2`.

use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use webshare_api::types;

use crate::Shared;
use crate::auth::{Caller, User};
use crate::error::{ApiError, for_framework_status};
use crate::state::{Data, EmailKind, UserId, now, seconds_left};
use crate::validate::{Fields, JsonObject, password_problems};

/// The whole service: the API under `/api/v2`, and the test-only outbox route beside it.
pub fn router(app: Shared) -> Router {
    let api = Router::new()
        .route("/register/", post(register))
        .route("/login/", post(login))
        .route("/resetpassword/", post(reset_password))
        .route("/resetpassword/complete/", post(complete_password_reset))
        .route("/activation/", get(get_activation))
        .route("/activation/resend/", post(resend_activation))
        .route("/activation/complete/", post(complete_activation));
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

fn check_password(fields: &mut Fields, field: &str, password: &str, email: &str) {
    for (message, code) in password_problems(password, email) {
        fields.error(field, message, code);
    }
}

fn lock(app: &Shared) -> std::sync::MutexGuard<'_, Data> {
    // A panic while holding the lock cannot leave the maps half-updated in a way later requests would
    // trip over, so a poisoned lock is still usable.
    app.data.lock().unwrap_or_else(|e| e.into_inner())
}

async fn register(
    State(app): State<Shared>,
    _caller: Caller,
    JsonObject(body): JsonObject,
) -> Result<Json<types::RegisterResponse>, ApiError> {
    let mut fields = Fields::new(&body);
    let email = fields.email("email");
    let password = fields.string("password");
    let recaptcha = fields.string("recaptcha");
    if fields.boolean("tos_accepted", true) == Some(false) {
        fields.error(
            "tos_accepted",
            "You must accept the terms of service.",
            "invalid",
        );
    }
    fields.boolean("marketing_email_accepted", false);
    check_recaptcha(&app, &mut fields, recaptcha);

    let now = now();
    let mut data = lock(&app);
    if let Some(user) = (!fields.has_error("email"))
        .then(|| data.user_by_email(email))
        .flatten()
    {
        fields.finish()?;
        if data.users[&user].password.expose() != password {
            return Err(ApiError::field(
                "email",
                "A user with this email address already exists.",
                "unique",
            ));
        }
        let token = data.issue_token(user);
        return Ok(Json(types::RegisterResponse {
            token,
            logged_in_existing_user: true,
        }));
    }
    if !fields.has_error("password") {
        check_password(&mut fields, "password", password, email);
    }
    fields.finish()?;
    let user = data.create_user(email, password, now);
    let token = data.issue_token(user);
    Ok(Json(types::RegisterResponse {
        token,
        logged_in_existing_user: false,
    }))
}

async fn login(
    State(app): State<Shared>,
    _caller: Caller,
    JsonObject(body): JsonObject,
) -> Result<Json<types::TokenResponse>, ApiError> {
    let mut fields = Fields::new(&body);
    let email = fields.email("email");
    let password = fields.string("password");
    let recaptcha = fields.string("recaptcha");
    check_recaptcha(&app, &mut fields, recaptcha);
    fields.finish()?;
    let mut data = lock(&app);
    // The same answer for an unknown email and a wrong password: it must not reveal who has an account.
    let user = data
        .user_by_email(email)
        .filter(|user| data.users[user].password.expose() == password)
        .ok_or_else(|| {
            ApiError::field(
                "non_field_errors",
                "Unable to log in with provided credentials.",
                "authorization",
            )
        })?;
    Ok(Json(types::TokenResponse {
        token: data.issue_token(user),
    }))
}

async fn reset_password(
    State(app): State<Shared>,
    _caller: Caller,
    JsonObject(body): JsonObject,
) -> Result<StatusCode, ApiError> {
    let mut fields = Fields::new(&body);
    let email = fields.email("email");
    let recaptcha = fields.string("recaptcha");
    check_recaptcha(&app, &mut fields, recaptcha);
    fields.finish()?;
    let mut data = lock(&app);
    if let Some(user) = data.user_by_email(email) {
        data.send_code(user, EmailKind::PasswordReset, now());
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn complete_password_reset(
    State(app): State<Shared>,
    _caller: Caller,
    JsonObject(body): JsonObject,
) -> Result<Json<types::TokenResponse>, ApiError> {
    let mut fields = Fields::new(&body);
    let password = fields.string("password");
    let code = fields.string("password_reset_token");
    let recaptcha = fields.string("recaptcha");
    check_recaptcha(&app, &mut fields, recaptcha);
    let mut data = lock(&app);
    let user = data.reset_codes.get(code).copied();
    let Some(user) = user else {
        if !fields.has_error("password_reset_token") {
            fields.error(
                "password_reset_token",
                "Invalid or expired password reset token.",
                "invalid",
            );
        }
        return Err(fields.into_error());
    };
    if !fields.has_error("password") {
        let email = data.users[&user].email.clone();
        check_password(&mut fields, "password", password, &email);
    }
    fields.finish()?;
    data.reset_codes.retain(|_, owner| *owner != user);
    let account = data
        .users
        .get_mut(&user)
        .expect("codes belong to existing users");
    account.password = password.into();
    account.updated_at = now();
    data.revoke_tokens(user);
    Ok(Json(types::TokenResponse {
        token: data.issue_token(user),
    }))
}

fn activation_status(data: &Data, user: UserId) -> types::ActivationStatus {
    let account = &data.users[&user];
    types::ActivationStatus {
        email_is_verified: account.email_is_verified,
        last_time_email_verification_email_sent: account.last_activation_email,
        created_at: account.created_at,
        updated_at: account.updated_at,
    }
}

async fn get_activation(
    State(app): State<Shared>,
    User(user): User,
) -> Json<types::ActivationStatus> {
    Json(activation_status(&lock(&app), user))
}

async fn resend_activation(
    State(app): State<Shared>,
    User(user): User,
) -> Result<Json<types::ActivationStatus>, ApiError> {
    let now = now();
    let mut data = lock(&app);
    let account = &data.users[&user];
    if account.email_is_verified {
        return Err(ApiError::field(
            "non_field_errors",
            "The email address is already verified.",
            "already_verified",
        ));
    }
    if let Some(wait) = account
        .last_activation_email
        .and_then(|sent| seconds_left(sent, app.config.resend_throttle, now))
    {
        return Err(ApiError::throttled(wait));
    }
    data.send_code(user, EmailKind::Activation, now);
    let account = data
        .users
        .get_mut(&user)
        .expect("authenticated users exist");
    account.last_activation_email = Some(now);
    account.updated_at = now;
    Ok(Json(activation_status(&data, user)))
}

async fn complete_activation(
    State(app): State<Shared>,
    _caller: Caller,
    JsonObject(body): JsonObject,
) -> Result<Json<types::TokenResponse>, ApiError> {
    let mut fields = Fields::new(&body);
    let code = fields.string("activation_token");
    fields.finish()?;
    let mut data = lock(&app);
    let Some(user) = data.activation_codes.remove(code) else {
        return Err(ApiError::field(
            "activation_token",
            "Invalid or already used activation token.",
            "invalid",
        ));
    };
    let account = data
        .users
        .get_mut(&user)
        .expect("codes belong to existing users");
    account.email_is_verified = true;
    account.updated_at = now();
    data.activation_codes.retain(|_, owner| *owner != user);
    Ok(Json(types::TokenResponse {
        token: data.issue_token(user),
    }))
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
