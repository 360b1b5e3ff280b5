//! *Social account*: register and log in with a social identity provider's authorization code.

use webshare_api::{Secret, types};

pub use webshare_api::SocialProvider;

use crate::{Client, Error, Registered, Token, validate};
use webshare_api::operations::{SocialLogin, SocialRegister};

/// A new account from a social identity, for [`Social::register`].
///
/// ```
/// use webshare::{SocialProvider, SocialRegistration};
/// let registration = SocialRegistration::new(SocialProvider::Google, "<code>", "https://example.com/callback")
///     .accept_terms_of_service();
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SocialRegistration {
    /// The identity provider.
    pub provider: SocialProvider,
    /// The authorization code the provider returned to `redirect_uri`.
    pub code: Secret,
    /// The redirect URI the code was issued for; Webshare must have authorized it.
    pub redirect_uri: String,
    /// Acceptance of the terms of service; must be true.
    pub tos_accepted: bool,
    /// Whether Webshare may send marketing emails.
    pub marketing_email_accepted: bool,
}

impl SocialRegistration {
    /// A registration that has not (yet) accepted the terms of service and declines marketing emails.
    pub fn new(
        provider: SocialProvider,
        code: impl Into<Secret>,
        redirect_uri: impl Into<String>,
    ) -> Self {
        Self {
            provider,
            code: code.into(),
            redirect_uri: redirect_uri.into(),
            tos_accepted: false,
            marketing_email_accepted: false,
        }
    }

    /// Accept the terms of service (required).
    pub fn accept_terms_of_service(mut self) -> Self {
        self.tos_accepted = true;
        self
    }

    /// Whether Webshare may send marketing emails.
    pub fn marketing_emails(mut self, accepted: bool) -> Self {
        self.marketing_email_accepted = accepted;
        self
    }
}

/// Social account operations; from [`Client::social`].
#[derive(Debug, Clone, Copy)]
pub struct Social<'a> {
    client: &'a Client,
}

impl Client {
    /// Registration and login through a social identity provider (Google).
    pub fn social(&self) -> Social<'_> {
        Social { client: self }
    }
}

/// The checks shared by every call that takes a provider's authorization code.
pub(crate) fn social_identity(
    provider: &SocialProvider,
    code: &Secret,
    redirect_uri: &str,
) -> Result<types::SocialLoginRequest, Error> {
    if provider.as_str().trim().is_empty() {
        return Err(Error::invalid_input("provider", "must not be empty"));
    }
    validate::present("code", code)?;
    validate::absolute_url("redirect_uri", redirect_uri)?;
    Ok(types::SocialLoginRequest {
        provider: provider.clone(),
        code: code.clone(),
        redirect_uri: redirect_uri.to_owned(),
    })
}

impl Social<'_> {
    /// Registers an account from the identity, or logs in to the account with its email address
    /// ([`Registered::logged_in_existing_user`]). Such an account has no password until a password reset
    /// sets one. Never retried unless the retry policy opts in.
    pub async fn register(&self, registration: &SocialRegistration) -> Result<Registered, Error> {
        let identity = social_identity(
            &registration.provider,
            &registration.code,
            &registration.redirect_uri,
        )?;
        if !registration.tos_accepted {
            return Err(Error::invalid_input(
                "tos_accepted",
                "the terms of service must be accepted",
            ));
        }
        let body = types::SocialRegisterRequest {
            provider: identity.provider,
            code: identity.code,
            redirect_uri: identity.redirect_uri,
            tos_accepted: true,
            marketing_email_accepted: registration.marketing_email_accepted,
        };
        let response: types::RegisterResponse = self.client.call(&SocialRegister, &body).await?;
        Ok(Registered {
            token: crate::token::answered::<SocialRegister>(response.token)?,
            logged_in_existing_user: response.logged_in_existing_user.unwrap_or(false),
        })
    }

    /// Logs in to the account linked to the identity and returns a new token. Never retried unless the
    /// retry policy opts in.
    pub async fn login(
        &self,
        provider: SocialProvider,
        code: impl Into<Secret>,
        redirect_uri: &str,
    ) -> Result<Token, Error> {
        let body = social_identity(&provider, &code.into(), redirect_uri)?;
        let response: types::TokenResponse = self.client.call(&SocialLogin, &body).await?;
        crate::token::answered::<SocialLogin>(response.token)
    }
}
