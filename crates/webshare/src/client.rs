//! [`Client`] and [`ClientBuilder`]: configuration, and the one connection pool clients share.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::HeaderValue;
use webshare_api::Secret;

use crate::rate_limit::Limiters;
use crate::{Error, RateLimits, RetryPolicy, Token, auth};

/// The production API (the spec's server; operation paths such as `/v2/proxy/list/` are below it).
pub const DEFAULT_BASE_URL: &str = webshare_api::operations::SERVER_URL;
/// The environment variable [`Client::from_env`] reads, as Webshare's own SDKs do.
pub const API_KEY_ENV: &str = "WEBSHARE_API_KEY";

/// The environment variable [`Client::from_env`] reads the base URL from, when set (e.g. a mock server's
/// `http://127.0.0.1:8080/api`); unset or empty means [`DEFAULT_BASE_URL`].
pub const BASE_URL_ENV: &str = "WEBSHARE_BASE_URL";
/// Time limit of one attempt, connection included (as in Webshare's own SDK).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The default [`ClientBuilder::idle_timeout`]: a streamed answer may pause this long between bytes.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Time limit for opening a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest JSON body (success or error) read before giving up with
/// [`Error::ResponseTooLarge`]: far above any answer of the API, far below what would hurt a service.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 2 * 1024 * 1024;

/// A Webshare API client. Cheap to clone; clones, and clients made with [`Client::with_token`], share
/// one connection pool.
#[derive(Clone)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
    pub(crate) authorization: Option<HeaderValue>,
    /// Asked for the key on every attempt, instead of a fixed `authorization`.
    pub(crate) credentials: Option<Arc<dyn crate::CredentialsProvider>>,
    pub(crate) scope: Scope,
}

/// What a client acts on by default: a plan, a sub-user. A call's own parameters take precedence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Scope {
    /// `plan_id` for the operations that take an optional one.
    pub plan_id: Option<i64>,
    /// `X-Subuser` for the operations that allow it.
    pub subuser: Option<i64>,
}

pub(crate) struct Shared {
    pub http: reqwest::Client,
    pub base_url: String,
    /// The base URL's host, for the spans' `server.address`.
    pub server_address: String,
    pub timeout: Duration,
    /// The client is the crate's own: it puts `timeout` on every exchange and asks for JSON
    /// (`Accept`) by default, so a call that wants those need not set them itself.
    pub own_client: bool,
    /// The longest a streamed body may go without a chunk.
    pub idle_timeout: Duration,
    pub retry: RetryPolicy,
    pub limits: Limiters,
    pub rate_limits: RateLimits,
    /// Why secrets may not be sent to the base URL through this client, if they may not.
    pub secrets_refusal: Option<String>,
    /// The largest JSON body read.
    pub max_response_bytes: usize,
    /// Called on every attempt, when set.
    pub hooks: Option<Arc<dyn crate::Hooks>>,
}

impl Client {
    /// A client for the production API, authenticated with an API key or token.
    pub fn new(api_key: impl Into<Secret>) -> Result<Self, Error> {
        Self::builder().api_key(api_key).build()
    }

    /// A client authenticated with the key in `WEBSHARE_API_KEY`, for the API at `WEBSHARE_BASE_URL`
    /// when that is set (else [`DEFAULT_BASE_URL`]). Proxies come from the environment too: see
    /// [`ClientBuilder::proxy`].
    pub fn from_env() -> Result<Self, Error> {
        Self::builder_from_env()?.build()
    }

