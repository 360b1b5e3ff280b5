//! The `webshare` client against a started `webshare-mock-server`: the whole account flow, and every
//! failure the server is meant to answer.
//!
//! Where the client cannot say what is under test (requests it refuses to send, exact status codes and
//! bodies, machine codes its errors do not keep), the test speaks raw HTTP, with the method and path of
//! the generated `webshare_api::operations` facts.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};
use webshare::{Client, Error, FieldError, Registered, Registration, RetryPolicy, Token};
use webshare_api::Operation;
use webshare_api::operations::{
    ALL, COMPLETE_PASSWORD_RESET, GET_ACTIVATION, LOGIN, REGISTER, RESEND_ACTIVATION,
    RESET_PASSWORD, SERVER_URL,
};
use webshare_mock_server::{Config, EmailKind, FieldErrorStyle, MockServer};

const EMAIL: &str = "jane@example.com";
const PASSWORD: &str = "Correct-Horse-Battery-9";

/// A client of `server` without a token that never retries: every answer is the server's first.
fn anonymous(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

fn authed(server: &MockServer, token: &Token) -> Client {
    anonymous(server).with_token(token).unwrap()
}

fn registration(email: &str, password: &str) -> Registration {
    Registration::new(email, password, "recaptcha-ok").accept_terms_of_service()
}

async fn register(server: &MockServer, email: &str, password: &str) -> Result<Registered, Error> {
    anonymous(server)
        .register(&registration(email, password))
        .await
}

async fn login(server: &MockServer, email: &str, password: &str) -> Result<Token, Error> {
    anonymous(server)
        .login(email, password, "recaptcha-ok")
        .await
}

/// The messages of `errors`.
fn messages(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|e| e.message.as_str()).collect()
}

