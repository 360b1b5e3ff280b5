//! *Proxy Statistics*: the activity log, paged by a cursor.

use bytes::Bytes;
use futures_core::Stream;
use webshare_api::operations::{DownloadProxyActivity, ListProxyActivity};
use webshare_api::types::{ProxyActivity, ProxyActivityPage};

use crate::activity_csv::{ActivityCsv, ActivityRecord};
use crate::download::records;
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
        self.client.call(params, &()).await
    }

    /// Every activity matching `params`, newest first; each page is asked for (after the previous page's
    /// last timestamp) when the stream reaches it.
    pub fn list_all(
        &self,
        params: ListProxyActivity,
    ) -> impl Stream<Item = Result<ProxyActivity, Error>> + Send + 'static + use<> {
        pagination::cursor(self.client.clone(), params)
    }

    /// The activity as a CSV download (authorised by an `activity` download token in `params`; no
    /// `Authorization` header is sent), read row by row as it arrives into [`ActivityRecord`]s.
    pub async fn download(
        &self,
        params: &DownloadProxyActivity,
    ) -> Result<impl Stream<Item = Result<ActivityRecord, Error>> + Send + 'static + use<>, Error>
    {
        let bytes = self.download_bytes(params).await?;
        let mut csv = ActivityCsv::default();
        Ok(records(Box::pin(bytes), move |line, text| {
            csv.line(line, text)
        }))
    }

    /// The activity download as raw bytes (CSV), for writing to a file.
    pub async fn download_bytes(
        &self,
        params: &DownloadProxyActivity,
    ) -> Result<impl Stream<Item = Result<Bytes, Error>> + Send + 'static + use<>, Error> {
        self.client.open_bytes(params).await
    }
}
