//! *Proxy Statistics*: the activity log, paged by a cursor.

use futures_core::Stream;
use webshare_api::operations::ListProxyActivity;
use webshare_api::types::{ProxyActivity, ProxyActivityPage};

use crate::{Client, Error, pagination};

/// Proxy activity operations; from [`Client::activity`].
#[derive(Debug, Clone, Copy)]
pub struct Activity<'a> {
    client: &'a Client,
}

impl Client {
    /// The proxy activity log.
    pub fn activity(&self) -> Activity<'_> {
        Activity { client: self }
    }
}

impl Activity<'_> {
    /// One page of activity, newest first.
    pub async fn list(&self, params: &ListProxyActivity) -> Result<ProxyActivityPage, Error> {
        self.client.call(params, None).await
    }

    /// Every activity matching `params`, newest first; each page is asked for (after the previous page's
    /// last timestamp) when the stream reaches it.
    pub fn list_all(
        &self,
        params: ListProxyActivity,
    ) -> impl Stream<Item = Result<ProxyActivity, Error>> + Send + 'static {
        pagination::cursor(self.client.clone(), params)
    }
}
