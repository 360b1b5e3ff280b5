//! A blocking client, for scripts and build tools without an async runtime (the `blocking` feature).
//!
//! It wraps the async [`Client`](crate::Client) and runs each call to completion on a single-threaded
//! Tokio runtime of its own, so it has the same transport rules, retries, rate limits, redaction and
//! [`Error`]s; only the waiting differs. Every operation is reached the same way, through the async
//! client's resources:
//!
//! ```no_run
//! use webshare::blocking::Client;
//! use webshare::operations::ListProxies;
//! use webshare::types::ProxyMode;
//!
//! fn main() -> Result<(), webshare::Error> {
//!     let client = Client::from_env()?; // WEBSHARE_API_KEY, WEBSHARE_BASE_URL
//!     let status = client.call(async |c| c.activation().status().await)?;
//!     println!("verified: {}", status.email_is_verified == Some(true));
//!     // A stream (every page of a list, a download's lines) as an iterator.
//!     for proxy in client.iter(|c| c.proxies().list_all(ListProxies::new(ProxyMode::Direct))) {
//!         println!("{:?}", proxy?.proxy_address);
//!     }
//!     Ok(())
//! }
//! ```
//!
//! Calling it from inside an async runtime is refused with [`Error::Config`] (blocking there would stall
//! the runtime's thread); use the async client there.

use std::pin::Pin;
use std::sync::Arc;

use futures_core::Stream;
use futures_util::StreamExt;

use crate::{ClientBuilder, Error};

/// A blocking Webshare client: cheap to clone; clones share the connection pool, the rate limiters and
/// the runtime.
#[derive(Clone)]
pub struct Client {
    inner: crate::Client,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("blocking::Client")
            .field("inner", &self.inner)
            .finish()
    }
}

impl Client {
    /// A client for the production API with an API key (see [`crate::Client::new`]).
    pub fn new(api_key: impl Into<crate::Secret>) -> Result<Self, Error> {
        Self::build(crate::Client::builder().api_key(api_key))
    }

    /// A client from `WEBSHARE_API_KEY` and `WEBSHARE_BASE_URL` (see [`crate::Client::from_env`]).
    pub fn from_env() -> Result<Self, Error> {
        Self::build(crate::Client::builder_from_env()?)
    }

    /// A client from an async client's builder, with all its settings.
    pub fn build(builder: ClientBuilder) -> Result<Self, Error> {
        refuse_inside_a_runtime()?;
        // The runtime first: reqwest registers its connections with the runtime that builds the client.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Config {
                message: format!("cannot start the blocking client's runtime: {e}"),
            })?;
        let inner = {
            let _entered = runtime.enter();
            builder.build()?
        };
        Ok(Self {
            inner,
            runtime: Arc::new(runtime),
        })
    }

    /// The async client inside, e.g. for [`crate::Client::with_token`] or [`crate::Client::for_plan`]:
    /// wrap the result with [`Client::with`].
    pub fn inner(&self) -> &crate::Client {
        &self.inner
    }

    /// A blocking client for `inner` (a client derived from [`Client::inner`]), on this runtime.
    pub fn with(&self, inner: crate::Client) -> Self {
        Self {
            inner,
            runtime: self.runtime.clone(),
        }
    }

    /// Runs one call of the async client to completion: `client.call(async |c| c.profile().get().await)`.
    pub fn call<T>(
        &self,
        call: impl AsyncFnOnce(&crate::Client) -> Result<T, Error>,
    ) -> Result<T, Error> {
        refuse_inside_a_runtime()?;
        self.runtime.block_on(call(&self.inner))
    }

    /// A stream of the async client (every page of a list, a download's lines) as a blocking iterator;
    /// each `next` waits for one item. Streams that start with a request (`download`) go through
    /// [`Client::call`] first.
    pub fn iter<S, T>(&self, stream: impl FnOnce(&crate::Client) -> S) -> Iter<T>
    where
        S: Stream<Item = Result<T, Error>> + Send + 'static,
    {
        let stream = {
            let _entered = self.runtime.enter();
            stream(&self.inner)
        };
        self.blocking_iter(stream)
    }

    /// A stream already made (e.g. returned by [`Client::call`]) as a blocking iterator.
    pub fn blocking_iter<T>(
        &self,
        stream: impl Stream<Item = Result<T, Error>> + Send + 'static,
    ) -> Iter<T> {
        Iter {
            stream: Some(Box::pin(stream)),
            runtime: self.runtime.clone(),
        }
    }
}

type BoxedStream<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>;

/// A stream as a blocking iterator (see [`Client::iter`]). Inside an async runtime it yields one
/// [`Error::Config`] and ends.
pub struct Iter<T> {
    /// `None` once ended by a refusal.
    stream: Option<BoxedStream<T>>,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl<T> std::fmt::Debug for Iter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("blocking::Iter")
    }
}

impl<T> Iterator for Iter<T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let stream = self.stream.as_mut()?;
        if let Err(refused) = refuse_inside_a_runtime() {
            // Once: the stream is dropped, so the iterator ends after the error.
            self.stream = None;
            return Some(Err(refused));
        }
        self.runtime.block_on(stream.next())
    }
}

/// Blocking inside a runtime would stall its thread (Tokio panics): refused with an error instead.
fn refuse_inside_a_runtime() -> Result<(), Error> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::Config {
            message:
                "the blocking client was called inside an async runtime, where it would block \
                      the runtime's thread; use the async `webshare::Client` there"
                    .into(),
        });
    }
    Ok(())
}
