//! An in-memory, stateful mock of the Webshare API over real HTTP.
//!
//! It implements the operations of `openapi/webshare.yaml` with the behaviour of the real service
//! (validation, tokens, activation, password reset, throttling) so that clients can walk whole account
//! flows in tests, on loopback, with no account and no network.
//!
//! ```no_run
//! # async fn demo() {
//! let server = webshare_mock_server::MockServer::start().await;
//! // Point any client at the base URL: http://127.0.0.1:PORT/api
//! println!("{}", server.base_url());
//! // Emails the service "sent" (activation and reset codes) are in the outbox.
//! assert!(server.outbox().is_empty());
//! # }
//! ```
//!
//! The binary (`webshare-mock-server --port 8080`) serves the same, and exposes the outbox at
//! [`OUTBOX_PATH`], a test-only route outside `/api` that is not part of the Webshare API, to callers
//! that send the server's control secret in [`CONTROL_SECRET_HEADER`] (printed at start; in-process,
//! [`MockServer::control_secret`]), from loopback only (unless [`Config::outbox_from_any_address`]).
//!
//! # Limits
//!
//! Whatever its clients send, the server's memory and connections stay bounded (see [`Config`]):
//!
//! - it keeps at most [`Config::max_users`] accounts, [`Config::max_tokens`] tokens and
//!   [`Config::max_codes`] one-time codes of each kind: a full store refuses more with a 503
//!   `mock_capacity`, and never removes a record to make room; the outbox, a log, keeps the newest
//!   [`Config::max_outbox`] emails;
//! - each account has at most so many of what it can grow (tokens, codes, plans, sub-users, IP
//!   authorizations, pending payments, replacements, API keys, appeals; the `max_*` fields of
//!   [`Config`]): beyond is a 400 `mock_limit_reached`;
//! - a connection that has not sent a whole request head within [`Config::header_read_timeout`] (also
//!   between the requests of a keep-alive connection) is closed; one whose request body has not arrived
//!   within [`Config::request_timeout`] gets a 408 and is closed;
//! - at most [`Config::max_connections`] connections are served at once; further ones wait, unaccepted,
//!   in the listen backlog until a served one closes.
//! - with [`Config::real_proxies`], at most [`Config::max_real_proxies`] proxies listen, they serve at
//!   most [`Config::max_proxy_connections`] connections at once (tunnels included), and close those idle
//!   for [`Config::proxy_idle_timeout`].
//!
//! This crate's version follows semver for its Rust API, independently of the OpenAPI document's
//! `info.version` it serves (`webshare_api::operations::SPEC_VERSION`). The binary needs the `cli` feature.

#![deny(missing_docs)]

mod account_state;
mod auth;
mod capped;
mod clock;
mod commerce;
pub mod drift;
mod error;
mod faults;
mod listen;
mod mock_proxy;
mod params;
mod plan;
mod proxy_state;
mod random;
mod rate_limit;
mod real_proxy;
mod referral_state;
mod replacement;
mod request_id;
mod routes;
mod serve;
mod state;
mod terms;
pub mod totp;
mod validate;
mod verification_state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use drift::Drift;
pub use error::FieldErrorStyle;
pub use faults::FaultError;
pub use real_proxy::{BlockPage, ProxyControlError};
pub use serve::{CONTROL_SECRET_ENV, ServeOptions, serve};
pub use state::{Email, EmailKind};
pub use verification_state::VerificationRequest;
use webshare_api::operations::RateLimitClass;

/// The test-only route (outside `/api`, not in the spec) that lists the outbox as JSON; `?to=<email>`
/// filters by recipient. It answers requests that carry the server's control secret in
/// [`CONTROL_SECRET_HEADER`], from loopback callers only unless [`Config::outbox_from_any_address`]: to
/// any other it is a 404, as an unknown path is.
pub const OUTBOX_PATH: &str = "/_mock/outbox";

/// The header that carries the control secret ([`MockServer::control_secret`]) to the test-only
/// routes under `/_mock/`. Behind a reverse proxy every caller is loopback: the secret is what a remote
/// caller cannot have.
pub const CONTROL_SECRET_HEADER: &str = "x-mock-secret";

