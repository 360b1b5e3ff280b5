//! The server's clock: the system's by default, or a manual one ([`crate::Config::manual_clock`]) that
//! moves only when a test calls [`crate::MockServer::advance`]. Everything time decides (replacement
//! states, throttles, rate limits, expiries) reads it, so a test can step through time exactly.
//!
//! Handlers read it through [`now`], which finds the clock of the server serving the request in a task
//! local set around each request ([`scope`]): one process may run several servers, each with its own
//! clock, and no handler needs a clock argument.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};

tokio::task_local! {
    static CURRENT: Arc<Clock>;
}

/// One server's clock.
#[derive(Debug)]
pub(crate) struct Clock {
    /// Whether only [`Clock::advance`] moves it.
    manual: bool,
    /// When the server started, on both clocks.
    started: Instant,
    started_at: DateTime<Utc>,
    /// How far [`Clock::advance`] has moved it, in total.
    offset: Mutex<Duration>,
}

impl Clock {
    /// A clock that starts now; `manual`: one that stays there until advanced.
    pub fn new(manual: bool) -> Self {
        Self {
            manual,
            started: Instant::now(),
            started_at: system_now(),
            offset: Mutex::new(Duration::ZERO),
        }
    }

    /// The time since the server started, monotonic: what the rate limiter counts in.
    pub fn elapsed(&self) -> Duration {
        let offset = *crate::lock_unpoisoned(&self.offset);
        let real = if self.manual {
            Duration::ZERO
        } else {
            self.started.elapsed()
        };
        real.saturating_add(offset)
    }

    /// The current time at the API's precision (microseconds).
    pub fn now(&self) -> DateTime<Utc> {
        let offset = *crate::lock_unpoisoned(&self.offset);
        let base = if self.manual {
            self.started_at
        } else {
            system_now()
        };
        add(base, offset)
    }

    /// Moves the clock forward by `by` (saturating at the latest time it can show).
    pub fn advance(&self, by: Duration) {
        let mut offset = crate::lock_unpoisoned(&self.offset);
        *offset = offset.saturating_add(by);
    }
}

impl Default for Clock {
    /// The system's clock.
    fn default() -> Self {
        Self::new(false)
    }
}

/// `base + by`, or the latest representable time.
fn add(base: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(by)
        .ok()
        .and_then(|by| base.checked_add_signed(by))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

fn system_now() -> DateTime<Utc> {
    chrono::SubsecRound::trunc_subsecs(Utc::now(), 6)
}

/// The current time on the clock of the server serving this request (the system's outside one).
pub(crate) fn now() -> DateTime<Utc> {
    CURRENT
        .try_with(|clock| clock.now())
        .unwrap_or_else(|_| system_now())
}

/// Runs the rest of the request with its server's clock as the one [`now`] reads.
pub(crate) async fn scope(
    State(app): State<crate::Shared>,
    request: Request,
    next: Next,
) -> Response {
    CURRENT.scope(app.clock.clone(), next.run(request)).await
}

/// The clock as `governor` reads it, so rate limits follow a manual clock too.
#[derive(Debug, Clone)]
pub(crate) struct LimiterClock(pub Arc<Clock>);

impl governor::clock::Clock for LimiterClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        self.0.elapsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_advanced() {
        let clock = Clock::new(true);
        let start = clock.now();
        assert_eq!(clock.now(), start);
        assert_eq!(clock.elapsed(), Duration::ZERO);
        clock.advance(Duration::from_secs(90));
        assert_eq!(clock.now(), start + chrono::Duration::seconds(90));
        assert_eq!(clock.elapsed(), Duration::from_secs(90));
        // Far beyond what a date can show: the latest date, not a panic.
        clock.advance(Duration::MAX);
        assert_eq!(clock.now(), DateTime::<Utc>::MAX_UTC);
    }

    #[test]
    fn the_system_clock_is_advanced_by_an_offset() {
        let clock = Clock::new(false);
        let before = system_now();
        clock.advance(Duration::from_secs(3600));
        assert!(clock.now() >= before + chrono::Duration::seconds(3600));
        assert!(clock.elapsed() >= Duration::from_secs(3600));
    }
}
