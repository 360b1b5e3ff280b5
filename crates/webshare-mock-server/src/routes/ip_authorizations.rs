//! *IP Authorization*: list, create, retrieve, delete, and what's my IP.

use std::net::{IpAddr, SocketAddr};

use axum::Json;
use axum::extract::{ConnectInfo, OriginalUri, State};
use axum::http::{HeaderMap, StatusCode};
use webshare_api::operations::{
    CreateIpAuthorization, DeleteIpAuthorization, GetIpAuthorization, ListIpAuthorizations,
    WhatsMyIp,
};
use webshare_api::types;

use super::common::lock;
use super::proxies::{PageWindow, not_found, scope};
use crate::Shared;
use crate::auth::User;
use crate::error::ApiError;
use crate::params::Params;
use crate::proxy_state::IpAuthorization;
use crate::state::now;
use crate::validate::{Fields, JsonObject};

pub(super) async fn list(
    State(app): State<Shared>,
    User(user, _): User,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Params(q): Params<ListIpAuthorizations>,
) -> Result<Json<types::IpAuthorizationPage>, ApiError> {
    let mut data = lock(&app);
    let scope = scope(&mut data, user, q.plan_id, q.subuser)?;
    let count = scope.ip_authorizations.len();
    let window = PageWindow::of(count, q.page, q.page_size, &headers, &uri)?;
    Ok(Json(types::IpAuthorizationPage {
        count: count as i64,
        results: scope.ip_authorizations[window.range]
            .iter()
            .map(|a| a.to_type())
            .collect(),
        next: window.next,
        previous: window.previous,
    }))
}

pub(super) async fn create(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<CreateIpAuthorization>,
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<types::IpAuthorization>), ApiError> {
    let mut fields = Fields::new(&body);
    let address = fields.string("ip_address").trim().to_owned();
    if !fields.has_error("ip_address") && address.parse::<IpAddr>().is_err() {
        fields.error(
            "ip_address",
            "Enter a valid IPv4 or IPv6 address.",
            "invalid",
        );
    }
    fields.finish()?;
    let address = address
        .parse::<IpAddr>()
        .map(|ip| ip.to_string())
        .unwrap_or(address);
    let mut data = lock(&app);
    let id = data.new_ip_authorization_id();
    let max = data.limits.ip_authorizations;
    let plan = scope(&mut data, user, q.plan_id, q.subuser)?;
    if plan.ip_authorizations.len() >= max {
        return Err(crate::state::ip_authorizations_limit(max));
    }
    if plan
        .ip_authorizations
        .iter()
        .any(|a| a.ip_address == address)
    {
        return Err(ApiError::field(
            "ip_address",
            "This IP address is already authorized.",
            "unique",
        ));
    }
    let created = IpAuthorization {
        id,
        ip_address: address,
        created_at: now(),
    };
    let shown = created.to_type();
    plan.ip_authorizations.push(created);
    Ok((StatusCode::CREATED, Json(shown)))
}

pub(super) async fn get(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetIpAuthorization>,
) -> Result<Json<types::IpAuthorization>, ApiError> {
    let mut data = lock(&app);
    scope(&mut data, user, q.plan_id, q.subuser)?
        .ip_authorizations
        .iter()
        .find(|a| a.id == q.id)
        .map(|a| Json(a.to_type()))
        .ok_or_else(not_found)
}

pub(super) async fn delete(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<DeleteIpAuthorization>,
) -> Result<StatusCode, ApiError> {
    let mut data = lock(&app);
    let scope = scope(&mut data, user, q.plan_id, q.subuser)?;
    let before = scope.ip_authorizations.len();
    scope.ip_authorizations.retain(|a| a.id != q.id);
    if scope.ip_authorizations.len() == before {
        return Err(not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's address as the server sees it (IPv4-mapped IPv6 shown as IPv4).
pub(super) async fn whats_my_ip(
    User(_, _): User,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    _: Params<WhatsMyIp>,
) -> Json<types::WhatsMyIp> {
    let ip = match peer.ip() {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    Json(types::WhatsMyIp {
        ip_address: Some(ip.to_string()),
    })
}
