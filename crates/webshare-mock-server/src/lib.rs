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
//! [`OUTBOX_PATH`], a test-only route outside `/api` that is not part of the Webshare API.

#![deny(missing_docs)]

mod auth;
mod error;
mod params;
mod proxy_state;
mod routes;
mod serve;
mod state;
mod validate;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use error::FieldErrorStyle;
pub use serve::{ServeOptions, serve};
pub use state::{Email, EmailKind};

/// The test-only route (outside `/api`, not in the spec) that lists the outbox as JSON; `?to=<email>`
/// filters by recipient.
pub const OUTBOX_PATH: &str = "/_mock/outbox";

/// How the mock behaves where the real service has settings or secrets of its own.
#[derive(Debug, Clone)]
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
    /// The redirect URIs social sign-in accepts (default: [`DEFAULT_SOCIAL_REDIRECT_URI`]).
    pub social_redirect_uris: Vec<String>,
    /// How many proxies a new account's plan has (default 100; a sub-user gets a tenth).
    pub proxies_per_plan: usize,
    /// How many activity records a new account's plan starts with, one every 10 minutes back from its
    /// creation (default 60; a sub-user gets a tenth).
    pub activity_per_plan: usize,
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
            social_redirect_uris: vec![DEFAULT_SOCIAL_REDIRECT_URI.to_owned()],
            proxies_per_plan: 100,
            activity_per_plan: 60,
        }
    }
}

pub(crate) struct AppState {
    config: Config,
    data: Mutex<state::Data>,
}

pub(crate) type Shared = Arc<AppState>;

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
        let mut data = state::Data::default();
        data.sizes = state::Sizes {
            proxies_per_plan: config.proxies_per_plan.max(1),
            activity_per_plan: config.activity_per_plan,
        };
        let app = Arc::new(AppState {
            config,
            data: Mutex::new(data),
        });
        let router = routes::router(app.clone());
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stop.await;
                })
                .await
        });
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

    /// The URL of the test-only outbox route.
    pub fn outbox_url(&self) -> String {
        format!("http://{}{OUTBOX_PATH}", self.addr)
    }

    /// Every email sent so far, oldest first.
    pub fn outbox(&self) -> Vec<Email> {
        self.lock().outbox.clone()
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
    pub fn mint_social_code(&self, provider: &str, email: &str) -> String {
        let code = state::random_token();
        let identity = state::SocialIdentity {
            provider: provider.to_owned(),
            email: email.to_owned(),
        };
        self.lock().social_codes.insert(code.clone(), identity);
        code
    }

    /// Makes sign-ins to the account of `email` answer 403 `2fa_needed` (or stop doing so). Returns
    /// whether such an account exists.
    pub fn require_two_factor(&self, email: &str, required: bool) -> bool {
        let mut data = self.lock();
        let Some(user) = data.user_by_email(email) else {
            return false;
        };
        data.users
            .get_mut(&user)
            .expect("indexed users exist")
            .two_factor_required = required;
        true
    }

    /// The id of the plan of the account of `email`.
    pub fn plan_id(&self, email: &str) -> Option<i64> {
        let data = self.lock();
        data.user_by_email(email)
            .map(|user| data.users[&user].plan_id)
    }

    /// Adds a sub-user to the account of `email`, with a proxy list, activity and download token of its
    /// own; returns its id (for `X-Subuser`).
    pub fn add_subuser(&self, email: &str) -> Option<i64> {
        let mut data = self.lock();
        let user = data.user_by_email(email)?;
        Some(data.create_subuser(user, state::now()))
    }

    /// Authorizes `ip_address` on the plan of the account of `email`; returns the IP authorization's id.
    pub fn authorize_ip(&self, email: &str, ip_address: &str) -> Option<i64> {
        let mut data = self.lock();
        let user = data.user_by_email(email)?;
        Some(data.authorize_ip(user, ip_address))
    }

    /// The IP authorizations (id, address) of the account of `email`.
    pub fn ip_authorizations(&self, email: &str) -> Vec<(i64, String)> {
        let data = self.lock();
        data.user_by_email(email)
            .map(|user| {
                data.users[&user]
                    .proxy
                    .ip_authorizations
                    .iter()
                    .map(|a| (a.id, a.ip_address.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, state::Data> {
        self.app.data.lock().unwrap_or_else(|e| e.into_inner())
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
