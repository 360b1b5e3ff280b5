//! Money in the mock: the price of a plan (one function, so the pricing and customization answers, the
//! plans' prices and what a checkout charges agree), and each account's subscription, credits, billing
//! information, payment methods, pending payments and transactions.
//!
//! The documentation gives the price tiers (per proxy by count, per GB by bandwidth, per feature) but no
//! formula; the one here is the mock's: `proxies × base price + bandwidth + features`, less the count
//! tier's discount, a year costing ten months.

use chrono::{DateTime, Duration, Utc};
use webshare_api::{Amount, Decimal, types};

use crate::terms::Terms;

/// The base price of one proxy a month, USD (the pricing page's first tier).
fn base_proxy_price() -> Decimal {
    Decimal::new(299, 4)
}

/// `(from, to, discount %)` by proxy count, as the pricing page lists them (`to` of the last: none).
const PROXY_TIERS: [(i64, Option<i64>, i64); 8] = [
    (0, Some(250), 0),
    (250, Some(500), 5),
    (500, Some(1000), 10),
    (1000, Some(2500), 15),
    (2500, Some(5000), 20),
    (5000, Some(10000), 25),
    (10000, Some(25000), 30),
    (25000, None, 35),
];

/// `(from, to, USD per GB ×10⁴)` by bandwidth, as the pricing page lists them; above 5,000 GB (and
/// unlimited, `0`) the mock charges the last priced tier's rate for 5,000 GB.
const BANDWIDTH_TIERS: [(i64, i64, i64); 3] = [(0, 250, 149), (250, 1000, 68), (1000, 5000, 39)];

/// The features with a price, USD a month, as the pricing page lists them.
const FEATURES: [(&str, i64); 3] = [
    ("is_unlimited_ip_authorizations", 10),
    ("is_high_concurrency", 55),
    ("is_high_priority_network", 15),
];

/// A plan's term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Term {
    Monthly,
    Yearly,
}

impl Term {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "monthly" => Some(Self::Monthly),
            "yearly" => Some(Self::Yearly),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Monthly => "monthly",
            Self::Yearly => "yearly",
        }
    }

    /// How many months one term charges (a year costs ten months: a mock decision).
    fn months_charged(self) -> i64 {
        match self {
            Self::Monthly => 1,
            Self::Yearly => 10,
        }
    }

    /// How long one term lasts.
    pub fn length(self) -> Duration {
        match self {
            Self::Monthly => Duration::days(30),
            Self::Yearly => Duration::days(365),
        }
    }
}

fn cents(value: Decimal) -> Decimal {
    value.round_dp(2)
}

/// The count tier's discount, in percent.
fn proxy_discount(count: i64) -> i64 {
    PROXY_TIERS
        .iter()
        .find(|(from, to, _)| count >= *from && to.is_none_or(|to| count < to))
        .map_or(0, |t| t.2)
}

/// What `terms` cost for one `term`, before and after the count discount.
pub(crate) struct Price {
    pub non_discounted: Decimal,
    pub discount_percentage: i64,
    pub price: Decimal,
}

/// The price of `terms` for one `term`.
pub(crate) fn price(terms: &Terms, term: Term) -> Price {
    let proxies = Decimal::from(terms.proxy_count()) * base_proxy_price();
    let gb = if terms.bandwidth_limit <= 0.0 {
        5000
    } else {
        (terms.bandwidth_limit.ceil() as i64).min(5000)
    };
    let per_gb = BANDWIDTH_TIERS
        .iter()
        .find(|(_, to, _)| gb <= *to)
        .map_or(39, |t| t.2);
    let bandwidth = Decimal::from(gb) * Decimal::new(per_gb, 4);
    let features: Decimal = selected_features(terms)
        .filter(|(_, on)| *on)
        .map(|(name, _)| feature_price(name))
        .sum();
    let monthly = proxies + bandwidth + features;
    let non_discounted = cents(monthly * Decimal::from(term.months_charged()));
    let discount_percentage = proxy_discount(terms.proxy_count());
    let price = cents(
        non_discounted * (Decimal::ONE_HUNDRED - Decimal::from(discount_percentage))
            / Decimal::ONE_HUNDRED,
    );
    Price {
        non_discounted,
        discount_percentage,
        price,
    }
}

fn feature_price(name: &str) -> Decimal {
    FEATURES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(Decimal::ZERO, |(_, p)| Decimal::from(*p))
}

fn selected_features(terms: &Terms) -> impl Iterator<Item = (&'static str, bool)> {
    [
        (FEATURES[0].0, terms.is_unlimited_ip_authorizations),
        (FEATURES[1].0, terms.is_high_concurrency),
        (FEATURES[2].0, terms.is_high_priority_network),
    ]
    .into_iter()
}

/// How `price` is paid with `credits` available: (credits used, amount paid by card). The pricing answer
/// and the checkout both split by it, so what pricing says is what a checkout charges.
pub(crate) fn pay_from_credits(price: Decimal, credits: Decimal) -> (Decimal, Decimal) {
    let used = credits.min(price);
    (used, price - used)
}

