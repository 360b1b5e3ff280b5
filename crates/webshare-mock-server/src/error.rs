//! Every error the server answers, in the body shape of the spec's `Error` schema.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use webshare_api::types;

/// How field errors are written: the API has been seen sending both forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum FieldErrorStyle {
    /// `{"email": ["Enter a valid email address."]}` (the server framework's classic form).
    #[default]
    Strings,
    /// `{"email": [{"message": "Enter a valid email address.", "code": "invalid"}]}` (the form Webshare's
    /// own SDK parses).
    Objects,
}

/// Validation errors keyed by field name; `non_field_errors` for the request as a whole. Each error is a
/// (message, code) pair.
pub type FieldErrors = BTreeMap<String, Vec<(String, &'static str)>>;

/// An error answer. Handlers return it; the `render_errors` middleware (which knows the configured
/// [`FieldErrorStyle`]) writes its body.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// 400 with per-field errors.
    Validation(FieldErrors),
    /// Any other status with `detail` and `code`.
    Detail {
        /// The HTTP status.
        status: StatusCode,
        /// Human-readable text.
        detail: String,
        /// Machine-readable code.
        code: &'static str,
        /// Seconds to wait, for 429.
        retry_after: Option<u64>,
    },
}

impl ApiError {
    /// A 400 with one error on one field.
    pub fn field(field: &str, message: impl Into<String>, code: &'static str) -> Self {
        Self::Validation(BTreeMap::from([(
            field.to_owned(),
            vec![(message.into(), code)],
        )]))
    }

    /// An error with `detail` and `code`.
    pub fn detail(status: StatusCode, detail: impl Into<String>, code: &'static str) -> Self {
        Self::Detail {
            status,
            detail: detail.into(),
            code,
            retry_after: None,
        }
    }

    /// 401 without credentials.
    pub fn not_authenticated() -> Self {
        Self::detail(
            StatusCode::UNAUTHORIZED,
            "Authentication credentials were not provided.",
            "not_authenticated",
        )
    }

    /// 401 with a token that is unknown or revoked.
    pub fn invalid_token() -> Self {
        Self::detail(
            StatusCode::UNAUTHORIZED,
            "Invalid token.",
            "authentication_failed",
        )
    }

    /// 403 to a deleted account (its tokens still identify it).
    pub fn account_deleted() -> Self {
        Self::detail(
            StatusCode::FORBIDDEN,
            "Your account is deleted.",
            "account_deleted",
        )
    }

    /// 403 to a suspended account, outside the account verification section.
    pub fn account_suspended() -> Self {
        Self::detail(
            StatusCode::FORBIDDEN,
            "Your account is suspended.",
            "account_suspended",
        )
    }

    /// 503 `mock_capacity`: a store of the whole server holds its most records (`what`, e.g. "accounts";
    /// `setting`, the [`crate::Config`] field that sizes it). Nothing is removed to make room.
    pub fn capacity(what: &str, setting: &str) -> Self {
        Self::detail(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "The mock server holds its most {what} (Config::{setting}); nothing is removed to make room."
            ),
            "mock_capacity",
        )
    }

    /// 400 `mock_limit_reached`: an account holds its most `what` (`max`, from `setting`, a
    /// [`crate::Config`] field); it may delete some first where the API can.
    pub fn limit_reached(what: &str, max: usize, setting: &str) -> Self {
        Self::detail(
            StatusCode::BAD_REQUEST,
            format!(
                "An account may have at most {max} {what} on the mock server (Config::{setting})."
            ),
            "mock_limit_reached",
        )
    }

    /// 429 with `Retry-After`.
    pub fn throttled(wait_seconds: u64) -> Self {
        Self::Detail {
            status: StatusCode::TOO_MANY_REQUESTS,
            detail: format!("Request was throttled. Expected available in {wait_seconds} seconds."),
            code: "throttled",
            retry_after: Some(wait_seconds),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::Validation(_) => StatusCode::BAD_REQUEST,
            Self::Detail { status, .. } => *status,
        }
    }

    /// The response, with field errors in `style`.
    pub fn render(self, style: FieldErrorStyle) -> Response {
        match self {
            Self::Validation(fields) => {
                let mut body = types::Error {
                    code: None,
                    detail: None,
                    non_field_errors: Vec::new(),
                    extra: Default::default(),
                };
                for (field, errors) in fields {
                    let errors: Vec<_> = errors
                        .into_iter()
                        .map(|(message, code)| match style {
                            FieldErrorStyle::Strings => types::FieldError::String(message),
                            FieldErrorStyle::Objects => {
                                types::FieldError::FieldErrorDetail(types::FieldErrorDetail {
                                    message,
                                    code: Some(code.to_owned()),
                                })
                            }
                        })
                        .collect();
                    // `non_field_errors` and `code` are named properties of the Error schema; every
                    // other field goes into its additional properties.
                    match field.as_str() {
                        "non_field_errors" => body.non_field_errors = errors,
                        "code" => body.code = Some(types::ErrorCode::Array(errors)),
                        _ => {
                            body.extra.insert(field, errors);
                        }
                    }
                }
                (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
            }
            Self::Detail {
                status,
                detail,
                code,
                retry_after,
            } => {
                let body = types::Error {
                    code: Some(types::ErrorCode::String(code.to_owned())),
                    detail: Some(detail),
                    non_field_errors: Vec::new(),
                    extra: Default::default(),
                };
                let mut response = (status, axum::Json(body)).into_response();
                if let Some(seconds) = retry_after {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
                }
                if status == StatusCode::UNAUTHORIZED {
                    response
                        .headers_mut()
                        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Token"));
                }
                response
            }
        }
    }
}

impl IntoResponse for ApiError {
    /// A bodiless response carrying the error, for `render_errors` to finish.
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// The error for a response that axum itself produced (unknown route, wrong method, body too large, ...),
/// which has no body in the `Error` shape yet.
pub fn for_framework_status(status: StatusCode) -> ApiError {
    let (detail, code) = match status {
        StatusCode::NOT_FOUND => ("Not found.", "not_found"),
        StatusCode::METHOD_NOT_ALLOWED => ("Method not allowed.", "method_not_allowed"),
        StatusCode::PAYLOAD_TOO_LARGE => ("Request body is too large.", "request_too_large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "Unsupported media type: send `Content-Type: application/json`.",
            "unsupported_media_type",
        ),
        StatusCode::BAD_REQUEST => ("Malformed request.", "parse_error"),
        StatusCode::REQUEST_TIMEOUT => ("The request took too long to arrive.", "request_timeout"),
        status if status.is_server_error() => ("A server error occurred.", "error"),
        _ => ("The request could not be processed.", "invalid"),
    };
    ApiError::detail(status, detail, code)
}
