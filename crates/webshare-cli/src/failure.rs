//! Why a command failed: its exit code, and how it is shown (sentences, or JSON with `--json`).

use serde_json::{Value, json};
use webshare::Error;

use crate::exit;
use crate::output::escape_controls;

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// Bad arguments or configuration.
    Usage(String),
    /// No credentials for a call that needs them.
    NoCredentials,
    /// What the API client reported.
    Api(Error),
    /// A 404, saying what was asked for (the resource and the ids given).
    NotFound {
        /// `no ip authorization with id 42, plan 7`.
        what: String,
        /// The API's id of the request, when it sent one.
        request_id: Option<String>,
    },
    /// A value given fails the checks made before sending (a body field of the wrong type).
    Invalid {
        /// Where, e.g. `countries.US`.
        field: String,
        /// What is wrong, the value itself not quoted.
        message: String,
    },
    /// The user answered no to a confirmation.
    Declined,
    /// `check-api` found answers that differ from the spec (the report says where).
    SpecDiffers {
        /// How many operations' answers differ.
        operations: usize,
    },
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self::Api(error)
    }
}

impl Failure {
    /// The process exit code (see `webshare --help`).
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_) => exit::USAGE,
            Self::NoCredentials => exit::AUTH,
            Self::SpecDiffers { .. } | Self::NotFound { .. } | Self::Declined => exit::OTHER,
            Self::Invalid { .. } => exit::VALIDATION,
            Self::Api(error) => match error {
                Error::Validation { .. } | Error::InvalidInput { .. } => exit::VALIDATION,
                Error::Unauthorized { .. } | Error::Forbidden { .. } => exit::AUTH,
                Error::RateLimited { .. } => exit::RATE_LIMITED,
                Error::Timeout { .. } | Error::Connection { .. } => exit::TRANSPORT,
                Error::Config { .. } => exit::USAGE,
                _ => exit::OTHER,
            },
        }
    }

    fn kind(&self) -> &'static str {
        match self.exit_code() {
            exit::USAGE => "usage",
            exit::VALIDATION => "validation",
            exit::AUTH => "authentication",
            exit::RATE_LIMITED => "rate_limited",
            exit::TRANSPORT => "transport",
            _ => "other",
        }
    }

    /// The message for stderr: sentences, with the server's messages one field per line, and every
    /// control character escaped (text from the server must not drive the terminal).
    pub fn human(&self) -> String {
        let mut line = format!(
            "error: {}",
            self.message(|text| escape_controls(text).into_owned())
        );
        if let Some(id) = self.request_id() {
            line.push_str(&format!(
                "\n(request id {id}: quote it to Webshare's support)"
            ));
        }
        line
    }

    /// The API's id of the request that failed, when it sent one.
    fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(error) => error.request_id(),
            Self::NotFound { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The message without the `error: ` prefix; `clean` is applied to every piece of text, so that
    /// the line breaks between the server's messages stay line breaks.
    fn message(&self, clean: impl Fn(&str) -> String) -> String {
        match self {
            Self::Usage(message) => clean(message),
            Self::NoCredentials => {
                "no API key: set WEBSHARE_API_KEY, run `webshare login --save`, or pass --api-key"
                    .to_owned()
            }
            Self::Api(Error::Validation {
                field_errors,
                non_field_errors,
                ..
            }) => {
                let mut lines = vec!["the server rejected the request".to_owned()];
                lines.extend(
                    non_field_errors
                        .iter()
                        .map(|e| format!("  {}", clean(&e.message))),
                );
                for (field, errors) in field_errors {
                    lines.extend(
                        errors
                            .iter()
                            .map(|e| format!("  {}: {}", clean(field), clean(&e.message))),
                    );
                }
                lines.join("\n")
            }
            Self::Api(error) => clean(&error.to_string()),
            Self::NotFound { what, .. } => format!("not found: {}", clean(what)),
            Self::Invalid { field, message } => format!("`{}`: {}", clean(field), clean(message)),
            Self::Declined => "not sent: the confirmation was declined".to_owned(),
            Self::SpecDiffers { operations } => format!(
                "the answers of {operations} operation(s) differ from the spec (see the report)"
            ),
        }
    }

    /// The message for stderr with `--json`: the server's text as it came; print it with
    /// [`crate::output::json_line`], which escapes every control character.
    pub fn json(&self) -> Value {
        let mut body = json!({ "kind": self.kind(), "exit_code": self.exit_code(), "message": self.message(str::to_owned) });
        if let Self::Api(error) = self {
            body["status"] = json!(error.status());
            if let Some(id) = error.request_id() {
                body["request_id"] = json!(id);
            }
            match error {
                Error::Validation {
                    field_errors,
                    non_field_errors,
                    ..
                } => {
                    let messages = |errors: &[webshare::FieldError]| {
                        errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>()
                    };
                    body["field_errors"] = field_errors
                        .iter()
                        .map(|(field, errors)| (field.clone(), json!(messages(errors))))
                        .collect();
                    body["non_field_errors"] = json!(messages(non_field_errors));
                }
                Error::Forbidden { code, .. } => body["code"] = json!(code),
                Error::RateLimited { retry_after, .. } => {
                    body["retry_after_seconds"] = json!(retry_after.map(|d| d.as_secs()))
                }
                Error::InvalidInput { field, .. } => body["field"] = json!(field),
                Error::SpecMismatch {
                    operation,
                    difference,
                    ..
                } => {
                    body["operation"] = json!(operation);
                    body["difference"] = json!(difference);
                }
                _ => {}
            }
        }
        match self {
            Self::Invalid { field, .. } => body["field"] = json!(field),
            Self::NotFound { request_id, .. } => {
                body["status"] = json!(404);
                if let Some(id) = request_id {
                    body["request_id"] = json!(id);
                }
            }
            _ => {}
        }
        json!({ "error": body })
    }
}

#[cfg(test)]
mod tests {
    use webshare::Error;

    use super::Failure;

    /// The API's request id goes with the error, for a support ticket: a line of its own, and a field of
    /// the JSON.
    #[test]
    fn a_request_id_is_printed_with_the_error() {
        let failure = Failure::Api(Error::Server {
            status: 503,
            detail: None,
            request_id: Some("req-42".into()),
        });
        assert!(
            failure
                .human()
                .ends_with("(request id req-42: quote it to Webshare's support)")
        );
        assert_eq!(failure.json()["error"]["request_id"], "req-42");
        let named = Failure::NotFound {
            what: "no plan with id 5".into(),
            request_id: Some("req-7".into()),
        };
        assert!(
            named.human().contains("request id req-7"),
            "{}",
            named.human()
        );
        let without = Failure::Api(Error::Server {
            status: 503,
            detail: None,
            request_id: None,
        });
        assert!(!without.human().contains("request id"));
        assert!(without.json()["error"].get("request_id").is_none());
    }
}
