//! Scripted failures and latency, for testing how a client copes: [`MockServer::fail_next`] queues an
//! error answer for an operation's next request, [`MockServer::set_latency`] delays every answer.
//!
//! [`MockServer::fail_next`]: crate::MockServer::fail_next
//! [`MockServer::set_latency`]: crate::MockServer::set_latency

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use webshare_api::Operation;
use webshare_api::operations::OperationId;

use crate::error::ApiError;

/// One queued failure.
#[derive(Debug, Clone, Copy)]
struct Fault {
    status: StatusCode,
    retry_after: Option<u64>,
}

/// Why [`MockServer::fail_next`](crate::MockServer::fail_next) refused a fault.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultError {
    /// Only 4xx and 5xx statuses are failures.
    NotAnErrorStatus(u16),
}

impl std::fmt::Display for FaultError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotAnErrorStatus(status) => {
                write!(
                    f,
                    "{status} is not an error status: a fault answers 4xx or 5xx"
                )
            }
        }
    }
}

impl std::error::Error for FaultError {}

/// The queued failures per operation, and the latency of every answer.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    queued: Mutex<HashMap<OperationId, VecDeque<Fault>>>,
    latency: Mutex<Duration>,
}

impl Faults {
    pub(crate) fn push(
        &self,
        operation: &Operation,
        status: u16,
        retry_after: Option<Duration>,
    ) -> Result<(), FaultError> {
        let status = StatusCode::from_u16(status)
            .ok()
            .filter(|s| s.is_client_error() || s.is_server_error())
            .ok_or(FaultError::NotAnErrorStatus(status))?;
        let fault = Fault {
            status,
            // Retry-After is whole seconds; a part of one rounds up so a client never comes back early.
            retry_after: retry_after.map(|d| d.as_secs() + u64::from(d.subsec_nanos() > 0)),
        };
        crate::lock_unpoisoned(&self.queued)
            .entry(operation.id)
            .or_default()
            .push_back(fault);
        Ok(())
    }

    pub(crate) fn set_latency(&self, latency: Duration) {
        *crate::lock_unpoisoned(&self.latency) = latency;
    }

    fn take(&self, operation: OperationId) -> Option<Fault> {
        crate::lock_unpoisoned(&self.queued)
            .get_mut(&operation)?
            .pop_front()
    }
}

/// What the middleware needs: the server's faults and the operation it guards.
#[derive(Clone)]
pub(crate) struct Gate {
    pub app: crate::Shared,
    pub operation: OperationId,
}

/// Waits the latency, then answers the operation's next queued fault, if any, before anything else
/// (rate limits, authentication, the handler): the request has no effect. Otherwise the answer drifts
/// from the spec if asked ([`crate::drift`]).
pub(crate) async fn inject(State(gate): State<Gate>, request: Request, next: Next) -> Response {
    let latency = *crate::lock_unpoisoned(&gate.app.faults.latency);
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match gate.app.faults.take(gate.operation) {
        Some(fault) => ApiError::Detail {
            status: fault.status,
            detail: format!("A fault injected by the mock server ({}).", fault.status),
            code: "mock_fault",
            retry_after: fault.retry_after,
        }
        .into_response(),
        None => {
            let response = next.run(request).await;
            crate::drift::rewrite(&gate.app, gate.operation, response).await
        }
    }
}
