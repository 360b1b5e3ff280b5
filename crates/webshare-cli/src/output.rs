//! What successful commands print: sentences by default, the API's JSON with `--json`. Tokens are
//! withheld unless asked for.

use serde_json::{Value, json};
use webshare::{ActivationStatus, Token};

/// Where a returned token went.
pub struct TokenReport<'a> {
    /// The token.
    pub token: &'a Token,
    /// Print it.
    pub show: bool,
    /// Where it was saved, if it was.
    pub saved_to: Option<std::path::PathBuf>,
}

impl TokenReport<'_> {
    fn json_value(&self) -> Value {
        if self.show {
            json!(self.token.expose())
        } else {
            json!("[redacted]")
        }
    }

    fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(path) = &self.saved_to {
            lines.push(format!("Token saved to {}.", path.display()));
        }
        if self.show {
            lines.push(format!("Token: {}", self.token.expose()));
        } else if self.saved_to.is_none() {
            lines.push(
                "Token not shown: add --save to store it, or --show-token to print it.".to_owned(),
            );
        }
        lines
    }
}

/// Prints results in the chosen form.
pub struct Printer {
    /// `--json`.
    pub json: bool,
}

impl Printer {
    fn emit(&self, sentences: Vec<String>, json: Value) {
        if self.json {
            println!("{json}");
        } else {
            println!("{}", sentences.join("\n"));
        }
    }

    /// `register` and `social register`: `what` says which of the two outcomes it was.
    pub fn registered(&self, what: &str, existing: bool, token: &TokenReport) {
        let mut lines = vec![what.to_owned()];
        lines.extend(token.lines());
        self.emit(
            lines,
            json!({ "token": token.json_value(), "logged_in_existing_user": existing }),
        );
    }

    /// Commands that return a token: login, reset completion, activation completion.
    pub fn token(&self, what: &str, token: &TokenReport) {
        let mut lines = vec![what.to_owned()];
        lines.extend(token.lines());
        self.emit(lines, json!({ "token": token.json_value() }));
    }

    /// Commands that answer 204.
    pub fn done(&self, what: &str) {
        self.emit(vec![what.to_owned()], json!({}));
    }

    /// `activation status` and `activation resend`.
    pub fn activation(&self, heading: Option<&str>, status: &ActivationStatus) {
        let mut lines: Vec<String> = heading.map(str::to_owned).into_iter().collect();
        lines.push(format!(
            "Email verified:        {}",
            if status.email_is_verified {
                "yes"
            } else {
                "no"
            }
        ));
        lines.push(format!(
            "Last activation email: {}",
            status
                .last_time_email_verification_email_sent
                .map_or_else(|| "never".to_owned(), |t| t.to_rfc3339())
        ));
        lines.push(format!(
            "Created:               {}",
            status.created_at.to_rfc3339()
        ));
        lines.push(format!(
            "Updated:               {}",
            status.updated_at.to_rfc3339()
        ));
        self.emit(lines, serde_json::to_value(status).unwrap_or(Value::Null));
    }
}
