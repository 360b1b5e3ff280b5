//! The transport facts of every operation, read once from the OpenAPI document: method, path, parameters
//! (with the API's encoding of each), authentication, retry safety, response kind, pagination and rate-limit
//! class. The emitters (`emit.rs`, `emit_cli.rs`) turn them into code; nothing else reads the document for
//! them.

use std::collections::BTreeMap;

use openapiv3::{
    OpenAPI, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind,
    StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
}

/// A parameter's value type, with the API's encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    String,
    /// `format: password`: a `Secret`.
    Secret,
    Int,
    Bool,
    DateTime,
    /// A string enum of `components/schemas`: its name and values.
    Enum {
        name: String,
        values: Vec<String>,
    },
    /// A list written as one value: items joined by `separator`, and `empty` for none (path lists).
    List {
        item: Box<Kind>,
        separator: String,
        empty: Option<String>,
    },
    /// The API's `ordering`: fields joined by commas, a leading minus for descending.
    Ordering,
    /// A component schema written as JSON text (a `content: application/json` parameter).
    Json {
        name: String,
    },
}

/// One parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// The name on the wire (`country_code__in`, `X-Subuser`).
    pub name: String,
    pub location: Location,
    pub required: bool,
    pub kind: Kind,
    /// For a string path parameter: the placeholder meaning "none" (`x-webshare-empty`).
    pub empty: Option<String>,
    /// The schema's bounds: `minimum` of an integer, `minLength`/`maxLength` of a string (of each item, for
    /// a list).
    pub bounds: Bounds,
    /// For `starting_after`: the field of the last item that is the next page's cursor
    /// (`x-webshare-cursor-field`).
    pub cursor_field: Option<String>,
    pub description: String,
}

/// The bounds a value must keep, from its schema.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bounds {
    pub minimum: Option<i64>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
}

/// The bounds of a parameter's schema (of its items, for an array), `$ref`s followed.
fn bounds(spec: &OpenAPI, schema: &ReferenceOr<Schema>) -> Bounds {
    let schema = match schema {
        ReferenceOr::Reference { reference } => {
            match component(spec, reference.trim_start_matches("#/components/schemas/")) {
                Ok(s) => s,
                Err(_) => return Bounds::default(),
            }
        }
        ReferenceOr::Item(s) => s,
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(i)) => Bounds {
            minimum: i.minimum,
            ..Bounds::default()
        },
        SchemaKind::Type(Type::String(s)) => Bounds {
            min_length: s.min_length,
            max_length: s.max_length,
            ..Bounds::default()
        },
        SchemaKind::Type(Type::Array(a)) => match &a.items {
            Some(ReferenceOr::Item(item)) => bounds(spec, &ReferenceOr::Item((**item).clone())),
            Some(ReferenceOr::Reference { reference }) => bounds(
                spec,
                &ReferenceOr::Reference {
                    reference: reference.clone(),
                },
            ),
            None => Bounds::default(),
        },
        _ => Bounds::default(),
    }
}

/// How the response body is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseKind {
    Json,
    Empty,
    Text,
    Csv,
    Binary,
}

/// How a list is paged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pagination {
    None,
    /// `page`/`page_size`; the page schema's `results` hold items of this schema.
    PageNumber {
        item: String,
    },
    /// `starting_after`, set from this field of the last item.
    Cursor {
        item: String,
        field: String,
    },
    /// A bare JSON array of this schema.
    Array {
        item: String,
    },
}

/// Whether an operation sends `Authorization`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    Required,
    Optional,
    None,
}

