//! *Subscription* plans: list, read, change the next automatic refresh, upgrade, cancel.

use chrono::{DateTime, Utc};
use futures_core::Stream;
use webshare_api::operations::{CancelPlan, GetPlan, ListPlans, UpdatePlan, UpgradePlan};
use webshare_api::types::{
    CheckoutResponse, Plan, PlanCancelResponse, PlanPage, PlanUpdateRequest, PlanUpgradeRequest,
};

use crate::{Client, Error, pagination};

/// Plan operations; from [`Client::plans`].
#[derive(Debug, Clone, Copy)]
pub struct Plans<'a> {
    client: &'a Client,
}

impl Client {
    /// The plans of the account's subscription.
    pub fn plans(&self) -> Plans<'_> {
        Plans { client: self }
    }
}

impl Plans<'_> {
    /// One page of plans, cancelled ones too.
    pub async fn list(&self, params: &ListPlans) -> Result<PlanPage, Error> {
        self.client.call(params, &()).await
    }

    /// Every plan, page after page.
    pub fn list_all(&self) -> impl Stream<Item = Result<Plan, Error>> + Send + 'static + use<> {
        pagination::page_numbered(self.client.clone(), ListPlans::new())
    }

    /// Plan `id`.
    pub async fn get(&self, id: i64) -> Result<Plan, Error> {
        self.client.call(&GetPlan::new(id), &()).await
    }

    /// Sets when plan `id`'s proxy list is next refreshed automatically (the one field a plan lets
    /// change). Retried by default: setting the same time twice gives the same plan.
    pub async fn set_next_refresh(&self, id: i64, at: DateTime<Utc>) -> Result<Plan, Error> {
        let body = PlanUpdateRequest {
            automatic_refresh_next_at: Some(at),
        };
        self.client.call(&UpdatePlan::new(id), &body).await
    }

    /// Upgrades plan `id` to the customization in `request`. When the account's credits do not pay for
    /// it, the answer says `payment_required` and a payment must be confirmed with Stripe (a dashboard
    /// flow). Never retried by default.
    pub async fn upgrade(
        &self,
        id: i64,
        request: &PlanUpgradeRequest,
    ) -> Result<CheckoutResponse, Error> {
        self.client.call(&UpgradePlan::new(id), request).await
    }

    /// Cancels plan `id`; the subscription is credited for what is left of it. Never retried by default.
    pub async fn cancel(&self, id: i64) -> Result<PlanCancelResponse, Error> {
        self.client.call(&CancelPlan::new(id), &()).await
    }
}
