//! The documented per-class rate limits, when [`crate::Config::rate_limits`] switches them on: each caller
//! (its `Authorization` header, or its address without one) gets a GCRA budget per class, and a request
//! over it is a 429 with `Retry-After`, as the real service answers.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};
use webshare_api::operations::RateLimitClass;

use crate::error::ApiError;

type Keyed = RateLimiter<String, HashMapStateStore<String>, DefaultClock>;

/// Callers remembered before the idle ones are forgotten (bounds the limiter's memory).
const MAX_CALLERS: usize = 10_000;

/// One limiter per limited class.
pub(crate) struct Limits {
    classes: Vec<(RateLimitClass, Keyed)>,
    /// Serializes the occasional sweep of idle callers.
    sweep: Mutex<()>,
}

impl Limits {
    /// Limiters for the classes with a non-zero limit in `per_minute`.
    pub fn new(per_minute: &[(RateLimitClass, u32)]) -> Self {
        let classes = per_minute
            .iter()
            .filter_map(|(class, n)| {
                NonZeroU32::new(*n).map(|n| (*class, RateLimiter::hashmap(Quota::per_minute(n))))
            })
            .collect();
        Self {
            classes,
            sweep: Mutex::new(()),
        }
    }

    /// `None` if `caller` may make a request of `class` now, else the seconds to wait (at least 1).
    pub fn check(&self, class: RateLimitClass, caller: &str) -> Option<u64> {
        let (_, limiter) = self.classes.iter().find(|(c, _)| *c == class)?;
        if limiter.len() > MAX_CALLERS
            && let Ok(_guard) = self.sweep.try_lock()
        {
            limiter.retain_recent();
        }
        let caller = caller.to_owned();
        match limiter.check_key(&caller) {
            Ok(()) => None,
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
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
        let caller = match request.headers().get(header::AUTHORIZATION) {
            Some(value) => String::from_utf8_lossy(value.as_bytes()).into_owned(),
            None => request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(String::new, |ConnectInfo(addr)| addr.ip().to_string()),
        };
        if let Some(wait) = limits.check(gate.class, &caller) {
            return ApiError::throttled(wait).into_response();
        }
    }
    next.run(request).await
}