/// The messages of a 400 about the request as a whole.
fn general_messages(err: &Error) -> Vec<&str> {
    match err {
        Error::Validation {
            non_field_errors, ..
        } => messages(non_field_errors),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// A raw request for `operation` (its method and path).
fn raw(server: &MockServer, operation: &Operation) -> RequestBuilder {
    raw_at(server, operation.method.clone(), operation.path)
}

fn raw_at(server: &MockServer, method: Method, path: &str) -> RequestBuilder {
    reqwest::Client::new().request(method, format!("{}{path}", server.base_url()))
}

/// A raw JSON request body.
fn json_body(request: RequestBuilder, body: impl Into<Vec<u8>>) -> RequestBuilder {
    request
        .header("content-type", "application/json")
        .body(body.into())
}

/// The status, headers and JSON body (`null` when empty) of a raw request's answer.
async fn answer(request: RequestBuilder) -> (u16, HeaderMap, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("every body is JSON")
    };
    (status, headers, body)
}

#[tokio::test]
async fn the_whole_account_flow() {
    let server =
        MockServer::start_with(Config::default().resend_throttle(Duration::from_secs(3600))).await;
    let server_path = reqwest::Url::parse(SERVER_URL).unwrap().path().to_owned();
    assert_eq!(
        server.base_url(),
        format!("http://{}{server_path}", server.addr())
    );

    // Register.
    let registered = register(&server, EMAIL, PASSWORD).await.unwrap();
    assert!(!registered.logged_in_existing_user);
    assert_eq!(registered.token.expose().len(), 40);
    let first = registered.token;

    // Activation status of a fresh account.
    let status = authed(&server, &first).activation().status().await.unwrap();
    assert_eq!(status.email_is_verified, Some(false));
    assert_eq!(status.last_time_email_verification_email_sent, None);
    assert_eq!(status.created_at, status.updated_at);

    // Resend: the email goes to the outbox and the timestamp is set.
    let resent = authed(&server, &first).activation().resend().await.unwrap();
    let sent_at = resent
        .last_time_email_verification_email_sent
        .expect("resend sets the timestamp");
    let email = server
        .last_email(EMAIL, EmailKind::Activation)
        .expect("an activation email");
    assert_eq!(email.sent_at, sent_at);

    // Resending again at once is throttled, with Retry-After...
    match authed(&server, &first).activation().resend().await {
        Err(Error::RateLimited {
            retry_after: Some(wait),
            ..
        }) => assert!(
            (3590..=3600).contains(&wait.as_secs()),
            "Retry-After {wait:?}"
        ),
        other => panic!("expected a 429 with Retry-After, got {other:?}"),
    }
    // ...and the machine code `throttled`.
    let (status, headers, body) = answer(
        raw(&server, &RESEND_ACTIVATION)
            .header("authorization", format!("Token {}", first.expose())),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (429, Some("throttled")));
    assert!(headers.contains_key("retry-after"));
    assert_eq!(server.outbox().len(), 1, "a throttled resend sends nothing");

    // Complete the activation without a token: a new token, and the old one still works.
    let anonymous = anonymous(&server);
    let activated = anonymous
        .activation()
        .complete(email.token.clone())
        .await
        .unwrap();
    assert_ne!(activated, first);
    for token in [&first, &activated] {
        let status = authed(&server, token).activation().status().await.unwrap();
        assert_eq!(status.email_is_verified, Some(true));
        assert!(status.updated_at > status.created_at);
    }

    // Log in.
    let logged_in = login(&server, EMAIL, PASSWORD).await.unwrap();

    // Request a reset: a reset email.
    anonymous
        .password()
        .request_reset(EMAIL, "r")
        .await
        .unwrap();
    let reset = server
        .last_email(EMAIL, EmailKind::PasswordReset)
        .expect("a reset email");

    // Complete it: a new token; every earlier token is rejected.
    let new_password = "Another-Strong-Pass-7";
    let after_reset = anonymous
        .password()
        .complete_reset(reset.token.clone(), new_password, "r")
        .await
        .unwrap();
    for old in [&first, &activated, &logged_in] {
        match authed(&server, old).activation().status().await {
            Err(Error::Unauthorized { .. }) => {}
            other => panic!("expected a 401, got {other:?}"),
        }
    }
    authed(&server, &after_reset)
        .activation()
        .status()
        .await
        .unwrap();
    let old_password = login(&server, EMAIL, PASSWORD).await.unwrap_err();
    assert_eq!(old_password.status(), Some(400), "{old_password:?}");
    login(&server, EMAIL, new_password).await.unwrap();

    // The reset code is single-use.
    let reuse = anonymous
        .password()
        .complete_reset(reset.token, "Yet-Another-Pass-5", "r")
        .await
        .unwrap_err();
    assert_eq!(
        messages(reuse.field_errors("password_reset_token")),
        ["Invalid or expired password reset token."]
    );
}

#[tokio::test]
async fn register_rejects_each_rule_with_a_field_error() {
    let server = MockServer::start().await;
    // The rules the client also checks before sending: the server enforces them for any client.
    let refused_locally = [
        (
            "not-an-email",
            PASSWORD,
            true,
            "email",
            "Enter a valid email address.",
        ),
        (
            EMAIL,
            "short1",
            true,
            "password",
            "This password is too short. It must contain at least 8 characters.",
        ),
        (
            EMAIL,
            "98765432101",
            true,
            "password",
            "This password is entirely numeric.",
        ),
        (
            EMAIL,
            PASSWORD,
            false,
            "tos_accepted",
            "You must accept the terms of service.",
        ),
    ];
    for (email, password, tos_accepted, field, message) in refused_locally {
        let mut local = registration(email, password);
        local.tos_accepted = tos_accepted;
        match anonymous(&server).register(&local).await {
            Err(Error::InvalidInput { field: refused, .. }) => assert_eq!(refused, field),
            other => panic!("the client sent a registration with a bad {field}: {other:?}"),
        }
        let body = json!({
            "email": email, "password": password, "recaptcha": "r",
            "tos_accepted": tos_accepted, "marketing_email_accepted": false,
        });
        let (status, _, answer) =
            answer(json_body(raw(&server, &REGISTER), body.to_string())).await;
        assert_eq!(status, 400, "{body}");
        assert!(
            answer[field].as_array().unwrap().contains(&json!(message)),
            "{field}: {answer}"
        );
    }
    // The rules only the server knows.
    let cases = [
        (EMAIL, "password", "This password is too common."),
        (
            "janedoe@example.com",
            "janedoe1",
            "The password is too similar to the email.",
        ),
    ];
    for (email, password, message) in cases {
        let err = register(&server, email, password).await.unwrap_err();
        assert!(
            messages(err.field_errors("password")).contains(&message),
            "{password}: {err:?}"
        );
    }
    assert!(server.outbox().is_empty());
}

#[tokio::test]
async fn a_configured_recaptcha_rejects_other_values() {
    let server = MockServer::start_with(Config::default().recaptcha("the-right-one")).await;
    let err = register(&server, EMAIL, PASSWORD).await.unwrap_err();
    assert_eq!(
        messages(err.field_errors("recaptcha")),
        ["Invalid recaptcha. Please try again."]
    );
    let right = Registration::new(EMAIL, PASSWORD, "the-right-one").accept_terms_of_service();
    anonymous(&server).register(&right).await.unwrap();
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
    let err = register(&server, EMAIL, "Wrong-Password-123")
        .await
        .unwrap_err();
    assert_eq!(
        messages(err.field_errors("email")),
        ["A user with this email address already exists."]
    );
}

#[tokio::test]
async fn login_failures_do_not_reveal_whether_the_email_exists() {
    let server = MockServer::start().await;
    register(&server, EMAIL, PASSWORD).await.unwrap();
    let wrong_password = login(&server, EMAIL, "Wrong-Password-123")
        .await
        .unwrap_err();
    let unknown_email = login(&server, "nobody@example.com", PASSWORD)
        .await
        .unwrap_err();
    // The same answer, but for its request id (each answer has its own).
    let shown = |error: &webshare::Error| {
        let id = error
            .request_id()
            .expect("the mock server sends a request id");
        format!("{error:?}").replace(id, "<request id>")
    };
    assert_ne!(wrong_password.request_id(), unknown_email.request_id());
    assert_eq!(shown(&wrong_password), shown(&unknown_email));
    assert_eq!(wrong_password.status(), Some(400));
    assert_eq!(
        general_messages(&wrong_password),
        ["Unable to log in with provided credentials."]
    );
}

#[tokio::test]
async fn token_endpoints_need_a_valid_token() {
    let server = MockServer::start().await;
    // Without a token the client does not even ask...
    match anonymous(&server).activation().status().await {
        Err(Error::Config { .. }) => {}
        other => panic!("expected the client to refuse, got {other:?}"),
    }
    // ...and the server says 401.
    let (status, _, body) = answer(raw(&server, &GET_ACTIVATION)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("not_authenticated"))
    );

    let unknown = Token::new("f00");
    match authed(&server, &unknown).activation().resend().await {
        Err(Error::Unauthorized { .. }) => {}
        other => panic!("expected a 401, got {other:?}"),
    }
    let (status, _, body) =
        answer(raw(&server, &RESEND_ACTIVATION).header("authorization", "Token f00")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("authentication_failed"))
    );
    // Optional auth still rejects a bad token, as the real service does.
    let complete = authed(&server, &unknown).activation().complete("x").await;
    assert!(
        matches!(complete, Err(Error::Unauthorized { .. })),
        "{complete:?}"
    );
}

