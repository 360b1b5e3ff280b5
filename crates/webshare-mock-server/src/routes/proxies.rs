//! *Proxy List*, *Proxy Configuration*, *IP Authorization* and *Proxy Statistics*: the proxies of the
//! account's plan (or of a sub-user, with `X-Subuser`), filtered, ordered and paged as documented.

use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use webshare_api::OrderBy;
use webshare_api::operations::{
    DownloadProxyList, GetProxyConfig, GetProxyListStats, GetProxyListStatus, ListProxies,
    ListProxyActivity, RefreshProxyList,
};
use webshare_api::types::{self, DownloadTokenScope, ProxyAuthenticationMethod, ProxyMode};

use super::common::lock;
use crate::Shared;
use crate::auth::User;
use crate::error::ApiError;
use crate::mock_proxy::MockProxy;
use crate::params::Params;
use crate::proxy_state::ProxyScope;
use crate::real_proxy::Owner;
use crate::state::{Data, UserId};

/// Items per page when `page_size` is absent, and the most a page holds.
const DEFAULT_PAGE_SIZE: i64 = 25;
const MAX_PAGE_SIZE: i64 = 100;

pub(super) fn not_found() -> ApiError {
    ApiError::detail(StatusCode::NOT_FOUND, "Not found.", "not_found")
}

/// A `plan_id` other than the account's plan is a 404 (a 401 if the account is gone).
pub(super) fn check_plan(data: &Data, user: UserId, plan_id: Option<i64>) -> Result<(), ApiError> {
    let own_plan = data.account(user)?.plan_id;
    if plan_id.is_some_and(|id| id != own_plan) {
        return Err(not_found());
    }
    Ok(())
}

/// The proxy world a request acts on: the account's plan, or a sub-user's (`X-Subuser`). Another plan's id,
/// or a sub-user of another account, is a 404.
pub(super) fn scope(
    data: &mut Data,
    user: UserId,
    plan_id: Option<i64>,
    subuser: Option<i64>,
) -> Result<&mut ProxyScope, ApiError> {
    check_plan(data, user, plan_id)?;
    match subuser {
        None => Ok(&mut data.account_mut(user)?.proxy),
        Some(id) => match data.subusers.get_mut(&id) {
            Some(sub) if sub.owner == user => Ok(&mut sub.proxy),
            _ => Err(not_found()),
        },
    }
}

pub(super) fn page_size(requested: Option<i64>) -> Result<usize, ApiError> {
    match requested {
        None => Ok(DEFAULT_PAGE_SIZE as usize),
        Some(n) if n >= 1 => Ok(n.min(MAX_PAGE_SIZE) as usize),
        Some(_) => Err(ApiError::field(
            "page_size",
            "Ensure this value is greater than or equal to 1.",
            "min_value",
        )),
    }
}

/// The part of a page-numbered list one request asks for, with its `next`/`previous` links.
pub(super) struct PageWindow {
    pub range: std::ops::Range<usize>,
    pub next: Option<String>,
    pub previous: Option<String>,
}

/// The API's page object `types::$ty` (`count`, `results`, `next`, `previous`) from a [`Paged`] page.
macro_rules! page_of {
    ($ty:ident, $p:expr) => {{
        let p = $p;
        webshare_api::types::$ty {
            count: p.count,
            results: p.results,
            next: p.next,
            previous: p.previous,
        }
    }};
}
pub(super) use page_of;

/// One page of a list, ready to put in the API's page object.
pub(super) struct Paged<T> {
    pub count: i64,
    pub results: Vec<T>,
    pub next: Option<String>,
    pub previous: Option<String>,
}

impl PageWindow {
    /// Page `page` of `items` (as [`PageWindow::of`]), cloned out.
    pub fn page<T: Clone>(
        items: &[T],
        page: Option<i64>,
        page_size: Option<i64>,
        headers: &HeaderMap,
        uri: &axum::http::Uri,
    ) -> Result<Paged<T>, ApiError> {
        let window = Self::of(items.len(), page, page_size, headers, uri)?;
        Ok(Paged {
            count: items.len() as i64,
            results: items[window.range].to_vec(),
            next: window.next,
            previous: window.previous,
        })
    }

