//! Building clients: defaults, the plain-http rule for tokens, bad settings, and `from_env`.

mod support;

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
            .base_url("http://proxy.webshare.io/api")
            .api_key("k")
            .build(),
    );
    assert_eq!(
        err,
        "client configuration: refusing to send secrets over plain http to proxy.webshare.io; use https, a \
         loopback address (localhost, 127.0.0.1, [::1]) for a local server, or \
         danger_allow_plain_http_secrets(true) on a trusted test network"
    );
    // Adding one later is refused the same way.
    let anonymous = Client::builder()
        .base_url("http://proxy.webshare.io/api")
        .build()
        .unwrap();
    assert!(matches!(
        anonymous.with_token(&Token::new("t")),
        Err(Error::Config { .. })
    ));
    assert!(
        Client::builder()
            .base_url("http://localhost:8080/api")
            .api_key("k")
            .build()
            .is_ok()
    );
    // A caller's client may use a proxy, so loopback proves nothing: refused unless opted in.
    let custom = || {
        Client::builder()
            .base_url("http://127.0.0.1:8080/api")
            .http_client(reqwest::Client::new())
            .api_key("k")
    };
    assert!(config_error(custom().build()).contains("through a caller-supplied reqwest client"));
    assert!(
        custom()
            .danger_allow_plain_http_secrets(true)
            .build()
            .is_ok()
    );
}

#[tokio::test]
async fn passwords_are_not_sent_over_plain_http_to_another_host_either() {
    // `mock.test` stands for a remote host (a docker-compose service name, say); a resolver override
    // points it at a local fault server, so the test never leaves the machine.
    let server = support::FaultServer::start(vec![support::Fault::json(
        200,
        serde_json::json!({"token": "t0k3n"}),
    )])
    .await;
    let addr: std::net::SocketAddr = server.base_url["http://".len()..]
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let remote = format!("http://mock.test:{}/api", addr.port());
    let client = Client::builder()
        .base_url(&remote)
        .retry_policy(webshare::RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .login("jane@example.com", "Correct-Horse-9", "recaptcha")
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("`login` sends or returns secrets: refusing to send secrets over plain http"),
        "{err}"
    );
    assert_eq!(server.request_count(), 0, "nothing was sent");
    // The one opt-in, for trusted test networks: then it goes.
    let resolver = reqwest::Client::builder()
        .resolve("mock.test", addr)
        .build()
        .unwrap();
    let trusted = Client::builder()
        .base_url(&remote)
        .http_client(resolver)
        .danger_allow_plain_http_secrets(true)
        .build()
        .unwrap();
    let token = trusted
        .login("jane@example.com", "Correct-Horse-9", "recaptcha")
        .await
        .unwrap();
    assert_eq!(token.expose(), "t0k3n");
    assert_eq!(server.request_count(), 1);
}

#[test]
fn a_base_url_with_credentials_is_refused() {
    for url in [
        "https://user:pass@proxy.webshare.io/api",
        "https://user@proxy.webshare.io/api",
    ] {
        let err = config_error(Client::builder().base_url(url).build());
        assert!(
            err.contains("must not hold a user name or password"),
            "{err}"
        );
        assert!(
            !err.contains("pass@"),
            "the error does not repeat the URL's credentials: {err}"
        );
    }
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
    let client = Client::from_env().unwrap();
    assert!(client.is_authenticated());
    assert_eq!(client.base_url(), DEFAULT_BASE_URL);
    // WEBSHARE_BASE_URL points the client elsewhere (a mock server, a staging host); empty is unset.
    unsafe { std::env::set_var(webshare::BASE_URL_ENV, "http://127.0.0.1:8080/api/") };
    assert_eq!(
        Client::from_env().unwrap().base_url(),
        "http://127.0.0.1:8080/api"
    );
    unsafe { std::env::set_var(webshare::BASE_URL_ENV, " ") };
    assert_eq!(Client::from_env().unwrap().base_url(), DEFAULT_BASE_URL);
    // A bad one is the builder's error, and a token over plain http to another host is refused as ever.
    unsafe { std::env::set_var(webshare::BASE_URL_ENV, "not a url") };
    assert!(config_error(Client::from_env()).contains("invalid base URL"));
    unsafe { std::env::set_var(webshare::BASE_URL_ENV, "http://api.example.com/api") };
    assert!(config_error(Client::from_env()).contains("http"));
    // The builder form keeps both settings and lets the caller change others.
    unsafe { std::env::set_var(webshare::BASE_URL_ENV, "https://staging.example.com/api") };
    let client = Client::builder_from_env()
        .unwrap()
        .timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://staging.example.com/api");
    unsafe { std::env::remove_var(webshare::BASE_URL_ENV) };
}

