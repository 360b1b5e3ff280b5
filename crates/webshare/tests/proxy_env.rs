//! Loopback traffic never goes through `HTTP_PROXY`/`ALL_PROXY`: a "local" token would otherwise leave the
//! machine in clear. Other traffic honours them. (Its own test binary: it sets the process environment.)

mod support;

use serde_json::json;
use support::{Fault, FaultServer};
use webshare::{Client, Error, RetryPolicy};

#[tokio::test]
async fn loopback_bypasses_the_proxy_other_hosts_use_it() {
    // A proxy that records what it is sent, and refuses to forward anything.
    let proxy = FaultServer::start(vec![Fault::json(502, json!({"detail": "proxy"}))]).await;
    let proxy_url = proxy.base_url.trim_end_matches("/api").to_owned();
    // SAFETY: set before any client exists; no other test in this binary reads the environment.
    unsafe {
        std::env::set_var("HTTP_PROXY", &proxy_url);
        std::env::set_var("http_proxy", &proxy_url);
        std::env::set_var("ALL_PROXY", &proxy_url);
    }
    let server = FaultServer::start(vec![Fault::json(
        200,
        json!({"email_is_verified": true, "last_time_email_verification_email_sent": null,
               "created_at": "2019-05-09T23:34:00Z", "updated_at": "2019-05-09T23:34:00Z"}),
    )])
    .await;
    let local = Client::builder()
        .base_url(&server.base_url)
        .api_key("l0cal-t0ken")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(
        local.activation().status().await.unwrap().email_is_verified,
        Some(true)
    );
    assert_eq!(server.request_count(), 1);
    assert_eq!(
        proxy.request_count(),
        0,
        "the token did not go through the proxy"
    );

    // A non-loopback host (a trusted test network, opted in) goes through the proxy as configured.
    let remote = Client::builder()
        .base_url("http://webshare-mock.test:8080/api")
        .danger_allow_plain_http_secrets(true)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = remote
        .password()
        .request_reset("jane@example.com", "r")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Server { status: 502, .. }), "{err:?}");
    assert_eq!(proxy.request_count(), 1);
    assert!(proxy.last_request().contains("webshare-mock.test"));
}
