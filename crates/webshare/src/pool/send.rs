//! `Pool::send`: pick, send, classify, report, and retry through another proxy.

use std::fmt;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::health::Outcome;
use super::{Lease, Pool, PoolError, PoolProxy, SendError};

/// How [`Pool::send`] sends: `SendOptions { max_attempts: 3, ..SendOptions::default() }` (always with
/// `..SendOptions::default()`: fields may be added).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendOptions {
    /// Attempts at most, each through a proxy not tried yet while there are others (1 by default: no
    /// retry; 0 counts as 1).
    pub max_attempts: u32,
    /// How much of the body the classifier sees (2 KiB by default); it is read before `send` returns and
    /// kept in the [`PoolResponse`].
    pub body_prefix: usize,
    /// A time limit per attempt (the client's own by default).
    pub timeout: Option<Duration>,
}

impl Default for SendOptions {
    fn default() -> Self {
        Self {
            max_attempts: 1,
            body_prefix: 2048,
            timeout: None,
        }
    }
}

impl SendOptions {
    /// The defaults with `max_attempts`.
    pub fn attempts(max_attempts: u32) -> Self {
        Self {
            max_attempts,
            ..Self::default()
        }
    }
}

/// A response the classifier accepted. It holds its lease, so the proxy counts the request in flight
/// until the response is dropped or read to the end.
pub struct PoolResponse {
    status: StatusCode,
    headers: HeaderMap,
    prefix: Option<Bytes>,
    rest: reqwest::Response,
    lease: Lease,
    attempts: u32,
}

impl fmt::Debug for PoolResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolResponse")
            .field("status", &self.status)
            .field("proxy", self.lease.proxy())
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

impl PoolResponse {
    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The proxy it came through.
    pub fn proxy(&self) -> &PoolProxy {
        self.lease.proxy()
    }

    /// The attempts it took (1 without a retry).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The next piece of the body (the classified prefix first); `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, reqwest::Error> {
        if let Some(prefix) = self.prefix.take().filter(|p| !p.is_empty()) {
            return Ok(Some(prefix));
        }
        self.rest.chunk().await.map_err(reqwest::Error::without_url)
    }

    /// The whole body.
    pub async fn bytes(mut self) -> Result<Bytes, reqwest::Error> {
        let mut body = BytesMut::new();
        while let Some(chunk) = self.chunk().await? {
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}

/// Reads until `limit` bytes (or the end) are in.
pub(super) async fn read_prefix(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<Bytes, reqwest::Error> {
    let mut prefix = BytesMut::new();
    while prefix.len() < limit {
        match response.chunk().await? {
            Some(chunk) => prefix.extend_from_slice(&chunk),
            None => break,
        }
    }
    Ok(prefix.freeze())
}

impl Pool {
    /// Picks a proxy, sends the request `build` makes with its client ([`Pool::client_for`]), classifies
    /// the answer (status, headers, the body's first [`SendOptions::body_prefix`] bytes), reports the
    /// outcome, and on a failure or a block tries again through another proxy, up to
    /// [`SendOptions::max_attempts`]. `build` is called once per attempt.
    pub async fn send<F>(&self, build: F, options: SendOptions) -> Result<PoolResponse, SendError>
    where
        F: Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        let attempts = options.max_attempts.max(1);
        let mut tried = Vec::new();
        let mut last: Option<(Outcome, Option<reqwest::Error>)> = None;
        for attempt in 1..=attempts {
            let mut lease = match self.pick_skipping(&tried) {
                Ok(lease) => lease,
                Err(e) => match last {
                    // A retry with nothing left to try: the failure so far is the answer.
                    Some((last, source)) => {
                        return Err(SendError::Failed {
                            attempts: attempt - 1,
                            last,
                            source,
                        });
                    }
                    None => return Err(e.into()),
                },
            };
            tried.push(lease.slot.index);
            let client = self.client_for(&lease)?;
            let mut request = build(&client);
            if let Some(timeout) = options.timeout {
                request = request.timeout(timeout);
            }
            let started = self.inner.clock.now();
            let mut response = match request.send().await {
                Ok(response) => response,
                Err(e) => {
                    let outcome = Outcome::of_error(&e);
                    lease.report(outcome);
                    last = Some((outcome, Some(e.without_url())));
                    continue;
                }
            };
            let prefix = match read_prefix(&mut response, options.body_prefix).await {
                Ok(prefix) => prefix,
                Err(e) => {
                    let outcome = Outcome::of_error(&e);
                    lease.report(outcome);
                    last = Some((outcome, Some(e.without_url())));
                    continue;
                }
            };
            let latency = self.inner.clock.now().saturating_duration_since(started);
            let status = response.status();
            let headers = response.headers().clone();
            let outcome = self
                .inner
                .classifier
                .classify(status, &headers, &prefix)
                .outcome(status, latency);
            lease.report(outcome);
            if outcome.is_success() {
                return Ok(PoolResponse {
                    status,
                    headers,
                    prefix: Some(prefix),
                    rest: response,
                    lease,
                    attempts: attempt,
                });
            }
            last = Some((outcome, None));
        }
        let (last, source) = last.ok_or(SendError::Pool(PoolError::Empty))?;
        Err(SendError::Failed {
            attempts,
            last,
            source,
        })
    }
}
