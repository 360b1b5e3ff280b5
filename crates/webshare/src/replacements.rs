//! *Proxy Replacement*: replace proxies of the list (asynchronously: [`Replacements::wait`] polls a request
//! until it is done), and list or download the proxies that were replaced.

use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use webshare_api::operations::{
    CreateProxyReplacement, DownloadReplacedProxies, GetProxyReplacement, ListProxyReplacements,
    ListReplacedProxies,
};
use webshare_api::types::{
    ProxyReplacement, ProxyReplacementCreateRequest, ProxyReplacementPage,
    ProxyReplacementState as State, ReplacedProxy, ReplacedProxyPage,
};

use crate::download::{ProxyLine, records};
use crate::{Client, Error, pagination};

/// Proxy replacement operations; from [`Client::replacements`]. Each acts on the client's plan
/// ([`Client::for_plan`]), or the account's default plan.
#[derive(Debug, Clone, Copy)]
pub struct Replacements<'a> {
    client: &'a Client,
}

impl Client {
    /// Proxy replacements and the replaced proxies.
    pub fn replacements(&self) -> Replacements<'_> {
        Replacements { client: self }
    }
}

/// How [`Replacements::wait`] polls: first after `first_interval`, then each interval half as long again
/// up to `max_interval`, until `deadline` has passed since the wait began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Polling {
    /// The longest the wait may take (default 5 minutes).
    pub deadline: Duration,
    /// The first pause between reads (default 500 ms).
    pub first_interval: Duration,
    /// The longest pause between reads (default 5 s).
    pub max_interval: Duration,
}

impl Default for Polling {
    fn default() -> Self {
        Self {
            deadline: Duration::from_secs(300),
            first_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(5),
        }
    }
}

impl Polling {
    /// This pacing with another [`Polling::deadline`].
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// This pacing with another [`Polling::first_interval`].
    #[must_use]
    pub fn first_interval(mut self, interval: Duration) -> Self {
        self.first_interval = interval;
        self
    }

    /// This pacing with another [`Polling::max_interval`].
    #[must_use]
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// The default pacing with another deadline.
    pub fn with_deadline(deadline: Duration) -> Self {
        Self {
            deadline,
            ..Self::default()
        }
    }
}

/// Whether a replacement in `state` will not change any more. A state this release does not know is taken
/// as work in progress, so [`Replacements::wait`] goes on polling until its deadline.
pub fn is_finished(state: &State) -> bool {
    matches!(state, State::Validated | State::Completed | State::Failed)
}

impl Replacements<'_> {
    /// One page of proxy replacements.
    pub async fn list(
        &self,
        params: &ListProxyReplacements,
    ) -> Result<ProxyReplacementPage, Error> {
        self.client.call(params, &()).await
    }

    /// Every proxy replacement matching `params`, page after page, each fetched when the stream reaches it.
    pub fn list_all(
        &self,
        params: ListProxyReplacements,
    ) -> impl Stream<Item = Result<ProxyReplacement, Error>> + Send + 'static + use<> {
        pagination::page_numbered(self.client.clone(), params)
    }

    /// Starts a replacement; it answers in state `validating`. Never retried by default: each call is a
    /// replacement. Follow it with [`Replacements::wait`], or use [`Replacements::create_and_wait`].
    ///
    /// ```no_run
    /// # async fn run(client: webshare::Client) -> Result<(), webshare::Error> {
    /// use webshare::types::{ProxySelector, ProxyReplacementCreateRequest, ReplacementSource};
    /// let request = ProxyReplacementCreateRequest {
    ///     to_replace: ProxySelector::ip_addresses(["10.1.0.1", "10.1.0.2"]),
    ///     replace_with: vec![ReplacementSource::any(2)],
    ///     dry_run: Some(false),
    /// };
    /// let done = client.replacements().create_and_wait(&request, Default::default()).await?;
    /// println!("{} proxies replaced", done.proxies_added.unwrap_or(0));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create(
        &self,
        request: &ProxyReplacementCreateRequest,
    ) -> Result<ProxyReplacement, Error> {
        if request.replace_with.is_empty() {
            return Err(Error::invalid_input(
                "replace_with",
                "needs at least one source of new proxies",
            ));
        }
        self.client
            .call(&CreateProxyReplacement::new(), request)
            .await
    }

    /// Proxy replacement `id`.
    pub async fn get(&self, id: i64) -> Result<ProxyReplacement, Error> {
        self.client.call(&GetProxyReplacement::new(id), &()).await
    }

    /// Reads replacement `id` until it is `validated` (a dry run) or `completed`, and returns it; a `failed`
    /// one is [`Error::ReplacementFailed`] with the server's code, and one still running at the deadline is
    /// [`Error::WaitTimedOut`] (the replacement goes on). `on_progress` sees every read.
    pub async fn wait(
        &self,
        id: i64,
        polling: Polling,
        mut on_progress: impl FnMut(&ProxyReplacement) + Send,
    ) -> Result<ProxyReplacement, Error> {
        let started = tokio::time::Instant::now();
        let deadline = started + polling.deadline;
        let mut interval = polling.first_interval;
        loop {
            let replacement = self.get(id).await?;
            on_progress(&replacement);
            let state = replacement.state.clone();
            if let Some(done) = finished(replacement)? {
                return Ok(done);
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Err(Error::WaitTimedOut {
                    id,
                    state: state.map_or_else(|| "(no state)".to_owned(), |s| s.to_string()),
                    waited: now - started,
                });
            }
            tokio::time::sleep(interval.min(deadline - now)).await;
            interval =
                (interval + interval / 2).min(polling.max_interval.max(polling.first_interval));
        }
    }

    /// [`Replacements::create`], then [`Replacements::wait`] without a progress callback.
    pub async fn create_and_wait(
        &self,
        request: &ProxyReplacementCreateRequest,
        polling: Polling,
    ) -> Result<ProxyReplacement, Error> {
        let created = self.create(request).await?;
        if let Some(done) = finished(created.clone())? {
            return Ok(done);
        }
        self.wait(created.id, polling, |_| {}).await
    }

    /// One page of the proxies replaced in the list.
    pub async fn replaced(&self, params: &ListReplacedProxies) -> Result<ReplacedProxyPage, Error> {
        self.client.call(params, &()).await
    }

    /// Every replaced proxy matching `params`, page after page.
    pub fn replaced_all(
        &self,
        params: ListReplacedProxies,
    ) -> impl Stream<Item = Result<ReplacedProxy, Error>> + Send + 'static + use<> {
        pagination::page_numbered(self.client.clone(), params)
    }

    /// The replaced proxies as a text download (authorised by a `replaced_proxy` download token in
    /// `params`; no `Authorization` header is sent), parsed line by line as it arrives.
    pub async fn download_replaced(
        &self,
        params: &DownloadReplacedProxies,
    ) -> Result<impl Stream<Item = Result<ReplacedProxyLine, Error>> + Send + 'static + use<>, Error>
    {
        let bytes = self.download_replaced_bytes(params).await?;
        Ok(records(Box::pin(bytes), ReplacedProxyLine::parse_line))
    }

    /// The replaced proxies download as raw bytes, for writing to a file.
    pub async fn download_replaced_bytes(
        &self,
        params: &DownloadReplacedProxies,
    ) -> Result<impl Stream<Item = Result<Bytes, Error>> + Send + 'static + use<>, Error> {
        self.client.open_bytes(params).await
    }

    /// The replaced proxies' download URL. It holds the download token: treat it as a secret.
    pub fn download_replaced_url(&self, params: &DownloadReplacedProxies) -> String {
        self.client.url_of(params)
    }
}

