//! Answers that drift from the spec the way live APIs drift, so that a client's tolerance can be tested
//! (as gapic-showcase does for generator authors): [`Config::drift`](crate::Config::drift) or
//! [`MockServer::set_drift`](crate::MockServer::set_drift) chooses a [`Drift`], and every successful JSON
//! answer is rewritten by walking it beside its schema in the embedded OpenAPI document.
//!
//! The harmless kinds (new enum values and kinds, extra fields, `null` or absent nullable fields) must not
//! break a tolerant client; the harmful ones (a wrong type, a missing required field) plant exactly one
//! difference, whose JSON path [`MockServer::drifted`](crate::MockServer::drifted) reports, so a test can
//! check that the client names it.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{LazyLock, Mutex};

use axum::body::Body;
use axum::http::header;
use axum::response::Response;
use serde_json::{Map, Value};
use webshare_api::operations::OperationId;

/// A way answers drift from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Drift {
    /// Every enum value in an answer is one the spec does not list, and every `type`-tagged object (a
    /// replacement selector) is of a kind it does not list.
    UnknownEnumValues,
    /// Every object has a field the spec does not list, and every map a new key.
    ExtraFields,
    /// Every nullable field is `null`.
    NullNullable,
    /// Every nullable field's key is left out.
    AbsentNullable,
    /// Harmful: the first scalar field of the answer has a value of another type (an object).
    WrongType,
    /// Harmful: the first required, non-nullable field of the answer is left out.
    MissingRequired,
}

impl Drift {
    /// Every kind, harmless ones first.
    pub const ALL: [Drift; 6] = [
        Self::UnknownEnumValues,
        Self::ExtraFields,
        Self::NullNullable,
        Self::AbsentNullable,
        Self::WrongType,
        Self::MissingRequired,
    ];

    /// Whether a client that reads tolerantly keeps working.
    pub fn is_harmless(self) -> bool {
        !matches!(self, Self::WrongType | Self::MissingRequired)
    }

    /// The kind's name, as the command line takes it (`unknown-enum-values`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::UnknownEnumValues => "unknown-enum-values",
            Self::ExtraFields => "extra-fields",
            Self::NullNullable => "null-nullable",
            Self::AbsentNullable => "absent-nullable",
            Self::WrongType => "wrong-type",
            Self::MissingRequired => "missing-required",
        }
    }
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A drift name that is not one of [`Drift::name`]'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownDrift(pub String);

impl fmt::Display for UnknownDrift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = Drift::ALL.iter().map(|d| d.name()).collect();
        write!(
            f,
            "`{}` is not a kind of drift; one of: {}",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownDrift {}

impl FromStr for Drift {
    type Err = UnknownDrift;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|d| d.name() == name)
            .ok_or_else(|| UnknownDrift(name.to_owned()))
    }
}

/// The value planted for an enum, a `type` tag and an extra field.
pub const UNKNOWN_VALUE: &str = "drift_unknown_value";
/// The name of the planted extra field (and the key added to maps).
pub const EXTRA_FIELD: &str = "drift_extra_field";

/// The document, parsed once, and each operation's success schema.
struct Document {
    root: Value,
    schemas: HashMap<OperationId, Value>,
}

static DOCUMENT: LazyLock<Document> = LazyLock::new(|| {
    let root: Value = serde_json::from_str(webshare_api::spec::DOCUMENT)
        .expect("the embedded document is the generator's JSON");
    let mut schemas = HashMap::new();
    for operation in webshare_api::operations::ALL {
        if let Some(schema) = webshare_api::spec::success_schema(&root, operation) {
            schemas.insert(operation.id, schema.clone());
        }
    }
    Document { root, schemas }
});

/// Rewrites `value`, the success answer of `operation`, as `drift` says; returns the JSON paths it changed
/// (for the harmful kinds, at most one).
pub fn apply(operation: OperationId, drift: Drift, value: &mut Value) -> Vec<String> {
    let document = &*DOCUMENT;
    let Some(schema) = document.schemas.get(&operation) else {
        return Vec::new();
    };
    let mut walker = Walker {
        root: &document.root,
        drift,
        planted: Vec::new(),
    };
    walker.walk(value, schema, "", None, 0);
    walker.planted
}

struct Walker<'a> {
    root: &'a Value,
    drift: Drift,
    planted: Vec<String>,
}

/// Deeper than any answer of the spec: a bound on the walk, not a limit met in practice.
const MAX_DEPTH: usize = 32;

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

