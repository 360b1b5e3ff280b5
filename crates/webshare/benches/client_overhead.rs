//! Throughput of the same calls made three ways against `webshare-mock-server` on loopback: a hand-written
//! reqwest + serde call, the generated `webshare-api` client, and this crate. All three use a
//! `reqwest::Client` with the same request and connect timeouts (the crate builds its own, with its
//! defaults), and decode the same types (timestamps as `chrono::DateTime`). The hand-written call sends
//! the same request as the crate (an `Accept: application/json` header included); the generated client
//! adds its own `api-version` header. The rounds alternate so that drift hits each alike.
//!
//! `cargo bench -p webshare --bench client_overhead`
//!
//! For instruction counts instead of rates, `WEBSHARE_BENCH_PROFILE=<hand|generated|crate>:<login|get_activation>`
//! makes `WEBSHARE_BENCH_CALLS` (default 2,000) sequential calls of one variant and exits; run that under
//! `valgrind --tool=callgrind` twice with different counts: the difference divided by the difference in
//! calls is the instructions per call (client, server and runtime together), free of start-up costs.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use webshare_api::{RequestContext, types};
use webshare_mock_server::MockServer;

const EMAIL: &str = "bench@example.com";
const PASSWORD: &str = "Bench-Password-42";
const ROUND: Duration = Duration::from_secs(2);
const ROUNDS: usize = 7;

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

