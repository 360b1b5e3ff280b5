//! *Proxy Configuration* (v2): the whole config, its update (the list and download show new credentials
//! at once), and the allocation of unallocated countries.

use axum::Json;
use axum::extract::State;
use serde_json::Value;
use webshare_api::operations::{AllocateUnallocatedCountries, GetProxyConfigV2, UpdateProxyConfig};
use webshare_api::types;

use super::common::lock;
use super::proxies::scope;
use crate::Shared;
use crate::auth::User;
use crate::error::ApiError;
use crate::params::Params;
use crate::proxy_state::known_country;
use crate::state::{Data, UserId, now};
use crate::validate::{Fields, JsonObject};

/// The config's id: the plan's.
fn config_id(data: &Data, user: UserId) -> i64 {
    data.users.get(&user).map_or(0, |u| u.plan_id)
}

pub(super) async fn get(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetProxyConfigV2>,
) -> Result<Json<types::ProxyConfig>, ApiError> {
    let mut data = lock(&app);
    let id = config_id(&data, user);
    Ok(Json(
        scope(&mut data, user, q.plan_id, q.subuser)?.config_v2(id),
    ))
}

/// 8 to 32 letters and digits, as the section page states for the username and the password.
fn credential(
    fields: &mut Fields,
    body: &serde_json::Map<String, Value>,
    name: &str,
) -> Option<String> {
    let value = body.get(name)?;
    match value.as_str() {
        Some(text)
            if (8..=32).contains(&text.chars().count())
                && text.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            Some(text.to_owned())
        }
        _ => {
            fields.error(name, "Must be 8 to 32 letters and digits.", "invalid");
            None
        }
    }
}

/// An integer field within `range` (seconds).
fn seconds(
    fields: &mut Fields,
    body: &serde_json::Map<String, Value>,
    name: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Option<i64> {
    let value = body.get(name)?;
    match value.as_i64() {
        Some(n) if range.contains(&n) => Some(n),
        _ => {
            fields.error(
                name,
                format!(
                    "Must be an integer from {} to {}.",
                    range.start(),
                    range.end()
                ),
                "invalid",
            );
            None
        }
    }
}

fn flag(fields: &mut Fields, body: &serde_json::Map<String, Value>, name: &str) -> Option<bool> {
    let value = body.get(name)?;
    let flag = value.as_bool();
    if flag.is_none() {
        fields.error(name, "Must be true or false.", "invalid");
    }
    flag
}

pub(super) async fn update(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<UpdateProxyConfig>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::ProxyConfig>, ApiError> {
    // Another's plan or sub-user is a 404 before the body is judged, as the service looks it up first.
    scope(&mut lock(&app), user, q.plan_id, q.subuser)?;
    let mut fields = Fields::new(&body);
    let username = credential(&mut fields, &body, "username");
    let password = credential(&mut fields, &body, "password");
    if let (Some(user_name), Some(pass)) = (&username, &password)
        && pass.eq_ignore_ascii_case(user_name)
    {
        fields.error(
            "password",
            "The password is too similar to the username.",
            "password_too_similar",
        );
    }
    let timeout = seconds(&mut fields, &body, "request_timeout", 15..=604_800);
    let idle = seconds(&mut fields, &body, "request_idle_timeout", 15..=7_200);
    let countries = match body.get("ip_authorization_country_codes") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::Array(items)) => {
            let codes: Option<Vec<String>> = items
                .iter()
                .map(|c| c.as_str().filter(|c| known_country(c)).map(str::to_owned))
                .collect();
            if codes.is_none() {
                fields.error(
                    "ip_authorization_country_codes",
                    "Unknown or unavailable country code.",
                    "invalid",
                );
            }
            codes.map(Some)
        }
        Some(_) => {
            fields.error(
                "ip_authorization_country_codes",
                "Must be a list of country codes.",
                "invalid",
            );
            None
        }
    };
    // Each a string, or null to clear it; bounded like the other free-text settings.
    let geo = crate::proxy_state::GEO_FIELDS.map(|name| match body.get(name) {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) if s.chars().count() <= 100 => Some(Some(s.clone())),
        Some(_) => {
            fields.error(
                name,
                "Must be a string of at most 100 characters, or null.",
                "invalid",
            );
            None
        }
    });
    let flags = [
        "auto_replace_invalid_proxies",
        "auto_replace_low_country_confidence_proxies",
        "auto_replace_out_of_rotation_proxies",
        "auto_replace_failed_site_check_proxies",
    ]
    .map(|name| flag(&mut fields, &body, name));
    fields.finish()?;
    let mut data = lock(&app);
    let id = config_id(&data, user);
    let plan = scope(&mut data, user, q.plan_id, q.subuser)?;
    if let Some(username) = username {
        plan.username = username;
    }
    if let Some(password) = password {
        plan.password = password;
    }
    if let Some(timeout) = timeout {
        plan.request_timeout = timeout;
    }
    if let Some(idle) = idle {
        plan.request_idle_timeout = idle;
    }
    if let Some(countries) = countries {
        plan.settings.ip_authorization_country_codes = countries;
    }
    for (slot, value) in plan.settings.ip_authorization_geo.iter_mut().zip(geo) {
        if let Some(value) = value {
            *slot = value;
        }
    }
    let [invalid, low_confidence, out_of_rotation, failed_site_check] = flags;
    let settings = &mut plan.settings;
    for (flag, slot) in [
        (invalid, &mut settings.auto_replace_invalid_proxies),
        (
            low_confidence,
            &mut settings.auto_replace_low_country_confidence_proxies,
        ),
        (
            out_of_rotation,
            &mut settings.auto_replace_out_of_rotation_proxies,
        ),
        (
            failed_site_check,
            &mut settings.auto_replace_failed_site_check_proxies,
        ),
    ] {
        if let Some(value) = flag {
            *slot = value;
        }
    }
    plan.updated_at = now();
    Ok(Json(plan.config_v2(id)))
}

pub(super) async fn allocate(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<AllocateUnallocatedCountries>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::ProxyConfig>, ApiError> {
    // Another's plan or sub-user is a 404 before the body is judged, as the service looks it up first.
    scope(&mut lock(&app), user, q.plan_id, q.subuser)?;
    let requested: Vec<(String, i64)> = match body.get("new_countries") {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(country, count)| (country.clone(), count.as_i64().unwrap_or(0)))
            .collect(),
        _ => {
            return Err(ApiError::field(
                "new_countries",
                "This field is required: countries by proxy count.",
                "required",
            ));
        }
    };
    if requested
        .iter()
        .any(|(country, count)| *count < 1 || !known_country(country))
    {
        return Err(ApiError::field(
            "new_countries",
            "Every country must be available, with a count of at least 1.",
            "invalid",
        ));
    }
    let mut data = lock(&app);
    let id = config_id(&data, user);
    let plan = scope(&mut data, user, q.plan_id, q.subuser)?;
    let unallocated: i64 = plan.unallocated.values().sum();
    // Checked: counts come from the caller, and a wrapped sum could equal the unallocated count.
    let total = requested
        .iter()
        .try_fold(0i64, |sum, (_, n)| sum.checked_add(*n));
    if unallocated == 0 || total != Some(unallocated) {
        return Err(ApiError::field(
            "new_countries",
            format!("Must name {unallocated} proxies in all, as many as are unallocated."),
            "invalid",
        ));
    }
    let now = now();
    for (country, count) in requested {
        plan.add_proxies(&country, count as usize, now);
    }
    plan.unallocated.clear();
    plan.updated_at = now;
    Ok(Json(plan.config_v2(id)))
}
