//! *Activate account*: the verification status, resending the email, and completing it.

use axum::Json;
use axum::extract::State;
use webshare_api::operations::{CompleteActivation, GetActivation, ResendActivation};
use webshare_api::types;

use super::common::lock;
use crate::Shared;
use crate::auth::{Caller, User};
use crate::error::ApiError;
use crate::params::Params;
use crate::state::{CodeFor, Data, UserId, now, seconds_left};
use crate::validate::{Fields, JsonObject};

fn activation_status(data: &Data, user: UserId) -> Result<types::ActivationStatus, ApiError> {
    let account = data.account(user)?;
    Ok(types::ActivationStatus {
        email_is_verified: Some(account.email_is_verified),
        last_time_email_verification_email_sent: account.last_activation_email,
        created_at: Some(account.created_at),
        updated_at: Some(account.updated_at),
    })
}

pub(super) async fn status(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<GetActivation>,
) -> Result<Json<types::ActivationStatus>, ApiError> {
    Ok(Json(activation_status(&lock(&app), user)?))
}

pub(super) async fn resend(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<ResendActivation>,
) -> Result<Json<types::ActivationStatus>, ApiError> {
    let now = now();
    let mut data = lock(&app);
    let account = data.account(user)?;
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
    data.send_code(user, CodeFor::Activation, now)?;
    let account = data.account_mut(user)?;
    account.last_activation_email = Some(now);
    account.updated_at = now;
    Ok(Json(activation_status(&data, user)?))
}

pub(super) async fn complete(
    State(app): State<Shared>,
    _caller: Caller,
    _: Params<CompleteActivation>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::TokenResponse>, ApiError> {
    let mut fields = Fields::new(&body);
    let code = fields.string("activation_token");
    fields.finish()?;
    let mut data = lock(&app);
    let invalid = || {
        ApiError::field(
            "activation_token",
            "Invalid or already used activation token.",
            "invalid",
        )
    };
    let user = data.activation_codes.remove(code).ok_or_else(invalid)?;
    // Accounts are never removed; should a code outlive its account, it is as good as unknown.
    let account = data.users.get_mut(&user).ok_or_else(invalid)?;
    account.email_is_verified = true;
    account.updated_at = now();
    data.activation_codes.retain(|_, owner| *owner != user);
    Ok(Json(types::TokenResponse {
        token: Some(data.issue_token(user)?),
    }))
}
