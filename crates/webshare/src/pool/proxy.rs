//! One proxy of a pool: where it is, its credentials and what is known of it (country, ASN, /24, the
//! API's id). Stored compactly (one allocation for address and credentials), since a pool may hold a
//! hundred thousand of them.

use std::fmt;
use std::net::Ipv4Addr;
use std::num::NonZeroU32;
use std::sync::Arc;

use webshare_api::Secret;
use webshare_api::types::Proxy;

use super::PoolError;
use crate::{ProxyEndpoint, ProxyLine, ProxyScheme};

/// A proxy the pool can hand out. `Debug` withholds the password; [`PoolProxy::endpoint`] gives the
/// [`ProxyEndpoint`] (and through it the URL, a [`Secret`]). Cloning is cheap (the text is shared).
/// The password is kept in the proxy's one allocation rather than in a [`Secret`] of its own, to keep a
/// pool of 100,000 proxies under 20 MB; it leaves only through [`PoolProxy::password`] (a [`Secret`])
/// and the endpoint.
#[derive(Clone, PartialEq, Eq)]
pub struct PoolProxy {
    /// The API's id, then `address:port[:username:password]` (the download's line format).
    text: Arc<str>,
    id_len: u16,
    address_len: u16,
    /// Where the username ends in the line (0: no credentials).
    username_end: u16,
    port: u16,
    scheme: ProxyScheme,
    country: Option<[u8; 2]>,
    asn: Option<NonZeroU32>,
}

impl fmt::Debug for PoolProxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolProxy")
            .field("id", &self.id())
            .field("address", &self.address())
            .field("port", &self.port())
            .field("username", &self.username())
            .field("password", &self.username().map(|_| "[redacted]"))
            .field("country", &self.country_code())
            .field("asn", &self.asn)
            .finish()
    }
}

const TOO_LONG: PoolError = PoolError::InvalidProxy {
    field: "proxy",
    message: "is longer than 65,535 bytes (id, address and credentials)",
};

impl PoolProxy {
    /// A proxy of a downloaded list (no id, country or ASN: the download has none).
    pub fn from_line(line: &ProxyLine) -> Result<Self, PoolError> {
        let password = line.password();
        Self::new(
            line.address(),
            line.port(),
            line.username(),
            password.as_ref(),
        )
    }

    /// A proxy of the list API (direct mode: it needs an address and a port), with its id, country and
    /// ASN. An IPv6 address or a username with `:` is [`PoolError::InvalidProxy`] (the compact form
    /// separates fields with `:`; Webshare's proxies are IPv4).
    pub fn from_api(proxy: &Proxy) -> Result<Self, PoolError> {
        let address = proxy
            .proxy_address
            .as_deref()
            .filter(|a| !a.is_empty())
            .ok_or(PoolError::InvalidProxy {
                field: "proxy_address",
                message: "is absent (a backbone list?)",
            })?;
        let port = proxy
            .port
            .and_then(|p| u16::try_from(p).ok())
            .filter(|p| *p != 0)
            .ok_or(PoolError::InvalidProxy {
                field: "port",
                message: "is absent or not a port number",
            })?;
        let mut pool_proxy = Self::new(
            address,
            port,
            proxy.username.as_deref(),
            proxy.password.as_ref(),
        )?
        .with_id(&proxy.id)?;
        pool_proxy.country = proxy.country_code.as_deref().and_then(country_code);
        pool_proxy.asn = proxy
            .asn_number
            .and_then(|n| u32::try_from(n).ok())
            .and_then(NonZeroU32::new);
        Ok(pool_proxy)
    }

    /// A proxy at `address:port` with these credentials (a backbone endpoint, a proxy from elsewhere).
    /// An IPv6 address, a username with `:`, a username without a password (or the reverse), or more
    /// than 65,535 bytes in all is [`PoolError::InvalidProxy`].
    pub fn new(
        address: &str,
        port: u16,
        username: Option<&str>,
        password: Option<&Secret>,
    ) -> Result<Self, PoolError> {
        if address.is_empty() || address.contains(':') {
            return Err(PoolError::InvalidProxy {
                field: "address",
                message: "must be an IPv4 address or a host name",
            });
        }
        if port == 0 {
            return Err(PoolError::InvalidProxy {
                field: "port",
                message: "is not a port number",
            });
        }
        if username.is_some_and(|u| u.contains(':')) {
            return Err(PoolError::InvalidProxy {
                field: "username",
                message: "must not contain `:`",
            });
        }
        let (text, username_end) = match (username, password) {
            (Some(user), Some(password)) => {
                let head = format!("{address}:{port}:{user}");
                let end = head.len();
                (format!("{head}:{}", password.expose()), end)
            }
            (None, None) => (format!("{address}:{port}"), 0),
            _ => {
                return Err(PoolError::InvalidProxy {
                    field: "password",
                    message: "a username and a password go together",
                });
            }
        };
        if text.len() > usize::from(u16::MAX) {
            return Err(TOO_LONG);
        }
        Ok(Self {
            text: Arc::from(text),
            id_len: 0,
            // Both below the text's length, checked above.
            address_len: address.len() as u16,
            username_end: username_end as u16,
            port,
            scheme: ProxyScheme::Http,
            country: None,
            asn: None,
        })
    }

    /// The same proxy with the API's id for it.
    pub fn with_id(mut self, id: &str) -> Result<Self, PoolError> {
        let line = self.line();
        let id_len = u16::try_from(id.len()).map_err(|_| TOO_LONG)?;
        self.text = Arc::from(format!("{id}{line}"));
        self.id_len = id_len;
        Ok(self)
    }

