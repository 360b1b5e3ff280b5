//! *Social account*: register, log in and delete with a provider's authorization code. Codes are minted
//! by tests ([`MockServer::mint_social_code`](crate::MockServer::mint_social_code)), as the provider
//! would issue them, and are single-use.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use webshare_api::operations::{DeleteSocialAccount, SocialLogin, SocialRegister};
use webshare_api::types;

use super::common::{check_sign_in_allowed, lock};
use crate::Shared;
use crate::auth::{Caller, User};
use crate::error::ApiError;
use crate::params::Params;
use crate::state::{Data, SocialIdentity, now};
use crate::validate::{Fields, JsonObject};

/// Reads `provider`, `code` and `redirect_uri` (after whatever the caller read into `fields`), and
/// redeems the code: the identity it was minted for, or the 400 with every problem found.
fn redeem(app: &Shared, data: &mut Data, mut fields: Fields) -> Result<SocialIdentity, ApiError> {
    let provider = fields.string("provider");
    let code = fields.string("code");
    let redirect_uri = fields.string("redirect_uri");
    if !fields.has_error("redirect_uri")
        && !app
            .config
            .social_redirect_uris
            .iter()
            .any(|uri| uri == redirect_uri)
    {
        fields.error(
            "redirect_uri",
            "This redirect URI is not authorized.",
            "invalid",
        );
    }
    if !fields.has_error("code") && !fields.has_error("provider") {
        match data.social_codes.remove(code) {
            Some(identity) if identity.provider == provider => {
                fields.finish()?;
                return Ok(identity);
            }
            _ => fields.error("code", "Invalid or expired authorization code.", "invalid"),
        }
    }
    Err(fields.into_error())
}

pub(super) async fn register(
    State(app): State<Shared>,
    _caller: Caller,
    _: Params<SocialRegister>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::RegisterResponse>, ApiError> {
    let mut fields = Fields::new(&body);
    fields.terms_accepted("tos_accepted");
    fields.boolean("marketing_email_accepted", false);
    let mut data = lock(&app);
    let identity = redeem(&app, &mut data, fields)?;
    let existing = data.user_by_email(&identity.email);
    let user = match existing {
        Some(user) => {
            check_sign_in_allowed(&data, user)?;
            user
        }
        // The provider vouches for the address, so it starts verified; there is no password yet.
        None => {
            let user = data.create_user(&identity.email, None, now())?;
            data.account_mut(user)?.email_is_verified = true;
            user
        }
    };
    data.account_mut(user)?.social_provider = Some(identity.provider);
    let token = data.issue_login_token(user, now())?;
    Ok(Json(types::RegisterResponse {
        token: Some(token),
        logged_in_existing_user: Some(existing.is_some()),
    }))
}

pub(super) async fn login(
    State(app): State<Shared>,
    _caller: Caller,
    _: Params<SocialLogin>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::TokenResponse>, ApiError> {
    let mut data = lock(&app);
    let identity = redeem(&app, &mut data, Fields::new(&body))?;
    let user = data
        .user_by_email(&identity.email)
        .filter(|user| {
            data.users.get(user).is_some_and(|account| {
                account.social_provider.as_deref() == Some(identity.provider.as_str())
            })
        })
        .ok_or_else(|| {
            ApiError::field(
                "non_field_errors",
                "No account is linked to this social identity.",
                "not_linked",
            )
        })?;
    check_sign_in_allowed(&data, user)?;
    Ok(Json(types::TokenResponse {
        token: Some(data.issue_login_token(user, now())?),
    }))
}

pub(super) async fn delete_account(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<DeleteSocialAccount>,
    JsonObject(body): JsonObject,
) -> Result<StatusCode, ApiError> {
    let mut data = lock(&app);
    let identity = redeem(&app, &mut data, Fields::new(&body))?;
    let account = data.account_mut(user)?;
    if !account.email.eq_ignore_ascii_case(&identity.email)
        || account.social_provider.as_deref() != Some(identity.provider.as_str())
    {
        return Err(ApiError::field(
            "code",
            "This authorization code is not for this account.",
            "invalid",
        ));
    }
    account.deleted = true;
    account.updated_at = now();
    Ok(StatusCode::NO_CONTENT)
}
