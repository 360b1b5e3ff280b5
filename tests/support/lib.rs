//! Helpers shared by the workspace tests.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives one level below the workspace root")
        .to_owned()
}

/// The committed OpenAPI document as JSON (parsed from the YAML source).
pub fn spec_json() -> serde_json::Value {
    let text = std::fs::read_to_string(workspace_root().join("openapi/webshare.yaml"))
        .expect("openapi/webshare.yaml is readable");
    serde_yaml::from_str(&text).expect("openapi/webshare.yaml is valid YAML")
}

/// Follows a local `$ref` (`#/components/...`) in `spec`; returns `value` itself when it is no reference.
pub fn resolve<'a>(
    spec: &'a serde_json::Value,
    value: &'a serde_json::Value,
) -> &'a serde_json::Value {
    match value.get("$ref").and_then(|r| r.as_str()) {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            let target = spec
                .pointer(pointer)
                .unwrap_or_else(|| panic!("dangling reference {reference}"));
            resolve(spec, target)
        }
        None => value,
    }
}

/// The operation object with `operation_id`, and its path and method.
pub fn operation<'a>(
    spec: &'a serde_json::Value,
    operation_id: &str,
) -> (&'a str, &'a str, &'a serde_json::Value) {
    let paths = spec["paths"].as_object().expect("paths is an object");
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item is an object") {
            if op["operationId"] == operation_id {
                return (path, method, op);
            }
        }
    }
    panic!("no operation {operation_id} in the spec")
}

/// The example of the JSON response with `status` of an operation.
pub fn response_example(
    spec: &serde_json::Value,
    operation_id: &str,
    status: &str,
) -> serde_json::Value {
    let (_, _, op) = operation(spec, operation_id);
    let response = resolve(spec, &op["responses"][status]);
    response["content"]["application/json"]["example"].clone()
}

/// The example request body of an operation.
pub fn request_example(spec: &serde_json::Value, operation_id: &str) -> serde_json::Value {
    let (_, _, op) = operation(spec, operation_id);
    op["requestBody"]["content"]["application/json"]["example"].clone()
}