/// One operation, as the transport sees it.
#[derive(Debug, Clone)]
pub struct OperationFacts {
    pub id: String,
    pub method: String,
    pub path: String,
    pub tag: String,
    pub summary: String,
    pub auth: Auth,
    pub retry_safe: bool,
    /// `x-webshare-charges`: it moves money, so it is never sent twice by one call.
    pub charges: bool,
    /// The JSON request body's schema name.
    pub body: Option<String>,
    /// The fields of a `multipart/form-data` body (empty when the body is not a form).
    pub form: Vec<FormField>,
    pub response: ResponseKind,
    /// The JSON success body's schema name (`None` when not JSON).
    pub response_schema: Option<String>,
    pub pagination: Pagination,
    pub rate_limit: String,
    pub params: Vec<Param>,
    /// Whether a secret (a `format: password` value) travels in the request or the response.
    pub carries_secrets: bool,
}

/// One field of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    pub name: String,
    pub required: bool,
    /// `type: string, format: binary`: a file part.
    pub file: bool,
    /// An array of them: the part may be repeated.
    pub repeated: bool,
    /// The media types a file may have (the form's `encoding.<field>.contentType`); empty for any.
    pub content_types: Vec<String>,
    /// A file's largest size in bytes (`maxLength` of the binary string).
    pub max_bytes: Option<u64>,
}

/// The document's facts: every operation, and the rate-limit classes with their per-minute limits.
#[derive(Debug, Clone)]
pub struct Facts {
    pub server_url: String,
    /// `info.version`: the API document's version, independent of the crates' versions.
    pub spec_version: String,
    pub rate_limits: BTreeMap<String, u32>,
    pub operations: Vec<OperationFacts>,
}

const RETRY_SAFE: &str = "x-webshare-retry-safe";
const CHARGES: &str = "x-webshare-charges";
const RATE_LIMIT: &str = "x-webshare-rate-limit";
const RATE_LIMITS: &str = "x-webshare-rate-limits";
const LIST: &str = "x-webshare-list";
const EMPTY: &str = "x-webshare-empty";
const CURSOR_FIELD: &str = "x-webshare-cursor-field";

/// Reads the facts; `Err` names the operation and what is wrong.
pub fn read(spec: &OpenAPI) -> Result<Facts, (Option<String>, String)> {
    let server_url = spec.servers.first().map(|s| s.url.clone()).ok_or((
        None,
        "has no `servers` entry (the production base URL).".into(),
    ))?;
    let rate_limits: BTreeMap<String, u32> = match spec.extensions.get(RATE_LIMITS) {
        Some(value) => serde_json::from_value(value.clone()).map_err(|e| {
            (
                None,
                format!("`{RATE_LIMITS}` must map class names to requests per minute: {e}."),
            )
        })?,
        None => {
            return Err((
                None,
                format!("has no `{RATE_LIMITS}` (per-minute limits by class)."),
            ));
        }
    };
    if !rate_limits.contains_key("general") {
        return Err((None, format!("`{RATE_LIMITS}` needs the `general` class.")));
    }
    let mut operations = Vec::new();
    for (path, method, op) in crate::spec::operations(spec) {
        let id = op.operation_id.clone().unwrap_or_default();
        let facts = operation(spec, path, method, op, &rate_limits).map_err(|m| {
            (
                Some(format!("`{id}` ({} {path})", method.to_uppercase())),
                m,
            )
        })?;
        operations.push(facts);
    }
    Ok(Facts {
        server_url,
        spec_version: spec.info.version.clone(),
        rate_limits,
        operations,
    })
}

