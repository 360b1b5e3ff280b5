//! One call with options of its own: a time limit, a retry policy, extra headers, a sub-user or a plan,
//! without a new client. [`Client::request`] starts one; awaiting it (or [`Request::send`]) sends it
//! through the same path as every call, and dropping the future cancels it.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use webshare_api::Endpoint;

use crate::{Client, Error, RetryPolicy};

/// How one call differs from its client's settings; empty by default.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallOptions {
    pub timeout: Option<Duration>,
    pub retry: Option<RetryPolicy>,
    pub headers: HeaderMap,
    pub subuser: Option<i64>,
    pub plan_id: Option<i64>,
}

/// Headers a call may not set: the client owns them (credentials, the sub-user, the body's type).
const OWN_HEADERS: [&str; 4] = ["authorization", "x-subuser", "content-type", "accept"];

/// One call being described: the operation's parameters, its body, and options of its own. From
/// [`Client::request`]; `.await` sends it.
///
/// ```no_run
/// # async fn run(client: &webshare::Client) -> Result<(), webshare::Error> {
/// use std::time::Duration;
/// use webshare::operations::ListProxies;
/// use webshare::types::ProxyMode;
/// let params = ListProxies::new(ProxyMode::Direct);
/// let page = client
///     .request(&params)
///     .timeout(Duration::from_secs(5))
///     .retry_policy(webshare::RetryPolicy::none())
///     .header("x-trace-id", "abc123")?
///     .subuser(42)
///     .await?;
/// println!("{} proxies", page.count);
/// # Ok(())
/// # }
/// ```
#[must_use = "a request does nothing until it is awaited"]
pub struct Request<'a, E: Endpoint> {
    client: &'a Client,
    params: &'a E,
    body: Option<&'a E::Body>,
    options: CallOptions,
}

impl Client {
    /// One call of any operation with options of its own (a time limit, a retry policy, extra headers, a
    /// sub-user, a plan), without cloning the client. An operation with a JSON body takes it with
    /// [`Request::body`].
    pub fn request<'a, E: Endpoint>(&'a self, params: &'a E) -> Request<'a, E> {
        Request {
            client: self,
            params,
            body: None,
            options: CallOptions::default(),
        }
    }
}

impl<'a, E: Endpoint> Request<'a, E> {
    /// The operation's JSON body.
    pub fn body(mut self, body: &'a E::Body) -> Self {
        self.body = Some(body);
        self
    }

    /// This call's time limit per attempt, instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// This call's retry policy, instead of the client's. A charging operation is still sent once.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = Some(policy);
        self
    }

    /// An extra header on every attempt of this call (a trace id, a cache hint). Never logged. The headers
    /// the client owns (`Authorization`, `X-Subuser`, `Content-Type`, `Accept`) and an invalid name or
    /// value are an [`Error::InvalidInput`].
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, Error> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::invalid_input("header", "not a valid header name"))?;
        if OWN_HEADERS.contains(&name.as_str()) {
            return Err(Error::invalid_input(
                "header",
                format!("`{name}` is set by the client (credentials, sub-user, body)"),
            ));
        }
        let mut value = HeaderValue::from_str(value)
            .map_err(|_| Error::invalid_input("header", "not a valid header value"))?;
        value.set_sensitive(true);
        self.options.headers.append(name, value);
        Ok(self)
    }

    /// Act as this sub-user for this call (`X-Subuser`), where the operation allows it and its
    /// parameters name none.
    pub fn subuser(mut self, id: i64) -> Self {
        self.options.subuser = Some(id);
        self
    }

    /// Act on this plan for this call, where the operation's `plan_id` is optional and its parameters
    /// name none.
    pub fn plan(mut self, id: i64) -> Self {
        self.options.plan_id = Some(id);
        self
    }

    /// Sends the call, as `.await` does.
    pub async fn send(self) -> Result<E::Response, Error> {
        self.client
            .call_with(self.params, self.body, &self.options)
            .await
    }
}

impl<'a, E: Endpoint> IntoFuture for Request<'a, E> {
    type Output = Result<E::Response, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