#[tokio::test]
async fn activation_tokens_are_single_use_and_unknown_ones_are_rejected() {
    let server = MockServer::start().await;
    let token = register(&server, EMAIL, PASSWORD).await.unwrap().token;
    authed(&server, &token).activation().resend().await.unwrap();
    let code = server
        .last_email(EMAIL, EmailKind::Activation)
        .unwrap()
        .token;
    let client = anonymous(&server);
    let err = client.activation().complete("0000").await.unwrap_err();
    assert_eq!(
        messages(err.field_errors("activation_token")),
        ["Invalid or already used activation token."]
    );
    client.activation().complete(code.clone()).await.unwrap();
    let again = client.activation().complete(code).await.unwrap_err();
    assert_eq!(again.status(), Some(400));
    // Verified accounts get no more activation emails.
    let err = authed(&server, &token)
        .activation()
        .resend()
        .await
        .unwrap_err();
    assert_eq!(
        general_messages(&err),
        ["The email address is already verified."]
    );
}

#[tokio::test]
async fn reset_requests_answer_204_for_unknown_emails_and_send_nothing() {
    let server = MockServer::start().await;
    anonymous(&server)
        .password()
        .request_reset("nobody@example.com", "r")
        .await
        .unwrap();
    let (status, _, body) = answer(json_body(
        raw(&server, &RESET_PASSWORD),
        json!({"email": "nobody@example.com", "recaptcha": "r"}).to_string(),
    ))
    .await;
    assert_eq!((status, body), (204, Value::Null));
    assert!(server.outbox().is_empty());
    // A malformed address, which the client would not send.
    let (status, _, body) = answer(json_body(
        raw(&server, &RESET_PASSWORD),
        json!({"email": "nobody", "recaptcha": "r"}).to_string(),
    ))
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["email"], json!(["Enter a valid email address."]));
}

#[tokio::test]
async fn a_weak_new_password_is_refused_and_the_code_survives() {
    let server = MockServer::start().await;
    register(&server, EMAIL, PASSWORD).await.unwrap();
    let client = anonymous(&server);
    client.password().request_reset(EMAIL, "r").await.unwrap();
    let code = server
        .last_email(EMAIL, EmailKind::PasswordReset)
        .unwrap()
        .token;
    let err = client
        .password()
        .complete_reset(code.clone(), "password", "r")
        .await
        .unwrap_err();
    assert_eq!(
        messages(err.field_errors("password")),
        ["This password is too common."]
    );
    // What the client would refuse to send is refused by the server too, and the code still survives.
    let (status, _, body) = answer(json_body(
        raw(&server, &COMPLETE_PASSWORD_RESET),
        json!({"password": "12345678901", "password_reset_token": code.expose(), "recaptcha": "r"})
            .to_string(),
    ))
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["password"],
        json!(["This password is entirely numeric."])
    );
    client
        .password()
        .complete_reset(code, "Good-New-Password-1", "r")
        .await
        .unwrap();
}

