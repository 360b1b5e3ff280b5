//! *User Profile*: the profile (names, timezone, email subscriptions) and the dashboard preferences.

use webshare_api::operations::{
    GetProfile, GetProfilePreferences, UpdateProfile, UpdateProfilePreferences,
};
use webshare_api::types::{
    Profile as ProfileData, ProfilePreferences, ProfilePreferencesUpdateRequest,
    ProfileUpdateRequest,
};

use crate::{Client, Error};

/// Profile operations; from [`Client::profile`].
#[derive(Debug, Clone, Copy)]
pub struct Profile<'a> {
    client: &'a Client,
}

impl Client {
    /// The account's profile and preferences.
    pub fn profile(&self) -> Profile<'_> {
        Profile { client: self }
    }
}

impl Profile<'_> {
    /// The profile.
    pub async fn get(&self) -> Result<ProfileData, Error> {
        self.client.call(&GetProfile, &()).await
    }

    /// Changes the fields `changes` sets (e.g. `ProfileUpdateRequest { timezone: Some(..), ..Default::default() }`).
    /// Retried by default (a PATCH).
    pub async fn update(&self, changes: &ProfileUpdateRequest) -> Result<ProfileData, Error> {
        self.client.call(&UpdateProfile, changes).await
    }

    /// Sets the preferred timezone (an IANA name such as `Europe/Paris`).
    pub async fn set_timezone(&self, timezone: &str) -> Result<ProfileData, Error> {
        let changes = ProfileUpdateRequest {
            timezone: Some(timezone.trim().parse().map_err(|_| {
                Error::invalid_input("timezone", "must be a timezone name, e.g. Europe/Paris")
            })?),
            ..Default::default()
        };
        self.update(&changes).await
    }

    /// The dashboard preferences.
    pub async fn preferences(&self) -> Result<ProfilePreferences, Error> {
        self.client.call(&GetProfilePreferences, &()).await
    }

    /// Changes the preferences `changes` sets (one or more). Retried by default (a PATCH).
    pub async fn update_preferences(
        &self,
        changes: &ProfilePreferencesUpdateRequest,
    ) -> Result<ProfilePreferences, Error> {
        self.client.call(&UpdateProfilePreferences, changes).await
    }
}
