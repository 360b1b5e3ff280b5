//! Where a pool's proxies come from: the account's list (the list API or the download), or the backbone
//! (`p.webshare.io`: rotating, or sticky sessions, with countries; the username grammar is
//! [`ProxyEndpoint::backbone`]'s).

use futures_core::Stream;
use futures_util::StreamExt;
use webshare_api::Secret;
use webshare_api::operations::ListProxies;

use super::{PoolError, PoolProxy};
use crate::{Client, Error, ProxyEndpoint, ProxyLine};

/// Every proxy of the account's list matching `params` (direct mode), page after page, with its id,
/// country and ASN. Proxies the API marks not valid are left out; one without an address (a backbone
/// list) is [`PoolError::InvalidProxy`].
pub async fn from_api(client: &Client, params: ListProxies) -> Result<Vec<PoolProxy>, PoolError> {
    let mut proxies = Vec::new();
    let mut pages = std::pin::pin!(client.proxies().list_all(params));
    while let Some(proxy) = pages.next().await {
        let proxy = proxy?;
        if proxy.valid != Some(false) {
            proxies.push(PoolProxy::from_api(&proxy)?);
        }
    }
    Ok(proxies)
}

/// Every line of a proxy list download (`client.proxies().download(..)`).
pub async fn from_download(
    lines: impl Stream<Item = Result<ProxyLine, Error>>,
) -> Result<Vec<PoolProxy>, PoolError> {
    let mut proxies = Vec::new();
    let mut lines = std::pin::pin!(lines);
    while let Some(line) = lines.next().await {
        proxies.push(PoolProxy::from_line(&line?)?);
    }
    Ok(proxies)
}

/// Which backbone connections make a pool: one rotating connection, or a number of sticky sessions
/// (each its own exit address, a proxy of the pool), in some countries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackboneSessions {
    countries: Vec<String>,
    sessions: Option<u32>,
    port: u16,
}

impl BackboneSessions {
    /// One connection with a new exit per connection (`-rotate`).
    pub fn rotating() -> Self {
        Self {
            countries: Vec::new(),
            sessions: None,
            port: 80,
        }
    }

    /// `count` sticky sessions, numbered from 1.
    pub fn sticky(count: u32) -> Self {
        Self {
            sessions: Some(count),
            ..Self::rotating()
        }
    }

    /// Exits in this country (ISO 3166-1 alpha-2); several calls allow several.
    pub fn country(mut self, code: impl Into<String>) -> Self {
        self.countries.push(code.into());
        self
    }

    /// The backbone port (80 by default; see [`crate::Backbone::port`]).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }
}

/// The backbone proxies of the plan's proxy `username` and `password` (from the proxy config), as
/// `sessions` describes; what the grammar does not allow is [`PoolError::Api`] with
/// [`Error::InvalidInput`].
pub fn backbone(
    username: &str,
    password: &Secret,
    sessions: &BackboneSessions,
) -> Result<Vec<PoolProxy>, PoolError> {
    let endpoint = |session: Option<u32>| {
        let mut b = ProxyEndpoint::backbone(username, password.clone()).port(sessions.port);
        for country in &sessions.countries {
            b = b.country(country.as_str());
        }
        let b = match session {
            Some(id) => b.session(u64::from(id)),
            None => b.rotate(),
        };
        let endpoint = b.build()?;
        let proxy = PoolProxy::new(
            endpoint.host(),
            endpoint.port(),
            endpoint.username(),
            Some(password),
        )?;
        Ok::<_, PoolError>(match sessions.countries.as_slice() {
            [one] => proxy.with_country(one),
            _ => proxy,
        })
    };
    match sessions.sessions {
        None => Ok(vec![endpoint(None)?]),
        Some(count) => (1..=count).map(|id| endpoint(Some(id))).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backbone_sessions_follow_the_grammar() {
        let password = Secret::new("pw");
        let sticky = backbone("me", &password, &BackboneSessions::sticky(3).country("de")).unwrap();
        let users: Vec<_> = sticky.iter().map(|p| p.username().unwrap()).collect();
        assert_eq!(users, ["me-de-1", "me-de-2", "me-de-3"]);
        assert_eq!(sticky[0].address(), crate::BACKBONE_HOST);
        assert_eq!(sticky[0].country_code(), Some("DE"));
        let rotating = backbone("me", &password, &BackboneSessions::rotating().port(1080)).unwrap();
        assert_eq!(rotating.len(), 1);
        assert_eq!(rotating[0].username(), Some("me-rotate"));
        assert_eq!(rotating[0].port(), 1080);
        let refused = backbone(
            "me",
            &password,
            &BackboneSessions::rotating().country("USA"),
        );
        assert!(
            matches!(
                refused,
                Err(PoolError::Api(Error::InvalidInput {
                    field: "country",
                    ..
                }))
            ),
            "{refused:?}"
        );
    }
}
