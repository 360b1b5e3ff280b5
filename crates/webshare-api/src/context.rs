//! The per-client context the generated code's request hooks use (wired in by `cargo xtask codegen`).

use std::fmt;
use std::sync::{Arc, Mutex};

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderValue, RETRY_AFTER};

/// What a generated [`Client`](crate::Client) carries besides its `reqwest::Client`: the `Authorization`
/// value to send (progenitor ignores the spec's `securitySchemes`), and a record of the last response's
/// status, which progenitor drops when a body fails to decode (an HTML 502 from a proxy, say).
///
/// Cloning shares the record; make one context per request to read back that request's status.
#[derive(Clone, Default)]
pub struct RequestContext {
    authorization: Option<HeaderValue>,
    received: Arc<Mutex<Option<Received>>>,
}

/// The parts of a response that the generated error types may lose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<HeaderValue>,
}

impl RequestContext {
    /// A context that sends `authorization` (e.g. `Token <key>`, marked sensitive) with every request.
    pub fn new(authorization: Option<HeaderValue>) -> Self {
        Self {
            authorization,
            received: Arc::default(),
        }
    }

    /// Status and `Retry-After` of the last response received with this context.
    pub fn received(&self) -> Option<Received> {
        self.received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Pre-request hook of the generated code: sets the `Authorization` header.
    pub fn before_send(&self, request: &mut reqwest::Request) {
        if let Some(value) = &self.authorization {
            request.headers_mut().insert(AUTHORIZATION, value.clone());
        }
    }

    /// Post-request hook of the generated code: records the status and `Retry-After`.
    pub fn after_receive(&self, result: &reqwest::Result<reqwest::Response>) {
        if let Ok(response) = result {
            let received = Received {
                status: response.status(),
                retry_after: response.headers().get(RETRY_AFTER).cloned(),
            };
            *self.received.lock().unwrap_or_else(|e| e.into_inner()) = Some(received);
        }
    }
}

impl fmt::Debug for RequestContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestContext")
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "[redacted]"),
            )
            .field("received", &self.received())
            .finish()
    }
}
