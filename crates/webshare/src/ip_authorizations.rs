//! *IP Authorization*: the addresses allowed to use the proxies without a password.

use futures_core::Stream;
use futures_util::TryStreamExt;
use webshare_api::operations::{
    CreateIpAuthorization, DeleteIpAuthorization, GetIpAuthorization, ListIpAuthorizations,
    WhatsMyIp,
};
use webshare_api::types::{IpAuthorization, IpAuthorizationCreateRequest, IpAuthorizationPage};

use crate::{Client, Error, pagination};

/// IP authorization operations; from [`Client::ip_authorizations`]. Each acts on the client's plan
/// ([`Client::for_plan`]), or the account's default plan.
#[derive(Debug, Clone, Copy)]
pub struct IpAuthorizations<'a> {
    client: &'a Client,
}

impl Client {
    /// The IP addresses authorized to use the proxies without a password.
    pub fn ip_authorizations(&self) -> IpAuthorizations<'_> {
        IpAuthorizations { client: self }
    }
}

impl IpAuthorizations<'_> {
    /// One page of IP authorizations.
    pub async fn list(&self, params: &ListIpAuthorizations) -> Result<IpAuthorizationPage, Error> {
        self.client.call(params, &()).await
    }

    /// Every IP authorization, page after page, each fetched when the stream reaches it.
    pub fn list_all(
        &self,
    ) -> impl Stream<Item = Result<IpAuthorization, Error>> + Send + 'static + use<> {
        pagination::page_numbered(self.client.clone(), ListIpAuthorizations::new())
    }

    /// Authorizes `ip_address` (IPv4 or IPv6). One already authorized is [`Error::Validation`] on
    /// `ip_address`; [`IpAuthorizations::authorize_this_machine`] is the idempotent form.
    pub async fn create(&self, ip_address: &str) -> Result<IpAuthorization, Error> {
        if ip_address.trim().parse::<std::net::IpAddr>().is_err() {
            return Err(Error::invalid_input(
                "ip_address",
                "is not an IPv4 or IPv6 address",
            ));
        }
        let body = IpAuthorizationCreateRequest {
            ip_address: ip_address
                .trim()
                .parse()
                .map_err(|_| Error::invalid_input("ip_address", "is empty"))?,
        };
        self.client.call(&CreateIpAuthorization::new(), &body).await
    }

    /// IP authorization `id`.
    pub async fn get(&self, id: i64) -> Result<IpAuthorization, Error> {
        self.client.call(&GetIpAuthorization::new(id), &()).await
    }

    /// Removes IP authorization `id`.
    pub async fn delete(&self, id: i64) -> Result<(), Error> {
        self.client.call(&DeleteIpAuthorization::new(id), &()).await
    }

    /// The public IP address this machine's requests come from, as Webshare sees it.
    pub async fn whats_my_ip(&self) -> Result<String, Error> {
        let answer = self.client.call(&WhatsMyIp, &()).await?;
        answer.ip_address.ok_or_else(|| Error::Decode {
            status: Some(200),
            body_snippet: "the answer holds no ip_address".into(),
        })
    }

    /// Authorizes this machine's public address (what's my IP, then create) unless it already is; returns
    /// its IP authorization either way. Safe to run again: a second run finds the first one's.
    pub async fn authorize_this_machine(&self) -> Result<IpAuthorization, Error> {
        let ip = self.whats_my_ip().await?;
        let mut all = Box::pin(self.list_all());
        while let Some(authorization) = all.try_next().await? {
            if authorization.ip_address.as_deref() == Some(ip.as_str()) {
                return Ok(authorization);
            }
        }
        self.create(&ip).await
    }
}
