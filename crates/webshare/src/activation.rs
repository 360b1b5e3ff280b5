//! *Activate account*: the email verification status, resending the email, and completing it.

use webshare_api::{Secret, types};

use crate::{Client, Error, Token, validate};
use webshare_api::operations::{CompleteActivation, GetActivation, ResendActivation};

pub use webshare_api::types::ActivationStatus;

/// Activation operations; from [`Client::activation`].
#[derive(Debug, Clone, Copy)]
pub struct Activation<'a> {
    client: &'a Client,
}

impl Client {
    /// Account activation (email verification).
    pub fn activation(&self) -> Activation<'_> {
        Activation { client: self }
    }
}

impl Activation<'_> {
    /// Whether the account's email is verified, and when the last activation email went out. Needs a
    /// token.
    pub async fn status(&self) -> Result<ActivationStatus, Error> {
        self.client.call(&GetActivation, &()).await
    }

    /// Sends the activation email again. The service limits how often: too soon is
    /// [`Error::RateLimited`] (the default retry policy waits out a `Retry-After` of up to 60 s). Needs a
    /// token.
    pub async fn resend(&self) -> Result<ActivationStatus, Error> {
        self.client.call(&ResendActivation, &()).await
    }

    /// Verifies the email with the code from the activation email and returns a new token; earlier
    /// tokens keep working. Works with or without a token.
    pub async fn complete(&self, activation_token: impl Into<Secret>) -> Result<Token, Error> {
        let body = types::ActivationCompleteRequest {
            activation_token: activation_token.into(),
        };
        validate::present("activation_token", &body.activation_token)?;
        let response: types::TokenResponse = self.client.call(&CompleteActivation, &body).await?;
        crate::token::answered::<CompleteActivation>(response.token)
    }
}
