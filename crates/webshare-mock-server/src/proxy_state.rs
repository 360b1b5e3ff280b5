//! The proxy side of an account (and of each sub-user): its plan's proxies, download token, IP
//! authorizations and activity log, and the proxies its replacements bring. Generated deterministically
//! from a seed, so tests can predict it.

use chrono::{DateTime, Duration, TimeZone, Utc};
use webshare_api::types;

use crate::mock_proxy::MockProxy;
use crate::random::random_token;
use crate::replacement::{self, Failure, Replacement, range_address};

const COUNTRIES: &[(&str, &str)] = &[
    ("US", "New York"),
    ("FR", "Paris"),
    ("DE", "Frankfurt"),
    ("GB", "London"),
    ("JP", "Tokyo"),
    ("BR", "Sao Paulo"),
    ("CA", "Toronto"),
    ("NL", "Amsterdam"),
];

/// The autonomous systems of the mock's proxies, numbered from 64,500 (the private-use ASN range).
const ASN_NAMES: &[&str] = &["Example Net", "Sample Telecom", "Mock Hosting", "Test ISP"];

const HOSTS: &[&str] = &[
    "ipv4.webshare.io",
    "example.com",
    "api.example.org",
    "cdn.example.net",
];

/// An authorized IP address.
#[derive(Debug, Clone)]
pub(crate) struct IpAuthorization {
    pub id: i64,
    pub ip_address: String,
    pub created_at: DateTime<Utc>,
}

impl IpAuthorization {
    /// As the API shows it.
    pub fn to_type(&self) -> types::IpAuthorization {
        types::IpAuthorization {
            id: self.id,
            ip_address: Some(self.ip_address.clone()),
            created_at: Some(self.created_at),
            last_used_at: None,
        }
    }
}

/// The download tokens of a plan, one a scope.
#[derive(Debug)]
pub(crate) struct DownloadTokens {
    /// (scope, id, key, expiry).
    tokens: Vec<(types::DownloadTokenScope, i64, String, DateTime<Utc>)>,
}

impl DownloadTokens {
    fn new(seed: u64, now: DateTime<Utc>) -> Self {
        use types::DownloadTokenScope::{Activity, ProxyList, ReplacedProxy};
        let tokens = [ProxyList, ReplacedProxy, Activity]
            .into_iter()
            .enumerate()
            .map(|(i, scope)| {
                (
                    scope,
                    seed as i64 * 3 + i as i64,
                    random_token(),
                    now + Duration::days(365),
                )
            })
            .collect();
        Self { tokens }
    }

    /// The token of `scope`.
    pub fn get(&self, scope: types::DownloadTokenScope) -> types::DownloadToken {
        let (scope, id, key, expire_at) = self
            .tokens
            .iter()
            .find(|(s, ..)| *s == scope)
            .cloned()
            .unwrap_or((scope, 0, String::new(), Utc::now()));
        types::DownloadToken {
            id,
            key: Some(webshare_api::Secret::new(key)),
            scope: Some(scope),
            expire_at: Some(expire_at),
        }
    }

    /// A new key for `scope`; the old one stops working.
    pub fn reset(&mut self, scope: types::DownloadTokenScope) -> types::DownloadToken {
        for (s, _, key, _) in &mut self.tokens {
            if *s == scope {
                *key = random_token();
            }
        }
        self.get(scope)
    }

    /// Whether `key` is the current token of `scope`.
    pub fn is(&self, scope: &types::DownloadTokenScope, key: &str) -> bool {
        self.tokens
            .iter()
            .any(|(s, _, k, _)| s == scope && k == key)
    }

    /// The proxy list's token.
    pub fn proxy_list(&self) -> String {
        self.get(types::DownloadTokenScope::ProxyList)
            .key
            .map(|key| key.expose().to_owned())
            .unwrap_or_default()
    }
}