fn operation(
    spec: &OpenAPI,
    path: &str,
    method: &str,
    op: &Operation,
    rate_limits: &BTreeMap<String, u32>,
) -> Result<OperationFacts, String> {
    let method = method.to_uppercase();
    let retry_safe = match op.extensions.get(RETRY_SAFE) {
        Some(serde_json::Value::Bool(b)) => *b,
        Some(_) => return Err(format!("`{RETRY_SAFE}` must be true or false.")),
        None => matches!(
            method.as_str(),
            "GET" | "PUT" | "DELETE" | "HEAD" | "OPTIONS"
        ),
    };
    let charges = match op.extensions.get(CHARGES) {
        Some(serde_json::Value::Bool(b)) => *b,
        Some(_) => return Err(format!("`{CHARGES}` must be true or false.")),
        None => false,
    };
    if charges && retry_safe {
        return Err(format!(
            "an operation that charges (`{CHARGES}`) cannot be retry-safe."
        ));
    }
    let rate_limit = match op.extensions.get(RATE_LIMIT) {
        Some(serde_json::Value::String(class)) if rate_limits.contains_key(class) => class.clone(),
        Some(other) => {
            return Err(format!(
                "`{RATE_LIMIT}: {other}` is not a class of `{RATE_LIMITS}` ({}).",
                rate_limits.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        None => "general".to_owned(),
    };
    let auth = match op.security.as_deref() {
        None => {
            return Err(
                "has no `security`; write `security: []` for an operation without a token.".into(),
            );
        }
        Some([]) => Auth::None,
        Some(alternatives) if alternatives.iter().any(|a| a.is_empty()) => Auth::Optional,
        Some(_) => Auth::Required,
    };
    let tag = op
        .tags
        .first()
        .cloned()
        .ok_or("has no tag (its documentation section).")?;
    let (body, form) = match &op.request_body {
        None => (None, Vec::new()),
        Some(ReferenceOr::Reference { .. }) => {
            return Err("request bodies must be inline.".into());
        }
        Some(ReferenceOr::Item(body)) => {
            if let Some(media) = body.content.get("application/json") {
                let name = schema_name(media.schema.as_ref())
                    .ok_or("the request body must be a `$ref` to a schema.")?;
                (Some(name), Vec::new())
            } else if let Some(media) = body.content.get("multipart/form-data") {
                (None, form_fields(media)?)
            } else {
                return Err(
                    "the transport sends JSON and multipart/form-data bodies only; add the \
                     operation's media type to xtask/src/facts.rs."
                        .into(),
                );
            }
        }
    };

    let mut params = Vec::new();
    for param in &op.parameters {
        params.push(parameter(spec, param)?);
    }
    let mut seen = std::collections::BTreeSet::new();
    for p in &params {
        if !seen.insert(p.name.to_ascii_lowercase()) {
            return Err(format!("declares the parameter `{}` twice.", p.name));
        }
    }
    for segment in path_parameters(path) {
        if !params
            .iter()
            .any(|p| p.location == Location::Path && p.name == segment)
        {
            return Err(format!(
                "its path has `{{{segment}}}` but no path parameter of that name."
            ));
        }
    }

    let (response, response_schema) = success(op)?;
    let pagination = pagination(spec, &params, response, response_schema.as_deref())?;
    let carries_secrets = params.iter().any(|p| p.kind == Kind::Secret)
        || [body.as_deref(), response_schema.as_deref()]
            .into_iter()
            .flatten()
            .any(|name| {
                let name = name.trim_start_matches('[').trim_end_matches(']');
                has_secret(
                    spec,
                    &ReferenceOr::Reference {
                        reference: format!("#/components/schemas/{name}"),
                    },
                    0,
                )
            });
    Ok(OperationFacts {
        id: op.operation_id.clone().unwrap_or_default(),
        method,
        path: path.to_owned(),
        tag,
        summary: op.summary.clone().unwrap_or_default(),
        auth,
        retry_safe,
        charges,
        body,
        form,
        response,
        response_schema,
        pagination,
        rate_limit,
        params,
        carries_secrets,
    })
}

/// The fields of a multipart form: an inline object schema whose files are `format: binary` strings, their
/// media types in the form's `encoding` and their size limit in `maxLength`.
fn form_fields(media: &openapiv3::MediaType) -> Result<Vec<FormField>, String> {
    let Some(ReferenceOr::Item(schema)) = &media.schema else {
        return Err("a multipart/form-data body needs an inline object schema (no type is generated for it).".into());
    };
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Err("a multipart/form-data body must be an object.".into());
    };
    let mut fields = Vec::new();
    for (name, property) in &object.properties {
        let ReferenceOr::Item(property) = property else {
            return Err(format!("form field `{name}` must be inline."));
        };
        let (property, repeated) = match &property.schema_kind {
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(ReferenceOr::Item(items)) => (&**items, true),
                _ => {
                    return Err(format!(
                        "form field `{name}`: an array needs inline `items`."
                    ));
                }
            },
            _ => (&**property, false),
        };
        let (file, max_bytes) = match &property.schema_kind {
            SchemaKind::Type(Type::String(s)) => (
                s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary),
                s.max_length.map(|n| n as u64),
            ),
            SchemaKind::Type(Type::Integer(_) | Type::Number(_) | Type::Boolean(_)) => {
                (false, None)
            }
            _ => {
                return Err(format!(
                    "form field `{name}` must be a string, number or boolean."
                ));
            }
        };
        let content_types: Vec<String> = media
            .encoding
            .get(name)
            .and_then(|e| e.content_type.as_deref())
            .map(|types| types.split(',').map(|t| t.trim().to_owned()).collect())
            .unwrap_or_default();
        if !file && !content_types.is_empty() {
            return Err(format!(
                "form field `{name}` has media types but is not a `format: binary` file."
            ));
        }
        fields.push(FormField {
            name: name.clone(),
            required: object.required.contains(name),
            file,
            repeated,
            content_types,
            max_bytes: if file { max_bytes } else { None },
        });
    }
    for name in media.encoding.keys() {
        if !object.properties.contains_key(name) {
            return Err(format!(
                "the form's `encoding` names `{name}`, which is not a field."
            ));
        }
    }
    Ok(fields)
}

