//! Throughput of the same calls made three ways against `webshare-mock-server` on loopback: a hand-written
//! reqwest + serde call, the generated `webshare-api` client, and this crate. All three share one
//! `reqwest::Client` configuration; the rounds alternate so that drift hits each alike.
//!
//! `cargo bench -p webshare --bench client_overhead`

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use webshare_api::{RequestContext, types};
use webshare_mock_server::MockServer;

const EMAIL: &str = "bench@example.com";
const PASSWORD: &str = "Bench-Password-42";
const ROUND: Duration = Duration::from_secs(3);
const ROUNDS: usize = 2;

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
    last_time_email_verification_email_sent: Option<String>,
    created_at: String,
    updated_at: String,
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

    println!(
        "machine: {} cores; mock server, clients and load in one process; {ROUNDS} alternating rounds of {} s each",
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
            let mut sums = [0.0f64; 3];
            for _ in 0..ROUNDS {
                for (variant, sum) in sums.iter_mut().enumerate() {
                    *sum += match (operation, variant) {
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
                                    match http.post(&url).json(&body).send().await {
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
                                    match http.get(&url).header("authorization", auth).send().await
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
            }
            let [hand, generated, ours] = sums.map(|s| s / ROUNDS as f64);
            println!(
                "{operation:<15} {in_flight:>9} {hand:>14.0} {generated:>14.0} {ours:>14.0} {:>10.3} {:>10.3}",
                generated / hand,
                ours / hand
            );
        }
    }
}
