//! The generated client against the generated httpmock helpers: for every operation, the right method, path,
//! JSON body and `Authorization` header go out, and the page's example response comes back decoded.
//!
//! Request bodies and responses are the examples of `openapi/webshare.yaml`, which are the source pages'.

use httpmock::MockServer;
use serde_json::{Value, json};
use webshare_api::{Client, Error, Secret, types};
use webshare_httpmock::MockServerExt;
use webshare_tests::{api_client, request_example, response_example, spec_json};

const TOKEN: &str = "0123456789abcdef0123456789abcdef";

fn client(server: &MockServer, token: Option<&str>) -> Client {
    api_client(&server.base_url(), token)
}

/// httpmock's matchers are synchronous, so mocks are set up outside the runtime and calls run inside it.
fn run<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

fn body<T: serde::de::DeserializeOwned>(example: Value) -> T {
    serde_json::from_value(example).expect("the spec's example decodes into the generated type")
}

fn utc(rfc3339: &str) -> chrono::DateTime<chrono::Utc> {
    rfc3339.parse().unwrap()
}

#[test]
fn register_sends_the_page_example_and_decodes_the_response() {
    let spec = spec_json();
    let request = request_example(&spec, "register");
    let server = MockServer::start();
    let mock = server.register(|when, then| {
        let when = when.body(&body(request.clone())).into_inner();
        when.json_body(request.clone())
            .header_missing("authorization");
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .json_body(response_example(&spec, "register", "200"));
    });
    let typed: types::RegisterRequest = body(request);
    let response = run(client(&server, None).register().body(typed).send()).unwrap();
    mock.assert();
    assert_eq!(response.status(), 200);
    assert_eq!(response.token.expose(), "...");
    assert!(!response.logged_in_existing_user);
}

#[test]
fn login_sends_the_page_example_and_decodes_the_token() {
    let spec = spec_json();
    let request = request_example(&spec, "login");
    assert_eq!(
        request,
        json!({"email": "user@webshare.io", "password": "password", "recaptcha": "..."})
    );
    let server = MockServer::start();
    let mock = server.login(|when, then| {
        let when = when.body(&body(request.clone())).into_inner();
        when.json_body(request.clone())
            .header_missing("authorization");
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .json_body(response_example(&spec, "login", "200"));
    });
    let typed: types::LoginRequest = body(request);
    let response = run(client(&server, None).login().body(typed).send()).unwrap();
    mock.assert();
    assert_eq!(response.into_inner().token, Secret::new("..."));
}

#[test]
fn reset_password_answers_204_with_no_body() {
    let spec = spec_json();
    let request = request_example(&spec, "reset_password");
    let server = MockServer::start();
    let mock = server.reset_password(|when, then| {
        when.body(&body(request.clone()))
            .into_inner()
            .json_body(request.clone());
        then.no_content();
    });
    let typed: types::PasswordResetRequest = body(request);
    let response = run(client(&server, None).reset_password().body(typed).send()).unwrap();
    mock.assert();
    assert_eq!(response.status(), 204);
    assert_eq!(response.into_inner(), ());
}

#[test]
fn complete_password_reset_sends_token_and_new_password() {
    let spec = spec_json();
    let request = request_example(&spec, "complete_password_reset");
    assert_eq!(request["password_reset_token"], "aabb...99");
    let server = MockServer::start();
    let mock = server.complete_password_reset(|when, then| {
        when.body(&body(request.clone()))
            .into_inner()
            .json_body(request.clone());
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .json_body(response_example(&spec, "complete_password_reset", "200"));
    });
    let typed: types::PasswordResetCompleteRequest = body(request);
    let response = run(client(&server, None)
        .complete_password_reset()
        .body(typed)
        .send())
    .unwrap();
    mock.assert();
    assert_eq!(response.token.expose(), "...");
}

