//! Self-healing, opt-in: a [`Healer`] replaces proxies that stay unhealthy through the API (one replacement
//! for all of them, a dry run first), within a daily budget and the plan's replacements left, and swaps
//! the new list into the pool.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::time::Instant;
use webshare_api::operations::ListProxies;
use webshare_api::types::{
    ProxyMode, ProxyReplacement, ProxyReplacementCreateRequest, ProxySelector, ReplacementSource,
};

use super::{Pool, PoolError, PoolProxy, RefreshReport, Status, from_api};
use crate::Client;
use crate::replacements::Polling;

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// When a proxy counts as failing for good, and how much may be spent replacing such proxies.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HealPolicy {
    /// Quarantines in a row that make a proxy a candidate (3 by default).
    pub min_quarantines: u32,
    /// Or: unhealthy (quarantined, on probation, or failing) at every [`Healer::heal`] for this long (1 h
    /// by default).
    pub min_unhealthy: Duration,
    /// Proxies replaced per 24 hours at most, on the pool's clock (0 by default: nothing is replaced
    /// until a budget is given).
    pub daily_budget: u32,
    /// Only the dry run: report what would be replaced, replace nothing.
    pub dry_run_only: bool,
    /// How the replacement is waited for.
    pub polling: Polling,
}

impl Default for HealPolicy {
    fn default() -> Self {
        Self {
            min_quarantines: 3,
            min_unhealthy: Duration::from_secs(60 * 60),
            daily_budget: 0,
            dry_run_only: false,
            polling: Polling::default(),
        }
    }
}

impl HealPolicy {
    /// The defaults with a daily budget of `proxies`.
    pub fn with_budget(proxies: u32) -> Self {
        Self {
            daily_budget: proxies,
            ..Self::default()
        }
    }
}

/// Why a proxy is a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HealReason {
    /// Quarantined this many times in a row.
    Quarantines(u32),
    /// Unhealthy for this long.
    UnhealthyFor(Duration),
}

/// Why a candidate was not replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// The daily budget is spent: `used` of `budget` in the last 24 hours.
    DailyBudget {
        /// Proxies replaced in the last 24 hours.
        used: u32,
        /// [`HealPolicy::daily_budget`].
        budget: u32,
    },
    /// The plan has no more replacements (`proxy_replacements_available`).
    PlanReplacements {
        /// Replacements the plan had left.
        available: i64,
    },
    /// The policy asked for the dry run only.
    DryRunOnly,
    /// Its address is no IPv4 address (a backbone host name): replacements select by address.
    NotAnAddress,
}

/// What one [`Healer::heal`] did. `Debug` shows no password.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct HealReport {
    /// The candidates, and why.
    pub candidates: Vec<(PoolProxy, HealReason)>,
    /// The proxies replaced.
    pub replaced: Vec<PoolProxy>,
    /// Candidates not replaced, and why.
    pub skipped: Vec<(PoolProxy, SkipReason)>,
    /// The dry run, when one was made.
    pub dry_run: Option<ProxyReplacement>,
    /// The replacement, completed, when one was made.
    pub replacement: Option<ProxyReplacement>,
    /// The pool's refresh with the new list, after a replacement.
    pub refresh: Option<RefreshReport>,
}

/// Replaces proxies that stay unhealthy; keeps, between calls, when each unhealthy proxy was first seen
/// so and what was replaced in the last 24 hours.
#[derive(Debug)]
pub struct Healer {
    policy: HealPolicy,
    /// When each proxy (`address:port:username`) was first seen unhealthy, while it stays so.
    unhealthy_since: HashMap<String, Instant>,
    /// When each replaced proxy was replaced, the last 24 hours.
    spent: VecDeque<Instant>,
}

fn key(proxy: &PoolProxy) -> String {
    format!(
        "{}:{}:{}",
        proxy.address(),
        proxy.port(),
        proxy.username().unwrap_or("")
    )
}

impl Healer {
    /// A healer with this policy.
    pub fn new(policy: HealPolicy) -> Self {
        Self {
            policy,
            unhealthy_since: HashMap::new(),
            spent: VecDeque::new(),
        }
    }

