//! Every answer carries an `X-Request-Id`, as the real service's answers carry an id for support
//! tickets: a client can be tested keeping it on its errors and in its logs.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::HeaderValue;
use axum::response::Response;

/// The response header the id goes in.
pub const HEADER: &str = "x-request-id";

/// Ids are unique within the process: `mock-` and 16 hex digits.
static NEXT: AtomicU64 = AtomicU64::new(1);

/// Adds a fresh id to `response` (an id a handler set stays).
pub async fn stamp(mut response: Response) -> Response {
    if !response.headers().contains_key(HEADER) {
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        if let Ok(value) = HeaderValue::from_str(&format!("mock-{id:016x}")) {
            response.headers_mut().insert(HEADER, value);
        }
    }
    response
}
