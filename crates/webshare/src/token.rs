//! [`Token`]: an API token, which never prints itself.

use std::fmt;

use webshare_api::Secret;

/// An API token: returned by register, login, activation and password-reset completion, or an API key
/// made in the Webshare dashboard. `Debug` and `Display` print `[redacted]`.
///
/// Turn it into an authenticated client with [`Client::with_token`](crate::Client::with_token); store it
/// with [`Token::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Token(Secret);

impl Token {
    /// Wraps a token or API key.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Secret::new(value))
    }

    /// The token itself, for storing it or sending it where it belongs.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token([redacted])")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<Secret> for Token {
    fn from(secret: Secret) -> Self {
        Self(secret)
    }
}

impl From<Token> for Secret {
    fn from(token: Token) -> Self {
        token.0
    }
}

impl From<&Token> for Secret {
    fn from(token: &Token) -> Self {
        token.0.clone()
    }
}

/// The token of `E`'s answer, which the spec lets be `null` (the SDK's models say it may be absent): a
/// sign-in without one cannot go on, so its absence is [`Error::SpecMismatch`](crate::Error::SpecMismatch).
pub(crate) fn answered<E: webshare_api::Endpoint>(
    token: Option<webshare_api::Secret>,
) -> Result<Token, crate::Error> {
    token
        .map(Token::from)
        .ok_or_else(|| crate::Error::absent_in_answer(E::OPERATION.name, "token"))
}
