//! Passwords, tokens, recaptcha values and emailed codes never appear in `Debug`, `Display`, errors or
//! tracing output.

mod support;

use webshare::{Client, Registration, RetryPolicy, Secret, Token};
use webshare_mock_server::{EmailKind, MockServer};

const EMAIL: &str = "jane@example.com";
const PASSWORD: &str = "Sup3r-Secret-Passw0rd";
const NEW_PASSWORD: &str = "An0ther-Secret-Passw0rd";
const RECAPTCHA: &str = "recaptcha-secret-value";
const THIRD_PASSWORD: &str = "Th1rd-Secret-Passw0rd";
const NEW_EMAIL: &str = "jane.new@example.com";

use support::Captured;

#[test]
fn debug_and_display_are_redacted() {
    let token = Token::new("token-secret-0123456789");
    let registration = Registration::new(EMAIL, PASSWORD, RECAPTCHA).accept_terms_of_service();
    let builder = Client::builder().api_key("api-key-secret-42");
    let client = builder.clone().build().unwrap();
    let authed = client.with_token(&token).unwrap();
    let printed = format!(
        "{token:?} {token} {registration:?} {registration:#?} {builder:?} {client:?} {authed:?} {} {:?}",
        Secret::new(PASSWORD),
        Secret::new(PASSWORD)
    );
    for secret in [
        "token-secret-0123456789",
        PASSWORD,
        RECAPTCHA,
        "api-key-secret-42",
    ] {
        assert!(!printed.contains(secret), "{secret} leaked in: {printed}");
    }
    assert!(printed.contains(EMAIL), "non-secrets still print");
    assert!(printed.contains("[redacted]"));
}