/// What a plan holds for one account or sub-user.
#[derive(Debug)]
pub(crate) struct ProxyScope {
    pub username: String,
    pub password: String,
    pub proxies: Vec<MockProxy>,
    pub download_tokens: DownloadTokens,
    pub ip_authorizations: Vec<IpAuthorization>,
    /// Newest first.
    pub activity: Vec<types::ProxyActivity>,
    pub request_timeout: i64,
    pub request_idle_timeout: i64,
    /// What the list is generated from: the scope's seed, and how often it was refreshed.
    seed: u64,
    generation: u64,
    /// On-demand refreshes left ([`ON_DEMAND_REFRESHES`] to start with).
    pub on_demand_refreshes_available: u32,
    /// The editable rest of the v2 config.
    pub settings: Settings,
    /// Proxies the plan asked for that could not be allocated, by country.
    pub unallocated: std::collections::BTreeMap<String, i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Proxy replacements left this period (as many as the list has proxies, to start with: a mock
    /// decision, the documentation does not size the allowance).
    pub replacements_available: i64,
    /// Replacement requests, oldest first.
    pub replacements: Vec<Replacement>,
    /// Proxies replaced, oldest first.
    pub replaced: Vec<ReplacedRecord>,
}

/// A proxy that was replaced, and by what.
#[derive(Debug, Clone)]
pub(crate) struct ReplacedRecord {
    pub id: i64,
    /// The replacement that did it.
    pub replacement: i64,
    pub old: MockProxy,
    pub new: MockProxy,
    pub created_at: DateTime<Utc>,
}

impl ReplacedRecord {
    /// As the API shows it.
    pub fn to_type(&self) -> types::ReplacedProxy {
        types::ReplacedProxy {
            id: self.id,
            reason: Some("proxy_replaced".into()),
            proxy: Some(self.old.address.clone()),
            proxy_port: Some(self.old.port),
            proxy_country_code: Some(self.old.country_code.into()),
            replaced_with: Some(self.new.address.clone()),
            replaced_with_port: Some(self.new.port),
            replaced_with_country_code: Some(self.new.country_code.into()),
            created_at: Some(self.created_at),
        }
    }
}

/// What `PATCH /v2/proxy/config/` may change besides the credentials and timeouts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    pub ip_authorization_country_codes: Option<Vec<String>>,
    /// `ip_authorization_city`, `_state`, `_postalcode`, `_asn`, in that order ([`GEO_FIELDS`]).
    pub ip_authorization_geo: [Option<String>; 4],
    pub auto_replace_invalid_proxies: bool,
    pub auto_replace_low_country_confidence_proxies: bool,
    pub auto_replace_out_of_rotation_proxies: bool,
    pub auto_replace_failed_site_check_proxies: bool,
}

/// The IP authorization's location settings, in the order of [`Settings::ip_authorization_geo`].
pub(crate) const GEO_FIELDS: [&str; 4] = [
    "ip_authorization_city",
    "ip_authorization_state",
    "ip_authorization_postalcode",
    "ip_authorization_asn",
];

/// The codes of the countries the mock's proxies come from.
pub(crate) fn country_codes() -> impl Iterator<Item = &'static str> {
    COUNTRIES.iter().map(|(c, _)| *c)
}

/// The countries the mock's proxies come from.
pub(crate) fn known_country(code: &str) -> bool {
    COUNTRIES.iter().any(|(c, _)| *c == code)
}

/// The on-demand refreshes a plan starts with (a mock decision: the documentation names the allowance
/// `on_demand_refreshes_available` but not its size).
pub(crate) const ON_DEMAND_REFRESHES: u32 = 3;

/// `count` proxies of generation `generation` of the list of `seed`.
fn proxy_list(seed: u64, generation: u64, count: usize, base: DateTime<Utc>) -> Vec<MockProxy> {
    let octet = (seed + generation * 37) % 250 + 1;
    (0..count)
        .map(|i| {
            let (country_code, city_name) = COUNTRIES[i % COUNTRIES.len()];
            MockProxy {
                id: format!("d-{seed}{generation}{i:05}"),
                address: format!("10.{octet}.{}.{}", (i / 250) % 256, i % 250 + 1),
                port: 10_000 + (i % 50_000) as i64,
                valid: i % 10 != 9,
                country_code,
                city_name,
                asn_number: 64_500 + (i % 4) as i64,
                asn_name: ASN_NAMES[i % 4],
                created_at: base + Duration::minutes(i as i64),
            }
        })
        .collect()
}

