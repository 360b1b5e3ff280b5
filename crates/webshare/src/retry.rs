//! [`RetryPolicy`]: which failures are retried, how often, and how long to wait in between.

use std::time::Duration;

use crate::Error;
use crate::error::DEFAULT_RATE_LIMIT_WAIT;

/// When and how a failed call is tried again.
///
/// The defaults follow Webshare's own SDK: up to 2 retries, exponential backoff with full jitter from a
/// 0.5 s base capped at 8 s, and a server's `Retry-After` honoured up to 60 s (60 s is also the wait
/// after a 429 without one). A longer `Retry-After` fails at once with [`Error::RateLimited`]: retrying
/// sooner than the server asks would only be refused again. Retried: connection failures, timeouts, HTTP
/// 408, 429, 500, 502, 503, 504.
///
/// Only calls that are safe to repeat are retried by default. Which those are is a fact of the spec,
/// written once there: GET, PUT and DELETE, and the few POSTs and PATCHes marked `x-webshare-retry-safe`
/// (resending the activation email and requesting a password reset, at worst a second email; resetting a
/// download token, which only replaces a token nobody received; updating the proxy config, which sets the
/// same fields again). The "retried by default" column of
/// [`operations`](crate::operations) lists every operation. The others (register, login, the
/// `complete_*` calls, changing the email, ...) are not, since a repeat after a lost answer may fail where
/// the first succeeded, or invalidate what it sent; [`RetryPolicy::retry_non_idempotent`] opts in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Retries after the first attempt (default 2).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The backoff's base: the n-th retry waits a random time up to `base × 2^(n-1)` (default 0.5 s).
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The most a backoff waits (default 8 s).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest `Retry-After` (or the 60 s default after a 429) the client waits out before retrying;
    /// a longer one returns [`Error::RateLimited`] at once (default 60 s). Interactive programs may want
    /// a few seconds.
    pub fn max_retry_after(mut self, limit: Duration) -> Self {
        self.max_retry_after = limit;
        self
    }

    /// Also retry register, login and the `complete_*` calls (default false).
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// How long to wait before retrying after `attempt` (1 for the first) failed with `error`, or `None`
    /// to give up.
    pub(crate) fn delay_after(
        &self,
        attempt: u32,
        idempotent: bool,
        error: &Error,
    ) -> Option<Duration> {
        if attempt > self.max_retries
            || (!idempotent && !self.retry_non_idempotent)
            || !is_transient(error)
        {
            return None;
        }
        if let Error::RateLimited { retry_after, .. } = error {
            let wait = retry_after.unwrap_or(DEFAULT_RATE_LIMIT_WAIT);
            return (wait <= self.max_retry_after).then_some(wait);
        }
        let ceiling = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.max_delay);
        Some(ceiling.mul_f64(random_fraction()))
    }
}

/// Failures that another attempt may not meet.
fn is_transient(error: &Error) -> bool {
    match error {
        Error::Timeout { .. } | Error::Connection { .. } | Error::RateLimited { .. } => true,
        Error::Server { status, .. } => matches!(status, 500 | 502 | 503 | 504),
        Error::Api { status, .. } => *status == 408,
        _ => false,
    }
}