/// How the mock behaves where the real service has settings or secrets of its own.
///
/// Built from [`Config::default`] with one setter per field (`Config::default().proxies_per_plan(20)`);
/// `#[non_exhaustive]`, so a field added later is not a breaking change.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The recaptcha value that passes. `None` (the default) accepts any non-empty value; set it to test
    /// a rejected captcha.
    pub recaptcha: Option<String>,
    /// How long after an activation email another one may be requested (default 60 s).
    pub resend_throttle: Duration,
    /// The form of field errors in 400 answers.
    pub field_error_style: FieldErrorStyle,
    /// The largest request body accepted (default 64 KiB); larger is a 413.
    pub max_body_bytes: usize,
    /// The largest upload (a `multipart/form-data` body: verification evidence and answers) accepted
    /// (default 10 MiB, a mock decision: the documentation states no limit); larger is a 413.
    pub max_upload_bytes: usize,
    /// The redirect URIs social sign-in accepts (default: [`DEFAULT_SOCIAL_REDIRECT_URI`]).
    pub social_redirect_uris: Vec<String>,
    /// How many proxies a new account's plan has (default 100; a sub-user gets a tenth).
    pub proxies_per_plan: usize,
    /// How many activity records a new account's plan starts with, one every 10 minutes back from its
    /// creation (default 60; a sub-user gets a tenth).
    pub activity_per_plan: usize,
    /// The most accounts kept (default 1,000; at least 1). Each account holds its generated plan, about
    /// 57 KB with the default plan sizes (measured), so the default bounds accounts to about 60 MB. With
    /// that many, registering another (or a social sign-up) is a 503 `mock_capacity`: no account is ever
    /// removed to make room.
    pub max_users: usize,
    /// The most API tokens kept, all accounts together (default 100,000; at least 1). With that many, a
    /// sign-in is a 503 `mock_capacity` until tokens are revoked (logout, password change).
    pub max_tokens: usize,
    /// The most tokens one account holds at once (default 100; at least 1): another sign-in is a 400
    /// `mock_limit_reached` until one is revoked (logout). API keys are counted apart
    /// ([`Config::max_api_keys`]). With the defaults, [`Config::max_users`] times this is
    /// [`Config::max_tokens`]: no account can fill the store for the others.
    pub max_tokens_per_account: usize,
    /// The most one-time codes kept of each kind: activation, password reset, email change and social
    /// authorization codes (default 10,000 each; at least 1). With that many, sending another is a 503
    /// `mock_capacity`; a code is freed when used.
    pub max_codes: usize,
    /// The most live one-time codes of each kind one account holds (default 10; at least 1): sending
    /// another is a 400 `mock_limit_reached` until one is used.
    pub max_codes_per_account: usize,
    /// The most emails the outbox keeps (default 1,000; at least 1): the newest. The outbox is a log:
    /// older emails are dropped (their codes stay valid, within [`Config::max_codes`]).
    pub max_outbox: usize,
    /// The most plans an account keeps (default 100; at least 1): each upgrade adds one; beyond, an
    /// upgrade is a 400 `mock_limit_reached`.
    pub max_plans: usize,
    /// The most sub-users an account has (default 100; at least 1), whatever its plan's
    /// `subusers_total`; an upgrade asking for a larger `subusers_total` is a 400 on that field.
    pub max_subusers: usize,
    /// The most IP authorizations of an account, and of each sub-user (default 100; at least 1).
    pub max_ip_authorizations: usize,
    /// The most pending payments of an account (default 100; at least 1): each purchase, renewal or
    /// payment-method call waiting for its confirmation adds one.
    pub max_pending_payments: usize,
    /// The most proxy replacements (dry runs included) kept per proxy list (default 100; at least 1). Each
    /// keeps its request, up to [`Config::max_body_bytes`]: with the defaults, at most 100 × 64 KiB of requests
    /// per account.
    pub max_replacements: usize,
    /// The most API keys of an account (default 100; at least 1; a mock decision: the documentation names
    /// no limit).
    pub max_api_keys: usize,
    /// The most verification appeals of an account (default 100; at least 1).
    pub max_appeals: usize,
    /// The most proxies a plan upgrade may ask for (default 10,000; at least 1): more is a 400 on the
    /// count's field, checked before any proxy is made.
    pub max_plan_proxies: usize,
    /// How long a connection may take to send a whole request head (default 10 s); also how long a
    /// keep-alive connection may stay idle between requests. The connection is then closed. Should be
    /// more than zero: zero closes every connection before its first request.
    pub header_read_timeout: Duration,
    /// How long a request may take from the end of its head to its answer (default 30 s): a body that
    /// arrives more slowly than that gets a 408 `request_timeout`, and the connection is closed.
    pub request_timeout: Duration,
    /// The most connections served at once (default 1,024; at least 1). Further connections are not
    /// accepted until a served one closes: they wait in the operating system's listen backlog (where
    /// the client may time out), and are never answered with an error.
    pub max_connections: usize,
    /// Whether [`OUTBOX_PATH`] answers callers from any address (default `false`: only loopback
    /// callers; any other gets the 404 of an unknown route, as if the route did not exist). The outbox
    /// holds live one-time codes (password reset, email change), so exposing it lets whoever can reach
    /// the server take over its accounts.
    pub outbox_from_any_address: bool,
    /// How long each state of a proxy replacement lasts (default 1 s): `validating`, then `processing` for
    /// a real one; the list changes when it completes. On the server's clock: see
    /// [`Config::manual_clock`] to step it from a test.
    pub replacement_step: Duration,
    /// Requests a minute per rate-limit class, enforced per caller (the account its token authenticates;
    /// without a valid token, its address: a made-up token gets no budget of its own) with a 429 and
    /// `Retry-After` beyond them. Empty (the default) enforces none, so test suites
    /// run at full speed; [`Config::with_documented_rate_limits`] sets the documented ones.
    pub rate_limits: Vec<(RateLimitClass, u32)>,
    /// Answers drift from the spec in this way (default `None`: they follow it); see [`Drift`] and
    /// [`MockServer::set_drift`].
    pub drift: Option<Drift>,
    /// The control secret the test-only routes (under `/_mock/`) demand in [`CONTROL_SECRET_HEADER`]
    /// (default `None`: a random one per server, [`MockServer::control_secret`]). Set it to share a
    /// fixed one with a test suite that did not start the server (e.g. under docker-compose).
    pub control_secret: Option<webshare_api::Secret>,
    /// Whether the server's clock is a manual one (default `false`: the system's). A manual clock starts
    /// at the server's start and moves only by [`MockServer::advance`]: replacement states, throttles,
    /// rate limits and every date the server writes then follow the test's steps exactly.
    pub manual_clock: bool,
    /// Whether each proxy the list and the download serve is a real forward proxy on loopback
    /// (default `false`: addresses nobody can connect to): HTTP (CONNECT and absolute-form) and SOCKS5
    /// on `127.0.0.1` and a port of its own, with the list's credentials or an authorized address, to
    /// loopback targets only. [`MockServer::block_proxy`] and its siblings are the test controls.
    pub real_proxies: bool,
    /// The most connections all real proxies serve at once, tunnels included (default 256; at least
    /// 1): beyond, a connection is closed as soon as it is accepted.
    pub max_proxy_connections: usize,
    /// How long a real proxy's connection may take to send a request head or stay idle between
    /// requests, and a tunnel may carry no byte either way, before it is closed (default 60 s).
    pub proxy_idle_timeout: Duration,
    /// The most real proxies listening at once (default 4,096; at least 1): a list that would need
    /// more is a 503 `mock_capacity`. Each is one socket and one parked task.
    pub max_real_proxies: usize,
}

