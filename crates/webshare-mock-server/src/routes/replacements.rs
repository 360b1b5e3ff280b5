//! *Proxy Replacement*: replacement requests that move through their states on the mock's clock, the
//! proxies they replaced, and the text download of those.

use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use webshare_api::operations::{
    CreateProxyReplacement, DownloadReplacedProxies, GetProxyReplacement, ListProxyReplacements,
    ListReplacedProxies,
};
use webshare_api::types::{
    self, DownloadTokenScope, ProxyAuthenticationMethod, ProxyMode, ProxyReplacementCreateRequest,
};

use super::common::lock;
use super::proxies::{
    PageWindow, check_ordering, download_owner, not_found, scope, sort_by_ordering,
};
use crate::Shared;
use crate::auth::User;
use crate::error::ApiError;
use crate::params::Params;
use crate::replacement::{Replacement, check_ranges};
use crate::state::now;
use crate::validate::{Fields, JsonObject};

const ORDERING_FIELDS: &[&str] = &["id", "created_at", "completed_at"];

pub(super) async fn list(
    State(app): State<Shared>,
    User(user, _): User,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Params(q): Params<ListProxyReplacements>,
) -> Result<Json<types::ProxyReplacementPage>, ApiError> {
    check_ordering(&q.ordering, ORDERING_FIELDS)?;
    if q.state.as_ref().is_some_and(|s| s.is_unknown()) {
        return Err(ApiError::field(
            "state",
            "Select a valid choice. That choice is not one of the available choices.",
            "invalid_choice",
        ));
    }
    let now = now();
    let mut data = lock(&app);
    let scope = scope(&mut data, user, q.plan_id, None)?;
    let mut shown: Vec<types::ProxyReplacement> = scope
        .replacements
        .iter()
        .map(|r| r.to_type(now))
        .filter(|r| q.dry_run.is_none_or(|d| r.dry_run == Some(d)))
        .filter(|r| q.state.as_ref().is_none_or(|s| r.state.as_ref() == Some(s)))
        .collect();
    sort_by_ordering(&mut shown, &q.ordering, |field, a, b| match field {
        "created_at" => a.created_at.cmp(&b.created_at),
        "completed_at" => a.completed_at.cmp(&b.completed_at),
        _ => a.id.cmp(&b.id),
    });
    let count = shown.len();
    let window = PageWindow::of(count, q.page, q.page_size, &headers, &uri)?;
    let results = shown.drain(window.range.clone()).collect();
    Ok(Json(types::ProxyReplacementPage {
        count: count as i64,
        next: window.next,
        previous: window.previous,
        results,
    }))
}

/// The body, read field by field so that a bad one is a 400 naming it.
fn read_request(
    body: &serde_json::Map<String, serde_json::Value>,
) -> Result<ProxyReplacementCreateRequest, ApiError> {
    let mut fields = Fields::new(body);
    let to_replace = fields.typed("to_replace", true);
    let replace_with: Option<Vec<types::ReplacementSource>> = fields.typed("replace_with", true);
    if replace_with.as_ref().is_some_and(Vec::is_empty) {
        fields.error("replace_with", "This list may not be empty.", "empty");
    }
    let dry_run = fields.typed("dry_run", false);
    // The client's types keep a kind they do not know; the server knows every kind it serves.
    if matches!(to_replace, Some(types::ProxySelector::Unknown(_))) {
        fields.error("to_replace", "Unknown selector type.", "invalid");
    }
    if replace_with
        .iter()
        .flatten()
        .any(|s| matches!(s, types::ReplacementSource::Unknown(_)))
    {
        fields.error("replace_with", "Unknown source type.", "invalid");
    }
    let (Some(to_replace), Some(replace_with)) = (to_replace, replace_with) else {
        return Err(fields.into_error());
    };
    fields.finish()?;
    let request = ProxyReplacementCreateRequest {
        to_replace,
        replace_with,
        dry_run,
    };
    check_ranges(&request).map_err(|m| ApiError::field("ip_ranges", m, "invalid"))?;
    Ok(request)
}

