//! *Two-Factor Auth*: email codes and TOTP devices. With a method active, a new login token waits for its
//! code (`Data::issue_login_token`) and answers 403 `2fa_needed` until `codeauth` takes it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use webshare_api::operations::{
    ActivateTwoFactorMethod, ChangeTwoFactorMethod, GetTwoFactorMethod, ResendTwoFactorEmail,
    SubmitTwoFactorCode,
};
use webshare_api::types::{self, TwoFactorMethodType};

use super::common::{check_recaptcha, lock};
use super::proxies::not_found;
use crate::Shared;
use crate::account_state::MAX_TWO_FACTOR_FAILURES;
use crate::auth::{LoginToken, Session, User};
use crate::error::ApiError;
use crate::params::Params;
use crate::state::now;
use crate::validate::{Fields, JsonObject};

fn not_pending() -> ApiError {
    ApiError::field(
        "non_field_errors",
        "This token does not need a two-factor code.",
        "2fa_not_needed",
    )
}

pub(super) async fn current(
    State(app): State<Shared>,
    Session(user): Session,
    _: Params<GetTwoFactorMethod>,
) -> Result<Json<types::TwoFactorMethod>, ApiError> {
    let data = lock(&app);
    let method = data
        .account(user)?
        .active_two_factor()
        .ok_or_else(not_found)?;
    Ok(Json(method.to_type(false)))
}

pub(super) async fn change(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<ChangeTwoFactorMethod>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::TwoFactorMethod>, ApiError> {
    let mut fields = Fields::new(&body);
    let kind: Option<TwoFactorMethodType> = fields.typed("type", true);
    fields.finish()?;
    let Some(kind) = kind else {
        return Err(ApiError::field(
            "type",
            "This field is required.",
            "required",
        ));
    };
    Ok(Json(lock(&app).add_two_factor_method(user, kind, now())?))
}

pub(super) async fn activate(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<ActivateTwoFactorMethod>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::TwoFactorMethod>, ApiError> {
    let mut fields = Fields::new(&body);
    let code_1 = fields.string("code_1").to_owned();
    let code_2 = fields.string("code_2").to_owned();
    fields.finish()?;
    let now = now();
    let mut data = lock(&app);
    let account = data.account_mut(user)?;
    let method = account
        .two_factor
        .iter()
        .find(|m| m.id == q.id)
        .ok_or_else(not_found)?;
    let mut fields = Fields::new(&body);
    if method.kind != TwoFactorMethodType::DeviceTotp {
        fields.error(
            "non_field_errors",
            "Only a device method needs activating.",
            "not_a_device",
        );
    } else if code_1 == code_2 {
        fields.error("code_2", "The two codes cannot be the same.", "same_codes");
    } else {
        for (field, code) in [("code_1", &code_1), ("code_2", &code_2)] {
            if !method.accepts_totp(code, now) {
                fields.error(field, "Invalid code.", "invalid_code");
            }
        }
    }
    fields.finish()?;
    account.activate_two_factor(q.id, now);
    let method = account.two_factor.iter().find(|m| m.id == q.id);
    method.map(|m| Json(m.to_type(false))).ok_or_else(not_found)
}

pub(super) async fn submit_code(
    State(app): State<Shared>,
    caller: LoginToken,
    _: Params<SubmitTwoFactorCode>,
    JsonObject(body): JsonObject,
) -> Result<StatusCode, ApiError> {
    let mut fields = Fields::new(&body);
    let code = fields.string("code").to_owned();
    let recaptcha = fields.string("recaptcha");
    check_recaptcha(&app, &mut fields, recaptcha);
    fields.finish()?;
    let now = now();
    let mut data = lock(&app);
    let Some(pending) = data.two_factor_pending.get(&caller.token).cloned() else {
        return Err(not_pending());
    };
    let accepted = match data.account(caller.user)?.active_two_factor() {
        // Two-factor was switched off since the login: nothing to check.
        None => true,
        Some(method) if method.kind == TwoFactorMethodType::DeviceTotp => {
            method.accepts_totp(&code, now)
        }
        Some(_) => pending
            .emailed_code
            .as_ref()
            .is_some_and(|sent| sent.expose() == code),
    };
    if accepted {
        data.two_factor_pending.remove(&caller.token);
        return Ok(StatusCode::NO_CONTENT);
    }
    if pending.failures + 1 >= MAX_TWO_FACTOR_FAILURES {
        data.revoke_token(&caller.token);
        return Err(ApiError::field(
            "code",
            "Too many wrong codes: this token is revoked; log in again.",
            "too_many_attempts",
        ));
    }
    if let Some(entry) = data.two_factor_pending.get_mut(&caller.token) {
        entry.failures += 1;
    }
    Err(ApiError::field("code", "Invalid code.", "invalid_code"))
}

pub(super) async fn resend_email(
    State(app): State<Shared>,
    caller: LoginToken,
    _: Params<ResendTwoFactorEmail>,
) -> Result<Json<types::TwoFactorEmailResend>, ApiError> {
    let mut data = lock(&app);
    if !caller.pending {
        return Err(not_pending());
    }
    let email_method = data
        .account(caller.user)?
        .active_two_factor()
        .is_some_and(|m| m.kind == TwoFactorMethodType::EmailCode);
    if !email_method {
        return Err(ApiError::field(
            "non_field_errors",
            "Codes are sent by email only with the email method.",
            "not_email_method",
        ));
    }
    data.email_two_factor_code(caller.user, &caller.token, now())?;
    Ok(Json(types::TwoFactorEmailResend {
        email_sent: Some(true),
    }))
}
