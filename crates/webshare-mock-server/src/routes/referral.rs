//! *Referral*: the program's config, coupon codes (another account's referral code, applied for a
//! discount), the account's channel, the credits earned when referred accounts pay
//! (`Data::credit_referrer`) and the earn-outs that pay them (`MockServer::earn_out`).

use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode};
use webshare_api::operations::{
    ApplyReferralCouponCode, GetReferralCodeInfo, GetReferralConfig, GetReferralCouponCode,
    GetReferralCredit, GetReferralEarnout, ListReferralChannels, ListReferralCredits,
    ListReferralEarnouts, RemoveReferralCouponCode, UpdateReferralConfig,
};
use webshare_api::{Decimal, types};

use super::common::lock;
use super::proxies::{PageWindow, check_ordering, not_found, sort_by_ordering};
use crate::Shared;
use crate::auth::User;
use crate::error::ApiError;
use crate::params::Params;
use crate::state::{Data, UserId, now};
use crate::validate::{Fields, JsonObject};

fn config(data: &Data, user: UserId) -> Result<types::ReferralConfig, ApiError> {
    let account = data.account(user)?;
    let code = &account.referral.code;
    let referred: Vec<_> = data
        .users
        .values()
        .filter(|a| a.referral.applied.as_ref() == Some(code))
        .collect();
    let upgraded = referred
        .iter()
        .filter(|a| !a.billing.transactions.is_empty())
        .count();
    Ok(account
        .referral
        .to_type(user as i64, referred.len() as i64, upgraded as i64, now()))
}

pub(super) async fn get_config(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<GetReferralConfig>,
) -> Result<Json<types::ReferralConfig>, ApiError> {
    Ok(Json(config(&lock(&app), user)?))
}

