//! *Subscription* plans: list, read, change the next automatic refresh, upgrade (a new plan, paid from
//! credits: the mock's accounts never need a payment), cancel.

use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::HeaderMap;
use serde::Deserialize;
use serde_json::Value;
use webshare_api::operations::{CancelPlan, GetPlan, ListPlans, UpdatePlan, UpgradePlan};
use webshare_api::types;

use super::common::lock;
use super::proxies::{PageWindow, not_found};
use crate::Shared;
use crate::auth::User;
use crate::error::ApiError;
use crate::params::Params;
use crate::plan::MockPlan;
use crate::proxy_state::known_country;
use crate::state::{Data, Limits, UserId, now};
use crate::terms::Terms;
use crate::validate::{Fields, JsonObject};

/// How many sub-users `user` has.
fn subusers(data: &Data, user: UserId) -> i64 {
    data.subusers.values().filter(|s| s.owner == user).count() as i64
}

/// Plan `id` of `user` as the API shows it; a 404 for another account's.
fn show(data: &Data, user: UserId, id: i64) -> Result<types::Plan, ApiError> {
    let account = data.account(user)?;
    let plan = account
        .plans
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(not_found)?;
    Ok(plan.to_type(&account.proxy, subusers(data, user), true))
}

pub(super) async fn list(
    State(app): State<Shared>,
    User(user, _): User,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Params(q): Params<ListPlans>,
) -> Result<Json<types::PlanPage>, ApiError> {
    let data = lock(&app);
    let account = data.account(user)?;
    let count = account.plans.len();
    let window = PageWindow::of(count, q.page, q.page_size, &headers, &uri)?;
    let subusers = subusers(&data, user);
    Ok(Json(types::PlanPage {
        count: count as i64,
        results: account.plans[window.range.clone()]
            .iter()
            .map(|p| p.to_type(&account.proxy, subusers, false))
            .collect(),
        next: window.next,
        previous: window.previous,
    }))
}

pub(super) async fn get(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetPlan>,
) -> Result<Json<types::Plan>, ApiError> {
    Ok(Json(show(&lock(&app), user, q.id)?))
}