impl<'a> Walker<'a> {
    /// The schema `schema` stands for: `$ref`s followed, a lone `allOf` (the document's way of making a
    /// reference nullable) unwrapped.
    fn resolve(&self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..MAX_DEPTH {
            if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
                match reference
                    .strip_prefix('#')
                    .and_then(|p| self.root.pointer(p))
                {
                    Some(target) => schema = target,
                    None => return schema,
                }
            } else if let Some([only]) = schema
                .get("allOf")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                && schema.get("properties").is_none()
            {
                schema = only;
            } else {
                return schema;
            }
        }
        schema
    }

    fn nullable(&self, schema: &Value) -> bool {
        schema.get("nullable") == Some(&Value::Bool(true))
            || self.resolve(schema).get("nullable") == Some(&Value::Bool(true))
    }

    fn harmful_done(&self) -> bool {
        !self.drift.is_harmless() && !self.planted.is_empty()
    }

    /// `tag`: the discriminator property of the union being walked, which keeps its value.
    fn walk(
        &mut self,
        value: &mut Value,
        schema: &'a Value,
        path: &str,
        tag: Option<&str>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH || self.harmful_done() {
            return;
        }
        let schema = self.resolve(schema);
        if let Some(members) = schema.get("oneOf").and_then(Value::as_array) {
            self.walk_union(value, schema, members, path, depth);
            return;
        }
        match value {
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (index, item) in items.iter_mut().enumerate() {
                        self.walk(
                            item,
                            item_schema,
                            &format!("{path}[{index}]"),
                            None,
                            depth + 1,
                        );
                    }
                }
            }
            Value::Object(object) => {
                if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                    self.walk_object(object, schema, properties, path, tag, depth);
                } else if let Some(values) =
                    schema.get("additionalProperties").filter(|s| s.is_object())
                {
                    self.walk_map(object, values, path, depth);
                }
            }
            _ => {}
        }
    }

    fn walk_union(
        &mut self,
        value: &mut Value,
        schema: &'a Value,
        members: &'a [Value],
        path: &str,
        depth: usize,
    ) {
        let Some(discriminator) = schema.get("discriminator") else {
            return; // an untagged choice (a string or an integer): left as it is
        };
        let Some(tag) = discriminator.get("propertyName").and_then(Value::as_str) else {
            return;
        };
        let Some(object) = value.as_object_mut() else {
            return;
        };
        if self.drift == Drift::UnknownEnumValues && object.contains_key(tag) {
            object.insert(tag.to_owned(), UNKNOWN_VALUE.into());
            self.planted.push(child(path, tag));
            return;
        }
        let Some(kind) = object.get(tag).and_then(Value::as_str) else {
            return;
        };
        let member = discriminator
            .get("mapping")
            .and_then(|m| m.get(kind))
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| self.root.pointer(p))
            .or_else(|| members.first());
        if let Some(member) = member {
            self.walk(value, member, path, Some(tag), depth + 1);
        }
    }

    fn walk_object(
        &mut self,
        object: &mut Map<String, Value>,
        schema: &'a Value,
        properties: &'a Map<String, Value>,
        path: &str,
        tag: Option<&str>,
        depth: usize,
    ) {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (name, property) in properties {
            if self.harmful_done() {
                return;
            }
            let Some(current) = object.get(name) else {
                continue;
            };
            let here = child(path, name);
            let nullable = self.nullable(property);
            let resolved = self.resolve(property);
            let planted = match self.drift {
                Drift::NullNullable if nullable => {
                    object.insert(name.clone(), Value::Null);
                    true
                }
                Drift::AbsentNullable if nullable => {
                    object.remove(name);
                    true
                }
                Drift::UnknownEnumValues
                    if Some(name.as_str()) != tag
                        && current.is_string()
                        && is_string_enum(resolved) =>
                {
                    object.insert(name.clone(), UNKNOWN_VALUE.into());
                    true
                }
                Drift::WrongType if !current.is_null() && is_scalar(resolved) => {
                    object.insert(
                        name.clone(),
                        serde_json::json!({ "drift": "a value of another type" }),
                    );
                    true
                }
                Drift::MissingRequired if !nullable && required.contains(&name.as_str()) => {
                    object.remove(name);
                    true
                }
                _ => false,
            };
            if planted {
                self.planted.push(here);
            } else if let Some(value) = object.get_mut(name) {
                self.walk(value, property, &here, None, depth + 1);
            }
        }
        if self.drift == Drift::ExtraFields {
            object.insert(
                EXTRA_FIELD.to_owned(),
                serde_json::json!({ "added": "by drift" }),
            );
            self.planted.push(child(path, EXTRA_FIELD));
        }
    }

    fn walk_map(
        &mut self,
        object: &mut Map<String, Value>,
        values: &'a Value,
        path: &str,
        depth: usize,
    ) {
        for (key, value) in object.iter_mut() {
            self.walk(value, values, &child(path, key), None, depth + 1);
        }
        // A map gains a key: a copy of one of its values, so the new entry has the documented shape.
        if self.drift == Drift::ExtraFields
            && let Some(first) = object.values().next().cloned()
        {
            object.insert(EXTRA_FIELD.to_owned(), first);
            self.planted.push(child(path, EXTRA_FIELD));
        }
    }
}

fn is_string_enum(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string") && schema.get("enum").is_some()
}

fn is_scalar(schema: &Value) -> bool {
    matches!(
        schema.get("type").and_then(Value::as_str),
        Some("string" | "integer" | "number" | "boolean")
    )
}

