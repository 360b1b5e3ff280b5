//! Credentials that change: a provider asked for the key on every attempt, so a service rotates keys without
//! rebuilding its client; after a 401 it is asked once more for a fresh key, and the call is sent again.

use std::future::Future;
use std::pin::Pin;

use webshare_api::Secret;

use crate::Error;

/// A boxed future of a key, as [`CredentialsProvider`] returns it.
pub type KeyFuture<'a> = Pin<Box<dyn Future<Output = Result<Secret, Error>> + Send + 'a>>;

/// Where the API key comes from, for every attempt ([`ClientBuilder::credentials`](crate::ClientBuilder::credentials)).
/// A closure returning a future of a [`Secret`] is one.
///
/// ```no_run
/// # fn build() -> Result<webshare::Client, webshare::Error> {
/// use webshare::{Client, Secret};
/// let client = Client::builder()
///     .credentials(|| async { Ok(Secret::new(std::env::var("WEBSHARE_API_KEY").unwrap_or_default())) })
///     .build()?;
/// # Ok(client)
/// # }
/// ```
pub trait CredentialsProvider: Send + Sync + 'static {
    /// The key for the next attempt.
    fn key(&self) -> KeyFuture<'_>;

    /// A fresh key after the server refused `refused` (a 401); asked at most once a call. By default the
    /// same as [`CredentialsProvider::key`].
    fn refresh<'a>(&'a self, refused: &'a Secret) -> KeyFuture<'a> {
        let _ = refused;
        self.key()
    }
}

impl<F, Fut> CredentialsProvider for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Secret, Error>> + Send + 'static,
{
    fn key(&self) -> KeyFuture<'_> {
        Box::pin(self())
    }
}