/// A consuming setter per field, documented by the field's own docs.
macro_rules! setters {
    ($($field:ident: $ty:ty),* $(,)?) => {
        impl Config {
            $(
                #[doc = concat!("This config with [`Config::", stringify!($field), "`] set.")]
                #[must_use]
                pub fn $field(mut self, $field: $ty) -> Self {
                    self.$field = $field;
                    self
                }
            )*
        }
    };
}

setters! {
    resend_throttle: Duration,
    field_error_style: FieldErrorStyle,
    max_body_bytes: usize,
    max_upload_bytes: usize,
    social_redirect_uris: Vec<String>,
    proxies_per_plan: usize,
    activity_per_plan: usize,
    max_users: usize,
    max_tokens: usize,
    max_tokens_per_account: usize,
    max_codes: usize,
    max_codes_per_account: usize,
    max_outbox: usize,
    max_plans: usize,
    max_subusers: usize,
    max_ip_authorizations: usize,
    max_pending_payments: usize,
    max_replacements: usize,
    max_api_keys: usize,
    max_appeals: usize,
    max_plan_proxies: usize,
    header_read_timeout: Duration,
    request_timeout: Duration,
    max_connections: usize,
    outbox_from_any_address: bool,
    replacement_step: Duration,
    rate_limits: Vec<(RateLimitClass, u32)>,
    drift: Option<Drift>,
    manual_clock: bool,
    real_proxies: bool,
    max_proxy_connections: usize,
    proxy_idle_timeout: Duration,
    max_real_proxies: usize,
}

