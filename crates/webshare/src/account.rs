//! *Delete account* and *Logout*.

use webshare_api::{Secret, types};

use crate::social::social_identity;
use crate::{Client, Error, SocialProvider, validate};
use webshare_api::operations::{DeleteAccount, DeleteSocialAccount, Logout};

/// Account deletion; from [`Client::account`]. Needs a token.
#[derive(Debug, Clone, Copy)]
pub struct Account<'a> {
    client: &'a Client,
}

impl Client {
    /// Deleting the account.
    pub fn account(&self) -> Account<'_> {
        Account { client: self }
    }

    /// Revokes this client's token: afterwards its calls are [`Error::Unauthorized`]. Never retried
    /// unless the retry policy opts in (a repeat would be refused with the revoked token).
    pub async fn logout(&self) -> Result<(), Error> {
        self.call(&Logout, &()).await
    }
}

impl Account<'_> {
    /// Deletes the account. Afterwards every call with its tokens is [`Error::Forbidden`] with
    /// [`Error::is_account_deleted`]. Needs a recaptcha token: meant for the dashboard.
    pub async fn delete(
        &self,
        password: impl Into<Secret>,
        recaptcha: impl Into<Secret>,
    ) -> Result<(), Error> {
        let body = types::DeleteAccountRequest {
            password: password.into(),
            recaptcha: recaptcha.into(),
        };
        validate::present("password", &body.password)?;
        validate::present("recaptcha", &body.recaptcha)?;
        self.client.call(&DeleteAccount, &body).await
    }

    /// Deletes an account registered through a social provider, proven by a fresh authorization code of
    /// its identity instead of a password.
    pub async fn delete_social(
        &self,
        provider: SocialProvider,
        code: impl Into<Secret>,
        redirect_uri: &str,
    ) -> Result<(), Error> {
        let body = social_identity(&provider, &code.into(), redirect_uri)?;
        self.client.call(&DeleteSocialAccount, &body).await
    }
}
