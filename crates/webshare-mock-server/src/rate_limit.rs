//! The documented per-class rate limits, when [`crate::Config::rate_limits`] switches them on: each caller
//! gets a GCRA budget per class, and a request over it is a 429 with `Retry-After`, as the real service
//! answers.
//!
//! A caller is the account its `Authorization` token authenticates; a request without a valid token
//! (none, made up, revoked) counts against its address. Keying on the header itself would give every
//! made-up value a fresh budget.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};
use webshare_api::operations::RateLimitClass;

use crate::clock::LimiterClock;
use crate::error::ApiError;
use crate::state::UserId;

/// Whose budget a request spends.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    /// The authenticated account.
    Account(UserId),
    /// The caller's address, for requests without a valid token (`None`: unknown).
    Address(Option<IpAddr>),
}

type Keyed = RateLimiter<Key, HashMapStateStore<Key>, LimiterClock, NoOpMiddleware<Duration>>;

/// Callers remembered before the idle ones are forgotten (bounds the limiter's memory).
const MAX_CALLERS: usize = 10_000;

/// One limiter per limited class.
pub(crate) struct Limits {
    classes: Vec<(RateLimitClass, Keyed)>,
    clock: LimiterClock,
    /// Serializes the occasional sweep of idle callers.
    sweep: Mutex<()>,
}

impl Limits {
    /// Limiters for the classes with a non-zero limit in `per_minute`.
    pub fn new(per_minute: &[(RateLimitClass, u32)], clock: LimiterClock) -> Self {
        let classes = per_minute
            .iter()
            .filter_map(|(class, n)| {
                NonZeroU32::new(*n).map(|n| {
                    let limiter =
                        RateLimiter::hashmap_with_clock(Quota::per_minute(n), clock.clone());
                    (*class, limiter)
                })
            })
            .collect();
        Self {
            classes,
            clock,
            sweep: Mutex::new(()),
        }
    }

    /// `None` if `caller` may make a request of `class` now, else the seconds to wait (at least 1).
    pub fn check(&self, class: RateLimitClass, caller: &Key) -> Option<u64> {
        let (_, limiter) = self.classes.iter().find(|(c, _)| *c == class)?;
        if limiter.len() > MAX_CALLERS
            && let Ok(_guard) = self.sweep.try_lock()
        {
            limiter.retain_recent();
        }
        match limiter.check_key(caller) {
            Ok(()) => None,
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                Some(wait.as_secs_f64().ceil().max(1.0) as u64)
            }
        }
    }
}

/// What the middleware of one operation needs.
#[derive(Clone)]
pub(crate) struct Gate {
    pub app: crate::Shared,
    pub class: RateLimitClass,
}

/// Answers 429 when the caller is over the operation's class limit; passes the request on otherwise.
pub(crate) async fn limit(State(gate): State<Gate>, request: Request, next: Next) -> Response {
    if let Some(limits) = &gate.app.limits {
        let account = {
            let data = crate::lock_unpoisoned(&gate.app.data);
            crate::auth::identity(&data, request.headers())
        };
        let caller = match account {
            Some(user) => Key::Account(user),
            None => Key::Address(
                request
                    .extensions()
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|ConnectInfo(addr)| addr.ip().to_canonical()),
            ),
        };
        if let Some(wait) = limits.check(gate.class, &caller) {
            return ApiError::throttled(wait).into_response();
        }
    }
    next.run(request).await
}
