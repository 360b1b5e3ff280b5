//! [`Error`]: every way a call can fail, and the one place that maps HTTP answers onto it.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderValue;
use webshare_api::types;

/// The wait the documentation asks for after a 429 that has no `Retry-After` header.
pub const DEFAULT_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// How much of an undecodable body an error keeps.
const SNIPPET_CHARS: usize = 200;

/// The longest server message (`detail`, a field's message) an error keeps, displays and logs; longer ones
/// are cut with `…`. A hostile server cannot make the client hold or print megabytes.
pub const MAX_MESSAGE_CHARS: usize = 500;

/// One validation message from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldError {
    /// Human-readable text, e.g. "This password is too common.".
    pub message: String,
    /// Machine-readable code, when the server sent one (e.g. `invalid`).
    pub code: Option<String>,
}

impl FieldError {
    /// A message without a code (to compare with, in tests).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: None,
        }
    }

    /// This message with a machine-readable code.
    #[must_use]
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// An error from a [`Client`](crate::Client) call. Match on it; each variant's `Display` is a sentence
/// that says what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 400: the server rejected the request's content.
    #[error(
        "the server rejected the request: {}",
        describe_fields(field_errors, non_field_errors)
    )]
    Validation {
        /// Messages per request field, e.g. `password` → "This password is too common.".
        field_errors: BTreeMap<String, Vec<FieldError>>,
        /// Messages about the request as a whole (e.g. wrong credentials).
        non_field_errors: Vec<FieldError>,
        /// The API's id of this request (its `x-request-id`, `request-id` or `cf-ray` header), for a
        /// support ticket.
        request_id: Option<String>,
    },
    /// 401: no valid token was sent.
    #[error("not authenticated ({}): the API token is missing, wrong or revoked; log in again or check the API key", detail.as_deref().unwrap_or("no detail"))]
    Unauthorized {
        /// The server's explanation.
        detail: Option<String>,
        /// The API's id of this request (its `x-request-id`, `request-id` or `cf-ray` header), for a
        /// support ticket.
        request_id: Option<String>,
    },
    /// 403: the token may not do this. See [`Error::is_two_factor_required`] and
    /// [`Error::is_account_deleted`].
    #[error("forbidden ({}): {}", code.as_deref().unwrap_or("no code"), forbidden_advice(code.as_deref(), detail.as_deref()))]
    Forbidden {
        /// Machine-readable reason: `2fa_needed`, `account_deleted`, `api_key_not_allowed`, ...
        code: Option<String>,
        /// The server's explanation.
        detail: Option<String>,
        /// The API's id of this request (its `x-request-id`, `request-id` or `cf-ray` header), for a
        /// support ticket.
        request_id: Option<String>,
    },
    /// 404.
    #[error("not found ({}): no such resource, plan or sub-user in this account (or a wrong base URL)", detail.as_deref().unwrap_or("no detail"))]
    NotFound {
        /// The server's explanation.
        detail: Option<String>,
        /// The API's id of this request (its `x-request-id`, `request-id` or `cf-ray` header), for a
        /// support ticket.
        request_id: Option<String>,
    },
    /// 429: too many requests.
    #[error("rate limited: wait {} before trying again", retry_after.map_or_else(|| format!("{} s (the documented wait)", DEFAULT_RATE_LIMIT_WAIT.as_secs()), |d| format!("{} s", d.as_secs())))]
    RateLimited {
        /// The server's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
        /// The server's explanation.
        detail: Option<String>,
        /// The API's id of this request (its `x-request-id`, `request-id` or `cf-ray` header), for a
        /// support ticket.
        request_id: Option<String>,
    },
    /// 5xx: the server failed.
    #[error("the Webshare server failed with HTTP {status} ({}); try again later", detail.as_deref().unwrap_or("no detail"))]
    Server {
        /// The HTTP status.
        status: u16,
        /// The server's explanation, or the start of a body that was not JSON.
        detail: Option<String>,
        /// The API's id of this request (its `x-request-id`, `request-id` or `cf-ray` header), for a
        /// support ticket.
        request_id: Option<String>,
    },
    /// Another error status (405, 406, 408, 413, 415, ...).
    #[error("the server answered HTTP {status} ({}): {}", code.as_deref().unwrap_or("no code"), detail.as_deref().unwrap_or("no detail"))]
    Api {
        /// The HTTP status.
        status: u16,
        /// Machine-readable reason.
        code: Option<String>,
        /// The server's explanation.
        detail: Option<String>,
        /// The API's id of this request (its `x-request-id`, `request-id` or `cf-ray` header), for a
        /// support ticket.
        request_id: Option<String>,
    },
    /// No answer in time.
    #[error("no answer within {} s; the server may be slow or unreachable, try again or raise the timeout", after.as_secs_f64())]
    Timeout {
        /// The time limit that passed.
        after: Duration,
        /// reqwest's error, when reqwest noticed the timeout (without the URL, which may hold a download
        /// token).
        #[source]
        source: Option<reqwest::Error>,
    },
    /// The connection failed or broke.
    #[error("could not reach the server ({message}); check the network and the base URL")]
    Connection {
        /// What went wrong, without request contents.
        message: String,
        /// reqwest's error (without the URL, which may hold a download token).
        #[source]
        source: Option<reqwest::Error>,
    },
    /// The server answered with a redirect. None is followed: a redirect to another host would carry the
    /// request's body (a password) and token there.
    #[error("the server redirected (HTTP {status}) to {}; redirects are not followed, check the base URL", location.as_deref().unwrap_or("an unnamed location"))]
    Redirect {
        /// The HTTP status (301, 302, 303, 307, 308).
        status: u16,
        /// The host the redirect pointed to, when it named one (never the path or query, which may hold a
        /// secret).
        location: Option<String>,
    },
    /// The response body was larger than [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)
    /// allows; it was not read further.
    #[error("the response was larger than the {limit}-byte limit; not read further")]
    ResponseTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// A response that could not be read as the API documents it.
    #[error("unexpected response body (HTTP {}): {body_snippet}", status.map_or_else(|| "status unknown".to_owned(), |s| s.to_string()))]
    Decode {
        /// The HTTP status, when known.
        status: Option<u16>,
        /// The start of the body; withheld for successful responses, which may carry a token.
        body_snippet: String,
    },
    /// A successful answer that is JSON but not as the spec describes it: a field of another type, a
    /// required field absent, a `null` where the spec says never null. Names the operation and the first
    /// differing field by path and kind, never its value (it may be a token). Paste it into a bug report.
    #[error("the answer to `{operation}` (HTTP {status}) differs from the spec {difference}")]
    SpecMismatch {
        /// The operation's id, e.g. `list_proxies`.
        operation: &'static str,
        /// The HTTP status of the answer.
        status: u16,
        /// Where and how it differs.
        difference: crate::Difference,
    },
    /// A line of a download that is not in the documented format. The line itself is never quoted: it
    /// may hold a proxy password.
    #[error("line {line} of the download is malformed: `{field}` {message}")]
    MalformedRecord {
        /// The line's number, from 1.
        line: u64,
        /// The part of the record at fault (`address`, `port`, `password`, or `line` as a whole).
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// Rejected before sending: an argument is invalid.
    #[error("invalid {field}: {message}")]
    InvalidInput {
        /// The argument at fault.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// A proxy replacement ended in state `failed`.
    #[error("proxy replacement {id} failed ({}): {}", code.as_deref().unwrap_or("no code"), message.as_deref().unwrap_or("no reason given"))]
    ReplacementFailed {
        /// The replacement's ID.
        id: i64,
        /// The server's `error_code`, e.g. `no_proxies_to_be_replaced`.
        code: Option<String>,
        /// The server's `error`.
        message: Option<String>,
    },
    /// Waiting for asynchronous work (a proxy replacement) ran past its deadline; the work goes on.
    #[error("proxy replacement {id} was still `{state}` after {} s; it goes on: read it again later", waited.as_secs_f64())]
    WaitTimedOut {
        /// The replacement's ID.
        id: i64,
        /// The state it was last seen in.
        state: String,
        /// How long was waited.
        waited: Duration,
    },
    /// The client is misconfigured (base URL, missing API key, ...).
    #[error("client configuration: {message}")]
    Config {
        /// What is wrong.
        message: String,
    },
}

impl Error {
    pub(crate) fn invalid_input(field: &'static str, message: impl Into<String>) -> Self {
        Self::InvalidInput {
            field,
            message: message.into(),
        }
    }

    /// The 403 that asks for two-factor authentication (`2fa_needed`): a login token of an account with
    /// two-factor on, before its code. Submit the code (emailed, or from the app) with
    /// [`TwoFactor::submit_code`](crate::TwoFactor::submit_code) on the same client and replay the
    /// request, or sign in with [`Client::login_and_verify`](crate::Client::login_and_verify). API keys
    /// are not subject to 2FA.
    pub fn is_two_factor_required(&self) -> bool {
        self.forbidden_code() == Some("2fa_needed")
    }

    /// The 403 of a deleted account (`account_deleted`).
    pub fn is_account_deleted(&self) -> bool {
        self.forbidden_code() == Some("account_deleted")
    }

    /// The 403 of a suspended account (`account_suspended`): only the account verification operations
    /// still answer ([`Client::verification`](crate::Client::verification): evidence, appeals).
    pub fn is_account_suspended(&self) -> bool {
        self.forbidden_code() == Some("account_suspended")
    }

    /// The 403 for an operation that API keys may not perform (`api_key_not_allowed`).
    pub fn is_api_key_not_allowed(&self) -> bool {
        self.forbidden_code() == Some("api_key_not_allowed")
    }

    fn forbidden_code(&self) -> Option<&str> {
        match self {
            Self::Forbidden { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The API's id of the request that failed (from its `x-request-id`, `request-id` or `cf-ray` header),
    /// for a support ticket; `None` for errors that had no answer, or an answer without one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Validation { request_id, .. }
            | Self::Unauthorized { request_id, .. }
            | Self::Forbidden { request_id, .. }
            | Self::NotFound { request_id, .. }
            | Self::RateLimited { request_id, .. }
            | Self::Server { request_id, .. }
            | Self::Api { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// What kind of error this is, in a few fixed words: the HTTP status for an answer (`"404"`), else
    /// `"timeout"`, `"connection"`, `"redirect"`… The spans' `error.type` (OpenTelemetry's convention:
    /// low cardinality, no message).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Validation { .. } => "400",
            Self::Unauthorized { .. } => "401",
            Self::Forbidden { .. } => "403",
            Self::NotFound { .. } => "404",
            Self::RateLimited { .. } => "429",
            Self::Server { .. } | Self::Api { .. } => "http_error",
            Self::Timeout { .. } => "timeout",
            Self::Connection { .. } => "connection",
            Self::Redirect { .. } => "redirect",
            Self::ResponseTooLarge { .. } => "response_too_large",
            Self::Decode { .. } => "decode",
            Self::SpecMismatch { .. } => "spec_mismatch",
            Self::MalformedRecord { .. } => "malformed_record",
            Self::InvalidInput { .. } => "invalid_input",
            Self::ReplacementFailed { .. } => "replacement_failed",
            Self::WaitTimedOut { .. } => "wait_timed_out",
            Self::Config { .. } => "config",
        }
    }

    /// The HTTP status, for errors that come from a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Validation { .. } => Some(400),
            Self::Unauthorized { .. } => Some(401),
            Self::Forbidden { .. } => Some(403),
            Self::NotFound { .. } => Some(404),
            Self::RateLimited { .. } => Some(429),
            Self::Server { status, .. } | Self::Api { status, .. } => Some(*status),
            Self::Decode { status, .. } => *status,
            Self::SpecMismatch { status, .. } => Some(*status),
            Self::Redirect { status, .. } => Some(*status),
            Self::Timeout { .. }
            | Self::Connection { .. }
            | Self::InvalidInput { .. }
            | Self::ResponseTooLarge { .. }
            | Self::MalformedRecord { .. }
            | Self::ReplacementFailed { .. }
            | Self::WaitTimedOut { .. }
            | Self::Config { .. } => None,
        }
    }

    /// The server's `Retry-After`, for rate limits.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The messages for one request field of a 400.
    pub fn field_errors(&self, field: &str) -> &[FieldError] {
        match self {
            Self::Validation { field_errors, .. } => {
                field_errors.get(field).map_or(&[], Vec::as_slice)
            }
            _ => &[],
        }
    }
}

fn describe_fields(fields: &BTreeMap<String, Vec<FieldError>>, general: &[FieldError]) -> String {
    let mut parts: Vec<String> = general.iter().map(|e| e.message.clone()).collect();
    for (field, errors) in fields {
        let messages: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
        parts.push(format!("{field}: {}", messages.join(" ")));
    }
    if parts.is_empty() {
        "no reason given".to_owned()
    } else {
        parts.join("; ")
    }
}

fn forbidden_advice(code: Option<&str>, detail: Option<&str>) -> String {
    // A known code says what the server's text says, and what to do: the text would repeat it.
    let advice = match code {
        Some("2fa_needed") => {
            "two-factor authentication is needed: submit the code sent for this login, or use an API key"
        }
        Some("account_deleted") => "the account is deleted",
        Some("account_suspended") => {
            "the account is suspended: only account verification (evidence, questions, appeals) still answers"
        }
        Some("api_key_not_allowed") => "API keys may not do this; use a login token",
        _ => {
            return match detail {
                Some(detail) => format!("{detail} (this token may not do this)"),
                None => "this token may not do this".to_owned(),
            };
        }
    };
    advice.to_owned()
}

fn field_error(entry: types::FieldError) -> FieldError {
    match entry {
        types::FieldError::String(message) => FieldError {
            message: capped(message),
            code: None,
        },
        types::FieldError::FieldErrorDetail(d) => FieldError {
            message: capped(d.message),
            code: d.code.map(capped),
        },
    }
}

/// A server message cut to [`MAX_MESSAGE_CHARS`].
fn capped(text: String) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

/// The longest `Retry-After` taken as given; a larger value is held at this (and the retry policy then
/// reports [`Error::RateLimited`] at once, as for any wait beyond its limit).
const RETRY_AFTER_CEILING: Duration = Duration::from_secs(365 * 24 * 3600);

/// `Retry-After`, defined for every form a server may send (RFC 9110 allows delta-seconds and an
/// HTTP-date):
/// - whole seconds (`120`): that long;
/// - fractional seconds (`1.5`, not in the RFC): rounded up to whole seconds;
/// - an HTTP-date: the time until then, or zero if it has passed;
/// - absurdly large values: held at a year, which the retry policy refuses to wait for;
/// - negative, empty or unreadable values: ignored, as if absent (the documented 60 s then applies).
pub(crate) fn parse_retry_after(value: Option<&HeaderValue>) -> Option<Duration> {
    let text = value?.to_str().ok()?.trim();
    if text.is_empty() || text.starts_with('-') {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        let seconds = text.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds).min(RETRY_AFTER_CEILING));
    }
    if let Ok(seconds) = text.parse::<f64>()
        && seconds.is_finite()
        && seconds >= 0.0
    {
        return Some(Duration::from_secs_f64(
            seconds.ceil().min(RETRY_AFTER_CEILING.as_secs_f64()),
        ));
    }
    if let Ok(at) = chrono::DateTime::parse_from_rfc2822(text) {
        return Some(
            (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
                .to_std()
                .unwrap_or_default()
                .min(RETRY_AFTER_CEILING),
        );
    }
    // The two obsolete HTTP-date forms a recipient must still read (RFC 9110, 5.6.7): RFC 850's
    // `Sunday, 06-Nov-94 08:49:37 GMT` and asctime's `Sun Nov  6 08:49:37 1994`.
    let at = httpdate::parse_http_date(text).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or_default()
            .min(RETRY_AFTER_CEILING),
    )
}