    /// Page `page` (from 1, default 1) of `page_size` (default 25, at most 100) over `count` items; a page
    /// past the end is a 404 "Invalid page." (the first page of an empty list is not).
    pub fn of(
        count: usize,
        page: Option<i64>,
        page_size_asked: Option<i64>,
        headers: &HeaderMap,
        uri: &axum::http::Uri,
    ) -> Result<Self, ApiError> {
        let size = page_size(page_size_asked)?;
        let page = page.unwrap_or(1);
        let start = (page.max(1) as usize - 1).saturating_mul(size);
        if page < 1 || (start >= count && page != 1) {
            return Err(ApiError::detail(
                StatusCode::NOT_FOUND,
                "Invalid page.",
                "not_found",
            ));
        }
        let end = (start + size).min(count);
        Ok(Self {
            range: start.min(count)..end,
            next: (end < count).then(|| link(headers, uri, "page", &(page + 1).to_string())),
            previous: (page > 1).then(|| link(headers, uri, "page", &(page - 1).to_string())),
        })
    }
}

/// This request's URL with `key` set to `value`, as the `next`/`previous` links.
pub(super) fn link(headers: &HeaderMap, uri: &axum::http::Uri, key: &str, value: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        if k != key {
            query.append_pair(&k, &v);
        }
    }
    query.append_pair(key, value);
    format!("http://{host}{}?{}", uri.path(), query.finish())
}

const ORDERING_FIELDS: &[&str] = &[
    "id",
    "proxy_address",
    "port",
    "valid",
    "country_code",
    "city_name",
    "created_at",
    "last_verification",
];

/// Two proxies compared by one `ordering` field, ascending.
fn compare(field: &str, a: &MockProxy, b: &MockProxy) -> std::cmp::Ordering {
    match field {
        "id" => a.id.cmp(&b.id),
        "proxy_address" => a.address.cmp(&b.address),
        "port" => a.port.cmp(&b.port),
        "valid" => a.valid.cmp(&b.valid),
        "country_code" => a.country_code.cmp(b.country_code),
        "city_name" => a.city_name.cmp(b.city_name),
        _ => a.created_at.cmp(&b.created_at),
    }
}