#[tokio::test]
async fn field_errors_can_be_objects_and_the_client_decodes_them() {
    let server =
        MockServer::start_with(Config::default().field_error_style(FieldErrorStyle::Objects)).await;
    let err = register(&server, EMAIL, "password").await.unwrap_err();
    assert_eq!(
        err.field_errors("password"),
        [FieldError::new("This password is too common.").with_code("password_too_common")]
    );
}

#[tokio::test]
async fn malformed_requests_get_4xx_in_the_error_shape() {
    let server = MockServer::start().await;
    let login = || raw(&server, &LOGIN);
    let (status, _, body) = answer(json_body(login(), "{not json")).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("parse_error")));
    let (status, _, body) = answer(json_body(login(), "[1, 2]")).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["non_field_errors"],
        json!(["Invalid data. Expected a dictionary, but got list."])
    );
    let (status, _, body) = answer(json_body(login(), r#"{"email": 5, "password": true}"#)).await;
    assert_eq!(status, 400);
    assert_eq!(body["email"], json!(["Not a valid string."]));
    assert_eq!(body["password"], json!(["Not a valid string."]));
    assert_eq!(body["recaptcha"], json!(["This field is required."]));
    let (status, _, body) = answer(json_body(
        raw(&server, &REGISTER),
        r#"{"tos_accepted": "yes"}"#,
    ))
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["tos_accepted"], json!(["Must be a valid boolean."]));
    let (status, _, body) = answer(login().header("content-type", "text/plain").body("{}")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (415, Some("unsupported_media_type"))
    );
    let (status, _, body) = answer(json_body(login(), vec![b' '; 70 * 1024])).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (413, Some("request_too_large"))
    );
    let unknown = format!("{}no-such-thing/", LOGIN.path);
    assert!(ALL.iter().all(|operation| operation.path != unknown));
    let (status, _, body) = answer(raw_at(&server, Method::GET, &unknown)).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    let (status, headers, body) = answer(raw_at(&server, Method::DELETE, LOGIN.path)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (405, Some("method_not_allowed"))
    );
    assert_eq!(headers["allow"], LOGIN.method.as_str());
    let (status, headers, _) = answer(raw_at(&server, Method::PUT, GET_ACTIVATION.path)).await;
    assert_eq!(status, 405);
    assert!(
        headers["allow"]
            .to_str()
            .unwrap()
            .contains(GET_ACTIVATION.method.as_str())
    );
}

#[tokio::test]
async fn the_outbox_route_lists_emails_with_their_codes() {
    let server = MockServer::start().await;
    let token = register(&server, EMAIL, PASSWORD).await.unwrap().token;
    register(&server, "other@example.com", PASSWORD)
        .await
        .unwrap();
    authed(&server, &token).activation().resend().await.unwrap();
    let outbox = format!("{}?to={EMAIL}", server.outbox_url());
    // Without the server's control secret, the route does not exist.
    assert_eq!(reqwest::get(&outbox).await.unwrap().status(), 404);
    let emails: Value = reqwest::Client::new()
        .get(&outbox)
        .header(
            webshare_mock_server::CONTROL_SECRET_HEADER,
            server.control_secret(),
        )
        .send()
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
    let client = anonymous(&server);
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                let email = format!("user{i}@example.com");
                let registered = client
                    .register(&registration(&email, PASSWORD))
                    .await
                    .unwrap();
                let token = client.login(&email, PASSWORD, "r").await.unwrap();
                (registered.token, token)
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
    // No idle connections: every call opens a new one, so a stopped server shows at once.
    let client = Client::builder()
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .http_client(
            reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap(),
        )
        // A caller-supplied client over plain http needs the opt-in (it could use a proxy); this one
        // has none and talks to loopback.
        .danger_allow_plain_http_secrets(true)
        .build()
        .unwrap()
        .with_token(&Token::new("f00"))
        .unwrap();
    assert!(
        matches!(
            client.activation().status().await,
            Err(Error::Unauthorized { .. })
        ),
        "the server answers"
    );
    drop(server);
    // Shutdown is asynchronous: poll (bounded) until the port refuses connections.
    let mut refused = false;
    for _ in 0..200 {
        if matches!(
            client.activation().status().await,
            Err(Error::Connection { .. })
        ) {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "the server still answers after being dropped");
}