    /// The same proxy with its country (ISO 3166-1 alpha-2; anything else is ignored).
    pub fn with_country(mut self, code: &str) -> Self {
        self.country = country_code(code);
        self
    }

    /// The same proxy with its ASN (0 is none).
    pub fn with_asn(mut self, asn: u32) -> Self {
        self.asn = NonZeroU32::new(asn);
        self
    }

    /// The same proxy spoken to with `scheme` (SOCKS5 needs the `socks` feature to send).
    pub fn with_scheme(mut self, scheme: ProxyScheme) -> Self {
        self.scheme = scheme;
        self
    }

    /// `address:port[:username:password]`.
    fn line(&self) -> &str {
        &self.text[usize::from(self.id_len)..]
    }

    /// The proxy's address.
    pub fn address(&self) -> &str {
        &self.line()[..usize::from(self.address_len)]
    }

    /// The proxy's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The proxy username, if it takes one.
    pub fn username(&self) -> Option<&str> {
        let end = usize::from(self.username_end);
        if end == 0 {
            return None;
        }
        let line = self.line();
        let after_address = usize::from(self.address_len) + 1;
        let start = after_address + line[after_address..].find(':')? + 1;
        line.get(start..end)
    }

    /// The proxy password, as a [`Secret`].
    pub fn password(&self) -> Option<Secret> {
        let end = usize::from(self.username_end);
        (end != 0).then(|| Secret::new(&self.line()[end + 1..]))
    }

    /// The country code (upper case), when known.
    pub fn country_code(&self) -> Option<&str> {
        self.country
            .as_ref()
            .and_then(|c| std::str::from_utf8(c).ok())
    }

    /// The ASN of the proxy's address, when known.
    pub fn asn(&self) -> Option<u32> {
        self.asn.map(NonZeroU32::get)
    }

    /// The /24 network of an IPv4 address (`10.1.2.0` for `10.1.2.3`): proxies in one are often blocked
    /// together.
    pub fn subnet24(&self) -> Option<Ipv4Addr> {
        let ip: Ipv4Addr = self.address().parse().ok()?;
        Some(Ipv4Addr::from(u32::from(ip) & 0xffff_ff00))
    }

    /// The API's id for this proxy (`d-10513`), when it came from the list API.
    pub fn id(&self) -> Option<&str> {
        let id = &self.text[..usize::from(self.id_len)];
        (!id.is_empty()).then_some(id)
    }

    /// How to connect through it (a [`ProxyEndpoint`], which gives the URL or a `reqwest::Proxy`). The
    /// proxy was checked when it was made, so this does not fail in practice; the error stays typed.
    pub fn endpoint(&self) -> Result<ProxyEndpoint, PoolError> {
        let line = ProxyLine::parse(0, self.line()).map_err(|_| PoolError::InvalidProxy {
            field: "proxy",
            message: "cannot be read back as address:port:username:password",
        })?;
        Ok(ProxyEndpoint::direct(&line).scheme(self.scheme))
    }

    /// What identifies the proxy across refreshes: address, port and username (a password change keeps
    /// the proxy; a backbone session is its own proxy).
    pub(crate) fn identity(&self) -> (&str, u16, Option<&str>) {
        (self.address(), self.port(), self.username())
    }

    /// `address:port`, for logs.
    pub(crate) fn display_address(&self) -> String {
        format!("{}:{}", self.address(), self.port())
    }
}

fn country_code(code: &str) -> Option<[u8; 2]> {
    let bytes: [u8; 2] = code.as_bytes().try_into().ok()?;
    bytes
        .iter()
        .all(u8::is_ascii_alphabetic)
        .then(|| bytes.map(|b| b.to_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_proxies_keep_their_facts_and_hide_the_password() {
        let proxy: Proxy = serde_json::from_value(serde_json::json!({
            "id": "d-1", "username": "user", "password": "hunter2:x", "proxy_address": "10.1.2.3",
            "port": 8080, "valid": true, "country_code": "us", "asn_number": 64500,
        }))
        .unwrap();
        let p = PoolProxy::from_api(&proxy).unwrap();
        assert_eq!(p.id(), Some("d-1"));
        assert_eq!(p.country_code(), Some("US"));
        assert_eq!(p.asn(), Some(64500));
        assert_eq!(p.subnet24(), Some(Ipv4Addr::new(10, 1, 2, 0)));
        assert_eq!(p.password().unwrap().expose(), "hunter2:x");
        assert_eq!(
            p.endpoint().unwrap().url().expose(),
            "http://user:hunter2%3Ax@10.1.2.3:8080"
        );
        assert!(!format!("{p:?}").contains("hunter2"), "{p:?}");
    }

    #[test]
    fn what_cannot_be_stored_is_refused_by_field() {
        let field = |r: Result<PoolProxy, PoolError>| match r {
            Err(PoolError::InvalidProxy { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(PoolProxy::new("::1", 80, None, None)), "address");
        assert_eq!(
            field(PoolProxy::new(
                "h",
                80,
                Some("a:b"),
                Some(&Secret::new("p"))
            )),
            "username"
        );
        assert_eq!(field(PoolProxy::new("h", 80, Some("a"), None)), "password");
        assert_eq!(field(PoolProxy::new("h", 0, None, None)), "port");
    }
}