/// Whether a schema holds a `format: password` string anywhere (properties, items, `$ref`s followed).
fn has_secret(spec: &OpenAPI, schema: &ReferenceOr<Schema>, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    let schema = match schema {
        ReferenceOr::Reference { reference } => {
            match component(spec, reference.trim_start_matches("#/components/schemas/")) {
                Ok(s) => s,
                Err(_) => return false,
            }
        }
        ReferenceOr::Item(s) => s,
    };
    let boxed = |b: &ReferenceOr<Box<Schema>>| match b {
        ReferenceOr::Item(s) => ReferenceOr::Item((**s).clone()),
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Password)
        }
        SchemaKind::Type(Type::Object(o)) => o
            .properties
            .values()
            .any(|p| has_secret(spec, &boxed(p), depth + 1)),
        SchemaKind::Type(Type::Array(a)) => a
            .items
            .as_ref()
            .is_some_and(|i| has_secret(spec, &boxed(i), depth + 1)),
        _ => false,
    }
}

/// The `{name}` segments of a path template, in order.
pub fn path_parameters(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

fn parameter(spec: &OpenAPI, param: &ReferenceOr<Parameter>) -> Result<Param, String> {
    let param = match param {
        ReferenceOr::Item(p) => p,
        ReferenceOr::Reference { reference } => {
            let name = reference.trim_start_matches("#/components/parameters/");
            spec.components
                .as_ref()
                .and_then(|c| c.parameters.get(name))
                .and_then(ReferenceOr::as_item)
                .ok_or_else(|| format!("refers to a missing parameter `{reference}`."))?
        }
    };
    let (data, location, explode) = match param {
        Parameter::Query {
            parameter_data,
            style,
            ..
        } => {
            if !matches!(style, openapiv3::QueryStyle::Form) {
                return Err(format!(
                    "query parameter `{}`: only `style: form` is supported.",
                    parameter_data.name
                ));
            }
            (
                parameter_data,
                Location::Query,
                parameter_data.explode.unwrap_or(true),
            )
        }
        Parameter::Path { parameter_data, .. } => (parameter_data, Location::Path, false),
        Parameter::Header { parameter_data, .. } => (parameter_data, Location::Header, false),
        Parameter::Cookie { parameter_data, .. } => {
            return Err(format!(
                "cookie parameter `{}` is not supported.",
                parameter_data.name
            ));
        }
    };
    let schema = match &data.format {
        ParameterSchemaOrContent::Schema(s) => s,
        ParameterSchemaOrContent::Content(content) => {
            let name = content
                .get("application/json")
                .filter(|_| content.len() == 1)
                .and_then(|media| schema_name(media.schema.as_ref()))
                .ok_or_else(|| {
                    format!(
                        "parameter `{}`: `content` must be `application/json` with a `$ref` schema.",
                        data.name
                    )
                })?;
            if location != Location::Query {
                return Err(format!(
                    "JSON parameter `{}` must be a query parameter.",
                    data.name
                ));
            }
            return Ok(Param {
                name: data.name.clone(),
                location,
                required: data.required,
                kind: Kind::Json { name },
                empty: None,
                bounds: Bounds::default(),
                cursor_field: None,
                description: data.description.clone().unwrap_or_default(),
            });
        }
    };
    let mut kind = kind(spec, schema).map_err(|m| format!("parameter `{}`: {m}", data.name))?;
    let mut bounds = bounds(spec, schema);
    if let Kind::List { separator, .. } = &mut kind {
        if location == Location::Query && explode {
            return Err(format!(
                "array query parameter `{}` must say `explode: false`: the API reads one comma-joined value.",
                data.name
            ));
        }
        if location != Location::Query {
            return Err(format!(
                "array parameter `{}` must be a query parameter.",
                data.name
            ));
        }
        *separator = ",".into();
    }
    if data.name == "ordering" {
        if !matches!(&kind, Kind::List { item, .. } if **item == Kind::String) {
            return Err("`ordering` must be an array of strings (`explode: false`).".into());
        }
        kind = Kind::Ordering;
    }
    if let Some(list) = data.extensions.get(LIST) {
        if kind != Kind::String || location == Location::Header {
            return Err(format!(
                "`{LIST}` is for string path or query parameters (`{}`).",
                data.name
            ));
        }
        let separator = list.get("separator").and_then(|v| v.as_str());
        let empty = list.get("empty").and_then(|v| v.as_str());
        // `items`: a `$ref` to the schema of each item, whose bounds each item keeps (the string's own
        // schema describes the joined value, e.g. `US-FR`).
        if let Some(items) = list.get("items") {
            let Some(reference) = items.get("$ref").and_then(|r| r.as_str()) else {
                return Err(format!(
                    "`{LIST}.items` of `{}` must be a `$ref` to a component schema.",
                    data.name
                ));
            };
            component(spec, reference.trim_start_matches("#/components/schemas/"))?;
            bounds = self::bounds(
                spec,
                &ReferenceOr::Reference {
                    reference: reference.to_owned(),
                },
            );
        }
        let Some(separator) = separator else {
            return Err(format!("`{LIST}` of `{}` needs a `separator`.", data.name));
        };
        kind = Kind::List {
            item: Box::new(Kind::String),
            separator: separator.to_owned(),
            empty: empty.map(str::to_owned),
        };
    }
    let empty = match data.extensions.get(EMPTY) {
        Some(serde_json::Value::String(s))
            if kind == Kind::String && location == Location::Path =>
        {
            Some(s.clone())
        }
        Some(_) => {
            return Err(format!(
                "`{EMPTY}` is a string, for string path parameters (`{}`).",
                data.name
            ));
        }
        None => None,
    };
    if location == Location::Header && !matches!(kind, Kind::Int | Kind::String) {
        return Err(format!(
            "header parameter `{}` must be a string or an integer.",
            data.name
        ));
    }
    let cursor_field = match data.extensions.get(CURSOR_FIELD) {
        Some(serde_json::Value::String(s)) if data.name == "starting_after" => Some(s.clone()),
        Some(_) => {
            return Err(format!(
                "`{CURSOR_FIELD}` is a string, on `starting_after` only."
            ));
        }
        None => None,
    };
    Ok(Param {
        name: data.name.clone(),
        location,
        required: data.required,
        kind,
        empty,
        bounds,
        cursor_field,
        description: data.description.clone().unwrap_or_default(),
    })
}

fn kind(spec: &OpenAPI, schema: &ReferenceOr<Schema>) -> Result<Kind, String> {
    let schema = match schema {
        ReferenceOr::Reference { reference } => {
            let name = reference.trim_start_matches("#/components/schemas/");
            let target = component(spec, name)?;
            return match &target.schema_kind {
                SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => Ok(Kind::Enum {
                    name: name.to_owned(),
                    values: s.enumeration.iter().flatten().cloned().collect(),
                }),
                _ => kind(spec, &ReferenceOr::Item(target.clone())),
            };
        }
        ReferenceOr::Item(schema) => schema,
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            if !s.enumeration.is_empty() {
                return Err("a string enum parameter must be a `$ref` to a component schema (it becomes a named type).".into());
            }
            Ok(match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::Password) => Kind::Secret,
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Kind::DateTime,
                _ => Kind::String,
            })
        }
        SchemaKind::Type(Type::Integer(_)) => Ok(Kind::Int),
        SchemaKind::Type(Type::Boolean(_)) => Ok(Kind::Bool),
        SchemaKind::Type(Type::Array(a)) => {
            let item = a.items.as_ref().ok_or("an array needs `items`.")?;
            let item = match item {
                ReferenceOr::Item(b) => kind(spec, &ReferenceOr::Item((**b).clone()))?,
                ReferenceOr::Reference { reference } => kind(
                    spec,
                    &ReferenceOr::Reference {
                        reference: reference.clone(),
                    },
                )?,
            };
            if matches!(item, Kind::List { .. } | Kind::Ordering | Kind::Secret) {
                return Err("arrays of lists or secrets are not supported.".into());
            }
            Ok(Kind::List {
                item: Box::new(item),
                separator: ",".into(),
                empty: None,
            })
        }
        _ => Err(
            "only strings, integers, booleans, string enums and arrays of them are supported."
                .into(),
        ),
    }
}

