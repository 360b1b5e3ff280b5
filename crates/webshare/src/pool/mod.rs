//! A proxy pool: picks proxies for requests (round robin, random, least in flight, or sticky by a key),
//! tracks each proxy's health from the outcomes reported (consecutive failures, latency), quarantines a
//! failing proxy with exponential backoff, and takes a new list without dropping requests in flight.
//!
//! ```no_run
//! use webshare::pool::{Pool, SendOptions, Strategy};
//!
//! # async fn run(client: webshare::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use webshare::operations::ListProxies;
//! use webshare::types::ProxyMode;
//! let proxies = webshare::pool::from_api(&client, ListProxies::new(ProxyMode::Direct)).await?;
//! let pool = Pool::builder()
//!     .strategy(Strategy::LeastInFlight)
//!     .max_in_flight(4)
//!     .build(proxies)?;
//! let response = pool
//!     .send(|http| http.get("https://example.com/"), SendOptions::attempts(3))
//!     .await?;
//! println!("{} through {:?}", response.status(), response.proxy());
//! # Ok(())
//! # }
//! ```
//!
//! See `docs/pool.md` for the strategies, health and what rotation means with pooled connections.

mod check;
mod clock;
mod error;
mod heal;
mod health;
mod index;
mod lease;
mod proxy;
mod refresh;
mod send;
mod snapshot;
mod source;
mod state;
mod transport;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub use check::{CheckOptions, CheckReport, Group, GroupCount, Probe};
pub use clock::{Clock, ManualClock, TokioClock};
pub use error::{PoolError, SendError};
pub use heal::{HealPolicy, HealReason, HealReport, Healer, SkipReason};
pub use health::{Classifier, DefaultClassifier, HealthConfig, Outcome, Verdict};
pub use index::Strategy;
pub use lease::Lease;
pub use proxy::PoolProxy;
pub use refresh::{RefreshCount, Refresher};
pub use send::{PoolResponse, SendOptions};
pub use snapshot::{ProxyState, Snapshot, Status};
pub use source::{BackboneSessions, backbone, from_api, from_download};
pub use transport::ClientFactory;

use state::{Limits, State};

/// A pool of proxies; cheap to clone (clones share the pool). `Debug` shows counts, never a password.
#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    state: Mutex<State>,
    clock: Arc<dyn Clock>,
    classifier: Arc<dyn Classifier>,
    clients: transport::Clients,
}

impl Inner {
    /// The state; a panic elsewhere while it was held leaves it consistent (every change is completed
    /// before anything that could panic), so a poisoned lock is taken over.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.inner.lock();
        f.debug_struct("Pool")
            .field("proxies", &state.len())
            .field("available", &state.available())
            .field("limits", &state.limits)
            .field("health", &state.health)
            .finish_non_exhaustive()
    }
}

/// What a list refresh did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefreshReport {
    /// Proxies in both lists (their state and leases kept).
    pub kept: usize,
    /// Proxies new to the pool.
    pub added: usize,
    /// Proxies that left (their leases are ignored from now on).
    pub removed: usize,
    /// Repeated proxies of the new list (the last of each is used).
    pub duplicates: usize,
}

/// Configures a [`Pool`]; from [`Pool::builder`].
pub struct PoolBuilder {
    strategy: Strategy,
    max_in_flight: u32,
    min_interval: Duration,
    health: HealthConfig,
    clock: Arc<dyn Clock>,
    classifier: Arc<dyn Classifier>,
    seed: Option<u64>,
    factory: ClientFactory,
    client_cache: usize,
}

impl fmt::Debug for PoolBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolBuilder")
            .field("strategy", &self.strategy)
            .field("max_in_flight", &self.max_in_flight)
            .field("min_interval", &self.min_interval)
            .field("health", &self.health)
            .finish_non_exhaustive()
    }
}

impl PoolBuilder {
    /// How proxies are chosen (round robin by default).
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// Requests in flight on one proxy at most (unlimited by default; 0 is refused by `build`).
    pub fn max_in_flight(mut self, max: u32) -> Self {
        self.max_in_flight = max;
        self
    }

    /// The least time between two picks of one proxy (none by default).
    pub fn min_interval(mut self, interval: Duration) -> Self {
        self.min_interval = interval;
        self
    }

    /// Quarantine threshold and backoff.
    pub fn health(mut self, health: HealthConfig) -> Self {
        self.health = health;
        self
    }

    /// The clock (tokio's by default; a [`ManualClock`] in tests).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How [`Pool::send`] judges responses ([`DefaultClassifier`] by default).
    pub fn classifier(mut self, classifier: impl Classifier) -> Self {
        self.classifier = Arc::new(classifier);
        self
    }