    /// [`Client::from_env`]'s settings as a builder, to change some before building.
    pub fn builder_from_env() -> Result<ClientBuilder, Error> {
        let key = match std::env::var(API_KEY_ENV) {
            Ok(key) if !key.trim().is_empty() => key,
            _ => {
                return Err(Error::Config {
                    message: format!("{API_KEY_ENV} is not set; set it to a Webshare API key"),
                });
            }
        };
        let mut builder = Self::builder().api_key(key);
        match std::env::var(BASE_URL_ENV) {
            Ok(url) if !url.trim().is_empty() => builder = builder.base_url(url.trim()),
            Ok(_) | Err(std::env::VarError::NotPresent) => {}
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Error::Config {
                    message: format!("{BASE_URL_ENV} is not valid UTF-8"),
                });
            }
        }
        Ok(builder)
    }

    /// A client for the production API that sends no token: for register, login and password reset.
    pub fn unauthenticated() -> Result<Self, Error> {
        Self::builder().build()
    }

    /// Configure a client: base URL, timeouts, retries, user agent, your own `reqwest::Client`.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The same client (pool, base URL, settings), authenticated with `token`.
    pub fn with_token(&self, token: &Token) -> Result<Self, Error> {
        let authorization = auth::authorization_header(&token.into())?;
        if let Some(refusal) = &self.shared.secrets_refusal {
            return Err(Error::Config {
                message: refusal.clone(),
            });
        }
        Ok(Self {
            shared: self.shared.clone(),
            authorization: Some(authorization),
            credentials: None,
            scope: self.scope,
        })
    }

    /// The same client without a token.
    pub fn without_token(&self) -> Self {
        Self {
            shared: self.shared.clone(),
            authorization: None,
            credentials: None,
            scope: self.scope,
        }
    }

    /// The same client (pool, token, rate limits), acting on plan `plan_id` by default: every operation
    /// that takes an optional `plan_id` sends this one unless the call sets its own.
    pub fn for_plan(&self, plan_id: i64) -> Self {
        let mut client = self.clone();
        client.scope.plan_id = Some(plan_id);
        client
    }

    /// The same client acting as sub-user `id` (the `X-Subuser` header) on every operation that allows
    /// it, unless the call sets its own.
    pub fn as_subuser(&self, id: i64) -> Self {
        let mut client = self.clone();
        client.scope.subuser = Some(id);
        client
    }

    /// The same client acting as the account itself again (no default sub-user).
    pub fn as_account(&self) -> Self {
        let mut client = self.clone();
        client.scope.subuser = None;
        client
    }

    /// The default plan, if set.
    pub fn plan_id(&self) -> Option<i64> {
        self.scope.plan_id
    }

    /// The default sub-user, if set.
    pub fn subuser(&self) -> Option<i64> {
        self.scope.subuser
    }

    /// The client-side rate limits in force.
    pub fn rate_limits(&self) -> &RateLimits {
        &self.shared.rate_limits
    }

    /// Whether requests carry a token.
    pub fn is_authenticated(&self) -> bool {
        self.authorization.is_some() || self.credentials.is_some()
    }

    /// The API's base URL, e.g. `https://proxy.webshare.io/api`.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base_url)
            .field("authenticated", &self.is_authenticated())
            .field("timeout", &self.shared.timeout)
            .field("retry", &self.shared.retry)
            .field("rate_limits", &self.shared.rate_limits)
            .field("plan_id", &self.scope.plan_id)
            .field("subuser", &self.scope.subuser)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]. Every setting has a default; [`ClientBuilder::build`] checks them.
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    api_key: Option<Secret>,
    credentials: Option<Arc<dyn crate::CredentialsProvider>>,
    timeout: Duration,
    idle_timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    user_agent: String,
    http: Option<reqwest::Client>,
    rate_limits: Option<RateLimits>,
    scope: Scope,
    allow_plain_http_secrets: bool,
    max_response_bytes: usize,
    /// A URL that may hold a proxy's password, so a secret.
    proxy: Option<Secret>,
    hooks: Option<Arc<dyn crate::Hooks>>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_key: None,
            credentials: None,
            timeout: DEFAULT_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            user_agent: format!("webshare-rs/{}", env!("CARGO_PKG_VERSION")),
            http: None,
            rate_limits: None,
            scope: Scope::default(),
            allow_plain_http_secrets: false,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            proxy: None,
            hooks: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "a provider"),
            )
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("custom_http_client", &self.http.is_some())
            .field("rate_limits", &self.rate_limits)
            .field("plan_id", &self.scope.plan_id)
            .field("subuser", &self.scope.subuser)
            .field("allow_plain_http_secrets", &self.allow_plain_http_secrets)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("proxy", &self.proxy.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

impl ClientBuilder {
    /// The API's base URL (default [`DEFAULT_BASE_URL`]); a mock server's is `http://127.0.0.1:PORT/api`.
    /// Plain `http` is allowed with a token only to loopback addresses.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Authenticate with an API key or token (`Authorization: Token <key>`).
    pub fn api_key(mut self, key: impl Into<Secret>) -> Self {
        self.api_key = Some(key.into());
        self.credentials = None;
        self
    }

    /// Send no token (the default).
    pub fn unauthenticated(mut self) -> Self {
        self.api_key = None;
        self.credentials = None;
        self
    }

    /// Call `hooks` on every attempt of every call: before it is sent (to change its headers) and after
    /// its answer or error (metrics). See [`Hooks`](crate::Hooks).
    pub fn hooks(mut self, hooks: impl crate::Hooks) -> Self {
        self.hooks = Some(Arc::new(hooks));
        self
    }

    /// Ask `provider` for the key on every attempt, instead of a fixed one: a service rotates keys
    /// without rebuilding its client. After a 401 the provider is asked once for a fresh key
    /// ([`CredentialsProvider::refresh`](crate::CredentialsProvider::refresh)) and the call is sent again.
    /// Replaces an [`ClientBuilder::api_key`].
    pub fn credentials(mut self, provider: impl crate::CredentialsProvider) -> Self {
        self.api_key = None;
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// Time limit of one attempt, from sending to the whole response read (default 60 s); for a
    /// streamed answer (a download, a CSV, a PDF), to its status and headers. Retries get their own.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest a streamed answer (a download, a CSV, a PDF) may go without a byte before it fails with
    /// [`Error::Timeout`] (default 30 s), whoever built the `reqwest::Client`. There is no limit on the
    /// whole body: a large list on a slow link takes as long as it takes, as long as it keeps coming (wrap
    /// the stream in `tokio::time::timeout` for a deadline).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Time limit for opening a connection (default 10 s). Not applied to a client given with
    /// [`ClientBuilder::http_client`], which keeps its own.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// When to retry (default [`RetryPolicy::default`]; [`RetryPolicy::none`] disables retries).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `User-Agent` (default `webshare-rs/<version>`). Not applied to a client given with
    /// [`ClientBuilder::http_client`].
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Use your own `reqwest::Client` (proxies, TLS roots, pool settings). Its connect timeout, user agent
    /// and redirect policy apply (build it with `redirect(Policy::none())`: a redirect it follows is still
    /// reported as [`Error::Redirect`], but only after the request went there); this crate adds the token,
    /// the per-attempt timeout and retries. Over plain http it may not carry secrets (it may use a proxy)
    /// unless [`ClientBuilder::danger_allow_plain_http_secrets`].
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Client-side rate limits (default: [`RateLimits::documented`], or [`RateLimits::off`] when the base
    /// URL is a loopback address, so that test suites against a mock server run at full speed).
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.rate_limits = Some(limits);
        self
    }

    /// Act on this plan by default (see [`Client::for_plan`]).
    pub fn plan_id(mut self, plan_id: i64) -> Self {
        self.scope.plan_id = Some(plan_id);
        self
    }

    /// Act as this sub-user by default (see [`Client::as_subuser`]).
    pub fn subuser(mut self, id: i64) -> Self {
        self.scope.subuser = Some(id);
        self
    }

    /// **Only for trusted test networks**: allow tokens, passwords, recaptcha values, emailed codes and
    /// download tokens over plain `http` to any host (e.g. a docker-compose service name such as
    /// `http://webshare-mock:8080/api`), and through a caller-supplied client. Without it, secrets travel
    /// only over https, or over plain http to a loopback address with the crate's own client (which sends
    /// loopback traffic past any `HTTP_PROXY`/`ALL_PROXY`). Anyone on the network path can read and replay
    /// what this allows.
    pub fn danger_allow_plain_http_secrets(mut self, allow: bool) -> Self {
        self.allow_plain_http_secrets = allow;
        self
    }

    /// The largest JSON body (success or error) the client reads before failing with
    /// [`Error::ResponseTooLarge`] (default [`DEFAULT_MAX_RESPONSE_BYTES`], 2 MiB). Downloads are streamed
    /// and not limited by this (their lines are, by [`MAX_LINE_BYTES`](crate::MAX_LINE_BYTES)).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit.max(1);
        self
    }

    /// Sends every request through this proxy: `http://`, `https://`, or with the `socks` feature
    /// `socks5://` (names resolved locally) and `socks5h://` (by the proxy); `user:password@` in the URL
    /// authenticates to it, and is never printed. It is used for every host, a loopback base URL too.
    ///
    /// Without it, the client honours the environment as curl does: `HTTPS_PROXY` for https URLs,
    /// `HTTP_PROXY` for http ones, `ALL_PROXY` for both (each also lower-case), and `NO_PROXY`'s hosts,
    /// domains and CIDR ranges go direct; except that a loopback base URL never goes through a proxy
    /// from the environment (a local token must not leave the machine). A custom
    /// [`http_client`](Self::http_client) ignores this setting: configure its proxy there.
    pub fn proxy(mut self, url: impl Into<Secret>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Checks the settings and makes the client.
    pub fn build(self) -> Result<Client, Error> {
        let url = Url::parse(&self.base_url).map_err(|e| Error::Config {
            message: format!("invalid base URL `{}`: {e}", self.base_url),
        })?;
        if url.cannot_be_a_base() || url.host_str().is_none_or(str::is_empty) {
            return Err(Error::Config {
                message: format!("invalid base URL `{}`: it needs a host", self.base_url),
            });
        }
        if !url.username().is_empty() || url.password().is_some() {
            // Credentials in the URL would print with it and add a second `Authorization`.
            return Err(Error::Config {
                message:
                    "the base URL must not hold a user name or password; pass the API key with \
                          `api_key`"
                        .into(),
            });
        }
        auth::check_scheme(&url)?;
        if self.idle_timeout.is_zero() {
            return Err(Error::Config {
                message: "the idle timeout must be longer than zero".into(),
            });
        }
        if self.timeout.is_zero() {
            return Err(Error::Config {
                message: "the timeout must be longer than zero".into(),
            });
        }
        let authorization = self
            .api_key
            .as_ref()
            .map(auth::authorization_header)
            .transpose()?;
        let custom_client = self.http.is_some();
        let secrets_refusal =
            auth::secrets_refusal(&url, custom_client, self.allow_plain_http_secrets);
        if let Some(refusal) = secrets_refusal
            .as_ref()
            .filter(|_| authorization.is_some() || self.credentials.is_some())
        {
            return Err(Error::Config {
                message: refusal.clone(),
            });
        }
        let own_client = self.http.is_none();
        let http = match self.http {
            Some(http) => http,
            None => {
                // No redirect is followed: one to another host would carry the body (a password) there.
                // `HTTPS_PROXY` (and `HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY`) are honoured, except for a
                // loopback base URL, whose traffic must not leave the machine through a proxy.
                let mut builder = tls_backend(reqwest::Client::builder())?
                    .redirect(reqwest::redirect::Policy::none())
                    .user_agent(&self.user_agent)
                    .connect_timeout(self.connect_timeout)
                    // Set once here rather than on each request (a timer set per request costs a map,
                    // a header a conversion); a streamed answer lifts the limit and asks for its own
                    // type (see `request.rs`).
                    .timeout(self.timeout)
                    .default_headers(reqwest::header::HeaderMap::from_iter([(
                        reqwest::header::ACCEPT,
                        reqwest::header::HeaderValue::from_static("application/json"),
                    )]));
                if auth::is_loopback(&url) {
                    builder = builder.no_proxy();
                }
                // A proxy set here is the caller's explicit choice: used for every host, loopback too.
                if let Some(proxy) = &self.proxy {
                    if let Some(message) =
                        auth::proxy_refusal(&url, proxy.expose(), self.allow_plain_http_secrets)
                    {
                        return Err(Error::Config { message });
                    }
                    builder = builder.proxy(proxy_for(proxy, cfg!(feature = "socks"))?);
                }
                builder.build().map_err(|e| Error::Config {
                    message: format!("cannot build the HTTP client: {e}"),
                })?
            }
        };
        let rate_limits = self.rate_limits.unwrap_or_else(|| {
            if auth::is_loopback(&url) {
                RateLimits::off()
            } else {
                RateLimits::documented()
            }
        });
        Ok(Client {
            shared: Arc::new(Shared {
                http,
                base_url: self.base_url.trim_end_matches('/').to_owned(),
                server_address: reqwest::Url::parse(&self.base_url)
                    .ok()
                    .and_then(|url| url.host_str().map(str::to_owned))
                    .unwrap_or_default(),
                timeout: self.timeout,
                own_client,
                idle_timeout: self.idle_timeout,
                retry: self.retry,
                limits: Limiters::new(&rate_limits),
                rate_limits,
                secrets_refusal,
                max_response_bytes: self.max_response_bytes,
                hooks: self.hooks,
            }),
            authorization,
            credentials: self.credentials,
            scope: self.scope,
        })
    }
}

/// The explicit proxy, with errors that never show its URL (it may hold a password). `socks`: whether
/// this build can speak SOCKS (the `socks` feature; a parameter so both answers are tested in one build).
fn proxy_for(url: &Secret, socks: bool) -> Result<reqwest::Proxy, Error> {
    let scheme = url.expose().split_once("://").map(|(scheme, _)| scheme);
    if matches!(scheme, Some("socks4" | "socks4a" | "socks5" | "socks5h")) && !socks {
        return Err(Error::Config {
            message: "SOCKS proxies need the webshare crate's `socks` feature".into(),
        });
    }
    reqwest::Proxy::all(url.expose()).map_err(|_| Error::Config {
        message: "invalid proxy URL (not shown: it may hold a password); expected \
                  http://, https:// or socks5://host:port"
            .into(),
    })
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
compile_error!(
    "the webshare crate needs a TLS backend: enable its `rustls` (default) or `native-tls` feature"
);

/// The TLS backend the features choose: rustls when enabled (the default), else the platform's.
#[cfg(feature = "rustls")]
pub(crate) fn tls_backend(
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder.tls_backend_preconfigured(tls_config()?))
}

/// The TLS backend the features choose: rustls when enabled (the default), else the platform's.
#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
pub(crate) fn tls_backend(
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder.tls_backend_native())
}

/// rustls with the `ring` provider and the platform's certificate verifier, for the crate's clients only
/// (no process-wide default is installed, so a service's own choice of provider is left alone). `ring`
/// rather than reqwest's default aws-lc: the same TLS, without aws-lc's C build (35 s of a 59 s clean
/// build). Set up once per process and cloned (its parts are shared): setting it up reads the platform's
/// root certificates, which costs far more than a request, and a pool builds a client per proxy.
#[cfg(feature = "rustls")]
fn tls_config() -> Result<rustls::ClientConfig, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;
    static CONFIG: std::sync::OnceLock<Result<rustls::ClientConfig, String>> =
        std::sync::OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .and_then(|builder| builder.with_platform_verifier())
                .map(|builder| builder.with_no_client_auth())
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|e| Error::Config {
            message: format!("cannot set up TLS: {e}"),
        })
}

