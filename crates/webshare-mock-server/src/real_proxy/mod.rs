//! Real proxies ([`crate::Config::real_proxies`]): each proxy a list serves becomes a forward proxy on
//! loopback, HTTP (CONNECT and absolute-form) and SOCKS5 on one port, as Webshare's proxies are.
//!
//! One listener per proxy: the list gives every proxy of a scope the same credentials and tells them
//! apart by address and port only, and the address must be loopback, so the port is what a client's
//! connection says about the proxy it wants. A listener costs one socket and one parked task (no
//! thread, no buffer until a connection arrives): 1,000 proxies measured 1,000 descriptors and about
//! 1.7 MiB resident (`cargo bench -p webshare-mock-server --bench real_proxies_cost`). Listeners are
//! bound lazily, when the list or the download first serves the proxy.

mod connection;
mod control;
mod http;
mod latency;
mod socks;
mod tunnel;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

pub use control::{BlockPage, ProxyControlError};

use crate::state::{Data, UserId};
use crate::{AppState, lock_unpoisoned};

/// Whose list a proxy is on: an account's or a sub-user's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Owner {
    /// An account's plan.
    Account(UserId),
    /// A sub-user's (its id).
    Subuser(i64),
}

impl Owner {
    /// The list a request acts on: `user`'s, or its sub-user's (`X-Subuser`).
    pub fn of(user: UserId, subuser: Option<i64>) -> Self {
        subuser.map_or(Self::Account(user), Self::Subuser)
    }
}

/// The largest request head a proxy reads (hyper's buffer; beyond, a 431).
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// The bounds every real proxy shares.
#[derive(Debug)]
pub(crate) struct Limits {
    /// Connections served at once, all proxies together; beyond, a connection is closed at once.
    pub connections: Arc<Semaphore>,
    /// How long a connection may take to send a request head, or a tunnel stay silent both ways.
    pub idle: Duration,
    /// The most proxies with a listener at once.
    pub max_proxies: usize,
}

/// How one proxy behaves, as the test controls set it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Behaviour {
    /// Its listener is closed: connections are refused.
    pub refused: bool,
    /// It answers every request with this page instead of forwarding it.
    pub block: Option<BlockPage>,
    /// It holds every request this long before handling it.
    pub latency: Duration,
}

/// One real proxy.
#[derive(Debug)]
pub(crate) struct RealProxy {
    pub owner: Owner,
    /// The id of the list's proxy it is.
    pub id: String,
    pub port: u16,
    pub behaviour: Mutex<Behaviour>,
    /// Requests received (see [`crate::MockServer::proxy_requests`]), watched by the tests that wait for them.
    pub requests: watch::Sender<u64>,
    /// Its accept loop (which owns the listener), while it listens.
    accept: Mutex<Option<JoinHandle<()>>>,
}

impl RealProxy {
    /// Counts one request.
    pub fn count(&self) {
        self.requests.send_modify(|n| *n = n.saturating_add(1));
    }

    /// Stops listening: new connections are refused (those open finish) once the accept loop is
    /// dropped, which the returned handle's end tells.
    fn close(&self) -> Option<JoinHandle<()>> {
        let accept = lock_unpoisoned(&self.accept).take()?;
        accept.abort();
        Some(accept)
    }
}

#[derive(Debug, Default)]
struct Inner {
    by_port: HashMap<u16, Arc<RealProxy>>,
    by_id: HashMap<(Owner, String), u16>,
}

/// The real proxies of one server.
#[derive(Debug)]
pub(crate) struct Registry {
    /// Off unless [`crate::Config::real_proxies`].
    enabled: bool,
    limits: Limits,
    inner: Mutex<Inner>,
    /// Poked by [`crate::MockServer::advance`]: slowed requests wait on the manual clock.
    ticks: watch::Sender<()>,
}

impl Drop for Registry {
    fn drop(&mut self) {
        for proxy in lock_unpoisoned(&self.inner).by_port.values() {
            proxy.close();
        }
    }
}

impl Registry {
    /// The registry of a server with `config`.
    pub fn new(config: &crate::Config) -> Self {
        Self {
            enabled: config.real_proxies,
            limits: Limits {
                connections: Arc::new(Semaphore::new(
                    config
                        .max_proxy_connections
                        .clamp(1, Semaphore::MAX_PERMITS),
                )),
                idle: config.proxy_idle_timeout,
                max_proxies: config.max_real_proxies.max(1),
            },
            inner: Mutex::default(),
            ticks: watch::Sender::new(()),
        }
    }

    /// Whether lists serve real proxies.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The port of the real proxy for `owner`'s proxy `id`, listening from now on if it was not; `None`
    /// when real proxies are off. A 503 `mock_capacity` when [`crate::Config::max_real_proxies`] listen
    /// already, or no port can be bound.
    pub fn port(
        &self,
        app: &Arc<AppState>,
        owner: Owner,
        id: &str,
    ) -> Result<Option<u16>, crate::error::ApiError> {
        if !self.enabled {
            return Ok(None);
        }
        let mut inner = lock_unpoisoned(&self.inner);
        if let Some(port) = inner.by_id.get(&(owner, id.to_owned())) {
            return Ok(Some(*port));
        }
        let full = || crate::error::ApiError::capacity("real proxies", "max_real_proxies");
        if inner.by_port.len() >= self.limits.max_proxies {
            return Err(full());
        }
        let listener = bind(0).map_err(|_| full())?;
        let port = listener.local_addr().map_err(|_| full())?.port();
        let proxy = Arc::new(RealProxy {
            owner,
            id: id.to_owned(),
            port,
            behaviour: Mutex::default(),
            requests: watch::Sender::new(0),
            accept: Mutex::new(None),
        });
        listen(Arc::downgrade(app), &proxy, listener).map_err(|_| full())?;
        inner.by_port.insert(port, proxy);
        inner.by_id.insert((owner, id.to_owned()), port);
        Ok(Some(port))
    }

