//! Sending one operation: the request built from the generated facts (`webshare_api::operations`), the
//! attempt loop with its retry policy, rate limit and per-attempt time limit, and the tracing span. Every
//! operation goes through [`Client::call`] or [`Client::open`].
//!
//! Method, path, query, token and sub-user header all come from the operation's [`Endpoint`]
//! implementation and its static [`Operation`]; this file holds no fact of any operation.

use std::time::Instant;

use futures_util::FutureExt;
use futures_util::future::Either;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, RETRY_AFTER};
use serde::de::DeserializeOwned;
use tracing::Instrument;
use webshare_api::operations::SUBUSER_HEADER;
use webshare_api::{Auth, Endpoint, Operation, Query, ResponseKind, Secret, types};

use crate::call::CallOptions;
use crate::error::{from_reqwest, from_status, parse_retry_after, request_id, withheld};
use crate::{Client, Error};

/// A request ready to send, as often as the retry policy allows.
struct Prepared {
    operation: &'static Operation,
    url: String,
    body: Option<bytes::Bytes>,
    authorization: Option<HeaderValue>,
    subuser: Option<HeaderValue>,
    /// This call's time limit per attempt.
    timeout: std::time::Duration,
    /// The key comes from the client's credentials provider, asked before each attempt.
    asks_provider: bool,
    /// What few calls have (boxed: inline, it would widen every call's future).
    extras: Option<Box<Extras>>,
}

/// The parts of a [`Prepared`] request that most calls do not have.
#[derive(Default)]
struct Extras {
    /// This call's retry policy, when not the client's.
    retry: Option<crate::RetryPolicy>,
    /// Extra headers of this call.
    headers: reqwest::header::HeaderMap,
    /// A multipart form, built again (files reopened) for each attempt.
    form: Option<crate::upload::Upload>,
}

impl Prepared {
    fn retry(&self) -> Option<&crate::RetryPolicy> {
        self.extras.as_ref()?.retry.as_ref()
    }

    fn headers(&self) -> Option<&reqwest::header::HeaderMap> {
        self.extras
            .as_ref()
            .map(|e| &e.headers)
            .filter(|h| !h.is_empty())
    }

    fn form(&self) -> Option<&crate::upload::Upload> {
        self.extras.as_ref()?.form.as_ref()
    }
}