impl ProxyScope {
    /// Replaces the whole list (new addresses, ids and password), using one on-demand refresh; `false`
    /// when none is left.
    pub fn refresh(&mut self, now: DateTime<Utc>) -> bool {
        if self.on_demand_refreshes_available == 0 {
            return false;
        }
        self.on_demand_refreshes_available -= 1;
        self.generation += 1;
        self.proxies = proxy_list(self.seed, self.generation, self.proxies.len(), now);
        self.password = random_token()[..12].to_owned();
        true
    }

    /// `proxies` proxies and `activities` activity records (one every 10 minutes back from `now`),
    /// varied by `seed`.
    pub fn generate(seed: u64, proxies: usize, activities: usize, now: DateTime<Utc>) -> Self {
        let base = Utc
            .with_ymd_and_hms(2022, 6, 14, 18, 58, 10)
            .single()
            .unwrap_or(now);
        let proxies_count = proxies;
        let proxies = proxy_list(seed, 0, proxies, base);
        let activity = (0..activities)
            .map(|i| {
                let failed = i % 7 == 3;
                let proxy = proxies.get(i % proxies.len().max(1));
                types::ProxyActivity {
                    timestamp: now - Duration::minutes(10 * i as i64 + 1),
                    protocol: Some(if i % 3 == 0 { "socks" } else { "http" }.into()),
                    request_duration: Some(0.5),
                    handshake_duration: Some(0.25),
                    tunnel_duration: Some(0.25),
                    error_reason: failed.then(|| "client_connect_forbidden_host".into()),
                    error_reason_how_to_fix: failed.then(|| {
                        "The target website you are connecting cannot be accessed via Webshare Proxy.".into()
                    }),
                    auth_username: None,
                    proxy_address: proxy.map(|p| p.address.clone()),
                    bytes: Some(if failed { 0.0 } else { 1024.0 * (i % 50 + 1) as f64 }),
                    client_address: Some(format!("192.0.2.{}", seed % 250 + 1)),
                    ip_address: Some("203.0.113.10".into()),
                    hostname: Some(HOSTS[i % HOSTS.len()].into()),
                    domain: Some(HOSTS[i % HOSTS.len()].split_once('.').map_or("", |(_, d)| d).into()),
                    port: Some(443.0),
                    proxy_port: None,
                    listen_address: proxy.map(|p| p.address.clone()),
                    listen_port: proxy.map(|p| p.port as f64),
                }
            })
            .collect();
        Self {
            username: format!("user{seed}"),
            password: random_token()[..12].to_owned(),
            proxies,
            download_tokens: DownloadTokens::new(seed, now),
            ip_authorizations: Vec::new(),
            activity,
            request_timeout: 86_400,
            request_idle_timeout: 900,
            seed,
            generation: 0,
            on_demand_refreshes_available: ON_DEMAND_REFRESHES,
            settings: Settings {
                auto_replace_invalid_proxies: true,
                ..Settings::default()
            },
            unallocated: Default::default(),
            created_at: now,
            updated_at: now,
            replacements_available: proxies_count as i64,
            replacements: Vec::new(),
            replaced: Vec::new(),
        }
    }

    /// The proxy as the list shows it.
    pub fn to_type(&self, proxy: &MockProxy) -> types::Proxy {
        types::Proxy {
            id: proxy.id.clone(),
            username: Some(self.username.clone()),
            password: Some(webshare_api::Secret::new(&self.password)),
            proxy_address: Some(proxy.address.clone()),
            port: Some(proxy.port),
            valid: Some(proxy.valid),
            last_verification: Some(proxy.created_at),
            country_code: Some(proxy.country_code.into()),
            city_name: Some(proxy.city_name.into()),
            asn_name: Some(proxy.asn_name.into()),
            asn_number: Some(proxy.asn_number),
            high_country_confidence: Some(true),
            created_at: Some(proxy.created_at),
        }
    }