#[test]
fn an_explicit_proxy_url_is_checked_and_never_printed() {
    let with_proxy = |url: &str| {
        Client::builder()
            .proxy(url.to_owned())
            .api_key("key")
            .build()
    };
    assert!(with_proxy("http://user:hunter2@proxy.example.com:8080").is_ok());
    let builder = Client::builder().proxy("http://user:hunter2@proxy.example.com:8080".to_owned());
    assert!(!format!("{builder:?}").contains("hunter2"));
    let error = config_error(with_proxy("::not a url hunter2"));
    assert!(error.contains("invalid proxy URL"), "{error}");
    assert!(!error.contains("hunter2"), "{error}");
    // A plain-http (loopback) base URL may go through a loopback proxy only: another machine would
    // see its tokens in clear.
    let local_through = |proxy: &str| {
        Client::builder()
            .base_url("http://127.0.0.1:8080/api")
            .api_key("key")
            .proxy(proxy.to_owned())
            .build()
    };
    assert!(local_through("http://127.0.0.1:3128").is_ok());
    let error = config_error(local_through("http://user:hunter2@proxy.example.com:3128"));
    assert!(
        error.contains("in clear") && !error.contains("hunter2"),
        "{error}"
    );
    // With the `socks` feature (the workspace's tests have it) a SOCKS proxy is taken; without it, it is
    // refused by name (the client's unit test `a_socks_proxy_needs_the_socks_feature` checks both).
    let socks = with_proxy("socks5://user:hunter2@127.0.0.1:1080");
    if cfg!(feature = "socks") {
        assert!(socks.is_ok());
    } else {
        let error = config_error(socks);
        assert!(error.contains("`socks` feature"), "{error}");
    }
}

