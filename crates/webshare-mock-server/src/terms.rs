//! What a plan was bought with: the terms that both a plan and its price are made from.

use std::collections::BTreeMap;

use crate::proxy_state::ProxyScope;

/// What a plan was bought with.
#[derive(Debug, Clone)]
pub(crate) struct Terms {
    pub proxy_type: String,
    pub proxy_subtype: String,
    pub proxy_countries: BTreeMap<String, i64>,
    pub bandwidth_limit: f64,
    pub on_demand_refreshes_total: i64,
    pub automatic_refresh_frequency: i64,
    pub proxy_replacements_total: i64,
    pub subusers_total: i64,
    pub is_unlimited_ip_authorizations: bool,
    pub is_high_concurrency: bool,
    pub is_high_priority_network: bool,
    pub required_site_checks: Vec<String>,
}

impl Terms {
    /// The terms of a new account's plan, as its generated list has them.
    pub fn initial(scope: &ProxyScope) -> Self {
        let mut proxy_countries = BTreeMap::new();
        for proxy in &scope.proxies {
            *proxy_countries
                .entry(proxy.country_code.to_owned())
                .or_insert(0) += 1;
        }
        Self {
            proxy_type: "shared".into(),
            proxy_subtype: "default".into(),
            proxy_countries,
            bandwidth_limit: 250.0,
            on_demand_refreshes_total: i64::from(scope.on_demand_refreshes_available),
            automatic_refresh_frequency: 0,
            proxy_replacements_total: scope.replacements_available,
            subusers_total: 3,
            is_unlimited_ip_authorizations: true,
            is_high_concurrency: false,
            is_high_priority_network: false,
            required_site_checks: Vec::new(),
        }
    }

    /// The plan's proxies (saturating: a request's counts are checked after they are read).
    pub fn proxy_count(&self) -> i64 {
        self.proxy_countries
            .values()
            .fold(0i64, |sum, n| sum.saturating_add(*n))
    }
}
