//! *Proxy List*: one page of proxies, a lazy stream of all of them, and the streamed text download.

use bytes::Bytes;
use futures_core::Stream;
use webshare_api::operations::{DownloadProxyList, ListProxies, RefreshProxyList};
use webshare_api::types::{Proxy, ProxyPage};

use crate::download::{ProxyLine, records};
use crate::{Client, Error, pagination};

/// Proxy list operations; from [`Client::proxies`].
#[derive(Debug, Clone, Copy)]
pub struct Proxies<'a> {
    client: &'a Client,
}

impl Client {
    /// The proxy list: list, stream, download.
    pub fn proxies(&self) -> Proxies<'_> {
        Proxies { client: self }
    }
}

impl Proxies<'_> {
    /// One page of proxies (`count`, `next`, `results`). `mode` is required:
    /// `ListProxies::new(ProxyMode::Direct).country_code_in(["US", "FR"]).page_size(100)`.
    pub async fn list(&self, params: &ListProxies) -> Result<ProxyPage, Error> {
        self.client.call(params, &()).await
    }

    /// Every proxy matching `params`, page after page, each page fetched when the stream reaches it.
    pub fn list_all(
        &self,
        params: ListProxies,
    ) -> impl Stream<Item = Result<Proxy, Error>> + Send + 'static + use<> {
        pagination::page_numbered(self.client.clone(), params)
    }

    /// The proxy list download, parsed line by line as it arrives. Authorised by the download token in
    /// `params` (the proxy config's `proxy_list_download_token`); no `Authorization` header is sent.
    pub async fn download(
        &self,
        params: &DownloadProxyList,
    ) -> Result<impl Stream<Item = Result<ProxyLine, Error>> + Send + 'static + use<>, Error> {
        let bytes = self.download_bytes(params).await?;
        Ok(records(Box::pin(bytes), ProxyLine::parse_line))
    }

    /// The proxy list download as raw bytes, for writing to a file.
    pub async fn download_bytes(
        &self,
        params: &DownloadProxyList,
    ) -> Result<impl Stream<Item = Result<Bytes, Error>> + Send + 'static + use<>, Error> {
        self.client.open_bytes(params).await
    }

    /// Replaces the whole proxy list (of the client's plan, or the account's default), using one of the
    /// plan's on-demand refreshes; none left is [`Error::Validation`]. Never retried by default: each call
    /// uses a refresh.
    pub async fn refresh(&self) -> Result<(), Error> {
        self.client.call(&RefreshProxyList::new(), &()).await
    }

    /// The download URL, for handing to another program. It holds the download token: treat it as a
    /// secret.
    pub fn download_url(&self, params: &DownloadProxyList) -> String {
        self.client.url_of(params)
    }
}