/// Uniform in [0, 1): the "full jitter" of exponential backoff.
fn random_fraction() -> f64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(status: u16) -> Error {
        Error::Server {
            status,
            detail: None,
            request_id: None,
        }
    }

    #[test]
    fn backoff_is_capped_full_jitter() {
        let policy = RetryPolicy::default().max_retries(10);
        for attempt in 1..=10 {
            let ceiling =
                Duration::from_millis(500 * 2u64.pow(attempt - 1)).min(Duration::from_secs(8));
            for _ in 0..50 {
                let delay = policy.delay_after(attempt, true, &server(503)).unwrap();
                assert!(
                    delay <= ceiling,
                    "attempt {attempt}: {delay:?} > {ceiling:?}"
                );
            }
        }
        // Full jitter spreads the waits: 50 draws are not all equal.
        let draws: std::collections::BTreeSet<_> = (0..50)
            .map(|_| policy.delay_after(3, true, &server(503)).unwrap())
            .collect();
        assert!(draws.len() > 1);
    }

    #[test]
    fn which_failures_are_retried() {
        let policy = RetryPolicy::default();
        for status in [500, 502, 503, 504] {
            assert!(
                policy.delay_after(1, true, &server(status)).is_some(),
                "{status}"
            );
        }
        assert!(policy.delay_after(1, true, &server(501)).is_none());
        assert!(
            policy
                .delay_after(
                    1,
                    true,
                    &Error::Api {
                        status: 408,
                        code: None,
                        detail: None,
                        request_id: None
                    }
                )
                .is_some()
        );
        assert!(
            policy
                .delay_after(
                    1,
                    true,
                    &Error::Api {
                        status: 405,
                        code: None,
                        detail: None,
                        request_id: None
                    }
                )
                .is_none()
        );
        assert!(
            policy
                .delay_after(
                    1,
                    true,
                    &Error::Timeout {
                        after: Duration::from_secs(1),
                        source: None,
                    }
                )
                .is_some()
        );
        assert!(
            policy
                .delay_after(
                    1,
                    true,
                    &Error::Connection {
                        message: String::new(),
                        source: None,
                    }
                )
                .is_some()
        );
        assert!(
            policy
                .delay_after(
                    1,
                    true,
                    &Error::Unauthorized {
                        detail: None,
                        request_id: None
                    }
                )
                .is_none()
        );
        assert!(
            policy.delay_after(3, true, &server(503)).is_none(),
            "2 retries at most"
        );
        assert!(
            RetryPolicy::none()
                .delay_after(1, true, &server(503))
                .is_none()
        );
    }

    #[test]
    fn non_idempotent_calls_retry_only_when_opted_in() {
        assert!(
            RetryPolicy::default()
                .delay_after(1, false, &server(503))
                .is_none()
        );
        assert!(
            RetryPolicy::default()
                .retry_non_idempotent(true)
                .delay_after(1, false, &server(503))
                .is_some()
        );
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let limited = |s| Error::RateLimited {
            retry_after: s,
            detail: None,
            request_id: None,
        };
        let secs = Duration::from_secs;
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay_after(1, true, &limited(Some(secs(7)))),
            Some(secs(7))
        );
        assert_eq!(
            policy.delay_after(1, true, &limited(Some(secs(60)))),
            Some(secs(60))
        );
        assert_eq!(
            policy.delay_after(1, true, &limited(Some(secs(61)))),
            None,
            "longer: give up now"
        );
        assert_eq!(policy.delay_after(1, true, &limited(None)), Some(secs(60)));
        let short = policy.max_retry_after(secs(5));
        assert_eq!(short.delay_after(1, true, &limited(None)), None);
        assert_eq!(
            short.delay_after(1, true, &limited(Some(secs(2)))),
            Some(secs(2))
        );
    }
}

#[cfg(test)]
mod retried_operations {
    use webshare_api::operations::ALL;

    /// Which operations the default policy retries is the spec's fact (`x-webshare-retry-safe`): every
    /// GET, PUT and DELETE, and exactly these POSTs, whose repeat at worst sends a second email.
    #[test]
    fn only_safe_operations_are_retried_by_default() {
        // Marked `x-webshare-retry-safe`: a second email at worst; a reset only replaces a download token
        // nobody received; an update (PATCH) sets the same fields again; dismissing a dismissed
        // notification, or restoring a restored one, changes nothing. Money (purchase, renew, saving a
        // card) is never among them.
        let marked_safe = [
            "reset_password",
            "resend_activation",
            "reset_download_token",
            "update_proxy_config",
            "update_plan",
            "update_api_key",
            "update_subuser",
            "update_profile",
            "update_profile_preferences",
            "dismiss_notification",
            "restore_notification",
            "update_billing_info",
            "update_referral_config",
        ];
        for op in ALL {
            // HTTP's idempotent methods (the spec uses GET, PUT and DELETE of them).
            let expected = op.method.is_idempotent() || marked_safe.contains(&op.name);
            assert_eq!(op.retry_safe, expected, "{}", op.name);
        }
        // A one-time code used twice fails the second time; a second email-change code invalidates the
        // first: never retried.
        for op in ALL.iter().filter(|op| {
            op.name.starts_with("complete_") || op.name == "change_email" || op.name == "login"
        }) {
            assert!(!op.retry_safe, "{} must not be retried by default", op.name);
        }
    }
}