/// The pricing answer: `terms` for `term`, paid first from `credits`.
pub(crate) fn pricing(
    terms: &Terms,
    term: Term,
    credits: Decimal,
    with_tax: bool,
) -> types::SubscriptionPricing {
    let p = price(terms, term);
    let (credits_used, paid_today) = pay_from_credits(p.price, credits);
    let amount = |d: Decimal| Some(Amount(d));
    types::SubscriptionPricing {
        discount_percentage: Some(p.discount_percentage),
        non_discounted_price: amount(p.non_discounted),
        price: amount(p.price),
        paid_today: amount(paid_today),
        promo_discount: None,
        credits_added: amount(Decimal::ZERO),
        credits_used: amount(credits_used),
        proxy_count_discount_tiers: Some(
            PROXY_TIERS
                .iter()
                .map(|(from, to, discount)| types::ProxyCountDiscountTier {
                    from: Some(*from),
                    to: *to,
                    discount_percentage: Some(*discount),
                    per_proxy_price: amount(
                        base_proxy_price() * (Decimal::ONE_HUNDRED - Decimal::from(*discount))
                            / Decimal::ONE_HUNDRED,
                    ),
                })
                .collect(),
        ),
        bandwidth_discount_tiers: Some(
            BANDWIDTH_TIERS
                .iter()
                .map(|(from, to, per_gb)| types::BandwidthDiscountTier {
                    from: Some(*from),
                    to: Some(*to),
                    per_gb_price: amount(Decimal::new(*per_gb, 4)),
                })
                .collect(),
        ),
        features: Some(
            selected_features(terms)
                .map(|(name, on)| types::FeaturePrice {
                    feature: Some(name.to_owned()),
                    is_selected: Some(on),
                    price: amount(feature_price(name)),
                })
                .collect(),
        ),
        tax_breakdown: with_tax.then(Vec::new),
        coupon_discount: None,
    }
}

