//! A `reqwest::Client` per proxy, built by a replaceable factory and cached, since connection reuse is
//! per client: one client per proxy keeps each proxy's connections apart.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::proxy::PoolProxy;
use super::state::{Slot, State};
use super::{Lease, Pool, PoolError};
use crate::client::tls_backend;
use crate::{Error, ProxyEndpoint};

type Build = dyn Fn(&ProxyEndpoint) -> Result<reqwest::Client, Error> + Send + Sync;

/// Builds the `reqwest::Client` that sends through one proxy. The default sets the proxy (credentials
/// as basic auth), the crate's TLS backend and a 10 s connect timeout; a custom one can set anything
/// else (`pool_max_idle_per_host(0)` for a new connection, and so a new backbone exit, per request) or
/// send elsewhere in tests.
#[derive(Clone)]
pub struct ClientFactory(Arc<Build>);

impl fmt::Debug for ClientFactory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientFactory")
    }
}

impl Default for ClientFactory {
    fn default() -> Self {
        Self::new(|endpoint| {
            let builder = reqwest::Client::builder()
                .proxy(endpoint.to_reqwest()?)
                .connect_timeout(Duration::from_secs(10));
            tls_backend(builder)?.build().map_err(|e| Error::Config {
                message: format!("cannot build the proxy's HTTP client: {}", e.without_url()),
            })
        })
    }
}

impl ClientFactory {
    /// A factory from a function of the proxy's endpoint.
    pub fn new(
        build: impl Fn(&ProxyEndpoint) -> Result<reqwest::Client, Error> + Send + Sync + 'static,
    ) -> Self {
        Self(Arc::new(build))
    }
}

/// The cache: a client per proxy (per slot, for the proxy's current credentials), bounded.
pub(crate) struct Clients {
    factory: ClientFactory,
    capacity: usize,
    cached: Mutex<HashMap<Slot, (PoolProxy, reqwest::Client)>>,
}

impl Clients {
    pub(crate) fn new(factory: ClientFactory, capacity: usize) -> Self {
        Self {
            factory,
            capacity,
            cached: Mutex::new(HashMap::new()),
        }
    }

    pub(super) fn get(&self, slot: Slot, proxy: &PoolProxy) -> Result<reqwest::Client, PoolError> {
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((p, client)) = cached.get(&slot)
            && p == proxy
        {
            return Ok(client.clone());
        }
        let client = (self.factory.0)(&proxy.endpoint()?)?;
        if self.capacity == 0 {
            return Ok(client);
        }
        if cached.len() >= self.capacity && !cached.contains_key(&slot) {
            // Any one: the cache bounds memory, it does not rank proxies (so no LRU crate).
            if let Some(victim) = cached.keys().next().copied() {
                cached.remove(&victim);
            }
        }
        cached.insert(slot, (proxy.clone(), client.clone()));
        Ok(client)
    }

    /// Drops the clients of proxies that left or changed credentials (called with the state locked).
    pub(crate) fn retain(&self, state: &State) {
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        cached.retain(|slot, (proxy, _)| state.entry(*slot).is_some_and(|e| e.proxy == *proxy));
    }
}

impl Pool {
    /// The `reqwest::Client` that sends through the lease's proxy, cached per proxy so its connections
    /// are reused. A pooled connection keeps the exit it was opened with: through the backbone's
    /// rotating username the exit changes per connection, not per request (see `docs/pool.md`).
    pub fn client_for(&self, lease: &Lease) -> Result<reqwest::Client, PoolError> {
        self.inner.clients.get(lease.slot, &lease.proxy)
    }
}
