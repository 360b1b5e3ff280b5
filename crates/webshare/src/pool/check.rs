//! `Pool::check`: a pre-flight probe of every proxy against one URL, a bounded number at once, with the
//! outcomes fed into health and the failures grouped by country, ASN and /24 subnet.

use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;
use std::time::Duration;

use futures_util::StreamExt;

use super::health::Outcome;
use super::send::read_prefix;
use super::state::Slot;
use super::{Pool, PoolError, PoolProxy};

/// How [`Pool::check`] probes: `CheckOptions { concurrency: 8, ..CheckOptions::default() }` (always with
/// `..CheckOptions::default()`: fields may be added).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckOptions {
    /// Probes at once at most (16 by default; 0 counts as 1).
    pub concurrency: usize,
    /// A time limit per probe (10 s by default); past it the probe is a [`Outcome::Timeout`].
    pub timeout: Duration,
    /// How much of the body the classifier sees (2 KiB by default).
    pub body_prefix: usize,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            concurrency: 16,
            timeout: Duration::from_secs(10),
            body_prefix: 2048,
        }
    }
}

/// One proxy's probe.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Probe {
    /// The proxy probed.
    pub proxy: PoolProxy,
    /// How it went, classified as [`Pool::send`] classifies.
    pub outcome: Outcome,
    /// The status the target answered, when it answered.
    pub status: Option<u16>,
    /// From sending to the body's classified prefix, on the pool's clock.
    pub latency: Duration,
}

/// A group of proxies that share a trait.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Group {
    /// A country (ISO 3166-1 alpha-2).
    Country(String),
    /// An autonomous system.
    Asn(u32),
    /// A /24 subnet (its first address).
    Subnet(Ipv4Addr),
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Country(code) => write!(f, "country {code}"),
            Self::Asn(asn) => write!(f, "ASN {asn}"),
            Self::Subnet(net) => write!(f, "subnet {net}/24"),
        }
    }
}

/// Probes and failures of one [`Group`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct GroupCount {
    /// Proxies probed.
    pub probed: usize,
    /// Proxies whose probe failed.
    pub failed: usize,
}

/// What [`Pool::check`] found. `Debug` shows no password.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CheckReport {
    /// Every proxy's probe, in the order they finished.
    pub probes: Vec<Probe>,
    /// Probes and failures by country, ASN and /24 subnet (proxies whose country, ASN or address is
    /// unknown are in no group of that kind).
    pub groups: BTreeMap<Group, GroupCount>,
}

impl CheckReport {
    /// The probes that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Probe> {
        self.probes.iter().filter(|p| !p.outcome.is_success())
    }

    /// The groups with a failure, the most failures first.
    pub fn failing_groups(&self) -> Vec<(&Group, GroupCount)> {
        let mut groups: Vec<_> = self
            .groups
            .iter()
            .filter(|(_, c)| c.failed > 0)
            .map(|(g, c)| (g, *c))
            .collect();
        groups.sort_by(|a, b| b.1.failed.cmp(&a.1.failed).then(a.0.cmp(b.0)));
        groups
    }

    fn add(&mut self, probe: Probe) {
        let failed = usize::from(!probe.outcome.is_success());
        let proxy = &probe.proxy;
        let groups = [
            proxy.country_code().map(|c| Group::Country(c.to_owned())),
            proxy.asn().map(Group::Asn),
            proxy.subnet24().map(Group::Subnet),
        ];
        for group in groups.into_iter().flatten() {
            let count = self.groups.entry(group).or_default();
            count.probed += 1;
            count.failed += failed;
        }
        self.probes.push(probe);
    }
}

impl Pool {
    /// Probes every proxy in the pool (quarantined ones too) with a GET of `url`, at most
    /// [`CheckOptions::concurrency`] at once, classifies each answer as [`Pool::send`] does and records
    /// the outcome in the proxy's health (so a failing proxy counts towards its quarantine like any
    /// failure). A probe takes no lease: it does not count in flight. A URL that does not parse is
    /// [`PoolError::InvalidConfig`].
    pub async fn check(&self, url: &str, options: CheckOptions) -> Result<CheckReport, PoolError> {
        self.check_with_progress(url, options, |_, _, _| {}).await
    }

    /// [`Pool::check`], calling `on_progress(probe, done, total)` as each probe ends (for a progress bar).
    pub async fn check_with_progress(
        &self,
        url: &str,
        options: CheckOptions,
        mut on_progress: impl FnMut(&Probe, usize, usize),
    ) -> Result<CheckReport, PoolError> {
        let url = reqwest::Url::parse(url).map_err(|_| PoolError::InvalidConfig {
            message: "the check URL does not parse",
        })?;
        let proxies: Vec<(Slot, PoolProxy)> = {
            let state = self.inner.lock();
            state
                .slots
                .iter()
                .enumerate()
                .filter_map(|(index, e)| {
                    let e = e.as_ref()?;
                    let slot = Slot {
                        index: u32::try_from(index).ok()?,
                        generation: e.generation,
                    };
                    Some((slot, e.proxy.clone()))
                })
                .collect()
        };
        let total = proxies.len();
        let mut probes = futures_util::stream::iter(proxies)
            .map(|(slot, proxy)| self.probe(slot, proxy, url.clone(), options))
            .buffer_unordered(options.concurrency.max(1));
        let mut report = CheckReport::default();
        while let Some(probe) = probes.next().await {
            let probe = probe?;
            on_progress(&probe, report.probes.len() + 1, total);
            report.add(probe);
        }
        tracing::info!(
            target: "webshare::pool",
            probed = total,
            failed = report.failures().count(),
            "pre-flight check done"
        );
        Ok(report)
    }

    async fn probe(
        &self,
        slot: Slot,
        proxy: PoolProxy,
        url: reqwest::Url,
        options: CheckOptions,
    ) -> Result<Probe, PoolError> {
        let client = self.inner.clients.get(slot, &proxy)?;
        let started = self.inner.clock.now();
        let answer = async {
            let mut response = client.get(url).timeout(options.timeout).send().await?;
            let prefix = read_prefix(&mut response, options.body_prefix).await?;
            Ok::<_, reqwest::Error>((response.status(), response.headers().clone(), prefix))
        }
        .await;
        let latency = self.inner.clock.now().saturating_duration_since(started);
        let (outcome, status) = match answer {
            Ok((status, headers, prefix)) => {
                let outcome = self
                    .inner
                    .classifier
                    .classify(status, &headers, &prefix)
                    .outcome(status, latency);
                (outcome, Some(status.as_u16()))
            }
            Err(e) => (Outcome::of_error(&e), None),
        };
        let now = self.inner.clock.now();
        self.inner.lock().report(slot, &outcome, now);
        if !outcome.is_success() {
            tracing::warn!(
                target: "webshare::pool",
                proxy = %proxy.display_address(),
                outcome = ?outcome,
                "pre-flight probe failed"
            );
        }
        Ok(Probe {
            proxy,
            outcome,
            status,
            latency,
        })
    }
}
