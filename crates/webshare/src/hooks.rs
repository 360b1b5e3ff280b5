//! A hook around the transport, for what a service adds to every call without forking the crate: metrics,
//! tracing propagation, a custom authentication header. The smallest design that does it: two methods
//! called on every attempt, before it is sent (the request may be changed) and after its answer or error.
//! It runs inside the crate's send path, so retries, rate limits, time limits and redaction stay as they
//! are. Caching is left out on purpose: a cache short-circuits the send path, and is simpler as a wrapper
//! around [`Client::send`](crate::Client::send) that knows which operations are read-only
//! (`Method::is_safe`).

use std::time::Duration;

use webshare_api::Operation;

use crate::Error;

/// Called on every attempt of every call of a client ([`ClientBuilder::hooks`](crate::ClientBuilder::hooks)).
/// Both methods do nothing by default.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use std::time::Duration;
/// use webshare::{Error, Hooks, Operation};
///
/// /// Counts failed attempts, and propagates a trace id.
/// struct Metrics(AtomicU64);
///
/// impl Hooks for Metrics {
///     fn before_send(&self, _operation: &Operation, request: &mut webshare::reqwest::Request) {
///         request
///             .headers_mut()
///             .insert("x-trace-id", webshare::reqwest::header::HeaderValue::from_static("t-1"));
///     }
///
///     fn after_attempt(
///         &self,
///         _operation: &Operation,
///         outcome: Result<u16, &Error>,
///         _elapsed: Duration,
///     ) {
///         if outcome.is_err() {
///             self.0.fetch_add(1, Ordering::Relaxed);
///         }
///     }
/// }
///
/// let client = webshare::Client::builder().hooks(Metrics(AtomicU64::new(0))).build()?;
/// # Ok::<(), Error>(())
/// ```
pub trait Hooks: Send + Sync + 'static {
    /// Before an attempt is sent: add or change its headers (the request already carries the client's
    /// `Authorization`, which is marked sensitive; a hook that logs headers must not print it). The
    /// `reqwest::Client`'s default headers (with the crate's own client: `User-Agent`, and
    /// `Accept: application/json` for a call that does not ask for another type) are added after this,
    /// where the request does not set them.
    fn before_send(&self, operation: &Operation, request: &mut reqwest::Request) {
        let _ = (operation, request);
    }

    /// After an attempt: its HTTP status (a success whose body was read), or its error; and how long it
    /// took.
    fn after_attempt(
        &self,
        operation: &Operation,
        outcome: Result<u16, &Error>,
        elapsed: Duration,
    ) {
        let _ = (operation, outcome, elapsed);
    }
}
