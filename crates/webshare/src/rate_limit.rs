//! Client-side rate limiting: each documented class of endpoints (`x-webshare-rate-limits` in the spec:
//! 240 a minute in general, 60 for proxy lists, 30 for downloads, 60 for pricing) gets a GCRA limiter
//! (`governor`), shared by every clone of a client, so a bulk job waits its turn instead of collecting 429s.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota};
use webshare_api::operations::RateLimitClass;

/// Requests a minute per class of endpoints, or no limit. [`RateLimits::documented`] is the default
/// against the production API; a loopback base URL (a mock server) defaults to [`RateLimits::off`].
#[derive(Clone, PartialEq, Eq)]
pub struct RateLimits {
    per_minute: Vec<(RateLimitClass, Option<NonZeroU32>)>,
}

impl fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.per_minute
                    .iter()
                    .map(|(class, limit)| (class.name(), limit.map(NonZeroU32::get))),
            )
            .finish()
    }
}

impl RateLimits {
    /// The documented per-minute limit of every class.
    pub fn documented() -> Self {
        Self {
            per_minute: RateLimitClass::ALL
                .iter()
                .map(|&class| (class, NonZeroU32::new(class.per_minute())))
                .collect(),
        }
    }

    /// No client-side limit at all (the server's 429s still apply).
    pub fn off() -> Self {
        Self {
            per_minute: RateLimitClass::ALL
                .iter()
                .map(|&class| (class, None))
                .collect(),
        }
    }

    /// Sets one class's limit; `0` removes it.
    pub fn per_minute(mut self, class: RateLimitClass, requests: u32) -> Self {
        for (c, limit) in &mut self.per_minute {
            if *c == class {
                *limit = NonZeroU32::new(requests);
            }
        }
        self
    }

    /// The limit of `class`, if it has one.
    pub fn limit(&self, class: RateLimitClass) -> Option<u32> {
        self.per_minute
            .iter()
            .find(|(c, _)| *c == class)
            .and_then(|(_, l)| l.map(NonZeroU32::get))
    }

    /// Whether no class is limited.
    pub fn is_off(&self) -> bool {
        self.per_minute.iter().all(|(_, l)| l.is_none())
    }
}

/// The running limiters of one client and its clones.
#[derive(Clone)]
pub(crate) struct Limiters {
    limiters: Arc<Vec<(RateLimitClass, DefaultDirectRateLimiter)>>,
}

impl Limiters {
    pub(crate) fn new(limits: &RateLimits) -> Self {
        let limiters = limits
            .per_minute
            .iter()
            .filter_map(|(class, limit)| {
                limit.map(|n| {
                    (
                        *class,
                        DefaultDirectRateLimiter::direct(Quota::per_minute(n)),
                    )
                })
            })
            .collect();
        Self {
            limiters: Arc::new(limiters),
        }
    }

    /// Whether no class is limited (the caller can skip [`Limiters::wait`]).
    pub(crate) fn is_empty(&self) -> bool {
        self.limiters.is_empty()
    }

    /// Waits until a request of `class` is within its limit (at once when unlimited).
    pub(crate) async fn wait(&self, class: RateLimitClass) {
        let Some((_, limiter)) = self.limiters.iter().find(|(c, _)| *c == class) else {
            return;
        };
        while let Err(not_until) = limiter.check() {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            tracing::debug!(
                class = class.name(),
                wait_ms = wait.as_millis() as u64,
                "rate limit: waiting"
            );
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The limits the client applies are the spec's `x-webshare-rate-limits`, read from the document
    /// itself (not from the generated constants the limiter is built from), for every class.
    #[test]
    fn documented_limits_come_from_the_spec() {
        let spec: serde_json::Value =
            serde_json::from_str(include_str!("../../../openapi/webshare.json")).unwrap();
        let in_spec = spec["x-webshare-rate-limits"].as_object().unwrap();
        assert_eq!(in_spec.len(), RateLimitClass::ALL.len(), "{in_spec:?}");
        let limits = RateLimits::documented();
        for class in RateLimitClass::ALL {
            let documented = in_spec[class.name()].as_u64().map(|n| n as u32);
            assert_eq!(limits.limit(*class), documented, "{}", class.name());
        }
        // The Rate Limits page's figures, as a reader of the page would check them.
        assert_eq!(limits.limit(RateLimitClass::General), Some(240));
        assert_eq!(limits.limit(RateLimitClass::ProxyListDownload), Some(30));
        assert!(RateLimits::off().is_off());
        let custom = RateLimits::documented().per_minute(RateLimitClass::General, 0);
        assert_eq!(custom.limit(RateLimitClass::General), None);
        assert!(!custom.is_off());
    }

    #[tokio::test]
    async fn a_class_allows_its_burst_then_makes_the_caller_wait() {
        let limiters =
            Limiters::new(&RateLimits::off().per_minute(RateLimitClass::ProxyListDownload, 3));
        let limiter = &limiters.limiters[0].1;
        for _ in 0..3 {
            assert!(limiter.check().is_ok());
        }
        assert!(
            limiter.check().is_err(),
            "the fourth request in the minute must wait"
        );
        // Other classes are unlimited here: no wait.
        limiters.wait(RateLimitClass::General).await;
    }
}