impl Client {
    /// Sends any operation without a request body, from its generated parameters, with the client's
    /// retries, rate limits, time limits and redaction, and decodes its answer (JSON, or `()` for an empty
    /// one). An operation with a JSON body does not compile here: it takes [`Client::send_with`]. A
    /// streamed answer (a download, a PDF) has its own methods, and here is an [`Error::InvalidInput`].
    ///
    /// ```no_run
    /// # async fn run(client: &webshare::Client) -> Result<(), webshare::Error> {
    /// use webshare::operations::ListProxies;
    /// use webshare::types::ProxyMode;
    /// let page = client.send(&ListProxies::new(ProxyMode::Direct).page_size(25)).await?;
    /// println!("{} proxies", page.count);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// ```compile_fail
    /// # async fn run(client: &webshare::Client) -> Result<(), webshare::Error> {
    /// // `create_api_key` has a body: `send` does not take it.
    /// client.send(&webshare::operations::CreateApiKey).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send<E: Endpoint<Body = ()>>(&self, params: &E) -> Result<E::Response, Error> {
        self.send_checked(params, &()).await
    }

    /// As [`Client::send`], with the operation's JSON request body (its type is the operation's
    /// [`Endpoint::Body`]).
    pub async fn send_with<E: Endpoint>(
        &self,
        params: &E,
        body: &E::Body,
    ) -> Result<E::Response, Error> {
        if !E::OPERATION.has_body {
            return Err(Error::invalid_input(
                "body",
                format!("`{}` takes no request body: use send", E::OPERATION.name),
            ));
        }
        self.send_checked(params, body).await
    }

    async fn send_checked<E: Endpoint>(
        &self,
        params: &E,
        body: &E::Body,
    ) -> Result<E::Response, Error> {
        if !matches!(
            E::OPERATION.response,
            ResponseKind::Json | ResponseKind::Empty
        ) || !E::OPERATION.form.is_empty()
        {
            return Err(Error::invalid_input(
                "operation",
                format!(
                    "`{}` streams its answer or uploads a form: use its own method",
                    E::OPERATION.name
                ),
            ));
        }
        self.call(params, body).await
    }

    /// Sends an operation that answers JSON (or nothing: `E::Response` is `()` for a 204) and decodes its
    /// answer.
    pub(crate) async fn call<E: Endpoint>(
        &self,
        params: &E,
        body: &E::Body,
    ) -> Result<E::Response, Error> {
        let prepared = self.prepare(params, Some(body), &CallOptions::default())?;
        self.run_decoded(&prepared).await
    }

    /// Sends an operation that answers JSON (or nothing) with one call's options
    /// ([`Client::request`]); `body` must be there exactly when the operation has one.
    pub(crate) async fn call_with<E: Endpoint>(
        &self,
        params: &E,
        body: Option<&E::Body>,
        options: &CallOptions,
    ) -> Result<E::Response, Error> {
        let operation = E::OPERATION;
        if !matches!(operation.response, ResponseKind::Json | ResponseKind::Empty)
            || !operation.form.is_empty()
        {
            return Err(Error::invalid_input(
                "operation",
                format!(
                    "`{}` streams its answer or uploads a form: use its own method",
                    operation.name
                ),
            ));
        }
        if body.is_some() && !operation.has_body {
            return Err(Error::invalid_input(
                "body",
                format!("`{}` takes no request body", operation.name),
            ));
        }
        let prepared = self.prepare(params, body, options)?;
        self.run_decoded(&prepared).await
    }

    /// As [`Client::call`], with `upload` as a `multipart/form-data` body (already checked).
    pub(crate) async fn call_with_form<E: Endpoint>(
        &self,
        params: &E,
        upload: &crate::upload::Upload,
    ) -> Result<E::Response, Error> {
        let mut prepared = self.prepare(params, None, &CallOptions::default())?;
        prepared.extras.get_or_insert_default().form = Some(upload.clone());
        self.run_decoded(&prepared).await
    }

    /// Sends `prepared` as the retry policy allows and decodes the JSON answer (or nothing, for a 204).
    async fn run_decoded<T: DeserializeOwned>(&self, prepared: &Prepared) -> Result<T, Error> {
        let operation = prepared.operation;
        // A combinator, not an `async` block: a block awaiting the read would keep it twice in its state.
        self.run(prepared, |response| {
            let status = response.status();
            self.read_capped(response)
                .map(move |body| body.and_then(|bytes| decode(operation, status, &bytes)))
        })
        .await
    }

    /// Sends an operation whose answer is streamed (text, CSV, bytes) and returns the response once its
    /// status says success; the body is left unread.
    pub(crate) async fn open<E: Endpoint>(&self, params: &E) -> Result<reqwest::Response, Error> {
        let prepared = self.prepare(params, None, &CallOptions::default())?;
        self.run(&prepared, |response| async move { Ok(response) })
            .await
    }

    /// The full URL of a call: base URL, path with its parameters, query (with the client's plan).
    pub(crate) fn url_of<E: Endpoint>(&self, params: &E) -> String {
        self.url_for_plan(params, self.scope.plan_id)
    }

    /// As [`Client::url_of`], with `plan_id` filling an absent optional `plan_id`.
    fn url_for_plan<E: Endpoint>(&self, params: &E, plan_id: Option<i64>) -> String {
        let mut url =
            String::with_capacity(self.shared.base_url.len() + E::OPERATION.path.len() + 16);
        url.push_str(&self.shared.base_url);
        params.write_path(&mut url);
        if !E::OPERATION.query_params.is_empty() {
            let mut query = Query::new();
            params.write_query(&mut query, plan_id);
            if !query.as_str().is_empty() {
                url.push('?');
                url.push_str(query.as_str());
            }
        }
        url
    }

    /// An operation's answer as a byte stream (a download), once its status says success.
    pub(crate) async fn open_bytes<E: Endpoint>(
        &self,
        params: &E,
    ) -> Result<
        impl futures_core::Stream<Item = Result<bytes::Bytes, Error>> + Send + 'static + use<E>,
        Error,
    > {
        use futures_util::TryStreamExt;
        let idle = self.shared.idle_timeout;
        let response = self.open(params).await?;
        Ok(idle_bounded(
            response
                .bytes_stream()
                .map_err(move |e| from_reqwest(e, idle)),
            idle,
        ))
    }

    /// The URL, body and headers of one call.
    /// `body` is `None` only for the streamed and form operations, which have no JSON body.
    fn prepare<E: Endpoint>(
        &self,
        params: &E,
        body: Option<&E::Body>,
        options: &CallOptions,
    ) -> Result<Prepared, Error> {
        let operation = E::OPERATION;
        if let Some(refusal) = &self.shared.secrets_refusal
            && (operation.carries_secrets
                || (operation.auth != Auth::None && self.authorization.is_some()))
        {
            return Err(Error::Config {
                message: format!("`{}` sends or returns secrets: {refusal}", operation.name),
            });
        }
        let asks_provider = self.credentials.is_some() && operation.auth != Auth::None;
        let authorization = match operation.auth {
            Auth::None => None,
            _ if asks_provider => None,
            Auth::Optional => self.authorization.clone(),
            Auth::Required => Some(self.authorization.clone().ok_or_else(|| Error::Config {
                message: format!(
                    "`{}` needs an API token: build the client with an API key, or use `with_token`",
                    operation.name
                ),
            })?),
        };
        let url = self.url_for_plan(params, options.plan_id.or(self.scope.plan_id));
        // Only a path with parameters can hold a dot-segment value: most have none, and are not scanned.
        let dot_segment = if operation.path.contains('{') {
            webshare_api::endpoint::dot_segment_parameter(
                operation.path,
                &url[self.shared.base_url.len()..],
            )
        } else {
            None
        };
        if let Some(field) = dot_segment {
            return Err(Error::InvalidInput {
                field,
                message:
                    "`.` and `..` cannot be sent as a path segment: HTTP clients resolve them \
                          (even escaped), which would send the request to another path"
                        .into(),
            });
        }
        let subuser = if operation.subuser {
            params
                .subuser()
                .or(options.subuser)
                .or(self.scope.subuser)
                .map(|id| {
                    HeaderValue::from_str(&id.to_string())
                        .expect("an integer is a valid header value")
                })
        } else {
            None
        };
        // Serialized once: every attempt sends the same bytes (`Bytes` clones share them).
        // The body's type is the operation's (`()` for none, sent as nothing); never a made-up `{}`.
        let body = match (operation.has_body, body) {
            (true, Some(body)) => Some(bytes::Bytes::from(
                serde_json::to_vec(body)
                    .map_err(|e| Error::invalid_input("request", e.to_string()))?,
            )),
            (true, None) => {
                return Err(Error::invalid_input(
                    "body",
                    format!("`{}` needs its request body", operation.name),
                ));
            }
            (false, _) => None,
        };
        Ok(Prepared {
            operation,
            url,
            body,
            authorization,
            subuser,
            timeout: options.timeout.unwrap_or(self.shared.timeout),
            asks_provider,
            extras: (options.retry.is_some() || !options.headers.is_empty()).then(|| {
                Box::new(Extras {
                    retry: options.retry.clone(),
                    headers: options.headers.clone(),
                    form: None,
                })
            }),
        })
    }

    /// The attempt loop: waits for the rate limiter, sends, and retries as the policy says. `read` turns a
    /// successful response into the result, within the attempt's time limit.
    async fn run<T, F, Fut>(&self, prepared: &Prepared, read: F) -> Result<T, Error>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: std::future::Future<Output = Result<T, Error>>,
    {
        let operation = prepared.operation;
        let mut attempt = 1;
        // A key the server refused (401), for the provider's one refresh.
        let mut refused: Option<Secret> = None;
        let mut refreshed = false;
        loop {
            if !self.shared.limits.is_empty() {
                self.shared.limits.wait(operation.rate_limit).await;
            }
            // One block up to the wait: the answer, the error and the span end before it, so the call's
            // future does not keep them across the wait.
            let delay = {
                let provided = match (&self.credentials, prepared.asks_provider) {
                    (Some(provider), true) => {
                        let key = match refused.take() {
                            Some(old) => provider.refresh(&old).await?,
                            None => provider.key().await?,
                        };
                        Some((crate::auth::authorization_header(&key)?, key))
                    }
                    _ => None,
                };
                // Named as OpenTelemetry's HTTP client spans are (semantic conventions), so collectors read
                // them as they are; no body, header value or secret is ever recorded.
                let span = tracing::info_span!(
                    "webshare.request",
                    "webshare.operation" = operation.name,
                    "http.request.method" = operation.method.as_str(),
                    "url.template" = operation.path,
                    "server.address" = self.shared.server_address.as_str(),
                    "http.request.resend_count" = tracing::field::Empty,
                    "http.response.status_code" = tracing::field::Empty,
                    "error.type" = tracing::field::Empty,
                    "webshare.request_id" = tracing::field::Empty,
                    duration_ms = tracing::field::Empty,
                );
                // Without a subscriber that wants the span (or hooks), its fields are not worked out: each
                // `record` looks its field up by name, and the clock is read twice, for nothing.
                let traced = !span.is_disabled();
                if traced && attempt > 1 {
                    span.record("http.request.resend_count", attempt - 1);
                }
                let started = (traced || self.shared.hooks.is_some()).then(Instant::now);
                let authorization = provided
                    .as_ref()
                    .map(|(header, _)| header)
                    .or(prepared.authorization.as_ref());
                let result = self
                    .attempt(prepared, authorization, &read, &span)
                    .instrument(span.clone())
                    .await;
                if traced {
                    if let Some(status) = result
                        .as_ref()
                        .map_or_else(Error::status, |(status, _)| Some(status.as_u16()))
                    {
                        span.record("http.response.status_code", status);
                    }
                    if let Err(error) = &result {
                        span.record("error.type", error.kind());
                    }
                }
                if let Some(started) = started {
                    let elapsed = started.elapsed();
                    if traced {
                        span.record("duration_ms", elapsed.as_secs_f64() * 1000.0);
                    }
                    if let Some(hooks) = &self.shared.hooks {
                        let outcome = result.as_ref().map(|(status, _)| status.as_u16());
                        hooks.after_attempt(operation, outcome, elapsed);
                    }
                }
                let error = match result {
                    Ok((_, value)) => {
                        tracing::debug!(parent: &span, "succeeded");
                        return Ok(value);
                    }
                    Err(Error::Unauthorized { .. }) if !refreshed && provided.is_some() => {
                        // The provider's key was refused: ask it once for a fresh one, and send again.
                        tracing::debug!(parent: &span, "key refused; asking the credentials provider again");
                        refreshed = true;
                        refused = provided.map(|(_, key)| key);
                        attempt += 1;
                        continue;
                    }
                    Err(error) => error,
                };
                // A checkout is sent once, whatever the policy: a second one could charge twice.
                let delay = if operation.charges {
                    None
                } else {
                    prepared.retry().unwrap_or(&self.shared.retry).delay_after(
                        attempt,
                        operation.retry_safe,
                        &error,
                    )
                };
                let Some(delay) = delay else {
                    tracing::debug!(parent: &span, error = %error, "failed");
                    return Err(error);
                };
                tracing::warn!(parent: &span, error = %error, delay_ms = delay.as_millis() as u64, "retrying");
                delay
            };
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// One request and its response, within the time limit; `span` is the attempt's.
    async fn attempt<T, F, Fut>(
        &self,
        prepared: &Prepared,
        authorization: Option<&HeaderValue>,
        read: &F,
        span: &tracing::Span,
    ) -> Result<(StatusCode, T), Error>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: std::future::Future<Output = Result<T, Error>>,
    {
        let timeout = prepared.timeout;
        let streamed = !matches!(
            prepared.operation.response,
            ResponseKind::Json | ResponseKind::Empty
        );
        let accept = match prepared.operation.response {
            ResponseKind::Json | ResponseKind::Empty => JSON,
            ResponseKind::Text => TEXT,
            ResponseKind::Csv => CSV,
            ResponseKind::Binary => ANY,
        };
        let own = self.shared.own_client;
        let exchange = async {
            let mut request = self
                .shared
                .http
                .request(prepared.operation.method.clone(), &prepared.url);
            // The crate's own client asks for JSON already.
            if !(own && accept == JSON) {
                request = request.header(ACCEPT, accept);
            }
            // reqwest's timer, whoever built the client: the whole exchange, body included. The crate's
            // own client has it already, unless this call asks for another; a stream lifts it (its body
            // is bounded between chunks instead), and on a caller's client leaves the caller's own.
            let limit = match (streamed, own) {
                (true, true) => Some(UNBOUNDED),
                (true, false) => None,
                (false, true) if timeout == self.shared.timeout => None,
                (false, _) => Some(timeout),
            };
            if let Some(limit) = limit {
                request = request.timeout(limit);
            }
            if let Some(authorization) = authorization {
                request = request.header(AUTHORIZATION, authorization.clone());
            }
            if let Some(subuser) = &prepared.subuser {
                request = request.header(subuser_header(), subuser.clone());
            }
            if let Some(headers) = prepared.headers() {
                request = request.headers(headers.clone());
            }
            if let Some(body) = &prepared.body {
                request = request.header(CONTENT_TYPE, JSON).body(body.clone());
            }
            if let Some(form) = prepared.form() {
                // Boxed: a form is rare, and its future would otherwise widen every call's.
                request = request.multipart(Box::pin(form.to_form()).await?);
            }
            let response = match &self.shared.hooks {
                None => request.send().await,
                Some(hooks) => {
                    let mut built = request.build().map_err(|e| from_reqwest(e, timeout))?;
                    hooks.before_send(prepared.operation, &mut built);
                    self.shared.http.execute(built).await
                }
            }
            .map_err(|e| from_reqwest(e, timeout))?;
            // Judged by a plain function, and the read awaited after the `match`: a response borrowed
            // here, or a read awaited inside the `match`, would be kept in this future's state.
            let reading = match screen(&prepared.url, response, span) {
                Screened::Success(status, response) => {
                    Either::Left(read(response).map(move |read| read.map(|value| (status, value))))
                }
                Screened::Refused(refused) => Either::Right(self.refused(refused).map(Err)),
                Screened::Redirect(redirect) => return Err(redirect),
            };
            reading.await
        };
        if !streamed {
            return exchange.await;
        }
        // A streamed answer: the timer ends at the status and headers; the body is bounded between chunks
        // instead ([`idle_bounded`]), so a large download on a slow link is never cut off. Boxed: a
        // stream is rare, and its timer would otherwise widen every call's future.
        Box::pin(tokio::time::timeout(timeout, exchange))
            .await
            .unwrap_or(Err(Error::Timeout {
                after: timeout,
                source: None,
            }))
    }

    /// The error of a refused request, its body read (bounded) for the API's message.
    fn refused(&self, refused: Refused) -> impl std::future::Future<Output = Error> + Send + '_ {
        let Refused {
            status,
            response,
            request_id,
            retry_after,
        } = refused;
        self.read_capped(response).map(move |read| match read {
            Ok(bytes) => {
                let body = serde_json::from_slice::<types::Error>(&bytes).ok();
                from_status(
                    status,
                    body,
                    retry_after,
                    Some(String::from_utf8_lossy(&bytes).into_owned()),
                    request_id,
                )
            }
            Err(error) => error,
        })
    }
}

