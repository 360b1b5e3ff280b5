//! The breaking-change gate: what a client built against the baseline document would trip over in the
//! current one. `openapi/baseline/webshare.yaml` is the last released document; `cargo xtask
//! bump-baseline` replaces it, deliberately, after a release.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use openapiv3::{OpenAPI, Operation, ReferenceOr, Schema, SchemaKind, Type};

use crate::{codegen, spec};

/// The released document, relative to the workspace root.
pub const BASELINE_PATH: &str = "openapi/baseline/webshare.yaml";

/// Every change from `old` to `new` that can break an existing client, one sentence each:
/// a removed operation or documented response, a removed or retyped response field, a response field
/// that became optional or nullable, a new required request field, a retyped request field.
pub fn breaking_changes(old: &OpenAPI, new: &OpenAPI) -> Vec<String> {
    let mut changes = Vec::new();
    let new_ops: BTreeMap<_, _> = spec::operations(new)
        .map(|(path, method, op)| ((path, method), op))
        .collect();
    for (path, method, old_op) in spec::operations(old) {
        let name = format!(
            "{} {path} ({})",
            method.to_uppercase(),
            old_op.operation_id.as_deref().unwrap_or("?")
        );
        let Some(new_op) = new_ops.get(&(path, method)) else {
            changes.push(format!("{name}: the operation was removed"));
            continue;
        };
        compare_requests(old, new, old_op, new_op, &name, &mut changes);
        compare_responses(old, new, old_op, new_op, &name, &mut changes);
    }
    changes
}

fn compare_requests(
    old: &OpenAPI,
    new: &OpenAPI,
    old_op: &Operation,
    new_op: &Operation,
    name: &str,
    changes: &mut Vec<String>,
) {
    let (old_fields, new_fields) = (request_fields(old, old_op), request_fields(new, new_op));
    for (field, new_field) in &new_fields {
        match old_fields.get(field) {
            None if new_field.required => {
                changes.push(format!("{name}: new required request field `{field}`"))
            }
            Some(old_field) if new_field.required && !old_field.required => {
                changes.push(format!("{name}: request field `{field}` became required"))
            }
            Some(old_field) if old_field.ty != new_field.ty => changes.push(format!(
                "{name}: request field `{field}` changed type from {} to {}",
                old_field.ty, new_field.ty
            )),
            _ => {}
        }
    }
}

fn compare_responses(
    old: &OpenAPI,
    new: &OpenAPI,
    old_op: &Operation,
    new_op: &Operation,
    name: &str,
    changes: &mut Vec<String>,
) {
    for (status, old_response) in &old_op.responses.responses {
        let Some(new_response) = new_op.responses.responses.get(status) else {
            changes.push(format!(
                "{name}: the documented {status} response was removed"
            ));
            continue;
        };
        let (old_fields, new_fields) = (
            response_fields(old, old_response),
            response_fields(new, new_response),
        );
        for (field, old_field) in &old_fields {
            match new_fields.get(field) {
                None => changes.push(format!(
                    "{name}: response field `{field}` of {status} was removed"
                )),
                Some(new_field) if new_field.ty != old_field.ty => changes.push(format!(
                    "{name}: response field `{field}` of {status} changed type from {} to {}",
                    old_field.ty, new_field.ty
                )),
                Some(new_field) if old_field.required && !new_field.required => changes.push(
                    format!("{name}: response field `{field}` of {status} became optional"),
                ),
                Some(new_field) if new_field.nullable && !old_field.nullable => changes.push(
                    format!("{name}: response field `{field}` of {status} became nullable"),
                ),
                _ => {}
            }
        }
    }
}

/// What a client relies on about one top-level field of a body.
#[derive(Debug, PartialEq, Eq)]
struct Field {
    ty: String,
    required: bool,
    nullable: bool,
}

fn request_fields(spec: &OpenAPI, op: &Operation) -> BTreeMap<String, Field> {
    let body = op
        .request_body
        .as_ref()
        .and_then(|b| resolve(spec, b, "requestBodies"));
    let schema = body
        .and_then(|b| b.content.get("application/json"))
        .and_then(|m| m.schema.as_ref());
    schema.map(|s| fields(spec, s)).unwrap_or_default()
}

fn response_fields(
    spec: &OpenAPI,
    response: &ReferenceOr<openapiv3::Response>,
) -> BTreeMap<String, Field> {
    let response = resolve(spec, response, "responses");
    let schema = response
        .and_then(|r| r.content.get("application/json"))
        .and_then(|m| m.schema.as_ref());
    schema.map(|s| fields(spec, s)).unwrap_or_default()
}

