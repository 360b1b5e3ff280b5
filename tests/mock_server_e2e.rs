//! The generated client against a started `webshare-mock-server`: the whole account flow, and every
//! failure the server is meant to answer.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use webshare_api::{Client, Error, Secret, types};
use webshare_mock_server::{Config, EmailKind, FieldErrorStyle, MockServer};
use webshare_tests::api_client;

const EMAIL: &str = "jane@example.com";
const PASSWORD: &str = "Correct-Horse-Battery-9";

fn register_body(email: &str, password: &str) -> types::RegisterRequest {
    types::RegisterRequest {
        email: email.into(),
        password: password.into(),
        recaptcha: "recaptcha-ok".into(),
        tos_accepted: true,
        marketing_email_accepted: false,
    }
}

fn login_body(email: &str, password: &str) -> types::LoginRequest {
    types::LoginRequest {
        email: email.into(),
        password: password.into(),
        recaptcha: "recaptcha-ok".into(),
    }
}

async fn register(
    server: &MockServer,
    email: &str,
    password: &str,
) -> Result<types::RegisterResponse, Error<types::Error>> {
    let client = api_client(server.base_url(), None);
    client
        .register()
        .body(register_body(email, password))
        .send()
        .await
        .map(|r| r.into_inner())
}

async fn login(
    server: &MockServer,
    email: &str,
    password: &str,
) -> Result<Secret, Error<types::Error>> {
    let client = api_client(server.base_url(), None);
    client
        .login()
        .body(login_body(email, password))
        .send()
        .await
        .map(|r| r.into_inner().token)
}

fn authed(server: &MockServer, token: &Secret) -> Client {
    api_client(server.base_url(), Some(token.expose()))
}

/// The status and decoded body of a documented error.
fn documented<T: std::fmt::Debug>(result: Result<T, Error<types::Error>>) -> (u16, types::Error) {
    match result {
        Err(Error::ErrorResponse(response)) => (response.status().as_u16(), response.into_inner()),
        other => panic!("expected a documented error response, got {other:?}"),
    }
}

fn field_messages(error: &types::Error, field: &str) -> Vec<String> {
    let entries = if field == "non_field_errors" {
        &error.non_field_errors
    } else {
        &error.extra[field]
    };
    entries
        .iter()
        .map(|e| match e {
            types::FieldError::String(s) => s.clone(),
            types::FieldError::FieldErrorDetail(d) => d.message.clone(),
        })
        .collect()
}

