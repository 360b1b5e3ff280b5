//! Throughput of the same calls made two ways against `webshare-mock-server` on loopback: a hand-written
//! reqwest + serde call and this crate as services use it (`Client::builder().base_url(..).build()`, its own
//! `reqwest::Client`). The hand-written call's `reqwest::Client` has the crate's defaults (60 s request and
//! 10 s connect timeouts, the same `User-Agent`), sends the same request (`Accept: application/json`
//! included) and decodes the same types (timestamps as `chrono::DateTime`). The rounds alternate so that
//! drift hits each alike.
//!
//! `cargo bench -p webshare --bench client_overhead`
//!
//! For instruction counts instead of rates,
//! `WEBSHARE_BENCH_PROFILE=<hand|crate>:<login|get_activation|list_proxies>` makes `WEBSHARE_BENCH_CALLS`
//! (default 2,000) sequential calls of one variant and exits; run that under `valgrind --tool=callgrind`
//! twice with different counts: the difference divided by the difference in calls is the instructions
//! per call (client, server and runtime together), free of start-up costs.
//!
//! `cargo xtask bench-peer` compiles this file into a bench crate of its own, beside a third variant,
//! the client openapi-generator makes from the same document, and prints the three side by side; hence
//! [`hand_http`], [`Setup::new`] and [`profile`] are items of their own.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use webshare::operations::ListProxies;
use webshare::types::ProxyMode;
use webshare_mock_server::MockServer;

pub(crate) const EMAIL: &str = "bench@example.com";
pub(crate) const PASSWORD: &str = "Bench-Password-42";
const ROUND: Duration = Duration::from_secs(2);
const ROUNDS: usize = 7;
const OPERATIONS: [&str; 3] = ["login", "get_activation", "list_proxies"];

#[derive(serde::Serialize)]
struct LoginBody<'a> {
    email: &'a str,
    password: &'a str,
    recaptcha: &'a str,
}

#[derive(serde::Deserialize)]
struct TokenBody {
    #[allow(dead_code)]
    token: String,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct ActivationBody {
    email_is_verified: bool,
    last_time_email_verification_email_sent: Option<chrono::DateTime<chrono::Utc>>,
    created_at: chrono::DateTime<chrono::Utc>,
    updated_at: chrono::DateTime<chrono::Utc>,
}

pub(crate) type Call = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync>;

/// The clients, the base URL and the token: everything a variant needs.
#[derive(Clone)]
pub(crate) struct Setup {
    pub(crate) base: String,
    http: reqwest::Client,
    anonymous: webshare::Client,
    authed: webshare::Client,
    pub(crate) auth_header: String,
}

impl Setup {
    /// One call of `operation` made the hand-written way (`hand`) or through the crate.
    fn call(&self, hand: bool, operation: &'static str) -> Call {
        // Shared, not cloned per call: cloning the strings would add work that is no variant's.
        let s = Arc::new(self.clone());
        Arc::new(move || {
            let s = s.clone();
            Box::pin(async move {
                match (hand, operation) {
                    (true, "login") => {
                        let body = LoginBody {
                            email: EMAIL,
                            password: PASSWORD,
                            recaptcha: "b",
                        };
                        match s
                            .http
                            .post(format!("{}/v2/login/", s.base))
                            .header("accept", "application/json")
                            .json(&body)
                            .send()
                            .await
                        {
                            Ok(r) if r.status().is_success() => r.json::<TokenBody>().await.is_ok(),
                            _ => false,
                        }
                    }
                    (true, "get_activation") => {
                        match s
                            .http
                            .get(format!("{}/v2/activation/", s.base))
                            .header("accept", "application/json")
                            .header("authorization", &s.auth_header)
                            .send()
                            .await
                        {
                            Ok(r) if r.status().is_success() => {
                                r.json::<ActivationBody>().await.is_ok()
                            }
                            _ => false,
                        }
                    }
                    (true, _) => {
                        match s
                            .http
                            .get(format!(
                                "{}/v2/proxy/list/?mode=direct&country_code__in=US%2CFR&page_size=10",
                                s.base
                            ))
                            .header("accept", "application/json")
                            .header("authorization", &s.auth_header)
                            .send()
                            .await
                        {
                            Ok(r) if r.status().is_success() => {
                                r.json::<webshare::types::ProxyPage>().await.is_ok()
                            }
                            _ => false,
                        }
                    }
                    (false, "login") => s.anonymous.login(EMAIL, PASSWORD, "b").await.is_ok(),
                    (false, "get_activation") => s.authed.activation().status().await.is_ok(),
                    (false, _) => {
                        let params = ListProxies::new(ProxyMode::Direct)
                            .country_code_in(["US", "FR"])
                            .page_size(10i64);
                        s.authed.proxies().list(&params).await.is_ok()
                    }
                }
            })
        })
    }
}

/// Calls per second of `call` with `in_flight` concurrent closed loops over `ROUND`.
async fn rate(in_flight: usize, call: Call) -> f64 {
    let start = Instant::now();
    let tasks: Vec<_> = (0..in_flight)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                let mut done = 0u64;
                while start.elapsed() < ROUND {
                    assert!(call().await, "a benchmarked call failed");
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap();
    }
    total as f64 / start.elapsed().as_secs_f64()
}

/// The crate's `User-Agent`, sent by the hand-written call too.
pub(crate) const USER_AGENT: &str = concat!("webshare-rs/", env!("CARGO_PKG_VERSION"));

/// The hand-written call's client, with the crate's defaults: 60 s request and 10 s connect timeouts, the
/// same `User-Agent`, and no proxy lookup (the crate's client skips it for a loopback base URL).
fn hand_http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(webshare::DEFAULT_TIMEOUT)
        .connect_timeout(webshare::DEFAULT_CONNECT_TIMEOUT)
        .user_agent(USER_AGENT)
        .no_proxy()
        .build()
        .unwrap()
}