    /// The v3 proxy config.
    pub fn config(&self) -> types::ProxyListConfig {
        types::ProxyListConfig {
            request_timeout: Some(self.request_timeout),
            request_idle_timeout: Some(self.request_idle_timeout),
            ip_authorization_country_codes: self.settings.ip_authorization_country_codes.clone(),
            ip_authorization_city: self.settings.ip_authorization_geo[0].clone(),
            ip_authorization_state: self.settings.ip_authorization_geo[1].clone(),
            ip_authorization_postalcode: self.settings.ip_authorization_geo[2].clone(),
            ip_authorization_asn: self.settings.ip_authorization_geo[3].clone(),
            auto_replace_invalid_proxies: Some(self.settings.auto_replace_invalid_proxies),
            auto_replace_low_country_confidence_proxies: Some(
                self.settings.auto_replace_low_country_confidence_proxies,
            ),
            auto_replace_out_of_rotation_proxies: Some(
                self.settings.auto_replace_out_of_rotation_proxies,
            ),
            auto_replace_failed_site_check_proxies: Some(
                self.settings.auto_replace_failed_site_check_proxies,
            ),
            proxy_list_download_token: Some(webshare_api::Secret::new(
                self.download_tokens.proxy_list(),
            )),
        }
    }
}

impl ProxyScope {
    /// The list's composition, as `GET /v3/proxy/list/stats` shows it. Nothing is "available" beyond the
    /// list in the mock (it models no shared pool), so the `available_*` maps are empty.
    pub fn list_stats(&self) -> types::ProxyListStats {
        use std::collections::HashMap;
        let mut ranges: [HashMap<String, i64>; 3] = Default::default();
        let mut asns: HashMap<String, (String, i64)> = HashMap::new();
        for proxy in &self.proxies {
            let octets: Vec<&str> = proxy.address.split('.').collect();
            if let [a, b, c, _] = octets[..] {
                *ranges[0].entry(format!("{a}.{b}.{c}.0/24")).or_default() += 1;
                *ranges[1].entry(format!("{a}.{b}.0.0/16")).or_default() += 1;
                *ranges[2].entry(format!("{a}.0.0.0/8")).or_default() += 1;
            }
            asns.entry(proxy.asn_number.to_string())
                .or_insert_with(|| (proxy.asn_name.to_owned(), 0))
                .1 += 1;
        }
        let [r24, r16, r8] = ranges;
        types::ProxyListStats {
            available_countries: Some(HashMap::new()),
            ip_ranges_24: Some(r24),
            ip_ranges_16: Some(r16),
            ip_ranges_8: Some(r8),
            available_ip_ranges_24: Some(HashMap::new()),
            available_ip_ranges_16: Some(HashMap::new()),
            available_ip_ranges_8: Some(HashMap::new()),
            asns: Some(
                asns.into_iter()
                    .map(|(number, (name, count))| {
                        (
                            number,
                            [types::AsnEntry::String(name), types::AsnEntry::Int64(count)],
                        )
                    })
                    .collect(),
            ),
            available_asns: Some(HashMap::new()),
        }
    }

    /// The list's state, as `GET /v3/proxy/list/status` shows it: always built (`completed`) in the mock.
    pub fn list_status(&self) -> types::ProxyListStatus {
        let mut countries = std::collections::HashMap::new();
        for proxy in &self.proxies {
            *countries.entry(proxy.country_code.to_owned()).or_insert(0) += 1;
        }
        types::ProxyListStatus {
            state: Some("completed".into()),
            countries: Some(countries),
            unallocated_countries: Some(Default::default()),
            username: Some(self.username.clone()),
            password: Some(webshare_api::Secret::new(&self.password)),
            is_proxy_used: Some(!self.activity.is_empty()),
        }
    }
}

