//! Building clients: defaults, the plain-http rule for tokens, bad settings, and `from_env`.

use std::time::Duration;

use webshare::{Client, DEFAULT_BASE_URL, Error, Token};

fn config_error(result: Result<Client, Error>) -> String {
    match result {
        Err(e @ Error::Config { .. }) => e.to_string(),
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn defaults() {
    let client = Client::new("key").unwrap();
    assert_eq!(client.base_url(), DEFAULT_BASE_URL);
    assert!(client.is_authenticated());
    assert!(!Client::unauthenticated().unwrap().is_authenticated());
    let debug = format!("{client:?}");
    assert!(debug.contains("timeout: 60s"), "{debug}");
}

#[test]
fn a_token_is_never_sent_over_plain_http_to_another_host() {
    let err = config_error(
        Client::builder()
            .base_url("http://proxy.webshare.io/api/v2")
            .api_key("k")
            .build(),
    );
    assert_eq!(
        err,
        "client configuration: refusing to send an API token over plain http to proxy.webshare.io; use https, \
         or a loopback address (localhost, 127.0.0.1, [::1]) for a local server"
    );
    // Without a token there is nothing to leak; adding one later is refused the same way.
    let anonymous = Client::builder()
        .base_url("http://proxy.webshare.io/api/v2")
        .build()
        .unwrap();
    assert!(matches!(
        anonymous.with_token(&Token::new("t")),
        Err(Error::Config { .. })
    ));
    assert!(
        Client::builder()
            .base_url("http://localhost:8080/api/v2")
            .api_key("k")
            .build()
            .is_ok()
    );
}

#[test]
fn bad_settings_are_refused_with_a_reason() {
    assert!(
        config_error(Client::builder().base_url("not a url").build())
            .contains("invalid base URL `not a url`")
    );
    assert!(
        config_error(Client::builder().base_url("ftp://host/").build())
            .contains("must be http or https")
    );
    assert!(
        config_error(Client::builder().timeout(Duration::ZERO).build())
            .contains("longer than zero")
    );
    match Client::builder().api_key("bad\nkey").build() {
        Err(Error::InvalidInput {
            field: "api_key", ..
        }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn from_env_reads_webshare_api_key() {
    // The only test in this binary that touches the environment, so no other thread reads it meanwhile.
    unsafe { std::env::remove_var(webshare::API_KEY_ENV) };
    assert_eq!(
        config_error(Client::from_env()),
        "client configuration: WEBSHARE_API_KEY is not set; set it to a Webshare API key"
    );
    unsafe { std::env::set_var(webshare::API_KEY_ENV, "env-key") };
    assert!(Client::from_env().unwrap().is_authenticated());
}
