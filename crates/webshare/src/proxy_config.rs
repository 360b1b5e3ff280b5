//! *Proxy Configuration*.

use webshare_api::operations::{GetProxyConfig, GetProxyListStats, GetProxyListStatus};
use webshare_api::types::{ProxyListConfig, ProxyListStats, ProxyListStatus};

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
            .call(&GetProxyConfig::new(self.plan(plan_id)?), None)
            .await
    }

    /// The composition of the plan's list (by country, IP range, ASN) and what is available to add.
    pub async fn stats(&self, plan_id: Option<i64>) -> Result<ProxyListStats, Error> {
        self.client
            .call(&GetProxyListStats::new(self.plan(plan_id)?), None)
            .await
    }

    /// Whether the plan's list is ready (`state`), its countries, and its proxy credentials (the password
    /// is a [`Secret`](crate::Secret)).
    pub async fn status(&self, plan_id: Option<i64>) -> Result<ProxyListStatus, Error> {
        self.client
            .call(&GetProxyListStatus::new(self.plan(plan_id)?), None)
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
