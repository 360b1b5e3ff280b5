//! Request bodies: JSON parsing and field checks that answer like the real service (Django REST framework),
//! with per-field messages.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde_json::{Map, Value};

use crate::error::{ApiError, FieldErrors};

/// The longest label (of an API key, a sub-user), in characters, as the spec bounds it.
pub const MAX_LABEL: usize = 200;

/// A JSON object request body. Anything else is a 4xx in the `Error` shape.
pub struct JsonObject(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        // `Bytes` honours the router's body limit; its rejection becomes a 413.
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|rejection| crate::error::for_framework_status(rejection.status()))?;
        // As in the real service, an empty body is an empty form: every required field is reported missing.
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(Map::new()));
        }
        let is_json = content_type
            .split(';')
            .next()
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::detail(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("Unsupported media type \"{content_type}\" in request."),
                "unsupported_media_type",
            ));
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            Ok(other) => Err(ApiError::field(
                "non_field_errors",
                format!(
                    "Invalid data. Expected a dictionary, but got {}.",
                    json_kind(&other)
                ),
                "invalid",
            )),
            Err(e) => Err(ApiError::detail(
                StatusCode::BAD_REQUEST,
                format!("JSON parse error - {e}"),
                "parse_error",
            )),
        }
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// Reads fields out of a body, collecting every problem before answering.
pub struct Fields<'a> {
    body: &'a Map<String, Value>,
    errors: FieldErrors,
}

impl<'a> Fields<'a> {
    /// Starts reading `body`.
    pub fn new(body: &'a Map<String, Value>) -> Self {
        Self {
            body,
            errors: FieldErrors::new(),
        }
    }

    /// Records an error on `field`.
    pub fn error(&mut self, field: &str, message: impl Into<String>, code: &'static str) {
        self.errors
            .entry(field.to_owned())
            .or_default()
            .push((message.into(), code));
    }

    /// Whether no field has an error yet.
    pub fn has_no_errors(&self) -> bool {
        self.errors.is_empty()
    }

    /// Whether `field` has an error already.
    pub fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }

    /// A required, non-blank string.
    pub fn string(&mut self, field: &str) -> &'a str {
        match self.body.get(field) {
            None | Some(Value::Null) => {
                self.error(field, "This field is required.", "required");
                ""
            }
            Some(Value::String(s)) if s.trim().is_empty() => {
                self.error(field, "This field may not be blank.", "blank");
                ""
            }
            Some(Value::String(s)) => s,
            Some(_) => {
                self.error(field, "Not a valid string.", "invalid");
                ""
            }
        }
    }

    /// A required, non-blank string of at most `max` characters.
    pub fn string_up_to(&mut self, field: &str, max: usize) -> &'a str {
        let value = self.string(field);
        if !self.has_error(field) && value.chars().count() > max {
            self.error(
                field,
                format!("Ensure this field has no more than {max} characters."),
                "max_length",
            );
        }
        value
    }

    /// A required, well-formed email address.
    pub fn email(&mut self, field: &str) -> &'a str {
        let value = self.string(field);
        if !self.has_error(field) && !is_valid_email(value) {
            self.error(field, "Enter a valid email address.", "invalid");
        }
        value
    }

    /// A boolean; `None` when absent and not required.
    pub fn boolean(&mut self, field: &str, required: bool) -> Option<bool> {
        match self.body.get(field) {
            None if !required => None,
            None | Some(Value::Null) => {
                self.error(field, "This field is required.", "required");
                None
            }
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.error(field, "Must be a valid boolean.", "invalid");
                None
            }
        }
    }

    /// A field read as the spec's type `T`; `None` when absent and not required, or when it does not fit
    /// (recorded, with serde's reason).
    pub fn typed<T: serde::de::DeserializeOwned>(
        &mut self,
        field: &str,
        required: bool,
    ) -> Option<T> {
        match self.body.get(field) {
            None if !required => None,
            None | Some(Value::Null) => {
                self.error(field, "This field is required.", "required");
                None
            }
            Some(value) => match T::deserialize(value) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.error(field, format!("Invalid value: {e}."), "invalid");
                    None
                }
            },
        }
    }

    /// A required boolean that must be true: acceptance of the terms of service.
    pub fn terms_accepted(&mut self, field: &str) {
        if self.boolean(field, true) == Some(false) {
            self.error(field, "You must accept the terms of service.", "invalid");
        }
    }

    /// The 400 with the errors recorded so far (the caller has just recorded one).
    pub fn into_error(self) -> ApiError {
        ApiError::Validation(self.errors)
    }

    /// `Ok` when nothing was wrong, else the 400.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.errors))
        }
    }
}