#[cfg(all(test, feature = "rustls"))]
mod tests {
    use super::*;

    /// Without the `socks` feature a SOCKS proxy is refused with the feature's name, and the URL (which
    /// may hold a password) is never shown; with it the same URL is taken.
    #[test]
    fn a_socks_proxy_needs_the_socks_feature() {
        let url = Secret::from("socks5://user:hunter2@127.0.0.1:1080");
        match proxy_for(&url, false) {
            Err(Error::Config { message }) => {
                assert!(message.contains("`socks` feature"), "{message}");
                assert!(!message.contains("hunter2"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(proxy_for(&Secret::from("http://127.0.0.1:3128"), false).is_ok());
        if cfg!(feature = "socks") {
            assert!(proxy_for(&url, true).is_ok());
        }
    }

    #[test]
    fn tls_uses_ring_with_the_platform_verifier() {
        let config = super::tls_config().unwrap();
        assert!(!config.crypto_provider().cipher_suites.is_empty());
        // The ring provider's suites, not another provider's: rustls names them the same, so compare the
        // provider's key-exchange groups with ring's.
        let ring = rustls::crypto::ring::default_provider();
        assert_eq!(
            format!("{:?}", config.crypto_provider().kx_groups),
            format!("{:?}", ring.kx_groups)
        );
    }
}