/// A response as its status and headers judge it, before its body is read.
enum Screened {
    Success(StatusCode, reqwest::Response),
    Refused(Refused),
    Redirect(Error),
}

/// A response whose status is not a success, with what its error keeps.
struct Refused {
    status: StatusCode,
    response: reqwest::Response,
    request_id: Option<String>,
    retry_after: Option<std::time::Duration>,
}

/// Judges `response` to the request for `url`, recording its request id in `span` when someone listens.
fn screen(url: &str, response: reqwest::Response, span: &tracing::Span) -> Screened {
    let status = response.status();
    if let Some(redirect) = redirected(url, &response) {
        return Screened::Redirect(redirect);
    }
    // A success only records the request id, in a span someone listens to; an error keeps it.
    let traced = !span.is_disabled();
    let request_id = if traced || !status.is_success() {
        request_id(response.headers())
    } else {
        None
    };
    if traced && let Some(id) = request_id {
        span.record("webshare.request_id", id);
    }
    if status.is_success() {
        return Screened::Success(status, response);
    }
    let request_id = request_id.map(str::to_owned);
    let retry_after = parse_retry_after(response.headers().get(RETRY_AFTER));
    Screened::Refused(Refused {
        status,
        response,
        request_id,
        retry_after,
    })
}

impl Client {
    /// The whole body, refused once it passes `max_response_bytes` (announced or as it arrives).
    ///
    /// A future written out rather than an `async fn`, and the error made only when it happens: an
    /// `async fn` keeps its moved-in response twice in its state, and every call's future (boxed by
    /// the caller's task) carries that size.
    #[allow(clippy::manual_async_fn)] // On purpose: see above.
    pub(crate) fn read_capped(
        &self,
        mut response: reqwest::Response,
    ) -> impl std::future::Future<Output = Result<bytes::Bytes, Error>> + Send + '_ {
        async move {
            let limit = self.shared.max_response_bytes;
            let too_large = || Error::ResponseTooLarge { limit };
            if response.content_length().is_some_and(|n| n > limit as u64) {
                return Err(too_large());
            }
            let mut body = crate::gathered::Gathered::default();
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|e| from_reqwest(e, self.shared.timeout))?
            {
                match body.len().checked_add(chunk.len()) {
                    Some(n) if n <= limit => body.push(chunk),
                    _ => return Err(too_large()),
                }
            }
            Ok(body.finish())
        }
    }

    /// At most the first `limit` bytes of the body (a download's first lines); the rest is not read.
    #[cfg(feature = "check-api")]
    pub(crate) async fn read_prefix(
        &self,
        mut response: reqwest::Response,
        limit: usize,
    ) -> Result<bytes::Bytes, Error> {
        let mut body = crate::gathered::Gathered::default();
        let idle = self.shared.idle_timeout;
        while body.len() < limit
            && let Some(chunk) = tokio::time::timeout(idle, response.chunk())
                .await
                .map_err(|_| Error::Timeout {
                    after: idle,
                    source: None,
                })?
                .map_err(|e| from_reqwest(e, idle))?
        {
            let room = limit - body.len();
            body.push(chunk.slice(..chunk.len().min(room)));
        }
        Ok(body.finish())
    }
}

