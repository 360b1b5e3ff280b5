//! What the handlers of several operations share: the data lock, and the checks of passwords, captchas
//! and sign-ins.

use std::sync::MutexGuard;

use crate::error::ApiError;
use crate::state::{Data, UserId, now};
use crate::validate::{Fields, password_problems};
use crate::{Shared, lock_unpoisoned};

/// A `recaptcha` other than the configured one ([`Config::recaptcha`](crate::Config::recaptcha)) is a
/// field error.
pub(super) fn check_recaptcha(app: &Shared, fields: &mut Fields, value: &str) {
    if let Some(required) = &app.config.recaptcha
        && !fields.has_error("recaptcha")
        && value != required
    {
        fields.error(
            "recaptcha",
            "Invalid recaptcha. Please try again.",
            "invalid",
        );
    }
}

/// The password rules a new password must pass, as field errors on `field`.
pub(super) fn check_new_password(fields: &mut Fields, field: &str, password: &str, email: &str) {
    if !fields.has_error(field) {
        for (message, code) in password_problems(password, email) {
            fields.error(field, message, code);
        }
    }
}

/// The current password of a signed-in account, for the operations that ask for it again.
pub(super) fn check_current_password(
    data: &Data,
    user: UserId,
    fields: &mut Fields,
    password: &str,
) {
    if fields.has_error("password") {
        return;
    }
    if data
        .users
        .get(&user)
        .is_some_and(|account| account.password.is_none())
    {
        fields.error(
            "non_field_errors",
            "This account has no password (it was registered through a social provider); set one with a password reset.",
            "no_password",
        );
    } else if !data.password_matches(user, password) {
        fields.error("password", "Wrong password.", "wrong_password");
    }
}

/// The 403 of a sign-in to an account that is deleted. (Two-factor authentication does not refuse the
/// sign-in: its token waits for the code, see `Data::issue_login_token`.)
pub(super) fn check_sign_in_allowed(data: &Data, user: UserId) -> Result<(), ApiError> {
    if data.account(user)?.deleted {
        return Err(ApiError::account_deleted());
    }
    Ok(())
}

/// The service's data, with the proxy replacements that have completed by now carried out.
pub(super) fn lock(app: &Shared) -> MutexGuard<'_, Data> {
    let mut data = lock_unpoisoned(&app.data);
    if !data.pending_replacements.is_empty() {
        data.settle(now());
    }
    data
}