impl Config {
    /// This config with the only recaptcha value that passes (see [`Config::recaptcha`]).
    #[must_use]
    pub fn recaptcha(mut self, only: impl Into<String>) -> Self {
        self.recaptcha = Some(only.into());
        self
    }

    /// This config with a fixed control secret (see [`Config::control_secret`]).
    #[must_use]
    pub fn control_secret(mut self, secret: impl Into<String>) -> Self {
        self.control_secret = Some(webshare_api::Secret::new(secret));
        self
    }

    /// This config with the documented limit of every class (`x-webshare-rate-limits` in the spec).
    pub fn with_documented_rate_limits(mut self) -> Self {
        self.rate_limits = RateLimitClass::ALL
            .iter()
            .map(|&class| (class, class.per_minute()))
            .collect();
        self
    }
}

/// The redirect URI the mock authorizes for social sign-in unless configured otherwise.
pub const DEFAULT_SOCIAL_REDIRECT_URI: &str =
    "https://dashboard.webshare.io/social/google/callback";

impl Default for Config {
    fn default() -> Self {
        Self {
            recaptcha: None,
            resend_throttle: Duration::from_secs(60),
            field_error_style: FieldErrorStyle::default(),
            max_body_bytes: 64 * 1024,
            max_upload_bytes: 10 * 1024 * 1024,
            social_redirect_uris: vec![DEFAULT_SOCIAL_REDIRECT_URI.to_owned()],
            proxies_per_plan: 100,
            activity_per_plan: 60,
            max_users: 1_000,
            max_tokens: 100_000,
            max_tokens_per_account: 100,
            max_codes: 10_000,
            max_codes_per_account: 10,
            max_outbox: 1_000,
            max_plans: 100,
            max_subusers: 100,
            max_ip_authorizations: 100,
            max_pending_payments: 100,
            max_replacements: 100,
            max_api_keys: 100,
            max_appeals: 100,
            max_plan_proxies: 10_000,
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 1_024,
            outbox_from_any_address: false,
            replacement_step: Duration::from_secs(1),
            rate_limits: Vec::new(),
            drift: None,
            control_secret: None,
            manual_clock: false,
            real_proxies: false,
            max_proxy_connections: 256,
            proxy_idle_timeout: Duration::from_secs(60),
            max_real_proxies: 4_096,
        }
    }
}

pub(crate) struct AppState {
    config: Config,
    data: Mutex<state::Data>,
    /// `None` unless [`Config::rate_limits`] limits something.
    limits: Option<rate_limit::Limits>,
    faults: faults::Faults,
    drift: drift::DriftState,
    /// What every handler reads the time from (see [`clock`]).
    clock: Arc<clock::Clock>,
    /// What the `/_mock/` routes demand in [`CONTROL_SECRET_HEADER`].
    control_secret: webshare_api::Secret,
    /// The real proxies ([`Config::real_proxies`]).
    real_proxies: real_proxy::Registry,
}

