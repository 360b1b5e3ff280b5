//! A picture of every proxy's state, for dashboards and tests.

use std::time::Duration;

use tokio::time::Instant;

use super::proxy::PoolProxy;
use super::state::State;

/// Every proxy's state at one instant; from [`Pool::snapshot`](super::Pool::snapshot). `Debug` shows no
/// password.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Snapshot {
    /// When it was taken (the pool's clock).
    pub at: Instant,
    /// The proxies, in slot order.
    pub proxies: Vec<ProxyState>,
    /// How many could take a request now.
    pub available: usize,
}

/// Whether a proxy is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// In use.
    Healthy,
    /// Out of quarantine, in use; its next failure quarantines it again.
    Probation,
    /// Not used until then.
    Quarantined {
        /// When the quarantine ends.
        until: Instant,
    },
}

/// One proxy's state.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ProxyState {
    /// The proxy.
    pub proxy: PoolProxy,
    /// Healthy, on probation or quarantined.
    pub status: Status,
    /// Leases alive.
    pub in_flight: u32,
    /// Failures since the last success.
    pub consecutive_failures: u32,
    /// Quarantines in a row since the last success (what [`Healer`](super::Healer) counts).
    pub quarantines: u32,
    /// The moving average of successful requests' latency (to the microsecond).
    pub latency: Option<Duration>,
    /// Successes recorded (saturating).
    pub successes: u32,
    /// Failures recorded (saturating).
    pub failures: u32,
}

impl Snapshot {
    pub(super) fn of(state: &State, at: Instant) -> Self {
        let proxies = state
            .slots
            .iter()
            .flatten()
            .map(|e| ProxyState {
                proxy: e.proxy.clone(),
                status: match (e.health.quarantined_until, e.health.probation) {
                    (Some(until), _) => Status::Quarantined {
                        until: state.epoch.instant(until),
                    },
                    (None, true) => Status::Probation,
                    (None, false) => Status::Healthy,
                },
                in_flight: e.in_flight,
                consecutive_failures: e.health.consecutive_failures,
                quarantines: e.health.quarantines,
                latency: e
                    .health
                    .latency_ms
                    // To the microsecond: the average is an `f32` (4 bytes a proxy), a `Duration` is exact.
                    // A float-to-int `as` saturates, so no overflow.
                    .map(|ms| Duration::from_micros((f64::from(ms) * 1000.0).round() as u64)),
                successes: e.health.successes,
                failures: e.health.failures,
            })
            .collect();
        Self {
            at,
            proxies,
            available: state.available(),
        }
    }
}