/// Maps an error status (with the decoded body, if it was one) onto [`Error`].
/// The API's id of a request, from the first of `x-request-id`, `request-id` and `cf-ray` it answered
/// with: visible ASCII, at most 128 characters (it is echoed in errors and logs, so nothing else is kept).
/// Borrowed from the headers: a successful answer only records it.
pub(crate) fn request_id(headers: &reqwest::header::HeaderMap) -> Option<&str> {
    use reqwest::header::HeaderName;
    // Names made at compile time: looking a `&str` up parses it on every answer.
    const NAMES: [HeaderName; 3] = [
        HeaderName::from_static("x-request-id"),
        HeaderName::from_static("request-id"),
        HeaderName::from_static("cf-ray"),
    ];
    NAMES
        .iter()
        .find_map(|name| headers.get(name))
        .and_then(|value| value.to_str().ok())
        .filter(|id| !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic()))
}

pub(crate) fn from_status(
    status: StatusCode,
    body: Option<types::Error>,
    retry_after: Option<Duration>,
    raw_text: Option<String>,
    request_id: Option<String>,
) -> Error {
    let body = body.unwrap_or_else(|| types::Error {
        code: None,
        detail: raw_text.map(|t| snippet(&t)),
        non_field_errors: Vec::new(),
        extra: Default::default(),
    });
    // The `code` key is the error's machine code, or, in a 400, the errors of a request field `code`.
    let (code, code_field_errors) = match body.code {
        Some(types::ErrorCode::String(code)) => (Some(code), None),
        Some(types::ErrorCode::Array(errors)) => (None, Some(errors)),
        None => (None, None),
    };
    let detail = body.detail.map(capped);
    match status.as_u16() {
        400 => {
            let mut non_field_errors: Vec<_> =
                body.non_field_errors.into_iter().map(field_error).collect();
            if let Some(detail) = detail {
                non_field_errors.push(FieldError {
                    message: detail,
                    code,
                });
            }
            let field_errors = body
                .extra
                .into_iter()
                .chain(code_field_errors.map(|errors| ("code".to_owned(), errors)))
                .map(|(field, errors)| (field, errors.into_iter().map(field_error).collect()))
                .collect();
            Error::Validation {
                field_errors,
                non_field_errors,
                request_id,
            }
        }
        401 => Error::Unauthorized { detail, request_id },
        403 => Error::Forbidden {
            code,
            detail,
            request_id,
        },
        404 => Error::NotFound { detail, request_id },
        429 => Error::RateLimited {
            retry_after,
            detail,
            request_id,
        },
        500..=599 => Error::Server {
            status: status.as_u16(),
            detail,
            request_id,
        },
        other => Error::Api {
            status: other,
            code,
            detail,
            request_id,
        },
    }
}