/// `body`, failing with [`Error::Timeout`] when no chunk comes for `idle` (and ending there): a server
/// that stops sending cannot hang a download, and a slow one that keeps sending is never cut off.
fn idle_bounded<S>(
    body: S,
    idle: std::time::Duration,
) -> impl futures_core::Stream<Item = Result<bytes::Bytes, Error>> + Send + 'static
where
    S: futures_core::Stream<Item = Result<bytes::Bytes, Error>> + Send + 'static,
{
    use futures_util::StreamExt;
    futures_util::stream::unfold(Some(Box::pin(body)), move |state| async move {
        let mut body = state?;
        match tokio::time::timeout(idle, body.next()).await {
            Ok(Some(chunk)) => Some((chunk, Some(body))),
            Ok(None) => None,
            Err(_) => Some((
                Err(Error::Timeout {
                    after: idle,
                    source: None,
                }),
                None,
            )),
        }
    })
}

/// A redirect answer (the crate's client follows none), or a response from another URL than the one
/// asked (a caller-supplied client followed one): [`Error::Redirect`], naming the target's host only.
fn redirected(asked: &str, response: &reqwest::Response) -> Option<Error> {
    let status = response.status();
    if status.is_redirection() {
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .and_then(|l| reqwest::Url::parse(asked).ok()?.join(l).ok())
            .and_then(|url| url.host_str().map(str::to_owned));
        return Some(Error::Redirect {
            status: status.as_u16(),
            location,
        });
    }
    let answered = response.url();
    // The string comparison settles it without parsing on every request: our URLs are already normal.
    let same = answered.as_str() == asked
        || reqwest::Url::parse(asked).is_ok_and(|asked| {
            asked.host_str() == answered.host_str() && asked.path() == answered.path()
        });
    (!same).then(|| Error::Redirect {
        status: status.as_u16(),
        location: answered.host_str().map(str::to_owned),
    })
}