pub(super) async fn update(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<UpdatePlan>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::Plan>, ApiError> {
    // Another's plan is a 404 before the body is judged, as the service looks it up first.
    if !lock(&app).account(user)?.plans.iter().any(|p| p.id == q.id) {
        return Err(not_found());
    }
    let mut fields = Fields::new(&body);
    let next_at: Option<chrono::DateTime<chrono::Utc>> =
        fields.typed("automatic_refresh_next_at", true);
    let now = now();
    if next_at.is_some_and(|t| t <= now) {
        fields.error(
            "automatic_refresh_next_at",
            "Must be in the future.",
            "invalid",
        );
    }
    fields.finish()?;
    let mut data = lock(&app);
    let account = data.account_mut(user)?;
    let plan = account
        .plans
        .iter_mut()
        .find(|p| p.id == q.id)
        .ok_or_else(not_found)?;
    plan.automatic_refresh_next_at = next_at;
    plan.updated_at = now;
    Ok(Json(show(&data, user, q.id)?))
}

/// The terms of plan `plan_id` of `account` (its active plan by default); a 404 for another's.
pub(super) fn active_terms(
    account: &crate::state::User,
    plan_id: Option<i64>,
) -> Result<&Terms, ApiError> {
    let id = plan_id.unwrap_or(account.plan_id);
    account
        .plans
        .iter()
        .find(|p| p.id == id)
        .map(|p| &p.terms)
        .ok_or_else(not_found)
}

/// Makes `terms` the account's active plan `new_id`: the old one closes with what it used, the new one
/// starts a fresh allowance and list (an upgrade, or a purchase that replaces the plan).
pub(super) fn replace_plan(
    account: &mut crate::state::User,
    new_id: i64,
    terms: Terms,
    now: chrono::DateTime<chrono::Utc>,
) {
    let old_id = account.plan_id;
    if let Some(old) = account.plans.iter_mut().find(|p| p.id == old_id) {
        old.close(&account.proxy, now);
    }
    account.proxy.rebuild(&terms.proxy_countries, now);
    account.proxy.on_demand_refreshes_available =
        u32::try_from(terms.on_demand_refreshes_total).unwrap_or(u32::MAX);
    account.proxy.replacements_available = terms.proxy_replacements_total;
    account.plans.push(MockPlan {
        id: new_id,
        cancelled: false,
        terms,
        automatic_refresh_next_at: None,
        created_at: now,
        updated_at: now,
        used_when_closed: None,
    });
    account.plan_id = new_id;
}

/// A plan the mock makes (an upgrade, a purchase) has at most [`Limits::plan_proxies`] proxies and a
/// `subusers_total` of at most [`Limits::subusers`]: checked before any proxy is made.
pub(super) fn check_plan_size(terms: &Terms, limits: &Limits) -> Result<(), ApiError> {
    let mut errors = crate::error::FieldErrors::new();
    if usize::try_from(terms.proxy_count()).map_or(true, |n| n > limits.plan_proxies) {
        let message = format!(
            "At most {} proxies on the mock server (Config::max_plan_proxies).",
            limits.plan_proxies
        );
        errors.insert("proxy_countries".into(), vec![(message, "max_value")]);
    }
    if usize::try_from(terms.subusers_total).map_or(true, |n| n > limits.subusers) {
        let message = format!(
            "At most {} sub-users on the mock server (Config::max_subusers).",
            limits.subusers
        );
        errors.insert("subusers_total".into(), vec![(message, "max_value")]);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// The new terms: the request's fields over the current plan's.
pub(super) fn read_terms(
    body: &serde_json::Map<String, Value>,
    current: &Terms,
) -> Result<Terms, ApiError> {
    let mut fields = Fields::new(body);
    let request: Option<types::PlanUpgradeRequest> =
        match types::PlanUpgradeRequest::deserialize(&Value::Object(body.clone())) {
            Ok(r) => Some(r),
            Err(e) => {
                fields.error(
                    "non_field_errors",
                    format!("Invalid value: {e}."),
                    "invalid",
                );
                None
            }
        };
    let Some(r) = request else {
        return Err(fields.into_error());
    };
    let mut terms = current.clone();
    // Absent (or empty) keeps the current countries.
    let countries = r.proxy_countries;
    if !countries.is_empty() {
        if countries
            .iter()
            .any(|(c, n)| *n < 1 || !(c == "ZZ" || known_country(c)))
        {
            fields.error(
                "proxy_countries",
                "Every country must be available (or ZZ), with a count of at least 1.",
                "invalid",
            );
        }
        terms.proxy_countries = countries.into_iter().collect();
    }
    if terms.proxy_count() > 100_000 {
        fields.error("proxy_countries", "At most 100,000 proxies.", "invalid");
    }
    let counts = [
        (
            "on_demand_refreshes_total",
            r.on_demand_refreshes_total,
            &mut terms.on_demand_refreshes_total,
        ),
        (
            "automatic_refresh_frequency",
            r.automatic_refresh_frequency,
            &mut terms.automatic_refresh_frequency,
        ),
        (
            "proxy_replacements_total",
            r.proxy_replacements_total,
            &mut terms.proxy_replacements_total,
        ),
        (
            "subusers_total",
            r.subusers_total,
            &mut terms.subusers_total,
        ),
    ];
    for (name, value, slot) in counts {
        match value {
            Some(n) if n < 0 => fields.error(name, "Must be at least 0.", "min_value"),
            Some(n) => *slot = n,
            None => {}
        }
    }
    match r.bandwidth_limit {
        Some(n) if n.is_nan() || n < 0.0 => {
            fields.error("bandwidth_limit", "Must be at least 0.", "min_value")
        }
        Some(n) => terms.bandwidth_limit = n,
        None => {}
    }
    if let Some(t) = r.proxy_type {
        terms.proxy_type = t.to_string();
    }
    if let Some(t) = r.proxy_subtype {
        terms.proxy_subtype = t.to_string();
    }
    for (value, slot) in [
        (
            r.is_unlimited_ip_authorizations,
            &mut terms.is_unlimited_ip_authorizations,
        ),
        (r.is_high_concurrency, &mut terms.is_high_concurrency),
        (
            r.is_high_priority_network,
            &mut terms.is_high_priority_network,
        ),
    ] {
        if let Some(v) = value {
            *slot = v;
        }
    }
    if body.contains_key("required_site_checks") {
        terms.required_site_checks = r.required_site_checks;
    }
    fields.finish()?;
    Ok(terms)
}

pub(super) async fn upgrade(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<UpgradePlan>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::CheckoutResponse>, ApiError> {
    let now = now();
    let mut data = lock(&app);
    data.next_plan_id += 1;
    let new_id = data.next_plan_id;
    let limits = data.limits;
    let account = data.account_mut(user)?;
    if account.plans.len() >= limits.plans {
        return Err(ApiError::limit_reached("plans", limits.plans, "max_plans"));
    }
    let old = account
        .plans
        .iter()
        .find(|p| p.id == q.id)
        .ok_or_else(not_found)?;
    if old.cancelled || old.id != account.plan_id {
        return Err(ApiError::field(
            "non_field_errors",
            "Only the active plan can be upgraded.",
            "invalid",
        ));
    }
    let terms = read_terms(&body, &old.terms)?;
    check_plan_size(&terms, &limits)?;
    replace_plan(account, new_id, terms, now);
    Ok(Json(types::CheckoutResponse {
        payment_required: Some(false),
        plan: Some(new_id),
        pending_payment: None,
        stripe_client_secret: None,
        stripe_payment_intent: None,
        stripe_payment_method: None,
    }))
}

pub(super) async fn cancel(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<CancelPlan>,
) -> Result<Json<types::PlanCancelResponse>, ApiError> {
    let now = now();
    let mut data = lock(&app);
    data.next_transaction_id += 1;
    let transaction = data.next_transaction_id;
    let account = data.account_mut(user)?;
    let plan = account
        .plans
        .iter()
        .find(|p| p.id == q.id)
        .ok_or_else(not_found)?;
    if plan.cancelled {
        return Err(ApiError::field(
            "non_field_errors",
            "This plan is already cancelled.",
            "invalid",
        ));
    }
    let active = plan.id == account.plan_id;
    if let Some(plan) = account.plans.iter_mut().find(|p| p.id == q.id) {
        plan.close(&account.proxy, now);
    }
    // A cancelled plan has no proxies.
    if active {
        account.proxy.proxies.clear();
    }
    Ok(Json(types::PlanCancelResponse {
        success: Some(true),
        transaction: Some(transaction),
    }))
}