/// More tokens than any run of this bench issues.
const TOKENS_KEPT: usize = 10_000_000;

/// The mock server, keeping every token a login issues: the bench signs in far more often than an
/// account (100 tokens) or the server (100,000) keeps by default.
pub(crate) async fn server() -> MockServer {
    let config = webshare_mock_server::Config::default()
        .max_tokens(TOKENS_KEPT)
        .max_tokens_per_account(TOKENS_KEPT);
    MockServer::start_with(config).await
}

impl Setup {
    /// The clients against `server`, with a registered account's token.
    pub(crate) async fn new(server: &MockServer) -> Setup {
        let base = server.base_url().to_owned();
        let anonymous = webshare::Client::builder().base_url(&base).build().unwrap();
        let token = anonymous
            .register(&webshare::Registration::new(EMAIL, PASSWORD, "b").accept_terms_of_service())
            .await
            .unwrap()
            .token;
        Setup {
            base,
            http: hand_http(),
            authed: anonymous.with_token(&token).unwrap(),
            anonymous,
            auth_header: format!("Token {}", token.expose()),
        }
    }
}

/// With `WEBSHARE_BENCH_PROFILE=<variant>:<operation>`, makes `WEBSHARE_BENCH_CALLS` sequential calls of
/// that variant (`hand`, `crate`, or one `other` knows) and returns true; without it, false.
pub(crate) async fn profile(
    setup: &Setup,
    other: impl Fn(&str, &'static str) -> Option<Call>,
) -> bool {
    let Ok(profile) = std::env::var("WEBSHARE_BENCH_PROFILE") else {
        return false;
    };
    let (variant, operation) = profile.split_once(':').expect("<variant>:<operation>");
    let operation = OPERATIONS
        .into_iter()
        .find(|o| *o == operation)
        .expect("login, get_activation or list_proxies");
    let calls: usize =
        std::env::var("WEBSHARE_BENCH_CALLS").map_or(2000, |n| n.parse().expect("a number"));
    let call = match variant {
        "hand" | "crate" => setup.call(variant == "hand", operation),
        _ => other(variant, operation).expect("an unknown variant"),
    };
    for _ in 0..calls {
        assert!(call().await, "a profiled call failed");
    }
    true
}

#[tokio::main]
async fn main() {
    let server = server().await;
    let setup = Setup::new(&server).await;
    if profile(&setup, |_, _| None).await {
        return;
    }

    println!(
        "machine: {} cores; mock server, clients and load in one process; {ROUNDS} alternating rounds of {} s each, rotating which goes first; medians of the rounds",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        ROUND.as_secs()
    );
    println!(
        "{:<15} {:>9} {:>14} {:>14} {:>10}",
        "operation", "in flight", "hand-written/s", "webshare/s", "crate/hand"
    );
    for operation in OPERATIONS {
        for in_flight in [1usize, 64] {
            let mut rounds = Vec::with_capacity(ROUNDS);
            for round in 0..ROUNDS {
                let mut rates = [0.0f64; 2];
                for variant in (0..2).map(|i| (i + round) % 2) {
                    rates[variant] = rate(in_flight, setup.call(variant == 0, operation)).await;
                }
                rounds.push(rates);
            }
            // Medians: one slow round (a rehash in the server, a scheduler hiccup) does not move them.
            let median = |f: &dyn Fn(&[f64; 2]) -> f64| {
                let mut values: Vec<f64> = rounds.iter().map(f).collect();
                values.sort_by(f64::total_cmp);
                values[values.len() / 2]
            };
            println!(
                "{operation:<15} {in_flight:>9} {:>14.0} {:>14.0} {:>10.3}",
                median(&|r| r[0]),
                median(&|r| r[1]),
                median(&|r| r[1] / r[0]),
            );
        }
    }
}
