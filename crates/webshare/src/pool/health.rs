//! What a request through a proxy came to, how a response is judged, and each proxy's health: consecutive
//! failures, latency, quarantine with exponential backoff.

use std::time::Duration;

use super::clock::Moment;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap};

/// What one request through a proxy came to; [`Lease::report`](super::Lease::report) records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// An answer the classifier accepted, after `latency`.
    Success {
        /// From sending to the answer's headers.
        latency: Duration,
    },
    /// The connection to the proxy (or through it) failed or broke.
    ConnectError,
    /// No answer in time.
    Timeout,
    /// An HTTP status the classifier judged a failure of the proxy (407, 502, 504 by default).
    Status {
        /// The status.
        status: u16,
    },
    /// The target refused the proxy (403, 429 or a captcha page by default).
    Blocked {
        /// The status the target answered with.
        status: u16,
    },
}

impl Outcome {
    /// Whether the outcome counts for the proxy (anything but [`Outcome::Success`] counts against it).
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Success { .. })
    }

    /// A request that got no answer through the proxy: a timeout, else a connection error.
    pub(crate) fn of_error(e: &reqwest::Error) -> Self {
        if e.is_timeout() {
            Self::Timeout
        } else {
            Self::ConnectError
        }
    }
}

impl Verdict {
    /// The outcome of an answer judged this way, with its status and latency.
    pub(crate) fn outcome(self, status: StatusCode, latency: Duration) -> Outcome {
        match self {
            Self::Success => Outcome::Success { latency },
            Self::Failure => Outcome::Status {
                status: status.as_u16(),
            },
            Self::Blocked => Outcome::Blocked {
                status: status.as_u16(),
            },
        }
    }
}

/// A classifier's judgement of a response; [`Pool::send`](super::Pool::send) turns it into an [`Outcome`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The proxy did its job (whatever the target answered).
    Success,
    /// The proxy failed (a proxy error status).
    Failure,
    /// The target blocked the proxy.
    Blocked,
}

/// Judges a response from its status, headers and the first bytes of its body. Closures
/// `Fn(StatusCode, &HeaderMap, &[u8]) -> Verdict` are classifiers.
pub trait Classifier: Send + Sync + 'static {
    /// The verdict on one response.
    fn classify(&self, status: StatusCode, headers: &HeaderMap, body_prefix: &[u8]) -> Verdict;
}

impl<F> Classifier for F
where
    F: Fn(StatusCode, &HeaderMap, &[u8]) -> Verdict + Send + Sync + 'static,
{
    fn classify(&self, status: StatusCode, headers: &HeaderMap, body_prefix: &[u8]) -> Verdict {
        self(status, headers, body_prefix)
    }
}

/// The default judgement: 403 and 429, or an HTML page that mentions a captcha, are [`Verdict::Blocked`];
/// 407 (the proxy refused the credentials), 502 and 504 (the proxy could not reach the target) are
/// [`Verdict::Failure`]; anything else is the target's answer, a [`Verdict::Success`].
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultClassifier;

impl Classifier for DefaultClassifier {
    fn classify(&self, status: StatusCode, headers: &HeaderMap, body_prefix: &[u8]) -> Verdict {
        match status.as_u16() {
            403 | 429 => Verdict::Blocked,
            407 | 502 | 504 => Verdict::Failure,
            _ if is_html(headers) && mentions_captcha(body_prefix) => Verdict::Blocked,
            _ => Verdict::Success,
        }
    }
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        // Compared in place: lowering a copy would allocate on every response.
        .is_some_and(|v| {
            v.as_bytes()
                .windows(4)
                .any(|w| w.eq_ignore_ascii_case(b"html"))
        })
}

fn mentions_captcha(body: &[u8]) -> bool {
    body.windows(7).any(|w| w.eq_ignore_ascii_case(b"captcha"))
}

/// When a proxy is quarantined and for how long.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HealthConfig {
    /// Consecutive failures that quarantine a proxy (at least 1).
    pub failure_threshold: u32,
    /// The first quarantine's length; each further one in a row doubles it.
    pub backoff_base: Duration,
    /// The longest quarantine.
    pub backoff_max: Duration,
    /// The weight of the newest latency in the moving average (0 to 1).
    pub latency_weight: f32,
}

impl Default for HealthConfig {
    fn default() -> Self {
        Self {
            failure_threshold: 3,
            backoff_base: Duration::from_secs(30),
            backoff_max: Duration::from_secs(30 * 60),
            latency_weight: 0.2,
        }
    }
}

impl HealthConfig {
    /// The length of the quarantine after `previous` quarantines in a row (base × 2^previous, at most
    /// the maximum; no overflow).
    pub fn backoff(&self, previous: u32) -> Duration {
        1u32.checked_shl(previous)
            .and_then(|factor| self.backoff_base.checked_mul(factor))
            .map_or(self.backoff_max, |b| b.min(self.backoff_max))
    }
}

/// One proxy's health. Counts saturate (at 4 billion) rather than wrap.
#[derive(Debug, Clone, Default)]
pub(crate) struct Health {
    pub(crate) consecutive_failures: u32,
    /// Quarantines in a row (the backoff's exponent); reset by a success.
    pub(crate) quarantines: u32,
    pub(crate) quarantined_until: Option<Moment>,
    /// Out of quarantine, not yet proven: one failure sends it back.
    pub(crate) probation: bool,
    pub(crate) latency_ms: Option<f32>,
    pub(crate) successes: u32,
    pub(crate) failures: u32,
}