/// The body length from which JSON is checked as UTF-8 as a whole before it is read ([`decode`]).
const CHECKED_WHOLE: usize = 1024;

/// A time limit that never ends (a century), lifting the crate's own client's limit for a stream.
const UNBOUNDED: std::time::Duration = std::time::Duration::from_secs(100 * 365 * 24 * 60 * 60);

// Header values checked at compile time (`from_static` in a `const`), not on every request.
const JSON: HeaderValue = HeaderValue::from_static("application/json");
const TEXT: HeaderValue = HeaderValue::from_static("text/plain");
const CSV: HeaderValue = HeaderValue::from_static("text/csv");
const ANY: HeaderValue = HeaderValue::from_static("*/*");

/// The generated sub-user header's name, parsed once.
fn subuser_header() -> HeaderName {
    static NAME: std::sync::LazyLock<HeaderName> = std::sync::LazyLock::new(|| {
        HeaderName::from_bytes(SUBUSER_HEADER.as_bytes()).expect("the spec's header name is valid")
    });
    NAME.clone()
}

/// A success body as `T`: JSON decoded; for an operation documented as 204, whatever came is ignored (a
/// server that answers 200 with `{}` has still succeeded).
pub(crate) fn decode<T: DeserializeOwned>(
    operation: &Operation,
    status: StatusCode,
    bytes: &[u8],
) -> Result<T, Error> {
    let json: &[u8] = if operation.response == ResponseKind::Empty || bytes.is_empty() {
        b"null"
    } else {
        bytes
    };
    // A large body is checked as UTF-8 once, then read as text: reading bytes checks every string
    // again, which costs more than the whole check. A small one (a token, a status) is read as bytes:
    // there the whole check costs more than its few strings'. Either way the value is the same (bytes
    // that are not UTF-8 are read as bytes, where an unknown field's string is skipped unchecked).
    let text = (json.len() >= CHECKED_WHOLE)
        .then(|| std::str::from_utf8(json).ok())
        .flatten();
    let decoded = match text {
        Some(text) => serde_json::from_str(text),
        None => serde_json::from_slice(json),
    };
    decoded.map_err(|_| {
        // Decoded again, tracking the path, only now that it failed.
        // An empty body is no JSON at all (`Decode`), not a `null` that differs from the spec.
        match crate::difference::find::<T>(bytes) {
            Some(difference) => Error::SpecMismatch {
                operation: operation.name,
                status: status.as_u16(),
                difference,
            },
            None => Error::Decode {
                status: Some(status.as_u16()),
                body_snippet: withheld(bytes),
            },
        }
    })
}

