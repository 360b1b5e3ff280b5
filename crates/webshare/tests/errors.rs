//! Every error variant, each produced by a real HTTP response (or the lack of one) from a fault-injecting
//! server, and the retry policy observed from the server's side.

mod support;

use std::time::Duration;

use serde_json::json;
use support::{Fault, FaultServer};
use webshare::{Client, Error, RetryPolicy, Token};

fn client(server: &FaultServer, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(&server.base_url)
        .api_key("test-key-123")
        .retry_policy(retry)
        // Long enough that a loaded machine never turns a fault's answer into a timeout.
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// A quick policy so that tests do not wait out real backoffs.
fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
}

async fn status_error(fault: Fault) -> Error {
    let server = FaultServer::start(vec![fault]).await;
    client(&server, RetryPolicy::none())
        .activation()
        .status()
        .await
        .unwrap_err()
}

const ACTIVATION: &str = r#"{"email_is_verified":false,"last_time_email_verification_email_sent":null,"created_at":"2019-05-09T23:34:00.095501-07:00","updated_at":"2019-05-09T23:34:00.095501-07:00"}"#;

#[tokio::test]
async fn unauthorized() {
    let err = status_error(Fault::json(
        401,
        json!({"detail": "Invalid token.", "code": "authentication_failed"}),
    ))
    .await;
    assert!(
        matches!(&err, Error::Unauthorized { detail: Some(d), .. } if d == "Invalid token."),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "not authenticated (Invalid token.): the API token is missing, wrong or revoked; log in again or check the API key"
    );
}

#[tokio::test]
async fn forbidden_codes_have_helpers() {
    let err = status_error(Fault::json(
        403,
        json!({"detail": "Two factor authentication is needed.", "code": "2fa_needed"}),
    ))
    .await;
    assert!(err.is_two_factor_required() && !err.is_account_deleted());
    assert!(
        err.to_string()
            .contains("submit the code sent for this login"),
        "{err}"
    );
    let err = status_error(Fault::json(
        403,
        json!({"detail": "Your account is deleted.", "code": "account_deleted"}),
    ))
    .await;
    assert!(err.is_account_deleted() && !err.is_two_factor_required());
    let err = status_error(Fault::json(
        403,
        json!({"detail": "No.", "code": "api_key_not_allowed"}),
    ))
    .await;
    assert!(err.is_api_key_not_allowed());
}

#[tokio::test]
async fn not_found_and_other_statuses() {
    // 404 and 405 are not documented for this operation: they arrive as "unexpected" responses.
    let err = status_error(
        Fault::json(404, json!({"detail": "Not found.", "code": "not_found"}))
            .with_header("x-request-id", "req-42")
            .with_header("cf-ray", "ignored-when-x-request-id-is-there"),
    )
    .await;
    assert!(
        matches!(&err, Error::NotFound { detail: Some(d), .. } if d == "Not found."),
        "{err:?}"
    );
    assert_eq!(err.request_id(), Some("req-42"));
    // An id that is not a plain token is not kept (it is echoed in errors and logs).
    let err = status_error(
        Fault::json(404, json!({"detail": "Not found."})).with_header("x-request-id", "two words"),
    )
    .await;
    assert_eq!(err.request_id(), None);
    let err = status_error(Fault::json(
        405,
        json!({"detail": "Method \"GET\" not allowed.", "code": "method_not_allowed"}),
    ))
    .await;
    assert!(
        matches!(&err, Error::Api { status: 405, code: Some(c), .. } if c == "method_not_allowed"),
        "{err:?}"
    );
}