#[test]
fn get_activation_sends_the_token_and_decodes_a_null_timestamp() {
    let spec = spec_json();
    let server = MockServer::start();
    let mock = server.get_activation(|when, then| {
        when.into_inner()
            .header("authorization", format!("Token {TOKEN}"));
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .json_body(response_example(&spec, "get_activation", "200"));
    });
    let status = run(client(&server, Some(TOKEN)).get_activation().send())
        .unwrap()
        .into_inner();
    mock.assert();
    assert_eq!(
        status,
        types::ActivationStatus {
            email_is_verified: false,
            last_time_email_verification_email_sent: None,
            created_at: utc("2019-05-10T06:34:00.095501Z"),
            updated_at: utc("2019-05-10T06:34:00.095501Z"),
        }
    );
}

#[test]
fn resend_activation_posts_no_body_and_decodes_the_timestamp() {
    let spec = spec_json();
    let server = MockServer::start();
    let mock = server.resend_activation(|when, then| {
        when.into_inner()
            .header("authorization", format!("Token {TOKEN}"))
            .body("");
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .json_body(response_example(&spec, "resend_activation", "200"));
    });
    let status = run(client(&server, Some(TOKEN)).resend_activation().send())
        .unwrap()
        .into_inner();
    mock.assert();
    assert_eq!(
        status.last_time_email_verification_email_sent,
        Some(utc("2019-05-09T23:34:00.095501-07:00"))
    );
}

#[test]
fn complete_activation_sends_the_activation_token() {
    let spec = spec_json();
    let request = request_example(&spec, "complete_activation");
    assert_eq!(request, json!({"activation_token": "XXXX"}));
    let server = MockServer::start();
    let mock = server.complete_activation(|when, then| {
        when.body(&body(request.clone()))
            .into_inner()
            .json_body(request.clone())
            .header("authorization", format!("Token {TOKEN}"));
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .json_body(response_example(&spec, "complete_activation", "200"));
    });
    let body = types::ActivationCompleteRequest::builder().activation_token("XXXX");
    let response = run(client(&server, Some(TOKEN))
        .complete_activation()
        .body(body)
        .send())
    .unwrap();
    mock.assert();
    assert_eq!(response.token.expose(), "...");
}

/// The spec's named example of a 400 body.
fn bad_request_example(spec: &Value, name: &str) -> Value {
    spec["components"]["responses"]["BadRequest"]["content"]["application/json"]["examples"][name]["value"]
        .clone()
}

fn login_error(status: u16, error_body: Value, headers: &[(&str, &str)]) -> Error<types::Error> {
    let server = MockServer::start();
    server.login(|_, then| {
        let mut then = then
            .into_inner()
            .status(status)
            .header("content-type", "application/json");
        for (name, value) in headers {
            then = then.header(*name, *value);
        }
        then.json_body(error_body);
    });
    let body = types::LoginRequest::builder()
        .email("user@webshare.io")
        .password("password")
        .recaptcha("...");
    run(client(&server, None).login().body(body).send()).unwrap_err()
}

fn error_body(err: Error<types::Error>) -> types::Error {
    match err {
        Error::ErrorResponse(response) => response.into_inner(),
        other => panic!("expected a documented error response, got {other:?}"),
    }
}

#[test]
fn a_400_with_field_errors_as_strings_decodes() {
    let example = bad_request_example(&spec_json(), "field_messages");
    let error = error_body(login_error(400, example, &[]));
    assert_eq!(
        error.extra["password"],
        vec![types::FieldError::String(
            "This password is too common.".into()
        )]
    );
    assert_eq!(
        error.non_field_errors,
        vec![types::FieldError::String("Invalid recaptcha.".into())]
    );
    assert_eq!(error.detail, None);
}

