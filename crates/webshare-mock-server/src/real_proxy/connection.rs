//! One proxy's accept loop, and each connection handed to HTTP or SOCKS5 by its first byte.

use std::net::SocketAddr;
use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::OwnedSemaphorePermit;

use super::{RealProxy, http, socks};
use crate::AppState;

/// What a SOCKS5 connection starts with (its version); anything else is taken for HTTP.
const SOCKS5: u8 = 5;

/// Accepts `proxy`'s connections until aborted (the proxy refused or retired) or the server is gone.
pub(super) async fn accept(app: Weak<AppState>, proxy: Arc<RealProxy>, listener: TcpListener) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Out of descriptors, or the like: wait rather than spin.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Some(server) = app.upgrade() else { return };
        // Beyond the cap a connection is closed at once: a parked accept must not hold a slot.
        let Ok(slot) = server
            .real_proxies
            .limits
            .connections
            .clone()
            .try_acquire_owned()
        else {
            continue;
        };
        tokio::spawn(serve(server, proxy.clone(), stream, peer, slot));
    }
}

async fn serve(
    app: Arc<AppState>,
    proxy: Arc<RealProxy>,
    stream: TcpStream,
    peer: SocketAddr,
    slot: OwnedSemaphorePermit,
) {
    let _ = stream.set_nodelay(true);
    let idle = app.real_proxies.limits.idle;
    let mut first = [0u8; 1];
    let Ok(Ok(1)) = tokio::time::timeout(idle, stream.peek(&mut first)).await else {
        return;
    };
    if first[0] == SOCKS5 {
        socks::serve(&app, &proxy, stream, peer).await;
        drop(slot);
    } else {
        http::serve(app, proxy, stream, peer, slot).await;
    }
}
