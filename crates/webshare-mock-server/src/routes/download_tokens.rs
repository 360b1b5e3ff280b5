//! *Downloads*: the tokens of the download links; a reset makes the old links stop working.

use axum::Json;
use axum::extract::State;
use webshare_api::operations::{GetDownloadToken, ResetDownloadToken};
use webshare_api::types;

use super::common::lock;
use super::proxies::scope;
use crate::Shared;
use crate::auth::User;
use crate::error::ApiError;
use crate::params::Params;

pub(super) async fn get(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetDownloadToken>,
) -> Result<Json<types::DownloadToken>, ApiError> {
    known_scope(&q.scope)?;
    let mut data = lock(&app);
    Ok(Json(
        scope(&mut data, user, None, None)?
            .download_tokens
            .get(q.scope),
    ))
}

pub(super) async fn reset(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<ResetDownloadToken>,
) -> Result<Json<types::DownloadToken>, ApiError> {
    known_scope(&q.scope)?;
    let mut data = lock(&app);
    Ok(Json(
        scope(&mut data, user, None, None)?
            .download_tokens
            .reset(q.scope),
    ))
}

/// A scope the path names but the API does not have is a 404, as for any unknown path (the client's type
/// keeps unknown scopes, which a server cannot serve).
fn known_scope(scope: &types::DownloadTokenScope) -> Result<(), ApiError> {
    if scope.is_unknown() {
        return Err(super::proxies::not_found());
    }
    Ok(())
}