#[test]
fn the_whole_flow_logs_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut secrets = vec![
        PASSWORD.to_owned(),
        NEW_PASSWORD.to_owned(),
        THIRD_PASSWORD.to_owned(),
        RECAPTCHA.to_owned(),
        "retry-secret-token".to_owned(),
    ];
    tracing::subscriber::with_default(subscriber, || {
        runtime.block_on(async {
            let server = MockServer::start().await;
            let anonymous = Client::builder()
                .base_url(server.base_url())
                .retry_policy(RetryPolicy::none())
                .build()
                .unwrap();
            let registered = anonymous
                .register(&Registration::new(EMAIL, PASSWORD, RECAPTCHA).accept_terms_of_service())
                .await
                .unwrap();
            secrets.push(registered.token.expose().to_owned());
            let jane = anonymous.with_token(&registered.token).unwrap();
            jane.activation().resend().await.unwrap();
            let _ = jane.activation().resend().await.unwrap_err();
            let code = server
                .last_email(EMAIL, EmailKind::Activation)
                .unwrap()
                .token;
            secrets.push(code.expose().to_owned());
            let activated = anonymous.activation().complete(code).await.unwrap();
            secrets.push(activated.expose().to_owned());
            let login = anonymous.login(EMAIL, PASSWORD, RECAPTCHA).await.unwrap();
            secrets.push(login.expose().to_owned());
            let _ = anonymous
                .login(EMAIL, "Wrong-Password-1", RECAPTCHA)
                .await
                .unwrap_err();
            anonymous
                .password()
                .request_reset(EMAIL, RECAPTCHA)
                .await
                .unwrap();
            let reset = server
                .last_email(EMAIL, EmailKind::PasswordReset)
                .unwrap()
                .token;
            secrets.push(reset.expose().to_owned());
            let after = anonymous
                .password()
                .complete_reset(reset, NEW_PASSWORD, RECAPTCHA)
                .await
                .unwrap();
            secrets.push(after.expose().to_owned());
            let err = jane.activation().status().await.unwrap_err();
            tracing::info!(error = %err, debug = ?err, "final error");

            // Password and email changes, and the emailed code.
            let current = anonymous.with_token(&after).unwrap();
            current.password().change(NEW_PASSWORD, THIRD_PASSWORD).await.unwrap();
            current.email().change(THIRD_PASSWORD, NEW_EMAIL).await.unwrap();
            let change = server
                .last_email(NEW_EMAIL, EmailKind::EmailChange)
                .unwrap()
                .token;
            secrets.push(change.expose().to_owned());
            current.email().complete_change(change).await.unwrap();

            // The proxy side: proxy passwords and the download token (which travels in a URL path).
            let plan = server.plan_id(NEW_EMAIL).unwrap();
            let page = current
                .proxies()
                .list(&webshare::operations::ListProxies::new(webshare::types::ProxyMode::Direct))
                .await
                .unwrap();
            secrets.push(page.results[0].password.as_ref().unwrap().expose().to_owned());
            let config = current.proxy_config().get(Some(plan)).await.unwrap();
            let download_token = config.proxy_list_download_token.clone().unwrap();
            secrets.push(download_token.expose().to_owned());
            let download = webshare::operations::DownloadProxyList::new(
                download_token,
                webshare::types::ProxyAuthenticationMethod::Username,
                webshare::types::ProxyMode::Direct,
            );
            let lines = futures_util::TryStreamExt::try_collect::<Vec<_>>(
                current.proxies().download(&download).await.unwrap(),
            )
            .await
            .unwrap();
            tracing::info!(first = ?lines[0], "downloaded");

            // Social codes and the tokens they buy.
            let provider = webshare::SocialProvider::Google;
            let redirect = webshare_mock_server::DEFAULT_SOCIAL_REDIRECT_URI;
            let code = server.mint_social_code("google", "social@example.com");
            secrets.push(code.clone());
            let social = anonymous
                .social()
                .register(
                    &webshare::SocialRegistration::new(provider.clone(), code, redirect)
                        .accept_terms_of_service(),
                )
                .await
                .unwrap();
            secrets.push(social.token.expose().to_owned());
            let code = server.mint_social_code("google", "social@example.com");
            secrets.push(code.clone());
            let social_login = anonymous.social().login(provider, code, redirect).await.unwrap();
            secrets.push(social_login.expose().to_owned());

            // A retried call logs `retrying`, and nothing of its token.
            let flaky = support::FaultServer::start(vec![
                support::Fault::raw(503, "text/html", "busy"),
                support::Fault::raw(
                    200,
                    "application/json",
                    r#"{"email_is_verified":true,"last_time_email_verification_email_sent":null,"created_at":"2019-05-09T23:34:00Z","updated_at":"2019-05-09T23:34:00Z"}"#,
                ),
            ])
            .await;
            Client::builder()
                .base_url(&flaky.base_url)
                .api_key("retry-secret-token")
                .retry_policy(
                    RetryPolicy::default()
                        .base_delay(std::time::Duration::from_millis(1))
                        .max_delay(std::time::Duration::from_millis(2)),
                )
                .build()
                .unwrap()
                .activation()
                .status()
                .await
                .unwrap();

            // Account deletion, last.
            current.account().delete(THIRD_PASSWORD, RECAPTCHA).await.unwrap();
        });
    });
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for secret in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "secret {secret} leaked in the log:\n{log}"
        );
    }
    // The spans say what happened, in OpenTelemetry's names, with the answer's request id (the mock
    // server sends one with every answer) between the request's fields and the response's.
    let span = |operation: &str, method: &str, path: &str, status: u16| {
        let request = format!(
            "webshare.request{{webshare.operation=\"{operation}\" http.request.method=\"{method}\" \
             url.template=\"{path}\" server.address=\"127.0.0.1\" webshare.request_id=\"mock-"
        );
        let response = format!("\" http.response.status_code={status}");
        log.lines()
            .filter_map(|line| line.split_once(request.as_str()))
            .find_map(|(_, rest)| {
                let (id, rest) = rest.split_once('"')?;
                (id.len() == 16 && rest.starts_with(&response[1..]))
                    .then(|| format!("{request}{id}{response}"))
            })
            .unwrap_or_else(|| format!("{request}…{response} (no such span)"))
    };
    for expected in [
        span("register", "POST", "/v2/register/", 200),
        span("resend_activation", "POST", "/v2/activation/resend/", 429) + " error.type=\"429\"",
        span("reset_password", "POST", "/v2/resetpassword/", 204),
        span("get_activation", "GET", "/v2/activation/", 401) + " error.type=\"401\"",
        span("change_password", "POST", "/v2/changepassword/", 204),
        "webshare.request{webshare.operation=\"complete_email_change\"".to_owned(),
        "webshare.request{webshare.operation=\"social_login\"".to_owned(),
        span(
            "download_proxy_list",
            "GET",
            "/v2/proxy/list/download/{token}/{country_codes}/any/{authentication_method}/{endpoint_mode}/{search}/",
            200,
        ),
        span("delete_account", "POST", "/v2/deleteaccount/", 204),
        "http.request.resend_count=1".to_owned(),
        "retrying".to_owned(),
        "duration_ms=".to_owned(),
    ] {
        assert!(
            log.contains(expected.as_str()),
            "missing {expected} in:\n{log}"
        );
    }
}
