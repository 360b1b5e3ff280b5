//! Every method against `webshare-mock-server` over real HTTP.

use std::time::Duration;

use webshare::{Client, Error, Registration, RetryPolicy, Token};
use webshare_mock_server::{Config, EmailKind, MockServer};

const EMAIL: &str = "jane@example.com";
const PASSWORD: &str = "Correct-Horse-Battery-9";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

fn registration(email: &str) -> Registration {
    Registration::new(email, PASSWORD, "recaptcha").accept_terms_of_service()
}

#[tokio::test]
async fn register_login_activate_and_reset() {
    let server =
        MockServer::start_with(Config::default().resend_throttle(Duration::from_secs(600))).await;
    let anonymous = client(&server);
    assert!(!anonymous.is_authenticated());

    let registered = anonymous
        .register(&registration(EMAIL).marketing_emails(true))
        .await
        .unwrap();
    assert!(!registered.logged_in_existing_user);
    let again = anonymous.register(&registration(EMAIL)).await.unwrap();
    assert!(again.logged_in_existing_user);

    let jane = anonymous.with_token(&registered.token).unwrap();
    assert!(jane.is_authenticated());
    let status = jane.activation().status().await.unwrap();
    assert_eq!(status.email_is_verified, Some(false));
    assert_eq!(status.last_time_email_verification_email_sent, None);

    let status = jane.activation().resend().await.unwrap();
    assert!(status.last_time_email_verification_email_sent.is_some());
    let err = jane.activation().resend().await.unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d > Duration::from_secs(590)),
        "{err:?}"
    );

    let code = server
        .last_email(EMAIL, EmailKind::Activation)
        .unwrap()
        .token;
    let activated = anonymous
        .activation()
        .complete(code.expose())
        .await
        .unwrap();
    assert!(
        anonymous
            .with_token(&activated)
            .unwrap()
            .activation()
            .status()
            .await
            .unwrap()
            .email_is_verified
            == Some(true)
    );

    let login = anonymous.login(EMAIL, PASSWORD, "recaptcha").await.unwrap();
    assert_ne!(login, registered.token);

    anonymous
        .password()
        .request_reset(EMAIL, "recaptcha")
        .await
        .unwrap();
    let reset = server
        .last_email(EMAIL, EmailKind::PasswordReset)
        .unwrap()
        .token;
    let new_token = anonymous
        .password()
        .complete_reset(reset, "Brand-New-Password-4", "recaptcha")
        .await
        .unwrap();

    let old = jane.activation().status().await.unwrap_err();
    assert!(matches!(old, Error::Unauthorized { .. }), "{old:?}");
    assert!(
        anonymous
            .with_token(&new_token)
            .unwrap()
            .activation()
            .status()
            .await
            .is_ok()
    );
    assert!(
        anonymous
            .login(EMAIL, "Brand-New-Password-4", "recaptcha")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn server_validation_errors_are_per_field() {
    let server = MockServer::start().await;
    let anonymous = client(&server);
    // Passes the client-side checks, fails the server's (a common password).
    let err = anonymous
        .register(&Registration::new(EMAIL, "password1", "r").accept_terms_of_service())
        .await
        .unwrap_err();
    assert_eq!(
        err.field_errors("password")[0].message,
        "This password is too common."
    );
    assert_eq!(err.status(), Some(400));
    assert_eq!(
        err.to_string(),
        "the server rejected the request: password: This password is too common."
    );

    let err = anonymous
        .login("nobody@example.com", PASSWORD, "r")
        .await
        .unwrap_err();
    match &err {
        Error::Validation {
            non_field_errors,
            field_errors,
            ..
        } => {
            assert!(field_errors.is_empty());
            assert_eq!(
                non_field_errors[0].message,
                "Unable to log in with provided credentials."
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn field_errors_in_object_form_carry_their_codes() {
    let server = MockServer::start_with(
        Config::default().field_error_style(webshare_mock_server::FieldErrorStyle::Objects),
    )
    .await;
    let err = client(&server)
        .register(&Registration::new(EMAIL, "janedoe@example.com1", "r").accept_terms_of_service())
        .await;
    let err = err.unwrap_err();
    let password = err.field_errors("password");
    assert_eq!(password[0].code.as_deref(), Some("password_too_similar"));
}

#[tokio::test]
async fn a_rejected_recaptcha_is_a_field_error() {
    let server = MockServer::start_with(Config::default().recaptcha("only-this")).await;
    let err = client(&server)
        .login(EMAIL, PASSWORD, "another")
        .await
        .unwrap_err();
    assert_eq!(
        err.field_errors("recaptcha")[0].message,
        "Invalid recaptcha. Please try again."
    );
}

#[tokio::test]
async fn token_calls_without_a_token_fail_before_sending() {
    let server = MockServer::start().await;
    let err = client(&server).activation().status().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "client configuration: `get_activation` needs an API token: build the client with an API key, or use `with_token`"
    );
    let bad = client(&server).with_token(&Token::new("0000")).unwrap();
    assert!(matches!(
        bad.activation().resend().await,
        Err(Error::Unauthorized { .. })
    ));
}

#[tokio::test]
async fn invalid_arguments_are_rejected_before_any_request() {
    // Nothing listens on this port: an error other than InvalidInput would mean a request was attempted.
    let anonymous = Client::builder()
        .base_url("http://127.0.0.1:9/api/v2")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let cases: Vec<(Result<(), Error>, &str)> = vec![
        (
            anonymous
                .register(&Registration::new("nope", PASSWORD, "r").accept_terms_of_service())
                .await
                .map(drop),
            "email",
        ),
        (
            anonymous
                .register(&Registration::new(EMAIL, "short", "r").accept_terms_of_service())
                .await
                .map(drop),
            "password",
        ),
        (
            anonymous
                .register(&Registration::new(EMAIL, "123456789", "r").accept_terms_of_service())
                .await
                .map(drop),
            "password",
        ),
        (
            anonymous
                .register(&Registration::new(EMAIL, PASSWORD, "").accept_terms_of_service())
                .await
                .map(drop),
            "recaptcha",
        ),
        (
            anonymous
                .register(&Registration::new(EMAIL, PASSWORD, "r"))
                .await
                .map(drop),
            "tos_accepted",
        ),
        (anonymous.login(EMAIL, "", "r").await.map(drop), "password"),
        (
            anonymous.login("a@b", PASSWORD, "r").await.map(drop),
            "email",
        ),
        (
            anonymous.password().request_reset(EMAIL, " ").await,
            "recaptcha",
        ),
        (
            anonymous
                .password()
                .complete_reset("", PASSWORD, "r")
                .await
                .map(drop),
            "password_reset_token",
        ),
        (
            anonymous
                .password()
                .complete_reset("code", "1234", "r")
                .await
                .map(drop),
            "password",
        ),
        (
            anonymous.activation().complete("").await.map(drop),
            "activation_token",
        ),
    ];
    for (result, expected_field) in cases {
        match result {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, expected_field),
            other => panic!("expected InvalidInput on {expected_field}, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_client_built_with_an_api_key_authenticates() {
    let server = MockServer::start().await;
    let token = client(&server)
        .register(&registration(EMAIL))
        .await
        .unwrap()
        .token;
    let keyed = Client::builder()
        .base_url(server.base_url())
        .api_key(token.expose())
        .build()
        .unwrap();
    assert!(keyed.activation().status().await.is_ok());
}
