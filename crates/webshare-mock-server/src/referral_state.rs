//! The referral program of an account: its config, the coupon code it applied, the credits it earned from
//! the accounts that applied its code, and the earn-outs (`MockServer::earn_out`) that pay them.

use chrono::{DateTime, Duration, Utc};
use webshare_api::{Amount, Decimal, types};

/// The share of a referred account's payment credited to the referrer (the config page's example ratio).
pub(crate) fn credit_ratio() -> Decimal {
    Decimal::new(25, 2)
}

/// The most credits one referral earns, USD (the config page's example).
pub(crate) fn maximum_credits() -> Decimal {
    Decimal::from(100)
}

#[derive(Debug, Clone)]
pub(crate) struct Referral {
    pub mode: &'static str,
    pub paypal_payout_email: Option<String>,
    /// The account's own code, which others apply as a coupon code.
    pub code: String,
    /// The code of another account this one applied, if any.
    pub applied: Option<String>,
    pub credits: Vec<types::ReferralCredit>,
    pub earnouts: Vec<types::ReferralEarnout>,
    /// The credits an earn-out has paid.
    pub paid: Vec<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Referral {
    pub fn new(user: u64, now: DateTime<Utc>) -> Self {
        Self {
            mode: "credits",
            paypal_payout_email: None,
            code: format!("ref{user:07}"),
            applied: None,
            credits: Vec::new(),
            earnouts: Vec::new(),
            paid: Vec::new(),
            created_at: now,
            updated_at: now,
        }
    }

    /// What credits of `mode` not yet paid out and not reverted add up to.
    fn unpaid(&self, mode: &str) -> Decimal {
        self.credits
            .iter()
            .filter(|c| c.mode.as_deref() == Some(mode) && c.status.as_deref() != Some("reverted"))
            .filter(|c| !self.paid.contains(&c.id))
            .filter_map(|c| c.amount.map(Amount::value))
            .sum()
    }

    fn earned_out(&self, mode: &str) -> Decimal {
        self.earnouts
            .iter()
            .filter(|e| e.mode.as_deref() == Some(mode))
            .filter_map(|e| e.amount.map(Amount::value))
            .sum()
    }

    pub fn to_type(
        &self,
        id: i64,
        referred: i64,
        upgraded: i64,
        now: DateTime<Utc>,
    ) -> types::ReferralConfig {
        let amount = |d: Decimal| Some(Amount(d));
        let pending = |mode| self.unpaid(mode);
        types::ReferralConfig {
            id,
            mode: Some(self.mode.to_owned()),
            paypal_payout_email: self.paypal_payout_email.clone(),
            id_verification_required: Some(false),
            credits_earned: amount(pending("credits")),
            payouts_earned: amount(pending("payout")),
            total_credits_earned: amount(pending("credits") + self.earned_out("credits")),
            total_payouts_earned: amount(pending("payout") + self.earned_out("payout")),
            number_of_users_referred: Some(referred),
            number_of_users_upgraded: Some(upgraded),
            earn_out_frequency: Some("7 00:00:00".into()),
            next_earn_out_date: Some(now + Duration::days(7)),
            minimum_earn_out_amount: amount(Decimal::from(10)),
            referral_code: Some(self.code.clone()),
            referral_url: Some(format!(
                "https://www.webshare.io/?referral_code={}",
                self.code
            )),
            referral_maximum_credits: amount(maximum_credits()),
            referral_credit_ratio: Some(0.25),
            referral_payment_pending_days: Some("30 00:00:00".into()),
            promo_type: Some("first_time_value_off".into()),
            promo_value: Some(10),
            initial_rate: None,
            ongoing_rate: None,
            initial_rate_period_days: None,
            max_earnings_per_referred: None,
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
        }
    }

    /// The account's one channel: its own code.
    pub fn channel(&self, id: i64, uses: i64) -> types::ReferralChannel {
        let commission: Decimal = self
            .credits
            .iter()
            .filter_map(|c| c.amount.map(Amount::value))
            .sum();
        types::ReferralChannel {
            id,
            code: Some(self.code.clone()),
            description: Some("Your referral code".into()),
            promo_type: Some("first_time_value_off".into()),
            promo_value: Some(Decimal::from(10)),
            is_active: Some(true),
            is_recurring: Some(false),
            start_date: Some(self.created_at),
            end_date: None,
            total_uses: Some(uses),
            total_commission: Some(Amount(commission)),
            total_revenue: Some(Amount(if credit_ratio().is_zero() {
                Decimal::ZERO
            } else {
                commission / credit_ratio()
            })),
            initial_rate: Some(credit_ratio()),
            ongoing_rate: Some(Decimal::ZERO),
            initial_rate_period_days: Some(30),
            max_earnings_per_referred: Some(maximum_credits()),
            created_at: Some(self.created_at),
        }
    }

    /// Pays out the credits not paid yet (their pending period taken as over: they become `available`): one
    /// `completed` earn-out per mode with any; credits-mode ones add to the subscription's free credits.
    pub fn earn_out(
        &mut self,
        next_id: &mut i64,
        free_credits: &mut Decimal,
        now: DateTime<Utc>,
    ) -> usize {
        let mut made = 0;
        for mode in ["credits", "payout"] {
            let total = self.unpaid(mode);
            if total.is_zero() {
                continue;
            }
            for credit in self
                .credits
                .iter_mut()
                .filter(|c| c.mode.as_deref() == Some(mode))
            {
                if credit.status.as_deref() == Some("pending") {
                    credit.status = Some("available".into());
                    credit.updated_at = Some(now);
                }
                if credit.status.as_deref() == Some("available") && !self.paid.contains(&credit.id)
                {
                    self.paid.push(credit.id);
                }
            }
            if mode == "credits" {
                *free_credits += total;
            }
            *next_id += 1;
            self.earnouts.push(types::ReferralEarnout {
                id: *next_id,
                mode: Some(mode.to_owned()),
                paypal_payout_email: (mode == "payout")
                    .then(|| self.paypal_payout_email.clone())
                    .flatten(),
                amount: Some(Amount(total)),
                status: Some("completed".into()),
                error_reason: None,
                created_at: Some(now),
                updated_at: Some(now),
            });
            made += 1;
        }
        made
    }

    /// Credits this account (`referrer`) for a completed payment of `amount` by `user`, an account that
    /// applied its code: a `pending` credit (numbered `id`) of [`credit_ratio`] of it, at most
    /// [`maximum_credits`] per referred account (nothing once that is reached).
    pub fn credit_payment(
        &mut self,
        id: i64,
        referrer: u64,
        user: u64,
        amount: Decimal,
        now: DateTime<Utc>,
    ) {
        let earned: Decimal = self
            .credits
            .iter()
            .filter(|c| c.user_id == Some(user as i64))
            .filter_map(|c| c.amount.map(Amount::value))
            .sum();
        let credit = (amount * credit_ratio())
            .round_dp(2)
            .min(maximum_credits() - earned);
        if credit <= Decimal::ZERO {
            return;
        }
        self.credits.push(types::ReferralCredit {
            id,
            user_id: Some(user as i64),
            mode: Some(self.mode.to_owned()),
            amount: Some(Amount(credit)),
            status: Some("pending".into()),
            referral_channel: Some(referrer as i64),
            referral_channel_code: Some(self.code.clone()),
            created_at: Some(now),
            updated_at: Some(now),
            reverted_at: None,
        });
    }
}