pub(super) async fn update_config(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<UpdateReferralConfig>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::ReferralConfig>, ApiError> {
    let mut fields = Fields::new(&body);
    if !body.contains_key("mode") && !body.contains_key("paypal_payout_email") {
        fields.error(
            "non_field_errors",
            "Send `mode` or `paypal_payout_email`.",
            "required",
        );
    }
    let mode: Option<types::ReferralMode> = fields.typed("mode", false);
    let email = body
        .contains_key("paypal_payout_email")
        .then(|| fields.email("paypal_payout_email").to_owned());
    let mut data = lock(&app);
    let referral = &mut data.account_mut(user)?.referral;
    let payout = mode.map_or(referral.mode == "payout", |m| {
        m == types::ReferralMode::Payout
    });
    if payout && email.is_none() && referral.paypal_payout_email.is_none() {
        fields.error(
            "paypal_payout_email",
            "Payouts need a PayPal email address.",
            "required",
        );
    }
    fields.finish()?;
    if let Some(mode) = mode {
        referral.mode = if mode == types::ReferralMode::Payout {
            "payout"
        } else {
            "credits"
        };
    }
    if email.is_some() {
        referral.paypal_payout_email = email;
    }
    referral.updated_at = now();
    Ok(Json(config(&data, user)?))
}

fn coupon(code: Option<&str>) -> types::ReferralCouponCode {
    types::ReferralCouponCode {
        code: code.map(str::to_owned),
        promo_type: code.map(|_| "first_time_value_off".to_owned()),
        promo_value: code.map(|_| Decimal::from(10)),
        description: code.map(|_| "$10 off the first purchase".to_owned()),
        is_recurring: code.map(|_| false),
    }
}

pub(super) async fn get_coupon(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<GetReferralCouponCode>,
) -> Result<Json<types::ReferralCouponCode>, ApiError> {
    let data = lock(&app);
    Ok(Json(coupon(
        data.account(user)?.referral.applied.as_deref(),
    )))
}

fn refuse(message: &str, code: &'static str) -> ApiError {
    ApiError::field("code", message, code)
}

pub(super) async fn apply_coupon(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<ApplyReferralCouponCode>,
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<types::ReferralCouponCode>), ApiError> {
    let mut fields = Fields::new(&body);
    let code = fields.string_up_to("code", 64).trim().to_ascii_lowercase();
    fields.finish()?;
    let mut data = lock(&app);
    let owner = data
        .users
        .iter()
        .find(|(_, a)| a.referral.code.eq_ignore_ascii_case(&code))
        .map(|(id, a)| (*id, a.referral.code.clone()));
    let Some((owner, code)) = owner else {
        return Err(refuse("This coupon code does not exist.", "not_found"));
    };
    if owner == user {
        return Err(refuse("You cannot apply your own code.", "self_referral"));
    }
    let account = data.account_mut(user)?;
    if !account.billing.transactions.is_empty() && account.referral.applied.as_ref() == Some(&code)
    {
        return Err(refuse(
            "This coupon code was already redeemed.",
            "already_redeemed",
        ));
    }
    account.referral.applied = Some(code.clone());
    Ok((StatusCode::CREATED, Json(coupon(Some(&code)))))
}

pub(super) async fn remove_coupon(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<RemoveReferralCouponCode>,
) -> Result<StatusCode, ApiError> {
    let mut data = lock(&app);
    data.account_mut(user)?.referral.applied = None;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn channels(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<ListReferralChannels>,
) -> Result<Json<Vec<types::ReferralChannel>>, ApiError> {
    let data = lock(&app);
    let referral = &data.account(user)?.referral;
    let uses = data
        .users
        .values()
        .filter(|a| a.referral.applied.as_ref() == Some(&referral.code))
        .count();
    Ok(Json(vec![referral.channel(user as i64, uses as i64)]))
}

pub(super) async fn list_credits(
    State(app): State<Shared>,
    User(user, _): User,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Params(q): Params<ListReferralCredits>,
) -> Result<Json<types::ReferralCreditPage>, ApiError> {
    check_ordering(&q.ordering, &["id", "created_at", "updated_at", "amount"])?;
    let data = lock(&app);
    let mut credits: Vec<_> = data
        .account(user)?
        .referral
        .credits
        .iter()
        .rev()
        .filter(|c| {
            q.mode
                .is_none_or(|m| c.mode.as_deref() == Some(&m.to_string()))
        })
        .filter(|c| {
            q.status
                .is_none_or(|s| c.status.as_deref() == Some(&s.to_string()))
        })
        .filter(|c| {
            q.referral_channel
                .is_none_or(|r| c.referral_channel == Some(r))
        })
        .cloned()
        .collect();
    sort_by_ordering(&mut credits, &q.ordering, |field, a, b| match field {
        "amount" => a.amount.cmp(&b.amount),
        "created_at" => a.created_at.cmp(&b.created_at),
        "updated_at" => a.updated_at.cmp(&b.updated_at),
        _ => a.id.cmp(&b.id),
    });
    let p = PageWindow::page(&credits, q.page, q.page_size, &headers, &uri)?;
    Ok(Json(super::proxies::page_of!(ReferralCreditPage, p)))
}

pub(super) async fn get_credit(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetReferralCredit>,
) -> Result<Json<types::ReferralCredit>, ApiError> {
    let data = lock(&app);
    let credits = &data.account(user)?.referral.credits;
    credits
        .iter()
        .find(|c| c.id == q.id)
        .cloned()
        .map(Json)
        .ok_or_else(not_found)
}

pub(super) async fn list_earnouts(
    State(app): State<Shared>,
    User(user, _): User,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Params(q): Params<ListReferralEarnouts>,
) -> Result<Json<types::ReferralEarnoutPage>, ApiError> {
    let data = lock(&app);
    let earnouts: Vec<_> = data
        .account(user)?
        .referral
        .earnouts
        .iter()
        .rev()
        .cloned()
        .collect();
    let p = PageWindow::page(&earnouts, q.page, q.page_size, &headers, &uri)?;
    Ok(Json(super::proxies::page_of!(ReferralEarnoutPage, p)))
}

pub(super) async fn get_earnout(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetReferralEarnout>,
) -> Result<Json<types::ReferralEarnout>, ApiError> {
    let data = lock(&app);
    let earnouts = &data.account(user)?.referral.earnouts;
    earnouts
        .iter()
        .find(|e| e.id == q.id)
        .cloned()
        .map(Json)
        .ok_or_else(not_found)
}

/// Public: what a referral code gives, for a registration page. An unknown code is a 404 (a mock
/// decision: the page does not say).
pub(super) async fn code_info(
    State(app): State<Shared>,
    Params(q): Params<GetReferralCodeInfo>,
) -> Result<Json<types::ReferralCodeInfo>, ApiError> {
    let data = lock(&app);
    let code = data
        .users
        .values()
        .find(|a| a.referral.code.eq_ignore_ascii_case(q.referral_code.trim()))
        .map(|a| a.referral.code.clone())
        .ok_or_else(not_found)?;
    Ok(Json(types::ReferralCodeInfo {
        referral_code: Some(code),
        promo_type: Some("first_time_value_off".into()),
        promo_value: Some(10),
    }))
}
