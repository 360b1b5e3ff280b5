//! Connecting through a proxy: a proxy's URL, direct (`http://user:pass@address:port`) or through the
//! backbone (`p.webshare.io`, with country, city, sticky session or rotation in the username, as the
//! *Proxy Connection* page describes: `{username}-{countries}-{geo}-{session}`).

use std::fmt;

use webshare_api::Secret;
use webshare_api::types::Proxy;

use crate::{Error, ProxyLine};

/// Escaped in the user and password of a URL: all but the unreserved characters (RFC 3986).
const USERINFO: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The backbone's address.
pub const BACKBONE_HOST: &str = "p.webshare.io";

/// The URL scheme a proxy is spoken to with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ProxyScheme {
    /// HTTP (and HTTPS through `CONNECT`): `http://`.
    #[default]
    Http,
    /// SOCKS5, with the proxy resolving names: `socks5h://`.
    Socks5,
}

/// Where and how to connect through one proxy. `Debug` and `Display` withhold the password; the URL with
/// it is [`ProxyEndpoint::url`], a [`Secret`].
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyEndpoint {
    scheme: ProxyScheme,
    host: String,
    port: u16,
    username: Option<String>,
    password: Option<Secret>,
}

impl fmt::Debug for ProxyEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyEndpoint")
            .field("scheme", &self.scheme)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &self.password)
            .finish()
    }
}

impl fmt::Display for ProxyEndpoint {
    /// The URL with the password withheld.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.compose(false))
    }
}

impl ProxyEndpoint {
    /// A proxy of a downloaded list, as it is (its address, port and credentials).
    pub fn direct(line: &ProxyLine) -> Self {
        Self {
            scheme: ProxyScheme::Http,
            host: line.address().to_owned(),
            port: line.port(),
            username: line.username().map(str::to_owned),
            password: line.password(),
        }
    }

    /// A proxy of the list, as [`Client::proxies`](crate::Client::proxies) returns it (direct mode: it
    /// needs an address and a port).
    pub fn from_proxy(proxy: &Proxy) -> Result<Self, Error> {
        let host = proxy
            .proxy_address
            .clone()
            .filter(|a| !a.is_empty())
            .ok_or_else(|| Error::invalid_input("proxy_address", "is absent (a backbone list?)"))?;
        let port = proxy
            .port
            .and_then(|p| u16::try_from(p).ok())
            .filter(|p| *p != 0)
            .ok_or_else(|| Error::invalid_input("port", "is absent or not a port number"))?;
        Ok(Self {
            scheme: ProxyScheme::Http,
            host,
            port,
            username: proxy.username.clone(),
            password: proxy.password.clone(),
        })
    }

    /// A backbone connection for the plan's proxy `username` and `password` (from the proxy config);
    /// set its country, city, session or rotation, then [`Backbone::build`].
    pub fn backbone(username: impl Into<String>, password: impl Into<Secret>) -> Backbone {
        Backbone {
            username: username.into(),
            password: password.into(),
            countries: Vec::new(),
            city: None,
            session: Session::None,
            port: 80,
        }
    }

    /// The same proxy spoken to with `scheme`.
    pub fn scheme(mut self, scheme: ProxyScheme) -> Self {
        self.scheme = scheme;
        self
    }

    /// The host to connect to.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port to connect to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The username the proxy is given (with the backbone's parameters in it).
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }

    /// The whole URL, credentials included (percent-encoded), e.g. for `reqwest::Proxy::all`.
    pub fn url(&self) -> Secret {
        Secret::new(self.compose(true))
    }

    /// The URL without credentials, for a client that takes them apart (`reqwest::Proxy::basic_auth`).
    pub fn url_without_credentials(&self) -> String {
        format!("{}://{}", self.scheme_name(), self.host_port())
    }

    /// A `reqwest::Proxy` for every request of a `reqwest::Client`, with the credentials as basic auth.
    pub fn to_reqwest(&self) -> Result<reqwest::Proxy, Error> {
        let proxy = reqwest::Proxy::all(self.url_without_credentials()).map_err(|e| {
            Error::InvalidInput {
                field: "proxy",
                message: format!("is not a usable proxy URL ({e})"),
            }
        })?;
        Ok(match (&self.username, &self.password) {
            (Some(user), Some(password)) => proxy.basic_auth(user, password.expose()),
            _ => proxy,
        })
    }

    fn scheme_name(&self) -> &'static str {
        match self.scheme {
            ProxyScheme::Http => "http",
            ProxyScheme::Socks5 => "socks5h",
        }
    }

    fn host_port(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    fn compose(&self, with_password: bool) -> String {
        let encode = |s: &str| percent_encoding::utf8_percent_encode(s, USERINFO).to_string();
        let credentials = match (&self.username, &self.password) {
            (Some(user), Some(password)) => {
                let password = if with_password {
                    encode(password.expose())
                } else {
                    "[redacted]".to_owned()
                };
                format!("{}:{password}@", encode(user))
            }
            (Some(user), None) => format!("{}@", encode(user)),
            _ => String::new(),
        };
        format!("{}://{credentials}{}", self.scheme_name(), self.host_port())
    }
}

/// A sticky session or rotation, or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Session {
    None,
    Sticky(u64),
    Rotate,
}

/// A backbone connection being described; from [`ProxyEndpoint::backbone`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Backbone {
    username: String,
    password: Secret,
    countries: Vec<String>,
    city: Option<String>,
    session: Session,
    port: u16,
}

