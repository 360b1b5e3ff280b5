//! The `webshare` client against the generated httpmock helpers (`webshare-httpmock`), the way a consumer
//! tests a service built on our crates: for each of the 15 account operations, the page's example request
//! goes out (method, path, JSON body, `Authorization` or none), and the page's example response comes back
//! decoded. Then the error answers the client must understand, and the redaction of request types.
//!
//! Request bodies and responses are the examples of `openapi/webshare.yaml`, which are the source pages'.
//!
//! Dropped with the generated client: `the_request_context_records_a_status_that_a_decode_error_loses`,
//! about progenitor's `Error` losing the status of a non-JSON 502 and `RequestContext` recording it. Both
//! are gone; `webshare::Error` keeps the status (`Server { status: 502, .. }`, `Decode { status, .. }`),
//! which the `webshare` crate's own tests (`crates/webshare/tests/errors.rs`) cover.

use std::time::Duration;

use httpmock::{MockServer, Then, When};
use serde_json::{Value, json};
use webshare::{Client, Error, FieldError, RetryPolicy, Secret, SocialRegistration, Token, types};
use webshare_httpmock::MockServerExt;
use webshare_httpmock::operations::LoginThen;
use webshare_tests::{request_example, response_example, spec_json};

const TOKEN: &str = "0123456789abcdef0123456789abcdef";

