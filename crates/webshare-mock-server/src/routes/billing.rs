//! *Billing*: billing information, payment methods, pending payments (Stripe's side stands in
//! `MockServer::confirm_payment`), transactions and invoices; and the one checkout that purchases and
//! renewals go through.

use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use webshare_api::Decimal;
use webshare_api::operations::{
    CreatePaymentMethod, DownloadInvoice, GetBillingInfo, GetPaymentMethod, GetPendingPayment,
    GetTransaction, ListPaymentMethods, ListPendingPayments, ListTransactions, UpdateBillingInfo,
};
use webshare_api::{Secret, types};

use super::common::lock;
use super::proxies::{PageWindow, not_found};
use crate::Shared;
use crate::auth::User;
use crate::commerce::{Pending, Purpose};
use crate::error::ApiError;
use crate::params::Params;
use crate::random::random_token;
use crate::state::{Data, UserId, now};
use crate::validate::{Fields, JsonObject};

/// What a checkout charges, and for what.
pub(super) struct Charge {
    pub purpose: Purpose,
    pub price: Decimal,
}

/// Charges `charge` to the account: from its credits first; what they cover is done at once, the rest
/// waits as a pending payment for Stripe (`MockServer::confirm_payment`). One call, one charge: a
/// pending payment is never created twice by a request.
pub(super) fn checkout(
    data: &mut Data,
    user: UserId,
    charge: Charge,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<types::CheckoutResponse, ApiError> {
    data.next_record_id += 1;
    let id = data.next_record_id;
    let max = data.limits.pending_payments;
    let account = data.account_mut(user)?;
    if account.billing.pending.len() >= max {
        return Err(pending_payments_limit(max));
    }
    let (credits_used, amount) =
        crate::commerce::pay_from_credits(charge.price, account.billing.free_credits);
    let plan = match &charge.purpose {
        Purpose::Purchase { plan, .. } => *plan,
        _ => account.plan_id,
    };
    account.billing.pending.push(Pending {
        id,
        purpose: charge.purpose,
        amount,
        credits_used,
        status: "pending",
        failure_reason: None,
        transaction: None,
        created_at: now,
        updated_at: now,
        completed_at: None,
    });
    if amount.is_zero() {
        settle_payment(data, user, id, true, now);
        return Ok(types::CheckoutResponse {
            payment_required: Some(false),
            plan: Some(plan),
            pending_payment: None,
            stripe_client_secret: None,
            stripe_payment_intent: None,
            stripe_payment_method: None,
        });
    }
    Ok(types::CheckoutResponse {
        payment_required: Some(true),
        plan: Some(plan),
        pending_payment: Some(id),
        stripe_client_secret: Some(Secret::new(format!("pi_{id}_secret_{}", random_token()))),
        stripe_payment_intent: Some(format!("pi_{id}")),
        stripe_payment_method: Some(format!("pm_{id}")),
    })
}

/// Completes (or fails) pending payment `id` of `user`: what it paid for takes effect, and a payment is
/// recorded as a transaction. False when there is no such payment waiting.
pub(crate) fn settle_payment(
    data: &mut Data,
    user: UserId,
    id: i64,
    succeeds: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    // The IDs a settlement may take (a transaction, or a saved card), counted as taken only when used.
    let transaction_id = data.next_transaction_id + 1;
    let card_id = data.next_record_id + 1;
    let Some(account) = data.users.get_mut(&user) else {
        return false;
    };
    let Some(index) = account
        .billing
        .pending
        .iter()
        .position(|p| p.id == id && p.status == "pending")
    else {
        return false;
    };
    let pending = account.billing.pending[index].clone();
    let entry = &mut account.billing.pending[index];
    entry.updated_at = now;
    entry.completed_at = Some(now);
    if !succeeds {
        entry.status = "failed";
        entry.failure_reason = Some("Your card was declined.".into());
        return true;
    }
    entry.status = "successful";
    let reason = match pending.purpose {
        Purpose::Purchase { plan, terms, term } => {
            account.billing.term = term;
            account.billing.start_date = now;
            account.billing.end_date = now + term.length();
            super::plans::replace_plan(account, plan, terms, now);
            "purchase"
        }
        Purpose::Renewal { term } => {
            account.billing.term = term;
            account.billing.renewals_paid += 1;
            account.billing.end_date = account.billing.end_date.max(now) + term.length();
            "renewal"
        }
        Purpose::SaveCard => {
            account.billing.payment_methods.push(types::PaymentMethod {
                id: card_id,
                type_: Some("card".into()),
                brand: Some("visa".into()),
                last4: Some("4242".into()),
                name: None,
                expiration_year: Some(2030),
                expiration_month: Some(12),
                line: None,
                city: None,
                state: None,
                postal_code: None,
                country: None,
                created_at: Some(now),
                updated_at: Some(now),
            });
            account.billing.payment_method = Some(card_id);
            data.next_record_id = card_id;
            return true;
        }
    };
    account.billing.free_credits -= pending.credits_used;
    account.billing.updated_at = now;
    let recorded = account.billing.record(
        transaction_id,
        reason,
        pending.amount,
        pending.credits_used,
        now,
    );
    account.billing.pending[index].transaction = Some(recorded);
    data.next_transaction_id = transaction_id;
    data.credit_referrer(user, pending.amount, now);
    true
}

pub(super) async fn get_info(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<GetBillingInfo>,
) -> Result<Json<types::BillingInfo>, ApiError> {
    let data = lock(&app);
    Ok(Json(data.account(user)?.billing.info_type(user as i64)))
}

pub(super) async fn update_info(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<UpdateBillingInfo>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::BillingInfo>, ApiError> {
    let mut fields = Fields::new(&body);
    if body.is_empty() {
        fields.error("non_field_errors", "Send at least one field.", "required");
    }
    let name = body
        .contains_key("name")
        .then(|| fields.string_up_to("name", 200).to_owned());
    let address = body
        .contains_key("address")
        .then(|| fields.string_up_to("address", 1000).to_owned());
    let email = body
        .contains_key("billing_email")
        .then(|| fields.email("billing_email").to_owned());
    fields.finish()?;
    let mut data = lock(&app);
    let billing = &mut data.account_mut(user)?.billing;
    let info = &mut billing.info;
    for (value, slot) in [
        (name, &mut info.name),
        (address, &mut info.address),
        (email, &mut info.billing_email),
    ] {
        if let Some(value) = value {
            *slot = Some(value);
        }
    }
    info.updated_at = now();
    Ok(Json(billing.info_type(user as i64)))
}

pub(super) async fn list_payment_methods(
    State(app): State<Shared>,
    User(user, _): User,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Params(q): Params<ListPaymentMethods>,
) -> Result<Json<types::PaymentMethodPage>, ApiError> {
    let data = lock(&app);
    let methods = &data.account(user)?.billing.payment_methods;
    let p = PageWindow::page(methods, q.page, q.page_size, &headers, &uri)?;
    Ok(Json(super::proxies::page_of!(PaymentMethodPage, p)))
}

/// Starts saving a card: a Stripe SetupIntent, completed by `MockServer::confirm_payment`.
pub(super) async fn create_payment_method(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<CreatePaymentMethod>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::PaymentMethodSetup>, ApiError> {
    let mut fields = Fields::new(&body);
    let recaptcha = fields.string("recaptcha");
    super::common::check_recaptcha(&app, &mut fields, recaptcha);
    fields.finish()?;
    let now = now();
    let mut data = lock(&app);
    data.next_record_id += 1;
    let id = data.next_record_id;
    let max = data.limits.pending_payments;
    let account = data.account_mut(user)?;
    if account.billing.pending.len() >= max {
        return Err(pending_payments_limit(max));
    }
    account.billing.pending.push(Pending {
        id,
        purpose: Purpose::SaveCard,
        amount: Decimal::ZERO,
        credits_used: Decimal::ZERO,
        status: "pending",
        failure_reason: None,
        transaction: None,
        created_at: now,
        updated_at: now,
        completed_at: None,
    });
    Ok(Json(types::PaymentMethodSetup {
        pending_payment: Some(id),
        stripe_client_secret: Some(Secret::new(format!("seti_{id}_secret_{}", random_token()))),
        stripe_setup_intent: Some(format!("seti_{id}")),
        stripe_payment_intent: None,
    }))
}

pub(super) async fn get_payment_method(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetPaymentMethod>,
) -> Result<Json<types::PaymentMethod>, ApiError> {
    let data = lock(&app);
    let billing = &data.account(user)?.billing;
    let method = billing
        .payment_methods
        .iter()
        .find(|m| m.id == q.id)
        .ok_or_else(not_found)?;
    Ok(Json(method.clone()))
}

fn pending_types(data: &Data, user: UserId) -> Result<Vec<types::PendingPayment>, ApiError> {
    let billing = &data.account(user)?.billing;
    Ok(billing
        .pending
        .iter()
        .rev()
        .map(|p| p.to_type(billing.payment_method))
        .collect())
}

pub(super) async fn list_pending(
    State(app): State<Shared>,
    User(user, _): User,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Params(q): Params<ListPendingPayments>,
) -> Result<Json<types::PendingPaymentPage>, ApiError> {
    let all = pending_types(&lock(&app), user)?;
    let p = PageWindow::page(&all, q.page, q.page_size, &headers, &uri)?;
    Ok(Json(super::proxies::page_of!(PendingPaymentPage, p)))
}

pub(super) async fn get_pending(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetPendingPayment>,
) -> Result<Json<types::PendingPayment>, ApiError> {
    let all = pending_types(&lock(&app), user)?;
    all.into_iter()
        .find(|p| p.id == q.id)
        .map(Json)
        .ok_or_else(not_found)
}

pub(super) async fn list_transactions(
    State(app): State<Shared>,
    User(user, _): User,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Params(q): Params<ListTransactions>,
) -> Result<Json<types::TransactionPage>, ApiError> {
    let bound = |field: &str, text: &Option<String>| -> Result<Option<Decimal>, ApiError> {
        text.as_deref()
            .map(|t| {
                t.trim()
                    .parse::<Decimal>()
                    .map_err(|_| ApiError::field(field, "Enter a number.", "invalid"))
            })
            .transpose()
    };
    let above = bound("amount__gt", &q.amount_gt)?;
    let below = bound("amount__lt", &q.amount_lt)?;
    let data = lock(&app);
    let mut all: Vec<types::Transaction> = data
        .account(user)?
        .billing
        .transactions
        .iter()
        .rev()
        .filter(|t| {
            q.status
                .as_ref()
                .is_none_or(|s| t.status.as_ref() == Some(s))
        })
        .filter(|t| {
            q.status_in.is_empty() || t.status.as_ref().is_some_and(|s| q.status_in.contains(s))
        })
        .filter(|t| {
            let amount = t.amount.map(|a| a.value()).unwrap_or_default();
            above.is_none_or(|a| amount > a) && below.is_none_or(|b| amount < b)
        })
        .filter(|t| {
            q.search.as_ref().is_none_or(|s| {
                t.reason.as_deref().is_some_and(|r| r.contains(s.as_str()))
                    || t.id.to_string() == *s
            })
        })
        .cloned()
        .collect();
    super::proxies::check_ordering(&q.ordering, &["id", "created_at", "amount", "status"])?;
    super::proxies::sort_by_ordering(&mut all, &q.ordering, |field, a, b| match field {
        "amount" => a.amount.cmp(&b.amount),
        "status" => a.status.cmp(&b.status),
        "created_at" => a.created_at.cmp(&b.created_at),
        _ => a.id.cmp(&b.id),
    });
    let p = PageWindow::page(&all, q.page, q.page_size, &headers, &uri)?;
    Ok(Json(super::proxies::page_of!(TransactionPage, p)))
}

pub(super) async fn get_transaction(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetTransaction>,
) -> Result<Json<types::Transaction>, ApiError> {
    let data = lock(&app);
    let billing = &data.account(user)?.billing;
    billing
        .transactions
        .iter()
        .find(|t| t.id == q.id)
        .cloned()
        .map(Json)
        .ok_or_else(not_found)
}

/// The invoice of one of the account's transactions, as a PDF.
pub(super) async fn download_invoice(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<DownloadInvoice>,
) -> Result<Response, ApiError> {
    let data = lock(&app);
    let account = data.account(user)?;
    let transaction = q
        .subscription_transaction_id
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| account.billing.transactions.iter().find(|t| t.id == id))
        .ok_or_else(not_found)?;
    let pdf = crate::commerce::invoice_pdf(transaction, &account.email);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"invoice.pdf\""),
            ),
        ],
        pdf,
    )
        .into_response())
}

/// The 400 of an account with `max` pending payments.
fn pending_payments_limit(max: usize) -> ApiError {
    ApiError::limit_reached("pending payments", max, "max_pending_payments")
}
