//! Where the pool's time comes from, so tests drive it instead of sleeping.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// The pool's source of time: quarantines and minimum intervals are measured with it.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> Instant;
}

/// Tokio's clock (the default): follows a paused test clock (`#[tokio::test(start_paused = true)]`,
/// `tokio::time::advance`). Outside a runtime it is the system's monotonic clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioClock;

impl Clock for TokioClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that only moves when told to, for tests without a runtime.
#[derive(Debug)]
pub struct ManualClock {
    start: Instant,
    elapsed: Mutex<Duration>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl ManualClock {
    /// A clock standing at the current instant.
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
            elapsed: Mutex::new(Duration::ZERO),
        }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut elapsed = self.elapsed.lock().unwrap_or_else(|e| e.into_inner());
        *elapsed = elapsed.saturating_add(by);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        let elapsed = *self.elapsed.lock().unwrap_or_else(|e| e.into_inner());
        self.start + elapsed
    }
}

impl<C: Clock> Clock for std::sync::Arc<C> {
    fn now(&self) -> Instant {
        (**self).now()
    }
}

/// An instant stored in 8 bytes: nanoseconds since the pool's epoch, plus one, so `Option<Moment>` is 8
/// bytes too (a `tokio::time::Instant` is 16; a pool keeps two per proxy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Moment(std::num::NonZeroU64);

impl Moment {
    /// `by` later, saturating (584 years after the epoch).
    pub(crate) fn after(self, by: Duration) -> Self {
        let nanos = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        Self(self.0.saturating_add(nanos))
    }
}

/// The instant moments count from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Epoch(pub(crate) Instant);

impl Epoch {
    /// `t` as a moment (an instant before the epoch is the epoch).
    pub(crate) fn moment(&self, t: Instant) -> Moment {
        let nanos =
            u64::try_from(t.saturating_duration_since(self.0).as_nanos()).unwrap_or(u64::MAX - 1);
        Moment(std::num::NonZeroU64::MIN.saturating_add(nanos))
    }

    /// The instant of a moment.
    pub(crate) fn instant(&self, m: Moment) -> Instant {
        self.0 + Duration::from_nanos(m.0.get() - 1)
    }

    /// The time from `from` to `to` (zero if `to` is earlier).
    pub(crate) fn between(from: Moment, to: Moment) -> Duration {
        Duration::from_nanos(to.0.get().saturating_sub(from.0.get()))
    }
}
