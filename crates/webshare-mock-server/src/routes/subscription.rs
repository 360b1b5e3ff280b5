//! *Subscription*: the subscription, the assets and options a plan can be customized with, its price
//! (`commerce::pricing`, the same function a checkout charges by), purchase and renewal checkouts, and
//! auto-renewal.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use serde_json::Value;
use webshare_api::operations::{
    CancelAutoRenewal, EnableAutoRenewal, GetAvailableAssets, GetCustomizationOptions,
    GetSubscription, GetSubscriptionPricing, PurchasePlan, RenewSubscription,
};
use webshare_api::types;

use super::billing::{Charge, checkout};
use super::common::lock;
use super::plans::read_terms;
use crate::Shared;
use crate::auth::User;
use crate::commerce::{Purpose, Term, pricing as price_of};
use crate::error::ApiError;
use crate::params::Params;
use crate::state::{Data, UserId, now};
use crate::terms::Terms;
use crate::validate::JsonObject;

/// The most proxies a plan may have (the plans' own limit in this mock).
const MAX_PROXIES: i64 = 100_000;

fn subscription(data: &Data, user: UserId) -> Result<types::Subscription, ApiError> {
    let account = data.account(user)?;
    Ok(account.billing.to_type(account.plan_id))
}

pub(super) async fn get(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<GetSubscription>,
) -> Result<Json<types::Subscription>, ApiError> {
    Ok(Json(subscription(&lock(&app), user)?))
}

/// Every country of the mock's address pool, with how many proxies it can give.
fn countries() -> HashMap<String, i64> {
    crate::proxy_state::country_codes()
        .map(|c| (c.to_owned(), MAX_PROXIES))
        .collect()
}

pub(super) async fn available_assets(
    User(..): User,
    _: Params<GetAvailableAssets>,
) -> Json<types::AvailableAssets> {
    let info = || types::AvailableAssetInfo {
        total_subnets: Some(1),
        available_countries: Some(countries()),
    };
    let by_type = |subtypes: &[&str]| {
        types::AvailableAssetsByType(subtypes.iter().map(|s| ((*s).to_owned(), info())).collect())
    };
    Json(types::AvailableAssets(HashMap::from([
        (
            "shared".to_owned(),
            by_type(&["default", "residential", "isp"]),
        ),
        (
            "semidedicated".to_owned(),
            by_type(&["default", "premium", "isp"]),
        ),
        (
            "dedicated".to_owned(),
            by_type(&["default", "premium", "isp"]),
        ),
    ])))
}

/// The query's configuration over the plan's terms, checked as an upgrade's body is.
fn query_terms(query: &types::PricingQuery, current: &Terms) -> Result<Terms, ApiError> {
    // Its own keys (`behavior`, `term`, `with_tax`) are not plan fields; `read_terms` passes them by.
    let Value::Object(body) = serde_json::to_value(query).unwrap_or_default() else {
        return Err(ApiError::field(
            "query",
            "Must be a JSON object.",
            "invalid",
        ));
    };
    read_terms(&body, current)
}

/// The whole body read as the spec's request type: a value of the wrong type is a 400 before anything
/// is charged.
fn typed<T: serde::de::DeserializeOwned>(
    body: &serde_json::Map<String, Value>,
    nullable: &[&str],
) -> Result<T, ApiError> {
    // serde reads a null as an absent `Option`; the spec allows null only where it says `nullable`.
    if let Some((field, _)) = body
        .iter()
        .find(|(field, value)| value.is_null() && !nullable.contains(&field.as_str()))
    {
        return Err(ApiError::field(
            field,
            "This field may not be null.",
            "null",
        ));
    }
    serde_json::from_value(Value::Object(body.clone())).map_err(|e| {
        ApiError::field(
            "non_field_errors",
            format!("Invalid value: {e}."),
            "invalid",
        )
    })
}

/// A request's term (any of the generated term enums), else `current`.
fn term_of(term: Option<impl std::fmt::Display>, current: Term) -> Term {
    term.and_then(|t| Term::parse(&t.to_string()))
        .unwrap_or(current)
}