pub(crate) type Shared = Arc<AppState>;

/// Locks `mutex`, poisoned or not: a panic while holding one of the server's locks cannot leave its maps
/// half-updated in a way later requests would trip over, so a poisoned lock is still usable.
pub(crate) fn lock_unpoisoned<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// An account made by [`MockServer::seed_account`].
#[derive(Clone)]
#[non_exhaustive]
pub struct SeededAccount {
    /// Its API token (`Authorization: Token ...`).
    pub token: String,
    /// The id of its plan.
    pub plan_id: i64,
}

impl std::fmt::Debug for SeededAccount {
    /// The token is withheld, as every secret is.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeededAccount")
            .field("token", &"[redacted]")
            .field("plan_id", &self.plan_id)
            .finish()
    }
}

/// A running mock server. Dropping it stops it.
pub struct MockServer {
    addr: SocketAddr,
    base_url: String,
    app: Shared,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl MockServer {
    /// Starts a server with the default [`Config`] on a free loopback port.
    ///
    /// # Panics
    /// If no loopback port can be bound (use [`MockServer::bind`] to handle that), or outside a Tokio
    /// runtime.
    pub async fn start() -> Self {
        Self::start_with(Config::default()).await
    }

    /// Starts a server with `config` on a free loopback port.
    ///
    /// # Panics
    /// As [`MockServer::start`].
    pub async fn start_with(config: Config) -> Self {
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        match Self::bind(addr, config).await {
            Ok(server) => server,
            Err(e) => panic!("cannot bind a loopback port for the mock server: {e}"),
        }
    }

    /// Starts a server with `config` on `addr` (port 0 picks a free one).
    pub async fn bind(addr: SocketAddr, config: Config) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let data = state::Data::new(
            state::Sizes {
                proxies_per_plan: config.proxies_per_plan.max(1),
                activity_per_plan: config.activity_per_plan,
            },
            state::Limits::of(&config),
        );
        let connections = listen::Connections {
            header_read_timeout: config.header_read_timeout,
            request_timeout: config.request_timeout,
            max: config.max_connections,
        };
        let clock = Arc::new(clock::Clock::new(config.manual_clock));
        let limits = config.rate_limits.iter().any(|(_, n)| *n > 0).then(|| {
            rate_limit::Limits::new(&config.rate_limits, clock::LimiterClock(clock.clone()))
        });
        let drift = drift::DriftState::new(config.drift);
        let control_secret = config
            .control_secret
            .clone()
            .filter(|s| !s.expose().is_empty())
            .unwrap_or_else(|| webshare_api::Secret::new(random::random_token()));
        let real_proxies = real_proxy::Registry::new(&config);
        let app = Arc::new(AppState {
            real_proxies,
            config,
            data: Mutex::new(data),
            limits,
            drift,
            faults: faults::Faults::default(),
            clock,
            control_secret,
        });
        let router = routes::router(app.clone());
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(listen::serve(listener, router, connections, stop));
        Ok(Self {
            addr,
            base_url: format!("http://{addr}{}", routes::server_path()),
            app,
            shutdown: Some(shutdown),
            task,
        })
    }

    /// The API's base URL, `http://127.0.0.1:PORT/api`: the mock's equivalent of
    /// `https://proxy.webshare.io/api`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The secret the test-only routes under `/_mock/` (the outbox) demand in [`CONTROL_SECRET_HEADER`]:
    /// [`Config::control_secret`], or one made for this server. In-process, [`MockServer::outbox`] needs
    /// none.
    pub fn control_secret(&self) -> &str {
        self.app.control_secret.expose()
    }

    /// The URL of the test-only outbox route (send [`MockServer::control_secret`] with it).
    pub fn outbox_url(&self) -> String {
        format!("http://{}{OUTBOX_PATH}", self.addr)
    }

