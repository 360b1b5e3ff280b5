//! *Two-Factor Auth*: email codes or an authenticator app (TOTP). With a method active, a new login
//! token answers 403 `2fa_needed` ([`Error::is_two_factor_required`]) until the code is submitted with
//! it ([`TwoFactor::submit_code`]); [`Client::login_and_verify`] does the whole sign-in. API keys are not
//! subject to 2FA.

use std::future::Future;

use webshare_api::operations::{
    ActivateTwoFactorMethod, ChangeTwoFactorMethod, GetProfile, GetTwoFactorMethod,
    ResendTwoFactorEmail, SubmitTwoFactorCode,
};
use webshare_api::types::{
    TwoFactorActivateRequest, TwoFactorCodeRequest, TwoFactorMethod, TwoFactorMethodRequest,
    TwoFactorMethodType,
};

use crate::{Client, Error, Secret, Token, validate};

/// Two-factor operations; from [`Client::two_factor`].
#[derive(Debug, Clone, Copy)]
pub struct TwoFactor<'a> {
    client: &'a Client,
}

/// A new authenticator-app method, inactive until [`TwoFactor::activate_device`]: its ID, and the secret
/// to enrol in the app (base32; shown by the API this once).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TotpDevice {
    /// The method's ID, for [`TwoFactor::activate_device`].
    pub method_id: i64,
    /// The TOTP secret (redacted in `Debug`).
    pub secret: Secret,
}

impl Client {
    /// The account's two-factor authentication.
    pub fn two_factor(&self) -> TwoFactor<'_> {
        TwoFactor { client: self }
    }

    /// Logs in, then checks the new token by reading the profile; if the account has two-factor on
    /// (the check answers `2fa_needed`), awaits `code` for the code (emailed now, or from the app) and
    /// submits it with `recaptcha`. Returns the token, which then works, and a client that uses it.
    pub async fn login_and_verify<F, Fut>(
        &self,
        email: &str,
        password: impl Into<Secret>,
        recaptcha: impl Into<Secret>,
        code: F,
    ) -> Result<(Token, Client), Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Secret, Error>>,
    {
        let recaptcha = recaptcha.into();
        let token = self.login(email, password, recaptcha.clone()).await?;
        let client = self.with_token(&token)?;
        match client.call(&GetProfile, &()).await {
            Ok(_) => Ok((token, client)),
            Err(e) if e.is_two_factor_required() => {
                let code = code().await?;
                client.two_factor().submit_code(code, recaptcha).await?;
                Ok((token, client))
            }
            Err(e) => Err(e),
        }
    }
}

impl TwoFactor<'_> {
    /// The active method; a 404 when two-factor is off. Session tokens only
    /// ([`Error::is_api_key_not_allowed`] for an API key).
    pub async fn current_method(&self) -> Result<TwoFactorMethod, Error> {
        self.client.call(&GetTwoFactorMethod, &()).await
    }

    /// Makes email codes the active method, at once.
    pub async fn use_email(&self) -> Result<TwoFactorMethod, Error> {
        let request = TwoFactorMethodRequest {
            type_: TwoFactorMethodType::EmailCode,
        };
        self.client.call(&ChangeTwoFactorMethod, &request).await
    }

    /// A new authenticator-app method with its secret; the active method stays until
    /// [`TwoFactor::activate_device`]. Never retried: each call is a new secret.
    pub async fn add_device(&self) -> Result<TotpDevice, Error> {
        let request = TwoFactorMethodRequest {
            type_: TwoFactorMethodType::DeviceTotp,
        };
        let method = self.client.call(&ChangeTwoFactorMethod, &request).await?;
        let secret = method.secret_key.ok_or_else(|| Error::Decode {
            status: Some(200),
            body_snippet: "a new device_totp method without its secret_key".into(),
        })?;
        Ok(TotpDevice {
            method_id: method.id,
            secret,
        })
    }

    /// Activates device method `id` with two consecutive codes of the app (they must differ); it becomes
    /// the active method.
    pub async fn activate_device(
        &self,
        id: i64,
        code_1: impl Into<Secret>,
        code_2: impl Into<Secret>,
    ) -> Result<TwoFactorMethod, Error> {
        let (code_1, code_2) = (code_1.into(), code_2.into());
        validate::present("code_1", &code_1)?;
        validate::present("code_2", &code_2)?;
        if code_1 == code_2 {
            return Err(Error::invalid_input(
                "code_2",
                "must differ from code_1 (the app's next code)",
            ));
        }
        let request = TwoFactorActivateRequest { code_1, code_2 };
        self.client
            .call(&ActivateTwoFactorMethod::new(id), &request)
            .await
    }

    /// Completes two-factor authentication of this client's login token with `code` (emailed, or from
    /// the app); the token works from then on. A wrong code is an [`Error::Validation`] on `code`.
    /// Never retried: a code is used once.
    pub async fn submit_code(
        &self,
        code: impl Into<Secret>,
        recaptcha: impl Into<Secret>,
    ) -> Result<(), Error> {
        let (code, recaptcha) = (code.into(), recaptcha.into());
        validate::present("code", &code)?;
        validate::present("recaptcha", &recaptcha)?;
        let request = TwoFactorCodeRequest { code, recaptcha };
        self.client.call(&SubmitTwoFactorCode, &request).await
    }

    /// Emails a new code for this client's login token (email method only); whether one was sent.
    pub async fn resend_email(&self) -> Result<bool, Error> {
        let answer = self.client.call(&ResendTwoFactorEmail, &()).await?;
        // `null` (the SDK's models allow it) says nothing was confirmed sent.
        Ok(answer.email_sent.unwrap_or(false))
    }
}
