//! `webshare::pool` over `webshare-mock-server`'s real proxies (`Config::real_proxies`), on loopback, with
//! a small in-process HTTP/1.1 target behind them (a keep-alive server answering `200 ok`). Two
//! measurements:
//!
//! - **Send's cost.** `WEBSHARE_BENCH_PROFILE=<hand|pool>` makes `WEBSHARE_BENCH_CALLS` (default 2,000)
//!   sequential GETs of the target through one proxy and exits. `hand` is a `reqwest::Client` built with
//!   `reqwest::Proxy::all(<proxy URL with credentials>)` and the pool's per-proxy settings (the 10 s
//!   connect timeout; the request timeout left unset, as the pool leaves it); `pool` is
//!   `pool.send(|c| c.get(target), SendOptions::default())` over a one-proxy pool. Both read the whole
//!   body. Run under `valgrind --tool=callgrind` with two call counts, the difference divided by the
//!   difference in calls is the instructions per request (client, proxy, target and runtime together),
//!   free of start-up costs: `cargo xtask bench-pool` does that and prints both side by side.
//! - **Pre-flight.** Without `WEBSHARE_BENCH_PROFILE`: 1,000 proxies on the plan, the pool built from the
//!   account's list, and `Pool::check` of the target at concurrency 1, 16 and 100 (a fresh pool each
//!   time, so every probe opens its connection as a first check does), the target answering at once and
//!   after 5 ms. Prints the wall time and the most requests the target saw in flight at once.
//!
//! `cargo bench -p webshare --features pool --bench pool_live`

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use webshare::operations::ListProxies;
use webshare::pool::{self, CheckOptions, Pool, PoolProxy, SendOptions};
use webshare::types::ProxyMode;
use webshare_mock_server::{Config, MockServer};

/// The target's answer.
const BODY: &[u8] = b"ok";

/// Requests the target is answering now, and the most at once so far.
#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    most: AtomicUsize,
}

impl InFlight {
    fn enter(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
    }

    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A keep-alive HTTP/1.1 server on loopback answering every request (heads only: the bench sends GETs)
/// with `200 ok`, after `delay`; returns its URL.
async fn target(delay: Duration, in_flight: Arc<InFlight>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let in_flight = Arc::clone(&in_flight);
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut read = BufReader::new(read);
                let mut line = String::new();
                'requests: loop {
                    // The head, up to its empty line.
                    let mut started = false;
                    loop {
                        line.clear();
                        match read.read_line(&mut line).await {
                            Ok(0) | Err(_) => break 'requests,
                            Ok(_) if line == "\r\n" && started => break,
                            Ok(_) => started = true,
                        }
                    }
                    in_flight.enter();
                    if !delay.is_zero() {
                        tokio::time::sleep(delay).await;
                    }
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\r\n",
                        BODY.len()
                    );
                    let written = write.write_all(head.as_bytes()).await.is_ok()
                        && write.write_all(BODY).await.is_ok();
                    in_flight.leave();
                    if !written {
                        break;
                    }
                }
            });
        }
    });
    url
}

/// A mock server with real proxies on the plan of a fresh account, and `proxies` of that account's list.
/// The mock marks every tenth proxy of a plan invalid (`from_api` leaves those out), so the plan has a
/// ninth more.
async fn proxies(proxies: usize) -> (MockServer, Vec<PoolProxy>) {
    let config = Config::default()
        .real_proxies(true)
        .proxies_per_plan(proxies + proxies / 9 + 1)
        // Every pooled connection of every proxy's client stays open between probes.
        .max_proxy_connections(4 * proxies + 64);
    let server = MockServer::start_with(config).await;
    let anonymous = webshare::Client::builder()
        .base_url(server.base_url())
        .build()
        .unwrap();
    let token = anonymous
        .register(
            &webshare::Registration::new("bench@example.com", "Bench-Password-42", "b")
                .accept_terms_of_service(),
        )
        .await
        .unwrap()
        .token;
    let client = anonymous.with_token(&token).unwrap();
    let mut list = pool::from_api(&client, ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap();
    assert!(list.len() >= proxies, "the plan's valid proxies");
    list.truncate(proxies);
    (server, list)
}

/// The hand-written client: the proxy with its credentials in the URL, and the pool's per-proxy settings
/// (`ClientFactory::default`: a 10 s connect timeout, no request timeout).
fn hand_client(proxy: &PoolProxy) -> reqwest::Client {
    let url = proxy.endpoint().unwrap().url();
    reqwest::Client::builder()
        .proxy(reqwest::Proxy::all(url.expose()).unwrap())
        .connect_timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// `calls` sequential GETs of the target through one proxy, the `hand` or the `pool` way.
async fn profile(variant: &str, calls: usize) {
    let (_server, mut list) = proxies(1).await;
    let proxy = list.pop().unwrap();
    let url = target(Duration::ZERO, Arc::default()).await;
    match variant {
        "hand" => {
            let http = hand_client(&proxy);
            for _ in 0..calls {
                let response = http.get(url.as_str()).send().await.unwrap();
                assert!(response.status().is_success());
                assert_eq!(&response.bytes().await.unwrap()[..], BODY);
            }
        }
        "pool" => {
            let pool = Pool::builder().build(vec![proxy]).unwrap();
            for _ in 0..calls {
                let response = pool
                    .send(|http| http.get(url.as_str()), SendOptions::default())
                    .await
                    .unwrap();
                assert!(response.status().is_success());
                assert_eq!(&response.bytes().await.unwrap()[..], BODY);
            }
        }
        other => panic!("unknown variant `{other}`: hand or pool"),
    }
}

/// Pre-flight checks of 1,000 proxies at a few concurrencies.
async fn preflight() {
    const PROXIES: usize = 1000;
    let (_server, list) = proxies(PROXIES).await;
    println!(
        "pre-flight of {PROXIES} proxies (mock's real proxies, loopback target); {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "{:>13} {:>11} {:>10} {:>17}",
        "target answer", "concurrency", "wall time", "most in flight"
    );
    for delay in [Duration::ZERO, Duration::from_millis(5)] {
        let in_flight = Arc::new(InFlight::default());
        let url = target(delay, Arc::clone(&in_flight)).await;
        for concurrency in [1, 16, 100] {
            // A fresh pool: its clients, and so its connections, are new, as in a first check.
            let pool = Pool::builder().build(list.clone()).unwrap();
            in_flight.most.store(0, Ordering::SeqCst);
            let options = CheckOptions {
                concurrency,
                ..CheckOptions::default()
            };
            let start = Instant::now();
            let report = pool.check(&url, options).await.unwrap();
            let took = start.elapsed();
            assert_eq!(report.probes.len(), PROXIES);
            assert_eq!(report.failures().count(), 0, "every probe passes");
            println!(
                "{:>11} ms {concurrency:>11} {:>7.0} ms {:>17}",
                delay.as_millis(),
                took.as_secs_f64() * 1000.0,
                in_flight.most.load(Ordering::SeqCst)
            );
        }
    }
}

fn main() {
    match std::env::var("WEBSHARE_BENCH_PROFILE") {
        Ok(variant) => {
            let calls: usize = std::env::var("WEBSHARE_BENCH_CALLS")
                .map_or(2000, |n| n.parse().expect("a number of calls"));
            // One thread: the same interleaving of client, proxy and target for both variants.
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(profile(&variant, calls));
        }
        Err(_) => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(preflight()),
    }
}
