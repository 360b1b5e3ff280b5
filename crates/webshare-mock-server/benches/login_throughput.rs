//! Login requests per second the mock server sustains on loopback, at 1 and 64 requests in flight.
//!
//! `cargo bench -p webshare-mock-server --bench login_throughput`
//!
//! A closed loop over raw keep-alive HTTP/1.1 connections (one request in flight per connection), so that
//! the load generator costs as little CPU as possible and the figure is the server's. Server and load
//! generator share one process and the machine's cores.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use webshare_mock_server::{Config, MockServer};

const EMAIL: &str = "bench@example.com";
const PASSWORD: &str = "Bench-Password-42";
const WARM_UP: Duration = Duration::from_secs(1);
const MEASURE: Duration = Duration::from_secs(5);
/// More tokens than a run issues (one per login).
const TOKENS_KEPT: usize = 100_000_000;

fn request(host: &str, path: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Sends one request and reads one whole response; returns its status code.
async fn round_trip(stream: &mut TcpStream, request: &[u8], buffer: &mut Vec<u8>) -> u16 {
    stream.write_all(request).await.expect("write");
    buffer.clear();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.expect("read");
        assert!(n > 0, "the server closed the connection");
        buffer.extend_from_slice(&chunk[..n]);
        let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = std::str::from_utf8(&buffer[..end]).expect("ASCII headers");
        let length: usize = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().parse().unwrap())
            })
            .expect("content-length");
        if buffer.len() >= end + 4 + length {
            return head[9..12].parse().expect("status code");
        }
    }
}

/// Requests per second over `MEASURE` with `in_flight` connections, each one request at a time.
async fn measure(server: &MockServer, in_flight: usize) -> f64 {
    let addr = server.addr();
    let host = addr.to_string();
    let path = format!(
        "{}{}",
        server
            .base_url()
            .trim_start_matches(&format!("http://{host}")),
        webshare_api::operations::LOGIN.path
    );
    let login = request(
        &host,
        &path,
        &format!(r#"{{"email":"{EMAIL}","password":"{PASSWORD}","recaptcha":"b"}}"#),
    );
    let start = Instant::now();
    let workers: Vec<_> = (0..in_flight)
        .map(|_| {
            let login = login.clone();
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.expect("connect");
                stream.set_nodelay(true).unwrap();
                let mut buffer = Vec::with_capacity(1024);
                let mut counted = 0u64;
                loop {
                    let elapsed = start.elapsed();
                    if elapsed >= WARM_UP + MEASURE {
                        return counted;
                    }
                    assert_eq!(round_trip(&mut stream, &login, &mut buffer).await, 200);
                    if elapsed >= WARM_UP {
                        counted += 1;
                    }
                }
            })
        })
        .collect();
    let mut total = 0;
    for worker in workers {
        total += worker.await.expect("worker");
    }
    total as f64 / MEASURE.as_secs_f64()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        // Every login issues a token, and a full store refuses the next login: room for all of a run's.
        let config = Config::default()
            .max_tokens(TOKENS_KEPT)
            .max_tokens_per_account(TOKENS_KEPT);
        let server = MockServer::start_with(config).await;
        let host = server.addr().to_string();
        let base_path = server.base_url().trim_start_matches(&format!("http://{host}")).to_owned();
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        let register = request(
            &host,
            &format!("{base_path}{}", webshare_api::operations::REGISTER.path),
            &format!(r#"{{"email":"{EMAIL}","password":"{PASSWORD}","recaptcha":"b","tos_accepted":true}}"#),
        );
        assert_eq!(round_trip(&mut stream, &register, &mut Vec::new()).await, 200);
        println!("machine: {} cores; server and load generator in one process", std::thread::available_parallelism().map_or(0, |n| n.get()));
        for in_flight in [1, 64] {
            let rate = measure(&server, in_flight).await;
            println!("login, {in_flight:>2} in flight: {rate:>9.0} req/s");
        }
    });
}