pub(super) async fn customize(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetCustomizationOptions>,
) -> Result<Json<types::CustomizationOptions>, ApiError> {
    let data = lock(&app);
    let account = data.account(user)?;
    let current = super::plans::active_terms(account, q.plan_id)?;
    let terms = query_terms(&q.query, current)?;
    Ok(Json(types::CustomizationOptions {
        proxy_type: Some(terms.proxy_type),
        proxy_subtype: Some(terms.proxy_subtype),
        proxy_count_max: Some(MAX_PROXIES),
        proxy_count_min: Some(1),
        available_countries: Some(countries()),
        on_demand_refreshes_max: Some(100),
        on_demand_refreshes_min: Some(0),
        automatic_refresh_frequency_max: Some(2_592_000),
        automatic_refresh_frequency_min: Some(0),
        proxy_replacements_max: Some(MAX_PROXIES),
        proxy_replacements_min: Some(0),
        bandwidth_limit_max: Some(5000),
        bandwidth_limit_min: Some(0),
        subusers_max: Some(100),
        subusers_min: Some(0),
        available_features: Some(
            [
                "is_unlimited_ip_authorizations",
                "is_high_concurrency",
                "is_high_priority_network",
            ]
            .into_iter()
            .map(|f| types::CustomizationOptionsAvailableFeaturesItem {
                feature: Some(f.to_owned()),
                required: Some(false),
            })
            .collect(),
        ),
        available_site_checks: Some(vec![types::CustomizationOptionsAvailableSiteChecksItem {
            name: Some("google_search_without_captcha".into()),
        }]),
        terms: Some(
            [(Term::Monthly, 1), (Term::Yearly, 12)]
                .into_iter()
                .map(|(t, n)| types::CustomizationOptionsTermsItem {
                    term: Some(t.as_str().to_owned()),
                    renewals_paid: Some(n),
                })
                .collect(),
        ),
    }))
}

pub(super) async fn pricing(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetSubscriptionPricing>,
) -> Result<Json<types::SubscriptionPricing>, ApiError> {
    let data = lock(&app);
    let account = data.account(user)?;
    let current = super::plans::active_terms(account, q.plan_id)?;
    let terms = query_terms(&q.query, current)?;
    let term = term_of(q.query.term, account.billing.term);
    Ok(Json(price_of(
        &terms,
        term,
        account.billing.free_credits,
        q.query.with_tax.unwrap_or(false),
    )))
}

pub(super) async fn purchase(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<PurchasePlan>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::CheckoutResponse>, ApiError> {
    if body.is_empty() {
        return Err(ApiError::field(
            "non_field_errors",
            "Send the plan to buy.",
            "required",
        ));
    }
    let request: types::SubscriptionPurchaseRequest = typed(&body, &[])?;
    if request
        .behavior
        .is_some_and(|b| b != types::SubscriptionPurchaseRequestBehavior::Replace)
    {
        return Err(ApiError::field(
            "behavior",
            "This mock keeps one plan per account: only `replace` is supported.",
            "invalid",
        ));
    }
    let mut data = lock(&app);
    let account = data.account(user)?;
    let current = super::plans::active_terms(account, None)?;
    // The request's other keys (behavior, term, how to pay) are not plan fields; `read_terms` passes them by.
    let terms = read_terms(&body, current)?;
    super::plans::check_plan_size(&terms, &data.limits)?;
    let term = term_of(request.term, account.billing.term);
    let price = crate::commerce::price(&terms, term).price;
    data.next_plan_id += 1;
    let plan = data.next_plan_id;
    let answer = checkout(
        &mut data,
        user,
        Charge {
            purpose: Purpose::Purchase { plan, terms, term },
            price,
        },
        now(),
    )?;
    Ok(Json(answer))
}

pub(super) async fn renew(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<RenewSubscription>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::CheckoutResponse>, ApiError> {
    let request: types::SubscriptionRenewRequest = typed(&body, &["payment_method"])?;
    let mut data = lock(&app);
    let account = data.account(user)?;
    let term = term_of(request.term, account.billing.term);
    let terms = super::plans::active_terms(account, None)?;
    let price = crate::commerce::price(terms, term).price;
    let answer = checkout(
        &mut data,
        user,
        Charge {
            purpose: Purpose::Renewal { term },
            price,
        },
        now(),
    )?;
    Ok(Json(answer))
}

fn set_renewal(app: &Shared, user: UserId, enabled: bool) -> Result<types::Subscription, ApiError> {
    let mut data = lock(app);
    let billing = &mut data.account_mut(user)?.billing;
    billing.renewals_enabled = enabled;
    billing.updated_at = now();
    subscription(&data, user)
}

pub(super) async fn enable_renewal(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<EnableAutoRenewal>,
) -> Result<Json<types::Subscription>, ApiError> {
    set_renewal(&app, user, true).map(Json)
}

pub(super) async fn cancel_renewal(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<CancelAutoRenewal>,
) -> Result<Json<types::Subscription>, ApiError> {
    set_renewal(&app, user, false).map(Json)
}