/// One call's options: its own headers (never the client's own), sub-user, plan, retry policy and time
/// limit, without a new client; the next call has the client's settings again.
#[tokio::test]
async fn one_call_takes_options_of_its_own() {
    use support::{Fault, FaultServer};
    use webshare::operations::{GetProxyConfigV2, ListIpAuthorizations};

    let server = FaultServer::start(vec![Fault::json(
        200,
        serde_json::json!({"count": 0, "next": null, "previous": null, "results": []}),
    )])
    .await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .api_key("k")
        .subuser(7)
        .plan_id(5)
        .build()
        .unwrap();
    let page = client
        .request(&ListIpAuthorizations::new())
        .header("x-trace-id", "trace-7")
        .unwrap()
        .subuser(42)
        .plan(1001)
        .await
        .unwrap();
    assert_eq!(page.count, 0);
    let sent = server.last_request().to_ascii_lowercase();
    assert!(sent.contains("x-trace-id: trace-7"), "{sent}");
    assert!(sent.contains("x-subuser: 42"), "{sent}");
    assert!(sent.contains("plan_id=1001"), "{sent}");
    // This call's sub-user and plan win over the client's.
    assert!(
        !sent.contains("x-subuser: 7") && !sent.contains("plan_id=5"),
        "{sent}"
    );
    // The client's own settings again on the next call.
    client.send(&ListIpAuthorizations::new()).await.unwrap();
    let sent = server.last_request().to_ascii_lowercase();
    assert!(!sent.contains("x-trace-id"), "{sent}");
    assert!(
        sent.contains("x-subuser: 7") && sent.contains("plan_id=5"),
        "{sent}"
    );
    // The headers the client owns are refused, named.
    for own in ["Authorization", "X-Subuser", "content-type"] {
        let refused = client
            .request(&GetProxyConfigV2::new())
            .header(own, "x")
            .err()
            .unwrap();
        assert!(
            matches!(
                refused,
                Error::InvalidInput {
                    field: "header",
                    ..
                }
            ),
            "{refused}"
        );
    }

    // A retry policy for one call: the client's retries a 503 on a GET, this call's does not.
    let failing = FaultServer::start(vec![Fault::json(
        503,
        serde_json::json!({"detail": "down"}),
    )])
    .await;
    let client = Client::builder()
        .base_url(&failing.base_url)
        .api_key("k")
        .retry_policy(webshare::RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    client
        .request(&ListIpAuthorizations::new())
        .retry_policy(webshare::RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(failing.request_count(), 1);
    client.send(&ListIpAuthorizations::new()).await.unwrap_err();
    assert!(failing.request_count() > 2, "{}", failing.request_count());

    // A time limit for one call.
    let slow = FaultServer::start(vec![Fault::Slow(
        Duration::from_secs(30),
        Box::new(Fault::json(200, serde_json::json!({}))),
    )])
    .await;
    let client = Client::builder()
        .base_url(&slow.base_url)
        .api_key("k")
        .retry_policy(webshare::RetryPolicy::none())
        .build()
        .unwrap();
    let timed_out = client
        .request(&GetProxyConfigV2::new())
        .timeout(Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(
        matches!(timed_out, Error::Timeout { after, .. } if after == Duration::from_millis(100)),
        "{timed_out}"
    );
}

/// A JSON body travels with `Request::body`; a body for an operation without one is refused.
#[tokio::test]
async fn a_request_carries_its_typed_body() {
    use support::{Fault, FaultServer};
    use webshare::operations::CreateApiKey;

    let server = FaultServer::start(vec![Fault::json(
        201,
        serde_json::json!({"id": 1, "key": "k", "label": "ci", "created_at": "2022-01-01T00:00:00Z", "updated_at": "2022-01-01T00:00:00Z"}),
    )])
    .await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .api_key("k")
        .build()
        .unwrap();
    let body: webshare::types::ApiKeyRequest =
        serde_json::from_value(serde_json::json!({"label": "ci"})).unwrap();
    client.request(&CreateApiKey).body(&body).await.unwrap();
    assert!(
        server.last_request().ends_with(r#"{"label":"ci"}"#),
        "{}",
        server.last_request()
    );
    // Without its body, an operation that has one is refused before sending.
    let before = server.request_count();
    let missing = client.request(&CreateApiKey).await.unwrap_err();
    assert!(
        matches!(missing, Error::InvalidInput { field: "body", .. }),
        "{missing}"
    );
    assert_eq!(server.request_count(), before);
}

/// A credentials provider is asked for the key on every attempt; after a 401 it is asked once for a
/// fresh key and the call is sent again; a second 401 is the caller's.
#[tokio::test]
async fn a_credentials_provider_rotates_keys_and_refreshes_once_after_a_401() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use support::{Fault, FaultServer};
    use webshare::operations::ListIpAuthorizations;
    use webshare::{CredentialsProvider, KeyFuture, Secret};

    /// Hands out `key-1`, `key-2`, … and counts refreshes.
    struct Rotating {
        issued: AtomicUsize,
        refreshed: AtomicUsize,
    }
    impl CredentialsProvider for Rotating {
        fn key(&self) -> KeyFuture<'_> {
            let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
            Box::pin(async move { Ok(Secret::new(format!("key-{n}"))) })
        }
        fn refresh<'a>(&'a self, refused: &'a Secret) -> KeyFuture<'a> {
            assert!(refused.expose().starts_with("key-"));
            self.refreshed.fetch_add(1, Ordering::SeqCst);
            self.key()
        }
    }

    let page = serde_json::json!({"count": 0, "next": null, "previous": null, "results": []});
    let server = FaultServer::start(vec![
        Fault::json(200, page.clone()),
        Fault::json(401, serde_json::json!({"detail": "Invalid token."})),
        Fault::json(200, page.clone()),
        Fault::json(401, serde_json::json!({"detail": "Invalid token."})),
    ])
    .await;
    let provider = Arc::new(Rotating {
        issued: AtomicUsize::new(0),
        refreshed: AtomicUsize::new(0),
    });
    let shared = provider.clone();
    let client = Client::builder()
        .base_url(&server.base_url)
        .credentials(move || {
            let provider = shared.clone();
            async move { provider.key().await }
        })
        .build()
        .unwrap();
    assert!(client.is_authenticated());
    client.send(&ListIpAuthorizations::new()).await.unwrap();
    assert!(
        server.last_request().contains("Token key-1"),
        "{}",
        server.last_request()
    );
    // A 401: asked once more, sent again with the new key.
    client.send(&ListIpAuthorizations::new()).await.unwrap();
    assert_eq!(server.request_count(), 3);
    assert!(
        server.last_request().contains("Token key-3"),
        "{}",
        server.last_request()
    );
    // Refused twice: the 401 is the caller's, after one refresh only.
    let refused = client.send(&ListIpAuthorizations::new()).await.unwrap_err();
    assert!(matches!(refused, Error::Unauthorized { .. }), "{refused}");
    assert_eq!(server.request_count(), 5);
    // The closure's provider refreshes with `key`, the default: the counter of the inner one is not
    // involved; the rotation above is what shows the fresh keys.
    assert_eq!(provider.issued.load(Ordering::SeqCst), 5);
    // The key never shows in the client's Debug.
    assert!(!format!("{client:?}").contains("key-"));
}

/// A provider's `refresh` is what is asked after a 401 (not `key`).
#[tokio::test]
async fn a_provider_refresh_is_asked_after_a_401() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use support::{Fault, FaultServer};
    use webshare::operations::ListIpAuthorizations;
    use webshare::{CredentialsProvider, KeyFuture, Secret};

    struct Counting(AtomicUsize);
    impl CredentialsProvider for Counting {
        fn key(&self) -> KeyFuture<'_> {
            Box::pin(async { Ok(Secret::new("old")) })
        }
        fn refresh<'a>(&'a self, refused: &'a Secret) -> KeyFuture<'a> {
            assert_eq!(refused.expose(), "old");
            self.0.fetch_add(1, Ordering::SeqCst);
            Box::pin(async { Ok(Secret::new("new")) })
        }
    }
    struct Shared(Arc<Counting>);
    impl CredentialsProvider for Shared {
        fn key(&self) -> KeyFuture<'_> {
            self.0.key()
        }
        fn refresh<'a>(&'a self, refused: &'a Secret) -> KeyFuture<'a> {
            self.0.refresh(refused)
        }
    }
    let page = serde_json::json!({"count": 0, "next": null, "previous": null, "results": []});
    let server = FaultServer::start(vec![
        Fault::json(401, serde_json::json!({"detail": "Invalid token."})),
        Fault::json(200, page),
    ])
    .await;
    let counting = Arc::new(Counting(AtomicUsize::new(0)));
    let client = Client::builder()
        .base_url(&server.base_url)
        .credentials(Shared(counting.clone()))
        .build()
        .unwrap();
    client.send(&ListIpAuthorizations::new()).await.unwrap();
    assert_eq!(counting.0.load(Ordering::SeqCst), 1);
    assert!(
        server.last_request().contains("Token new"),
        "{}",
        server.last_request()
    );
}

