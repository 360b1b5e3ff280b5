//! Real proxies ([`crate::Config::real_proxies`]): each proxy a list serves becomes a forward proxy on
//! loopback, HTTP (CONNECT and absolute-form) and SOCKS5 on one port, as Webshare's proxies are.
//!
//! One listener per proxy: the list gives every proxy of a scope the same credentials and tells them
//! apart by address and port only, and the address must be loopback. Each proxy gets a loopback address
//! of its own (`127.0.0.2`, `127.0.0.3`, …; Linux answers on all of `127.0.0.0/8`) and a port no other
//! real proxy has, so a replacement that selects proxies by the address the list showed picks exactly
//! that one ([`Registry::internal_selector`]). Where only `127.0.0.1` answers, every proxy listens there
//! (told apart by port alone, and an address selector then picks them all). A listener costs one socket and one parked task (no
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
    /// The loopback address it listens on (and the list shows).
    pub ip: Ipv4Addr,
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
    /// The loopback addresses in use.
    hosts: std::collections::HashSet<Ipv4Addr>,
    /// Where the search for a free loopback address starts (an offset into `127.0.0.2..`).
    next_host: u32,
    /// Only `127.0.0.1` can be bound here: every proxy shares it.
    shared_host: bool,
}

/// Loopback addresses a proxy may get: `127.0.0.2` to `127.255.255.254`.
const HOSTS: u32 = (1 << 24) - 3;

impl Inner {
    /// A loopback address no real proxy has (`127.0.0.1` once only that one can be bound).
    fn free_host(&mut self) -> Ipv4Addr {
        if self.shared_host {
            return Ipv4Addr::LOCALHOST;
        }
        // At most `max_proxies` are in use, far fewer than `HOSTS`: the search ends.
        loop {
            let offset = self.next_host % HOSTS;
            self.next_host = (offset + 1) % HOSTS;
            let host = Ipv4Addr::from(u32::from(Ipv4Addr::new(127, 0, 0, 2)) + offset);
            if !self.hosts.contains(&host) {
                return host;
            }
        }
    }

    /// A listener on a free loopback address and a port no other real proxy has.
    fn bind_free(&mut self) -> std::io::Result<(tokio::net::TcpListener, SocketAddr)> {
        // Ports are unique per address only; one taken by another proxy's address is held (so the
        // next bind gets another) and let go once a free one is found.
        let mut held = Vec::new();
        for _ in 0..16 {
            let host = self.free_host();
            let listener = match bind(host, 0) {
                Err(e)
                    if host != Ipv4Addr::LOCALHOST
                        && e.kind() == std::io::ErrorKind::AddrNotAvailable =>
                {
                    self.shared_host = true;
                    bind(Ipv4Addr::LOCALHOST, 0)?
                }
                bound => bound?,
            };
            let addr = listener.local_addr()?;
            if self.by_port.contains_key(&addr.port()) {
                held.push(listener);
                continue;
            }
            return Ok((listener, addr));
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::AddrInUse,
            "no port free on every loopback address",
        ))
    }
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

    /// The address and port of the real proxy for `owner`'s proxy `id`, listening from now on if it was
    /// not; `None` when real proxies are off. A 503 `mock_capacity` when
    /// [`crate::Config::max_real_proxies`] listen already, or no port can be bound.
    pub fn endpoint(
        &self,
        app: &Arc<AppState>,
        owner: Owner,
        id: &str,
    ) -> Result<Option<SocketAddr>, crate::error::ApiError> {
        if !self.enabled {
            return Ok(None);
        }
        let mut inner = lock_unpoisoned(&self.inner);
        if let Some(addr) = inner.listed(owner, id) {
            return Ok(Some(addr));
        }
        let full = || crate::error::ApiError::capacity("real proxies", "max_real_proxies");
        if inner.by_port.len() >= self.limits.max_proxies {
            return Err(full());
        }
        let (listener, addr) = inner.bind_free().map_err(|_| full())?;
        let SocketAddr::V4(v4) = addr else {
            return Err(full());
        };
        let proxy = Arc::new(RealProxy {
            owner,
            id: id.to_owned(),
            ip: *v4.ip(),
            port: addr.port(),
            behaviour: Mutex::default(),
            requests: watch::Sender::new(0),
            accept: Mutex::new(None),
        });
        listen(Arc::downgrade(app), &proxy, listener).map_err(|_| full())?;
        inner.by_port.insert(addr.port(), proxy);
        inner.by_id.insert((owner, id.to_owned()), addr.port());
        inner.hosts.insert(*v4.ip());
        Ok(Some(addr))
    }

    /// The address the list shows for `owner`'s proxy `id`, when its real proxy listens already.
    pub fn listed(&self, owner: Owner, id: &str) -> Option<SocketAddr> {
        if !self.enabled {
            return None;
        }
        lock_unpoisoned(&self.inner).listed(owner, id)
    }

    /// `selector` as the mock's list knows its proxies: with real proxies on, an address selector's
    /// loopback addresses (as the list showed them) become the addresses of the proxies behind them, so a
    /// caller replaces the proxy it saw. Other selectors, and addresses of no real proxy, stay as they are.
    pub fn internal_selector<'a>(
        &self,
        owner: Owner,
        proxies: &[crate::mock_proxy::MockProxy],
        selector: &'a webshare_api::types::ProxySelector,
    ) -> std::borrow::Cow<'a, webshare_api::types::ProxySelector> {
        use std::borrow::Cow;
        use webshare_api::types::ProxySelector;
        let ProxySelector::IpAddressSelector(by_address) = selector else {
            return Cow::Borrowed(selector);
        };
        if !self.enabled {
            return Cow::Borrowed(selector);
        }
        let inner = lock_unpoisoned(&self.inner);
        let mut addresses = Vec::with_capacity(by_address.ip_addresses.len());
        for address in &by_address.ip_addresses {
            let ip = address.trim().parse::<Ipv4Addr>().ok();
            let behind: Vec<&str> = proxies
                .iter()
                .filter(|p| {
                    ip.is_some_and(|ip| {
                        inner
                            .listed(owner, &p.id)
                            .is_some_and(|listed| listed.ip() == IpAddr::V4(ip))
                    })
                })
                .map(|p| p.address.as_str())
                .collect();
            if behind.is_empty() {
                addresses.push(address.clone());
            } else {
                addresses.extend(behind.into_iter().map(str::to_owned));
            }
        }
        let mut internal = by_address.clone();
        internal.ip_addresses = addresses;
        Cow::Owned(ProxySelector::IpAddressSelector(internal))
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
            self.hosts.remove(&proxy.ip);
        }
    }

    fn listed(&self, owner: Owner, id: &str) -> Option<SocketAddr> {
        let port = self.by_id.get(&(owner, id.to_owned()))?;
        let proxy = self.by_port.get(port)?;
        Some(SocketAddr::from((proxy.ip, proxy.port)))
    }
}

/// A listener on `ip:port` (port 0: any free port).
fn bind(ip: Ipv4Addr, port: u16) -> std::io::Result<tokio::net::TcpListener> {
    let listener = std::net::TcpListener::bind(SocketAddr::from((ip, port)))?;
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
