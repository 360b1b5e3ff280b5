//! The OpenAPI document the crate was generated from, as JSON: for checking live answers against the
//! schemas they were typed from (the `webshare` crate's `check-api` feature, the mock server's drift).

/// The whole document (`openapi/webshare.yaml` as JSON), version [`crate::operations::SPEC_VERSION`].
pub const DOCUMENT: &str = include_str!("../openapi.json");

/// The JSON schema of `operation`'s success answer in `document` (this crate's [`DOCUMENT`], parsed):
/// `None` when the operation answers no JSON.
pub fn success_schema<'a>(
    document: &'a serde_json::Value,
    operation: &crate::Operation,
) -> Option<&'a serde_json::Value> {
    let method = operation.method.as_str().to_ascii_lowercase();
    let responses = document["paths"][operation.path][method.as_str()]["responses"].as_object()?;
    let (_, response) = responses
        .iter()
        .find(|(status, _)| status.starts_with('2'))?;
    response["content"]["application/json"].get("schema")
}
