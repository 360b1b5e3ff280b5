//! Loading the OpenAPI document, and the checks that turn progenitor's panics into readable errors.
//!
//! progenitor 0.15 panics (or fails with a terse message) on documents it cannot handle. Everything it is
//! known to reject is checked here first, so a maintainer gets one paragraph naming the file and the
//! operation instead of a backtrace.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use openapiv3::{OpenAPI, Operation, ReferenceOr, StatusCode};

/// Why a document cannot be used for code generation.
#[derive(Debug)]
pub struct SpecError {
    /// The document's path.
    pub file: PathBuf,
    /// The operation at fault, when the problem is within one.
    pub operation: Option<String>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(op) = &self.operation {
            write!(f, ", operation {op}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for SpecError {}

/// Reads and validates the document at `path`.
pub fn load(path: &Path) -> Result<OpenAPI, SpecError> {
    let text = std::fs::read_to_string(path).map_err(|e| SpecError {
        file: path.to_owned(),
        operation: None,
        message: format!("cannot read the file: {e}."),
    })?;
    parse(path, &text)
}

/// Parses and validates a document's text; `path` names it in errors.
pub fn parse(path: &Path, text: &str) -> Result<OpenAPI, SpecError> {
    let err = |operation: Option<String>, message: String| SpecError {
        file: path.to_owned(),
        operation,
        message,
    };
    // Check the version before the full parse: a 3.1 document usually fails to deserialize as 3.0 with a
    // confusing message about some unrelated field.
    let raw: serde_yaml::Value = serde_yaml::from_str(text)
        .map_err(|e| err(None, format!("not valid YAML or JSON: {e}.")))?;
    let version = raw.get("openapi").and_then(|v| v.as_str()).unwrap_or("");
    if !version.starts_with("3.0.") {
        return Err(err(
            None,
            format!(
                "`openapi: {version}` is not supported: progenitor reads OpenAPI 3.0.x documents only. \
                 Write the document as 3.0.3 (`nullable: true` instead of `type: [.., \"null\"]`)."
            ),
        ));
    }
    let spec: OpenAPI = serde_yaml::from_value(raw)
        .map_err(|e| err(None, format!("not a valid OpenAPI 3.0 document: {e}.")))?;

    let mut seen_ids = BTreeSet::new();
    for (path_name, method, op) in operations(&spec) {
        let Some(id) = &op.operation_id else {
            return Err(err(
                Some(format!("{} {path_name}", method.to_uppercase())),
                "has no `operationId`; every operation needs a unique one, which becomes its method name."
                    .into(),
            ));
        };
        let named = || Some(format!("`{id}` ({} {path_name})", method.to_uppercase()));
        if !seen_ids.insert(id.clone()) {
            return Err(err(
                named(),
                "reuses an `operationId` already taken by another operation; make it unique."
                    .into(),
            ));
        }
        check_operation(&spec, op).map_err(|message| err(named(), message))?;
    }
    Ok(spec)
}

/// Every operation of the document, as (path, method, operation).
pub fn operations(spec: &OpenAPI) -> impl Iterator<Item = (&str, &str, &Operation)> {
    spec.paths.paths.iter().flat_map(|(path, item)| {
        item.as_item()
            .into_iter()
            .flat_map(move |item| item.iter().map(move |(m, op)| (path.as_str(), m, op)))
    })
}

/// The limits of progenitor 0.15 on a single operation.
fn check_operation(spec: &OpenAPI, op: &Operation) -> Result<(), String> {
    if op.responses.default.is_some() {
        return Err(
            "has a `default` response, which progenitor cannot generate; list the status codes \
                    and point each at the shared `Error` schema."
                .into(),
        );
    }
    if let Some(body) = &op.request_body {
        let body = resolve_body(spec, body)?;
        if body.content.len() > 1 {
            return Err(format!(
                "offers {} request media types; progenitor supports one per operation.",
                body.content.len()
            ));
        }
    }
    let mut error_schemas = BTreeSet::new();
    for (status, response) in &op.responses.responses {
        let is_error = match status {
            StatusCode::Code(code) => *code >= 400,
            StatusCode::Range(range) => *range >= 4,
        };
        if !is_error {
            continue;
        }
        let response = resolve_response(spec, response)?;
        for media in response.content.values() {
            let schema = match &media.schema {
                Some(ReferenceOr::Reference { reference }) => reference.clone(),
                Some(ReferenceOr::Item(_)) => "an inline schema".to_string(),
                None => "no schema".to_string(),
            };
            error_schemas.insert(schema);
        }
    }
    if error_schemas.len() > 1 {
        let list: Vec<_> = error_schemas.into_iter().collect();
        return Err(format!(
            "its error responses use {} different schemas ({}); progenitor allows one error type per \
             operation, so point every error status at `#/components/schemas/Error`.",
            list.len(),
            list.join(", ")
        ));
    }
    Ok(())
}

fn resolve_response<'a>(
    spec: &'a OpenAPI,
    response: &'a ReferenceOr<openapiv3::Response>,
) -> Result<&'a openapiv3::Response, String> {
    match response {
        ReferenceOr::Item(r) => Ok(r),
        ReferenceOr::Reference { reference } => {
            let name = reference.trim_start_matches("#/components/responses/");
            spec.components
                .as_ref()
                .and_then(|c| c.responses.get(name))
                .and_then(ReferenceOr::as_item)
                .ok_or_else(|| format!("refers to a missing response `{reference}`."))
        }
    }
}

fn resolve_body<'a>(
    spec: &'a OpenAPI,
    body: &'a ReferenceOr<openapiv3::RequestBody>,
) -> Result<&'a openapiv3::RequestBody, String> {
    match body {
        ReferenceOr::Item(b) => Ok(b),
        ReferenceOr::Reference { reference } => {
            let name = reference.trim_start_matches("#/components/requestBodies/");
            spec.components
                .as_ref()
                .and_then(|c| c.request_bodies.get(name))
                .and_then(ReferenceOr::as_item)
                .ok_or_else(|| format!("refers to a missing request body `{reference}`."))
        }
    }
}
