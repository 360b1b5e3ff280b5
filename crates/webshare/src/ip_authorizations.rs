//! *IP Authorization*.

use webshare_api::operations::DeleteIpAuthorization;

use crate::{Client, Error};

/// IP authorization operations; from [`Client::ip_authorizations`].
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
    /// Removes IP authorization `id` (of the client's plan, or the account's default plan).
    pub async fn delete(&self, id: i64) -> Result<(), Error> {
        self.client
            .call(&DeleteIpAuthorization::new(id), None)
            .await
    }
}