    /// Closes the real proxies of `owner` that are no longer on its list :
    /// replaced or refreshed away.
    pub fn retire_unlisted(&self, owner: Owner, listed: &[crate::mock_proxy::MockProxy]) {
        if !self.enabled {
            return;
        }
        let listed: std::collections::HashSet<&str> =
            listed.iter().map(|p| p.id.as_str()).collect();
        let mut inner = lock_unpoisoned(&self.inner);
        let gone: Vec<u16> = inner
            .by_port
            .values()
            .filter(|p| p.owner == owner && !listed.contains(p.id.as_str()))
            .map(|p| p.port)
            .collect();
        for port in gone {
            inner.remove(port);
        }
    }

    /// Closes the real proxy on `port` for good.
    fn retire(&self, port: u16) {
        lock_unpoisoned(&self.inner).remove(port);
    }

    /// The real proxy on `port`.
    pub fn get(&self, port: u16) -> Option<Arc<RealProxy>> {
        lock_unpoisoned(&self.inner).by_port.get(&port).cloned()
    }

    /// Tells slowed requests that the manual clock moved.
    pub fn clock_moved(&self) {
        self.ticks.send_replace(());
    }
}

impl Inner {
    fn remove(&mut self, port: u16) {
        if let Some(proxy) = self.by_port.remove(&port) {
            proxy.close();
            self.by_id.remove(&(proxy.owner, proxy.id.clone()));
        }
    }
}

/// A listener on `127.0.0.1:port` (0: any free port).
fn bind(port: u16) -> std::io::Result<tokio::net::TcpListener> {
    let listener = std::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))?;
    listener.set_nonblocking(true)?;
    tokio::net::TcpListener::from_std(listener)
}

/// Starts `proxy`'s accept loop on `listener`. Fails outside a Tokio runtime.
fn listen(
    app: Weak<AppState>,
    proxy: &Arc<RealProxy>,
    listener: tokio::net::TcpListener,
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Handle::try_current().map_err(std::io::Error::other)?;
    let task = runtime.spawn(connection::accept(app, proxy.clone(), listener));
    *lock_unpoisoned(&proxy.accept) = Some(task);
    Ok(())
}

/// Whether a client may use `proxy`: the answer of [`authorize`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Its address is authorized, or its credentials are the list's.
    Granted,
    /// Neither.
    Denied,
    /// The proxy is no longer on a list (replaced, its account deleted): it stops serving.
    Gone,
}

/// Whether the client at `peer` may use `proxy`, with `credentials` (username, password) if it sent any:
/// the list's credentials, or an address among the owner's IP authorizations.
pub(crate) fn authorize(
    app: &AppState,
    proxy: &RealProxy,
    peer: IpAddr,
    credentials: Option<(&str, &str)>,
) -> Access {
    let mut data = lock_unpoisoned(&app.data);
    // As the API's routes do: a replacement that completed by now has changed the list.
    if !data.pending_replacements.is_empty() {
        data.settle(app.clock.now());
    }
    let Some(scope) = scope_of(&data, proxy.owner) else {
        return Access::Gone;
    };
    if !scope.proxies.iter().any(|p| p.id == proxy.id) {
        return Access::Gone;
    }
    let peer = peer.to_canonical().to_string();
    let by_address = scope.ip_authorizations.iter().any(|a| a.ip_address == peer);
    let by_credentials = credentials.is_some_and(|(user, password)| {
        user == scope.username && password.as_bytes() == scope.password.as_bytes()
    });
    if by_address || by_credentials {
        Access::Granted
    } else {
        Access::Denied
    }
}

/// The proxy world of `owner`, unless it (or its account) is deleted.
fn scope_of(data: &Data, owner: Owner) -> Option<&crate::proxy_state::ProxyScope> {
    let live = |user: UserId| data.users.get(&user).filter(|u| !u.deleted);
    match owner {
        Owner::Account(user) => live(user).map(|u| &u.proxy),
        Owner::Subuser(id) => {
            let sub = data.subusers.get(&id)?;
            live(sub.owner).map(|_| &sub.proxy)
        }
    }
}

/// Whether the proxy may forward to `host`: loopback only (127.0.0.0/8, ::1, `localhost`), so the mock
/// is never an open proxy. The address to connect to, or `None`.
pub(crate) fn loopback_target(host: &str, port: u16) -> Option<SocketAddr> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let ip = if host.eq_ignore_ascii_case("localhost") {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        host.parse::<IpAddr>().ok()?
    };
    (ip.to_canonical().is_loopback() && port != 0).then_some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_targets_are_allowed() {
        assert!(loopback_target("127.0.0.1", 80).is_some());
        assert!(loopback_target("127.8.9.10", 80).is_some());
        assert!(loopback_target("[::1]", 80).is_some());
        assert!(loopback_target("LocalHost", 80).is_some());
        assert!(loopback_target("127.0.0.1", 0).is_none());
        for host in [
            "10.0.0.1",
            "8.8.8.8",
            "example.com",
            "[::2]",
            "",
            "localhost.evil.com",
        ] {
            assert!(loopback_target(host, 80).is_none(), "{host}");
        }
    }
}
