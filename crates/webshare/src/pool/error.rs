//! The pool's errors. None shows a password: proxies appear by address and port only.

use std::time::Duration;

use super::health::Outcome;

/// Why the pool could not hand out a proxy, or refused a proxy or a setting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PoolError {
    /// The pool holds no proxy.
    #[error("the proxy pool is empty")]
    Empty,
    /// Every proxy is quarantined, at its concurrency limit or within its minimum interval.
    #[error("no proxy can take a request now{}", wait(.retry_in))]
    NoneAvailable {
        /// When a quarantine or interval ends next (none: wait for a request to finish).
        retry_in: Option<Duration>,
    },
    /// A sticky key's proxy is at its concurrency limit or within its minimum interval.
    #[error("the sticky key's proxy is busy{}", wait(.retry_in))]
    Busy {
        /// When its interval ends (none: wait for one of its requests to finish).
        retry_in: Option<Duration>,
    },
    /// A proxy that cannot be used or stored.
    #[error("invalid proxy: `{field}` {message}")]
    InvalidProxy {
        /// The field at fault.
        field: &'static str,
        /// What is wrong with it.
        message: &'static str,
    },
    /// A setting out of range.
    #[error("invalid pool configuration: {message}")]
    InvalidConfig {
        /// What is wrong.
        message: &'static str,
    },
    /// Fetching the list, or building a proxy's HTTP client, failed.
    #[error(transparent)]
    Api(#[from] crate::Error),
}

fn wait(retry_in: &Option<Duration>) -> String {
    retry_in.map_or_else(String::new, |d| {
        format!(" (retry in {:.3} s)", d.as_secs_f64())
    })
}

/// Why [`Pool::send`](super::Pool::send) gave up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// No proxy could be picked.
    #[error(transparent)]
    Pool(#[from] PoolError),
    /// Every attempt failed; the last one's outcome.
    #[error("all {attempts} attempt(s) failed; the last: {last:?}")]
    Failed {
        /// Attempts made.
        attempts: u32,
        /// The last attempt's outcome.
        last: Outcome,
        /// The last attempt's transport error, if it had one (its URL removed).
        #[source]
        source: Option<reqwest::Error>,
    },
}
