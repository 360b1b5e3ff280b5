//! The mock server's test tools for other people's tests: scripted faults, latency, seeded accounts.

mod support;

use std::time::Duration;

use webshare::operations::GET_PROFILE;
use webshare::{Client, Error, RetryPolicy};
use webshare_mock_server::{FaultError, MockServer};

fn client_for(server: &MockServer, token: &str, policy: RetryPolicy) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .api_key(token.to_owned())
        .retry_policy(policy)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_seeded_account_is_verified_and_its_token_works() {
    let server = MockServer::start().await;
    let seeded = server
        .seed_account("seed@example.com", "Correct-Horse-9")
        .unwrap();
    assert!(!format!("{seeded:?}").contains(&seeded.token));
    assert_eq!(server.plan_id("seed@example.com"), Some(seeded.plan_id));
    let client = client_for(&server, &seeded.token, RetryPolicy::none());
    assert!(
        client
            .activation()
            .status()
            .await
            .unwrap()
            .email_is_verified
            == Some(true)
    );
    // Taken: no second account, the first untouched.
    assert!(server.seed_account("SEED@example.com", "other").is_none());
    assert!(client.activation().status().await.is_ok());
}

#[tokio::test]
async fn queued_faults_answer_in_order_then_the_operation_works_again() {
    let (server, token) = support::seeded().await;
    let client = client_for(&server, &token, RetryPolicy::none());
    server
        .fail_next(&GET_PROFILE, 503, Some(Duration::from_millis(1500)))
        .unwrap();
    server.fail_next(&GET_PROFILE, 404, None).unwrap();
    // Another operation is not affected.
    assert!(client.activation().status().await.is_ok());
    match client.profile().get().await.unwrap_err() {
        Error::Server { status, detail, .. } => {
            assert_eq!(status, 503);
            assert!(detail.unwrap().contains("injected"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        client.profile().get().await.unwrap_err().status(),
        Some(404)
    );
    assert!(client.profile().get().await.is_ok());
}

#[tokio::test]
async fn retry_after_is_sent_in_whole_seconds_rounded_up() {
    let (server, token) = support::seeded().await;
    server
        .fail_next(&GET_PROFILE, 429, Some(Duration::from_millis(1500)))
        .unwrap();
    let client = client_for(&server, &token, RetryPolicy::none());
    let error = client.profile().get().await.unwrap_err();
    assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));
}

#[tokio::test]
async fn a_client_with_retries_rides_out_transient_faults() {
    let (server, token) = support::seeded().await;
    for _ in 0..2 {
        server.fail_next(&GET_PROFILE, 503, None).unwrap();
    }
    let patient = RetryPolicy::default()
        .max_retries(2)
        .base_delay(Duration::from_millis(1));
    let client = client_for(&server, &token, patient);
    assert!(client.profile().get().await.is_ok());
    // Both faults were used: the next call goes straight through without a retry budget.
    let impatient = client_for(&server, &token, RetryPolicy::none());
    assert!(impatient.profile().get().await.is_ok());
}

#[tokio::test]
async fn only_error_statuses_are_faults() {
    let server = MockServer::start().await;
    for status in [200, 204, 302, 99, 600] {
        assert_eq!(
            server.fail_next(&GET_PROFILE, status, None),
            Err(FaultError::NotAnErrorStatus(status))
        );
    }
}

#[tokio::test]
async fn latency_delays_answers_past_a_clients_timeout() {
    let (server, token) = support::seeded().await;
    let client = Client::builder()
        .base_url(server.base_url())
        .api_key(token.clone())
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    // A minute of latency against a 300 ms timeout: the outcome, not the speed, is asserted.
    server.set_latency(Duration::from_secs(60));
    let error = client.profile().get().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    server.set_latency(Duration::ZERO);
    assert!(client.profile().get().await.is_ok());
}

/// Every kind of error keeps the request id of the answer it came from (the mock server sends one with
/// every answer, as the real service does), and each answer's id is its own.
#[tokio::test]
async fn every_kind_of_error_keeps_its_request_id() {
    use webshare::operations::{GET_ACTIVATION, GET_API_KEY};
    let server = MockServer::start().await;
    let seeded = server
        .seed_account("ids@example.com", "Correct-Horse-9")
        .unwrap();
    let client = client_for(&server, &seeded.token, RetryPolicy::none());
    let mut errors = Vec::new();
    // 401: a token the server does not know.
    let stranger = client_for(&server, &"0".repeat(40), RetryPolicy::none());
    errors.push(stranger.activation().status().await.unwrap_err());
    // 403: an API key may not manage keys.
    let key = client.api_keys().create("k").await.unwrap();
    let with_key = client_for(
        &server,
        key.key.as_ref().unwrap().expose(),
        RetryPolicy::none(),
    );
    errors.push(with_key.api_keys().get(key.id).await.unwrap_err());
    // 404: no such key.
    errors.push(client.api_keys().get(key.id + 1_000).await.unwrap_err());
    // 429, 503 and a status of no other kind, scripted.
    for status in [429, 503, 418] {
        server.fail_next(&GET_ACTIVATION, status, None).unwrap();
        errors.push(client.activation().status().await.unwrap_err());
    }
    // 400, scripted (the client checks what it can before sending).
    server.fail_next(&GET_API_KEY, 400, None).unwrap();
    errors.push(client.api_keys().get(key.id).await.unwrap_err());
    let variant = |error: &Error| match error {
        Error::Validation { .. } => "validation",
        Error::Unauthorized { .. } => "unauthorized",
        Error::Forbidden { .. } => "forbidden",
        Error::NotFound { .. } => "not_found",
        Error::RateLimited { .. } => "rate_limited",
        Error::Server { .. } => "server",
        Error::Api { .. } => "api",
        _ => "other",
    };
    let kinds: Vec<&str> = errors.iter().map(variant).collect();
    for (error, kind) in errors.iter().zip(&kinds) {
        let id = error
            .request_id()
            .unwrap_or_else(|| panic!("{kind}: {error:?}"));
        assert!(id.starts_with("mock-") && id.len() == 21, "{kind}: {id}");
    }
    let mut ids: Vec<&str> = errors.iter().filter_map(|e| e.request_id()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), errors.len(), "ids are per answer: {ids:?}");
    for expected in [
        "validation",
        "unauthorized",
        "forbidden",
        "not_found",
        "rate_limited",
        "server",
        "api",
    ] {
        assert!(
            kinds.contains(&expected),
            "no {expected} error among {kinds:?}"
        );
    }
}
