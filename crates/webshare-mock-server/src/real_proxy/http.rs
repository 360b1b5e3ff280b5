//! A real proxy's HTTP side: CONNECT tunnels and absolute-form requests, through hyper's server (its
//! head parsing, size limit and header-read timeout) and client.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use base64::Engine as _;
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpStream;
use tokio::sync::OwnedSemaphorePermit;

use super::control::{CAPTCHA_PAGE, write_captcha};
use super::latency::delay;
use super::tunnel::relay;
use super::{Access, BlockPage, MAX_HEAD_BYTES, RealProxy, authorize, loopback_target};
use crate::{AppState, lock_unpoisoned};

/// The headers of one hop only, not forwarded to the target.
const HOP_BY_HOP: &[&str] = &[
    "proxy-authorization",
    "proxy-connection",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "upgrade",
];

/// Serves HTTP proxy requests on `stream` until it closes. `slot` is the connection's share of the
/// connection cap: the tunnels it opens hold it too.
pub(super) async fn serve(
    app: Arc<AppState>,
    proxy: Arc<RealProxy>,
    stream: TcpStream,
    peer: SocketAddr,
    slot: OwnedSemaphorePermit,
) {
    let idle = app.real_proxies.limits.idle;
    let slot = Arc::new(slot);
    let service = hyper::service::service_fn(move |request| {
        let (app, proxy, slot) = (app.clone(), proxy.clone(), slot.clone());
        async move { Ok::<_, Infallible>(handle(&app, &proxy, peer, request, slot).await) }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(idle)
        .max_buf_size(MAX_HEAD_BYTES);
    // An error is the client's (a malformed head, a timeout, a reset): the connection is over.
    let _ = builder
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades()
        .await;
}

async fn handle(
    app: &AppState,
    proxy: &RealProxy,
    peer: SocketAddr,
    request: Request<Incoming>,
    slot: Arc<OwnedSemaphorePermit>,
) -> Response<Body> {
    proxy.count();
    let credentials = basic_credentials(request.headers());
    let credentials = credentials.as_ref().map(|(u, p)| (u.as_str(), p.as_str()));
    match authorize(app, proxy, peer.ip(), credentials) {
        Access::Granted => {}
        Access::Denied => return auth_required(),
        Access::Gone => {
            app.real_proxies.retire(proxy.port);
            return text(
                StatusCode::SERVICE_UNAVAILABLE,
                "This proxy is no longer on a list.",
            );
        }
    }
    let behaviour = lock_unpoisoned(&proxy.behaviour).clone();
    delay(app, behaviour.latency).await;
    let connect = request.method() == Method::CONNECT;
    match behaviour.block {
        Some(BlockPage::Forbidden) => return text(StatusCode::FORBIDDEN, "Blocked."),
        Some(BlockPage::Captcha) if !connect => return captcha(),
        _ => {}
    }
    let Some((host, port)) = target_of(&request, connect) else {
        return text(
            StatusCode::BAD_REQUEST,
            "A proxy request names its target: CONNECT host:port, or an absolute http:// URL.",
        );
    };
    let Some(addr) = loopback_target(&host, port) else {
        return text(
            StatusCode::FORBIDDEN,
            "The mock's proxies forward to loopback addresses only.",
        );
    };
    let idle = app.real_proxies.limits.idle;
    if connect && behaviour.block == Some(BlockPage::Captcha) {
        tokio::spawn(async move {
            if let Ok(upgraded) = hyper::upgrade::on(request).await {
                let _ = write_captcha(TokioIo::new(upgraded)).await;
            }
            drop(slot);
        });
        return Response::new(Body::empty());
    }
    let target = match tokio::time::timeout(idle, TcpStream::connect(addr)).await {
        Ok(Ok(target)) => target,
        _ => return text(StatusCode::BAD_GATEWAY, "The target cannot be reached."),
    };
    if !connect {
        return forward(request, target, idle).await;
    }
    tokio::spawn(async move {
        if let Ok(upgraded) = hyper::upgrade::on(request).await {
            relay(TokioIo::new(upgraded), target, idle).await;
        }
        drop(slot);
    });
    Response::new(Body::empty())
}

/// The target of a CONNECT (`host:port`) or of an absolute-form `http://` request (port 80 by default).
fn target_of(request: &Request<Incoming>, connect: bool) -> Option<(String, u16)> {
    let uri = request.uri();
    let authority = uri.authority()?;
    let port = if connect {
        authority.port_u16()?
    } else {
        if uri.scheme_str() != Some("http") {
            return None;
        }
        authority.port_u16().unwrap_or(80)
    };
    Some((authority.host().to_owned(), port))
}

/// Sends `request` to the target on `target` in origin form, without its hop-by-hop headers, and
/// returns the target's answer (a 502 if it gives none within `idle`).
async fn forward(
    mut request: Request<Incoming>,
    target: TcpStream,
    idle: Duration,
) -> Response<Body> {
    let origin = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .parse()
        .unwrap_or_default();
    *request.uri_mut() = origin;
    for name in HOP_BY_HOP {
        request.headers_mut().remove(*name);
    }
    let answer = async move {
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(target)).await?;
        tokio::spawn(connection);
        sender.send_request(request).await
    };
    match tokio::time::timeout(idle, answer).await {
        Ok(Ok(response)) => response.map(Body::new),
        _ => text(StatusCode::BAD_GATEWAY, "The target did not answer."),
    }
}

/// The username and password of a `Proxy-Authorization: Basic` header.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::PROXY_AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// The 407 for missing or wrong credentials.
fn auth_required() -> Response<Body> {
    let mut response = text(
        StatusCode::PROXY_AUTHENTICATION_REQUIRED,
        "Proxy authentication required.",
    );
    response.headers_mut().insert(
        header::PROXY_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"Webshare mock proxy\""),
    );
    response
}

fn text(status: StatusCode, body: &'static str) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn captcha() -> Response<Body> {
    let mut response = Response::new(Body::from(CAPTCHA_PAGE));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}
