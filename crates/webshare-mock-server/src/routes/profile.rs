//! *User Profile*: the profile (names, timezone, email subscriptions) and the dashboard preferences.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde_json::Value;
use webshare_api::operations::{
    GetProfile, GetProfilePreferences, UpdateProfile, UpdateProfilePreferences,
};
use webshare_api::types;

use super::common::lock;
use crate::Shared;
use crate::account_state::{PREFERENCES, SUBSCRIPTIONS};
use crate::auth::User;
use crate::error::ApiError;
use crate::params::Params;
use crate::state::now;
use crate::validate::{Fields, JsonObject};

/// Names are at most 150 characters, as this server framework's user model has them.
const MAX_NAME: usize = 150;

/// An IANA-shaped timezone name (`Area/City`, or `UTC`): the mock has no timezone database.
fn is_timezone(name: &str) -> bool {
    name == "UTC"
        || (name.len() <= 64
            && name.contains('/')
            && !name.starts_with('/')
            && !name.ends_with('/')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '+' | '-')))
}

pub(super) async fn get(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<GetProfile>,
) -> Result<Json<types::Profile>, ApiError> {
    let data = lock(&app);
    let account = data.account(user)?;
    Ok(Json(account.profile.to_type(
        user as i64,
        &account.email,
        account.created_at,
    )))
}

pub(super) async fn update(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<UpdateProfile>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::Profile>, ApiError> {
    let mut fields = Fields::new(&body);
    let mut names = [None, None];
    for (slot, field) in names.iter_mut().zip(["first_name", "last_name"]) {
        match body.get(field) {
            None => {}
            Some(Value::String(s)) if s.chars().count() <= MAX_NAME => *slot = Some(s.clone()),
            Some(Value::String(_)) => fields.error(
                field,
                format!("Ensure this field has no more than {MAX_NAME} characters."),
                "max_length",
            ),
            Some(_) => fields.error(field, "Not a valid string.", "invalid"),
        }
    }
    let timezone = body
        .contains_key("timezone")
        .then(|| fields.string("timezone").to_owned());
    if let Some(tz) = &timezone
        && !fields.has_error("timezone")
        && !is_timezone(tz)
    {
        fields.error(
            "timezone",
            format!("\"{tz}\" is not a valid timezone."),
            "invalid_choice",
        );
    }
    let subscriptions = SUBSCRIPTIONS.map(|field| fields.boolean(field, false));
    if body.is_empty() {
        fields.error(
            "non_field_errors",
            "Send one or more fields to change.",
            "required",
        );
    }
    fields.finish()?;
    let mut data = lock(&app);
    let account = data.account_mut(user)?;
    let profile = &mut account.profile;
    let [first, last] = names;
    if let Some(first) = first {
        profile.first_name = first;
    }
    if let Some(last) = last {
        profile.last_name = last;
    }
    if let Some(tz) = timezone {
        profile.timezone = tz;
    }
    for (value, slot) in subscriptions.iter().zip(profile.subscriptions.iter_mut()) {
        if let Some(value) = value {
            *slot = *value;
        }
    }
    profile.updated_at = now();
    Ok(Json(profile.to_type(
        user as i64,
        &account.email,
        account.created_at,
    )))
}

pub(super) async fn get_preferences(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<GetProfilePreferences>,
) -> Result<Json<types::ProfilePreferences>, ApiError> {
    let data = lock(&app);
    let account = data.account(user)?;
    Ok(Json(
        account
            .profile
            .preferences_type(user as i64, account.created_at),
    ))
}

pub(super) async fn update_preferences(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<UpdateProfilePreferences>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::ProfilePreferences>, ApiError> {
    let mut fields = Fields::new(&body);
    // Each present field is a timestamp (the spec has no null for them: the SDK never sends one).
    let changes: [Option<Option<DateTime<Utc>>>; 3] =
        PREFERENCES.map(|field| match body.get(field) {
            None => None,
            Some(Value::Null) => {
                fields.error(field, "This field may not be null.", "null");
                None
            }
            Some(_) => fields.typed(field, false).map(Some),
        });
    if changes.iter().all(Option::is_none) && fields.has_no_errors() {
        fields.error(
            "non_field_errors",
            format!("Send one or more of: {}.", PREFERENCES.join(", ")),
            "required",
        );
    }
    fields.finish()?;
    let mut data = lock(&app);
    let account = data.account_mut(user)?;
    let preferences = &mut account.profile.preferences;
    for (change, slot) in changes.into_iter().zip(preferences.times.iter_mut()) {
        if let Some(value) = change {
            *slot = value;
        }
    }
    preferences.updated_at = Some(now());
    Ok(Json(
        account
            .profile
            .preferences_type(user as i64, account.created_at),
    ))
}
