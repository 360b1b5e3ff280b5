//! What the command line needs beyond the transport facts, read from the same document: the simple fields
//! of each JSON request body (they become flags), where secrets sit in each answer (withheld from human and
//! JSON output unless asked for), what an operation spends (a confirmation before sending), and the
//! command line's defaults of required parameters.

use std::collections::BTreeMap;

use openapiv3::{
    OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use crate::facts::component;

/// `x-webshare-spends` on an operation: what sending it spends (a paid refresh, a replacement, money).
const SPENDS: &str = "x-webshare-spends";
/// `x-webshare-cli-default` on a required parameter: the command line's value when the flag is absent.
const CLI_DEFAULT: &str = "x-webshare-cli-default";

/// The command line's facts of one operation.
#[derive(Debug, Clone, Default)]
pub struct OperationCli {
    /// The body's fields that a flag can carry; nested ones and secrets only travel in `--body`.
    pub body_fields: Vec<BodyField>,
    /// Paths of the secrets in the answer: field names joined by `.`, `[]` for each item of an array.
    pub secrets: Vec<String>,
    /// What sending it spends, if anything: asked for confirmation.
    pub spends: Option<String>,
    /// The command line's default of a required parameter, by parameter name.
    pub defaults: BTreeMap<String, String>,
}

/// One flag-sized field of a JSON request body.
#[derive(Debug, Clone)]
pub struct BodyField {
    pub name: String,
    pub required: bool,
    pub kind: BodyKind,
    pub description: String,
}

/// A body field's value type, as a flag reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyKind {
    String,
    /// `format: date-time`: read as RFC 3339 on the command line, like a parameter.
    DateTime,
    Int,
    Number,
    Bool,
    Enum(Vec<String>),
    StringList,
    IntList,
    /// An object of counts by key (proxies by country): `US=5,FR=3`.
    CountMap,
}

/// The command line's facts of every operation, by `operationId`.
pub fn read(spec: &OpenAPI) -> Result<BTreeMap<String, OperationCli>, String> {
    let mut out = BTreeMap::new();
    for (path, method, op) in crate::spec::operations(spec) {
        let id = op.operation_id.clone().unwrap_or_default();
        let mut facts = OperationCli::default();
        if let Some(ReferenceOr::Item(body)) = &op.request_body
            && let Some(schema) = body
                .content
                .get("application/json")
                .and_then(|m| m.schema.as_ref())
        {
            facts.body_fields = body_fields(spec, schema)
                .map_err(|e| format!("`{id}` ({method} {path}): request body: {e}"))?;
        }
        if let Some(schema) = success_schema(op) {
            let mut secrets = Vec::new();
            secret_paths(spec, schema, String::new(), 0, &mut secrets);
            secrets.sort();
            secrets.dedup();
            facts.secrets = secrets;
        }
        match op.extensions.get(SPENDS) {
            Some(serde_json::Value::String(what)) => facts.spends = Some(what.clone()),
            Some(_) => {
                return Err(format!(
                    "`{id}`: `{SPENDS}` must be a string (what it spends)."
                ));
            }
            None => {}
        }
        for param in &op.parameters {
            let ReferenceOr::Item(param) = param else {
                continue;
            };
            let data = param.parameter_data_ref();
            match data.extensions.get(CLI_DEFAULT) {
                Some(serde_json::Value::String(v)) if data.required => {
                    facts.defaults.insert(data.name.clone(), v.clone());
                }
                Some(_) => {
                    return Err(format!(
                        "`{id}`: `{CLI_DEFAULT}` is a string, on required parameters (`{}`).",
                        data.name
                    ));
                }
                None => {}
            }
        }
        out.insert(id, facts);
    }
    Ok(out)
}

fn success_schema(op: &openapiv3::Operation) -> Option<&ReferenceOr<Schema>> {
    op.responses
        .responses
        .iter()
        .filter(|(status, _)| matches!(status, openapiv3::StatusCode::Code(200..=299)))
        .find_map(|(_, r)| r.as_item())
        .and_then(|r| r.content.get("application/json"))
        .and_then(|m| m.schema.as_ref())
}

