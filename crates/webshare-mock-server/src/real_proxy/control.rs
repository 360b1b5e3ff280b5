//! The test controls of real proxies, on [`MockServer`]: refuse, block, slow down, recover, count.

use std::time::Duration;

use tokio::io::AsyncWriteExt;

use super::{Behaviour, bind, listen};
use crate::{MockServer, lock_unpoisoned};

/// What a blocked proxy answers instead of forwarding ([`MockServer::block_proxy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BlockPage {
    /// A 403 (a CONNECT or plain request), or SOCKS5 reply 0x02 "not allowed".
    Forbidden,
    /// A 200 HTML page asking for a captcha, as a site that took the proxy for a robot shows; through a
    /// tunnel (CONNECT, SOCKS5) the tunnel opens and carries that page instead of the target's answer.
    Captcha,
}

/// Why a real proxy's control failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum ProxyControlError {
    /// No real proxy listens (or listened) on this port: real proxies are off, or the list has not
    /// served it yet, or it was replaced.
    UnknownPort(u16),
    /// Recovering a refusing proxy could not listen on its port again (another process took it), or
    /// was called outside a Tokio runtime.
    Rebind(u16, std::io::Error),
}

impl std::fmt::Display for ProxyControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownPort(port) => write!(f, "no real proxy on port {port}"),
            Self::Rebind(port, e) => write!(f, "cannot listen on port {port} again: {e}"),
        }
    }
}

impl std::error::Error for ProxyControlError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::UnknownPort(_) => None,
            Self::Rebind(_, e) => Some(e),
        }
    }
}

/// The captcha page of [`BlockPage::Captcha`].
pub(super) const CAPTCHA_PAGE: &str = "<!doctype html><html><head><title>Are you a robot?</title>\
    </head><body><h1>Please complete the captcha to continue</h1><div class=\"captcha\"></div>\
    </body></html>";

/// Real proxies ([`crate::Config::real_proxies`]): the proxies the list and the download served, by
/// their port.
impl MockServer {
    /// Makes the real proxy on `port` refuse connections (its listener closes; open connections
    /// finish), until [`MockServer::recover_proxy`]. Returns once the listener is closed.
    pub async fn refuse_proxy(&self, port: u16) -> Result<(), ProxyControlError> {
        let proxy = self.real_proxy(port)?;
        lock_unpoisoned(&proxy.behaviour).refused = true;
        if let Some(accept) = proxy.close() {
            // Aborted: it ends (dropping the listener) without an answer worth reading.
            let _ = accept.await;
        }
        Ok(())
    }

    /// Makes the real proxy on `port` answer every request with `page` instead of forwarding it (after
    /// checking its credentials), until [`MockServer::recover_proxy`].
    pub fn block_proxy(&self, port: u16, page: BlockPage) -> Result<(), ProxyControlError> {
        lock_unpoisoned(&self.real_proxy(port)?.behaviour).block = Some(page);
        Ok(())
    }

    /// Makes the real proxy on `port` hold every request for `latency` before handling it (zero for
    /// none), until [`MockServer::recover_proxy`]. With [`crate::Config::manual_clock`] a held request
    /// waits until [`MockServer::advance`] has moved the clock that far; otherwise on Tokio's clock (so
    /// a test with a paused Tokio clock drives it too).
    pub fn slow_proxy(&self, port: u16, latency: Duration) -> Result<(), ProxyControlError> {
        lock_unpoisoned(&self.real_proxy(port)?.behaviour).latency = latency;
        Ok(())
    }

    /// Undoes every control of the real proxy on `port`: it listens again on the same port (if it was
    /// refusing), forwards, and adds no latency.
    pub fn recover_proxy(&self, port: u16) -> Result<(), ProxyControlError> {
        let proxy = self.real_proxy(port)?;
        let mut behaviour = lock_unpoisoned(&proxy.behaviour);
        if behaviour.refused {
            let listener = bind(proxy.ip, port).map_err(|e| ProxyControlError::Rebind(port, e))?;
            listen(std::sync::Arc::downgrade(&self.app), &proxy, listener)
                .map_err(|e| ProxyControlError::Rebind(port, e))?;
        }
        *behaviour = Behaviour::default();
        Ok(())
    }

    /// How many requests the real proxy on `port` has received: each plain HTTP request, each CONNECT
    /// and each SOCKS5 connect request (answered, blocked or refused for credentials alike). `None`
    /// when no real proxy is on that port.
    pub fn proxy_requests(&self, port: u16) -> Option<u64> {
        self.app
            .real_proxies
            .get(port)
            .map(|proxy| *proxy.requests.borrow())
    }

    /// Waits until the real proxy on `port` has received at least `count` requests (see
    /// [`MockServer::proxy_requests`]): how a test knows a request has reached a slowed proxy.
    pub async fn wait_for_proxy_requests(
        &self,
        port: u16,
        count: u64,
    ) -> Result<(), ProxyControlError> {
        let proxy = self.real_proxy(port)?;
        let mut requests = proxy.requests.subscribe();
        // The sender lives as long as `proxy`, which this call holds: the wait cannot fail.
        let _ = requests.wait_for(|n| *n >= count).await;
        Ok(())
    }

    /// The ports of the real proxies listening or refusing now, ascending.
    pub fn real_proxy_ports(&self) -> Vec<u16> {
        let inner = lock_unpoisoned(&self.app.real_proxies.inner);
        let mut ports: Vec<u16> = inner.by_port.keys().copied().collect();
        ports.sort_unstable();
        ports
    }

    fn real_proxy(&self, port: u16) -> Result<std::sync::Arc<super::RealProxy>, ProxyControlError> {
        self.app
            .real_proxies
            .get(port)
            .ok_or(ProxyControlError::UnknownPort(port))
    }
}

/// Writes the captcha page as a whole HTTP answer into a tunnel, then closes it.
pub(super) async fn write_captcha(
    mut tunnel: impl tokio::io::AsyncWrite + Unpin,
) -> std::io::Result<()> {
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{CAPTCHA_PAGE}",
        CAPTCHA_PAGE.len()
    );
    tunnel.write_all(answer.as_bytes()).await?;
    tunnel.shutdown().await
}
