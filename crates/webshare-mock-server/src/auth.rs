//! `Authorization: Token <key>`, as the real service reads it.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use webshare_api::Operation;

use crate::Shared;
use crate::error::ApiError;
use crate::state::{Data, UserId};

/// The operation a request is routed to, in its extensions (set by the router): what the suspension check
/// reads.
#[derive(Clone, Copy)]
pub(crate) struct Served(pub &'static Operation);

/// The documentation section a suspended account can still use.
const VERIFICATION_TAG: &str = "Account Verification";

/// The caller, if a token was sent. A token that is sent but unknown is a 401 even where authentication
/// is optional, as in the real service.
pub struct Caller(pub Option<(UserId, String)>);

/// A caller that must be authenticated.
pub struct User(pub UserId, pub String);

/// An authenticated caller whose login token may still wait for its two-factor code (`pending`): what
/// the two-factor code and resend operations, and logout, take. Everywhere else such a token is a 403
/// `2fa_needed`.
pub struct LoginToken {
    pub user: UserId,
    pub token: String,
    pub pending: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller
where
    Shared: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match resolve(parts, state)? {
            Some(LoginToken { pending: true, .. }) => Err(two_factor_needed()),
            Some(LoginToken { user, token, .. }) => Ok(Self(Some((user, token)))),
            None => Ok(Self(None)),
        }
    }
}

/// The 403 of a login token that waits for its two-factor code.
pub(crate) fn two_factor_needed() -> ApiError {
    ApiError::detail(
        axum::http::StatusCode::FORBIDDEN,
        "Two factor authentication is needed.",
        "2fa_needed",
    )
}

impl<S: Send + Sync> FromRequestParts<S> for LoginToken
where
    Shared: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        resolve(parts, state)?.ok_or_else(ApiError::not_authenticated)
    }
}

/// The account and token of the `Authorization` header, if one was sent.
fn resolve<S>(parts: &Parts, state: &S) -> Result<Option<LoginToken>, ApiError>
where
    Shared: FromRef<S>,
{
    let Some(header) = parts.headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let header = header.to_str().map_err(|_| ApiError::invalid_token())?;
    let mut words = header.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some(keyword), Some(token), None) if keyword.eq_ignore_ascii_case("token") => {
            let app = Shared::from_ref(state);
            let data = crate::lock_unpoisoned(&app.data);
            let user = data
                .tokens
                .get(token)
                .or_else(|| data.api_keys.get(token))
                .copied();
            match user.and_then(|user| data.users.get(&user).map(|account| (user, account))) {
                // A deleted account's tokens still identify it, and get 403 account_deleted.
                Some((_, account)) if account.deleted => Err(ApiError::account_deleted()),
                // A suspended account can reach only the account verification section (to appeal, send
                // evidence, answer questions).
                Some((_, account))
                    if account.verification.is_suspended()
                        && parts
                            .extensions
                            .get::<Served>()
                            .is_none_or(|s| s.0.tag != VERIFICATION_TAG) =>
                {
                    Err(ApiError::account_suspended())
                }
                Some((user, _)) => Ok(Some(LoginToken {
                    user,
                    token: token.to_owned(),
                    pending: data.two_factor_pending.get(token).is_some(),
                })),
                None => Err(ApiError::invalid_token()),
            }
        }
        (Some(keyword), _, _) if keyword.eq_ignore_ascii_case("token") => {
            Err(ApiError::invalid_token())
        }
        // Another scheme (e.g. `Bearer`) is not this API's: the request is simply unauthenticated.
        _ => Ok(None),
    }
}

/// The account the `Authorization` token of a request authenticates, if any (a deleted or suspended
/// account too: it is who is calling): whose budget its rate limits spend.
pub(crate) fn identity(data: &Data, headers: &HeaderMap) -> Option<UserId> {
    let header = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let mut words = header.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some(keyword), Some(token), None) if keyword.eq_ignore_ascii_case("token") => {
            let user = data
                .tokens
                .get(token)
                .or_else(|| data.api_keys.get(token))
                .copied()?;
            data.users.contains_key(&user).then_some(user)
        }
        _ => None,
    }
}

impl<S: Send + Sync> FromRequestParts<S> for User
where
    Shared: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Caller::from_request_parts(parts, state).await? {
            Caller(Some((user, token))) => Ok(Self(user, token)),
            Caller(None) => Err(ApiError::not_authenticated()),
        }
    }
}

/// A caller authenticated with a session token (from login, registration, ...), not an API key: what the
/// API key operations and the current-2FA-method getter demand (403 `api_key_not_allowed` otherwise).
pub struct Session(pub UserId);

impl<S: Send + Sync> FromRequestParts<S> for Session
where
    Shared: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let User(user, token) = User::from_request_parts(parts, state).await?;
        let app = Shared::from_ref(state);
        let data = crate::lock_unpoisoned(&app.data);
        if data.api_keys.contains_key(&token) {
            return Err(ApiError::detail(
                axum::http::StatusCode::FORBIDDEN,
                "API keys may not do this; use a session token (log in).",
                "api_key_not_allowed",
            ));
        }
        Ok(Self(user))
    }
}
