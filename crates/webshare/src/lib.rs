//! A client for the Webshare API: the account (*Registration and Login*) and the proxies (list, download,
//! config, IP authorizations, activity).
//!
//! ```no_run
//! use webshare::{Client, Registration};
//!
//! # async fn run() -> Result<(), webshare::Error> {
//! // Anonymous calls: register, log in, reset a password.
//! let anonymous = Client::unauthenticated()?;
//! let registered = anonymous
//!     .register(&Registration::new("jane@example.com", "Correct-Horse-9", "<recaptcha>").accept_terms_of_service())
//!     .await?;
//!
//! // The token gives a client that shares the same connection pool.
//! let jane = anonymous.with_token(&registered.token)?;
//! let status = jane.activation().status().await?;
//! println!("verified: {}", status.email_is_verified == Some(true));
//!
//! // Services usually hold an API key instead: `Client::new(key)` or `Client::from_env()`
//! // (WEBSHARE_API_KEY).
//! match jane.activation().resend().await {
//!     Ok(status) => println!("sent at {:?}", status.last_time_email_verification_email_sent),
//!     Err(e @ webshare::Error::RateLimited { .. }) => println!("{e}"),
//!     Err(e) => return Err(e),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! What this crate adds to the generated `webshare-api`:
//! - **Authentication**: `Authorization: Token <key>`, built in one place; a token is never sent over plain
//!   `http` except to loopback addresses (a local mock server).
//! - **Errors**: one [`Error`] to match on, with the server's per-field messages, whichever of its two
//!   forms the server used.
//! - **Retries**: [`RetryPolicy`], with backoff, `Retry-After`, and no retry of calls that are unsafe to
//!   repeat unless asked.
//! - **Validation** before sending, with the field named in [`Error::InvalidInput`].
//! - **Redaction**: passwords, tokens, recaptcha values and emailed codes are [`Secret`]s or [`Token`]s,
//!   which print `[redacted]`.
//! - **Tracing**: one `webshare.request` span per attempt, with `operation`, `method`, `path`, `attempt`,
//!   `status` and `duration_ms`, and never a body or a header.
//! - **Lists and downloads**: one page, or a lazy `Stream` over every page (page numbers or a cursor); the
//!   proxy list download parsed line by line as it arrives ([`ProxyLine`]).
//! - **Rate limits**: the documented per-minute limit of each class of endpoints, shared by clones
//!   ([`RateLimits`]; on against the production API, off for a loopback base URL).
//! - **Scope**: a default plan ([`Client::for_plan`]) and sub-user ([`Client::as_subuser`]).
//!
//! Every request is built from the facts generated from the spec ([`operations`]: method, path,
//! parameters, token, retry safety, pagination, rate-limit class); this crate writes none of them.
//!
//! Proxies: [`Client::proxies`], [`Client::proxy_config`], [`Client::ip_authorizations`],
//! [`Client::download_tokens`], [`Client::stats`], [`Client::activity`], [`Client::replacements`]; the
//! subscription's [`Client::plans`]; the account's [`Client::api_keys`]. The account operations, grouped like the documentation: [`Client::register`], [`Client::login`];
//! [`Client::social`]; [`Client::password`] (reset, change); [`Client::email`] (change);
//! [`Client::activation`]; [`Client::account`] (delete); [`Client::logout`].
//!
//! Register, login and account deletion need a recaptcha token and are meant for the Webshare dashboard;
//! for tests, the `webshare-mock-server` crate implements the whole API locally.
//!
//! # When the live API differs from the spec
//!
//! Answers are read tolerantly: an enum value or a selector kind the spec does not list decodes to the
//! enum's `Unknown` variant, which keeps it (every enum of an answer is open; enums only sent stay closed);
//! a nullable field whose key is absent is `None`; unknown fields are ignored. Where an answer cannot be
//! read as the spec describes it (a field of another type, a required field absent), the error is
//! [`Error::SpecMismatch`], which names the operation, the JSON path of the field, what the spec expects
//! and the kind of value found — never the value.
//!
//! # Checking the spec against the live API
//!
//! With the `check-api` feature, [`Client::check_api`] calls every read-only operation the key may call
//! (lists, gets with ids from the lists, downloads, stats; nothing that changes state or costs money) and
//! checks each raw answer against the spec's schema, embedded in the crate, with a JSON Schema validator.
//! The [`Report`] lists each operation as ok, differing (every path, expected and found kind), not
//! available to the key, or skipped, and serializes to JSON for a bug report. The `webshare check-api`
//! command prints it.
//!
//! Any operation can also be sent directly from its generated parameters: [`Client::send`] and
//! [`Client::send_with`].
//!
//! This crate's version follows semver for its Rust API, independently of the OpenAPI document's
//! `info.version` it is generated from ([`operations::SPEC_VERSION`]; features: `rustls` (default),
//! `native-tls`, `socks`, `blocking`, `json-schema`, `check-api`, `pool`, see the README).

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod account;
mod activation;
mod activity;
mod activity_csv;
mod api_keys;
mod auth;
mod billing;
mod call;
#[cfg(feature = "check-api")]
mod check;
mod client;
mod credentials;
mod difference;
mod download;
mod download_tokens;
mod email;
mod error;
#[cfg(test)]
mod fuzz;
mod gathered;
mod hooks;
mod id_verification;
mod ip_authorizations;
mod local;
mod notifications;
mod pagination;
mod password;
mod plans;
mod profile;
#[cfg(test)]
mod properties;
mod proxies;
mod proxy_config;
mod proxy_url;
mod rate_limit;
mod referral;
mod replacements;
mod request;
mod retry;
mod social;
#[cfg(feature = "check-api")]
mod spec_schema;
mod stats;
mod subscription;
mod subusers;
mod token;
mod two_factor;
mod upload;
mod validate;
mod verification;

