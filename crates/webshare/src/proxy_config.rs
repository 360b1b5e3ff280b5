//! *Proxy Configuration*.

use std::collections::HashMap;

use webshare_api::operations::{
    AllocateUnallocatedCountries, GetProxyConfig, GetProxyConfigV2, GetProxyListStats,
    GetProxyListStatus, UpdateProxyConfig,
};
use webshare_api::types::{
    AllocateCountriesRequest, ProxyConfig as FullProxyConfig, ProxyConfigUpdateRequest,
    ProxyListConfig, ProxyListStats, ProxyListStatus,
};

use crate::{Client, Error};

/// Proxy config operations; from [`Client::proxy_config`].
#[derive(Debug, Clone, Copy)]
pub struct ProxyConfig<'a> {
    client: &'a Client,
}

impl Client {
    /// The proxy configuration of a plan.
    pub fn proxy_config(&self) -> ProxyConfig<'_> {
        ProxyConfig { client: self }
    }
}

impl ProxyConfig<'_> {
    /// The config of plan `plan_id`, or of the client's plan ([`Client::for_plan`]) when `None`; the v3
    /// endpoint needs one of them.
    pub async fn get(&self, plan_id: Option<i64>) -> Result<ProxyListConfig, Error> {
        self.client
            .call(&GetProxyConfig::new(self.plan(plan_id)?), &())
            .await
    }

    /// The composition of the plan's list (by country, IP range, ASN) and what is available to add.
    pub async fn stats(&self, plan_id: Option<i64>) -> Result<ProxyListStats, Error> {
        self.client
            .call(&GetProxyListStats::new(self.plan(plan_id)?), &())
            .await
    }

    /// Whether the plan's list is ready (`state`), its countries, and its proxy credentials (the password
    /// is a [`Secret`](crate::Secret)).
    pub async fn status(&self, plan_id: Option<i64>) -> Result<ProxyListStatus, Error> {
        self.client
            .call(&GetProxyListStatus::new(self.plan(plan_id)?), &())
            .await
    }

    /// The whole config (the v2 endpoint): the list's composition and state, the credentials, the
    /// settings. Of the client's plan ([`Client::for_plan`]), or the account's default.
    pub async fn get_v2(&self) -> Result<FullProxyConfig, Error> {
        self.client.call(&GetProxyConfigV2::new(), &()).await
    }

    /// Changes the fields set in `changes` (`ProxyConfigUpdateRequest { request_timeout: Some(600),
    /// ..Default::default() }`); the proxy list and its download show new credentials at once. Retried by
    /// default: setting the same fields again gives the same config.
    pub async fn update(
        &self,
        changes: &ProxyConfigUpdateRequest,
    ) -> Result<FullProxyConfig, Error> {
        self.client.call(&UpdateProxyConfig::new(), changes).await
    }

    /// Places the proxies in `unallocated_countries`: `new_countries` must name as many in all, in
    /// available countries.
    pub async fn allocate_unallocated_countries(
        &self,
        new_countries: &[(&str, u64)],
    ) -> Result<FullProxyConfig, Error> {
        let mut countries = HashMap::new();
        for (country, count) in new_countries {
            let count = std::num::NonZeroU64::new(*count).ok_or_else(|| {
                Error::invalid_input("new_countries", "counts must be at least 1")
            })?;
            countries.insert((*country).to_owned(), count);
        }
        let body = AllocateCountriesRequest {
            new_countries: countries,
        };
        self.client
            .call(&AllocateUnallocatedCountries::new(), &body)
            .await
    }

    /// The plan the v3 endpoints need: the given one, else the client's.
    fn plan(&self, plan_id: Option<i64>) -> Result<i64, Error> {
        plan_id.or(self.client.scope.plan_id).ok_or_else(|| {
            Error::invalid_input(
                "plan_id",
                "is required: pass one, or set the client's with `for_plan`",
            )
        })
    }
}
