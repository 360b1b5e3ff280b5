//! *Proxy Statistics*: hourly stats and their aggregate, computed from the same activity log as the activity
//! list (so they agree), and the activity as a CSV download.

use std::collections::{BTreeMap, BTreeSet};

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use webshare_api::operations::{DownloadProxyActivity, GetAggregateStats, ListStats};
use webshare_api::types::{self, DownloadTokenScope};

use super::common::lock;
use super::proxies::{ActivityFilter, download_owner, scope};
use crate::Shared;
use crate::auth::User;
use crate::error::ApiError;
use crate::params::Params;
use crate::proxy_state::ProxyScope;

/// The totals of some activity, as both stats operations report them.
#[derive(Default)]
struct Totals {
    bytes: i64,
    requests: i64,
    failed: i64,
    reasons: BTreeMap<String, i64>,
    countries: BTreeMap<String, i64>,
    protocols: BTreeMap<String, i64>,
    proxies: BTreeSet<String>,
    seconds_in_flight: f64,
    last: Option<DateTime<Utc>>,
}

impl Totals {
    fn add(&mut self, scope: &ProxyScope, a: &types::ProxyActivity) {
        self.bytes += a.bytes.unwrap_or(0.0) as i64;
        self.requests += 1;
        if let Some(reason) = &a.error_reason {
            self.failed += 1;
            *self.reasons.entry(reason.clone()).or_default() += 1;
        }
        if let Some(address) = &a.proxy_address {
            self.proxies.insert(address.clone());
            if let Some(proxy) = scope.proxies.iter().find(|p| &p.address == address) {
                *self
                    .countries
                    .entry(proxy.country_code.to_owned())
                    .or_default() += 1;
            }
        }
        if let Some(protocol) = &a.protocol {
            *self.protocols.entry(protocol.clone()).or_default() += 1;
        }
        self.seconds_in_flight += a.request_duration.unwrap_or(0.0);
        self.last = self.last.max(Some(a.timestamp));
    }

    fn reasons(&self) -> Vec<types::ErrorReason> {
        self.reasons
            .iter()
            .map(|(reason, count)| types::ErrorReason {
                reason: Some(reason.clone()),
                type_: Some("configuration".into()),
                how_to_fix: Some(
                    "The target website you are connecting cannot be accessed via Webshare Proxy."
                        .into(),
                ),
                http_status: Some(403),
                count: Some(*count),
            })
            .collect()
    }

    fn map(counts: &BTreeMap<String, i64>) -> std::collections::HashMap<String, i64> {
        counts.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }

    /// Over `seconds` of wall time.
    fn average_concurrency(&self, seconds: f64) -> f64 {
        self.seconds_in_flight / seconds.max(1.0)
    }
}

fn filter(lte: Option<DateTime<Utc>>, gte: Option<DateTime<Utc>>) -> ActivityFilter<'static> {
    ActivityFilter {
        lte,
        gte,
        error_reason: None,
        bytes_gte: None,
        bytes_lte: None,
        search: None,
    }
}

pub(super) async fn list(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<ListStats>,
) -> Result<Json<Vec<types::ProxyStat>>, ApiError> {
    let period = filter(q.timestamp_lte, q.timestamp_gte);
    period.check()?;
    let mut data = lock(&app);
    let scope = scope(&mut data, user, q.plan_id, q.subuser)?;
    let mut hours: BTreeMap<DateTime<Utc>, Totals> = BTreeMap::new();
    for a in period.select(&scope.activity) {
        let hour = a
            .timestamp
            .duration_trunc(TimeDelta::hours(1))
            .unwrap_or(a.timestamp);
        hours.entry(hour).or_default().add(scope, a);
    }
    Ok(Json(
        hours
            .into_iter()
            .map(|(hour, t)| types::ProxyStat {
                timestamp: Some(hour),
                is_projected: Some(false),
                bandwidth_total: Some(t.bytes),
                bandwidth_average: Some(t.bytes / t.requests.max(1)),
                requests_total: Some(t.requests),
                requests_successful: Some(t.requests - t.failed),
                requests_failed: Some(t.failed),
                error_reasons: Some(t.reasons()),
                countries_used: Some(Totals::map(&t.countries)),
                number_of_proxies_used: Some(t.proxies.len() as i64),
                protocols_used: Some(Totals::map(&t.protocols)),
                average_concurrency: Some(t.average_concurrency(3600.0)),
                average_rps: Some(t.requests as f64 / 3600.0),
                last_request_sent_at: t.last,
            })
            .collect(),
    ))
}

