//! Sending one operation: the attempt loop with its retry policy, the per-attempt time limit, and the
//! tracing span. Every operation goes through [`Client::call`].

use std::future::Future;
use std::time::Instant;

use tracing::Instrument;
use webshare_api::{RequestContext, ResponseValue, types};

use crate::{Client, Error, error};

/// What the transport needs to know about an operation. The table in `operations()` is checked against
/// `openapi/webshare.yaml` by a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Operation {
    /// The spec's `operationId`.
    pub id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    /// Safe to repeat after an unknown outcome, so retried by default.
    pub idempotent: bool,
    /// Needs `Authorization`.
    pub needs_token: bool,
}

impl Client {
    /// Runs `send` (one attempt against a generated client) until it succeeds, fails for good, or the
    /// retry policy gives up.
    pub(crate) async fn call<T, Fut>(
        &self,
        operation: &Operation,
        send: impl Fn(webshare_api::Client) -> Fut,
    ) -> Result<T, Error>
    where
        Fut: Future<Output = Result<ResponseValue<T>, webshare_api::Error<types::Error>>>,
    {
        if operation.needs_token && self.authorization.is_none() {
            return Err(Error::Config {
                message: format!(
                    "`{}` needs an API token: build the client with an API key, or use `with_token`",
                    operation.id
                ),
            });
        }
        let timeout = self.shared.timeout;
        let mut attempt = 1;
        loop {
            let span = tracing::info_span!(
                "webshare.request",
                operation = operation.id,
                method = operation.method,
                path = operation.path,
                attempt,
                status = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            );
            // One context per attempt, so that its record of the response is this attempt's.
            let context = RequestContext::new(self.authorization.clone());
            let api = webshare_api::Client::new_with_client(
                &self.shared.base_url,
                self.shared.http.clone(),
                context.clone(),
            );
            let started = Instant::now();
            let outcome = tokio::time::timeout(timeout, send(api))
                .instrument(span.clone())
                .await;
            let result = match outcome {
                Err(_elapsed) => Err(Error::Timeout { after: timeout }),
                Ok(Ok(response)) => Ok(response),
                Ok(Err(e)) => Err(error::from_api(e, context.received(), timeout).await),
            };
            let status = match &result {
                Ok(response) => Some(response.status().as_u16()),
                Err(e) => e.status(),
            };
            if let Some(status) = status {
                span.record("status", status);
            }
            span.record("duration_ms", started.elapsed().as_secs_f64() * 1000.0);
            match result {
                Ok(response) => {
                    tracing::debug!(parent: &span, "succeeded");
                    return Ok(response.into_inner());
                }
                Err(error) => {
                    match self
                        .shared
                        .retry
                        .delay_after(attempt, operation.idempotent, &error)
                    {
                        Some(delay) => {
                            tracing::warn!(parent: &span, error = %error, delay_ms = delay.as_millis() as u64, "retrying");
                            tokio::time::sleep(delay).await;
                            attempt += 1;
                        }
                        None => {
                            tracing::debug!(parent: &span, error = %error, "failed");
                            return Err(error);
                        }
                    }
                }
            }
        }
    }
}
