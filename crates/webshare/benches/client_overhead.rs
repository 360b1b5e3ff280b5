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

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use webshare::operations::ListProxies;
use webshare::types::ProxyMode;
use webshare_mock_server::MockServer;

const EMAIL: &str = "bench@example.com";
const PASSWORD: &str = "Bench-Password-42";
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

type Call = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync>;

/// The clients, the base URL and the token: everything a variant needs.
#[derive(Clone)]
struct Setup {
    base: String,
    http: reqwest::Client,
    anonymous: webshare::Client,
    authed: webshare::Client,
    auth_header: String,
}

impl Setup {
    /// One call of `operation` made the hand-written way (`hand`) or through the crate.
    fn call(&self, hand: bool, operation: &'static str) -> Call {
        let s = self.clone();
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

#[tokio::main]
async fn main() {
    let server = MockServer::start().await;
    let base = server.base_url().to_owned();
    let http = reqwest::Client::builder()
        .timeout(webshare::DEFAULT_TIMEOUT)
        .connect_timeout(webshare::DEFAULT_CONNECT_TIMEOUT)
        .user_agent(format!("webshare-rs/{}", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap();
    let anonymous = webshare::Client::builder().base_url(&base).build().unwrap();
    let token = anonymous
        .register(&webshare::Registration::new(EMAIL, PASSWORD, "b").accept_terms_of_service())
        .await
        .unwrap()
        .token;
    let setup = Setup {
        base,
        http,
        authed: anonymous.with_token(&token).unwrap(),
        anonymous,
        auth_header: format!("Token {}", token.expose()),
    };

    if let Ok(profile) = std::env::var("WEBSHARE_BENCH_PROFILE") {
        let (variant, operation) = profile.split_once(':').expect("<variant>:<operation>");
        let operation = OPERATIONS
            .into_iter()
            .find(|o| *o == operation)
            .expect("login, get_activation or list_proxies");
        let calls: usize =
            std::env::var("WEBSHARE_BENCH_CALLS").map_or(2000, |n| n.parse().expect("a number"));
        let call = setup.call(variant == "hand", operation);
        for _ in 0..calls {
            assert!(call().await);
        }
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