/// Sorts `items` by `ordering`: by its first field, ties by the next, and so on (a stable sort, so full
/// ties keep their order); `by_field` compares two items by one field, ascending.
pub(super) fn sort_by_ordering<T>(
    items: &mut [T],
    ordering: &[OrderBy],
    by_field: impl Fn(&str, &T, &T) -> std::cmp::Ordering,
) {
    items.sort_by(|a, b| {
        ordering
            .iter()
            .map(|order| {
                let ordering = by_field(order.field(), a, b);
                if order.is_descending() {
                    ordering.reverse()
                } else {
                    ordering
                }
            })
            .find(|ordering| ordering.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
}

/// A 400 naming `ordering` when it names a field the list cannot be ordered by.
pub(super) fn check_ordering(ordering: &[OrderBy], fields: &[&str]) -> Result<(), ApiError> {
    match ordering.iter().find(|o| !fields.contains(&o.field())) {
        Some(bad) => Err(ApiError::field(
            "ordering",
            format!(
                "\"{}\" is not a field the list can be ordered by.",
                bad.field()
            ),
            "invalid",
        )),
        None => Ok(()),
    }
}

/// Whether `proxy` passes the filters of both the list and the download: `country_codes` (any when
/// empty) and `search` (lowercased).
fn matches(proxy: &MockProxy, country_codes: &[String], search: Option<&str>) -> bool {
    (country_codes.is_empty()
        || country_codes
            .iter()
            .any(|c| c.eq_ignore_ascii_case(proxy.country_code)))
        && search.is_none_or(|s| {
            proxy.address.contains(s)
                || proxy.city_name.to_lowercase().contains(s)
                || proxy.country_code.to_lowercase() == s
        })
}

/// The proxies that `country_codes` and `search` select.
fn select<'a>(
    scope: &'a ProxyScope,
    country_codes: &[String],
    search: Option<&str>,
) -> Vec<&'a MockProxy> {
    let search = search.map(str::to_lowercase);
    scope
        .proxies
        .iter()
        .filter(|p| matches(p, country_codes, search.as_deref()))
        .collect()
}

pub(super) async fn list_proxies(
    State(app): State<Shared>,
    User(user, _): User,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Params(q): Params<ListProxies>,
) -> Result<Json<types::ProxyPage>, ApiError> {
    check_ordering(&q.ordering, ORDERING_FIELDS)?;
    let mut data = lock(&app);
    let scope = scope(&mut data, user, q.plan_id, q.subuser)?;
    // Search, ordering and the other filters do not work in backbone mode (as documented).
    let direct = q.mode == ProxyMode::Direct;
    let mut proxies = select(
        scope,
        &q.country_code_in,
        q.search.as_deref().filter(|_| direct),
    );
    let owner = Owner::of(user, q.subuser);
    if direct {
        // With real proxies on, a proxy's address is the one the list shows (its real proxy's), as well
        // as the mock's own.
        let shown = |p: &MockProxy| {
            app.real_proxies
                .listed(owner, &p.id)
                .map(|addr| addr.ip().to_string())
        };
        let is =
            |p: &MockProxy, a: &str| p.address == a || shown(p).is_some_and(|shown| shown == a);
        proxies.retain(|p| {
            q.valid.is_none_or(|v| p.valid == v)
                && q.proxy_address.as_deref().is_none_or(|a| is(p, a))
                && (q.proxy_address_in.is_empty() || q.proxy_address_in.iter().any(|a| is(p, a)))
                && q.asn_number
                    .as_deref()
                    .is_none_or(|n| p.asn_number.to_string() == n.trim())
                && q.asn_name
                    .as_deref()
                    .is_none_or(|n| p.asn_name.eq_ignore_ascii_case(n))
                && q.created_at.is_none_or(|t| p.created_at == t)
        });
        sort_by_ordering(&mut proxies, &q.ordering, |field, a, b| {
            compare(field, a, b)
        });
    }
    let count = proxies.len();
    let window = PageWindow::of(count, q.page, q.page_size, &headers, &uri)?;
    app.real_proxies.retire_unlisted(owner, &scope.proxies);
    let results = proxies[window.range.clone()]
        .iter()
        .map(|p| {
            let mut proxy = scope.to_type(p);
            if let Some(real) = app.real_proxies.endpoint(&app, owner, &p.id)? {
                proxy.port = Some(real.port().into());
                proxy.proxy_address = Some(real.ip().to_string());
            }
            if !direct {
                proxy.proxy_address = None;
            }
            Ok(proxy)
        })
        .collect::<Result<_, ApiError>>()?;
    let PageWindow { next, previous, .. } = window;
    Ok(Json(types::ProxyPage {
        count: count as i64,
        next,
        previous,
        results,
    }))
}

/// The proxy world whose `scope` download token is `token` (an account's or a sub-user's). An unknown
/// token, or a `plan_id` that is not its plan, is a 404.
pub(super) fn download_owner<'a>(
    data: &'a Data,
    scope: DownloadTokenScope,
    token: &str,
    plan_id: Option<i64>,
) -> Result<&'a ProxyScope, ApiError> {
    let (owner, owner_plan) = data
        .users
        .values()
        .find(|u| u.proxy.download_tokens.is(&scope, token) && !u.deleted)
        .map(|u| (&u.proxy, Some(u.plan_id)))
        .or_else(|| {
            data.subusers
                .values()
                // A deleted owner's sub-users' tokens go with it, as a reset token does.
                .find(|s| {
                    s.proxy.download_tokens.is(&scope, token)
                        && data.users.get(&s.owner).is_some_and(|u| !u.deleted)
                })
                .map(|s| (&s.proxy, data.users.get(&s.owner).map(|u| u.plan_id)))
        })
        .ok_or_else(not_found)?;
    if plan_id.is_some_and(|id| Some(id) != owner_plan) {
        return Err(not_found());
    }
    Ok(owner)
}

/// With real proxies on, the owner of the download's list, its unlisted real proxies retired and the
/// ones the download selects listening (so that running out of them is a 503 before the body starts).
fn real_owner(
    data: &Data,
    app: &Shared,
    scope: &ProxyScope,
    q: &DownloadProxyList,
) -> Result<Option<Owner>, ApiError> {
    if !app.real_proxies.enabled() {
        return Ok(None);
    }
    let token = q.token.expose();
    let list = DownloadTokenScope::ProxyList;
    let owner = data
        .users
        .iter()
        .find(|(_, u)| !u.deleted && u.proxy.download_tokens.is(&list, token))
        .map(|(id, _)| Owner::Account(*id))
        .or_else(|| {
            data.subusers
                .iter()
                .find(|(_, s)| s.proxy.download_tokens.is(&list, token))
                .map(|(id, _)| Owner::Subuser(*id))
        })
        .ok_or_else(not_found)?;
    app.real_proxies.retire_unlisted(owner, &scope.proxies);
    let search = q.search.as_deref().map(str::to_lowercase);
    for proxy in &scope.proxies {
        if matches(proxy, &q.country_codes, search.as_deref()) {
            app.real_proxies.endpoint(app, owner, &proxy.id)?;
        }
    }
    Ok(Some(owner))
}

/// Lines per chunk of a streamed download.
const DOWNLOAD_CHUNK_LINES: usize = 1_000;

