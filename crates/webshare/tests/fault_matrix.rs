//! The fault matrix: every way a server or network can misbehave, against a safe operation
//! (`get_activation`, retried by default) and an unsafe one (`login`, never retried by default). Each
//! fault gives one typed error, never a panic, and the server counts that only the safe operation was
//! retried, and only for faults that another attempt may not meet.

mod support;

use std::time::Duration;

use serde_json::json;
use support::{Fault, FaultServer};
use webshare::{Client, Error, RetryPolicy};

/// Up to 2 retries with a negligible backoff; a server's wait is honoured up to 1 s.
fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(2)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(2))
        .max_retry_after(Duration::from_secs(1))
}

fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .api_key("matrix-key")
        .retry_policy(policy())
        // A fault's answer arrives at once; only the slow-body fault needs the timeout.
        .timeout(Duration::from_secs(2))
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap()
}

/// What a fault must turn into.
type Expect = fn(&Error) -> bool;

struct Case {
    name: &'static str,
    fault: Fault,
    expect: Expect,
    /// Another attempt may succeed: the safe operation is retried (3 requests in all).
    transient: bool,
}

fn cases() -> Vec<Case> {
    let html = |status| Fault::raw(status, "text/html", "<html><body>Bad gateway</body></html>");
    vec![
        Case {
            name: "reset mid-body",
            fault: Fault::PartialBody {
                announced: 200,
                sent: 20,
                then: Duration::ZERO,
            },
            expect: |e| matches!(e, Error::Connection { .. }),
            transient: true,
        },
        Case {
            name: "a body slower than the timeout",
            fault: Fault::PartialBody {
                announced: 200,
                sent: 20,
                then: Duration::from_secs(60),
            },
            expect: |e| matches!(e, Error::Timeout { .. }),
            transient: true,
        },
        Case {
            name: "429 with Retry-After",
            fault: Fault::json(429, json!({"detail": "slow down", "code": "throttled"}))
                .with_header("retry-after", "0"),
            expect: |e| matches!(e, Error::RateLimited { retry_after: Some(d), .. } if d.is_zero()),
            transient: true,
        },
        Case {
            name: "429 without Retry-After (the documented 60 s is beyond the 1 s the policy waits)",
            fault: Fault::json(429, json!({"detail": "slow down"})),
            expect: |e| {
                matches!(
                    e,
                    Error::RateLimited {
                        retry_after: None,
                        ..
                    }
                )
            },
            transient: false,
        },
        Case {
            name: "502 with an HTML body",
            fault: html(502),
            expect: |e| matches!(e, Error::Server { status: 502, detail: Some(d), .. } if d.contains("Bad gateway")),
            transient: true,
        },
        Case {
            name: "truncated JSON",
            fault: Fault::raw(200, "application/json", r#"{"token": "ab"#),
            expect: |e| {
                matches!(
                    e,
                    Error::Decode {
                        status: Some(200),
                        ..
                    }
                )
            },
            transient: false,
        },
        Case {
            name: "wrong-typed JSON",
            fault: Fault::json(200, json!({"token": 5, "email_is_verified": "yes"})),
            // Named by field and kind, never by value.
            expect: |e| {
                matches!(
                    e,
                    Error::SpecMismatch {
                        status: 200,
                        difference,
                        ..
                    } if ["token", "email_is_verified"].contains(&difference.path.as_str())
                        && difference.found != webshare::ValueKind::Unknown
                ) && !e.to_string().contains("yes")
            },
            transient: false,
        },
        Case {
            name: "an empty 200",
            fault: Fault::raw(200, "application/json", ""),
            expect: |e| {
                matches!(
                    e,
                    Error::Decode {
                        status: Some(200),
                        ..
                    }
                )
            },
            transient: false,
        },
        Case {
            name: "an oversized body",
            fault: Fault::raw(
                200,
                "application/json",
                &format!(r#"{{"token": "{}"}}"#, "a".repeat(200 * 1024)),
            ),
            expect: |e| matches!(e, Error::ResponseTooLarge { limit: 65536 }),
            transient: false,
        },
        Case {
            name: "a redirect to another host",
            fault: Fault::raw(307, "text/plain", "")
                .with_header("location", "http://collector.example/steal?x=1"),
            expect: |e| matches!(e, Error::Redirect { status: 307, location: Some(h) } if h == "collector.example"),
            transient: false,
        },
        Case {
            name: "an undocumented status",
            fault: Fault::json(418, json!({"detail": "teapot"})),
            expect: |e| matches!(e, Error::Api { status: 418, .. }),
            transient: false,
        },
        Case {
            name: "401",
            fault: Fault::json(
                401,
                json!({"detail": "Invalid token.", "code": "authentication_failed"}),
            ),
            expect: |e| matches!(e, Error::Unauthorized { .. }),
            transient: false,
        },
        Case {
            name: "403 2fa_needed",
            fault: Fault::json(
                403,
                json!({"detail": "Two factor authentication is needed.", "code": "2fa_needed"}),
            ),
            expect: Error::is_two_factor_required,
            transient: false,
        },
        Case {
            name: "403 account_deleted",
            fault: Fault::json(
                403,
                json!({"detail": "Your account is deleted.", "code": "account_deleted"}),
            ),
            expect: Error::is_account_deleted,
            transient: false,
        },
        Case {
            name: "403 without a body",
            fault: Fault::raw(403, "text/plain", ""),
            expect: |e| matches!(e, Error::Forbidden { code: None, .. }),
            transient: false,
        },
    ]
}

#[tokio::test]
async fn every_fault_is_one_typed_error_and_only_safe_calls_are_retried() {
    for case in cases() {
        // Safe: retried while the fault may pass.
        let server = FaultServer::start(vec![case.fault.clone()]).await;
        let err = client(&server.base_url)
            .activation()
            .status()
            .await
            .expect_err(case.name);
        assert!(
            (case.expect)(&err),
            "{}: get_activation gave {err:?}",
            case.name
        );
        let expected = if case.transient { 3 } else { 1 };
        assert_eq!(
            server.request_count(),
            expected,
            "{}: get_activation requests",
            case.name
        );

        // Unsafe: sent once, whatever happens.
        let server = FaultServer::start(vec![case.fault]).await;
        let err = client(&server.base_url)
            .login("jane@example.com", "Correct-Horse-9", "recaptcha")
            .await
            .expect_err(case.name);
        assert!((case.expect)(&err), "{}: login gave {err:?}", case.name);
        assert_eq!(server.request_count(), 1, "{}: login requests", case.name);
    }
}

#[tokio::test]
async fn a_refused_connection_is_a_connection_error_that_keeps_its_cause() {
    // A port that was just free: nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}/api");
    let err = client(&base).activation().status().await.unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    let source = std::error::Error::source(&err).expect("the reqwest error is the source");
    assert!(source.downcast_ref::<reqwest::Error>().is_some());

    // The cause carries no URL: a download's path holds its token.
    let download = webshare::operations::DownloadProxyList::new(
        "d0wnl0ad-t0ken",
        webshare::types::ProxyAuthenticationMethod::Username,
        webshare::types::ProxyMode::Direct,
    );
    let err = client(&base)
        .proxies()
        .download(&download)
        .await
        .err()
        .unwrap();
    let mut chain = format!("{err} {err:?}");
    let mut cause = std::error::Error::source(&err);
    while let Some(c) = cause {
        chain.push_str(&format!(" {c} {c:?}"));
        cause = c.source();
    }
    assert!(!chain.contains("d0wnl0ad-t0ken"), "{chain}");
}

#[tokio::test]
async fn a_timeout_keeps_its_cause() {
    let server = FaultServer::start(vec![Fault::PartialBody {
        announced: 10,
        sent: 1,
        then: Duration::from_secs(60),
    }])
    .await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .api_key("k")
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let err = client.activation().status().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                source: Some(_),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn a_200_with_a_body_for_a_204_operation_is_a_success() {
    let server = FaultServer::start(vec![Fault::json(200, json!({}))]).await;
    client(&server.base_url)
        .password()
        .request_reset("jane@example.com", "recaptcha")
        .await
        .unwrap();
}

#[tokio::test]
async fn server_messages_are_capped() {
    let long = "x".repeat(100_000);
    let server = FaultServer::start(vec![Fault::json(
        400,
        json!({"detail": long, "password": [long]}),
    )])
    .await;
    // The default body limit (2 MiB) lets these 200 KB through; the messages kept are cut.
    let err = Client::builder()
        .base_url(&server.base_url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
        .login("jane@example.com", "Correct-Horse-9", "recaptcha")
        .await
        .unwrap_err();
    let kept = &err.field_errors("password")[0].message;
    assert_eq!(
        kept.chars().count(),
        webshare::MAX_MESSAGE_CHARS + 1,
        "the cut is marked with …"
    );
    assert!(err.to_string().chars().count() < 2 * webshare::MAX_MESSAGE_CHARS + 200);
}
