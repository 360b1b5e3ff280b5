//! *Sub-Users*: each with limits, aggregate stats and a proxy list of its own (the `X-Subuser` scope of
//! the proxy, config, IP authorization and stats operations); deleting one ends that scope.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Datelike as _, Utc};
use serde_json::{Map, Value};
use webshare_api::operations::{
    CreateSubuser, DeleteSubuser, GetSubuser, ListSubusers, RefreshSubuserProxyList, UpdateSubuser,
};
use webshare_api::types;

use super::common::lock;
use super::proxies::{PageWindow, check_plan, not_found};
use super::stats::aggregate_of;
use crate::Shared;
use crate::auth::User;
use crate::error::ApiError;
use crate::params::Params;
use crate::proxy_state::known_country;
use crate::state::{Data, Subuser, UserId, now};
use crate::validate::{Fields, JsonObject, MAX_LABEL};

/// Bandwidth is counted over 30 days from `bandwidth_use_start_date`.
const BANDWIDTH_PERIOD_DAYS: i64 = 30;

impl Subuser {
    fn to_type(&self, id: i64) -> types::Subuser {
        let activity: Vec<&types::ProxyActivity> = self.proxy.activity.iter().collect();
        types::Subuser {
            id,
            label: Some(self.label.clone()),
            proxy_countries: self
                .proxy_countries
                .as_ref()
                .map(|c| c.iter().map(|(k, v)| (k.clone(), *v)).collect()),
            proxy_limit: Some(self.proxy_limit),
            max_thread_count: Some(self.max_thread_count),
            aggregate_stats: Some(aggregate_of(&self.proxy, &activity)),
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
            bandwidth_use_start_date: Some(self.bandwidth_use_start_date),
            // Checked as well: a stored date is bounded on input, and a failure here must not panic.
            bandwidth_use_end_date: self
                .bandwidth_use_start_date
                .checked_add_signed(chrono::Duration::days(BANDWIDTH_PERIOD_DAYS)),
        }
    }
}

/// The ids of `user`'s sub-users, oldest first.
fn ids_of(data: &Data, user: UserId) -> Vec<i64> {
    let mut ids: Vec<i64> = data
        .subusers
        .iter()
        .filter(|(_, s)| s.owner == user)
        .map(|(id, _)| *id)
        .collect();
    ids.sort_unstable();
    ids
}

/// Sub-user `id` of `user`; another account's is a 404.
fn own(data: &mut Data, user: UserId, id: i64) -> Result<&mut Subuser, ApiError> {
    data.subusers
        .get_mut(&id)
        .filter(|s| s.owner == user)
        .ok_or_else(not_found)
}

/// The fields of a create or update body, checked; `None` for those absent (`Some(None)`: a null
/// `proxy_countries`).
struct Changes {
    label: Option<String>,
    proxy_limit: Option<f64>,
    max_thread_count: Option<i64>,
    proxy_countries: Option<Option<BTreeMap<String, i64>>>,
    bandwidth_use_start_date: Option<DateTime<Utc>>,
}

fn changes(body: &Map<String, Value>, creating: bool, proxies: usize) -> Result<Changes, ApiError> {
    let mut fields = Fields::new(body);
    let label = (creating || body.contains_key("label"))
        .then(|| fields.string_up_to("label", MAX_LABEL).to_owned());
    let proxy_limit: Option<f64> = fields.typed("proxy_limit", creating);
    if proxy_limit.is_some_and(|l| !(l.is_finite() && l >= 0.0)) {
        fields.error(
            "proxy_limit",
            "Ensure this value is greater than or equal to 0.",
            "min_value",
        );
    }
    let max_thread_count: Option<i64> = fields.typed("max_thread_count", false);
    if max_thread_count.is_some_and(|n| n < 1) {
        fields.error(
            "max_thread_count",
            "Ensure this value is greater than or equal to 1.",
            "min_value",
        );
    }
    let proxy_countries = match body.get("proxy_countries") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(_) => {
            let counts: Option<BTreeMap<String, i64>> = fields.typed("proxy_countries", false);
            if let Some(counts) = &counts {
                let unknown = counts
                    .iter()
                    .find(|(c, n)| (c.as_str() != "ZZ" && !known_country(c)) || **n < 0);
                // Checked: counts come from the caller, and a wrapped sum would pass the limit below.
                let total = counts
                    .values()
                    .filter(|n| **n > 0)
                    .try_fold(0i64, |sum, n| sum.checked_add(*n));
                if let Some((country, _)) = unknown {
                    fields.error(
                        "proxy_countries",
                        format!(
                            "`{country}` is not an available country, or its count is negative."
                        ),
                        "invalid",
                    );
                } else if total.is_none_or(|total| total > proxies as i64) {
                    fields.error(
                        "proxy_countries",
                        format!("The custom list may have at most {proxies} proxies (the account's list)."),
                        "invalid",
                    );
                }
            }
            counts.map(Some)
        }
    };
    let bandwidth_use_start_date = if creating {
        None
    } else {
        if body.is_empty() {
            fields.error(
                "non_field_errors",
                "Send one or more fields to change.",
                "required",
            );
        }
        let start: Option<DateTime<Utc>> = fields.typed("bandwidth_use_start_date", false);
        // Bounded on input: the end of the period is computed from it on every read, and a year like
        // +262142 (which chrono's parser accepts) would overflow there.
        if start.is_some_and(|start| !(1970..=9999).contains(&start.year())) {
            fields.error(
                "bandwidth_use_start_date",
                "Enter a date between the years 1970 and 9999.",
                "invalid",
            );
        }
        start
    };
    fields.finish()?;
    Ok(Changes {
        label,
        proxy_limit,
        max_thread_count,
        proxy_countries,
        bandwidth_use_start_date,
    })
}

