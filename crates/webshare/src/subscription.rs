//! *Subscription*: the subscription, the assets and options to customize a plan with, its price, and the
//! checkouts (purchase, renewal) and auto-renewal. Money is [`Amount`](webshare_api::Amount) /
//! [`Decimal`](webshare_api::Decimal), never `f64`. Checkouts charge: they are never retried by default,
//! and one call sends one request.

use webshare_api::operations::{
    CancelAutoRenewal, EnableAutoRenewal, GetAvailableAssets, GetCustomizationOptions,
    GetSubscription, GetSubscriptionPricing, PurchasePlan, RenewSubscription,
};
use webshare_api::types::{
    AvailableAssets, CheckoutResponse, CustomizationOptions, PricingQuery, Subscription,
    SubscriptionPricing, SubscriptionPurchaseRequest, SubscriptionRenewRequest,
};

use crate::{Client, Error};

/// Subscription operations; from [`Client::subscription`].
#[derive(Debug, Clone, Copy)]
pub struct Subscriptions<'a> {
    client: &'a Client,
}

impl Client {
    /// The account's subscription: pricing, checkouts, auto-renewal.
    pub fn subscription(&self) -> Subscriptions<'_> {
        Subscriptions { client: self }
    }
}

impl Subscriptions<'_> {
    /// The subscription: its plan, term, dates, credits and renewal state.
    pub async fn get(&self) -> Result<Subscription, Error> {
        self.client.call(&GetSubscription, &()).await
    }

    /// What can be bought, by proxy type and sub-type.
    pub async fn available_assets(&self) -> Result<AvailableAssets, Error> {
        self.client.call(&GetAvailableAssets, &()).await
    }

    /// The limits and options for a plan of `query`'s type, sub-type and countries (of the client's
    /// plan, or the account's default).
    pub async fn customization_options(
        &self,
        query: PricingQuery,
    ) -> Result<CustomizationOptions, Error> {
        let mut params = GetCustomizationOptions::new(query);
        params.plan_id = self.client.plan_id();
        self.client.call(&params, &()).await
    }

    /// The price of the plan `query` describes: before and after discounts, what credits cover and
    /// what is paid today; what a [`Subscriptions::purchase`] of the same plan charges.
    pub async fn pricing(&self, query: PricingQuery) -> Result<SubscriptionPricing, Error> {
        let mut params = GetSubscriptionPricing::new(query);
        params.plan_id = self.client.plan_id();
        self.client.call(&params, &()).await
    }

    /// Buys a plan. Credits pay first; when they do not suffice the answer has `payment_required` and a
    /// pending payment to confirm with Stripe (then follow it with
    /// [`Billing::pending_payment`](crate::Billing::pending_payment)). Never retried.
    pub async fn purchase(
        &self,
        request: &SubscriptionPurchaseRequest,
    ) -> Result<CheckoutResponse, Error> {
        self.client.call(&PurchasePlan, request).await
    }

    /// Renews the subscription for a term, paid as a purchase is. Never retried.
    pub async fn renew(
        &self,
        request: &SubscriptionRenewRequest,
    ) -> Result<CheckoutResponse, Error> {
        self.client.call(&RenewSubscription, request).await
    }

    /// Turns automatic renewal on (idempotent).
    pub async fn enable_auto_renewal(&self) -> Result<Subscription, Error> {
        self.client.call(&EnableAutoRenewal, &()).await
    }

    /// Turns automatic renewal off (idempotent).
    pub async fn cancel_auto_renewal(&self) -> Result<Subscription, Error> {
        self.client.call(&CancelAutoRenewal, &()).await
    }
}