impl Backbone {
    /// Exit in this country (ISO 3166-1 alpha-2); several calls chain countries (`-us-fr-de`).
    pub fn country(mut self, code: impl Into<String>) -> Self {
        self.countries.push(code.into());
        self
    }

    /// Exit in this city (residential plans only), e.g. `los_angeles`: letters and underscores.
    pub fn city(mut self, city: impl Into<String>) -> Self {
        self.city = Some(city.into());
        self
    }

    /// Keep the same exit address for requests with this session number (a sticky session).
    pub fn session(mut self, id: u64) -> Self {
        self.session = Session::Sticky(id);
        self
    }

    /// A new exit address on every request (instead of a session).
    pub fn rotate(mut self) -> Self {
        self.session = Session::Rotate;
        self
    }

    /// The port: 80 (the default), 1080, 3128, or 9999 to 19999.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The endpoint, or [`Error::InvalidInput`] naming what the documented grammar does not allow.
    pub fn build(self) -> Result<ProxyEndpoint, Error> {
        if self.username.is_empty() || self.username.contains([':', '@', '/']) {
            return Err(Error::invalid_input(
                "username",
                "must be the plan's proxy username, without `:`, `@` or `/`",
            ));
        }
        if !matches!(self.port, 80 | 1080 | 3128 | 9999..=19999) {
            return Err(Error::invalid_input(
                "port",
                "must be 80, 1080, 3128, or 9999 to 19999 for username authentication",
            ));
        }
        let mut username = self.username;
        for country in &self.countries {
            if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(Error::invalid_input(
                    "country",
                    "must be a two-letter ISO 3166-1 alpha-2 code",
                ));
            }
            username.push('-');
            username.push_str(&country.to_ascii_lowercase());
        }
        if let Some(city) = &self.city {
            if city.is_empty() || !city.chars().all(|c| c.is_ascii_alphabetic() || c == '_') {
                return Err(Error::invalid_input(
                    "city",
                    "must be letters and underscores, e.g. los_angeles",
                ));
            }
            username.push_str("-city_");
            username.push_str(&city.to_ascii_lowercase());
        }
        match self.session {
            Session::None => {}
            Session::Sticky(id) => {
                username.push('-');
                username.push_str(&id.to_string());
            }
            Session::Rotate => username.push_str("-rotate"),
        }
        Ok(ProxyEndpoint {
            scheme: ProxyScheme::Http,
            host: BACKBONE_HOST.to_owned(),
            port: self.port,
            username: Some(username),
            password: Some(self.password),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backbone_usernames_follow_the_documented_grammar() {
        let sticky = ProxyEndpoint::backbone("myuser", "p@ss:word")
            .country("US")
            .session(1234)
            .build()
            .unwrap();
        assert_eq!(sticky.username(), Some("myuser-us-1234"));
        assert_eq!(
            sticky.url().expose(),
            "http://myuser-us-1234:p%40ss%3Aword@p.webshare.io:80"
        );
        let rotating = ProxyEndpoint::backbone("myuser", "pw")
            .country("us")
            .country("FR")
            .rotate()
            .port(1080)
            .build()
            .unwrap();
        assert_eq!(rotating.username(), Some("myuser-us-fr-rotate"));
        assert_eq!(rotating.port(), 1080);
        let city = ProxyEndpoint::backbone("myuser", "pw")
            .country("us")
            .city("los_angeles")
            .build()
            .unwrap();
        assert_eq!(city.username(), Some("myuser-us-city_los_angeles"));
        // A session replaces rotation (the two cannot combine).
        let last = ProxyEndpoint::backbone("u", "p")
            .rotate()
            .session(7)
            .build()
            .unwrap();
        assert_eq!(last.username(), Some("u-7"));
    }

    #[test]
    fn what_the_grammar_does_not_allow_is_refused_by_field() {
        let field = |b: Backbone| match b.build() {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(ProxyEndpoint::backbone("u", "p").country("USA")),
            "country"
        );
        assert_eq!(
            field(ProxyEndpoint::backbone("u", "p").city("los angeles")),
            "city"
        );
        assert_eq!(field(ProxyEndpoint::backbone("u", "p").port(8080)), "port");
        assert_eq!(field(ProxyEndpoint::backbone("", "p")), "username");
        assert_eq!(field(ProxyEndpoint::backbone("a:b", "p")), "username");
    }

    #[test]
    fn the_password_only_shows_in_the_url() {
        let line = ProxyLine::parse(1, "10.1.2.3:8080:user:hunter2").unwrap();
        let endpoint = ProxyEndpoint::direct(&line);
        assert_eq!(endpoint.url().expose(), "http://user:hunter2@10.1.2.3:8080");
        assert_eq!(endpoint.url_without_credentials(), "http://10.1.2.3:8080");
        for shown in [
            format!("{endpoint:?}"),
            endpoint.to_string(),
            format!("{:?}", endpoint.url()),
        ] {
            assert!(!shown.contains("hunter2"), "{shown}");
        }
        let socks = endpoint.scheme(ProxyScheme::Socks5);
        assert!(socks.url().expose().starts_with("socks5h://"));
        let source_ip = ProxyEndpoint::direct(&ProxyLine::parse(1, "10.0.0.1:1").unwrap());
        assert_eq!(source_ip.url().expose(), "http://10.0.0.1:1");
        assert!(ProxyEndpoint::direct(&line).to_reqwest().is_ok());
    }
}