/// A deliberately plain check: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.len() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
}

/// A few of the most common passwords; the real service uses a list of 20,000.
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "password123",
    "12345678",
    "123456789",
    "1234567890",
    "qwerty123",
    "qwertyuiop",
    "iloveyou",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "welcome1",
    "abc12345",
    "letmein1",
    "trustno1",
    "superman",
    "starwars",
    "passw0rd",
    "whatever",
    "dragon123",
    "11111111",
];

/// The register page's password rules, as Django's validators word them.
pub fn password_problems(password: &str, email: &str) -> Vec<(String, &'static str)> {
    let mut problems = Vec::new();
    if password.chars().count() < 8 {
        problems.push((
            "This password is too short. It must contain at least 8 characters.".to_owned(),
            "password_too_short",
        ));
    }
    if COMMON_PASSWORDS.contains(&password.to_lowercase().as_str()) {
        problems.push((
            "This password is too common.".to_owned(),
            "password_too_common",
        ));
    }
    if !password.is_empty() && password.chars().all(|c| c.is_ascii_digit()) {
        problems.push((
            "This password is entirely numeric.".to_owned(),
            "password_entirely_numeric",
        ));
    }
    if too_similar(password, email) {
        problems.push((
            "The password is too similar to the email.".to_owned(),
            "password_too_similar",
        ));
    }
    problems
}

/// Django's rule: similar when the password matches the email, or one of its parts, with a ratio of 0.7
/// or more (the ratio here is 2 × longest common subsequence / total length).
fn too_similar(password: &str, email: &str) -> bool {
    let password = password.to_lowercase();
    let email = email.to_lowercase();
    let parts = std::iter::once(email.as_str()).chain(email.split(|c: char| !c.is_alphanumeric()));
    parts
        .filter(|p| p.len() >= 3)
        .any(|part| similarity(&password, part) >= 0.7)
}

fn similarity(a: &str, b: &str) -> f64 {
    // Bounded: the lengths are capped so a huge password costs no more than a normal one.
    let a: Vec<char> = a.chars().take(128).collect();
    let b: Vec<char> = b.chars().take(128).collect();
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut row = vec![0usize; b.len() + 1];
    for &ca in &a {
        let mut diagonal = 0;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    2.0 * row[b.len()] as f64 / (a.len() + b.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_rules() {
        let codes = |p: &str| {
            password_problems(p, "janedoe@example.com")
                .into_iter()
                .map(|(_, c)| c)
                .collect::<Vec<_>>()
        };
        assert_eq!(codes("short1"), ["password_too_short"]);
        assert_eq!(codes("password"), ["password_too_common"]);
        assert_eq!(codes("98765432101"), ["password_entirely_numeric"]);
        assert_eq!(codes("janedoe1"), ["password_too_similar"]);
        assert_eq!(codes("Correct-Horse-Battery-9"), Vec::<&str>::new());
        assert!(codes(&"x".repeat(100_000)).is_empty());
    }

    #[test]
    fn email_shapes() {
        assert!(is_valid_email("user@webshare.io"));
        for bad in [
            "",
            "user",
            "user@",
            "@webshare.io",
            "user@io",
            "us er@webshare.io",
            "a@b@c.io",
            "user@x..io",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }
}
