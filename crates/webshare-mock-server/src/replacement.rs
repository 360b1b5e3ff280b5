//! Proxy replacements of a plan: which proxies a request selects, and the states the request moves through
//! on the mock's clock (`validating`, then `validated` for a dry run, or `processing` and
//! `completed`/`failed`), one [`Replacement::step`] each. What replaces the selected proxies is made by
//! the list they belong to (`ProxyScope::replacement_outcome`), as its other proxies are.

use chrono::{DateTime, Duration, Utc};
use webshare_api::types::{self, ProxyReplacementState as State, ProxySelector, ReplacementSource};

use crate::mock_proxy::MockProxy;

/// Why a replacement failed, as `error_code` and `error` show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    NothingToReplace,
    NotEnoughNewProxies,
}

impl Failure {
    fn code(self) -> &'static str {
        match self {
            Self::NothingToReplace => "no_proxies_to_be_replaced",
            Self::NotEnoughNewProxies => "proxies_removed_doesnt_match_added",
        }
    }

    fn message(self) -> &'static str {
        match self {
            Self::NothingToReplace => {
                "No proxies to be replaced. Please pick the proxies you want to replace."
            }
            Self::NotEnoughNewProxies => {
                "No new proxies available. Please try replacing your proxies again later."
            }
        }
    }
}

/// One replacement request and its outcome, decided when it was made and carried out when it completes.
#[derive(Debug, Clone)]
pub(crate) struct Replacement {
    pub id: i64,
    pub request: types::ProxyReplacementCreateRequest,
    pub created_at: DateTime<Utc>,
    /// How long each state lasts.
    pub step: Duration,
    /// The ids of the proxies to remove and the proxies that take their places, in order; or why not.
    pub outcome: Result<Vec<(String, MockProxy)>, Failure>,
    /// Whether the list was changed (at completion).
    pub applied: bool,
}

impl Replacement {
    pub fn dry_run(&self) -> bool {
        self.request.dry_run.unwrap_or(false)
    }

    /// When it reaches its last state.
    pub fn finishes_at(&self) -> DateTime<Utc> {
        let steps = if self.dry_run() || self.outcome.is_err() {
            1
        } else {
            2
        };
        self.created_at + self.step * steps
    }

    pub fn state(&self, now: DateTime<Utc>) -> State {
        let validated = self.created_at + self.step;
        match (&self.outcome, self.dry_run()) {
            _ if now < validated => State::Validating,
            (Err(_), _) => State::Failed,
            (Ok(_), true) => State::Validated,
            (Ok(_), false) if now < self.finishes_at() => State::Processing,
            (Ok(_), false) => State::Completed,
        }
    }

    /// Whether it is a real replacement still under way (a second one is refused meanwhile).
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        !self.dry_run() && now < self.finishes_at()
    }

    /// As the API shows it at `now`.
    pub fn to_type(&self, now: DateTime<Utc>) -> types::ProxyReplacement {
        let state = self.state(now);
        let counted = state != State::Validating;
        let count = match &self.outcome {
            Ok(pairs) if counted => Some(pairs.len() as i64),
            Err(_) if counted => Some(0),
            _ => None,
        };
        let failure = match (&self.outcome, &state) {
            (Err(failure), State::Failed) => Some(*failure),
            _ => None,
        };
        let validated_at = self.created_at + self.step;
        types::ProxyReplacement {
            id: self.id,
            to_replace: Some(self.request.to_replace.clone()),
            replace_with: Some(self.request.replace_with.clone()),
            dry_run: Some(self.dry_run()),
            state: Some(state.clone()),
            proxies_removed: count,
            proxies_added: count,
            reason: Some(if counted { "proxy_replaced" } else { "" }.to_owned()),
            error_code: failure.map(|f| f.code().to_owned()),
            error: failure.map(|f| f.message().to_owned()),
            created_at: Some(self.created_at),
            dry_run_completed_at: (counted && self.dry_run()).then_some(validated_at),
            completed_at: (state == State::Completed).then(|| self.finishes_at()),
        }
    }
}