pub(super) async fn create(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<CreateProxyReplacement>,
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<types::ProxyReplacement>), ApiError> {
    let request = read_request(&body)?;
    let dry_run = request.dry_run.unwrap_or(false);
    let now = now();
    let step = chrono::Duration::from_std(app.config.replacement_step).unwrap_or_default();
    let mut data = lock(&app);
    data.next_replacement_id += 1;
    let id = data.next_replacement_id;
    let cancelled = data
        .account(user)?
        .active_plan()
        .is_some_and(|p| p.cancelled);
    let max = data.limits.replacements;
    let scope = scope(&mut data, user, q.plan_id, None)?;
    // Each keeps its request body, dry runs too: the list is capped, never trimmed.
    if scope.replacements.len() >= max {
        return Err(ApiError::limit_reached(
            "proxy replacements",
            max,
            "max_replacements",
        ));
    }
    let refuse = |message: String, code| Err(ApiError::field("non_field_errors", message, code));
    if cancelled {
        return refuse("Your proxy list is not editable.".into(), "invalid");
    }
    if !dry_run && scope.replacements.iter().any(|r| r.is_active(now)) {
        return refuse(
            "You are already replacing a proxy. Please wait a moment and try again.".into(),
            "active_replacement",
        );
    }
    // A real proxy's address (as the list showed it) selects the proxy behind it.
    let to_replace = app.real_proxies.internal_selector(
        crate::real_proxy::Owner::Account(user),
        &scope.proxies,
        &request.to_replace,
    );
    let outcome = scope.replacement_outcome(&request, &to_replace, id, now);
    if let Ok(pairs) = &outcome
        && !dry_run
    {
        if pairs.len() as i64 > scope.replacements_available {
            return refuse(
                format!(
                    "You have {} proxy replacements remaining. Upgrade subscription to receive more replacements.",
                    scope.replacements_available
                ),
                "not_enough_replacements_in_subscription",
            );
        }
        scope.replacements_available -= pairs.len() as i64;
    }
    let replacement = Replacement {
        id,
        request,
        created_at: now,
        step,
        outcome,
        applied: false,
    };
    let shown = replacement.to_type(now);
    scope.replacements.push(replacement);
    if !dry_run {
        data.pending_replacements.insert(user);
    }
    Ok((StatusCode::CREATED, Json(shown)))
}

pub(super) async fn get(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetProxyReplacement>,
) -> Result<Json<types::ProxyReplacement>, ApiError> {
    let now = now();
    let mut data = lock(&app);
    let scope = scope(&mut data, user, q.plan_id, None)?;
    scope
        .replacements
        .iter()
        .find(|r| r.id == q.id)
        .map(|r| Json(r.to_type(now)))
        .ok_or_else(not_found)
}

pub(super) async fn list_replaced(
    State(app): State<Shared>,
    User(user, _): User,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Params(q): Params<ListReplacedProxies>,
) -> Result<Json<types::ReplacedProxyPage>, ApiError> {
    let mut data = lock(&app);
    let scope = scope(&mut data, user, q.plan_id, None)?;
    let matching: Vec<_> = scope
        .replaced
        .iter()
        .filter(|r| {
            q.proxy_list_replacement
                .is_none_or(|id| r.replacement == id)
        })
        .collect();
    let count = matching.len();
    let window = PageWindow::of(count, q.page, q.page_size, &headers, &uri)?;
    Ok(Json(types::ReplacedProxyPage {
        count: count as i64,
        results: matching[window.range.clone()]
            .iter()
            .map(|r| r.to_type())
            .collect(),
        next: window.next,
        previous: window.previous,
    }))
}

/// No `Authorization`: the download token in the query is the credential.
pub(super) async fn download_replaced(
    State(app): State<Shared>,
    Params(q): Params<DownloadReplacedProxies>,
) -> Result<Response, ApiError> {
    let data = lock(&app);
    let scope = download_owner(
        &data,
        DownloadTokenScope::ReplacedProxy,
        q.download_token.expose(),
        q.plan_id,
    )?;
    let search = q
        .search
        .as_deref()
        .filter(|s| *s != "-")
        .map(str::to_lowercase);
    let mut body = String::new();
    for record in scope.replaced.iter().filter(|r| {
        q.proxy_list_replacement
            .is_none_or(|id| r.replacement == id)
            && (q.country_codes.is_empty()
                || q.country_codes
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(r.new.country_code)))
            && search.as_deref().is_none_or(|s| {
                r.new.address.contains(s) || r.new.city_name.to_lowercase().contains(s)
            })
    }) {
        let address = match q.mode.unwrap_or(ProxyMode::Direct) {
            ProxyMode::Backbone => "p.webshare.io",
            ProxyMode::Direct => record.new.address.as_str(),
        };
        let port = record.new.port;
        let old = &record.old.address;
        match q
            .authentication_type
            .unwrap_or(ProxyAuthenticationMethod::Username)
        {
            ProxyAuthenticationMethod::Username => body.push_str(&format!(
                "{address}:{port}:{}:{}:{old}\r\n",
                scope.username, scope.password
            )),
            ProxyAuthenticationMethod::Sourceip => {
                body.push_str(&format!("{address}:{port}:{old}\r\n"))
            }
        }
    }
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response())
}
