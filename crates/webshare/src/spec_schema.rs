//! The spec's response schemas as JSON Schema validators, and their errors as [`Difference`]s.
//!
//! The embedded document (OpenAPI 3.0) becomes JSON Schema draft 4 (which 3.0's schemas are based on) with
//! one rewrite: `nullable: true` becomes `type: [T, "null"]` (or an `anyOf` with `null` where the schema has
//! no `type`). An error's message quotes the value it rejected, so only its location, its kind and the
//! schema's own words are used: never the value.

use std::collections::HashMap;
use std::sync::LazyLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError, Validator};
use serde_json::{Map, Value};
use webshare_api::operations::{self, OperationId};

use crate::{Difference, ValueKind};

/// Each operation's success-body validator.
pub(crate) struct SpecSchemas {
    validators: HashMap<OperationId, Validator>,
    /// The document as the spec has it (parameters, examples), for the check's planning.
    pub(crate) document: Value,
}

static SCHEMAS: LazyLock<Result<SpecSchemas, String>> = LazyLock::new(SpecSchemas::build);

impl SpecSchemas {
    /// The schemas, built once; an error says why the embedded document could not be used.
    pub(crate) fn get() -> Result<&'static Self, String> {
        SCHEMAS.as_ref().map_err(Clone::clone)
    }

    fn build() -> Result<Self, String> {
        let document: Value = serde_json::from_str(webshare_api::spec::DOCUMENT)
            .map_err(|e| format!("the embedded OpenAPI document is not JSON: {e}"))?;
        let mut components = document
            .get("components")
            .cloned()
            .unwrap_or(Value::Object(Map::new()));
        to_json_schema(&mut components);
        let mut validators = HashMap::new();
        for operation in operations::ALL {
            let Some(mut schema) =
                webshare_api::spec::success_schema(&document, operation).cloned()
            else {
                continue;
            };
            to_json_schema(&mut schema);
            let root = serde_json::json!({
                "allOf": [schema],
                "components": components,
            });
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft4)
                .build(&root)
                .map_err(|e| {
                    format!(
                        "the schema of `{}` is not valid JSON Schema: {}",
                        operation.name,
                        e.kind_name()
                    )
                })?;
            validators.insert(operation.id, validator);
        }
        Ok(Self {
            validators,
            document,
        })
    }

    /// Whether the operation answers JSON the spec describes.
    pub(crate) fn has_schema(&self, operation: OperationId) -> bool {
        self.validators.contains_key(&operation)
    }

    /// Every way `body` differs from the operation's success schema (empty when it matches).
    pub(crate) fn differences(&self, operation: OperationId, body: &Value) -> Vec<Difference> {
        let Some(validator) = self.validators.get(&operation) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for error in validator.iter_errors(body) {
            describe(&error, body, &mut out);
        }
        out.dedup();
        out
    }
}

