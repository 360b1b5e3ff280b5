//! *Downloads*: the tokens of the download links.

use webshare_api::operations::{GetDownloadToken, ResetDownloadToken};
use webshare_api::types::{DownloadToken, DownloadTokenScope};

use crate::{Client, Error};

/// Download token operations; from [`Client::download_tokens`].
#[derive(Debug, Clone, Copy)]
pub struct DownloadTokens<'a> {
    client: &'a Client,
}

impl Client {
    /// The tokens of the download links (proxy list, replaced proxies, activity).
    pub fn download_tokens(&self) -> DownloadTokens<'_> {
        DownloadTokens { client: self }
    }
}

impl DownloadTokens<'_> {
    /// The current token of `scope`; its `key` is a [`Secret`](crate::Secret).
    pub async fn get(&self, scope: DownloadTokenScope) -> Result<DownloadToken, Error> {
        self.client.call(&GetDownloadToken::new(scope), &()).await
    }

    /// A new token for `scope`: download links with the old one stop working. Retried by default (a repeat
    /// only replaces a token nobody received).
    pub async fn reset(&self, scope: DownloadTokenScope) -> Result<DownloadToken, Error> {
        self.client.call(&ResetDownloadToken::new(scope), &()).await
    }
}