/// What a recorded outcome changed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Change {
    None,
    Quarantined { until: Moment, backoff: Duration },
    Recovered,
}

impl Health {
    /// Records one outcome at `now`.
    pub(crate) fn record(
        &mut self,
        outcome: &Outcome,
        now: Moment,
        config: &HealthConfig,
    ) -> Change {
        if let Outcome::Success { latency } = outcome {
            self.successes = self.successes.saturating_add(1);
            self.consecutive_failures = 0;
            self.quarantines = 0;
            let sample = latency.as_secs_f32() * 1000.0;
            let weight = config.latency_weight.clamp(0.0, 1.0);
            self.latency_ms = Some(match self.latency_ms {
                Some(avg) => avg + weight * (sample - avg),
                None => sample,
            });
            return if std::mem::take(&mut self.probation) {
                Change::Recovered
            } else {
                Change::None
            };
        }
        self.failures = self.failures.saturating_add(1);
        self.consecutive_failures = self.consecutive_failures.saturating_add(1);
        if self.quarantined_until.is_some()
            || !(self.probation || self.consecutive_failures >= config.failure_threshold.max(1))
        {
            return Change::None;
        }
        let backoff = config.backoff(self.quarantines);
        self.quarantines = self.quarantines.saturating_add(1);
        self.probation = false;
        let until = now.after(backoff);
        self.quarantined_until = Some(until);
        Change::Quarantined { until, backoff }
    }

    /// Ends a quarantine whose time has come: the proxy is on probation.
    pub(crate) fn release_quarantine(&mut self, now: Moment) -> bool {
        match self.quarantined_until {
            Some(until) if until <= now => {
                self.quarantined_until = None;
                self.probation = true;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_classifier_spots_blocks_and_proxy_errors() {
        let html = {
            let mut h = HeaderMap::new();
            h.insert(CONTENT_TYPE, "text/html; charset=utf-8".parse().unwrap());
            h
        };
        let c = DefaultClassifier;
        let none = HeaderMap::new();
        assert_eq!(
            c.classify(StatusCode::FORBIDDEN, &none, b""),
            Verdict::Blocked
        );
        assert_eq!(
            c.classify(StatusCode::TOO_MANY_REQUESTS, &none, b""),
            Verdict::Blocked
        );
        assert_eq!(
            c.classify(StatusCode::BAD_GATEWAY, &none, b""),
            Verdict::Failure
        );
        assert_eq!(
            c.classify(StatusCode::NOT_FOUND, &none, b""),
            Verdict::Success
        );
        let page = b"<html><div class=\"g-reCAPTCHA\"></div>";
        assert_eq!(c.classify(StatusCode::OK, &html, page), Verdict::Blocked);
        assert_eq!(c.classify(StatusCode::OK, &none, page), Verdict::Success);
        assert_eq!(
            c.classify(StatusCode::OK, &html, b"<html>hi"),
            Verdict::Success
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum_without_overflow() {
        let config = HealthConfig {
            backoff_base: Duration::from_secs(10),
            backoff_max: Duration::from_secs(100),
            ..HealthConfig::default()
        };
        assert_eq!(config.backoff(0), Duration::from_secs(10));
        assert_eq!(config.backoff(1), Duration::from_secs(20));
        assert_eq!(config.backoff(3), Duration::from_secs(80));
        assert_eq!(config.backoff(4), Duration::from_secs(100));
        assert_eq!(config.backoff(40), Duration::from_secs(100));
        assert_eq!(config.backoff(u32::MAX), Duration::from_secs(100));
    }

    #[test]
    fn latency_is_a_moving_average_and_failures_reach_quarantine() {
        let config = HealthConfig::default();
        let epoch = crate::pool::clock::Epoch(tokio::time::Instant::now());
        let now = epoch.moment(epoch.0);
        let mut h = Health::default();
        let ok = |ms| Outcome::Success {
            latency: Duration::from_millis(ms),
        };
        assert_eq!(h.record(&ok(100), now, &config), Change::None);
        h.record(&ok(200), now, &config);
        assert_eq!(h.latency_ms, Some(120.0));
        assert_eq!(h.record(&Outcome::Timeout, now, &config), Change::None);
        assert_eq!(h.record(&Outcome::ConnectError, now, &config), Change::None);
        let third = h.record(&Outcome::Blocked { status: 403 }, now, &config);
        assert_eq!(
            third,
            Change::Quarantined {
                until: now.after(config.backoff_base),
                backoff: config.backoff_base
            }
        );
        assert!(!h.release_quarantine(now));
        assert!(h.release_quarantine(now.after(config.backoff_base)));
        // On probation one failure is enough, and the backoff doubles.
        let again = h.record(&Outcome::Timeout, now, &config);
        assert!(
            matches!(again, Change::Quarantined { backoff, .. } if backoff == config.backoff_base * 2)
        );
        assert!(h.release_quarantine(now.after(config.backoff_base * 2)));
        assert_eq!(h.record(&ok(100), now, &config), Change::Recovered);
        assert_eq!((h.successes, h.failures, h.quarantines), (3, 4, 0));
    }
}