fn fields(spec: &OpenAPI, schema: &ReferenceOr<Schema>) -> BTreeMap<String, Field> {
    let Some(schema) = resolve_schema(spec, schema) else {
        return BTreeMap::new();
    };
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return BTreeMap::new();
    };
    object
        .properties
        .iter()
        .map(|(name, property)| {
            let property = property.clone().unbox();
            let resolved = resolve_schema(spec, &property);
            let field = Field {
                ty: type_name(spec, &property),
                required: object.required.contains(name),
                nullable: resolved.is_some_and(|s| s.schema_data.nullable),
            };
            (name.clone(), field)
        })
        .collect()
}

/// A type as a client sees it: `string`, `string(date-time)`, `array of FieldError`, `ErrorCode`, ...
fn type_name(spec: &OpenAPI, schema: &ReferenceOr<Schema>) -> String {
    if let ReferenceOr::Reference { reference } = schema {
        return reference.rsplit('/').next().unwrap_or(reference).to_owned();
    }
    let Some(schema) = resolve_schema(spec, schema) else {
        return "?".into();
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => match serde_json::to_value(&s.format) {
            Ok(serde_json::Value::String(format)) if !format.is_empty() => {
                format!("string({format})")
            }
            _ => "string".into(),
        },
        SchemaKind::Type(Type::Boolean(_)) => "boolean".into(),
        SchemaKind::Type(Type::Integer(_)) => "integer".into(),
        SchemaKind::Type(Type::Number(_)) => "number".into(),
        SchemaKind::Type(Type::Object(_)) => "object".into(),
        SchemaKind::Type(Type::Array(a)) => {
            let items = a
                .items
                .as_ref()
                .map(|i| type_name(spec, &i.clone().unbox()));
            format!("array of {}", items.unwrap_or_else(|| "anything".into()))
        }
        _ => "a composite schema".into(),
    }
}

fn resolve_schema<'a>(spec: &'a OpenAPI, schema: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/schemas/")?;
            resolve_schema(spec, spec.components.as_ref()?.schemas.get(name)?)
        }
    }
}

fn resolve<'a, T>(spec: &'a OpenAPI, item: &'a ReferenceOr<T>, kind: &str) -> Option<&'a T>
where
    openapiv3::Components: ComponentsOf<T>,
{
    match item {
        ReferenceOr::Item(item) => Some(item),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix(&format!("#/components/{kind}/"))?;
            spec.components.as_ref()?.items().get(name)?.as_item()
        }
    }
}

/// The component map that holds `T`s.
trait ComponentsOf<T> {
    fn items(&self) -> &indexmap::IndexMap<String, ReferenceOr<T>>;
}

impl ComponentsOf<openapiv3::Response> for openapiv3::Components {
    fn items(&self) -> &indexmap::IndexMap<String, ReferenceOr<openapiv3::Response>> {
        &self.responses
    }
}

impl ComponentsOf<openapiv3::RequestBody> for openapiv3::Components {
    fn items(&self) -> &indexmap::IndexMap<String, ReferenceOr<openapiv3::RequestBody>> {
        &self.request_bodies
    }
}

/// The breaking changes of the committed document against the baseline.
pub fn check(root: &Path) -> Result<Vec<String>> {
    let baseline = spec::load(&root.join(BASELINE_PATH))?;
    let current = spec::load(&root.join(codegen::SPEC_PATH))?;
    Ok(breaking_changes(&baseline, &current))
}

/// Makes the current document the baseline. Refuses when the version did not change, or when it has
/// breaking changes without a new major version.
pub fn bump_baseline(root: &Path) -> Result<String> {
    let baseline = spec::load(&root.join(BASELINE_PATH))?;
    let current = spec::load(&root.join(codegen::SPEC_PATH))?;
    let (old, new) = (&baseline.info.version, &current.info.version);
    if old == new {
        bail!(
            "info.version is still {new}: raise it (semver) and note the change in openapi/CHANGELOG.md first"
        );
    }
    let breaking = breaking_changes(&baseline, &current);
    let major = |v: &str| v.split('.').next().unwrap_or("").to_owned();
    if !breaking.is_empty() && major(old) == major(new) {
        bail!(
            "{} breaking change(s) need a new major version (baseline {old}, current {new}):\n  {}",
            breaking.len(),
            breaking.join("\n  ")
        );
    }
    std::fs::copy(root.join(codegen::SPEC_PATH), root.join(BASELINE_PATH))
        .context("cannot write the baseline")?;
    Ok(format!("baseline is now {new} (was {old})"))
}
