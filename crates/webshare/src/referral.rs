//! *Referral*: the program's config, the coupon code applied to the account, its channels, the credits
//! it earned and the earn-outs that paid them, and the public lookup of a referral code.

use webshare_api::operations::{
    ApplyReferralCouponCode, GetReferralCodeInfo, GetReferralConfig, GetReferralCouponCode,
    GetReferralCredit, GetReferralEarnout, ListReferralChannels, ListReferralCredits,
    ListReferralEarnouts, RemoveReferralCouponCode, UpdateReferralConfig,
};
use webshare_api::types::{
    ReferralChannel, ReferralCodeInfo, ReferralConfig, ReferralConfigUpdateRequest,
    ReferralCouponCode, ReferralCouponCodeRequest, ReferralCredit, ReferralCreditPage,
    ReferralEarnout, ReferralEarnoutPage,
};

use crate::{Client, Error};

/// Referral operations; from [`Client::referral`].
#[derive(Debug, Clone, Copy)]
pub struct Referral<'a> {
    client: &'a Client,
}

impl Client {
    /// The referral program and coupon codes.
    pub fn referral(&self) -> Referral<'_> {
        Referral { client: self }
    }
}

impl Referral<'_> {
    /// The program's config: mode, earnings, the account's referral code.
    pub async fn config(&self) -> Result<ReferralConfig, Error> {
        self.client.call(&GetReferralConfig, &()).await
    }

    /// Changes the mode or the PayPal address (retried: it sets the same values again).
    pub async fn update_config(
        &self,
        request: &ReferralConfigUpdateRequest,
    ) -> Result<ReferralConfig, Error> {
        self.client.call(&UpdateReferralConfig, request).await
    }

    /// The coupon code applied to the account (every field `None` when there is none).
    pub async fn coupon_code(&self) -> Result<ReferralCouponCode, Error> {
        self.client.call(&GetReferralCouponCode, &()).await
    }

    /// Applies coupon code `code` (another account's referral code). Never retried.
    pub async fn apply_coupon_code(&self, code: &str) -> Result<ReferralCouponCode, Error> {
        let request = ReferralCouponCodeRequest {
            code: code
                .parse()
                .map_err(|e| Error::invalid_input("code", format!("{e}")))?,
        };
        self.client.call(&ApplyReferralCouponCode, &request).await
    }

    /// Removes the applied coupon code (idempotent).
    pub async fn remove_coupon_code(&self) -> Result<(), Error> {
        self.client.call(&RemoveReferralCouponCode, &()).await
    }

    /// The account's referral channels.
    pub async fn channels(&self) -> Result<Vec<ReferralChannel>, Error> {
        self.client.call(&ListReferralChannels, &()).await
    }

    /// One page of referral credits, filtered as `params` says.
    pub async fn credits(&self, params: &ListReferralCredits) -> Result<ReferralCreditPage, Error> {
        self.client.call(params, &()).await
    }

    /// Referral credit `id`.
    pub async fn credit(&self, id: i64) -> Result<ReferralCredit, Error> {
        self.client.call(&GetReferralCredit::new(id), &()).await
    }

    /// One page of earn-outs.
    pub async fn earnouts(
        &self,
        params: &ListReferralEarnouts,
    ) -> Result<ReferralEarnoutPage, Error> {
        self.client.call(params, &()).await
    }

    /// Earn-out `id`.
    pub async fn earnout(&self, id: i64) -> Result<ReferralEarnout, Error> {
        self.client.call(&GetReferralEarnout::new(id), &()).await
    }

    /// What referral code `code` gives a new account (public: no token is sent).
    pub async fn code_info(&self, code: &str) -> Result<ReferralCodeInfo, Error> {
        self.client.call(&GetReferralCodeInfo::new(code), &()).await
    }
}
