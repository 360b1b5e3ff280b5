//! The accept loop: HTTP/1.1 over each accepted connection, with a header-read timeout and a limit on
//! the connections served at once, so that slow or idle clients cannot pin the server.
//!
//! (`axum::serve` has neither: it sets no timer, so hyper's header-read timeout never runs, and it
//! accepts every connection.)

use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot, watch};
use tower_service::Service;

use crate::error::{FieldErrorStyle, for_framework_status};

/// How connections are served.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Connections {
    /// The most time a connection may take to send a request head, or stay idle between requests.
    pub header_read_timeout: Duration,
    /// The most time from a request's head to its response (reading the body included).
    pub request_timeout: Duration,
    /// The most connections served at once (at least 1).
    pub max: usize,
}

/// Serves `router` on `listener` until `stop` fires (or its sender is dropped), then stops accepting,
/// lets each connection finish its request in flight, and returns once all are closed.
///
/// A connection is accepted only once a slot is free: beyond `max`, connections wait in the listen
/// backlog. Each request carries the peer's address as [`ConnectInfo<SocketAddr>`].
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    connections: Connections,
    mut stop: oneshot::Receiver<()>,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(
        connections.max.clamp(1, Semaphore::MAX_PERMITS),
    ));
    let (closing, closing_rx) = watch::channel(false);
    loop {
        let slot = tokio::select! {
            biased;
            _ = &mut stop => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break, // never closed
            },
        };
        let (stream, peer) = tokio::select! {
            biased;
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) if is_connection_error(&e) => continue,
                // Out of file descriptors, or the like: wait rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        tokio::spawn(serve_connection(
            stream,
            peer,
            router.clone(),
            connections,
            slot,
            closing_rx.clone(),
        ));
    }
    drop(listener);
    drop(closing_rx);
    let _ = closing.send(true);
    // Every connection holds a receiver: this returns once all have closed.
    closing.closed().await;
    Ok(())
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    connections: Connections,
    _slot: OwnedSemaphorePermit,
    mut closing: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        let mut router = router.clone();
        async move {
            let answer = Service::call(&mut router, request);
            match tokio::time::timeout(connections.request_timeout, answer).await {
                Ok(answer) => answer,
                Err(_) => Ok(too_slow()),
            }
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(connections.header_read_timeout);
    let mut connection = pin!(builder.serve_connection(TokioIo::new(stream), service));
    tokio::select! {
        // An error is the client's (a malformed request, a timeout, a reset): the connection is over.
        _ = connection.as_mut() => return,
        _ = closing.wait_for(|closing| *closing) => {}
    }
    connection.as_mut().graceful_shutdown();
    let _ = connection.await;
}

/// The 408 for a request whose body came too slowly; the connection is closed after it.
fn too_slow() -> Response {
    let mut response =
        for_framework_status(StatusCode::REQUEST_TIMEOUT).render(FieldErrorStyle::default());
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Errors of one connection, not of the listener: accept the next one at once.
fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}
