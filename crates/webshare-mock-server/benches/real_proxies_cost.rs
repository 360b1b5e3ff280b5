//! What 1,000 real proxies cost (`Config::real_proxies`): descriptors and resident memory once the
//! download has made every proxy of a 1,000-proxy list listen, and that each one answers.
//!
//! `cargo bench -p webshare-mock-server --bench real_proxies_cost` (Linux: reads `/proc/self`).

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use webshare_mock_server::{Config, MockServer};

const PROXIES: usize = 1_000;

/// Resident memory in KiB and open descriptors of this process.
fn usage() -> (u64, usize) {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    let fds = std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .count();
    (rss, fds)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let config = Config::default()
        .real_proxies(true)
        .proxies_per_plan(PROXIES);
    let server = MockServer::start_with(config).await;
    let token = server
        .seed_account("cost@example.com", "Bench-Password-42")
        .expect("seeded")
        .token;
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let config: serde_json::Value = http
        .get(format!("{}/v2/proxy/config/", server.base_url()))
        .header("authorization", format!("Token {token}"))
        .send()
        .await
        .expect("config")
        .json()
        .await
        .expect("json");
    let key = config["proxy_list_download_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let (rss_before, fds_before) = usage();
    let url = format!(
        "{}/v2/proxy/list/download/{key}/-/any/username/direct/-/",
        server.base_url()
    );
    let text = http
        .get(url)
        .send()
        .await
        .expect("download")
        .text()
        .await
        .expect("text");
    let (rss_after, fds_after) = usage();
    assert_eq!(text.lines().count(), PROXIES);
    assert_eq!(server.real_proxy_ports().len(), PROXIES);
    // Each proxy answers (a 407 without credentials): all of them listen.
    for port in server.real_proxy_ports() {
        let mut stream = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        stream
            .write_all(b"GET http://127.0.0.1:9/ HTTP/1.1\r\nhost: x\r\n\r\n")
            .await
            .expect("write");
        let mut head = [0u8; 12];
        tokio::time::timeout(Duration::from_secs(10), stream.read_exact(&mut head))
            .await
            .expect("answer in time")
            .expect("read");
        assert_eq!(&head[9..12], b"407");
    }
    let per_proxy = (rss_after.saturating_sub(rss_before)) as f64 / PROXIES as f64;
    println!(
        "{PROXIES} real proxies: +{} descriptors, +{} KiB resident ({per_proxy:.1} KiB a proxy); all answered",
        fds_after - fds_before,
        rss_after.saturating_sub(rss_before),
    );
}