    /// The seed of the random strategy (from the system by default), for reproducible tests.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// How [`Pool::client_for`] builds a proxy's `reqwest::Client` (a client with only the proxy set, by
    /// default).
    pub fn client_factory(mut self, factory: ClientFactory) -> Self {
        self.factory = factory;
        self
    }

    /// How many proxies' clients [`Pool::client_for`] keeps (1,024 by default); past it, one is dropped
    /// for each new one, and its connections with it.
    pub fn client_cache(mut self, proxies: usize) -> Self {
        self.client_cache = proxies;
        self
    }

    /// The pool of `proxies` (the later of repeated proxies is kept).
    pub fn build(self, proxies: Vec<PoolProxy>) -> Result<Pool, PoolError> {
        if self.max_in_flight == 0 {
            return Err(PoolError::InvalidConfig {
                message: "max_in_flight must be at least 1",
            });
        }
        if self.health.failure_threshold == 0 {
            return Err(PoolError::InvalidConfig {
                message: "failure_threshold must be at least 1",
            });
        }
        let limits = Limits {
            max_in_flight: self.max_in_flight,
            min_interval: self.min_interval,
        };
        let seed = self.seed.unwrap_or_else(|| fastrand::u64(..));
        let pool = Pool {
            inner: Arc::new(Inner {
                state: Mutex::new(State::new(
                    self.strategy,
                    seed,
                    limits,
                    self.health,
                    self.clock.now(),
                )),
                clock: self.clock,
                classifier: self.classifier,
                clients: transport::Clients::new(self.factory, self.client_cache),
            }),
        };
        pool.replace_list(proxies)?;
        Ok(pool)
    }
}

impl Pool {
    /// A builder: strategy, limits, health, clock, classifier.
    pub fn builder() -> PoolBuilder {
        PoolBuilder {
            strategy: Strategy::default(),
            max_in_flight: u32::MAX,
            min_interval: Duration::ZERO,
            health: HealthConfig::default(),
            clock: Arc::new(TokioClock),
            classifier: Arc::new(DefaultClassifier),
            seed: None,
            factory: ClientFactory::default(),
            client_cache: 1024,
        }
    }

    /// A proxy for one request, by the pool's strategy. [`PoolError::Empty`] or
    /// [`PoolError::NoneAvailable`] (all quarantined, at their limit or interval) when none can take it.
    pub fn pick(&self) -> Result<Lease, PoolError> {
        self.pick_skipping(&[])
    }

    pub(crate) fn pick_skipping(&self, skip: &[u32]) -> Result<Lease, PoolError> {
        let now = self.inner.clock.now();
        let picked = self.inner.lock().pick(now, skip)?;
        Ok(self.lease(picked))
    }

    /// The proxy of a sticky `key` (a session, a user): the same one as before while it is in the pool
    /// and not quarantined, else a new one by the strategy, remembered. [`PoolError::Busy`] when it is at
    /// its concurrency limit or interval (another proxy would break the session). Keys are kept until
    /// [`Pool::forget`] or until their proxy leaves the pool.
    pub fn pick_for(&self, key: &str) -> Result<Lease, PoolError> {
        let now = self.inner.clock.now();
        let picked = self.inner.lock().pick_sticky(key, now)?;
        Ok(self.lease(picked))
    }

    /// Forgets a sticky key.
    pub fn forget(&self, key: &str) {
        self.inner.lock().forget(key);
    }

    fn lease(&self, (slot, proxy): state::Picked) -> Lease {
        Lease {
            inner: Arc::clone(&self.inner),
            slot,
            proxy,
            reported: false,
        }
    }

    /// Swaps the list for `proxies` without dropping requests: a proxy in both lists (same address, port
    /// and username) keeps its state, leases and sticky keys; a proxy that left is dropped, and its
    /// leases' reports are ignored; new proxies come in healthy.
    pub fn replace_list(&self, proxies: Vec<PoolProxy>) -> Result<RefreshReport, PoolError> {
        if proxies.len() >= u32::MAX as usize {
            return Err(PoolError::InvalidConfig {
                message: "a pool holds fewer than 4,294,967,295 proxies",
            });
        }
        let report = {
            let mut state = self.inner.lock();
            let report = state.replace(proxies);
            self.inner.clients.retain(&state);
            report
        };
        tracing::info!(
            target: "webshare::pool",
            kept = report.kept,
            added = report.added,
            removed = report.removed,
            duplicates = report.duplicates,
            "proxy list refreshed"
        );
        Ok(report)
    }

    /// Every proxy's state now.
    pub fn snapshot(&self) -> Snapshot {
        let now = self.inner.clock.now();
        let mut state = self.inner.lock();
        state.advance(now);
        Snapshot::of(&state, now)
    }

    /// How many proxies the pool holds.
    pub fn len(&self) -> usize {
        self.inner.lock().len()
    }

    /// Whether the pool holds no proxy.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests;