/// No `Authorization`: the download token in the path is the credential. The body is streamed, a chunk
/// of lines at a time, each written under the lock from where the previous one stopped: memory does not
/// grow with the list, and the client reads while the rest is written (a list changed mid-download shows
/// the change from the next chunk on; a token reset mid-download ends it).
pub(super) async fn download_proxy_list(
    State(app): State<Shared>,
    Params(q): Params<DownloadProxyList>,
) -> Result<Response, ApiError> {
    let owner = {
        let data = lock(&app);
        let scope = download_owner(
            &data,
            DownloadTokenScope::ProxyList,
            q.token.expose(),
            q.plan_id,
        )?;
        real_owner(&data, &app, scope, &q)?
    };
    let q = std::sync::Arc::new(q);
    let chunks = futures_util::stream::unfold(Some(0usize), move |start| {
        let (app, q) = (app.clone(), q.clone());
        async move {
            let data = lock(&app);
            let scope = download_owner(
                &data,
                DownloadTokenScope::ProxyList,
                q.token.expose(),
                q.plan_id,
            )
            .ok()?;
            let endpoint = |p: &MockProxy| match owner {
                None => Some(Endpoint::Listed),
                // Only a proxy added mid-download can fail here (the rest listen already): left out.
                Some(owner) => app
                    .real_proxies
                    .endpoint(&app, owner, &p.id)
                    .ok()
                    .flatten()
                    .map(Endpoint::Real),
            };
            let (text, next) = download_chunk(scope, &q, start?, endpoint);
            drop(data);
            (!text.is_empty() || next.is_some())
                .then_some((Ok::<_, std::convert::Infallible>(text), next))
        }
    });
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        axum::body::Body::from_stream(chunks),
    )
        .into_response())
}

/// Where a download line sends a client to a proxy.
enum Endpoint {
    /// The list's own address and port.
    Listed,
    /// Its real proxy ([`crate::Config::real_proxies`]).
    Real(std::net::SocketAddr),
}

/// The lines of up to [`DOWNLOAD_CHUNK_LINES`] selected proxies from index `start` of the list, and where
/// the next chunk starts (`None` at the end); a proxy without an `endpoint` is left out.
fn download_chunk(
    scope: &ProxyScope,
    q: &DownloadProxyList,
    start: usize,
    endpoint: impl Fn(&MockProxy) -> Option<Endpoint>,
) -> (String, Option<usize>) {
    use std::fmt::Write as _;
    let search = q.search.as_deref().map(str::to_lowercase);
    let mut text = String::new();
    let mut lines = 0;
    let mut index = start;
    while index < scope.proxies.len() && lines < DOWNLOAD_CHUNK_LINES {
        let proxy = &scope.proxies[index];
        index += 1;
        if !matches(proxy, &q.country_codes, search.as_deref()) {
            continue;
        }
        let Some(endpoint) = endpoint(proxy) else {
            continue;
        };
        lines += 1;
        let real_host;
        let (address, proxy_port) = match (&q.endpoint_mode, endpoint) {
            (ProxyMode::Backbone, Endpoint::Real(real)) => {
                ("p.webshare.io", i64::from(real.port()))
            }
            (ProxyMode::Backbone, Endpoint::Listed) => ("p.webshare.io", proxy.port),
            (ProxyMode::Direct, Endpoint::Real(real)) => {
                real_host = real.ip().to_string();
                (real_host.as_str(), i64::from(real.port()))
            }
            (ProxyMode::Direct, Endpoint::Listed) => (proxy.address.as_str(), proxy.port),
        };
        let _ = match q.authentication_method {
            ProxyAuthenticationMethod::Username => write!(
                text,
                "{address}:{proxy_port}:{}:{}\r\n",
                scope.username, scope.password
            ),
            ProxyAuthenticationMethod::Sourceip => write!(text, "{address}:{proxy_port}\r\n"),
        };
    }
    (text, (index < scope.proxies.len()).then_some(index))
}

pub(super) async fn get_proxy_config(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetProxyConfig>,
) -> Result<Json<types::ProxyListConfig>, ApiError> {
    let mut data = lock(&app);
    Ok(Json(
        scope(&mut data, user, Some(q.plan_id), q.subuser)?.config(),
    ))
}

/// The filters the activity list and its download share.
pub(super) struct ActivityFilter<'a> {
    pub lte: Option<chrono::DateTime<chrono::Utc>>,
    pub gte: Option<chrono::DateTime<chrono::Utc>>,
    pub error_reason: Option<&'a str>,
    pub bytes_gte: Option<i64>,
    pub bytes_lte: Option<i64>,
    pub search: Option<&'a str>,
}