impl Subuser {
    fn apply(&mut self, changes: Changes, now: DateTime<Utc>) {
        if let Some(label) = changes.label {
            self.label = label;
        }
        if let Some(limit) = changes.proxy_limit {
            self.proxy_limit = limit;
        }
        if let Some(n) = changes.max_thread_count {
            self.max_thread_count = n;
        }
        if let Some(start) = changes.bandwidth_use_start_date {
            self.bandwidth_use_start_date = start;
        }
        if let Some(countries) = changes.proxy_countries {
            if let Some(counts) = &countries {
                self.proxy.rebuild(counts, now);
            }
            self.proxy_countries = countries;
        }
        self.updated_at = now;
    }
}

pub(super) async fn list(
    State(app): State<Shared>,
    User(user, _): User,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Params(q): Params<ListSubusers>,
) -> Result<Json<types::SubuserPage>, ApiError> {
    let data = lock(&app);
    check_plan(&data, user, q.plan_id)?;
    let ids = ids_of(&data, user);
    let window = PageWindow::of(ids.len(), q.page, q.page_size, &headers, &uri)?;
    Ok(Json(types::SubuserPage {
        count: ids.len() as i64,
        results: ids[window.range.clone()]
            .iter()
            .filter_map(|id| data.subusers.get(id).map(|s| s.to_type(*id)))
            .collect(),
        next: window.next,
        previous: window.previous,
    }))
}

pub(super) async fn create(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<CreateSubuser>,
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<types::Subuser>), ApiError> {
    let now = now();
    let mut data = lock(&app);
    check_plan(&data, user, q.plan_id)?;
    let account = data.account(user)?;
    let allowed = account
        .active_plan()
        .map_or(0, |plan| plan.terms.subusers_total);
    let changes = changes(&body, true, account.proxy.proxies.len())?;
    if ids_of(&data, user).len() as i64 >= allowed {
        return Err(ApiError::field(
            "non_field_errors",
            format!("The plan allows {allowed} sub-users; delete one or upgrade the plan."),
            "subuser_limit_reached",
        ));
    }
    let id = data.create_subuser(user, now)?;
    let sub = own(&mut data, user, id)?;
    sub.apply(changes, now);
    Ok((StatusCode::CREATED, Json(sub.to_type(id))))
}

pub(super) async fn get(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetSubuser>,
) -> Result<Json<types::Subuser>, ApiError> {
    let mut data = lock(&app);
    check_plan(&data, user, q.plan_id)?;
    Ok(Json(own(&mut data, user, q.id)?.to_type(q.id)))
}

pub(super) async fn update(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<UpdateSubuser>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::Subuser>, ApiError> {
    let now = now();
    let mut data = lock(&app);
    check_plan(&data, user, q.plan_id)?;
    let proxies = data.account(user)?.proxy.proxies.len();
    own(&mut data, user, q.id)?;
    let changes = changes(&body, false, proxies)?;
    let sub = own(&mut data, user, q.id)?;
    sub.apply(changes, now);
    Ok(Json(sub.to_type(q.id)))
}

pub(super) async fn delete(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<DeleteSubuser>,
) -> Result<StatusCode, ApiError> {
    let mut data = lock(&app);
    check_plan(&data, user, q.plan_id)?;
    own(&mut data, user, q.id)?;
    data.subusers.remove(&q.id);
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn refresh(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<RefreshSubuserProxyList>,
) -> Result<Json<types::Subuser>, ApiError> {
    let now = now();
    let mut data = lock(&app);
    let sub = own(&mut data, user, q.id)?;
    let Some(countries) = sub.proxy_countries.clone() else {
        return Err(ApiError::field(
            "non_field_errors",
            "Only a sub-user with a custom proxy list (`proxy_countries`) can have it refreshed.",
            "no_custom_proxy_list",
        ));
    };
    sub.proxy.rebuild(&countries, now);
    sub.updated_at = now;
    Ok(Json(sub.to_type(q.id)))
}
