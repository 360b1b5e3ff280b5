//! The OpenAPI document the crate was generated from, as JSON: for checking live answers against the
//! schemas they were typed from (the `webshare` crate's `check-api` feature, the mock server's drift).

/// The whole document (`openapi/webshare.yaml` as JSON), version [`crate::operations::SPEC_VERSION`].
pub const DOCUMENT: &str = include_str!("../openapi.json");
