//! *Local account*: register and log in with an email address and a password.

use axum::Json;
use axum::extract::State;
use webshare_api::operations::{Login, Register};
use webshare_api::types;

use super::common::{check_new_password, check_recaptcha, check_sign_in_allowed, lock};
use crate::Shared;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::params::Params;
use crate::state::now;
use crate::validate::{Fields, JsonObject};

pub(super) async fn register(
    State(app): State<Shared>,
    _caller: Caller,
    _: Params<Register>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::RegisterResponse>, ApiError> {
    let mut fields = Fields::new(&body);
    let email = fields.email("email");
    let password = fields.string("password");
    let recaptcha = fields.string("recaptcha");
    fields.terms_accepted("tos_accepted");
    fields.boolean("marketing_email_accepted", false);
    check_recaptcha(&app, &mut fields, recaptcha);

    let mut data = lock(&app);
    if let Some(user) = (!fields.has_error("email"))
        .then(|| data.user_by_email(email))
        .flatten()
    {
        fields.finish()?;
        if !data.password_matches(user, password) {
            return Err(ApiError::field(
                "email",
                "A user with this email address already exists.",
                "unique",
            ));
        }
        check_sign_in_allowed(&data, user)?;
        let token = data.issue_login_token(user, now())?;
        return Ok(Json(types::RegisterResponse {
            token: Some(token),
            logged_in_existing_user: Some(true),
        }));
    }
    check_new_password(&mut fields, "password", password, email);
    fields.finish()?;
    let user = data.create_user(email, Some(password), now())?;
    let token = data.issue_token(user)?;
    Ok(Json(types::RegisterResponse {
        token: Some(token),
        logged_in_existing_user: Some(false),
    }))
}

pub(super) async fn login(
    State(app): State<Shared>,
    _caller: Caller,
    _: Params<Login>,
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
        .filter(|user| data.password_matches(*user, password))
        .ok_or_else(|| {
            ApiError::field(
                "non_field_errors",
                "Unable to log in with provided credentials.",
                "authorization",
            )
        })?;
    check_sign_in_allowed(&data, user)?;
    Ok(Json(types::TokenResponse {
        token: Some(data.issue_login_token(user, now())?),
    }))
}