pub(super) async fn aggregate(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetAggregateStats>,
) -> Result<Json<types::AggregateStats>, ApiError> {
    let period = filter(q.timestamp_lte, q.timestamp_gte);
    period.check()?;
    let mut data = lock(&app);
    let scope = scope(&mut data, user, q.plan_id, q.subuser)?;
    Ok(Json(aggregate_of(scope, &period.select(&scope.activity))))
}

/// The aggregate stats of `selected` activity (newest first) of `scope`: what the aggregate operation
/// answers, and what a sub-user shows as its `aggregate_stats`.
pub(super) fn aggregate_of(
    scope: &ProxyScope,
    selected: &[&types::ProxyActivity],
) -> types::AggregateStats {
    let mut t = Totals::default();
    for a in selected {
        t.add(scope, a);
    }
    let seconds = match (selected.last(), selected.first()) {
        (Some(oldest), Some(newest)) => (newest.timestamp - oldest.timestamp).num_seconds() as f64,
        _ => 0.0,
    };
    types::AggregateStats {
        bandwidth_projected: Some(t.bytes),
        bandwidth_total: Some(t.bytes),
        bandwidth_average: Some(t.bytes / t.requests.max(1)),
        requests_total: Some(t.requests),
        requests_successful: Some(t.requests - t.failed),
        requests_failed: Some(t.failed),
        error_reasons: Some(t.reasons()),
        countries_used: Some(Totals::map(&t.countries)),
        number_of_proxies_used: Some(t.proxies.len() as i64),
        protocols_used: Some(Totals::map(&t.protocols)),
        average_concurrency: Some(t.average_concurrency(seconds)),
        average_rps: Some(t.requests as f64 / seconds.max(1.0)),
        last_request_sent_at: t.last,
    }
}

/// The CSV header of the activity download, as documented.
pub(crate) const ACTIVITY_CSV_HEADER: &str =
    "Time,Hostname,Destination Port,Bytes,Duration,Proxy,Your IP Address,Error Reason,Protocol";

/// No `Authorization`: the `activity` download token in the query is the credential.
pub(super) async fn download_activity(
    State(app): State<Shared>,
    Params(q): Params<DownloadProxyActivity>,
) -> Result<Response, ApiError> {
    let period = ActivityFilter {
        lte: q.timestamp_lte,
        gte: q.timestamp_gte,
        error_reason: q.error_reason.as_deref(),
        bytes_gte: super::proxies::bytes_bound("bytes__gte", q.bytes_gte.as_deref())?,
        bytes_lte: super::proxies::bytes_bound("bytes__lte", q.bytes_lte.as_deref())?,
        search: q.search.as_deref(),
    };
    period.check()?;
    let data = lock(&app);
    let token = q.download_token.expose();
    let scope = download_owner(&data, DownloadTokenScope::Activity, token, q.plan_id)?;
    let mut body = String::from(ACTIVITY_CSV_HEADER);
    body.push('\n');
    for a in period.select(&scope.activity) {
        let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "None".into());
        body.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            a.timestamp.format("%Y-%m-%d %H:%M:%S%.6f%:z"),
            text(&a.hostname),
            a.port
                .map_or_else(|| "None".into(), |p| (p as i64).to_string()),
            a.bytes.map_or(0, |b| b as i64),
            a.request_duration.unwrap_or(0.0),
            text(&a.proxy_address),
            text(&a.client_address),
            text(&a.error_reason),
            text(&a.protocol),
        ));
    }
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], body).into_response())
}