/// The drift in force (an atomic: every request reads it) and what it planted, per request.
#[derive(Default)]
pub(crate) struct DriftState {
    /// 0 for none, else 1 + the kind's index in [`Drift::ALL`].
    drift: AtomicU8,
    log: Mutex<Vec<(OperationId, Vec<String>)>>,
}

/// The most recent answers whose planted paths are kept (the oldest are dropped first).
const MAX_LOG: usize = 1_000;

impl DriftState {
    pub(crate) fn new(drift: Option<Drift>) -> Self {
        let state = Self::default();
        state.set(drift);
        state
    }

    pub(crate) fn set(&self, drift: Option<Drift>) {
        let code = drift.map_or(0, |d| {
            1 + Drift::ALL.iter().position(|k| *k == d).unwrap_or(0) as u8
        });
        self.drift.store(code, Ordering::Relaxed);
    }

    fn get(&self) -> Option<Drift> {
        match self.drift.load(Ordering::Relaxed) {
            0 => None,
            code => Drift::ALL.get(usize::from(code - 1)).copied(),
        }
    }

    pub(crate) fn log(&self) -> Vec<(OperationId, Vec<String>)> {
        crate::lock_unpoisoned(&self.log).clone()
    }
}

/// Rewrites `response`, a successful JSON answer of `operation`, when a drift is in force (called by the
/// fault layer, which wraps every operation already: no layer of its own, so no cost per request but an
/// atomic read). The mock's own answers are small, so the body is read whole (bounded all the same).
pub(crate) async fn rewrite(
    app: &crate::Shared,
    operation: OperationId,
    response: Response,
) -> Response {
    let Some(drift) = app.drift.get() else {
        return response;
    };
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !response.status().is_success() || !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, app.config.max_body_bytes.max(16 << 20)).await
    else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let planted = apply(operation, drift, &mut value);
    {
        let mut log = crate::lock_unpoisoned(&app.drift.log);
        if log.len() >= MAX_LOG {
            log.remove(0);
        }
        log.push((operation, planted));
    }
    let body = serde_json::to_vec(&value).unwrap_or_else(|_| bytes.to_vec());
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replacement() -> Value {
        serde_json::json!({
            "id": 1,
            "to_replace": {"type": "ip_range", "ip_ranges": ["10.0.0.0/24"]},
            "replace_with": [{"type": "any", "count": 1}],
            "dry_run": false,
            "state": "completed",
            "proxies_removed": 1,
            "proxies_added": 1,
            "reason": "proxy_replaced",
            "error": null,
            "error_code": null,
            "created_at": "2026-01-01T00:00:00Z",
            "dry_run_completed_at": null,
            "completed_at": null
        })
    }

    #[test]
    fn names_round_trip() {
        for drift in Drift::ALL {
            assert_eq!(drift.name().parse::<Drift>(), Ok(drift));
        }
        assert!(
            "sideways"
                .parse::<Drift>()
                .unwrap_err()
                .to_string()
                .contains("wrong-type")
        );
    }

    #[test]
    fn unknown_values_reach_enums_and_union_tags_but_not_member_tags() {
        let mut value = replacement();
        let planted = apply(
            OperationId::GetProxyReplacement,
            Drift::UnknownEnumValues,
            &mut value,
        );
        assert_eq!(value["state"], UNKNOWN_VALUE);
        assert_eq!(value["to_replace"]["type"], UNKNOWN_VALUE);
        assert!(planted.contains(&"state".to_owned()), "{planted:?}");
        assert!(
            planted.contains(&"replace_with[0].type".to_owned()),
            "{planted:?}"
        );
        assert_eq!(value["to_replace"]["ip_ranges"][0], "10.0.0.0/24");
    }

    #[test]
    fn harmful_kinds_plant_one_difference() {
        let mut value = replacement();
        let planted = apply(
            OperationId::GetProxyReplacement,
            Drift::WrongType,
            &mut value,
        );
        // The first scalar in the schema's order of properties.
        assert_eq!(planted.len(), 1, "{planted:?}");
        assert!(value[&planted[0]].is_object());
        let mut value = replacement();
        let planted = apply(
            OperationId::GetProxyReplacement,
            Drift::MissingRequired,
            &mut value,
        );
        assert_eq!(planted.len(), 1);
        assert!(value.get(&planted[0]).is_none());
    }

    #[test]
    fn nullable_fields_become_null_or_absent() {
        let mut value = replacement();
        let planted = apply(
            OperationId::GetProxyReplacement,
            Drift::NullNullable,
            &mut value,
        );
        assert!(planted.contains(&"state".to_owned()));
        assert!(value["state"].is_null());
        let mut value = replacement();
        apply(
            OperationId::GetProxyReplacement,
            Drift::AbsentNullable,
            &mut value,
        );
        assert!(value.get("state").is_none());
        assert!(value.get("id").is_some());
    }
}
