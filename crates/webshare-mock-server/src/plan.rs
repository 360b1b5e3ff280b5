//! The plans of an account: the customization its proxy list is made from. One is active (the account's
//! `plan_id`); an upgrade makes a new one and cancels the old, as the documentation describes.

use chrono::{DateTime, Utc};
use webshare_api::types;

use crate::commerce::{self, Term};
use crate::proxy_state::ProxyScope;
use crate::terms::Terms;

/// One plan of an account.
#[derive(Debug, Clone)]
pub(crate) struct MockPlan {
    pub id: i64,
    pub cancelled: bool,
    pub terms: Terms,
    pub automatic_refresh_next_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Refreshes and replacements used, kept when the plan stops being the active one (the active
    /// plan's come from its list).
    pub used_when_closed: Option<(i64, i64)>,
}

impl MockPlan {
    /// The refreshes and replacements used: kept at closing, else counted from `scope` (the active list).
    fn used(&self, scope: &ProxyScope) -> (i64, i64) {
        self.used_when_closed.unwrap_or((
            self.terms.on_demand_refreshes_total - i64::from(scope.on_demand_refreshes_available),
            self.terms.proxy_replacements_total - scope.replacements_available,
        ))
    }

    /// Cancels the plan, keeping what it used of `scope` (the list it had).
    pub fn close(&mut self, scope: &ProxyScope, now: DateTime<Utc>) {
        self.used_when_closed = Some(self.used(scope));
        self.cancelled = true;
        self.updated_at = now;
    }

    /// As the API shows it; `scope` is the active plan's list, `subusers` how many sub-users the account
    /// has. `detail` is false in the list of plans, which leaves the automatic-refresh times null.
    pub fn to_type(&self, scope: &ProxyScope, subusers: i64, detail: bool) -> types::Plan {
        let t = &self.terms;
        let (refreshes_used, replacements_used) = self.used(scope);
        let price = |term| webshare_api::Amount(commerce::price(t, term).price);
        types::Plan {
            id: self.id,
            status: Some(
                if self.cancelled {
                    "cancelled"
                } else {
                    "active"
                }
                .into(),
            ),
            bandwidth_limit: Some(t.bandwidth_limit),
            monthly_price: Some(price(Term::Monthly)),
            yearly_price: Some(price(Term::Yearly)),
            proxy_type: Some(t.proxy_type.clone()),
            proxy_subtype: Some(t.proxy_subtype.clone()),
            proxy_count: Some(t.proxy_count()),
            proxy_countries: Some(t.proxy_countries.clone().into_iter().collect()),
            required_site_checks: Some(t.required_site_checks.clone()),
            on_demand_refreshes_total: Some(t.on_demand_refreshes_total),
            on_demand_refreshes_used: Some(refreshes_used),
            on_demand_refreshes_available: Some(t.on_demand_refreshes_total - refreshes_used),
            automatic_refresh_frequency: Some(t.automatic_refresh_frequency),
            automatic_refresh_last_at: None,
            automatic_refresh_next_at: if detail {
                self.automatic_refresh_next_at
            } else {
                None
            },
            proxy_replacements_total: Some(t.proxy_replacements_total),
            proxy_replacements_used: Some(replacements_used),
            proxy_replacements_available: Some(t.proxy_replacements_total - replacements_used),
            subusers_total: Some(t.subusers_total),
            subusers_used: Some(subusers),
            subusers_available: Some((t.subusers_total - subusers).max(0)),
            is_unlimited_ip_authorizations: Some(t.is_unlimited_ip_authorizations),
            is_high_concurrency: Some(t.is_high_concurrency),
            is_high_priority_network: Some(t.is_high_priority_network),
            is_2x_concurrency: Some(false),
            high_quality_ips_only: Some(false),
            bundle_info: None,
            bundle_addons: None,
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
        }
    }
}