#[tokio::test]
async fn rate_limited_with_and_without_retry_after() {
    let err = status_error(
        Fault::json(429, json!({"detail": "Slow down.", "code": "throttled"}))
            .with_header("retry-after", "17"),
    )
    .await;
    assert_eq!(err.retry_after(), Some(Duration::from_secs(17)));
    assert_eq!(
        err.to_string(),
        "rate limited: wait 17 s before trying again"
    );
    let err = status_error(Fault::json(429, json!({"detail": "Slow down."}))).await;
    assert!(matches!(
        err,
        Error::RateLimited {
            retry_after: None,
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "rate limited: wait 60 s (the documented wait) before trying again"
    );
}

#[tokio::test]
async fn server_error_with_an_html_body() {
    let err = status_error(
        Fault::raw(502, "text/html", "<html><body>Bad Gateway</body></html>")
            .with_header("cf-ray", "8f1c2d3e4a5b6c7d-FRA"),
    )
    .await;
    match &err {
        Error::Server {
            status: 502,
            detail: Some(detail),
            request_id: Some(id),
        } => {
            assert!(detail.contains("Bad Gateway"));
            assert_eq!(id, "8f1c2d3e4a5b6c7d-FRA");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.request_id(), Some("8f1c2d3e4a5b6c7d-FRA"));
    assert!(
        err.to_string()
            .starts_with("the Webshare server failed with HTTP 502"),
        "{err}"
    );
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_that_withholds_the_body() {
    let err = status_error(Fault::raw(
        200,
        "application/json",
        r#"{"token": "abcdef0123"#,
    ))
    .await;
    match &err {
        Error::Decode {
            status: Some(200),
            body_snippet,
        } => {
            assert!(
                !body_snippet.contains("abcdef0123"),
                "a success body may hold a token: {body_snippet}"
            );
            assert!(body_snippet.contains("21 bytes withheld"), "{body_snippet}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_slow_answer_times_out() {
    // The answer comes after a minute; the client gives up after one second.
    let server = FaultServer::start(vec![Fault::Slow(
        Duration::from_secs(60),
        Box::new(Fault::raw(200, "application/json", ACTIVATION)),
    )])
    .await;
    let err = Client::builder()
        .base_url(&server.base_url)
        .api_key("test-key-123")
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap()
        .activation()
        .status()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { after, .. } if after == Duration::from_secs(1)),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_dropped_connection_is_a_connection_error() {
    let err = status_error(Fault::Drop).await;
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with("could not reach the server"),
        "{err}"
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_connection_error() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9/api/v2")
        .api_key("k")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    assert!(matches!(
        client.activation().status().await,
        Err(Error::Connection { .. })
    ));
}

#[tokio::test]
async fn idempotent_calls_are_retried_until_success() {
    let server = FaultServer::start(vec![
        Fault::raw(503, "text/html", "<h1>busy</h1>"),
        Fault::Drop,
        Fault::raw(200, "application/json", ACTIVATION),
    ])
    .await;
    let status = client(&server, fast()).activation().status().await.unwrap();
    assert_eq!(status.email_is_verified, Some(false));
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn retries_stop_after_the_policy_limit() {
    let server = FaultServer::start(vec![Fault::raw(500, "text/plain", "oops")]).await;
    let err = client(&server, fast())
        .activation()
        .status()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Server { status: 500, .. }));
    assert_eq!(server.request_count(), 3, "1 attempt + 2 retries");
}

#[tokio::test]
async fn retry_after_is_waited_for() {
    let server = FaultServer::start(vec![
        Fault::json(429, json!({"detail": "later"})).with_header("retry-after", "1"),
        Fault::raw(200, "application/json", ACTIVATION),
    ])
    .await;
    let log = support::Captured::default();
    let _guard = tracing::subscriber::set_default(log.subscriber());
    assert!(client(&server, fast()).activation().resend().await.is_ok());
    assert_eq!(server.request_count(), 2);
    // The retry waited the server's second (the backoff alone would have been at most 5 ms).
    let log = log.text();
    assert!(
        log.lines()
            .any(|l| l.contains("retrying") && l.contains("delay_ms=1000")),
        "{log}"
    );
}

#[tokio::test]
async fn non_idempotent_calls_are_not_retried_unless_opted_in() {
    let server = FaultServer::start(vec![Fault::raw(503, "text/html", "busy")]).await;
    let err = client(&server, fast())
        .login("jane@example.com", "Correct-Horse-9", "r")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Server { status: 503, .. }));
    assert_eq!(server.request_count(), 1);

    let server = FaultServer::start(vec![
        Fault::raw(503, "text/html", "busy"),
        Fault::json(200, json!({"token": "t0k"})),
    ])
    .await;
    let token = client(&server, fast().retry_non_idempotent(true))
        .login("jane@example.com", "Correct-Horse-9", "r")
        .await
        .unwrap();
    assert_eq!(token, Token::new("t0k"));
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_400_with_only_a_detail_becomes_a_non_field_error() {
    let server = FaultServer::start(vec![Fault::json(
        400,
        json!({"detail": "JSON parse error", "code": "parse_error"}),
    )])
    .await;
    let err = client(&server, RetryPolicy::none())
        .activation()
        .resend()
        .await
        .unwrap_err();
    match err {
        Error::Validation {
            non_field_errors, ..
        } => {
            assert_eq!(non_field_errors[0].message, "JSON parse error");
            assert_eq!(non_field_errors[0].code.as_deref(), Some("parse_error"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn requests_carry_the_token_user_agent_and_method() {
    let server = FaultServer::start(vec![Fault::raw(200, "application/json", ACTIVATION)]).await;
    client(&server, RetryPolicy::none())
        .activation()
        .resend()
        .await
        .unwrap();
    let request = server.last_request().to_ascii_lowercase();
    assert!(
        request.starts_with("post /api/v2/activation/resend/ http/1.1"),
        "{request}"
    );
    assert!(
        request.contains("authorization: token test-key-123\r\n"),
        "{request}"
    );
    assert!(
        request.contains(&format!(
            "user-agent: webshare-rs/{}\r\n",
            env!("CARGO_PKG_VERSION")
        )),
        "{request}"
    );
}

/// A path parameter of `.` or `..` cannot move a request to another path: it is written escaped, and since
/// reqwest's URL parser resolves dot-segments even escaped, the client refuses to send it (nothing reaches
/// the server); dots inside a value are sent as they are.
#[tokio::test]
async fn dot_segments_in_path_parameters_cannot_change_the_path() {
    use webshare::operations::DownloadProxyList;
    use webshare::types::{ProxyAuthenticationMethod, ProxyMode};
    let server = FaultServer::start(vec![Fault::raw(200, "text/plain", "")]).await;
    let client = client(&server, RetryPolicy::none());
    let download = |search: &str| {
        DownloadProxyList::new(
            "tok",
            ProxyAuthenticationMethod::Username,
            ProxyMode::Direct,
        )
        .search(search.to_owned())
    };
    for (search, segment) in [("..", "%2E%2E"), (".", "%2E")] {
        let params = download(search);
        let url = client.proxies().download_url(&params);
        assert!(url.ends_with(&format!("/direct/{segment}/")), "{url}");
        match client.proxies().download_bytes(&params).await {
            Err(Error::InvalidInput {
                field: "search",
                message,
            }) => {
                assert!(message.contains("path segment"), "{message}")
            }
            Err(other) => panic!("{search}: {other:?}"),
            Ok(_) => panic!("{search}: sent"),
        }
    }
    assert_eq!(server.request_count(), 0);
    drop(
        client
            .proxies()
            .download_bytes(&download("a..b"))
            .await
            .unwrap(),
    );
    let request = server.last_request();
    assert_eq!(
        request.lines().next().unwrap_or_default(),
        "GET /api/v2/proxy/list/download/tok/-/any/username/direct/a..b/ HTTP/1.1"
    );
}