/// The account's subscription and everything billing keeps of it.
#[derive(Debug, Clone)]
pub(crate) struct Billing {
    pub subscription_id: i64,
    pub free_credits: Decimal,
    pub term: Term,
    pub start_date: DateTime<Utc>,
    pub end_date: DateTime<Utc>,
    pub renewals_paid: i64,
    pub renewals_enabled: bool,
    /// The payment method on file.
    pub payment_method: Option<i64>,
    pub info: BillingInfo,
    pub payment_methods: Vec<types::PaymentMethod>,
    pub pending: Vec<Pending>,
    pub transactions: Vec<types::Transaction>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Credits every new account starts with, USD (a mock decision: enough for small upgrades, so that
/// tests without a payment flow can change plans; bigger purchases need a payment).
pub(crate) fn starting_credits() -> Decimal {
    Decimal::from(25)
}

#[derive(Debug, Clone)]
pub(crate) struct BillingInfo {
    pub name: Option<String>,
    pub address: Option<String>,
    pub billing_email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a pending payment will do once Stripe confirms it.
#[derive(Debug, Clone)]
pub(crate) enum Purpose {
    /// Buy `terms` as plan `plan` (replacing the active plan) for `term`.
    Purchase { plan: i64, terms: Terms, term: Term },
    /// Renew the subscription for `term`.
    Renewal { term: Term },
    /// Save a card (a Stripe SetupIntent): nothing is charged.
    SaveCard,
}

/// A payment waiting for Stripe's confirmation (`MockServer::confirm_payment`).
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub id: i64,
    pub purpose: Purpose,
    /// The amount charged when confirmed, after credits.
    pub amount: Decimal,
    pub credits_used: Decimal,
    pub status: &'static str,
    pub failure_reason: Option<String>,
    pub transaction: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl Pending {
    pub fn to_type(&self, payment_method: Option<i64>) -> types::PendingPayment {
        let (plan, term, is_renewal) = match &self.purpose {
            Purpose::Purchase { plan, term, .. } => (Some(*plan), Some(term.as_str()), false),
            Purpose::Renewal { term } => (None, Some(term.as_str()), true),
            Purpose::SaveCard => (None, None, false),
        };
        types::PendingPayment {
            id: self.id,
            status: Some(self.status.to_owned()),
            failure_reason: self.failure_reason.clone(),
            payment_method,
            plan,
            transaction: self.transaction,
            is_renewal: Some(is_renewal),
            term: term.map(str::to_owned),
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
            completed_at: self.completed_at,
        }
    }
}

impl Billing {
    pub fn new(id: i64, now: DateTime<Utc>) -> Self {
        Self {
            subscription_id: id,
            free_credits: starting_credits(),
            term: Term::Monthly,
            start_date: now,
            end_date: now + Term::Monthly.length(),
            renewals_paid: 0,
            renewals_enabled: true,
            payment_method: None,
            info: BillingInfo {
                name: None,
                address: None,
                billing_email: None,
                created_at: now,
                updated_at: now,
            },
            payment_methods: Vec::new(),
            pending: Vec::new(),
            transactions: Vec::new(),
            created_at: now,
            updated_at: now,
        }
    }

    pub fn to_type(&self, plan: i64) -> types::Subscription {
        types::Subscription {
            id: self.subscription_id,
            plan: Some(plan),
            payment_method: self.payment_method,
            free_credits: Some(Amount(self.free_credits)),
            term: Some(self.term.as_str().to_owned()),
            start_date: Some(self.start_date),
            end_date: Some(self.end_date),
            renewals_paid: Some(self.renewals_paid),
            renewals_enabled: Some(self.renewals_enabled),
            failed_payment_times: Some(0),
            account_discount_percentage: Some(0),
            promotion_available_first_time_renewal_25_off: Some(false),
            customizable: Some(true),
            paused: Some(false),
            reactivation_date: None,
            reactivation_period_left: None,
            promo_type: None,
            promo_value: None,
            throttled: Some(false),
            will_renew: Some(self.renewals_enabled),
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
        }
    }

    pub fn info_type(&self, id: i64) -> types::BillingInfo {
        let i = &self.info;
        types::BillingInfo {
            id,
            name: i.name.clone(),
            address: i.address.clone(),
            billing_email: i.billing_email.clone(),
            created_at: Some(i.created_at),
            updated_at: Some(i.updated_at),
        }
    }

    /// Records a completed payment of `amount` (after `credits_used` credits) for `reason`.
    pub fn record(
        &mut self,
        id: i64,
        reason: &str,
        amount: Decimal,
        credits_used: Decimal,
        now: DateTime<Utc>,
    ) -> i64 {
        let card = self
            .payment_method
            .and_then(|m| self.payment_methods.iter().find(|p| p.id == m));
        self.transactions.push(types::Transaction {
            id,
            status: Some("completed".into()),
            payment_method: card.map(|c| types::TransactionPaymentMethod {
                id: c.id,
                brand: c.brand.clone(),
                last4: c.last4.clone(),
                name: c.name.clone(),
                expiration_year: c.expiration_year,
                expiration_month: c.expiration_month,
                created_at: c.created_at,
                updated_at: c.updated_at,
            }),
            reason: Some(reason.to_owned()),
            amount: Some(Amount(amount)),
            credits_used: Some(Amount(credits_used)),
            credits_gained: Some(Amount(Decimal::ZERO)),
            refund_amount: Some(Amount(Decimal::ZERO)),
            refund_date: None,
            line_items: None,
            created_at: Some(now),
            updated_at: Some(now),
        });
        id
    }
}

/// A one-page PDF invoice for `transaction`: small, but a real PDF (header, one page, a text line,
/// cross-reference table with exact offsets, trailer).
pub(crate) fn invoice_pdf(transaction: &types::Transaction, email: &str) -> Vec<u8> {
    let amount = transaction
        .amount
        .map(|a| a.to_string())
        .unwrap_or_default();
    let text = format!(
        "Webshare invoice {} - {} - USD {}",
        transaction.id,
        email.replace(['(', ')', '\\'], ""),
        amount
    );
    let stream = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn terms(proxies: i64, bandwidth: f64) -> Terms {
        Terms {
            proxy_type: "shared".into(),
            proxy_subtype: "default".into(),
            proxy_countries: BTreeMap::from([("US".to_owned(), proxies)]),
            bandwidth_limit: bandwidth,
            on_demand_refreshes_total: 0,
            automatic_refresh_frequency: 0,
            proxy_replacements_total: 0,
            subusers_total: 3,
            is_unlimited_ip_authorizations: false,
            is_high_concurrency: false,
            is_high_priority_network: false,
            required_site_checks: Vec::new(),
        }
    }

    #[test]
    fn prices_follow_the_tiers_in_exact_cents() {
        // 100 proxies at 0.0299 + 250 GB at 0.0149 = 2.99 + 3.725 = 6.715 → 6.72, no count discount.
        let p = price(&terms(100, 250.0), Term::Monthly);
        assert_eq!(
            (
                p.non_discounted.to_string(),
                p.discount_percentage,
                p.price.to_string()
            ),
            ("6.72".into(), 0, "6.72".into())
        );
        // 1000 proxies: 29.90 + 3.725 = 33.625 → 33.63 (banker's rounding keeps cents exact), 15 % off.
        let p = price(&terms(1000, 250.0), Term::Monthly);
        assert_eq!(p.discount_percentage, 15);
        assert_eq!(
            p.price,
            (p.non_discounted * Decimal::new(85, 2)).round_dp(2)
        );
        // A year is ten months.
        let year = price(&terms(100, 250.0), Term::Yearly);
        assert_eq!(year.non_discounted.to_string(), "67.15");
    }

    #[test]
    fn the_invoice_is_a_pdf_with_a_consistent_cross_reference() {
        let mut billing = Billing::new(1, Utc::now());
        billing.record(
            7,
            "purchase",
            Decimal::new(1394, 2),
            Decimal::ZERO,
            Utc::now(),
        );
        let pdf = invoice_pdf(&billing.transactions[0], "a@b.c");
        assert!(pdf.starts_with(b"%PDF-1.4\n"));
        let text = String::from_utf8(pdf.clone()).unwrap();
        assert!(text.contains("USD 13.94") && text.ends_with("%%EOF\n"));
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(text[start..].starts_with("xref\n"));
    }
}