    /// The emails sent so far, oldest first: the newest [`Config::max_outbox`].
    pub fn outbox(&self) -> Vec<Email> {
        self.lock().outbox.iter().cloned().collect()
    }

    /// The newest email of `kind` sent to `to`.
    pub fn last_email(&self, to: &str, kind: EmailKind) -> Option<Email> {
        self.outbox()
            .into_iter()
            .rev()
            .find(|email| email.kind == kind && email.to.eq_ignore_ascii_case(to))
    }

    /// An authorization code, as `provider` (e.g. `google`) would issue it after its user `email` signed
    /// in, for the social operations. Single-use.
    ///
    /// # Panics
    /// If the server holds [`Config::max_codes`] unredeemed social codes (a test minted that many).
    pub fn mint_social_code(&self, provider: &str, email: &str) -> String {
        let code = random::random_token();
        let identity = state::SocialIdentity {
            provider: provider.to_owned(),
            email: email.to_owned(),
        };
        let stored = self.lock().social_codes.insert(code.clone(), identity);
        assert!(
            stored.is_ok(),
            "the mock server holds its most social codes (Config::max_codes): redeem some first"
        );
        code
    }

    /// Turns two-factor authentication by email code on for the account of `email` (as
    /// `POST twofactorauth/method/` with `email_code` does), or off (every method removed): new login
    /// tokens then wait for the emailed code. Returns whether such an account exists.
    pub fn require_two_factor(&self, email: &str, required: bool) -> bool {
        let mut data = self.lock();
        let Some(user) = data.user_by_email(email) else {
            return false;
        };
        let Ok(account) = data.account_mut(user) else {
            return false;
        };
        account.two_factor.clear();
        !required
            || data
                .add_two_factor_method(
                    user,
                    webshare_api::types::TwoFactorMethodType::EmailCode,
                    self.app.clock.now(),
                )
                .is_ok()
    }

    /// Adds a notification to the account of `email`, as the service would (e.g. `question_is_added`,
    /// not dismissable); returns its id.
    pub fn notify(
        &self,
        email: &str,
        kind: &str,
        context: serde_json::Map<String, serde_json::Value>,
        is_dismissable: bool,
    ) -> Option<i64> {
        let mut data = self.lock();
        let user = data.user_by_email(email)?;
        data.notify(user, kind, context, is_dismissable, self.app.clock.now())
    }

    /// Asks the account of `email` for an ID verification (state `requested`), as reaching a payout
    /// threshold would. Returns whether such an account exists.
    pub fn request_id_verification(&self, email: &str) -> bool {
        self.with_id_verification(email, |v| {
            if v.state == account_state::IdState::NotRequired {
                v.state = account_state::IdState::Requested;
                v.updated_at = self.app.clock.now();
            }
            true
        })
    }

    /// Stands for the user going through Stripe's ID verification flow in a browser with the pending
    /// verification of the account of `email`: `passes` says whether the document is accepted. Returns
    /// whether there was a pending verification.
    pub fn finish_id_verification(&self, email: &str, passes: bool) -> bool {
        self.with_id_verification(email, |v| {
            let pending = v.state == account_state::IdState::Pending;
            if pending {
                v.stripe_outcome = Some(passes);
            }
            pending
        })
    }

    /// Stands for Stripe confirming (or declining) pending payment `id` of the account of `email` in the
    /// browser: a confirmed purchase becomes the active plan (a new proxy list), a renewal extends the
    /// subscription, a card setup saves a card; each payment is recorded as a transaction. Returns whether
    /// there was such a pending payment waiting.
    pub fn confirm_payment(&self, email: &str, id: i64, succeeds: bool) -> bool {
        let mut data = self.lock();
        let Some(user) = data.user_by_email(email) else {
            return false;
        };
        routes::settle_payment(&mut data, user, id, succeeds, self.app.clock.now())
    }

