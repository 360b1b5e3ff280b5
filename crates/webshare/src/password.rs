//! *Reset password* (request a reset email, complete the reset with its code) and *Change password*.

use webshare_api::{Secret, types};

use crate::{Client, Error, Token, validate};
use webshare_api::operations::{ChangePassword, CompletePasswordReset, ResetPassword};

/// Password operations; from [`Client::password`]. Changing it needs a token; resetting does not.
#[derive(Debug, Clone, Copy)]
pub struct Password<'a> {
    client: &'a Client,
}

impl Client {
    /// Password reset and change.
    pub fn password(&self) -> Password<'_> {
        Password { client: self }
    }
}

impl Password<'_> {
    /// Asks for a reset email to `email`. Succeeds for any well-formed address, registered or not (the
    /// service does not reveal which). The email holds a `password_reset_token` for
    /// [`Password::complete_reset`].
    pub async fn request_reset(
        &self,
        email: &str,
        recaptcha: impl Into<Secret>,
    ) -> Result<(), Error> {
        let recaptcha = recaptcha.into();
        validate::email("email", email)?;
        validate::present("recaptcha", &recaptcha)?;
        let body = types::PasswordResetRequest {
            email: email.to_owned(),
            recaptcha,
        };
        self.client.call(&ResetPassword, &body).await
    }

    /// Sets `new_password` with the code from the reset email. Every earlier token of the account stops
    /// working; the returned one is the account's new token.
    pub async fn complete_reset(
        &self,
        password_reset_token: impl Into<Secret>,
        new_password: impl Into<Secret>,
        recaptcha: impl Into<Secret>,
    ) -> Result<Token, Error> {
        let body = types::PasswordResetCompleteRequest {
            password: new_password.into(),
            password_reset_token: password_reset_token.into(),
            recaptcha: recaptcha.into(),
        };
        validate::present("password_reset_token", &body.password_reset_token)?;
        validate::new_password("password", &body.password)?;
        validate::present("recaptcha", &body.recaptcha)?;
        let response: types::TokenResponse =
            self.client.call(&CompletePasswordReset, &body).await?;
        crate::token::answered::<CompletePasswordReset>(response.token)
    }

    /// Replaces the password. Every other token of the account stops working; this client's stays valid.
    /// An account registered through a social provider has no password: it sets one with a reset.
    pub async fn change(
        &self,
        current: impl Into<Secret>,
        new_password: impl Into<Secret>,
    ) -> Result<(), Error> {
        let body = types::ChangePasswordRequest {
            password: current.into(),
            new_password: new_password.into(),
        };
        validate::present("password", &body.password)?;
        validate::new_password("new_password", &body.new_password)?;
        self.client.call(&ChangePassword, &body).await
    }
}