    /// Finds the candidates in `pool`'s snapshot, fits them into the budget and the plan's replacements
    /// left (read from the client's plan, [`Client::for_plan`], or the account's first plan), replaces them
    /// through `client` in one replacement selected by their addresses (a dry run first), waits for it, and
    /// gives the pool the new list (the proxies list of the client's scope), without dropping requests in
    /// flight. Every decision is a tracing event (target `webshare::pool`) and in the report.
    pub async fn heal(&mut self, pool: &Pool, client: &Client) -> Result<HealReport, PoolError> {
        let mut report = HealReport {
            candidates: self.candidates(pool),
            ..HealReport::default()
        };
        if report.candidates.is_empty() {
            return Ok(report);
        }
        let now = pool.inner.clock.now();
        while self
            .spent
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= DAY)
        {
            self.spent.pop_front();
        }
        let used = u32::try_from(self.spent.len()).unwrap_or(u32::MAX);
        let budget_left = self.policy.daily_budget.saturating_sub(used);
        let available = plan_replacements(client).await?;
        let plan_left = available.map_or(usize::MAX, |a| usize::try_from(a.max(0)).unwrap_or(0));
        let allowed = usize::try_from(budget_left)
            .unwrap_or(usize::MAX)
            .min(plan_left);
        let mut chosen: Vec<PoolProxy> = Vec::new();
        let mut addressed = Vec::new();
        for (proxy, _) in &report.candidates {
            if proxy.address().parse::<std::net::Ipv4Addr>().is_ok() {
                addressed.push(proxy);
            } else {
                tracing::warn!(
                    target: "webshare::pool",
                    proxy = %proxy.display_address(),
                    reason = ?SkipReason::NotAnAddress,
                    "self-healing skipped a proxy"
                );
                report
                    .skipped
                    .push((proxy.clone(), SkipReason::NotAnAddress));
            }
        }
        for (i, proxy) in addressed.into_iter().enumerate() {
            if i < allowed {
                chosen.push(proxy.clone());
                continue;
            }
            let reason = if i >= plan_left {
                SkipReason::PlanReplacements {
                    available: available.unwrap_or(0),
                }
            } else {
                SkipReason::DailyBudget {
                    used,
                    budget: self.policy.daily_budget,
                }
            };
            tracing::warn!(
                target: "webshare::pool",
                proxy = %proxy.display_address(),
                reason = ?reason,
                "self-healing skipped a proxy"
            );
            report.skipped.push((proxy.clone(), reason));
        }
        if chosen.is_empty() {
            return Ok(report);
        }
        // Proxies that share an address (ports of one host) are one proxy to the API.
        let mut addresses: Vec<String> = chosen.iter().map(|p| p.address().to_owned()).collect();
        addresses.sort_unstable();
        addresses.dedup();
        let count = i64::try_from(addresses.len()).unwrap_or(i64::MAX);
        let mut request = ProxyReplacementCreateRequest {
            dry_run: Some(true),
            replace_with: vec![ReplacementSource::any(count)],
            to_replace: ProxySelector::ip_addresses(addresses),
        };
        let replacements = client.replacements();
        let dry = replacements
            .create_and_wait(&request, self.policy.polling)
            .await?;
        tracing::info!(
            target: "webshare::pool",
            proxies = chosen.len(),
            would_remove = dry.proxies_removed,
            would_add = dry.proxies_added,
            "self-healing dry run done"
        );
        report.dry_run = Some(dry);
        if self.policy.dry_run_only {
            report
                .skipped
                .extend(chosen.into_iter().map(|p| (p, SkipReason::DryRunOnly)));
            return Ok(report);
        }
        request.dry_run = Some(false);
        let done = replacements
            .create_and_wait(&request, self.policy.polling)
            .await?;
        let at = pool.inner.clock.now();
        for proxy in &chosen {
            self.spent.push_back(at);
            self.unhealthy_since.remove(&key(proxy));
            tracing::info!(
                target: "webshare::pool",
                proxy = %proxy.display_address(),
                replacement = done.id,
                "self-healing replaced a proxy"
            );
        }
        report.replacement = Some(done);
        report.replaced = chosen;
        let proxies = from_api(client, ListProxies::new(ProxyMode::Direct)).await?;
        report.refresh = Some(pool.replace_list(proxies)?);
        Ok(report)
    }

    /// The proxies of the snapshot that qualify, the longest-failing first; notes when each unhealthy
    /// proxy was first seen so, and forgets the healthy ones.
    fn candidates(&mut self, pool: &Pool) -> Vec<(PoolProxy, HealReason)> {
        let snapshot = pool.snapshot();
        let now = snapshot.at;
        let mut seen = HashMap::with_capacity(self.unhealthy_since.len());
        let mut candidates = Vec::new();
        for state in snapshot.proxies {
            let unhealthy =
                !matches!(state.status, Status::Healthy) || state.consecutive_failures > 0;
            if !unhealthy {
                continue;
            }
            let k = key(&state.proxy);
            let since = self.unhealthy_since.get(&k).copied().unwrap_or(now);
            seen.insert(k, since);
            let unhealthy_for = now.saturating_duration_since(since);
            let reason = if state.quarantines >= self.policy.min_quarantines.max(1) {
                HealReason::Quarantines(state.quarantines)
            } else if unhealthy_for >= self.policy.min_unhealthy {
                HealReason::UnhealthyFor(unhealthy_for)
            } else {
                continue;
            };
            tracing::info!(
                target: "webshare::pool",
                proxy = %state.proxy.display_address(),
                reason = ?reason,
                "self-healing candidate"
            );
            candidates.push((state.proxy, since, reason));
        }
        self.unhealthy_since = seen;
        candidates.sort_by_key(|(_, since, _)| *since);
        candidates.into_iter().map(|(p, _, r)| (p, r)).collect()
    }
}

/// The replacements the client's plan has left (its own plan, or the account's first), when it says.
async fn plan_replacements(client: &Client) -> Result<Option<i64>, PoolError> {
    let plan = match client.plan_id() {
        Some(id) => client.plans().get(id).await?,
        None => match std::pin::pin!(client.plans().list_all()).next().await {
            Some(plan) => plan?,
            None => return Ok(None),
        },
    };
    Ok(plan.proxy_replacements_available)
}