    /// Opens an account verification for the account of `email` (and suspends it if `request.suspends`);
    /// returns the flow's ID.
    pub fn open_verification(&self, email: &str, request: &VerificationRequest) -> Option<i64> {
        let mut data = self.lock();
        let user = data.user_by_email(email)?;
        let mut next = data.next_record_id;
        let account = data.users.get_mut(&user)?;
        let id = account
            .verification
            .open(request, &mut next, self.app.clock.now());
        data.next_record_id = next;
        Some(id)
    }

    /// Stands for the compliance team's decision on flow `id` of the account of `email`: a pass lifts the
    /// suspension once no flow is open. Returns whether the flow was open.
    pub fn decide_verification(&self, email: &str, id: i64, passes: bool) -> bool {
        let mut data = self.lock();
        data.user_by_email(email)
            .and_then(|user| data.users.get_mut(&user))
            .is_some_and(|a| a.verification.decide(id, passes, self.app.clock.now()))
    }

    /// Approves (lifting the suspension) or rejects the submitted appeal of the account of `email`.
    pub fn decide_appeal(&self, email: &str, approve: bool) -> bool {
        let mut data = self.lock();
        data.user_by_email(email)
            .and_then(|user| data.users.get_mut(&user))
            .is_some_and(|a| a.verification.decide_appeal(approve, self.app.clock.now()))
    }

    /// Pays out the referral credits of the account of `email` (their pending period taken as over);
    /// returns how many earn-outs were made.
    pub fn earn_out(&self, email: &str) -> usize {
        let mut data = self.lock();
        let Some(user) = data.user_by_email(email) else {
            return 0;
        };
        let mut next = data.next_record_id;
        let made = data.users.get_mut(&user).map_or(0, |a| {
            a.referral
                .earn_out(&mut next, &mut a.billing.free_credits, self.app.clock.now())
        });
        data.next_record_id = next;
        made
    }

    /// `change` applied to the ID verification of the account of `email`; false without such an account.
    fn with_id_verification(
        &self,
        email: &str,
        change: impl FnOnce(&mut account_state::IdVerification) -> bool,
    ) -> bool {
        let mut data = self.lock();
        data.user_by_email(email)
            .and_then(|user| data.users.get_mut(&user))
            .is_some_and(|account| change(&mut account.id_verification))
    }

    /// Answers the next request to `operation` with `status` (4xx or 5xx) and the `Error` body every
    /// error has (code `mock_fault`), with `Retry-After` (whole seconds, rounded up) when given; the
    /// request has no effect. Queued faults of one operation answer in order, one request each.
    ///
    /// ```no_run
    /// # async fn demo(server: &webshare_mock_server::MockServer) {
    /// use std::time::Duration;
    /// use webshare_api::operations::LIST_PROXIES;
    /// server.fail_next(&LIST_PROXIES, 503, Some(Duration::from_secs(1))).unwrap();
    /// # }
    /// ```
    pub fn fail_next(
        &self,
        operation: &webshare_api::Operation,
        status: u16,
        retry_after: Option<Duration>,
    ) -> Result<(), FaultError> {
        self.app.faults.push(operation, status, retry_after)
    }

    /// Makes every successful JSON answer drift from the spec in this way from now on (`None` to stop);
    /// see [`Drift`].
    pub fn set_drift(&self, drift: Option<Drift>) {
        self.app.drift.set(drift);
    }

    /// What drift planted, per answer, oldest first (the last 1,000): the operation and the JSON paths
    /// it changed.
    pub fn drifted(&self) -> Vec<(webshare_api::operations::OperationId, Vec<String>)> {
        self.app.drift.log()
    }

    /// Moves the server's clock forward by `by`: what a test calls to step replacement states, throttle
    /// windows and rate limits exactly, with [`Config::manual_clock`] (on the system's clock it adds `by`
    /// to it). The clock saturates at the latest date it can show.
    ///
    /// ```no_run
    /// # async fn demo() {
    /// use std::time::Duration;
    /// use webshare_mock_server::{Config, MockServer};
    /// let step = Duration::from_secs(1);
    /// let server =
    ///     MockServer::start_with(Config::default().manual_clock(true).replacement_step(step)).await;
    /// // ... create a replacement: `validating` until the clock moves ...
    /// server.advance(step); // ... now `processing` (or `validated` for a dry run)
    /// # }
    /// ```
    pub fn advance(&self, by: Duration) {
        self.app.clock.advance(by);
        self.app.real_proxies.clock_moved();
    }