#[test]
fn a_400_with_field_errors_as_objects_decodes() {
    let example = bad_request_example(&spec_json(), "field_objects");
    let error = error_body(login_error(400, example, &[]));
    assert_eq!(
        error.extra["email"],
        vec![types::FieldError::FieldErrorDetail(
            types::FieldErrorDetail {
                message: "Enter a valid email address.".into(),
                code: Some("invalid".into()),
            }
        )]
    );
    assert!(error.non_field_errors.is_empty());
}

#[test]
fn a_429_keeps_its_retry_after_header_and_error_code() {
    let body = json!({"detail": "Request was throttled. Expected available in 60 seconds.", "code": "throttled"});
    match login_error(429, body, &[("retry-after", "17")]) {
        Error::ErrorResponse(response) => {
            assert_eq!(response.status(), 429);
            assert_eq!(response.headers()["retry-after"], "17");
            assert_eq!(webshare_tests::error_code(&response), Some("throttled"));
        }
        other => panic!("expected a documented 429, got {other:?}"),
    }
}

#[test]
fn a_403_two_factor_answer_decodes() {
    let body = json!({"detail": "Two factor authentication is needed.", "code": "2fa_needed"});
    let error = error_body(login_error(403, body, &[]));
    assert_eq!(webshare_tests::error_code(&error), Some("2fa_needed"));
}

#[test]
fn generated_request_types_do_not_print_secrets() {
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
        token: Secret::new(TOKEN),
    };
    let printed = format!("{login:?} {reset:?} {activation:?} {token:?} {login:#?}");
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

#[test]
fn the_request_context_records_a_status_that_a_decode_error_loses() {
    let server = MockServer::start();
    server.get_activation(|when, then| {
        when.into_inner();
        then.into_inner()
            .status(502)
            .header("content-type", "text/html")
            .header("retry-after", "5")
            .body("<html>Bad Gateway</html>");
    });
    let context = webshare_api::RequestContext::new(None);
    let client =
        Client::new_with_client(&server.base_url(), reqwest::Client::new(), context.clone());
    let err = run(client.get_activation().send()).unwrap_err();
    assert!(
        matches!(err, Error::InvalidResponsePayload(..)),
        "progenitor keeps no status here: {err:?}"
    );
    let received = context.received().expect("the post hook saw the response");
    assert_eq!(received.status, 502);
    assert_eq!(received.retry_after.unwrap(), "5");
}

/// For the operations without a response body: the page example goes out, 204 comes back.
fn assert_no_content<F, Fut>(
    operation_id: &str,
    token: Option<&str>,
    mock: impl FnOnce(&MockServer, Value),
    call: F,
) where
    F: FnOnce(Client, Value) -> Fut,
    Fut: std::future::Future<Output = Result<webshare_api::ResponseValue<()>, Error<types::Error>>>,
{
    let spec = spec_json();
    let request = request_example(&spec, operation_id);
    let server = MockServer::start();
    mock(&server, request.clone());
    let response = run(call(client(&server, token), request)).unwrap();
    assert_eq!(response.status(), 204, "{operation_id}");
}

#[test]
fn social_register_and_login_send_the_provider_and_code() {
    let spec = spec_json();
    for operation_id in ["social_register", "social_login"] {
        let request = request_example(&spec, operation_id);
        assert_eq!(request["provider"], "google");
        let server = MockServer::start();
        let response_body = response_example(&spec, operation_id, "200");
        let mock = if operation_id == "social_register" {
            server.social_register(|when, then| {
                when.body(&body(request.clone()))
                    .into_inner()
                    .json_body(request.clone());
                then.into_inner()
                    .status(200)
                    .header("content-type", "application/json")
                    .json_body(response_body);
            })
        } else {
            server.social_login(|when, then| {
                when.body(&body(request.clone()))
                    .into_inner()
                    .json_body(request.clone());
                then.into_inner()
                    .status(200)
                    .header("content-type", "application/json")
                    .json_body(response_body);
            })
        };
        let api = client(&server, None);
        let token = if operation_id == "social_register" {
            let typed: types::SocialRegisterRequest = body(request);
            assert_eq!(typed.provider, webshare_api::SocialProvider::Google);
            run(api.social_register().body(typed).send())
                .unwrap()
                .into_inner()
                .token
        } else {
            run(api
                .social_login()
                .body(body::<types::SocialLoginRequest>(request))
                .send())
            .unwrap()
            .into_inner()
            .token
        };
        mock.assert();
        assert_eq!(token.expose(), "...");
    }
}

