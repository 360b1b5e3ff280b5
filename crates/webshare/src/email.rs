//! *Change email*: request a change to a new address, and confirm it with the emailed code.

use webshare_api::{Secret, types};

use crate::{Client, Error, validate};
use webshare_api::operations::{ChangeEmail, CompleteEmailChange};

/// Email change operations; from [`Client::email`]. Both need a token.
#[derive(Debug, Clone, Copy)]
pub struct Email<'a> {
    client: &'a Client,
}

impl Client {
    /// Changing the account's email address.
    pub fn email(&self) -> Email<'_> {
        Email { client: self }
    }
}

impl Email<'_> {
    /// Sends a confirmation code to `new_email`; the address changes when [`Email::complete_change`]
    /// confirms it.
    pub async fn change(&self, password: impl Into<Secret>, new_email: &str) -> Result<(), Error> {
        let password = password.into();
        validate::present("password", &password)?;
        validate::email("new_email", new_email)?;
        let body = types::ChangeEmailRequest {
            password,
            new_email: new_email.to_owned(),
        };
        self.client.call(&ChangeEmail, &body).await
    }

    /// Confirms the new address with the code from the confirmation email.
    pub async fn complete_change(&self, confirmation_code: impl Into<Secret>) -> Result<(), Error> {
        let body = types::ChangeEmailCompleteRequest {
            confirmation_code: confirmation_code.into(),
        };
        validate::present("confirmation_code", &body.confirmation_code)?;
        self.client.call(&CompleteEmailChange, &body).await
    }
}