#[tokio::test]
async fn the_whole_account_flow() {
    let server = MockServer::start_with(Config {
        resend_throttle: Duration::from_secs(3600),
        ..Config::default()
    })
    .await;
    assert!(
        server.base_url().starts_with("http://127.0.0.1:")
            && server.base_url().ends_with("/api/v2")
    );

    // Register.
    let registered = register(&server, EMAIL, PASSWORD).await.unwrap();
    assert!(!registered.logged_in_existing_user);
    assert_eq!(registered.token.expose().len(), 40);
    let first = registered.token;

    // Activation status of a fresh account.
    let status = authed(&server, &first)
        .get_activation()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(!status.email_is_verified);
    assert_eq!(status.last_time_email_verification_email_sent, None);
    assert_eq!(status.created_at, status.updated_at);

    // Resend: the email goes to the outbox and the timestamp is set.
    let resent = authed(&server, &first)
        .resend_activation()
        .send()
        .await
        .unwrap()
        .into_inner();
    let sent_at = resent
        .last_time_email_verification_email_sent
        .expect("resend sets the timestamp");
    let email = server
        .last_email(EMAIL, EmailKind::Activation)
        .expect("an activation email");
    assert_eq!(email.sent_at, sent_at);

    // Resending again at once is throttled, with Retry-After.
    match authed(&server, &first).resend_activation().send().await {
        Err(Error::ErrorResponse(response)) => {
            assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
            let wait: u64 = response.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((3590..=3600).contains(&wait), "Retry-After {wait}");
            assert_eq!(webshare_tests::error_code(&response), Some("throttled"));
        }
        other => panic!("expected a 429, got {other:?}"),
    }
    assert_eq!(server.outbox().len(), 1, "a throttled resend sends nothing");

    // Complete the activation without a token: a new token, and the old one still works.
    let anonymous = api_client(server.base_url(), None);
    let activated = anonymous
        .complete_activation()
        .body(types::ActivationCompleteRequest {
            activation_token: email.token.clone(),
        })
        .send()
        .await
        .unwrap()
        .into_inner()
        .token;
    assert_ne!(activated, first);
    for token in [&first, &activated] {
        let status = authed(&server, token)
            .get_activation()
            .send()
            .await
            .unwrap()
            .into_inner();
        assert!(status.email_is_verified);
        assert!(status.updated_at > status.created_at);
    }

    // Log in.
    let logged_in = login(&server, EMAIL, PASSWORD).await.unwrap();

    // Request a reset: 204, and a reset email.
    let response = anonymous
        .reset_password()
        .body(types::PasswordResetRequest {
            email: EMAIL.into(),
            recaptcha: "r".into(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let reset = server
        .last_email(EMAIL, EmailKind::PasswordReset)
        .expect("a reset email");

    // Complete it: a new token; every earlier token is rejected.
    let new_password = "Another-Strong-Pass-7";
    let after_reset = anonymous
        .complete_password_reset()
        .body(types::PasswordResetCompleteRequest {
            password: new_password.into(),
            password_reset_token: reset.token.clone(),
            recaptcha: "r".into(),
        })
        .send()
        .await
        .unwrap()
        .into_inner()
        .token;
    for old in [&first, &activated, &logged_in] {
        let (status, body) = documented(authed(&server, old).get_activation().send().await);
        assert_eq!(status, 401);
        assert_eq!(
            webshare_tests::error_code(&body),
            Some("authentication_failed")
        );
    }
    assert!(
        authed(&server, &after_reset)
            .get_activation()
            .send()
            .await
            .is_ok()
    );
    assert_eq!(documented(login(&server, EMAIL, PASSWORD).await).0, 400);
    assert!(login(&server, EMAIL, new_password).await.is_ok());

    // The reset code is single-use.
    let reuse = anonymous
        .complete_password_reset()
        .body(types::PasswordResetCompleteRequest {
            password: "Yet-Another-Pass-5".into(),
            password_reset_token: reset.token,
            recaptcha: "r".into(),
        })
        .send()
        .await;
    let (status, body) = documented(reuse);
    assert_eq!(status, 400);
    assert_eq!(
        field_messages(&body, "password_reset_token"),
        ["Invalid or expired password reset token."]
    );
}

#[tokio::test]
async fn register_rejects_each_rule_with_a_field_error() {
    let server = MockServer::start().await;
    let cases = [
        (
            "not-an-email",
            PASSWORD,
            "email",
            "Enter a valid email address.",
        ),
        (
            EMAIL,
            "short1",
            "password",
            "This password is too short. It must contain at least 8 characters.",
        ),
        (
            EMAIL,
            "98765432101",
            "password",
            "This password is entirely numeric.",
        ),
        (
            EMAIL,
            "password",
            "password",
            "This password is too common.",
        ),
        (
            "janedoe@example.com",
            "janedoe1",
            "password",
            "The password is too similar to the email.",
        ),
    ];
    for (email, password, field, message) in cases {
        let (status, body) = documented(register(&server, email, password).await);
        assert_eq!(status, 400, "{email} / {field}");
        assert!(
            field_messages(&body, field).contains(&message.to_string()),
            "{field}: {body:?}"
        );
    }
    let client = api_client(server.base_url(), None);
    let no_tos = types::RegisterRequest {
        tos_accepted: false,
        ..register_body(EMAIL, PASSWORD)
    };
    let (_, body) = documented(client.register().body(no_tos).send().await);
    assert_eq!(
        field_messages(&body, "tos_accepted"),
        ["You must accept the terms of service."]
    );
    assert!(server.outbox().is_empty());
}

#[tokio::test]
async fn a_configured_recaptcha_rejects_other_values() {
    let server = MockServer::start_with(Config {
        recaptcha: Some("the-right-one".into()),
        ..Config::default()
    })
    .await;
    let (status, body) = documented(register(&server, EMAIL, PASSWORD).await);
    assert_eq!(status, 400);
    assert_eq!(
        field_messages(&body, "recaptcha"),
        ["Invalid recaptcha. Please try again."]
    );
    let client = api_client(server.base_url(), None);
    let body = types::RegisterRequest {
        recaptcha: "the-right-one".into(),
        ..register_body(EMAIL, PASSWORD)
    };
    assert!(client.register().body(body).send().await.is_ok());
}

#[tokio::test]
async fn registering_an_existing_email() {
    let server = MockServer::start().await;
    let first = register(&server, EMAIL, PASSWORD).await.unwrap();
    let again = register(&server, "JANE@example.com", PASSWORD)
        .await
        .unwrap();
    assert!(again.logged_in_existing_user);
    assert_ne!(again.token, first.token, "a fresh token each time");
    let (status, body) = documented(register(&server, EMAIL, "Wrong-Password-123").await);
    assert_eq!(status, 400);
    assert_eq!(
        field_messages(&body, "email"),
        ["A user with this email address already exists."]
    );
}

#[tokio::test]
async fn login_failures_do_not_reveal_whether_the_email_exists() {
    let server = MockServer::start().await;
    register(&server, EMAIL, PASSWORD).await.unwrap();
    let wrong_password = documented(login(&server, EMAIL, "Wrong-Password-123").await);
    let unknown_email = documented(login(&server, "nobody@example.com", PASSWORD).await);
    assert_eq!(wrong_password, unknown_email);
    assert_eq!(wrong_password.0, 400);
    assert_eq!(
        field_messages(&wrong_password.1, "non_field_errors"),
        ["Unable to log in with provided credentials."]
    );
}

#[tokio::test]
async fn token_endpoints_need_a_valid_token() {
    let server = MockServer::start().await;
    let (status, body) = documented(
        api_client(server.base_url(), None)
            .get_activation()
            .send()
            .await,
    );
    assert_eq!(
        (status, webshare_tests::error_code(&body)),
        (401, Some("not_authenticated"))
    );
    let (status, body) = documented(
        api_client(server.base_url(), Some("f00"))
            .resend_activation()
            .send()
            .await,
    );
    assert_eq!(
        (status, webshare_tests::error_code(&body)),
        (401, Some("authentication_failed"))
    );
    // Optional auth still rejects a bad token, as the real service does.
    let complete = api_client(server.base_url(), Some("f00"))
        .complete_activation()
        .body(types::ActivationCompleteRequest {
            activation_token: "x".into(),
        })
        .send()
        .await;
    assert_eq!(documented(complete).0, 401);
}

#[tokio::test]
async fn activation_tokens_are_single_use_and_unknown_ones_are_rejected() {
    let server = MockServer::start().await;
    let token = register(&server, EMAIL, PASSWORD).await.unwrap().token;
    authed(&server, &token)
        .resend_activation()
        .send()
        .await
        .unwrap();
    let code = server
        .last_email(EMAIL, EmailKind::Activation)
        .unwrap()
        .token;
    let client = api_client(server.base_url(), None);
    let complete = |code: Secret| {
        client
            .complete_activation()
            .body(types::ActivationCompleteRequest {
                activation_token: code,
            })
            .send()
    };
    let (status, body) = documented(complete("0000".into()).await);
    assert_eq!(status, 400);
    assert_eq!(
        field_messages(&body, "activation_token"),
        ["Invalid or already used activation token."]
    );
    complete(code.clone()).await.unwrap();
    assert_eq!(documented(complete(code).await).0, 400);
    // Verified accounts get no more activation emails.
    let (status, body) = documented(authed(&server, &token).resend_activation().send().await);
    assert_eq!(status, 400);
    assert_eq!(
        field_messages(&body, "non_field_errors"),
        ["The email address is already verified."]
    );
}

#[tokio::test]
async fn reset_requests_answer_204_for_unknown_emails_and_send_nothing() {
    let server = MockServer::start().await;
    let client = api_client(server.base_url(), None);
    let response = client
        .reset_password()
        .body(types::PasswordResetRequest {
            email: "nobody@example.com".into(),
            recaptcha: "r".into(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(server.outbox().is_empty());
    let bad = client
        .reset_password()
        .body(types::PasswordResetRequest {
            email: "nobody".into(),
            recaptcha: "r".into(),
        })
        .send()
        .await;
    let (status, body) = documented(bad);
    assert_eq!(status, 400);
    assert_eq!(
        field_messages(&body, "email"),
        ["Enter a valid email address."]
    );
}

#[tokio::test]
async fn a_weak_new_password_is_refused_and_the_code_survives() {
    let server = MockServer::start().await;
    register(&server, EMAIL, PASSWORD).await.unwrap();
    let client = api_client(server.base_url(), None);
    client
        .reset_password()
        .body(types::PasswordResetRequest {
            email: EMAIL.into(),
            recaptcha: "r".into(),
        })
        .send()
        .await
        .unwrap();
    let code = server
        .last_email(EMAIL, EmailKind::PasswordReset)
        .unwrap()
        .token;
    let attempt = |password: &'static str| {
        client
            .complete_password_reset()
            .body(types::PasswordResetCompleteRequest {
                password: password.into(),
                password_reset_token: code.clone(),
                recaptcha: "r".into(),
            })
            .send()
    };
    let (status, body) = documented(attempt("12345678901").await);
    assert_eq!(status, 400);
    assert_eq!(
        field_messages(&body, "password"),
        ["This password is entirely numeric."]
    );
    assert!(attempt("Good-New-Password-1").await.is_ok());
}

#[tokio::test]
async fn field_errors_can_be_objects_and_the_client_decodes_them() {
    let server = MockServer::start_with(Config {
        field_error_style: FieldErrorStyle::Objects,
        ..Config::default()
    })
    .await;
    let (_, body) = documented(register(&server, "nope", PASSWORD).await);
    assert_eq!(
        body.extra["email"],
        vec![types::FieldError::FieldErrorDetail(
            types::FieldErrorDetail {
                message: "Enter a valid email address.".into(),
                code: Some("invalid".into()),
            }
        )]
    );
}

/// Raw HTTP for what the typed client cannot send.
async fn raw(
    server: &MockServer,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut request = reqwest::Client::new()
        .request(
            method.parse().unwrap(),
            format!("{}{path}", server.base_url()),
        )
        .body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body: Value = response.json().await.expect("every error body is JSON");
    (status, headers, body)
}

#[tokio::test]
async fn malformed_requests_get_4xx_in_the_error_shape() {
    let server = MockServer::start().await;
    let json_ct = Some("application/json");
    let (status, _, body) = raw(&server, "POST", "/login/", json_ct, b"{not json".to_vec()).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("parse_error")));
    let (status, _, body) = raw(&server, "POST", "/login/", json_ct, b"[1, 2]".to_vec()).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["non_field_errors"],
        json!(["Invalid data. Expected a dictionary, but got list."])
    );
    let (status, _, body) = raw(
        &server,
        "POST",
        "/login/",
        json_ct,
        br#"{"email": 5, "password": true}"#.to_vec(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["email"], json!(["Not a valid string."]));
    assert_eq!(body["password"], json!(["Not a valid string."]));
    assert_eq!(body["recaptcha"], json!(["This field is required."]));
    let (status, _, body) = raw(
        &server,
        "POST",
        "/register/",
        json_ct,
        br#"{"tos_accepted": "yes"}"#.to_vec(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["tos_accepted"], json!(["Must be a valid boolean."]));
    let (status, _, body) = raw(
        &server,
        "POST",
        "/login/",
        Some("text/plain"),
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (415, Some("unsupported_media_type"))
    );
    let (status, _, body) = raw(&server, "POST", "/login/", json_ct, vec![b' '; 70 * 1024]).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (413, Some("request_too_large"))
    );
    let (status, _, body) = raw(&server, "GET", "/no-such-thing/", None, vec![]).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    let (status, headers, body) = raw(&server, "DELETE", "/login/", None, vec![]).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (405, Some("method_not_allowed"))
    );
    assert_eq!(headers["allow"], "POST");
    let (status, headers, _) = raw(&server, "PUT", "/activation/", None, vec![]).await;
    assert_eq!(status, 405);
    assert!(headers["allow"].to_str().unwrap().contains("GET"));
}

#[tokio::test]
async fn the_outbox_route_lists_emails_with_their_codes() {
    let server = MockServer::start().await;
    let token = register(&server, EMAIL, PASSWORD).await.unwrap().token;
    register(&server, "other@example.com", PASSWORD)
        .await
        .unwrap();
    authed(&server, &token)
        .resend_activation()
        .send()
        .await
        .unwrap();
    let emails: Value = reqwest::get(format!("{}?to={EMAIL}", server.outbox_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let emails = emails.as_array().unwrap();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0]["kind"], "activation");
    assert_eq!(emails[0]["to"], EMAIL);
    assert_eq!(emails[0]["token"], server.outbox()[0].token.expose());
    // The library's Debug keeps the code out of logs.
    assert!(!format!("{:?}", server.outbox()).contains(server.outbox()[0].token.expose()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_are_safe() {
    let server = MockServer::start().await;
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let base = server.base_url().to_owned();
            tokio::spawn(async move {
                let client = api_client(&base, None);
                let email = format!("user{i}@example.com");
                let registered = client
                    .register()
                    .body(register_body(&email, PASSWORD))
                    .send()
                    .await
                    .unwrap();
                let token = client
                    .login()
                    .body(login_body(&email, PASSWORD))
                    .send()
                    .await
                    .unwrap()
                    .into_inner()
                    .token;
                (registered.into_inner().token, token)
            })
        })
        .collect();
    let mut tokens = std::collections::HashSet::new();
    for task in tasks {
        let (a, b) = task.await.unwrap();
        tokens.insert(a.expose().to_owned());
        tokens.insert(b.expose().to_owned());
    }
    assert_eq!(tokens.len(), 128, "every token is distinct");
}

#[tokio::test]
async fn dropping_the_server_stops_it() {
    let server = MockServer::start().await;
    let base = server.base_url().to_owned();
    assert!(
        api_client(&base, None)
            .get_activation()
            .send()
            .await
            .is_err()
    );
    drop(server);
    // Shutdown is asynchronous: poll (bounded) until the port refuses connections.
    let fresh = || {
        reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap()
    };
    let mut refused = false;
    for _ in 0..200 {
        if fresh()
            .get(format!("{base}/activation/"))
            .send()
            .await
            .is_err()
        {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "the server still answers after being dropped");
}