impl ProxyScope {
    /// The whole v2 config: the list's composition (as the v3 stats), its state, and the settings.
    pub fn config_v2(&self, id: i64) -> types::ProxyConfig {
        let stats = self.list_stats();
        let status = self.list_status();
        let config = self.config();
        types::ProxyConfig {
            id,
            state: status.state,
            countries: status.countries,
            available_countries: stats.available_countries,
            unallocated_countries: Some(self.unallocated.clone().into_iter().collect()),
            ip_ranges_24: stats.ip_ranges_24,
            ip_ranges_16: stats.ip_ranges_16,
            ip_ranges_8: stats.ip_ranges_8,
            available_ip_ranges_24: stats.available_ip_ranges_24,
            available_ip_ranges_16: stats.available_ip_ranges_16,
            available_ip_ranges_8: stats.available_ip_ranges_8,
            asns: stats.asns,
            available_asns: stats.available_asns,
            username: status.username,
            password: status.password,
            request_timeout: config.request_timeout,
            request_idle_timeout: config.request_idle_timeout,
            ip_authorization_country_codes: config.ip_authorization_country_codes,
            ip_authorization_city: config.ip_authorization_city,
            ip_authorization_state: config.ip_authorization_state,
            ip_authorization_postalcode: config.ip_authorization_postalcode,
            ip_authorization_asn: config.ip_authorization_asn,
            auto_replace_invalid_proxies: config.auto_replace_invalid_proxies,
            auto_replace_low_country_confidence_proxies: config
                .auto_replace_low_country_confidence_proxies,
            auto_replace_out_of_rotation_proxies: config.auto_replace_out_of_rotation_proxies,
            auto_replace_failed_site_check_proxies: config.auto_replace_failed_site_check_proxies,
            proxy_list_download_token: config.proxy_list_download_token,
            is_proxy_used: status.is_proxy_used,
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
        }
    }

    /// A new list with the given proxies by country (`ZZ`: spread over the mock's countries), as a new plan
    /// gets.
    pub fn rebuild(
        &mut self,
        countries: &std::collections::BTreeMap<String, i64>,
        now: DateTime<Utc>,
    ) {
        self.generation += 1;
        self.proxies.clear();
        for (country, count) in countries {
            let count = usize::try_from(*count).unwrap_or(0);
            if country == "ZZ" {
                for i in 0..count {
                    self.add_proxies(COUNTRIES[i % COUNTRIES.len()].0, 1, now);
                }
            } else {
                self.add_proxies(country, count, now);
            }
        }
        self.updated_at = now;
    }

    /// Adds `count` proxies of `country` to the list (an allocation).
    pub fn add_proxies(&mut self, country: &str, count: usize, now: DateTime<Utc>) {
        let Some(&(country_code, city_name)) = COUNTRIES.iter().find(|(c, _)| *c == country) else {
            return;
        };
        let start = self.proxies.len();
        for i in start..start + count {
            self.proxies.push(MockProxy {
                id: format!("d-{}{}a{i:05}", self.seed, self.generation),
                address: format!(
                    "10.{}.{}.{}",
                    (self.seed + 200) % 250 + 1,
                    // Each rebuild (a refresh) moves to other addresses.
                    (i / 250 + self.generation as usize * 16) % 256,
                    i % 250 + 1
                ),
                port: 10_000 + (i % 50_000) as i64,
                valid: true,
                country_code,
                city_name,
                asn_number: 64_500,
                asn_name: "Example Net",
                created_at: now,
            });
        }
    }
}