/// A byte bound of the activity filters: the page types it a string; a non-integer is a 400.
pub(super) fn bytes_bound(field: &str, value: Option<&str>) -> Result<Option<i64>, ApiError> {
    value
        .map(|v| {
            v.trim()
                .parse::<i64>()
                .map_err(|_| ApiError::field(field, "A valid integer is required.", "invalid"))
        })
        .transpose()
}

impl ActivityFilter<'_> {
    /// A period that ends before it starts is a 400.
    pub fn check(&self) -> Result<(), ApiError> {
        match (self.gte, self.lte) {
            (Some(gte), Some(lte)) if gte > lte => Err(ApiError::field(
                "timestamp__gte",
                "Must be before timestamp__lte.",
                "invalid",
            )),
            _ => Ok(()),
        }
    }

    /// The matching activity, newest first.
    pub fn select<'s>(
        &self,
        activity: &'s [types::ProxyActivity],
    ) -> Vec<&'s types::ProxyActivity> {
        let search = self.search.map(str::to_lowercase);
        activity
            .iter()
            .filter(|a| self.lte.is_none_or(|t| a.timestamp <= t))
            .filter(|a| self.gte.is_none_or(|t| a.timestamp >= t))
            .filter(|a| match self.error_reason {
                None => true,
                Some("*") => a.error_reason.is_some(),
                Some(reason) => a.error_reason.as_deref() == Some(reason),
            })
            .filter(|a| {
                let bytes = a.bytes.unwrap_or(0.0);
                self.bytes_gte.is_none_or(|n| bytes >= n as f64)
                    && self.bytes_lte.is_none_or(|n| bytes <= n as f64)
            })
            .filter(|a| {
                search.as_deref().is_none_or(|s| {
                    a.hostname.as_deref().is_some_and(|h| h.contains(s))
                        || a.domain.as_deref().is_some_and(|d| d.contains(s))
                })
            })
            .collect()
    }
}

pub(super) async fn list_proxy_activity(
    State(app): State<Shared>,
    User(user, _): User,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Params(q): Params<ListProxyActivity>,
) -> Result<Json<types::ProxyActivityPage>, ApiError> {
    let size = page_size(q.page_size)?;
    let filter = ActivityFilter {
        lte: q.timestamp_lte,
        gte: q.timestamp_gte,
        error_reason: q.error_reason.as_deref(),
        bytes_gte: bytes_bound("bytes__gte", q.bytes_gte.as_deref())?,
        bytes_lte: bytes_bound("bytes__lte", q.bytes_lte.as_deref())?,
        search: q.search.as_deref(),
    };
    filter.check()?;
    let mut data = lock(&app);
    let scope = scope(&mut data, user, q.plan_id, q.subuser)?;
    let matching = filter.select(&scope.activity);
    let count = matching.len() as i64;
    let after: Vec<_> = matching
        .into_iter()
        .filter(|a| q.starting_after.is_none_or(|t| a.timestamp < t))
        .collect();
    let results: Vec<types::ProxyActivity> =
        after.iter().take(size).map(|a| (*a).clone()).collect();
    let next = match results.last() {
        Some(last) if after.len() > size => Some(link(
            &headers,
            &uri,
            "starting_after",
            &webshare_api::endpoint::date_time(&last.timestamp),
        )),
        _ => None,
    };
    Ok(Json(types::ProxyActivityPage {
        count: Some(count),
        next,
        results,
    }))
}

pub(super) async fn get_proxy_list_stats(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetProxyListStats>,
) -> Result<Json<types::ProxyListStats>, ApiError> {
    let mut data = lock(&app);
    Ok(Json(
        scope(&mut data, user, Some(q.plan_id), q.subuser)?.list_stats(),
    ))
}

pub(super) async fn get_proxy_list_status(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetProxyListStatus>,
) -> Result<Json<types::ProxyListStatus>, ApiError> {
    let mut data = lock(&app);
    Ok(Json(
        scope(&mut data, user, Some(q.plan_id), q.subuser)?.list_status(),
    ))
}

pub(super) async fn refresh_proxy_list(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<RefreshProxyList>,
) -> Result<StatusCode, ApiError> {
    let mut data = lock(&app);
    if scope(&mut data, user, q.plan_id, q.subuser)?.refresh(crate::state::now()) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::field(
            "non_field_errors",
            "No on-demand refreshes are available.",
            "no_refreshes_available",
        ))
    }
}
