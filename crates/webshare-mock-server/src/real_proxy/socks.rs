//! A real proxy's SOCKS5 side (RFC 1928, `CONNECT` only), with no authentication for authorized
//! addresses and username/password (RFC 1929) for the rest. Hand-written: the server side is a few
//! fixed-size reads, and it must reply its own way per request (credentials, loopback, controls).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::latency::delay;
use super::tunnel::relay;
use super::{Access, BlockPage, RealProxy, authorize, loopback_target};
use crate::{AppState, lock_unpoisoned};

const NO_AUTHENTICATION: u8 = 0x00;
const USERNAME_PASSWORD: u8 = 0x02;
const NO_ACCEPTABLE_METHOD: u8 = 0xFF;

/// Replies of RFC 1928 section 6.
const SUCCEEDED: u8 = 0x00;
const NOT_ALLOWED: u8 = 0x02;
const CONNECTION_REFUSED: u8 = 0x05;
const COMMAND_NOT_SUPPORTED: u8 = 0x07;
const ADDRESS_TYPE_NOT_SUPPORTED: u8 = 0x08;

/// Serves one SOCKS5 connection: negotiation and request (within the idle timeout), then the tunnel.
pub(super) async fn serve(
    app: &Arc<AppState>,
    proxy: &Arc<RealProxy>,
    mut stream: TcpStream,
    peer: SocketAddr,
) {
    let idle = app.real_proxies.limits.idle;
    let asked = tokio::time::timeout(idle, negotiate(app, proxy, &mut stream, peer)).await;
    // Anything else is the client's fault (malformed, silent, gone) or already answered: it is over.
    let Ok(Ok(Some((host, port)))) = asked else {
        return;
    };
    proxy.count();
    let behaviour = lock_unpoisoned(&proxy.behaviour).clone();
    delay(app, behaviour.latency).await;
    if behaviour.block == Some(BlockPage::Forbidden) {
        let _ = reply(&mut stream, NOT_ALLOWED, None).await;
        return;
    }
    let Some(addr) = loopback_target(&host, port) else {
        let _ = reply(&mut stream, NOT_ALLOWED, None).await;
        return;
    };
    if behaviour.block == Some(BlockPage::Captcha) {
        if reply(&mut stream, SUCCEEDED, None).await.is_ok() {
            let _ = super::control::write_captcha(&mut stream).await;
        }
        return;
    }
    let target = match tokio::time::timeout(idle, TcpStream::connect(addr)).await {
        Ok(Ok(target)) => target,
        _ => {
            let _ = reply(&mut stream, CONNECTION_REFUSED, None).await;
            return;
        }
    };
    if reply(&mut stream, SUCCEEDED, target.local_addr().ok())
        .await
        .is_ok()
    {
        relay(stream, target, idle).await;
    }
}

/// The method negotiation, the authentication and the request: the target asked for, or `None` when
/// the connection was answered (refused) already.
async fn negotiate(
    app: &AppState,
    proxy: &RealProxy,
    stream: &mut TcpStream,
    peer: SocketAddr,
) -> std::io::Result<Option<(String, u16)>> {
    let [version, count] = read_array::<2>(stream).await?;
    if version != 5 {
        return Ok(None);
    }
    let mut methods = vec![0u8; usize::from(count)];
    stream.read_exact(&mut methods).await?;
    let by_address = authorize(app, proxy, peer.ip(), None);
    if by_address == Access::Gone {
        app.real_proxies.retire(proxy.port);
        stream.write_all(&[5, NO_ACCEPTABLE_METHOD]).await?;
        return Ok(None);
    }
    if by_address == Access::Granted && methods.contains(&NO_AUTHENTICATION) {
        stream.write_all(&[5, NO_AUTHENTICATION]).await?;
    } else if methods.contains(&USERNAME_PASSWORD) {
        stream.write_all(&[5, USERNAME_PASSWORD]).await?;
        if !sub_negotiate(app, proxy, stream, peer).await? {
            return Ok(None);
        }
    } else {
        stream.write_all(&[5, NO_ACCEPTABLE_METHOD]).await?;
        return Ok(None);
    }
    request(stream).await
}

/// RFC 1929: whether the username and password sent are the list's (or the address is authorized).
async fn sub_negotiate(
    app: &AppState,
    proxy: &RealProxy,
    stream: &mut TcpStream,
    peer: SocketAddr,
) -> std::io::Result<bool> {
    let [version, length] = read_array::<2>(stream).await?;
    if version != 1 {
        return Ok(false);
    }
    let mut user = vec![0u8; usize::from(length)];
    stream.read_exact(&mut user).await?;
    let [length] = read_array::<1>(stream).await?;
    let mut password = vec![0u8; usize::from(length)];
    stream.read_exact(&mut password).await?;
    let credentials = (
        String::from_utf8_lossy(&user),
        String::from_utf8_lossy(&password),
    );
    let granted = authorize(
        app,
        proxy,
        peer.ip(),
        Some((&credentials.0, &credentials.1)),
    ) == Access::Granted;
    stream.write_all(&[1, if granted { 0 } else { 1 }]).await?;
    Ok(granted)
}

/// The request: a CONNECT's host and port, or `None` once an unsupported one has been answered.
async fn request(stream: &mut TcpStream) -> std::io::Result<Option<(String, u16)>> {
    let [version, command, _reserved, kind] = read_array::<4>(stream).await?;
    if version != 5 {
        return Ok(None);
    }
    let host = match kind {
        1 => Ipv4Addr::from(read_array::<4>(stream).await?).to_string(),
        4 => Ipv6Addr::from(read_array::<16>(stream).await?).to_string(),
        3 => {
            let [length] = read_array::<1>(stream).await?;
            let mut name = vec![0u8; usize::from(length)];
            stream.read_exact(&mut name).await?;
            // Not UTF-8 is no loopback name: refused below like any other.
            String::from_utf8_lossy(&name).into_owned()
        }
        _ => {
            reply(stream, ADDRESS_TYPE_NOT_SUPPORTED, None).await?;
            return Ok(None);
        }
    };
    let port = u16::from_be_bytes(read_array::<2>(stream).await?);
    if command != 1 {
        reply(stream, COMMAND_NOT_SUPPORTED, None).await?;
        return Ok(None);
    }
    Ok(Some((host, port)))
}

async fn read_array<const N: usize>(stream: &mut TcpStream) -> std::io::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    stream.read_exact(&mut bytes).await?;
    Ok(bytes)
}

/// A reply with `code` and the address bound for the target (zeros when there is none).
async fn reply(stream: &mut TcpStream, code: u8, bound: Option<SocketAddr>) -> std::io::Result<()> {
    let bound = bound.unwrap_or_else(|| SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)));
    let mut answer = vec![5, code, 0];
    match bound.ip() {
        IpAddr::V4(ip) => {
            answer.push(1);
            answer.extend_from_slice(&ip.octets());
        }
        IpAddr::V6(ip) => {
            answer.push(4);
            answer.extend_from_slice(&ip.octets());
        }
    }
    answer.extend_from_slice(&bound.port().to_be_bytes());
    stream.write_all(&answer).await
}