impl ProxyScope {
    /// The proxy a replacement source gives as its `k`th (`index` numbers it among everything replacements
    /// added to this list); `None` when the source has no more (an unknown country or ASN, a range used up).
    pub fn fresh_proxy(
        &self,
        source: &types::ReplacementSource,
        k: u64,
        index: u64,
        now: DateTime<Utc>,
    ) -> Option<MockProxy> {
        use types::ReplacementSource as Source;
        let cycled = COUNTRIES[index as usize % COUNTRIES.len()];
        let (country_code, city_name) = match source {
            Source::CountrySelector(s) => *COUNTRIES
                .iter()
                .find(|(c, _)| c.eq_ignore_ascii_case(&s.country_code))?,
            _ => cycled,
        };
        let (asn_number, asn_name) = match source {
            Source::AsnSelector(s) => {
                let known: Vec<i64> = s
                    .asn_numbers
                    .iter()
                    .filter_map(|n| match n {
                        types::AsnSelectorAsnNumbersItem::String(s) => s.trim().parse().ok(),
                        types::AsnSelectorAsnNumbersItem::Int64(n) => Some(*n),
                    })
                    .filter(|n| (64_500..64_500 + ASN_NAMES.len() as i64).contains(n))
                    .collect();
                let number = *known.get(k as usize % known.len().max(1))?;
                (number, ASN_NAMES[(number - 64_500) as usize])
            }
            _ => (64_500, ASN_NAMES[0]),
        };
        let address = match source {
            Source::IpRangeSelector(s) => range_address(&s.ip_ranges, k)?,
            _ => format!(
                "10.{}.{}.{}",
                (self.seed + 150) % 250 + 1,
                (index / 250) % 256,
                index % 250 + 1
            ),
        };
        Some(MockProxy {
            id: format!("d-{}r{index}", self.seed),
            address,
            port: 20_000 + (index % 10_000) as i64,
            valid: true,
            country_code,
            city_name,
            asn_number,
            asn_name,
            created_at: now,
        })
    }

    /// What a replacement `request` numbered `serial` makes of this list: the proxies `to_replace` (the
    /// request's selector, as this list knows its proxies) removes, as [`replacement::select`] picks them,
    /// and what replaces them, taken from the sources in order, each up to its `count` (the rest when it
    /// has none); fails when the sources cannot give as many as are removed.
    pub fn replacement_outcome(
        &self,
        request: &types::ProxyReplacementCreateRequest,
        to_replace: &types::ProxySelector,
        serial: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, MockProxy)>, Failure> {
        let removed = replacement::select(&self.proxies, to_replace);
        if removed.is_empty() {
            return Err(Failure::NothingToReplace);
        }
        let mut new = Vec::with_capacity(removed.len());
        for source in &request.replace_with {
            let wanted = removed.len() - new.len();
            let take = source
                .limit()
                .map_or(wanted, |c| (c.max(0) as usize).min(wanted));
            for k in 0..take {
                let index = (serial as u64) * 1_000 + new.len() as u64;
                let Some(proxy) = self.fresh_proxy(source, k as u64, index, now) else {
                    break;
                };
                new.push(proxy);
            }
        }
        if new.len() < removed.len() {
            return Err(Failure::NotEnoughNewProxies);
        }
        Ok(removed.into_iter().map(|p| p.id.clone()).zip(new).collect())
    }

    /// Carries out the replacements that completed by `now` (the list changes when its replacement
    /// completes). `next_id` numbers the replaced-proxy records.
    pub fn settle(&mut self, now: DateTime<Utc>, next_id: &mut i64) {
        for replacement in &mut self.replacements {
            if replacement.applied
                || replacement.state(now) != types::ProxyReplacementState::Completed
            {
                continue;
            }
            replacement.applied = true;
            let Ok(pairs) = &replacement.outcome else {
                continue;
            };
            let at = replacement.finishes_at();
            for (old_id, new) in pairs {
                let Some(slot) = self.proxies.iter_mut().find(|p| &p.id == old_id) else {
                    continue;
                };
                let old = std::mem::replace(slot, new.clone());
                *next_id += 1;
                self.replaced.push(ReplacedRecord {
                    id: *next_id,
                    replacement: replacement.id,
                    old,
                    new: new.clone(),
                    created_at: at,
                });
            }
        }
    }

    /// Whether a replacement has yet to be carried out.
    pub fn has_pending_replacements(&self) -> bool {
        self.replacements
            .iter()
            .any(|r| !r.applied && !r.dry_run() && r.outcome.is_ok())
    }
}