pub(crate) fn component<'a>(spec: &'a OpenAPI, name: &str) -> Result<&'a Schema, String> {
    spec.components
        .as_ref()
        .and_then(|c| c.schemas.get(name))
        .and_then(ReferenceOr::as_item)
        .ok_or_else(|| format!("refers to a missing schema `{name}`."))
}

fn schema_name(schema: Option<&ReferenceOr<Schema>>) -> Option<String> {
    match schema? {
        ReferenceOr::Reference { reference } => Some(
            reference
                .trim_start_matches("#/components/schemas/")
                .to_owned(),
        ),
        ReferenceOr::Item(_) => None,
    }
}

/// The one success response: its kind, and its schema when JSON.
fn success(op: &Operation) -> Result<(ResponseKind, Option<String>), String> {
    let successes: Vec<_> = op
        .responses
        .responses
        .iter()
        .filter(|(status, _)| matches!(status, StatusCode::Code(200..=299)))
        .collect();
    let [(status, response)] = successes.as_slice() else {
        return Err("needs exactly one 2xx response.".into());
    };
    let response = response
        .as_item()
        .ok_or("the success response must be inline.")?;
    if **status == StatusCode::Code(204) || response.content.is_empty() {
        return Ok((ResponseKind::Empty, None));
    }
    let [(media, content)] = response.content.iter().collect::<Vec<_>>()[..] else {
        return Err("the success response must have one media type.".into());
    };
    let kind = match media.as_str() {
        "application/json" => ResponseKind::Json,
        "text/plain" => ResponseKind::Text,
        "text/csv" => ResponseKind::Csv,
        "application/pdf" | "application/octet-stream" => ResponseKind::Binary,
        other => return Err(format!("unsupported success media type `{other}`.")),
    };
    let schema = if kind == ResponseKind::Json {
        Some(match &content.schema {
            Some(ReferenceOr::Reference { .. }) => {
                schema_name(content.schema.as_ref()).unwrap_or_default()
            }
            Some(ReferenceOr::Item(s)) => match &s.schema_kind {
                SchemaKind::Type(Type::Array(a)) => match &a.items {
                    Some(ReferenceOr::Reference { reference }) => format!(
                        "[{}]",
                        reference.trim_start_matches("#/components/schemas/")
                    ),
                    _ => return Err("a JSON array response must have `$ref` items.".into()),
                },
                _ => {
                    return Err("a JSON success body must be a `$ref` (or an array of one).".into());
                }
            },
            None => return Err("a JSON success body needs a schema.".into()),
        })
    } else {
        None
    };
    Ok((kind, schema))
}

