//! *Local account*: register and log in with an email address and a password.

use webshare_api::{Secret, types};

use crate::{Client, Error, Token, validate};
use webshare_api::operations::{Login, Register};

/// A new account for [`Client::register`].
///
/// ```
/// let registration = webshare::Registration::new("jane@example.com", "Correct-Horse-9", "<recaptcha>")
///     .accept_terms_of_service()
///     .marketing_emails(false);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Registration {
    /// The email address to register; it may have to be verified later (see [`Client::activation`]).
    pub email: String,
    /// At least 8 characters, not all digits, not too similar to the email, not a common password.
    pub password: Secret,
    /// A recaptcha token. Only the Webshare dashboard can produce one: registering is meant for it.
    pub recaptcha: Secret,
    /// Acceptance of the terms of service; must be true.
    pub tos_accepted: bool,
    /// Whether Webshare may send marketing emails.
    pub marketing_email_accepted: bool,
}

impl Registration {
    /// A registration that has not (yet) accepted the terms of service and declines marketing emails.
    pub fn new(
        email: impl Into<String>,
        password: impl Into<Secret>,
        recaptcha: impl Into<Secret>,
    ) -> Self {
        Self {
            email: email.into(),
            password: password.into(),
            recaptcha: recaptcha.into(),
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

/// The result of [`Client::register`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Registered {
    /// The new account's token.
    pub token: Token,
    /// True when the email was already registered with this password, and this logged in instead.
    pub logged_in_existing_user: bool,
}

impl Client {
    /// Registers a local account and returns its token. Registering an existing email with its password
    /// logs in instead ([`Registered::logged_in_existing_user`]).
    ///
    /// Checked before sending: the email's shape, the password's length (8+) and that it is not all
    /// digits, accepted terms of service, a non-empty recaptcha. Never retried unless the retry policy
    /// opts in.
    pub async fn register(&self, registration: &Registration) -> Result<Registered, Error> {
        validate::email("email", &registration.email)?;
        validate::new_password("password", &registration.password)?;
        validate::present("recaptcha", &registration.recaptcha)?;
        if !registration.tos_accepted {
            return Err(Error::invalid_input(
                "tos_accepted",
                "the terms of service must be accepted",
            ));
        }
        let body = types::RegisterRequest {
            email: registration.email.clone(),
            password: registration.password.clone(),
            recaptcha: registration.recaptcha.clone(),
            tos_accepted: true,
            marketing_email_accepted: registration.marketing_email_accepted,
        };
        let response: types::RegisterResponse = self.call(&Register, &body).await?;
        Ok(Registered {
            token: crate::token::answered::<Register>(response.token)?,
            logged_in_existing_user: response.logged_in_existing_user.unwrap_or(false),
        })
    }

    /// Logs in with an email and a password and returns a new token. Wrong credentials are an
    /// [`Error::Validation`] with a `non_field_errors` message. Never retried unless the retry policy
    /// opts in.
    pub async fn login(
        &self,
        email: &str,
        password: impl Into<Secret>,
        recaptcha: impl Into<Secret>,
    ) -> Result<Token, Error> {
        let (password, recaptcha) = (password.into(), recaptcha.into());
        validate::email("email", email)?;
        validate::present("password", &password)?;
        validate::present("recaptcha", &recaptcha)?;
        let body = types::LoginRequest {
            email: email.to_owned(),
            password,
            recaptcha,
        };
        let response: types::TokenResponse = self.call(&Login, &body).await?;
        crate::token::answered::<Login>(response.token)
    }
}