    /// The time on the server's clock: what a test computes time-based values for (a two-factor
    /// device's code, [`totp::code`]) under [`Config::manual_clock`].
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.app.clock.now()
    }

    /// Delays every answer by `latency` from now on (zero, the default, for none).
    pub fn set_latency(&self, latency: Duration) {
        self.app.faults.set_latency(latency);
    }

    /// Creates an account with a verified email, as if registered and activated, and returns an API
    /// token for it with its plan's id: a test's starting point without the HTTP round trips. `None`
    /// if the email is taken, or the server holds its most accounts or tokens ([`Config::max_users`],
    /// [`Config::max_tokens`]).
    pub fn seed_account(&self, email: &str, password: &str) -> Option<SeededAccount> {
        let mut data = self.lock();
        if data.user_by_email(email).is_some() {
            return None;
        }
        let user = data
            .create_user(email, Some(password), self.app.clock.now())
            .ok()?;
        let account = data.users.get_mut(&user)?;
        account.email_is_verified = true;
        let plan_id = account.plan_id;
        let token = data.issue_token(user).ok()?;
        Some(SeededAccount {
            token: token.expose().to_owned(),
            plan_id,
        })
    }

    /// The id of the plan of the account of `email`.
    pub fn plan_id(&self, email: &str) -> Option<i64> {
        let data = self.lock();
        data.user_by_email(email)
            .and_then(|user| data.users.get(&user))
            .map(|account| account.plan_id)
    }

    /// Adds a sub-user to the account of `email`, with a proxy list, activity and download token of its
    /// own; returns its id (for `X-Subuser`). `None` without such an account, or if it has
    /// [`Config::max_subusers`].
    pub fn add_subuser(&self, email: &str) -> Option<i64> {
        let mut data = self.lock();
        let user = data.user_by_email(email)?;
        data.create_subuser(user, self.app.clock.now()).ok()
    }

    /// Authorizes `ip_address` on the plan of the account of `email`; returns the IP authorization's id.
    /// `None` without such an account, or if it has [`Config::max_ip_authorizations`].
    pub fn authorize_ip(&self, email: &str, ip_address: &str) -> Option<i64> {
        let mut data = self.lock();
        let user = data.user_by_email(email)?;
        data.authorize_ip(user, ip_address, self.app.clock.now())
            .ok()
    }

    /// Marks `counts` proxies of the account of `email` as unallocated (by country), as when a plan asked for
    /// a country that had none: what `allocate_unallocated_countries` then places. Returns whether the
    /// account exists.
    pub fn set_unallocated_countries(&self, email: &str, counts: &[(&str, i64)]) -> bool {
        let mut data = self.lock();
        let Some(user) = data.user_by_email(email) else {
            return false;
        };
        match data.users.get_mut(&user) {
            Some(account) => {
                account.proxy.unallocated =
                    counts.iter().map(|(c, n)| ((*c).to_owned(), *n)).collect();
                true
            }
            None => false,
        }
    }

    /// The IP authorizations (id, address) of the account of `email`.
    pub fn ip_authorizations(&self, email: &str) -> Vec<(i64, String)> {
        let data = self.lock();
        data.user_by_email(email)
            .and_then(|user| data.users.get(&user))
            .map(|account| {
                account
                    .proxy
                    .ip_authorizations
                    .iter()
                    .map(|a| (a.id, a.ip_address.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, state::Data> {
        lock_unpoisoned(&self.app.data)
    }

    /// Serves until the process is interrupted (Ctrl-C), then stops.
    pub async fn run_until_interrupted(mut self) -> std::io::Result<()> {
        tokio::signal::ctrl_c().await?;
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        (&mut self.task).await.unwrap_or(Ok(()))
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// This crate's README (the page crates.io and docs.rs show): its examples compile (`cargo test --doc`).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadmeExamples;
