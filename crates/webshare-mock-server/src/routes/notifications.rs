//! *Notifications*: the account's feed, filtered and ordered as documented; dismiss and restore are
//! idempotent.

use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::HeaderMap;
use webshare_api::OrderBy;
use webshare_api::operations::{
    DismissNotification, GetNotification, ListNotifications, RestoreNotification,
};
use webshare_api::types;

use super::common::lock;
use super::proxies::{PageWindow, check_ordering, not_found, sort_by_ordering};
use crate::Shared;
use crate::account_state::Notification;
use crate::auth::User;
use crate::error::ApiError;
use crate::params::Params;
use crate::state::{Data, UserId, now};

const ORDERING_FIELDS: &[&str] = &["id", "created_at", "dismissed_at"];

pub(super) async fn list(
    State(app): State<Shared>,
    User(user, _): User,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Params(q): Params<ListNotifications>,
) -> Result<Json<types::NotificationPage>, ApiError> {
    check_ordering(&q.ordering, ORDERING_FIELDS)?;
    let data = lock(&app);
    let mut shown: Vec<&Notification> = data
        .account(user)?
        .notifications
        .iter()
        .filter(|n| {
            q.dismissed_at_isnull
                .is_none_or(|isnull| n.dismissed_at.is_none() == isnull)
        })
        .filter(|n| q.type_.as_ref().is_none_or(|t| &n.kind == t))
        .collect();
    let default = [OrderBy::desc("created_at"), OrderBy::desc("id")];
    let ordering = if q.ordering.is_empty() {
        &default[..]
    } else {
        &q.ordering[..]
    };
    sort_by_ordering(&mut shown, ordering, |field, a, b| match field {
        "created_at" => a.created_at.cmp(&b.created_at),
        "dismissed_at" => a.dismissed_at.cmp(&b.dismissed_at),
        _ => a.id.cmp(&b.id),
    });
    let count = shown.len();
    let window = PageWindow::of(count, q.page, q.page_size, &headers, &uri)?;
    Ok(Json(types::NotificationPage {
        count: count as i64,
        results: shown[window.range.clone()]
            .iter()
            .map(|n| n.to_type())
            .collect(),
        next: window.next,
        previous: window.previous,
    }))
}

/// Notification `id` of `user`; another account's is a 404.
fn own(data: &mut Data, user: UserId, id: i64) -> Result<&mut Notification, ApiError> {
    data.account_mut(user)?
        .notifications
        .iter_mut()
        .find(|n| n.id == id)
        .ok_or_else(not_found)
}

pub(super) async fn get(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetNotification>,
) -> Result<Json<types::Notification>, ApiError> {
    Ok(Json(own(&mut lock(&app), user, q.id)?.to_type()))
}

pub(super) async fn dismiss(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<DismissNotification>,
) -> Result<Json<types::Notification>, ApiError> {
    let mut data = lock(&app);
    let n = own(&mut data, user, q.id)?;
    if !n.is_dismissable {
        return Err(ApiError::field(
            "non_field_errors",
            "This notification cannot be dismissed.",
            "not_dismissable",
        ));
    }
    if n.dismissed_at.is_none() {
        let now = now();
        n.dismissed_at = Some(now);
        n.updated_at = now;
    }
    Ok(Json(n.to_type()))
}

pub(super) async fn restore(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<RestoreNotification>,
) -> Result<Json<types::Notification>, ApiError> {
    let mut data = lock(&app);
    let n = own(&mut data, user, q.id)?;
    if n.dismissed_at.is_some() {
        n.dismissed_at = None;
        n.updated_at = now();
    }
    Ok(Json(n.to_type()))
}
