//! *ID Verification*: Stripe Identity. [`IdVerifications::start`] gives the `client_secret` that Stripe's
//! JS library needs in a browser; after that flow, [`IdVerifications::complete`] hands it to Webshare.

use std::fmt;

use webshare_api::operations::{CompleteIdVerification, GetIdVerification, StartIdVerification};
use webshare_api::types::IdVerification;

use crate::{Client, Error};

/// ID verification operations; from [`Client::id_verification`].
#[derive(Debug, Clone, Copy)]
pub struct IdVerifications<'a> {
    client: &'a Client,
}

impl Client {
    /// The account's ID verification.
    pub fn id_verification(&self) -> IdVerifications<'_> {
        IdVerifications { client: self }
    }
}

impl IdVerifications<'_> {
    /// The verification and its state ([`IdVerificationState::of`]).
    pub async fn get(&self) -> Result<IdVerification, Error> {
        self.client.call(&GetIdVerification, &()).await
    }

    /// Starts a verification (from `requested`, or `failed` with tries left): `pending`, with the
    /// `client_secret` for Stripe's JS library. Never retried by default.
    pub async fn start(&self) -> Result<IdVerification, Error> {
        self.client.call(&StartIdVerification, &()).await
    }

    /// Tells Webshare the Stripe flow is done: `pending` becomes `processing`. A 400 if the flow was not
    /// completed. Never retried by default.
    pub async fn complete(&self) -> Result<IdVerification, Error> {
        self.client.call(&CompleteIdVerification, &()).await
    }
}

/// The state of an ID verification. Kept open: a state this crate does not know is
/// [`IdVerificationState::Other`], not an error.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdVerificationState {
    /// Nothing to do (until, e.g., a payout threshold is reached).
    NotRequired,
    /// A verification should be started.
    Requested,
    /// Started: to be completed with Stripe's JS library and the `client_secret`.
    Pending,
    /// Completed with Stripe; being checked.
    Processing,
    /// Failed; may be restarted while failures are below the maximum.
    Failed,
    /// Verified.
    Verified,
    /// A state this version does not know, as the API wrote it.
    Other(String),
}

impl IdVerificationState {
    /// The state of `verification`; `null` (the SDK's models allow it) is an empty [`Self::Other`].
    pub fn of(verification: &IdVerification) -> Self {
        Self::from(verification.state.as_deref().unwrap_or_default())
    }

    /// As the API writes it (`not-required`, ...).
    pub fn as_str(&self) -> &str {
        match self {
            Self::NotRequired => "not-required",
            Self::Requested => "requested",
            Self::Pending => "pending",
            Self::Processing => "processing",
            Self::Failed => "failed",
            Self::Verified => "verified",
            Self::Other(state) => state,
        }
    }
}

impl From<&str> for IdVerificationState {
    fn from(state: &str) -> Self {
        match state {
            "not-required" => Self::NotRequired,
            "requested" => Self::Requested,
            "pending" => Self::Pending,
            "processing" => Self::Processing,
            "failed" => Self::Failed,
            "verified" => Self::Verified,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for IdVerificationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::IdVerificationState;

    #[test]
    fn every_documented_state_round_trips_and_an_unknown_one_is_kept() {
        for state in [
            "not-required",
            "requested",
            "pending",
            "processing",
            "failed",
            "verified",
        ] {
            let parsed = IdVerificationState::from(state);
            assert!(!matches!(parsed, IdVerificationState::Other(_)), "{state}");
            assert_eq!(parsed.as_str(), state);
        }
        assert_eq!(
            IdVerificationState::from("escalated"),
            IdVerificationState::Other("escalated".into())
        );
        assert_eq!(
            IdVerificationState::from("escalated").to_string(),
            "escalated"
        );
    }
}