/// The pagination kind, from the parameters and the response: `page` → page numbers, `starting_after` →
/// cursor, an array body → a bare array. Checked against the response schema.
fn pagination(
    spec: &OpenAPI,
    params: &[Param],
    response: ResponseKind,
    schema: Option<&str>,
) -> Result<Pagination, String> {
    let has = |name: &str| {
        params
            .iter()
            .any(|p| p.name == name && p.location == Location::Query)
    };
    if let Some(item) = schema
        .and_then(|s| s.strip_prefix('['))
        .and_then(|s| s.strip_suffix(']'))
    {
        return Ok(Pagination::Array {
            item: item.to_owned(),
        });
    }
    if !has("page") && !has("starting_after") {
        return Ok(Pagination::None);
    }
    let schema = match (response, schema) {
        (ResponseKind::Json, Some(s)) => s,
        // A download answers everything at once: `starting_after` there is a filter (the activity CSV
        // takes it to resume where an earlier download stopped), not a page cursor.
        (ResponseKind::Csv | ResponseKind::Text | ResponseKind::Binary, _) => {
            return Ok(Pagination::None);
        }
        _ => return Err("a paginated list must answer JSON.".into()),
    };
    let page = component(spec, schema)?;
    let SchemaKind::Type(Type::Object(object)) = &page.schema_kind else {
        return Err(format!("the page schema `{schema}` must be an object."));
    };
    let item = match object.properties.get("results") {
        Some(ReferenceOr::Item(results)) => match &results.schema_kind {
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(ReferenceOr::Reference { reference }) => reference
                    .trim_start_matches("#/components/schemas/")
                    .to_owned(),
                _ => return Err(format!("`{schema}.results` must be an array of a `$ref`.")),
            },
            _ => return Err(format!("`{schema}.results` must be an array.")),
        },
        _ => return Err(format!("the page schema `{schema}` needs `results`.")),
    };
    for required in ["next", "results"] {
        if !object.required.iter().any(|r| r == required) {
            return Err(format!(
                "the page schema `{schema}` must require `{required}`."
            ));
        }
    }
    if has("page") {
        return Ok(Pagination::PageNumber { item });
    }
    let field = params
        .iter()
        .find(|p| p.name == "starting_after")
        .and_then(|p| p.cursor_field.clone())
        .ok_or(format!(
            "`starting_after` needs `{CURSOR_FIELD}`: the field of the last item that is the next cursor."
        ))?;
    let item_schema = component(spec, &item)?;
    match &item_schema.schema_kind {
        SchemaKind::Type(Type::Object(o))
            if o.properties.contains_key(&field) && o.required.contains(&field) => {}
        _ => {
            return Err(format!(
                "the cursor field `{field}` must be a required property of `{item}`."
            ));
        }
    }
    Ok(Pagination::Cursor { item, field })
}
