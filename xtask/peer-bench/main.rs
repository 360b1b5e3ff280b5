//! The client overhead bench (`crates/webshare/benches/client_overhead.rs`, compiled in as it is) with a
//! third variant, `peer`: the client openapi-generator makes from `openapi/webshare.yaml`. Written into
//! `target/peer/bench/src/main.rs` by `cargo xtask bench-peer`, which runs it; not part of the workspace.
//!
//! The peer's `reqwest::Client` is set up as the hand-written call's: 60 s request and 10 s connect
//! timeouts, the crate's `User-Agent` (set in its `Configuration`, which sends it on every request), no
//! proxy lookup.

#[allow(dead_code)]
#[path = "@OVERHEAD@"]
mod overhead;

use std::sync::Arc;

use overhead::{Call, EMAIL, PASSWORD, Setup, USER_AGENT};
use webshare_peer::apis::configuration::{ApiKey, Configuration};
use webshare_peer::apis::{proxy_list_api, registration_and_login_api};
use webshare_peer::models;

/// The peer's configuration: the hand-written call's client settings, and the account's token.
fn peer_configuration(setup: &Setup) -> Configuration {
    let client = peer_reqwest::Client::builder()
        .timeout(webshare::DEFAULT_TIMEOUT)
        .connect_timeout(webshare::DEFAULT_CONNECT_TIMEOUT)
        .user_agent(USER_AGENT)
        .no_proxy()
        .build()
        .unwrap();
    let token = setup.auth_header.strip_prefix("Token ").unwrap();
    Configuration {
        base_path: setup.base.clone(),
        user_agent: Some(USER_AGENT.to_owned()),
        client,
        basic_auth: None,
        oauth_access_token: None,
        bearer_access_token: None,
        api_key: Some(ApiKey {
            prefix: Some("Token".to_owned()),
            key: token.to_owned(),
        }),
    }
}

/// One call of `operation` through the peer.
fn peer_call(configuration: Arc<Configuration>, operation: &'static str) -> Call {
    Arc::new(move || {
        let c = configuration.clone();
        Box::pin(async move {
            match operation {
                "login" => {
                    let body = models::LoginRequest::new(
                        EMAIL.to_owned(),
                        PASSWORD.to_owned(),
                        "b".to_owned(),
                    );
                    registration_and_login_api::login(&c, body).await.is_ok()
                }
                "get_activation" => registration_and_login_api::get_activation(&c)
                    .await
                    .is_ok(),
                _ => proxy_list_api::list_proxies(
                    &c,
                    models::ProxyMode::Direct,
                    Some(vec!["US".to_owned(), "FR".to_owned()]),
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    Some(10),
                    None,
                    None,
                )
                .await
                .is_ok(),
            }
        })
    })
}

#[tokio::main]
async fn main() {
    let server = overhead::server().await;
    let setup = Setup::new(&server).await;
    let configuration = Arc::new(peer_configuration(&setup));
    let profiled = overhead::profile(&setup, |variant, operation| {
        (variant == "peer").then(|| peer_call(configuration.clone(), operation))
    })
    .await;
    assert!(profiled, "set WEBSHARE_BENCH_PROFILE=<hand|crate|peer>:<operation>");
}