/// OpenAPI 3.0's `nullable` as JSON Schema, everywhere in `value`.
fn to_json_schema(value: &mut Value) {
    match value {
        Value::Object(object) => {
            for child in object.values_mut() {
                to_json_schema(child);
            }
            if object.remove("nullable") != Some(Value::Bool(true)) {
                return;
            }
            let composite = ["allOf", "anyOf", "oneOf", "$ref"]
                .iter()
                .any(|k| object.contains_key(*k));
            if let (false, Some(Value::String(ty))) = (composite, object.get("type").cloned()) {
                object.insert("type".into(), serde_json::json!([ty, "null"]));
                if let Some(Value::Array(values)) = object.get_mut("enum") {
                    values.push(Value::Null);
                }
            } else {
                let inner = Value::Object(std::mem::take(object));
                object.insert("anyOf".into(), serde_json::json!([inner, {"type": "null"}]));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(to_json_schema),
        _ => {}
    }
}

/// The differences an error stands for: a failed `anyOf`/`oneOf` (a nullable reference, a tagged union)
/// is described by its closest branch, so the report points at the field inside.
fn describe(error: &ValidationError<'_>, body: &Value, out: &mut Vec<Difference>) {
    let path = path_of(error, body);
    let found = ValueKind::of(error.instance());
    let (path, expected, found) = match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let closest = context
                .iter()
                .filter(|branch| !branch.is_empty())
                .min_by_key(|branch| branch.len());
            match closest {
                // A `null` where null is not allowed, or a value of another kind than every branch.
                Some(branch) if !error.instance().is_null() => {
                    for inner in branch {
                        describe(inner, body, out);
                    }
                    return;
                }
                _ => (path, "one of the documented shapes".to_owned(), found),
            }
        }
        ValidationErrorKind::Type { kind } => (path, expected_type(kind), found),
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or("a field");
            let path = if path == "." {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            };
            (
                path,
                "a value (the field is required)".to_owned(),
                ValueKind::Missing,
            )
        }
        ValidationErrorKind::Enum { options } => {
            let listed: Vec<String> = options
                .as_array()
                .into_iter()
                .flatten()
                .map(|o| match o {
                    Value::String(s) => format!("`{s}`"),
                    other => other.to_string(),
                })
                .collect();
            (path, format!("one of {}", listed.join(", ")), found)
        }
        ValidationErrorKind::Minimum { limit } => (path, format!("at least {limit}"), found),
        ValidationErrorKind::Maximum { limit } => (path, format!("at most {limit}"), found),
        ValidationErrorKind::MinLength { limit } => {
            (path, format!("at least {limit} characters"), found)
        }
        ValidationErrorKind::MaxLength { limit } => {
            (path, format!("at most {limit} characters"), found)
        }
        ValidationErrorKind::MinItems { limit } => (path, format!("at least {limit} items"), found),
        ValidationErrorKind::MaxItems { limit } => (path, format!("at most {limit} items"), found),
        ValidationErrorKind::Pattern { .. } => {
            (path, "a string of the documented pattern".to_owned(), found)
        }
        _ => (
            path,
            format!("a value as documented ({})", error.kind_name()),
            found,
        ),
    };
    out.push(Difference {
        path,
        expected,
        found,
    });
}

/// The instance location as `results[3].country_code` (array positions in brackets).
fn path_of(error: &ValidationError<'_>, body: &Value) -> String {
    let pointer = error.instance_path().as_str();
    let mut text = String::new();
    let mut current = Some(body);
    for raw in pointer.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        match current {
            Some(Value::Array(items)) => {
                text.push_str(&format!("[{segment}]"));
                current = segment.parse::<usize>().ok().and_then(|i| items.get(i));
            }
            other => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(&segment);
                current = other.and_then(|v| v.get(&segment));
            }
        }
    }
    if text.is_empty() {
        ".".to_owned()
    } else {
        text
    }
}

fn expected_type(kind: &TypeKind) -> String {
    let name = |t: JsonType| match t {
        JsonType::Null => "null",
        JsonType::Boolean => "a boolean",
        JsonType::Integer => "an integer",
        JsonType::Number => "a number",
        JsonType::String => "a string",
        JsonType::Array => "an array",
        JsonType::Object => "an object",
    };
    match kind {
        TypeKind::Single(t) => name(*t).to_owned(),
        TypeKind::Multiple(set) => set.iter().map(name).collect::<Vec<_>>().join(" or "),
    }
}

trait KindName {
    fn kind_name(&self) -> &'static str;
}

impl KindName for ValidationError<'_> {
    /// The keyword that failed, without the value the error's message would quote.
    fn kind_name(&self) -> &'static str {
        match self.kind() {
            ValidationErrorKind::Format { .. } => "format",
            ValidationErrorKind::MultipleOf { .. } => "multipleOf",
            ValidationErrorKind::UniqueItems => "uniqueItems",
            ValidationErrorKind::AdditionalProperties { .. } => "additionalProperties",
            ValidationErrorKind::Constant { .. } => "const",
            ValidationErrorKind::Not { .. } => "not",
            ValidationErrorKind::OneOfMultipleValid { .. } => "oneOf (several match)",
            _ => "schema",
        }
    }
}
