//! A lease: one request's hold on a proxy. Dropping it ends the request's in-flight count; `report`
//! records how the request went (once).

use std::fmt;
use std::sync::Arc;

use tokio::time::Instant;

use super::Inner;
use super::health::Outcome;
use super::proxy::PoolProxy;
use super::state::Slot;

/// One request's hold on a proxy, from [`Pool::pick`](super::Pool::pick). While it lives the proxy counts
/// it in flight; dropping it ends that. [`Lease::report`] records the outcome (the first report counts,
/// later ones are ignored). If the proxy left the pool meanwhile (a refresh), both are ignored.
pub struct Lease {
    pub(super) inner: Arc<Inner>,
    pub(super) slot: Slot,
    pub(super) proxy: PoolProxy,
    pub(super) reported: bool,
}

impl fmt::Debug for Lease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lease")
            .field("proxy", &self.proxy)
            .field("reported", &self.reported)
            .finish_non_exhaustive()
    }
}

impl Lease {
    /// The proxy leased.
    pub fn proxy(&self) -> &PoolProxy {
        &self.proxy
    }

    /// Records how the request went; only the first report of a lease counts.
    pub fn report(&mut self, outcome: Outcome) {
        let now = self.inner.clock.now();
        self.report_at(outcome, now);
    }

    /// [`Lease::report`] with the time already read from the pool's clock.
    pub(super) fn report_at(&mut self, outcome: Outcome, now: Instant) {
        if std::mem::replace(&mut self.reported, true) {
            return;
        }
        self.inner.lock().report(self.slot, &outcome, now);
    }

    /// Whether an outcome was reported.
    pub fn is_reported(&self) -> bool {
        self.reported
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.inner.lock().release(self.slot);
    }
}
