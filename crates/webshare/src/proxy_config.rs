//! *Proxy Configuration*.

use webshare_api::operations::GetProxyConfig;
use webshare_api::types::ProxyListConfig;

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
        let plan_id = plan_id.or(self.client.scope.plan_id).ok_or_else(|| {
            Error::invalid_input(
                "plan_id",
                "is required: pass one, or set the client's with `for_plan`",
            )
        })?;
        self.client.call(&GetProxyConfig::new(plan_id), None).await
    }
}