/// An IPv4 network in CIDR notation, host bits clear (as the documentation requires).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Network {
    base: u32,
    prefix: u32,
}

impl Network {
    /// `None` unless `a.b.c.d/n` with no host bit set. (IPv6 ranges are valid for the API but the mock's
    /// proxies are all IPv4: such a range is refused here, as one the mock cannot serve.)
    pub fn parse(text: &str) -> Option<Self> {
        let (address, prefix) = text.split_once('/')?;
        let address: std::net::Ipv4Addr = address.parse().ok()?;
        let prefix: u32 = prefix.parse().ok().filter(|p| *p <= 32)?;
        let base = u32::from(address);
        (base & !Self::mask(prefix) == 0).then_some(Self { base, prefix })
    }

    fn mask(prefix: u32) -> u32 {
        u32::MAX.checked_shl(32 - prefix).unwrap_or(0)
    }

    pub fn contains(&self, address: &str) -> bool {
        address
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|a| u32::from(a) & Self::mask(self.prefix) == self.base)
    }

    /// How many addresses it has for hosts (not the network and broadcast addresses of a range of more
    /// than two).
    fn usable(&self) -> u64 {
        let size = 1u64 << (32 - self.prefix);
        if size > 2 { size - 2 } else { size }
    }

    /// The `n`th address for hosts, if it has one.
    fn nth(&self, n: u64) -> Option<String> {
        let size = 1u64 << (32 - self.prefix);
        let offset = n + u64::from(size > 2);
        (n < self.usable()).then(|| std::net::Ipv4Addr::from(self.base + offset as u32).to_string())
    }
}

/// Checks what a body names that the schema cannot: CIDR ranges without host bits. Returns the field and
/// message of the first problem.
pub(crate) fn check_ranges(request: &types::ProxyReplacementCreateRequest) -> Result<(), String> {
    let mut ranges: Vec<&String> = Vec::new();
    if let ProxySelector::IpRangeSelector(s) = &request.to_replace {
        ranges.extend(&s.ip_ranges);
    }
    for source in &request.replace_with {
        if let ReplacementSource::IpRangeSelector(s) = source {
            ranges.extend(&s.ip_ranges);
        }
    }
    match ranges.into_iter().find(|r| Network::parse(r).is_none()) {
        Some(bad) => Err(format!(
            "\"{bad}\" is not an IPv4 range in CIDR notation without host bits."
        )),
        None => Ok(()),
    }
}

/// Whether `selector` picks `proxy` (its `count` aside).
fn picks(selector: &ProxySelector, proxy: &MockProxy) -> bool {
    match selector {
        ProxySelector::IpRangeSelector(s) => s
            .ip_ranges
            .iter()
            .filter_map(|r| Network::parse(r))
            .any(|n| n.contains(&proxy.address)),
        ProxySelector::IpAddressSelector(s) => s.ip_addresses.contains(&proxy.address),
        ProxySelector::AsnSelector(s) => s
            .asn_numbers
            .iter()
            .any(|n| n.to_string().trim() == proxy.asn_number.to_string()),
        ProxySelector::CountrySelector(s) => {
            proxy.country_code.eq_ignore_ascii_case(&s.country_code)
        }
        // Refused by validation before it gets here: the mock knows every kind it serves.
        ProxySelector::Unknown(_) => false,
    }
}

/// The proxies of a list that `selector` picks, at most its `count`.
pub(crate) fn select<'a>(proxies: &'a [MockProxy], selector: &ProxySelector) -> Vec<&'a MockProxy> {
    let limit = selector.limit().map_or(usize::MAX, |c| c.max(0) as usize);
    proxies
        .iter()
        .filter(|p| picks(selector, p))
        .take(limit)
        .collect()
}

/// The `k`th address an IP-range source can give, if any: the usable addresses of its ranges, in order.
pub(crate) fn range_address(ranges: &[String], k: u64) -> Option<String> {
    let mut k = k;
    for network in ranges.iter().filter_map(|r| Network::parse(r)) {
        let usable = network.usable();
        if k < usable {
            return network.nth(k);
        }
        k -= usable;
    }
    None
}