/// `Some` when done; a failed replacement as its error.
fn finished(replacement: ProxyReplacement) -> Result<Option<ProxyReplacement>, Error> {
    match replacement.state {
        Some(State::Failed) => Err(Error::ReplacementFailed {
            id: replacement.id,
            code: replacement.error_code,
            message: replacement.error,
        }),
        Some(ref state) if is_finished(state) => Ok(Some(replacement)),
        _ => Ok(None),
    }
}

/// One line of the replaced proxies download: the new proxy (as a proxy list line), then the address of
/// the proxy it replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplacedProxyLine {
    /// The new proxy.
    pub proxy: ProxyLine,
    /// The address of the proxy it replaced.
    pub replaced_address: String,
}

impl ReplacedProxyLine {
    fn parse_line(line: u64, text: &str) -> Result<Option<Self>, Error> {
        Self::parse(line, text).map(Some)
    }

    /// Parses `address:port:username:password:replaced_address` (or `address:port:replaced_address` for
    /// source-IP authentication); errors name the line and field, never quote the line.
    pub fn parse(line: u64, text: &str) -> Result<Self, Error> {
        let Some((proxy, replaced)) = text.rsplit_once(':') else {
            return Err(Error::MalformedRecord {
                line,
                field: "replaced_address",
                message: "is missing (expected address:port[:username:password]:replaced_address)"
                    .into(),
            });
        };
        if replaced.is_empty() || proxy.matches(':').count() == 2 {
            return Err(Error::MalformedRecord {
                line,
                field: "replaced_address",
                message: "is missing (expected address:port[:username:password]:replaced_address)"
                    .into(),
            });
        }
        Ok(Self {
            proxy: ProxyLine::parse(line, proxy)?,
            replaced_address: replaced.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaced_lines_name_the_new_proxy_and_the_old_address() {
        let line = ReplacedProxyLine::parse(1, "10.1.2.3:9421:user:secret9:10.1.2.7").unwrap();
        assert_eq!(line.proxy.address(), "10.1.2.3");
        assert_eq!(line.proxy.port(), 9421);
        assert_eq!(line.proxy.username(), Some("user"));
        assert_eq!(line.replaced_address, "10.1.2.7");
        assert!(!format!("{line:?}").contains("secret9"));
        let source_ip = ReplacedProxyLine::parse(2, "10.1.2.4:6511:10.1.2.8").unwrap();
        assert_eq!(source_ip.proxy.username(), None);
        assert_eq!(source_ip.replaced_address, "10.1.2.8");
        for (bad, field) in [
            ("10.1.2.4", "replaced_address"),
            ("10.1.2.4:6511", "port"),
            ("10.1.2.4:6511:user:pass", "replaced_address"),
            ("10.1.2.4:x:10.1.2.8", "port"),
            ("10.1.2.4:6511:", "replaced_address"),
        ] {
            match ReplacedProxyLine::parse(3, bad) {
                Err(Error::MalformedRecord {
                    line: 3, field: f, ..
                }) => assert_eq!(f, field, "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