/// Hooks see every attempt: the header a hook adds is sent, and each attempt's outcome is reported,
/// retries included.
#[tokio::test]
async fn hooks_see_every_attempt() {
    use std::sync::{Arc, Mutex};

    use support::{Fault, FaultServer};
    use webshare::operations::ListIpAuthorizations;
    use webshare::{Hooks, Operation};

    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);
    struct Shared(Arc<Recorder>);
    impl Hooks for Shared {
        fn before_send(&self, operation: &Operation, request: &mut webshare::reqwest::Request) {
            request.headers_mut().insert(
                "x-trace-id",
                webshare::reqwest::header::HeaderValue::from_static("trace-9"),
            );
            self.0
                .0
                .lock()
                .unwrap()
                .push(format!("send {}", operation.name));
        }
        fn after_attempt(&self, operation: &Operation, outcome: Result<u16, &Error>, _: Duration) {
            let outcome = outcome.map_or_else(|e| e.kind().to_owned(), |s| s.to_string());
            self.0
                .0
                .lock()
                .unwrap()
                .push(format!("{} {outcome}", operation.name));
        }
    }

    let page = serde_json::json!({"count": 0, "next": null, "previous": null, "results": []});
    let server = FaultServer::start(vec![
        Fault::json(503, serde_json::json!({"detail": "down"})),
        Fault::json(200, page),
    ])
    .await;
    let recorder = Arc::new(Recorder::default());
    let client = Client::builder()
        .base_url(&server.base_url)
        .api_key("k")
        .retry_policy(webshare::RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .hooks(Shared(recorder.clone()))
        .build()
        .unwrap();
    client.send(&ListIpAuthorizations::new()).await.unwrap();
    assert!(
        server
            .last_request()
            .to_ascii_lowercase()
            .contains("x-trace-id: trace-9"),
        "{}",
        server.last_request()
    );
    assert_eq!(
        *recorder.0.lock().unwrap(),
        [
            "send list_ip_authorizations",
            "list_ip_authorizations http_error",
            "send list_ip_authorizations",
            "list_ip_authorizations 200",
        ]
    );
}

