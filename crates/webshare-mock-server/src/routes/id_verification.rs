//! *ID Verification*: Stripe Identity's states. The Stripe side (the user going through the flow in a
//! browser) is `MockServer::finish_id_verification`; a `processing` verification reaches its outcome when
//! next read.

use axum::Json;
use axum::extract::State;
use webshare_api::operations::{CompleteIdVerification, GetIdVerification, StartIdVerification};
use webshare_api::{Secret, types};

use super::common::lock;
use crate::Shared;
use crate::account_state::{IdState, MAX_ID_FAILURES};
use crate::auth::User;
use crate::error::ApiError;
use crate::params::Params;
use crate::random::random_token;
use crate::state::now;

fn refuse(message: &str, code: &'static str) -> ApiError {
    ApiError::field("non_field_errors", message, code)
}

pub(super) async fn get(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<GetIdVerification>,
) -> Result<Json<types::IdVerification>, ApiError> {
    let mut data = lock(&app);
    let verification = &mut data.account_mut(user)?.id_verification;
    verification.settle(now());
    Ok(Json(verification.to_type(user as i64)))
}

pub(super) async fn start(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<StartIdVerification>,
) -> Result<Json<types::IdVerification>, ApiError> {
    let now = now();
    let mut data = lock(&app);
    let v = &mut data.account_mut(user)?.id_verification;
    v.settle(now);
    match v.state {
        IdState::Requested => {}
        IdState::Failed if v.failures < MAX_ID_FAILURES => {}
        IdState::Failed => {
            return Err(refuse(
                "Too many failed verifications; no more can be started.",
                "too_many_failures",
            ));
        }
        _ => {
            return Err(refuse(
                &format!(
                    "A verification can be started only when requested or failed (it is {}).",
                    v.state.as_str()
                ),
                "invalid_state",
            ));
        }
    }
    v.state = IdState::Pending;
    v.client_secret = Some(Secret::new(format!(
        "vs_{}_secret_{}",
        user,
        random_token()
    )));
    v.stripe_outcome = None;
    v.updated_at = now;
    Ok(Json(v.to_type(user as i64)))
}

pub(super) async fn complete(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<CompleteIdVerification>,
) -> Result<Json<types::IdVerification>, ApiError> {
    let now = now();
    let mut data = lock(&app);
    let v = &mut data.account_mut(user)?.id_verification;
    if v.state != IdState::Pending {
        return Err(refuse(
            &format!(
                "Only a pending verification can be completed (it is {}).",
                v.state.as_str()
            ),
            "invalid_state",
        ));
    }
    if v.stripe_outcome.is_none() {
        return Err(refuse(
            "The ID verification was not completed with Stripe yet.",
            "stripe_not_completed",
        ));
    }
    v.state = IdState::Processing;
    v.client_secret = None;
    v.updated_at = now;
    Ok(Json(v.to_type(user as i64)))
}