#[cfg(test)]
mod idle_tests {
    use std::time::Duration;

    use futures_util::{StreamExt, stream};

    use super::idle_bounded;
    use crate::Error;

    fn chunk(text: &'static str) -> Result<bytes::Bytes, Error> {
        Ok(bytes::Bytes::from_static(text.as_bytes()))
    }

    /// A body that stops sending fails after the idle time, and ends there.
    #[tokio::test(start_paused = true)]
    async fn a_stalled_body_fails_after_the_idle_time() {
        let body = stream::iter([chunk("a")]).chain(stream::pending());
        let mut bounded = std::pin::pin!(idle_bounded(body, Duration::from_secs(30)));
        let started = tokio::time::Instant::now();
        assert_eq!(bounded.next().await.unwrap().unwrap(), "a");
        let stalled = bounded.next().await.unwrap().unwrap_err();
        assert!(
            matches!(stalled, Error::Timeout { after, .. } if after == Duration::from_secs(30))
        );
        assert_eq!(started.elapsed(), Duration::from_secs(30));
        assert!(bounded.next().await.is_none());
    }

    /// A body that keeps coming is never cut off, however long it takes in all.
    #[tokio::test(start_paused = true)]
    async fn a_slow_body_that_keeps_coming_is_read_whole() {
        let body = stream::iter(0..10).then(|_| async {
            tokio::time::sleep(Duration::from_secs(20)).await;
            chunk("x")
        });
        let started = tokio::time::Instant::now();
        let read: Vec<_> = idle_bounded(body, Duration::from_secs(30)).collect().await;
        assert_eq!(read.len(), 10);
        assert!(read.iter().all(Result::is_ok));
        // 200 s in all: far past the 60 s attempt timeout, which ends at the headers.
        assert_eq!(started.elapsed(), Duration::from_secs(200));
    }
}
