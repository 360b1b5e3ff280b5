//! *Sub-Users*: sub-users with limits and proxy lists of their own. To act as one (its proxy list, config,
//! IP authorizations, stats), use [`Client::as_subuser`](crate::Client::as_subuser).

use futures_core::Stream;
use webshare_api::operations::{
    CreateSubuser, DeleteSubuser, GetSubuser, ListSubusers, RefreshSubuserProxyList, UpdateSubuser,
};
use webshare_api::types::{Subuser, SubuserCreateRequest, SubuserPage, SubuserUpdateRequest};

use crate::validate::label;
use crate::{Client, Error, pagination};

/// Sub-user operations; from [`Client::subusers`]. The client's plan ([`Client::for_plan`]) picks the
/// plan whose sub-users these are.
#[derive(Debug, Clone, Copy)]
pub struct Subusers<'a> {
    client: &'a Client,
}

impl Client {
    /// The account's sub-users.
    pub fn subusers(&self) -> Subusers<'_> {
        Subusers { client: self }
    }
}

impl Subusers<'_> {
    /// One page of sub-users.
    pub async fn list(&self, params: &ListSubusers) -> Result<SubuserPage, Error> {
        self.client.call(params, &()).await
    }

    /// Every sub-user, page after page.
    pub fn list_all(&self) -> impl Stream<Item = Result<Subuser, Error>> + Send + 'static + use<> {
        pagination::page_numbered(self.client.clone(), ListSubusers::new())
    }

    /// A new sub-user labelled `label` with a bandwidth limit of `proxy_limit_gb` GB (0: unlimited); for
    /// more (thread count, a custom proxy list) pass a whole request to [`Subusers::create_with`]. Never
    /// retried by default: each call is a sub-user.
    pub async fn create(&self, label_text: &str, proxy_limit_gb: f64) -> Result<Subuser, Error> {
        let request = SubuserCreateRequest {
            label: Some(label(label_text)?),
            proxy_limit: Some(proxy_limit_gb),
            bandwidth_use_start_date: None,
            max_thread_count: None,
            proxy_countries: None,
        };
        self.create_with(&request).await
    }

    /// A new sub-user as `request` describes it, in one request. Its `proxy_limit` is checked before
    /// sending (0 or more, when set).
    pub async fn create_with(&self, request: &SubuserCreateRequest) -> Result<Subuser, Error> {
        if request
            .proxy_limit
            .is_some_and(|limit| !(limit.is_finite() && limit >= 0.0))
        {
            return Err(Error::invalid_input(
                "proxy_limit",
                "must be 0 (unlimited) or more",
            ));
        }
        self.client.call(&CreateSubuser::new(), request).await
    }

    /// Sub-user `id`.
    pub async fn get(&self, id: i64) -> Result<Subuser, Error> {
        self.client.call(&GetSubuser::new(id), &()).await
    }

    /// Changes the fields of sub-user `id` that `changes` sets (build it with
    /// `SubuserUpdateRequest::default()` and set fields). Setting `proxy_countries` gives it a custom
    /// list of those counts. Retried by default (a PATCH).
    pub async fn update(&self, id: i64, changes: &SubuserUpdateRequest) -> Result<Subuser, Error> {
        self.client.call(&UpdateSubuser::new(id), changes).await
    }

    /// Relabels sub-user `id`.
    pub async fn rename(&self, id: i64, label_text: &str) -> Result<Subuser, Error> {
        let changes = SubuserUpdateRequest {
            label: Some(label(label_text)?),
            ..Default::default()
        };
        self.update(id, &changes).await
    }

    /// Deletes sub-user `id`; acting as it is a 404 from then on.
    pub async fn delete(&self, id: i64) -> Result<(), Error> {
        self.client.call(&DeleteSubuser::new(id), &()).await
    }

    /// A new custom proxy list for sub-user `id` (same countries and counts); a 400 for a sub-user
    /// without a custom list. Never retried by default.
    pub async fn refresh_proxy_list(&self, id: i64) -> Result<Subuser, Error> {
        self.client
            .call(&RefreshSubuserProxyList::new(id), &())
            .await
    }
}
