//! The parameters of a request, read by the operation's generated `Endpoint::parse`: a missing, malformed
//! or unknown value is a 400 naming the parameter, as the real service answers.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use webshare_api::operations::SUBUSER_HEADER;
use webshare_api::{Endpoint, RawParams};

use crate::error::ApiError;

/// The parameters of operation `E`, parsed. Every handler takes the `Params` of its operation (even one
/// without parameters), which is what binds it to that operation: routed to another, it does not compile
/// (see `routes::binding`).
pub(crate) struct Params<E>(pub E);

impl<E: Endpoint, S: Send + Sync> FromRequestParts<S> for Params<E> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let path = match RawPathParams::from_request_parts(parts, state).await {
            Ok(params) => params
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            Err(_) => {
                return Err(crate::error::for_framework_status(
                    axum::http::StatusCode::NOT_FOUND,
                ));
            }
        };
        let query = parts
            .uri
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let subuser = parts
            .headers
            .get(SUBUSER_HEADER)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let raw = RawParams {
            path,
            query,
            subuser,
        };
        E::parse(&raw).map(Params).map_err(|e| {
            let code = if e.message == "This field is required." {
                "required"
            } else {
                "invalid"
            };
            ApiError::field(&e.field, e.message, code)
        })
    }
}
