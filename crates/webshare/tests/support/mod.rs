//! A fault-injecting HTTP server: it answers each connection with the next scripted [`Fault`], and
//! records the requests it saw; and a signed-in client of a mock server.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Collects everything a tracing fmt subscriber writes.
#[derive(Clone, Default)]
pub struct Captured(pub Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// A subscriber writing into this buffer (every level, no colours).
    pub fn subscriber(&self) -> impl tracing::Subscriber + Send + Sync + use<> {
        let writer = self.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish()
    }

    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}
use tokio::net::TcpListener;

/// What the server does with one request.
#[derive(Clone)]
pub enum Fault {
    /// Answer with this status, extra headers and body.
    Respond {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    /// Wait, then answer.
    Slow(Duration, Box<Fault>),
    /// Close the connection without answering.
    Drop,
    /// Send the status line, headers announcing `announced` body bytes, and only `sent` of them; then
    /// wait `then` (a connection reset mid-body when zero, a body slower than any timeout when long) and
    /// close.
    PartialBody {
        announced: usize,
        sent: usize,
        then: Duration,
    },
}

impl Fault {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self::Respond {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.to_string(),
        }
    }

    pub fn raw(status: u16, content_type: &str, body: &str) -> Self {
        Self::Respond {
            status,
            headers: vec![("content-type", content_type.into())],
            body: body.into(),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: &str) -> Self {
        if let Self::Respond { headers, .. } = &mut self {
            headers.push((name, value.into()));
        }
        self
    }
}

/// A running fault server; requests it received are in `requests`.
pub struct FaultServer {
    pub base_url: String,
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl FaultServer {
    /// Serves `script` in order, one fault per request; the last one repeats.
    pub async fn start(script: Vec<Fault>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        tokio::spawn(async move {
            let mut index = 0;
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let fault = script[index.min(script.len() - 1)].clone();
                index += 1;
                let seen = seen.clone();
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut stream).await else {
                        return;
                    };
                    seen.lock().unwrap().push(request);
                    answer(&mut stream, fault).await;
                });
            }
        });
        Self {
            base_url: format!("http://{addr}/api"),
            requests,
        }
    }

    pub fn request_count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    pub fn last_request(&self) -> String {
        self.requests
            .lock()
            .unwrap()
            .last()
            .cloned()
            .unwrap_or_default()
    }
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_string();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap_or(0))
                })
                .unwrap_or(0);
            while buffer.len() < end + 4 + length {
                let n = stream.read(&mut chunk).await.ok()?;
                if n == 0 {
                    break;
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            return Some(String::from_utf8_lossy(&buffer).to_string());
        }
    }
}

fn answer(
    stream: &mut tokio::net::TcpStream,
    fault: Fault,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
    Box::pin(async move {
        match fault {
            Fault::Drop => {}
            Fault::PartialBody {
                announced,
                sent,
                then,
            } => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {announced}\r\n\r\n"
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&vec![b' '; sent]).await;
                let _ = stream.flush().await;
                tokio::time::sleep(then).await;
            }
            Fault::Slow(delay, inner) => {
                tokio::time::sleep(delay).await;
                answer(stream, *inner).await;
            }
            Fault::Respond {
                status,
                headers,
                body,
            } => {
                let mut response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                    body.len()
                );
                for (name, value) in headers {
                    response.push_str(&format!("{name}: {value}\r\n"));
                }
                response.push_str("\r\n");
                response.push_str(&body);
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            }
        }
    })
}

/// A client without a token and without retries, against `server`.
pub fn anonymous(server: &webshare_mock_server::MockServer) -> webshare::Client {
    webshare::Client::builder()
        .base_url(server.base_url())
        .retry_policy(webshare::RetryPolicy::none())
        .build()
        .unwrap()
}

/// The email of the account [`signed_in`] registers.
pub const EMAIL: &str = "jane@example.com";

/// A mock server and a client holding a fresh account's token.
pub async fn signed_in(
    config: webshare_mock_server::Config,
) -> (webshare_mock_server::MockServer, webshare::Client) {
    let (server, client, _) = signed_in_with_token(config).await;
    (server, client)
}

/// [`signed_in`], and the token itself.
pub async fn signed_in_with_token(
    config: webshare_mock_server::Config,
) -> (webshare_mock_server::MockServer, webshare::Client, String) {
    let server = webshare_mock_server::MockServer::start_with(config).await;
    let anonymous = webshare::Client::builder()
        .base_url(server.base_url())
        .retry_policy(webshare::RetryPolicy::none())
        .build()
        .unwrap();
    let registered = anonymous
        .register(
            &webshare::Registration::new(EMAIL, "Correct-Horse-Battery-9", "x")
                .accept_terms_of_service(),
        )
        .await
        .unwrap();
    let client = anonymous.with_token(&registered.token).unwrap();
    (server, client, registered.token.expose().to_owned())
}

/// A mock server (default config) with a seeded, verified account ([`EMAIL`]) and its API token.
pub async fn seeded() -> (webshare_mock_server::MockServer, String) {
    let server = webshare_mock_server::MockServer::start().await;
    let token = server
        .seed_account(EMAIL, "Correct-Horse-9")
        .expect("a fresh server has no account")
        .token;
    (server, token)
}

/// A mock server whose four proxies are real ([`webshare_mock_server::Config::real_proxies`]), on its
/// manual clock, whose replacements are done at their first read (so no test waits).
pub fn real_proxies_replaced_at_once() -> webshare_mock_server::Config {
    webshare_mock_server::Config::default()
        .real_proxies(true)
        .manual_clock(true)
        .replacement_step(Duration::ZERO)
        .proxies_per_plan(4)
}

/// Sends `n` GETs of `url` through `pool`, one after another, each with a second attempt through
/// another proxy; every one must succeed with `body`.
#[cfg(feature = "pool")]
pub async fn send_through(pool: &webshare::pool::Pool, url: &str, n: usize, body: &[u8]) {
    for _ in 0..n {
        let response = pool
            .send(
                |http| http.get(url),
                webshare::pool::SendOptions::attempts(2),
            )
            .await
            .unwrap();
        assert_eq!(&response.bytes().await.unwrap()[..], body);
    }
}
