//! The proxy list download, parsed into records as it arrives, next to reading the same bytes without
//! parsing; and every proxy of a large list through the page stream at the largest page size.
//!
//! `cargo bench -p webshare --bench downloads`
//!
//! The mock server runs in a child process (this binary, re-run with `WEBSHARE_BENCH_SERVE`), so the
//! peak memory read here (`VmHWM`) is the client's alone. For instruction counts, run under
//! `valgrind --tool=callgrind` with `WEBSHARE_BENCH_PROFILE=<raw|parsed>:<lines>`: one download of one kind
//! and exit; the child server is not traced.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use webshare::operations::{DownloadProxyList, ListProxies};
use webshare::types::{ProxyAuthenticationMethod, ProxyMode};
use webshare::{Client, RetryPolicy};

const SERVE: &str = "WEBSHARE_BENCH_SERVE";
const PROFILE: &str = "WEBSHARE_BENCH_PROFILE";
const ROUNDS: usize = 5;

/// A mock server in a child process, with one account whose plan has `proxies` proxies.
struct Server {
    child: Child,
    base_url: String,
    token: String,
    plan_id: i64,
}

impl Server {
    fn start(proxies: usize) -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env(SERVE, proxies.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let mut parts = line.split_whitespace();
        let (base_url, token, plan_id) = (
            parts.next().unwrap().to_owned(),
            parts.next().unwrap().to_owned(),
            parts.next().unwrap().parse().unwrap(),
        );
        Self {
            child,
            base_url,
            token,
            plan_id,
        }
    }

    fn client(&self) -> Client {
        Client::builder()
            .base_url(&self.base_url)
            .api_key(self.token.clone())
            .retry_policy(RetryPolicy::none())
            .timeout(Duration::from_secs(600))
            .build()
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The child: serve until the parent closes standard input.
fn serve(proxies: usize) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let server = webshare_mock_server::MockServer::start_with(
            webshare_mock_server::Config::default()
                .proxies_per_plan(proxies)
                .activity_per_plan(0),
        )
        .await;
        let anonymous = Client::builder()
            .base_url(server.base_url())
            .build()
            .unwrap();
        let registered = anonymous
            .register(
                &webshare::Registration::new("bench@example.com", "Bench-Password-42", "x")
                    .accept_terms_of_service(),
            )
            .await
            .unwrap();
        let plan = server.plan_id("bench@example.com").unwrap();
        println!("{} {} {plan}", server.base_url(), registered.token.expose());
        std::io::stdout().flush().unwrap();
        tokio::task::spawn_blocking(|| {
            let mut sink = String::new();
            let _ = std::io::stdin().read_line(&mut sink);
        })
        .await
        .unwrap();
    });
}

/// The client's peak resident memory so far, in KiB (`VmHWM`).
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|n| n.parse().unwrap_or(0)))
        })
        .unwrap_or(0)
}

async fn params(client: &Client, plan_id: i64) -> DownloadProxyList {
    let token = client
        .proxy_config()
        .get(Some(plan_id))
        .await
        .unwrap()
        .proxy_list_download_token
        .expect("the mock server's config has a download token");
    DownloadProxyList::new(
        token,
        ProxyAuthenticationMethod::Username,
        ProxyMode::Direct,
    )
}

/// Lines of the download counted from its raw bytes.
async fn raw(client: &Client, params: &DownloadProxyList) -> usize {
    let bytes = client.proxies().download_bytes(params).await.unwrap();
    bytes
        .try_fold(0usize, |n, chunk| async move {
            Ok(n + chunk.iter().filter(|b| **b == b'\n').count())
        })
        .await
        .unwrap()
}

/// Records of the download, parsed.
async fn parsed(client: &Client, params: &DownloadProxyList) -> usize {
    let records = client.proxies().download(params).await.unwrap();
    records
        .try_fold(0usize, |n, line| async move {
            std::hint::black_box(&line);
            Ok(n + 1)
        })
        .await
        .unwrap()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

async fn downloads(lines: usize) -> (f64, f64, u64) {
    let server = Server::start(lines);
    let client = server.client();
    let params = params(&client, server.plan_id).await;
    let (mut raw_rates, mut parsed_rates) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let start = Instant::now();
        assert_eq!(raw(&client, &params).await, lines);
        raw_rates.push(lines as f64 / start.elapsed().as_secs_f64());
        let start = Instant::now();
        assert_eq!(parsed(&client, &params).await, lines);
        parsed_rates.push(lines as f64 / start.elapsed().as_secs_f64());
    }
    (median(raw_rates), median(parsed_rates), peak_kib())
}

/// Counts the client's requests (one `webshare.request` span each).
struct CountRequests(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CountRequests {
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _: &tracing::span::Id,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if attrs.metadata().name() == "webshare.request" {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

async fn page_stream(proxies: usize, requests: &AtomicUsize) -> (usize, Duration, u64) {
    let server = Server::start(proxies);
    let client = server.client();
    let before = requests.load(Ordering::Relaxed);
    let start = Instant::now();
    let seen = client
        .proxies()
        .list_all(ListProxies::new(ProxyMode::Direct).page_size(100i64))
        .try_fold(0usize, |n, proxy| async move {
            std::hint::black_box(&proxy);
            Ok(n + 1)
        })
        .await
        .unwrap();
    let elapsed = start.elapsed();
    assert_eq!(seen, proxies);
    (
        requests.load(Ordering::Relaxed) - before,
        elapsed,
        peak_kib(),
    )
}

fn main() {
    if let Ok(proxies) = std::env::var(SERVE) {
        return serve(proxies.parse().unwrap());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    if let Ok(profile) = std::env::var(PROFILE) {
        let (kind, lines) = profile.split_once(':').expect("<raw|parsed>:<lines>");
        let lines: usize = lines.parse().unwrap();
        return runtime.block_on(async {
            let server = Server::start(lines);
            let client = server.client();
            let params = params(&client, server.plan_id).await;
            let n = match kind {
                "raw" => raw(&client, &params).await,
                _ => parsed(&client, &params).await,
            };
            assert_eq!(n, lines);
        });
    }
    let requests = Arc::new(AtomicUsize::new(0));
    use tracing_subscriber::layer::SubscriberExt;
    let subscriber = tracing_subscriber::registry().with(CountRequests(requests.clone()));
    tracing::subscriber::set_global_default(subscriber).unwrap();
    runtime.block_on(async {
        println!("every proxy through the page stream (page_size 100, the largest)");
        println!("proxies    requests   time       proxies/s   client peak RSS");
        for proxies in [10_000, 100_000] {
            let (made, elapsed, peak) = page_stream(proxies, &requests).await;
            println!(
                "{proxies:<9}  {made:<9}  {:>7.2} s  {:>9.0}   {peak} KiB",
                elapsed.as_secs_f64(),
                proxies as f64 / elapsed.as_secs_f64()
            );
        }
        println!(
            "\ndownload of the proxy list: raw bytes (newlines counted) vs parsed into ProxyLine"
        );
        println!("lines      raw lines/s   parsed lines/s   parsed/raw   client peak RSS");
        for lines in [100_000, 1_000_000] {
            let (raw, parsed, peak) = downloads(lines).await;
            println!(
                "{lines:<9}  {raw:>11.0}   {parsed:>14.0}   {:>10.3}   {peak} KiB",
                parsed / raw
            );
        }
    });
}
