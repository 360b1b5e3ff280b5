//! *API Keys*: keys that work as tokens at once and stop at once when deleted; session tokens only.

use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode};
use webshare_api::Secret;
use webshare_api::operations::{CreateApiKey, DeleteApiKey, GetApiKey, ListApiKeys, UpdateApiKey};
use webshare_api::types;

use super::common::lock;
use super::proxies::{PageWindow, not_found};
use crate::Shared;
use crate::auth::Session;
use crate::error::ApiError;
use crate::params::Params;
use crate::random::random_token;
use crate::state::{ApiKey, now};
use crate::validate::{Fields, JsonObject, MAX_LABEL};

/// The `label` of a body: 1 to 200 characters.
fn label(body: &serde_json::Map<String, serde_json::Value>) -> Result<String, ApiError> {
    let mut fields = Fields::new(body);
    let label = fields.string_up_to("label", MAX_LABEL).to_owned();
    fields.finish()?;
    Ok(label)
}

pub(super) async fn list(
    State(app): State<Shared>,
    Session(user): Session,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Params(q): Params<ListApiKeys>,
) -> Result<Json<types::ApiKeyPage>, ApiError> {
    let data = lock(&app);
    let keys = &data.account(user)?.api_keys;
    let window = PageWindow::of(keys.len(), q.page, q.page_size, &headers, &uri)?;
    Ok(Json(types::ApiKeyPage {
        count: keys.len() as i64,
        results: keys[window.range.clone()]
            .iter()
            .map(|k| k.to_type(false))
            .collect(),
        next: window.next,
        previous: window.previous,
    }))
}

pub(super) async fn create(
    State(app): State<Shared>,
    Session(user): Session,
    Params(_): Params<CreateApiKey>,
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<types::ApiKey>), ApiError> {
    let label = label(&body)?;
    let now = now();
    let mut data = lock(&app);
    let max = data.limits.api_keys;
    if data.account(user)?.api_keys.len() >= max {
        return Err(ApiError::limit_reached("API keys", max, "max_api_keys"));
    }
    data.next_api_key_id += 1;
    let key = ApiKey {
        id: data.next_api_key_id,
        key: Secret::new(random_token()),
        label,
        created_at: now,
        updated_at: now,
    };
    data.api_keys.insert(key.key.expose().to_owned(), user);
    let shown = key.to_type(true);
    data.account_mut(user)?.api_keys.push(key);
    Ok((StatusCode::CREATED, Json(shown)))
}

pub(super) async fn get(
    State(app): State<Shared>,
    Session(user): Session,
    Params(q): Params<GetApiKey>,
) -> Result<Json<types::ApiKey>, ApiError> {
    let data = lock(&app);
    let keys = &data.account(user)?.api_keys;
    let key = keys.iter().find(|k| k.id == q.id).ok_or_else(not_found)?;
    Ok(Json(key.to_type(false)))
}

pub(super) async fn update(
    State(app): State<Shared>,
    Session(user): Session,
    Params(q): Params<UpdateApiKey>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::ApiKey>, ApiError> {
    let label = label(&body)?;
    let mut data = lock(&app);
    let keys = &mut data.account_mut(user)?.api_keys;
    let key = keys
        .iter_mut()
        .find(|k| k.id == q.id)
        .ok_or_else(not_found)?;
    key.label = label;
    key.updated_at = now();
    Ok(Json(key.to_type(false)))
}

pub(super) async fn delete(
    State(app): State<Shared>,
    Session(user): Session,
    Params(q): Params<DeleteApiKey>,
) -> Result<StatusCode, ApiError> {
    let mut data = lock(&app);
    let keys = &mut data.account_mut(user)?.api_keys;
    let index = keys
        .iter()
        .position(|k| k.id == q.id)
        .ok_or_else(not_found)?;
    let key = keys.remove(index);
    data.api_keys.remove(key.key.expose());
    Ok(StatusCode::NO_CONTENT)
}