#[test]
fn change_password_sends_both_passwords_with_the_token() {
    assert_no_content(
        "change_password",
        Some(TOKEN),
        |server, request| {
            server.change_password(|when, then| {
                when.body(&body(request.clone()))
                    .into_inner()
                    .json_body(request)
                    .header("authorization", format!("Token {TOKEN}"));
                then.no_content();
            });
        },
        |api, request| async move {
            api.change_password()
                .body(body::<types::ChangePasswordRequest>(request))
                .send()
                .await
        },
    );
}

#[test]
fn change_email_and_its_completion() {
    assert_no_content(
        "change_email",
        Some(TOKEN),
        |server, request| {
            server.change_email(|when, then| {
                when.body(&body(request.clone()))
                    .into_inner()
                    .json_body(request);
                then.no_content();
            });
        },
        |api, request| async move {
            api.change_email()
                .body(body::<types::ChangeEmailRequest>(request))
                .send()
                .await
        },
    );
    assert_no_content(
        "complete_email_change",
        Some(TOKEN),
        |server, request| {
            server.complete_email_change(|when, then| {
                when.body(&body(request.clone()))
                    .into_inner()
                    .json_body(request);
                then.no_content();
            });
        },
        |api, request| async move {
            api.complete_email_change()
                .body(body::<types::ChangeEmailCompleteRequest>(request))
                .send()
                .await
        },
    );
}

#[test]
fn delete_account_and_delete_social_account() {
    assert_no_content(
        "delete_account",
        Some(TOKEN),
        |server, request| {
            server.delete_account(|when, then| {
                when.body(&body(request.clone()))
                    .into_inner()
                    .json_body(request);
                then.no_content();
            });
        },
        |api, request| async move {
            api.delete_account()
                .body(body::<types::DeleteAccountRequest>(request))
                .send()
                .await
        },
    );
    assert_no_content(
        "delete_social_account",
        Some(TOKEN),
        |server, request| {
            server.delete_social_account(|when, then| {
                when.body(&body(request.clone()))
                    .into_inner()
                    .json_body(request);
                then.no_content();
            });
        },
        |api, request| async move {
            api.delete_social_account()
                .body(body::<types::SocialLoginRequest>(request))
                .send()
                .await
        },
    );
}

#[test]
fn logout_posts_no_body_with_the_token() {
    let server = MockServer::start();
    let mock = server.logout(|when, then| {
        when.into_inner()
            .header("authorization", format!("Token {TOKEN}"))
            .body("");
        then.no_content();
    });
    let response = run(client(&server, Some(TOKEN)).logout().send()).unwrap();
    mock.assert();
    assert_eq!(response.status(), 204);
}

#[test]
fn a_400_for_a_field_named_code_decodes_as_that_fields_errors() {
    let server = MockServer::start();
    server.social_login(|_, then| {
        then.into_inner()
            .status(400)
            .header("content-type", "application/json")
            .json_body(json!({"code": ["Invalid or expired authorization code."]}));
    });
    let request: types::SocialLoginRequest = body(request_example(&spec_json(), "social_login"));
    match run(client(&server, None).social_login().body(request).send()).unwrap_err() {
        Error::ErrorResponse(response) => assert_eq!(
            response.code,
            Some(types::ErrorCode::Array(vec![types::FieldError::String(
                "Invalid or expired authorization code.".into()
            )]))
        ),
        other => panic!("{other:?}"),
    }
}