/// A download from a server that sends a little and then nothing fails after the idle time, with the
/// crate's client and with a caller's `reqwest::Client` (which has no timeout of its own), once the first
/// bytes came.
#[tokio::test]
async fn a_stalled_download_fails_after_the_idle_time_whoever_built_the_client() {
    use futures_util::StreamExt;
    use support::{Fault, FaultServer};
    use webshare::operations::DownloadProxyList;
    use webshare::types::{ProxyAuthenticationMethod, ProxyMode};

    let server = FaultServer::start(vec![Fault::PartialBody {
        announced: 1000,
        sent: 10,
        then: Duration::from_secs(60),
    }])
    .await;
    let params = DownloadProxyList::new(
        "token",
        ProxyAuthenticationMethod::Username,
        ProxyMode::Direct,
    );
    for caller_client in [false, true] {
        let mut builder = Client::builder()
            .base_url(&server.base_url)
            .retry_policy(webshare::RetryPolicy::none())
            .idle_timeout(Duration::from_millis(200));
        if caller_client {
            builder = builder
                .http_client(webshare::reqwest::Client::new())
                .danger_allow_plain_http_secrets(true);
        }
        let client = builder.build().unwrap();
        let mut bytes = std::pin::pin!(client.proxies().download_bytes(&params).await.unwrap());
        let first = bytes.next().await.unwrap().unwrap();
        assert_eq!(first.len(), 10, "the first bytes arrive");
        let stalled = bytes.next().await.unwrap().unwrap_err();
        assert!(
            matches!(stalled, Error::Timeout { after, .. } if after == Duration::from_millis(200)),
            "caller's client: {caller_client}: {stalled}"
        );
        assert!(bytes.next().await.is_none());
    }
}

/// Dropping a call's future cancels it: the connection of the request in flight is closed (the server
/// reads the end of the stream), with no answer ever given. The watchdog only bounds a failure; the
/// assertion is the close itself.
#[tokio::test]
async fn dropping_a_call_cancels_the_request_in_flight() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use webshare::operations::GetActivation;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (received_tx, received) = tokio::sync::oneshot::channel();
    let (closed_tx, closed) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "the request ended early");
            request.extend_from_slice(&buf[..n]);
        }
        received_tx.send(()).unwrap();
        // No answer: wait for the client to go away.
        let n = stream.read(&mut buf).await.unwrap_or(0);
        closed_tx.send(n).unwrap();
        let _ = stream.shutdown().await;
    });
    let client = Client::builder()
        .base_url(format!("http://{addr}/api"))
        .api_key("k")
        .build()
        .unwrap();
    let params = GetActivation;
    let call = client.request(&params).timeout(Duration::from_secs(3_600));
    tokio::select! {
        outcome = call => panic!("answered without a response: {outcome:?}"),
        _ = received => {}
    }
    // The call's future is dropped here, with its request in flight.
    let read_after_request = tokio::time::timeout(Duration::from_secs(30), closed)
        .await
        .expect("the connection was not closed when the call was dropped")
        .unwrap();
    assert_eq!(
        read_after_request, 0,
        "the server read the end of the stream"
    );
}

/// A download that trickles (a chunk every 150 ms, 3 s in all) outlasts the client's 1 s request timeout
/// and still completes: a streamed body is bounded by the idle time between chunks, not by a whole-body
/// limit, with the crate's client and with a caller's. Time is tokio's paused clock.
#[tokio::test(start_paused = true)]
async fn a_trickling_download_outlasts_the_request_timeout() {
    use futures_util::TryStreamExt;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use webshare::operations::DownloadProxyList;
    use webshare::types::{ProxyAuthenticationMethod, ProxyMode};

    const CHUNKS: usize = 20;
    const LINE: &str = "192.0.2.1:8080:user:pass\n";
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    let n = stream.read(&mut buf).await.unwrap();
                    request.extend_from_slice(&buf[..n]);
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\r\n",
                    LINE.len() * CHUNKS
                );
                stream.write_all(head.as_bytes()).await.unwrap();
                for _ in 0..CHUNKS {
                    tokio::time::sleep(Duration::from_millis(150)).await;
                    stream.write_all(LINE.as_bytes()).await.unwrap();
                }
            });
        }
    });
    let params = DownloadProxyList::new(
        "token",
        ProxyAuthenticationMethod::Username,
        ProxyMode::Direct,
    );
    for caller_client in [false, true] {
        let mut builder = Client::builder()
            .base_url(format!("http://{addr}/api"))
            .retry_policy(webshare::RetryPolicy::none())
            .timeout(Duration::from_secs(1))
            .idle_timeout(Duration::from_secs(1));
        if caller_client {
            builder = builder
                .http_client(webshare::reqwest::Client::new())
                .danger_allow_plain_http_secrets(true);
        }
        let client = builder.build().unwrap();
        let started = tokio::time::Instant::now();
        let lines: Vec<_> = client
            .proxies()
            .download(&params)
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap_or_else(|e| panic!("caller's client: {caller_client}: {e}"));
        assert_eq!(lines.len(), CHUNKS);
        assert!(
            started.elapsed() >= Duration::from_secs(3),
            "the clock ran past the request timeout"
        );
    }
}
