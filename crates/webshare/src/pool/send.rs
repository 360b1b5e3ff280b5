//! `Pool::send`: pick, send, classify, report, and retry through another proxy.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::health::Outcome;
use super::{Lease, Pool, PoolError, PoolProxy, SendError};
use crate::gathered::Gathered;

/// How [`Pool::send`] sends: `SendOptions { max_attempts: 3, ..SendOptions::default() }` (always with
/// `..SendOptions::default()`: fields may be added), or `SendOptions::attempts(3).sticky("user-42")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendOptions {
    /// Attempts at most, each through a proxy not tried yet while there are others (1 by default: no
    /// retry; 0 counts as 1).
    pub max_attempts: u32,
    /// How much of the body the classifier sees (2 KiB by default); it is read before `send` returns and
    /// kept in the [`PoolResponse`].
    pub body_prefix: usize,
    /// A time limit per attempt (the client's own by default).
    pub timeout: Option<Duration>,
    /// A sticky key (a session, a user; none by default): the first attempt goes through the key's proxy,
    /// as [`Pool::pick_for`] picks it, so sends with the same key keep one proxy until it is quarantined
    /// or leaves the pool, and then move to another, remembered. A retry goes through another proxy as
    /// without a key; when it succeeds and the key's proxy was quarantined meanwhile, the key moves to
    /// the proxy that answered. The key's proxy at its concurrency limit or interval is
    /// [`PoolError::Busy`], not another proxy.
    pub sticky: Option<String>,
}

impl Default for SendOptions {
    fn default() -> Self {
        Self {
            max_attempts: 1,
            body_prefix: 2048,
            timeout: None,
            sticky: None,
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

    /// These options with the sticky key `key` ([`SendOptions::sticky`]).
    #[must_use]
    pub fn sticky(mut self, key: impl Into<String>) -> Self {
        self.sticky = Some(key.into());
        self
    }
}

/// A response the classifier accepted. It holds its lease, so the proxy counts the request in flight
/// until the response is dropped or read to the end.
pub struct PoolResponse {
    /// The classified prefix of the body, until [`PoolResponse::chunk`] hands it out.
    prefix: Option<Bytes>,
    /// The response, its body past the prefix.
    response: reqwest::Response,
    lease: Lease,
    attempts: u32,
}

impl fmt::Debug for PoolResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolResponse")
            .field("status", &self.response.status())
            .field("proxy", self.lease.proxy())
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

impl PoolResponse {
    /// The status.
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        self.response.headers()
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
        self.response
            .chunk()
            .await
            .map_err(reqwest::Error::without_url)
    }

    /// The whole body. A body the prefix holds entirely is returned as it is, not copied.
    pub async fn bytes(mut self) -> Result<Bytes, reqwest::Error> {
        let mut body = Gathered::default();
        while let Some(chunk) = self.chunk().await? {
            body.push(chunk);
        }
        Ok(body.finish())
    }
}

/// Reads until `limit` bytes (or the end) are in. A prefix that came in one piece is that piece, not a
/// copy.
pub(super) async fn read_prefix(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<Bytes, reqwest::Error> {
    let mut prefix = Gathered::default();
    while prefix.len() < limit {
        let Some(chunk) = response.chunk().await? else {
            break;
        };
        prefix.push(chunk);
    }
    Ok(prefix.finish())
}

impl Pool {
    /// Picks a proxy (the sticky key's, with [`SendOptions::sticky`]), sends the request `build` makes
    /// with its client ([`Pool::client_for`]), classifies the answer (status, headers, the body's first
    /// [`SendOptions::body_prefix`] bytes), reports the outcome, and on a failure or a block tries again
    /// through another proxy, up to [`SendOptions::max_attempts`]. `build` is called once per attempt.
    pub async fn send<F>(&self, build: F, options: SendOptions) -> Result<PoolResponse, SendError>
    where
        F: Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        let attempts = options.max_attempts.max(1);
        let sticky = options.sticky.as_deref();
        // Filled only when there is a further attempt to steer (no allocation without a retry).
        let mut tried = Vec::new();
        let mut last: Option<(Outcome, Option<reqwest::Error>)> = None;
        for attempt in 1..=attempts {
            let picked = match sticky {
                Some(key) if attempt == 1 => self.pick_for(key),
                _ => self.pick_skipping(&tried),
            };
            let mut lease = match picked {
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
            if attempt < attempts {
                tried.push(lease.slot.index);
            }
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
            let now = self.inner.clock.now();
            let latency = now.saturating_duration_since(started);
            let status = response.status();
            let outcome = self
                .inner
                .classifier
                .classify(status, response.headers(), &prefix)
                .outcome(status, latency);
            lease.report_at(outcome, now);
            if outcome.is_success() {
                if attempt > 1
                    && let Some(key) = sticky
                {
                    self.inner.lock().move_sticky_if_unusable(key, lease.slot);
                }
                return Ok(PoolResponse {
                    prefix: Some(prefix),
                    response,
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