/// The schema a reference names, or the schema itself.
fn resolve<'a>(spec: &'a OpenAPI, schema: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Reference { reference } => {
            component(spec, reference.trim_start_matches("#/components/schemas/")).ok()
        }
        ReferenceOr::Item(s) => Some(s),
    }
}

fn unbox(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Item(s) => ReferenceOr::Item((**s).clone()),
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
    }
}

fn body_fields(spec: &OpenAPI, schema: &ReferenceOr<Schema>) -> Result<Vec<BodyField>, String> {
    let schema = resolve(spec, schema).ok_or("refers to a missing schema.")?;
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Ok(Vec::new());
    };
    let mut fields = Vec::new();
    for (name, property) in &object.properties {
        let property = unbox(property);
        if let Some(kind) = flag_kind(spec, &property) {
            let description = resolve(spec, &property)
                .and_then(|s| s.schema_data.description.clone())
                .unwrap_or_default();
            fields.push(BodyField {
                name: name.clone(),
                required: object.required.contains(name),
                kind,
                description,
            });
        }
    }
    Ok(fields)
}

/// How a flag carries a value of this schema, or `None` when only `--body` can (objects, secrets).
fn flag_kind(spec: &OpenAPI, schema: &ReferenceOr<Schema>) -> Option<BodyKind> {
    let schema = resolve(spec, schema)?;
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Password) {
                None
            } else if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) {
                Some(BodyKind::DateTime)
            } else if !s.enumeration.is_empty() {
                Some(BodyKind::Enum(
                    s.enumeration.iter().flatten().cloned().collect(),
                ))
            } else {
                Some(BodyKind::String)
            }
        }
        SchemaKind::Type(Type::Integer(_)) => Some(BodyKind::Int),
        SchemaKind::Type(Type::Number(_)) => Some(BodyKind::Number),
        SchemaKind::Type(Type::Boolean(_)) => Some(BodyKind::Bool),
        SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => {
            match o.additional_properties.as_ref()? {
                openapiv3::AdditionalProperties::Schema(values) => {
                    (flag_kind(spec, values)? == BodyKind::Int).then_some(BodyKind::CountMap)
                }
                openapiv3::AdditionalProperties::Any(_) => None,
            }
        }
        SchemaKind::Type(Type::Array(a)) => match flag_kind(spec, &unbox(a.items.as_ref()?))? {
            BodyKind::String | BodyKind::DateTime | BodyKind::Enum(_) => Some(BodyKind::StringList),
            BodyKind::Int => Some(BodyKind::IntList),
            _ => None,
        },
        _ => None,
    }
}

/// Appends the path of every `format: password` string below `schema`.
fn secret_paths(
    spec: &OpenAPI,
    schema: &ReferenceOr<Schema>,
    at: String,
    depth: usize,
    out: &mut Vec<String>,
) {
    if depth > 16 {
        return;
    }
    let Some(schema) = resolve(spec, schema) else {
        return;
    };
    let join = |name: &str| {
        if at.is_empty() {
            name.to_owned()
        } else {
            format!("{at}.{name}")
        }
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s))
            if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Password) =>
        {
            out.push(at);
        }
        SchemaKind::Type(Type::Object(o)) => {
            for (name, property) in &o.properties {
                secret_paths(spec, &unbox(property), join(name), depth + 1, out);
            }
        }
        SchemaKind::Type(Type::Array(a)) => {
            if let Some(items) = &a.items {
                secret_paths(spec, &unbox(items), join("[]"), depth + 1, out);
            }
        }
        SchemaKind::AllOf { all_of: members }
        | SchemaKind::OneOf { one_of: members }
        | SchemaKind::AnyOf { any_of: members } => {
            for member in members {
                secret_paths(spec, member, at.clone(), depth + 1, out);
            }
        }
        _ => {}
    }
}