/// A client of `server` that sends no token and never retries.
fn anonymous(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// The same, with `TOKEN`.
fn authed(server: &MockServer) -> Client {
    anonymous(server).with_token(&Token::new(TOKEN)).unwrap()
}

/// httpmock's matchers are synchronous, so mocks are set up outside the runtime and calls run inside it.
fn run<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// An example as the generated type, which is also what the typed `when.body(..)` matcher takes.
fn typed<T: serde::de::DeserializeOwned>(example: &Value) -> T {
    serde_json::from_value(example.clone())
        .expect("the spec's example decodes into the generated type")
}

/// The request carries exactly `body` (the page example, verbatim; `null` for none), and the token when
/// `token`.
fn sends(when: When, body: &Value, token: bool) -> When {
    let when = if body.is_null() {
        when
    } else {
        when.json_body(body.clone())
    };
    if token {
        when.header("authorization", format!("Token {TOKEN}"))
    } else {
        when.header_missing("authorization")
    }
}

/// Answers 200 with the page's example response of `operation_id`, verbatim.
fn answers_example(then: Then, operation_id: &str) {
    then.status(200)
        .header("content-type", "application/json")
        .json_body(response_example(&spec_json(), operation_id, "200"));
}

fn utc(rfc3339: &str) -> chrono::DateTime<chrono::Utc> {
    rfc3339.parse().unwrap()
}

#[test]
fn register_sends_the_page_example_and_decodes_the_response() {
    let request = request_example(&spec_json(), "register");
    let body: types::RegisterRequest = typed(&request);
    let server = MockServer::start();
    let mock = server.register(|when, then| {
        sends(when.body(&body).into_inner(), &request, false);
        answers_example(then.into_inner(), "register");
    });
    let registration = webshare::Registration::new(
        body.email.clone(),
        body.password.clone(),
        body.recaptcha.clone(),
    )
    .accept_terms_of_service()
    .marketing_emails(body.marketing_email_accepted);
    let registered = run(anonymous(&server).register(&registration)).unwrap();
    mock.assert();
    assert_eq!(registered.token.expose(), "...");
    assert!(!registered.logged_in_existing_user);
}

#[test]
fn login_sends_the_page_example_and_decodes_the_token() {
    let request = request_example(&spec_json(), "login");
    assert_eq!(
        request,
        json!({"email": "user@webshare.io", "password": "password", "recaptcha": "..."})
    );
    let body: types::LoginRequest = typed(&request);
    let server = MockServer::start();
    let mock = server.login(|when, then| {
        sends(when.body(&body).into_inner(), &request, false);
        answers_example(then.into_inner(), "login");
    });
    let token =
        run(anonymous(&server).login(&body.email, body.password.clone(), body.recaptcha.clone()))
            .unwrap();
    mock.assert();
    assert_eq!(token, Token::new("..."));
}

#[test]
fn reset_password_answers_204_with_no_body() {
    let request = request_example(&spec_json(), "reset_password");
    let body: types::PasswordResetRequest = typed(&request);
    let server = MockServer::start();
    let mock = server.reset_password(|when, then| {
        sends(when.body(&body).into_inner(), &request, false);
        then.no_content();
    });
    run(anonymous(&server)
        .password()
        .request_reset(&body.email, body.recaptcha.clone()))
    .unwrap();
    mock.assert();
}

#[test]
fn complete_password_reset_sends_token_and_new_password() {
    let request = request_example(&spec_json(), "complete_password_reset");
    assert_eq!(request["password_reset_token"], "aabb...99");
    let body: types::PasswordResetCompleteRequest = typed(&request);
    let server = MockServer::start();
    let mock = server.complete_password_reset(|when, then| {
        sends(when.body(&body).into_inner(), &request, false);
        answers_example(then.into_inner(), "complete_password_reset");
    });
    let token = run(anonymous(&server).password().complete_reset(
        body.password_reset_token.clone(),
        body.password.clone(),
        body.recaptcha.clone(),
    ))
    .unwrap();
    mock.assert();
    assert_eq!(token.expose(), "...");
}

#[test]
fn get_activation_sends_the_token_and_decodes_a_null_timestamp() {
    let server = MockServer::start();
    let mock = server.get_activation(|when, then| {
        sends(when.into_inner(), &Value::Null, true);
        answers_example(then.into_inner(), "get_activation");
    });
    let status = run(authed(&server).activation().status()).unwrap();
    mock.assert();
    assert_eq!(
        status,
        types::ActivationStatus {
            email_is_verified: Some(false),
            last_time_email_verification_email_sent: None,
            created_at: Some(utc("2019-05-10T06:34:00.095501Z")),
            updated_at: Some(utc("2019-05-10T06:34:00.095501Z")),
        }
    );
}

#[test]
fn resend_activation_posts_no_body_and_decodes_the_timestamp() {
    let server = MockServer::start();
    let mock = server.resend_activation(|when, then| {
        sends(when.into_inner().body(""), &Value::Null, true);
        answers_example(then.into_inner(), "resend_activation");
    });
    let status = run(authed(&server).activation().resend()).unwrap();
    mock.assert();
    assert_eq!(
        status.last_time_email_verification_email_sent,
        Some(utc("2019-05-09T23:34:00.095501-07:00"))
    );
}

#[test]
fn complete_activation_sends_the_activation_token() {
    let request = request_example(&spec_json(), "complete_activation");
    assert_eq!(request, json!({"activation_token": "XXXX"}));
    let body: types::ActivationCompleteRequest = typed(&request);
    let server = MockServer::start();
    let mock = server.complete_activation(|when, then| {
        sends(when.body(&body).into_inner(), &request, true);
        answers_example(then.into_inner(), "complete_activation");
    });
    let token = run(authed(&server)
        .activation()
        .complete(body.activation_token.clone()))
    .unwrap();
    mock.assert();
    assert_eq!(token.expose(), "...");
}

#[test]
fn social_register_sends_the_provider_and_code() {
    let request = request_example(&spec_json(), "social_register");
    let body: types::SocialRegisterRequest = typed(&request);
    assert_eq!(body.provider, webshare::SocialProvider::Google);
    assert!(body.tos_accepted);
    let server = MockServer::start();
    let mock = server.social_register(|when, then| {
        sends(when.body(&body).into_inner(), &request, false);
        answers_example(then.into_inner(), "social_register");
    });
    let registration =
        SocialRegistration::new(body.provider.clone(), body.code.clone(), &body.redirect_uri)
            .accept_terms_of_service()
            .marketing_emails(body.marketing_email_accepted);
    let registered = run(anonymous(&server).social().register(&registration)).unwrap();
    mock.assert();
    assert_eq!(registered.token.expose(), "...");
    assert!(!registered.logged_in_existing_user);
}

#[test]
fn social_login_sends_the_provider_and_code() {
    let request = request_example(&spec_json(), "social_login");
    assert_eq!(request["provider"], "google");
    let body: types::SocialLoginRequest = typed(&request);
    let server = MockServer::start();
    let mock = server.social_login(|when, then| {
        sends(when.body(&body).into_inner(), &request, false);
        answers_example(then.into_inner(), "social_login");
    });
    let token = run(anonymous(&server).social().login(
        body.provider.clone(),
        body.code.clone(),
        &body.redirect_uri,
    ))
    .unwrap();
    mock.assert();
    assert_eq!(token.expose(), "...");
}

#[test]
fn change_password_sends_both_passwords_with_the_token() {
    let request = request_example(&spec_json(), "change_password");
    let body: types::ChangePasswordRequest = typed(&request);
    let server = MockServer::start();
    let mock = server.change_password(|when, then| {
        sends(when.body(&body).into_inner(), &request, true);
        then.no_content();
    });
    run(authed(&server)
        .password()
        .change(body.password.clone(), body.new_password.clone()))
    .unwrap();
    mock.assert();
}

#[test]
fn change_email_and_its_completion() {
    let spec = spec_json();
    let change = request_example(&spec, "change_email");
    let complete = request_example(&spec, "complete_email_change");
    let change_body: types::ChangeEmailRequest = typed(&change);
    let complete_body: types::ChangeEmailCompleteRequest = typed(&complete);
    let server = MockServer::start();
    let change_mock = server.change_email(|when, then| {
        sends(when.body(&change_body).into_inner(), &change, true);
        then.no_content();
    });
    let complete_mock = server.complete_email_change(|when, then| {
        sends(when.body(&complete_body).into_inner(), &complete, true);
        then.no_content();
    });
    let client = authed(&server);
    run(client
        .email()
        .change(change_body.password.clone(), &change_body.new_email))
    .unwrap();
    run(client
        .email()
        .complete_change(complete_body.confirmation_code.clone()))
    .unwrap();
    change_mock.assert();
    complete_mock.assert();
}

#[test]
fn delete_account_and_delete_social_account() {
    let spec = spec_json();
    let local = request_example(&spec, "delete_account");
    let social = request_example(&spec, "delete_social_account");
    let local_body: types::DeleteAccountRequest = typed(&local);
    let social_body: types::SocialLoginRequest = typed(&social);
    let server = MockServer::start();
    let local_mock = server.delete_account(|when, then| {
        sends(when.body(&local_body).into_inner(), &local, true);
        then.no_content();
    });
    let social_mock = server.delete_social_account(|when, then| {
        sends(when.body(&social_body).into_inner(), &social, true);
        then.no_content();
    });
    let client = authed(&server);
    run(client
        .account()
        .delete(local_body.password.clone(), local_body.recaptcha.clone()))
    .unwrap();
    run(client.account().delete_social(
        social_body.provider.clone(),
        social_body.code.clone(),
        &social_body.redirect_uri,
    ))
    .unwrap();
    local_mock.assert();
    social_mock.assert();
}

#[test]
fn logout_posts_no_body_with_the_token() {
    let server = MockServer::start();
    let mock = server.logout(|when, then| {
        sends(when.into_inner().body(""), &Value::Null, true);
        then.no_content();
    });
    run(authed(&server).logout()).unwrap();
    mock.assert();
}

#[test]
fn the_typed_answer_helpers_give_what_the_client_decodes() {
    let status = types::ActivationStatus {
        email_is_verified: Some(true),
        last_time_email_verification_email_sent: None,
        created_at: Some(utc("2024-01-02T03:04:05Z")),
        updated_at: Some(utc("2024-01-02T03:04:06.5Z")),
    };
    let server = MockServer::start();
    let mock = server.get_activation(|_, then| {
        then.ok(&status);
    });
    assert_eq!(run(authed(&server).activation().status()).unwrap(), status);
    mock.assert();
}

/// The error a login gets from a server that answers as `answer` says.
fn login_error(answer: impl FnOnce(LoginThen)) -> Error {
    let server = MockServer::start();
    let mock = server.login(|_, then| answer(then));
    let err = run(anonymous(&server).login("user@webshare.io", "password", "...")).unwrap_err();
    mock.assert();
    err
}

/// The spec's named example of a 400 body.
fn bad_request_example(name: &str) -> types::Error {
    let spec = spec_json();
    typed(
        &spec["components"]["responses"]["BadRequest"]["content"]["application/json"]["examples"]
            [name]["value"],
    )
}

fn message(text: &str) -> FieldError {
    FieldError::new(text)
}

#[test]
fn a_400_with_field_errors_as_strings_decodes() {
    let err = login_error(|then| {
        then.bad_request(&bad_request_example("field_messages"));
    });
    assert_eq!(err.status(), Some(400));
    assert_eq!(
        err.field_errors("password"),
        [message("This password is too common.")]
    );
    match err {
        Error::Validation {
            non_field_errors, ..
        } => assert_eq!(non_field_errors, [message("Invalid recaptcha.")]),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_400_with_field_errors_as_objects_decodes() {
    let err = login_error(|then| {
        then.bad_request(&bad_request_example("field_objects"));
    });
    assert_eq!(
        err.field_errors("email"),
        [FieldError::new("Enter a valid email address.").with_code("invalid")]
    );
    match err {
        Error::Validation {
            non_field_errors, ..
        } => assert!(non_field_errors.is_empty()),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_429_keeps_its_retry_after_header() {
    let detail = "Request was throttled. Expected available in 60 seconds.";
    let err = login_error(|then| {
        then.too_many_requests(&types::Error {
            code: Some(types::ErrorCode::String("throttled".into())),
            detail: Some(detail.into()),
            non_field_errors: Vec::new(),
            extra: Default::default(),
        })
        .into_inner()
        .header("retry-after", "17");
    });
    match err {
        Error::RateLimited {
            retry_after,
            detail: got,
            ..
        } => {
            assert_eq!(retry_after, Some(Duration::from_secs(17)));
            assert_eq!(got.as_deref(), Some(detail));
        }
        other => panic!("expected a rate limit, got {other:?}"),
    }
}

#[test]
fn a_403_two_factor_answer_decodes() {
    let err = login_error(|then| {
        then.forbidden(&types::Error {
            code: Some(types::ErrorCode::String("2fa_needed".into())),
            detail: Some("Two factor authentication is needed.".into()),
            non_field_errors: Vec::new(),
            extra: Default::default(),
        });
    });
    assert!(err.is_two_factor_required(), "{err:?}");
    assert_eq!(err.status(), Some(403));
}

#[test]
fn a_400_for_a_field_named_code_decodes_as_that_fields_errors() {
    let body: types::SocialLoginRequest = typed(&request_example(&spec_json(), "social_login"));
    let server = MockServer::start();
    server.social_login(|_, then| {
        then.into_inner()
            .status(400)
            .header("content-type", "application/json")
            .json_body(json!({"code": ["Invalid or expired authorization code."]}));
    });
    let err = run(anonymous(&server)
        .social()
        .login(body.provider, body.code, &body.redirect_uri))
    .unwrap_err();
    assert_eq!(
        err.field_errors("code"),
        [message("Invalid or expired authorization code.")]
    );
}

#[test]
fn request_types_do_not_print_secrets() {
    let login = types::LoginRequest {
        email: "user@webshare.io".into(),
        password: Secret::new("hunter2-password"),
        recaptcha: Secret::new("recaptcha-value-xyz"),
    };
    let reset = types::PasswordResetCompleteRequest {
        password: Secret::new("hunter2-password"),
        password_reset_token: Secret::new("reset-token-abc"),
        recaptcha: Secret::new("recaptcha-value-xyz"),
    };
    let activation = types::ActivationCompleteRequest {
        activation_token: Secret::new("activation-abc"),
    };
    let token = types::TokenResponse {
        token: Some(Secret::new(TOKEN)),
    };
    let registration = webshare::Registration::new(
        "user@webshare.io",
        "hunter2-password",
        "recaptcha-value-xyz",
    );
    let social = SocialRegistration::new(
        webshare::SocialProvider::Google,
        "activation-abc",
        "https://example.com/callback",
    );
    let printed = format!(
        "{login:?} {reset:?} {activation:?} {token:?} {login:#?} {registration:?} {social:?} {:?} {}",
        Token::new(TOKEN),
        Token::new(TOKEN),
    );
    for secret in [
        "hunter2-password",
        "recaptcha-value-xyz",
        "reset-token-abc",
        "activation-abc",
        TOKEN,
    ] {
        assert!(!printed.contains(secret), "{secret} leaked: {printed}");
    }
    assert!(
        printed.contains("user@webshare.io"),
        "non-secret fields still print: {printed}"
    );
    // ...while the wire format carries the real values.
    assert_eq!(
        serde_json::to_value(&login).unwrap()["password"],
        "hunter2-password"
    );
}
