//! *Reset password* and *Change password*.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use webshare_api::operations::{ChangePassword, CompletePasswordReset, ResetPassword};
use webshare_api::types;

use super::common::{check_current_password, check_new_password, check_recaptcha, lock};
use crate::Shared;
use crate::auth::{Caller, User};
use crate::error::ApiError;
use crate::params::Params;
use crate::state::{CodeFor, now};
use crate::validate::{Fields, JsonObject};

pub(super) async fn reset(
    State(app): State<Shared>,
    _caller: Caller,
    _: Params<ResetPassword>,
    JsonObject(body): JsonObject,
) -> Result<StatusCode, ApiError> {
    let mut fields = Fields::new(&body);
    let email = fields.email("email");
    let recaptcha = fields.string("recaptcha");
    check_recaptcha(&app, &mut fields, recaptcha);
    fields.finish()?;
    let mut data = lock(&app);
    // Unknown and deleted accounts get the same 204, and no email.
    if let Some(user) = data
        .user_by_email(email)
        .filter(|user| data.users.get(user).is_some_and(|account| !account.deleted))
    {
        data.send_code(user, CodeFor::PasswordReset, now())?;
    }
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn complete_reset(
    State(app): State<Shared>,
    _caller: Caller,
    _: Params<CompletePasswordReset>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::TokenResponse>, ApiError> {
    let mut fields = Fields::new(&body);
    let password = fields.string("password");
    let code = fields.string("password_reset_token");
    let recaptcha = fields.string("recaptcha");
    check_recaptcha(&app, &mut fields, recaptcha);
    let mut data = lock(&app);
    // Accounts are never removed; should a code outlive its account, it is as good as unknown.
    let Some((user, email)) = data.reset_codes.get(code).and_then(|user| {
        data.users
            .get(user)
            .map(|account| (*user, account.email.clone()))
    }) else {
        if !fields.has_error("password_reset_token") {
            fields.error(
                "password_reset_token",
                "Invalid or expired password reset token.",
                "invalid",
            );
        }
        return Err(fields.into_error());
    };
    check_new_password(&mut fields, "password", password, &email);
    fields.finish()?;
    data.reset_codes.retain(|_, owner| *owner != user);
    let account = data.account_mut(user)?;
    account.password = Some(password.into());
    account.updated_at = now();
    data.revoke_tokens(user, None);
    Ok(Json(types::TokenResponse {
        token: Some(data.issue_token(user)?),
    }))
}

pub(super) async fn change(
    State(app): State<Shared>,
    User(user, token): User,
    _: Params<ChangePassword>,
    JsonObject(body): JsonObject,
) -> Result<StatusCode, ApiError> {
    let mut fields = Fields::new(&body);
    let password = fields.string("password");
    let new_password = fields.string("new_password");
    let mut data = lock(&app);
    let email = data.account(user)?.email.clone();
    check_current_password(&data, user, &mut fields, password);
    check_new_password(&mut fields, "new_password", new_password, &email);
    fields.finish()?;
    let account = data.account_mut(user)?;
    account.password = Some(new_password.into());
    account.updated_at = now();
    // The token of this request stays valid; every other one stops working.
    data.revoke_tokens(user, Some(&token));
    Ok(StatusCode::NO_CONTENT)
}
