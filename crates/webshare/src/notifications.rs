//! *Notifications*: the account's feed; dismissing and restoring are idempotent (and retried).

use futures_core::Stream;
use webshare_api::operations::{
    DismissNotification, GetNotification, ListNotifications, RestoreNotification,
};
use webshare_api::types::{Notification, NotificationPage};

use crate::{Client, Error, pagination};

/// Notification operations; from [`Client::notifications`].
#[derive(Debug, Clone, Copy)]
pub struct Notifications<'a> {
    client: &'a Client,
}

impl Client {
    /// The account's notifications.
    pub fn notifications(&self) -> Notifications<'_> {
        Notifications { client: self }
    }
}

impl Notifications<'_> {
    /// One page of notifications, filtered as `params` says: `dismissed_at_isnull: Some(true)` lists
    /// those not dismissed, `Some(false)` the dismissed ones; `type_` one type.
    pub async fn list(&self, params: &ListNotifications) -> Result<NotificationPage, Error> {
        self.client.call(params, &()).await
    }

    /// Every notification `params` selects (its page ignored), page after page.
    pub fn list_all(
        &self,
        params: ListNotifications,
    ) -> impl Stream<Item = Result<Notification, Error>> + Send + 'static + use<> {
        pagination::page_numbered(self.client.clone(), params)
    }

    /// Notification `id`.
    pub async fn get(&self, id: i64) -> Result<Notification, Error> {
        self.client.call(&GetNotification::new(id), &()).await
    }

    /// Dismisses notification `id` (a dismissed one stays as it is); a 400 if it is not dismissable.
    pub async fn dismiss(&self, id: i64) -> Result<Notification, Error> {
        self.client.call(&DismissNotification::new(id), &()).await
    }

    /// Restores notification `id` (undoes a dismissal; one not dismissed stays as it is).
    pub async fn restore(&self, id: i64) -> Result<Notification, Error> {
        self.client.call(&RestoreNotification::new(id), &()).await
    }
}
