//! Why a command failed: its exit code, and how it is shown (sentences, or JSON with `--json`).

use serde_json::{Value, json};
use webshare::Error;

use crate::cli::exit;

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// Bad arguments or configuration.
    Usage(String),
    /// No credentials for a call that needs them.
    NoCredentials,
    /// What the API client reported.
    Api(Error),
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

    /// The message for stderr: sentences, with the server's messages one field per line.
    pub fn human(&self) -> String {
        match self {
            Self::Usage(message) => format!("error: {message}"),
            Self::NoCredentials => {
                "error: no API key: pass --api-key, set WEBSHARE_API_KEY, or run `webshare login --save`".to_owned()
            }
            Self::Api(Error::Validation { field_errors, non_field_errors }) => {
                let mut lines = vec!["error: the server rejected the request".to_owned()];
                lines.extend(non_field_errors.iter().map(|e| format!("  {}", e.message)));
                for (field, errors) in field_errors {
                    lines.extend(errors.iter().map(|e| format!("  {field}: {}", e.message)));
                }
                lines.join("\n")
            }
            Self::Api(error) => format!("error: {error}"),
        }
    }

    /// The message for stderr with `--json`.
    pub fn json(&self) -> Value {
        let mut body = json!({ "kind": self.kind(), "exit_code": self.exit_code(), "message": self.human().trim_start_matches("error: ") });
        if let Self::Api(error) = self {
            body["status"] = json!(error.status());
            match error {
                Error::Validation {
                    field_errors,
                    non_field_errors,
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
                _ => {}
            }
        }
        json!({ "error": body })
    }
}
