//! What the isolation suite reads from the spec beyond the generated facts: what a parameter holds (a
//! record's ID, a credential, or a plain value), a value for a parameter no account owns, an operation's
//! request example, and the statuses it documents.

use serde_json::{Map, Value};
use webshare_api::Operation;

/// The OpenAPI document the facts were generated from.
pub struct Spec {
    document: Value,
}

/// What a parameter's value is, for isolation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// The ID of a record that belongs to one account: a path parameter typed integer, or a query
    /// parameter named `…_id`. Another account's value must be a 404.
    Record,
    /// A secret that authorises the request by itself (a download token): the caller's own.
    Credential,
    /// A choice or filter that no account owns (a download scope, a country list, a page).
    Plain,
}

/// A request body, as the spec's example gives it.
#[derive(Debug, Clone)]
pub enum Body {
    Json(Value),
    /// A `multipart/form-data` form: its text fields.
    Form(Map<String, Value>),
}

impl Spec {
    /// The document embedded in `webshare-api` (its `spec` feature).
    pub fn load() -> Self {
        Self {
            document: serde_json::from_str(webshare_api::spec::DOCUMENT)
                .expect("the embedded spec is JSON"),
        }
    }

    fn operation(&self, op: &Operation) -> &Value {
        let method = op.method.as_str().to_ascii_lowercase();
        let found = &self.document["paths"][op.path][method.as_str()];
        assert!(found.is_object(), "{} is in the spec", op.name);
        found
    }

    /// `value`, or what its local `$ref` names.
    fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference.strip_prefix('#').expect("a local $ref");
                self.resolve(
                    self.document
                        .pointer(pointer)
                        .unwrap_or_else(|| panic!("{reference} resolves")),
                )
            }
            None => value,
        }
    }

    /// The parameter `name` of `op`.
    pub fn parameter(&self, op: &Operation, name: &str) -> &Value {
        self.operation(op)["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| self.resolve(p))
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{}: parameter `{name}` is in the spec", op.name))
    }

    /// What parameter `name` of `op` holds.
    pub fn holds(&self, op: &Operation, name: &str) -> Holds {
        let parameter = self.parameter(op, name);
        let schema = self.resolve(&parameter["schema"]);
        if schema["format"] == "password" {
            return Holds::Credential;
        }
        let record = match parameter["in"].as_str() {
            Some("path") => schema["type"] == "integer",
            Some("query") => name.ends_with("_id"),
            _ => false,
        };
        if record { Holds::Record } else { Holds::Plain }
    }

    /// Whether `op` must have parameter `name`.
    pub fn required(&self, op: &Operation, name: &str) -> bool {
        self.parameter(op, name)["required"] == true
    }

    /// A valid value of a plain parameter: its "none" marker, its example (JSON text for a JSON
    /// parameter), its first choice, its default, or a value of its type.
    pub fn plain_value(&self, op: &Operation, name: &str) -> String {
        let parameter = self.parameter(op, name);
        let schema = self.resolve(&parameter["schema"]);
        let found = [
            parameter.get("x-webshare-empty"),
            parameter.pointer("/x-webshare-list/empty"),
            parameter.get("example"),
            parameter.pointer("/content/application~1json/example"),
            schema.pointer("/enum/0"),
            schema.get("example"),
            schema.get("default"),
        ]
        .into_iter()
        .flatten()
        .next();
        match found {
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
            None => match schema["type"].as_str() {
                Some("integer") => "1".into(),
                Some("boolean") => "true".into(),
                _ => "x".into(),
            },
        }
    }

    /// The body of `op`'s request example; `None` when it takes no body.
    pub fn body(&self, op: &Operation) -> Option<Body> {
        let content = self.operation(op).pointer("/requestBody/content")?;
        let example = |media: &Value| -> Value {
            media
                .get("example")
                .or_else(|| media.pointer("/schema/example"))
                .cloned()
                .unwrap_or_else(|| panic!("{}: the request body has an example", op.name))
        };
        if let Some(json) = content.get("application/json") {
            return Some(Body::Json(example(json)));
        }
        let form = content
            .get("multipart/form-data")
            .unwrap_or_else(|| panic!("{}: a JSON or multipart body", op.name));
        match example(form) {
            Value::Object(fields) => Some(Body::Form(fields)),
            other => panic!("{}: a form's example is an object, not {other}", op.name),
        }
    }

    /// Whether `op` documents an answer of `status`.
    pub fn documents(&self, op: &Operation, status: u16) -> bool {
        self.operation(op)["responses"]
            .get(status.to_string())
            .is_some()
    }

    /// The choices of the string enum schema `name`.
    pub fn choices(&self, name: &str) -> Vec<String> {
        self.document["components"]["schemas"][name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("schema {name} is an enum"))
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    }
}
