//! *API Keys*: the account's keys. Session tokens only (a client built with an API key gets
//! [`Error::is_api_key_not_allowed`](crate::Error::is_api_key_not_allowed)).

use futures_core::Stream;
use webshare_api::operations::{CreateApiKey, DeleteApiKey, GetApiKey, ListApiKeys, UpdateApiKey};
use webshare_api::types::{ApiKey, ApiKeyPage, ApiKeyRequest};

use crate::{Client, Error, pagination, validate};

/// API key operations; from [`Client::api_keys`]. They need a session token (from
/// [`Client::login`](crate::Client::login)): an API key may not manage API keys.
#[derive(Debug, Clone, Copy)]
pub struct ApiKeys<'a> {
    client: &'a Client,
}

impl Client {
    /// The account's API keys.
    pub fn api_keys(&self) -> ApiKeys<'_> {
        ApiKeys { client: self }
    }
}

fn request(label: &str) -> Result<ApiKeyRequest, Error> {
    Ok(ApiKeyRequest {
        label: Some(validate::label(label)?),
    })
}

impl ApiKeys<'_> {
    /// One page of API keys; each `key` is shortened by the server.
    pub async fn list(&self, params: &ListApiKeys) -> Result<ApiKeyPage, Error> {
        self.client.call(params, &()).await
    }

    /// Every API key, page after page.
    pub fn list_all(&self) -> impl Stream<Item = Result<ApiKey, Error>> + Send + 'static + use<> {
        pagination::page_numbered(self.client.clone(), ListApiKeys::new())
    }

    /// A new API key labelled `label`, usable at once (`Client::new(key)`); this answer is the only one
    /// that holds the whole key (a [`Secret`](crate::Secret)). Never retried by default: each call is a key.
    pub async fn create(&self, label: &str) -> Result<ApiKey, Error> {
        self.client.call(&CreateApiKey, &request(label)?).await
    }

    /// API key `id` (its `key` shortened).
    pub async fn get(&self, id: i64) -> Result<ApiKey, Error> {
        self.client.call(&GetApiKey::new(id), &()).await
    }

    /// Relabels API key `id`.
    pub async fn rename(&self, id: i64, label: &str) -> Result<ApiKey, Error> {
        self.client
            .call(&UpdateApiKey::new(id), &request(label)?)
            .await
    }

    /// Revokes API key `id`: requests with it are refused at once.
    pub async fn delete(&self, id: i64) -> Result<(), Error> {
        self.client.call(&DeleteApiKey::new(id), &()).await
    }
}
