//! *Change email*, *Delete account* (with a password) and *Logout*.

use axum::extract::State;
use axum::http::StatusCode;
use webshare_api::operations::{ChangeEmail, CompleteEmailChange, DeleteAccount, Logout};

use super::common::{check_current_password, check_recaptcha, lock};
use crate::Shared;
use crate::auth::{LoginToken, User};
use crate::error::ApiError;
use crate::params::Params;
use crate::state::{CodeFor, now};
use crate::validate::{Fields, JsonObject};

pub(super) async fn change_email(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<ChangeEmail>,
    JsonObject(body): JsonObject,
) -> Result<StatusCode, ApiError> {
    let mut fields = Fields::new(&body);
    let password = fields.string("password");
    let new_email = fields.email("new_email");
    let mut data = lock(&app);
    data.account(user)?;
    check_current_password(&data, user, &mut fields, password);
    if !fields.has_error("new_email") && data.user_by_email(new_email).is_some() {
        fields.error(
            "new_email",
            "A user with this email address already exists.",
            "unique",
        );
    }
    fields.finish()?;
    data.send_code(user, CodeFor::EmailChange(new_email), now())?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn complete_email_change(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<CompleteEmailChange>,
    JsonObject(body): JsonObject,
) -> Result<StatusCode, ApiError> {
    let mut fields = Fields::new(&body);
    let code = fields.string("confirmation_code");
    fields.finish()?;
    let mut data = lock(&app);
    let new_email = match data.email_change_codes.get(code) {
        Some((owner, new_email)) if *owner == user => new_email.clone(),
        _ => {
            return Err(ApiError::field(
                "confirmation_code",
                "Invalid or expired confirmation code.",
                "invalid",
            ));
        }
    };
    // The address may have been taken since the code was sent.
    if data.user_by_email(&new_email).is_some() {
        return Err(ApiError::field(
            "confirmation_code",
            "A user with this email address already exists.",
            "unique",
        ));
    }
    data.account(user)?;
    data.email_change_codes
        .retain(|_, (owner, _)| *owner != user);
    data.change_email(user, &new_email);
    data.account_mut(user)?.updated_at = now();
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn delete(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<DeleteAccount>,
    JsonObject(body): JsonObject,
) -> Result<StatusCode, ApiError> {
    let mut fields = Fields::new(&body);
    let password = fields.string("password");
    let recaptcha = fields.string("recaptcha");
    check_recaptcha(&app, &mut fields, recaptcha);
    let mut data = lock(&app);
    data.account(user)?;
    check_current_password(&data, user, &mut fields, password);
    fields.finish()?;
    let account = data.account_mut(user)?;
    account.deleted = true;
    account.updated_at = now();
    Ok(StatusCode::NO_CONTENT)
}

/// Logs out any token, a login token still waiting for its two-factor code too.
pub(super) async fn logout(
    State(app): State<Shared>,
    caller: LoginToken,
    _: Params<Logout>,
) -> StatusCode {
    lock(&app).revoke_token(&caller.token);
    StatusCode::NO_CONTENT
}
