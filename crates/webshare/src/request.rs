//! Sending one operation: the request itself, the attempt loop with its retry policy, the per-attempt
//! time limit, and the tracing span. Every operation goes through [`Client::call`].
//!
//! Bodies are the generated `webshare_api::types`, so their JSON is the spec's; the request is sent with
//! the shared `reqwest::Client` directly rather than through the generated client's builders, whose
//! per-request work (header maps built and copied for every call) cost about 5% of a loopback round
//! trip's instructions (see the README's benchmark).

use std::time::Instant;

use reqwest::header::{ACCEPT, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument;
use webshare_api::types;

use crate::error::{from_reqwest, from_status, parse_retry_after, withheld};
use crate::{Client, Error};

/// What the transport needs to know about an operation. The table in `operations.rs` is checked against
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
    /// Sends `operation` with `body` until it succeeds, fails for good, or the retry policy gives up.
    /// `T` is `()` for the operations that answer 204.
    pub(crate) async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        operation: &Operation,
        body: Option<&B>,
    ) -> Result<T, Error> {
        if operation.needs_token && self.authorization.is_none() {
            return Err(Error::Config {
                message: format!(
                    "`{}` needs an API token: build the client with an API key, or use `with_token`",
                    operation.id
                ),
            });
        }
        // Serialized once: every attempt sends the same bytes (`Bytes` clones share them).
        let body = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| Error::invalid_input("request", e.to_string()))?
            .map(bytes::Bytes::from);
        let url = format!("{}{}", self.shared.base_url, operation.path);
        let method = Method::from_bytes(operation.method.as_bytes()).unwrap_or(Method::POST);
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
            let started = Instant::now();
            let result = self
                .attempt::<T>(method.clone(), &url, body.clone())
                .instrument(span.clone())
                .await;
            if let Some(status) = result
                .as_ref()
                .map_or_else(Error::status, |(status, _)| Some(status.as_u16()))
            {
                span.record("status", status);
            }
            span.record("duration_ms", started.elapsed().as_secs_f64() * 1000.0);
            match result {
                Ok((_, value)) => {
                    tracing::debug!(parent: &span, "succeeded");
                    return Ok(value);
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

    /// One request and its whole response, within the time limit.
    async fn attempt<T: DeserializeOwned>(
        &self,
        method: Method,
        url: &str,
        body: Option<bytes::Bytes>,
    ) -> Result<(StatusCode, T), Error> {
        let timeout = self.shared.timeout;
        let exchange = async {
            let mut request = self
                .shared
                .http
                .request(method, url)
                .header(ACCEPT, HeaderValue::from_static("application/json"));
            if let Some(authorization) = &self.authorization {
                request = request.header(reqwest::header::AUTHORIZATION, authorization.clone());
            }
            if let Some(body) = body {
                request = request
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    )
                    .body(body);
            }
            let response = request
                .send()
                .await
                .map_err(|e| from_reqwest(&e, timeout))?;
            let status = response.status();
            let retry_after = parse_retry_after(response.headers().get(RETRY_AFTER));
            let bytes = response
                .bytes()
                .await
                .map_err(|e| from_reqwest(&e, timeout))?;
            decode(status, retry_after, &bytes).map(|value| (status, value))
        };
        if self.shared.own_timer {
            tokio::time::timeout(timeout, exchange)
                .await
                .unwrap_or(Err(Error::Timeout { after: timeout }))
        } else {
            // reqwest enforces `timeout` itself, body included, and reports it as a timeout error.
            exchange.await
        }
    }
}

/// A success body as `T` (an empty one, as of a 204, as `null`), anything else as an [`Error`].
fn decode<T: DeserializeOwned>(
    status: StatusCode,
    retry_after: Option<std::time::Duration>,
    bytes: &[u8],
) -> Result<T, Error> {
    if status.is_success() {
        let json: &[u8] = if bytes.is_empty() { b"null" } else { bytes };
        return serde_json::from_slice(json).map_err(|_| Error::Decode {
            status: Some(status.as_u16()),
            body_snippet: withheld(bytes),
        });
    }
    let body = serde_json::from_slice::<types::Error>(bytes).ok();
    Err(from_status(
        status,
        body,
        retry_after,
        Some(String::from_utf8_lossy(bytes).into_owned()),
    ))
}