#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;
#[cfg(feature = "pool")]
#[cfg_attr(docsrs, doc(cfg(feature = "pool")))]
pub mod pool;

pub use account::Account;
pub use activation::{Activation, ActivationStatus};
pub use activity::Activity;
pub use activity_csv::ActivityRecord;
pub use api_keys::ApiKeys;
pub use billing::Billing;
pub use call::Request;
#[cfg(feature = "check-api")]
pub use check::{OperationReport, Outcome, ReadOnlyCall, Report};
/// The `chrono` this crate's types use (timestamps are `chrono::DateTime<Utc>`), so a service names them
/// without a dependency of its own that could drift to another version.
pub use chrono;
pub use client::{
    API_KEY_ENV, BASE_URL_ENV, Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
};
pub use credentials::{CredentialsProvider, KeyFuture};
pub use difference::{Difference, ValueKind};
pub use download::{MAX_LINE_BYTES, ProxyLine};
pub use download_tokens::DownloadTokens;
pub use email::Email;
pub use error::{DEFAULT_RATE_LIMIT_WAIT, Error, FieldError, MAX_MESSAGE_CHARS};
pub use hooks::Hooks;
pub use id_verification::{IdVerificationState, IdVerifications};
pub use ip_authorizations::IpAuthorizations;
pub use local::{Registered, Registration};
pub use notifications::Notifications;
pub use password::Password;
pub use plans::Plans;
pub use profile::Profile;
pub use proxies::Proxies;
pub use proxy_config::ProxyConfig;
pub use proxy_url::{BACKBONE_HOST, Backbone, ProxyEndpoint, ProxyScheme};
pub use rate_limit::RateLimits;
pub use referral::Referral;
pub use replacements::{Polling, ReplacedProxyLine, Replacements, is_finished};
/// The `reqwest` this crate sends with ([`ClientBuilder::http_client`] takes its `Client`).
pub use reqwest;
pub use retry::RetryPolicy;
pub use social::{Social, SocialProvider, SocialRegistration};
pub use stats::Stats;
pub use subscription::Subscriptions;
pub use subusers::Subusers;
pub use token::Token;
pub use two_factor::{TotpDevice, TwoFactor};
pub use upload::Upload;
pub use verification::Verification;
pub use webshare_api::Secret;
/// The generated parameter structs of every operation (`ListProxies`, `DownloadProxyList`, ...), and
/// the facts of each (method, path, token, retry safety, pagination, rate-limit class).
pub use webshare_api::operations;
pub use webshare_api::operations::RateLimitClass;
/// The generated types of every schema of the API (requests, responses).
pub use webshare_api::types;
/// Money: amounts that travel as JSON numbers are [`Amount`]s, as strings [`Decimal`]s (never `f64`).
pub use webshare_api::{Amount, Decimal};
pub use webshare_api::{
    Auth, CursorPaged, Endpoint, Operation, OrderBy, PageNumbered, Pagination, ParamError,
    ResponseKind,
};

/// The README's Rust examples compile (`cargo test --doc`).
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeExamples;

/// This crate's README (the page crates.io and docs.rs show): its examples compile (`cargo test --doc`).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadmeExamples;