/// Calls per second of `call` with `in_flight` concurrent closed loops over `ROUND`.
async fn rate<F, Fut>(in_flight: usize, call: F) -> f64
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let call = Arc::new(call);
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
    let http = reqwest::Client::new();
    let crate_client = webshare::Client::builder()
        .base_url(&base)
        .http_client(http.clone())
        .build()
        .unwrap();
    let token = crate_client
        .register(&webshare::Registration::new(EMAIL, PASSWORD, "b").accept_terms_of_service())
        .await
        .unwrap()
        .token;
    let authed = crate_client.with_token(&token).unwrap();
    let auth_header = format!("Token {}", token.expose());
    let mut header = reqwest::header::HeaderValue::from_str(&auth_header).unwrap();
    header.set_sensitive(true);
    let generated_anon =
        webshare_api::Client::new_with_client(&base, http.clone(), RequestContext::new(None));
    let generated_authed = webshare_api::Client::new_with_client(
        &base,
        http.clone(),
        RequestContext::new(Some(header)),
    );

    if let Ok(profile) = std::env::var("WEBSHARE_BENCH_PROFILE") {
        let (variant, operation) = profile.split_once(':').expect("<variant>:<operation>");
        let calls: usize =
            std::env::var("WEBSHARE_BENCH_CALLS").map_or(2000, |n| n.parse().expect("a number"));
        for _ in 0..calls {
            let ok = match (variant, operation) {
                ("hand", "login") => {
                    let body = LoginBody {
                        email: EMAIL,
                        password: PASSWORD,
                        recaptcha: "b",
                    };
                    let r = http
                        .post(format!("{base}/login/"))
                        .header("accept", "application/json")
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    r.json::<TokenBody>().await.is_ok()
                }
                ("generated", "login") => {
                    let body = types::LoginRequest {
                        email: EMAIL.into(),
                        password: PASSWORD.into(),
                        recaptcha: "b".into(),
                    };
                    generated_anon.login().body(body).send().await.is_ok()
                }
                ("crate", "login") => crate_client.login(EMAIL, PASSWORD, "b").await.is_ok(),
                ("hand", _) => {
                    let r = http
                        .get(format!("{base}/activation/"))
                        .header("accept", "application/json")
                        .header("authorization", &auth_header)
                        .send()
                        .await
                        .unwrap();
                    r.json::<ActivationBody>().await.is_ok()
                }
                ("generated", _) => generated_authed.get_activation().send().await.is_ok(),
                _ => authed.activation().status().await.is_ok(),
            };
            assert!(ok);
        }
        return;
    }

    println!(
        "machine: {} cores; mock server, clients and load in one process; {ROUNDS} alternating rounds of {} s each, rotating which goes first; medians of the rounds",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        ROUND.as_secs()
    );
    println!(
        "{:<15} {:>9} {:>14} {:>14} {:>14} {:>10} {:>10}",
        "operation",
        "in flight",
        "hand-written/s",
        "generated/s",
        "webshare/s",
        "gen/hand",
        "crate/hand"
    );
    for operation in ["login", "get_activation"] {
        for in_flight in [1usize, 64] {
            let mut rounds = Vec::with_capacity(ROUNDS);
            for round in 0..ROUNDS {
                let mut rates = [0.0f64; 3];
                // Each round starts with a different variant, so that none always runs first.
                for variant in (0..3).map(|i| (i + round) % 3) {
                    rates[variant] = match (operation, variant) {
                        ("login", 0) => {
                            let (http, url) = (http.clone(), format!("{base}/login/"));
                            rate(in_flight, move || {
                                let (http, url) = (http.clone(), url.clone());
                                async move {
                                    let body = LoginBody {
                                        email: EMAIL,
                                        password: PASSWORD,
                                        recaptcha: "b",
                                    };
                                    match http
                                        .post(&url)
                                        .header("accept", "application/json")
                                        .json(&body)
                                        .send()
                                        .await
                                    {
                                        Ok(r) if r.status().is_success() => {
                                            r.json::<TokenBody>().await.is_ok()
                                        }
                                        _ => false,
                                    }
                                }
                            })
                            .await
                        }
                        ("login", 1) => {
                            let api = generated_anon.clone();
                            rate(in_flight, move || {
                                let api = api.clone();
                                async move {
                                    let body = types::LoginRequest {
                                        email: EMAIL.into(),
                                        password: PASSWORD.into(),
                                        recaptcha: "b".into(),
                                    };
                                    api.login().body(body).send().await.is_ok()
                                }
                            })
                            .await
                        }
                        ("login", _) => {
                            let client = crate_client.clone();
                            rate(in_flight, move || {
                                let client = client.clone();
                                async move { client.login(EMAIL, PASSWORD, "b").await.is_ok() }
                            })
                            .await
                        }
                        (_, 0) => {
                            let (http, url, auth) = (
                                http.clone(),
                                format!("{base}/activation/"),
                                auth_header.clone(),
                            );
                            rate(in_flight, move || {
                                let (http, url, auth) = (http.clone(), url.clone(), auth.clone());
                                async move {
                                    match http
                                        .get(&url)
                                        .header("accept", "application/json")
                                        .header("authorization", auth)
                                        .send()
                                        .await
                                    {
                                        Ok(r) if r.status().is_success() => {
                                            r.json::<ActivationBody>().await.is_ok()
                                        }
                                        _ => false,
                                    }
                                }
                            })
                            .await
                        }
                        (_, 1) => {
                            let api = generated_authed.clone();
                            rate(in_flight, move || {
                                let api = api.clone();
                                async move { api.get_activation().send().await.is_ok() }
                            })
                            .await
                        }
                        (_, _) => {
                            let client = authed.clone();
                            rate(in_flight, move || {
                                let client = client.clone();
                                async move { client.activation().status().await.is_ok() }
                            })
                            .await
                        }
                    };
                }
                rounds.push(rates);
            }
            // Medians: one slow round (a rehash in the server, a scheduler hiccup) does not move them.
            let median = |f: &dyn Fn(&[f64; 3]) -> f64| {
                let mut values: Vec<f64> = rounds.iter().map(f).collect();
                values.sort_by(f64::total_cmp);
                values[values.len() / 2]
            };
            println!(
                "{operation:<15} {in_flight:>9} {:>14.0} {:>14.0} {:>14.0} {:>10.3} {:>10.3}",
                median(&|r| r[0]),
                median(&|r| r[1]),
                median(&|r| r[2]),
                median(&|r| r[1] / r[0]),
                median(&|r| r[2] / r[0]),
            );
        }
    }
}
