//! The blocking client (the `blocking` feature): the async client's calls, retries and errors, from
//! plain threads.
#![cfg(feature = "blocking")]

use std::time::Duration;

use webshare::blocking::Client;
use webshare::operations::{GET_PROFILE, ListProxies};
use webshare::types::ProxyMode;
use webshare::{Error, RetryPolicy};
use webshare_mock_server::{Config, MockServer};

/// A mock server on a runtime of its own (the test thread has none), with a seeded account.
fn server(config: Config) -> (tokio::runtime::Runtime, MockServer, String) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start_with(config));
    let token = server
        .seed_account("jane@example.com", "Correct-Horse-9")
        .unwrap()
        .token;
    (runtime, server, token)
}

fn client(server: &MockServer, token: &str, policy: RetryPolicy) -> Client {
    Client::build(
        webshare::Client::builder()
            .base_url(server.base_url())
            .api_key(token.to_owned())
            .retry_policy(policy),
    )
    .unwrap()
}

#[test]
fn calls_streams_and_errors_without_an_async_runtime() {
    let (_runtime, server, token) = server(Config::default().proxies_per_plan(23));
    let client = client(&server, &token, RetryPolicy::none());
    let status = client
        .call(async |c| c.activation().status().await)
        .unwrap();
    assert_eq!(status.email_is_verified, Some(true));
    // Every page of the list, one request per page, as an iterator.
    let params = ListProxies::new(ProxyMode::Direct).page_size(10i64);
    let proxies: Vec<_> = client
        .iter(|c| c.proxies().list_all(params))
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(proxies.len(), 23);
    // A download starts with a request (`call`), then its lines arrive as an iterator.
    let plan = server.plan_id("jane@example.com");
    let lines = client
        .call(async |c| {
            let token = c
                .proxy_config()
                .get(plan)
                .await?
                .proxy_list_download_token
                .expect("the mock's config has a download token");
            let params = webshare::operations::DownloadProxyList::new(
                token,
                webshare::types::ProxyAuthenticationMethod::Username,
                ProxyMode::Direct,
            );
            c.proxies().download(&params).await
        })
        .unwrap();
    assert_eq!(
        client.blocking_iter(lines).filter(Result::is_ok).count(),
        23
    );
    // Typed errors, as the async client's.
    let missing = client
        .call(async |c| c.ip_authorizations().get(999_999).await)
        .unwrap_err();
    assert!(matches!(missing, Error::NotFound { .. }), "{missing:?}");
    // Clones share the runtime and work from other threads.
    let clone = client.clone();
    let from_thread = std::thread::spawn(move || clone.call(async |c| c.profile().get().await))
        .join()
        .unwrap();
    assert!(from_thread.is_ok());
}

#[test]
fn retries_follow_the_policy() {
    let (_runtime, server, token) = server(Config::default());
    server.fail_next(&GET_PROFILE, 503, None).unwrap();
    let patient = client(
        &server,
        &token,
        RetryPolicy::default()
            .max_retries(1)
            .base_delay(Duration::from_millis(1)),
    );
    assert!(patient.call(async |c| c.profile().get().await).is_ok());
    server.fail_next(&GET_PROFILE, 503, None).unwrap();
    let impatient = client(&server, &token, RetryPolicy::none());
    let failed = impatient
        .call(async |c| c.profile().get().await)
        .unwrap_err();
    assert_eq!(failed.status(), Some(503));
}

#[test]
fn inside_an_async_runtime_it_refuses_instead_of_blocking() {
    let (runtime, server, token) = server(Config::default());
    let client = client(&server, &token, RetryPolicy::none());
    let refused = runtime.block_on(async {
        let call = client.call(async |c| c.profile().get().await).unwrap_err();
        let mut iter = client.iter(|c| c.proxies().list_all(ListProxies::new(ProxyMode::Direct)));
        let first = iter.next().unwrap().unwrap_err();
        (call, first, iter.next().is_none())
    });
    for error in [&refused.0, &refused.1] {
        assert!(
            matches!(error, Error::Config { message } if message.contains("inside an async runtime")),
            "{error:?}"
        );
    }
    assert!(refused.2, "the iterator ends after its refusal");
    // Building one there is refused too.
    let built = runtime.block_on(async { Client::new("key") });
    assert!(matches!(built, Err(Error::Config { .. })));
}