/// A reqwest failure as [`Error::Timeout`] or [`Error::Connection`], keeping reqwest's error as the
/// source. The URL is dropped from it first: a download's path holds its token.
pub(crate) fn from_reqwest(e: reqwest::Error, timeout: Duration) -> Error {
    let e = e.without_url();
    if e.is_timeout() {
        return Error::Timeout {
            after: timeout,
            source: Some(e),
        };
    }
    let message = std::error::Error::source(&e)
        .map_or_else(|| e.to_string(), |source| format!("{e}: {source}"));
    Error::Connection {
        message,
        source: Some(e),
    }
}

/// A successful body may hold a token: say how long it was, not what it held.
pub(crate) fn withheld(bytes: &[u8]) -> String {
    format!(
        "[{} bytes withheld: a successful response may carry a token]",
        bytes.len()
    )
}

fn snippet(text: &str) -> String {
    let text = text.trim();
    let mut out: String = text.chars().take(SNIPPET_CHARS).collect();
    if text.chars().count() > SNIPPET_CHARS {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Option<Duration> {
        parse_retry_after(Some(&HeaderValue::from_str(text).unwrap()))
    }

    #[test]
    fn every_form_of_retry_after_is_defined() {
        assert_eq!(parse("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse("0"), Some(Duration::ZERO));
        // Fractional seconds (not in the RFC): rounded up.
        assert_eq!(parse("1.5"), Some(Duration::from_secs(2)));
        assert_eq!(parse("0.001"), Some(Duration::from_secs(1)));
        // Absurd values are held at a year, which the policy refuses to wait for.
        assert_eq!(parse("99999999999999999999999"), Some(RETRY_AFTER_CEILING));
        assert_eq!(parse("1e300"), Some(RETRY_AFTER_CEILING));
        // Negative, empty, unreadable: as if absent (the documented 60 s applies).
        for bad in ["-5", "-0.5", "", "soon", "NaN", "inf", "12abc"] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        assert_eq!(parse_retry_after(None), None);
        // An HTTP-date: the time until then, or zero once passed.
        let in_a_minute = (chrono::Utc::now() + chrono::Duration::seconds(60)).to_rfc2822();
        let wait = parse(&in_a_minute).unwrap();
        assert!(
            wait > Duration::from_secs(50) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT"), Some(Duration::ZERO));
        // The obsolete forms too: RFC 850's and asctime's.
        assert_eq!(
            parse("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse("Sun Nov  6 08:49:37 1994"), Some(Duration::ZERO));
        let asctime = (chrono::Utc::now() + chrono::Duration::seconds(60))
            .format("%a %b %e %H:%M:%S %Y")
            .to_string();
        let wait = parse(&asctime).unwrap();
        assert!(
            wait > Duration::from_secs(50) && wait <= Duration::from_secs(60),
            "{asctime}: {wait:?}"
        );
        assert_eq!(parse("Sun Nov  6 08:49:37"), None, "not a date");
    }

    #[test]
    fn long_messages_are_cut_and_marked() {
        let long = "é".repeat(MAX_MESSAGE_CHARS + 10);
        let cut = capped(long);
        assert_eq!(cut.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(capped("short".into()), "short");
    }
}
