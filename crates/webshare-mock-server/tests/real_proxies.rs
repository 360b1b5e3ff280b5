//! Real proxies (`Config::real_proxies`): the list's proxies forward, over HTTP (plain and CONNECT) and
//! SOCKS5, to loopback targets only, with the list's credentials or an IP authorization, under the test
//! controls (refuse, block, slow, recover, counts), and replaced proxies stop.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use webshare_mock_server::{BlockPage, Config, MockServer, ProxyControlError};

const EMAIL: &str = "proxies@example.com";
/// The bound on any wait that should end: only a broken server reaches it.
const GUARD: Duration = Duration::from_secs(30);

/// A loopback target: `GET /hello` answers `hello` and counts, `GET /auth` echoes whether a
/// `Proxy-Authorization` reached it.
struct Target {
    port: u16,
    hits: Arc<AtomicU64>,
}

async fn target() -> Target {
    use axum::http::HeaderMap;
    let hits = Arc::new(AtomicU64::new(0));
    let counted = hits.clone();
    let app = axum::Router::new()
        .route(
            "/hello",
            axum::routing::get(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                async { "hello" }
            }),
        )
        .route(
            "/auth",
            axum::routing::get(|headers: HeaderMap| async move {
                format!("{}", headers.contains_key("proxy-authorization"))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Target { port, hits }
}

/// One proxy of the list as served.
#[derive(Debug, Clone)]
struct Listed {
    address: String,
    port: u16,
    username: String,
    password: String,
}

/// A server with real proxies and an account whose list has `proxies` proxies; its token.
async fn server(config: Config, proxies: usize) -> (MockServer, String) {
    let server = MockServer::start_with(config.real_proxies(true).proxies_per_plan(proxies)).await;
    let token = server.seed_account(EMAIL, "Correct-Horse-9").unwrap().token;
    (server, token)
}

async fn api(
    server: &MockServer,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Value {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = format!("{}{path}", server.base_url());
    let mut request = client
        .request(method.parse().unwrap(), url)
        .header("authorization", format!("Token {token}"))
        .timeout(GUARD);
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    serde_json::from_str(&response.text().await.unwrap()).unwrap_or(Value::Null)
}

async fn list(server: &MockServer, token: &str) -> Vec<Listed> {
    let page = api(
        server,
        token,
        "GET",
        "/v2/proxy/list/?mode=direct&page_size=100",
        None,
    )
    .await;
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| Listed {
            address: p["proxy_address"].as_str().unwrap().to_owned(),
            port: u16::try_from(p["port"].as_i64().unwrap()).unwrap(),
            username: p["username"].as_str().unwrap().to_owned(),
            password: p["password"].as_str().unwrap().to_owned(),
        })
        .collect()
}

/// A client that sends everything through `proxy`, with its credentials unless `anonymous`.
fn through(proxy: &Listed, anonymous: bool) -> reqwest::Client {
    let mut via = reqwest::Proxy::all(format!("http://{}:{}", proxy.address, proxy.port)).unwrap();
    if !anonymous {
        via = via.basic_auth(&proxy.username, &proxy.password);
    }
    reqwest::Client::builder()
        .proxy(via)
        .timeout(GUARD)
        .build()
        .unwrap()
}

async fn get(client: &reqwest::Client, url: &str) -> Result<(u16, String), reqwest::Error> {
    let response = client.get(url).send().await?;
    let status = response.status().as_u16();
    Ok((status, response.text().await?))
}

/// Reads from `stream` until it closes or `until` appears in what was read.
async fn read_until(stream: &mut TcpStream, until: &str) -> String {
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(GUARD, stream.read(&mut buffer))
            .await
            .unwrap()
            .unwrap_or(0);
        if n == 0 {
            break;
        }
        seen.extend_from_slice(&buffer[..n]);
        if String::from_utf8_lossy(&seen).contains(until) {
            break;
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

fn basic(proxy: &Listed) -> String {
    use base64::Engine as _;
    let pair = format!("{}:{}", proxy.username, proxy.password);
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// A SOCKS5 handshake to `proxy` for `host:port` (a domain name), with credentials unless `None`;
/// the stream and the reply code (or the authentication failure's status, as `0x100 | status`).
async fn socks5(
    proxy: &Listed,
    credentials: Option<(&str, &str)>,
    host: &str,
    port: u16,
) -> (TcpStream, u16) {
    let mut stream = TcpStream::connect((proxy.address.as_str(), proxy.port))
        .await
        .unwrap();
    let method = if credentials.is_some() { 2 } else { 0 };
    stream.write_all(&[5, 1, method]).await.unwrap();
    let mut chosen = [0u8; 2];
    stream.read_exact(&mut chosen).await.unwrap();
    if chosen[1] == 0xFF {
        return (stream, 0xFF);
    }
    if let Some((user, password)) = credentials {
        let mut auth = vec![1, user.len() as u8];
        auth.extend_from_slice(user.as_bytes());
        auth.push(password.len() as u8);
        auth.extend_from_slice(password.as_bytes());
        stream.write_all(&auth).await.unwrap();
        let mut status = [0u8; 2];
        stream.read_exact(&mut status).await.unwrap();
        if status[1] != 0 {
            return (stream, 0x100 | u16::from(status[1]));
        }
    }
    let mut request = vec![5, 1, 0, 3, host.len() as u8];
    request.extend_from_slice(host.as_bytes());
    request.extend_from_slice(&port.to_be_bytes());
    stream.write_all(&request).await.unwrap();
    let mut reply = [0u8; 10];
    stream.read_exact(&mut reply).await.unwrap();
    (stream, u16::from(reply[1]))
}

async fn http_over(mut stream: TcpStream, path: &str) -> String {
    let request = format!("GET {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    read_until(&mut stream, "\u{0}").await
}

#[tokio::test]
async fn off_by_default_the_list_points_nowhere() {
    let server = MockServer::start_with(Config::default().proxies_per_plan(3)).await;
    let token = server.seed_account(EMAIL, "Correct-Horse-9").unwrap().token;
    let proxies = list(&server, &token).await;
    assert!(proxies.iter().all(|p| p.address.starts_with("10.")));
    assert!(server.real_proxy_ports().is_empty());
    assert!(matches!(
        server.block_proxy(proxies[0].port, BlockPage::Forbidden),
        Err(ProxyControlError::UnknownPort(_))
    ));
}

#[tokio::test]
async fn plain_http_goes_through_with_the_lists_credentials() {
    let (server, token) = server(Config::default(), 3).await;
    let target = target().await;
    let proxies = list(&server, &token).await;
    assert_eq!(proxies.len(), 3);
    // Each on a loopback address of its own (`127.0.0.2`, …), so an address selects one proxy.
    let mut addresses: Vec<&str> = proxies.iter().map(|p| p.address.as_str()).collect();
    addresses.sort_unstable();
    addresses.dedup();
    assert_eq!(addresses.len(), 3);
    for address in &addresses {
        let ip: std::net::Ipv4Addr = address.parse().unwrap();
        assert!(
            ip.is_loopback() && ip != std::net::Ipv4Addr::LOCALHOST,
            "{ip}"
        );
    }
    // The list's address filter knows the address it showed.
    let path = format!("/v2/proxy/list/?mode=direct&proxy_address={}", addresses[1]);
    let filtered = api(&server, &token, "GET", &path, None).await;
    assert_eq!(filtered["count"], 1);
    assert_eq!(filtered["results"][0]["proxy_address"], addresses[1]);
    let mut ports: Vec<u16> = proxies.iter().map(|p| p.port).collect();
    ports.sort_unstable();
    assert_eq!(server.real_proxy_ports(), ports);

    let client = through(&proxies[0], false);
    let hello = format!("http://127.0.0.1:{}/hello", target.port);
    assert_eq!(get(&client, &hello).await.unwrap(), (200, "hello".into()));
    // The proxy's credentials stop at the proxy.
    let auth = format!("http://127.0.0.1:{}/auth", target.port);
    assert_eq!(get(&client, &auth).await.unwrap(), (200, "false".into()));
    assert_eq!(server.proxy_requests(proxies[0].port), Some(2));
    assert_eq!(server.proxy_requests(proxies[1].port), Some(0));
    assert_eq!(target.hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn connect_opens_a_tunnel() {
    let (server, token) = server(Config::default(), 1).await;
    let target = target().await;
    let proxy = &list(&server, &token).await[0];
    let mut stream = TcpStream::connect((proxy.address.as_str(), proxy.port))
        .await
        .unwrap();
    let connect = format!(
        "CONNECT 127.0.0.1:{0} HTTP/1.1\r\nhost: 127.0.0.1:{0}\r\nproxy-authorization: {1}\r\n\r\n",
        target.port,
        basic(proxy)
    );
    stream.write_all(connect.as_bytes()).await.unwrap();
    let head = read_until(&mut stream, "\r\n\r\n").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let answer = http_over(stream, "/hello").await;
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with("hello"),
        "{answer}"
    );
    assert_eq!(server.proxy_requests(proxy.port), Some(1));
}

#[tokio::test]
async fn socks5_with_username_and_password() {
    let (server, token) = server(Config::default(), 1).await;
    let target = target().await;
    let proxy = &list(&server, &token).await[0];
    let credentials = Some((proxy.username.as_str(), proxy.password.as_str()));
    let (stream, reply) = socks5(proxy, credentials, "localhost", target.port).await;
    assert_eq!(reply, 0);
    let answer = http_over(stream, "/hello").await;
    assert!(answer.ends_with("hello"), "{answer}");
    assert_eq!(server.proxy_requests(proxy.port), Some(1));

    let (_, reply) = socks5(
        proxy,
        Some((&proxy.username, "wrong")),
        "localhost",
        target.port,
    )
    .await;
    assert_eq!(reply, 0x101, "RFC 1929 failure");
    // Without credentials, and without an authorized address: no acceptable method.
    let (_, reply) = socks5(proxy, None, "localhost", target.port).await;
    assert_eq!(reply, 0xFF);
}

#[tokio::test]
async fn wrong_or_missing_credentials_are_a_407() {
    let (server, token) = server(Config::default(), 1).await;
    let target = target().await;
    let proxy = list(&server, &token).await.remove(0);
    let hello = format!("http://127.0.0.1:{}/hello", target.port);
    for client in [
        through(&proxy, true),
        through(
            &Listed {
                password: "wrong".into(),
                ..proxy.clone()
            },
            false,
        ),
        through(
            &Listed {
                username: "someone".into(),
                ..proxy.clone()
            },
            false,
        ),
    ] {
        let response = client.get(&hello).send().await.unwrap();
        assert_eq!(response.status(), 407);
        let challenge = response.headers()["proxy-authenticate"].to_str().unwrap();
        assert!(challenge.starts_with("Basic realm="), "{challenge}");
    }
    assert_eq!(target.hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn an_authorized_address_needs_no_credentials() {
    let (server, token) = server(Config::default(), 1).await;
    let target = target().await;
    let proxy = list(&server, &token).await.remove(0);
    let hello = format!("http://127.0.0.1:{}/hello", target.port);
    assert_eq!(get(&through(&proxy, true), &hello).await.unwrap().0, 407);
    server.authorize_ip(EMAIL, "127.0.0.1").unwrap();
    assert_eq!(
        get(&through(&proxy, true), &hello).await.unwrap(),
        (200, "hello".into())
    );
    let (stream, reply) = socks5(&proxy, None, "127.0.0.1", target.port).await;
    assert_eq!(reply, 0);
    assert!(http_over(stream, "/hello").await.ends_with("hello"));
}

#[tokio::test]
async fn targets_beyond_loopback_are_refused() {
    let (server, token) = server(Config::default(), 1).await;
    let proxy = list(&server, &token).await.remove(0);
    let client = through(&proxy, false);
    for url in [
        "http://10.1.2.3/",
        "http://example.com/",
        "http://[::2]:8080/",
    ] {
        assert_eq!(get(&client, url).await.unwrap().0, 403, "{url}");
    }
    let mut stream = TcpStream::connect((proxy.address.as_str(), proxy.port))
        .await
        .unwrap();
    let connect = format!(
        "CONNECT example.com:443 HTTP/1.1\r\nproxy-authorization: {}\r\n\r\n",
        basic(&proxy)
    );
    stream.write_all(connect.as_bytes()).await.unwrap();
    assert!(
        read_until(&mut stream, "\r\n\r\n")
            .await
            .starts_with("HTTP/1.1 403")
    );
    let credentials = Some((proxy.username.as_str(), proxy.password.as_str()));
    let (_, reply) = socks5(&proxy, credentials, "example.com", 443).await;
    assert_eq!(reply, 2, "SOCKS5 'connection not allowed by ruleset'");
}

#[tokio::test]
async fn refuse_block_captcha_and_recover() {
    let (server, token) = server(Config::default(), 1).await;
    let target = target().await;
    let proxy = list(&server, &token).await.remove(0);
    let client = through(&proxy, false);
    let hello = format!("http://127.0.0.1:{}/hello", target.port);

    server.refuse_proxy(proxy.port).await.unwrap();
    let refused = TcpStream::connect((proxy.address.as_str(), proxy.port)).await;
    assert_eq!(
        refused.unwrap_err().kind(),
        std::io::ErrorKind::ConnectionRefused
    );
    assert!(get(&client, &hello).await.unwrap_err().is_connect());
    server.recover_proxy(proxy.port).unwrap();
    assert_eq!(get(&client, &hello).await.unwrap(), (200, "hello".into()));

    server
        .block_proxy(proxy.port, BlockPage::Forbidden)
        .unwrap();
    assert_eq!(get(&client, &hello).await.unwrap().0, 403);
    let credentials = Some((proxy.username.as_str(), proxy.password.as_str()));
    assert_eq!(
        socks5(&proxy, credentials, "localhost", target.port)
            .await
            .1,
        2
    );

    server.block_proxy(proxy.port, BlockPage::Captcha).unwrap();
    let response = client.get(&hello).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(response.text().await.unwrap().contains("captcha"));
    let (stream, reply) = socks5(&proxy, credentials, "localhost", target.port).await;
    assert_eq!(reply, 0);
    assert!(http_over(stream, "/hello").await.contains("captcha"));

    server.recover_proxy(proxy.port).unwrap();
    assert_eq!(get(&client, &hello).await.unwrap(), (200, "hello".into()));
    assert_eq!(
        target.hits.load(Ordering::SeqCst),
        2,
        "blocked requests never reached it"
    );
}

#[tokio::test]
async fn a_slow_proxy_holds_requests_until_the_clock_moves() {
    let (server, token) = server(Config::default().manual_clock(true), 2).await;
    let target = target().await;
    let proxies = list(&server, &token).await;
    let (slow, fast) = (&proxies[0], &proxies[1]);
    let latency = Duration::from_secs(5);
    server.slow_proxy(slow.port, latency).unwrap();
    let hello = format!("http://127.0.0.1:{}/hello", target.port);
    let held = tokio::spawn({
        let (client, hello) = (through(slow, false), hello.clone());
        async move { get(&client, &hello).await }
    });
    server.wait_for_proxy_requests(slow.port, 1).await.unwrap();
    server.advance(latency - Duration::from_millis(1));
    // A whole round trip through the other proxy: the held one had all that time to (wrongly) finish.
    assert_eq!(get(&through(fast, false), &hello).await.unwrap().0, 200);
    assert!(!held.is_finished());
    assert_eq!(target.hits.load(Ordering::SeqCst), 1);
    server.advance(Duration::from_millis(1));
    assert_eq!(held.await.unwrap().unwrap(), (200, "hello".into()));

    server.recover_proxy(slow.port).unwrap();
    assert_eq!(get(&through(slow, false), &hello).await.unwrap().0, 200);
}

#[tokio::test]
async fn request_counts_follow_each_proxy() {
    let (server, token) = server(Config::default(), 4).await;
    let target = target().await;
    let proxies = list(&server, &token).await;
    let hello = format!("http://127.0.0.1:{}/hello", target.port);
    for (i, proxy) in proxies.iter().enumerate() {
        let client = through(proxy, false);
        for _ in 0..=i {
            get(&client, &hello).await.unwrap();
        }
    }
    let counts: Vec<Option<u64>> = proxies
        .iter()
        .map(|p| server.proxy_requests(p.port))
        .collect();
    assert_eq!(counts, [Some(1), Some(2), Some(3), Some(4)]);
}

#[tokio::test]
async fn the_download_serves_the_same_real_proxies() {
    let (server, token) = server(Config::default(), 2).await;
    let target = target().await;
    let listed = list(&server, &token).await;
    let config = api(&server, &token, "GET", "/v2/proxy/config/", None).await;
    let key = config["proxy_list_download_token"].as_str().unwrap();
    let url = format!(
        "{}/v2/proxy/list/download/{key}/-/any/username/direct/-/",
        server.base_url()
    );
    let text = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    for (line, proxy) in lines.iter().zip(&listed) {
        assert_eq!(
            *line,
            format!(
                "{}:{}:{}:{}",
                proxy.address, proxy.port, proxy.username, proxy.password
            )
        );
    }
    let hello = format!("http://127.0.0.1:{}/hello", target.port);
    assert_eq!(
        get(&through(&listed[1], false), &hello).await.unwrap().0,
        200
    );
}

#[tokio::test]
async fn replaced_proxies_stop_and_their_replacements_serve() {
    let step = Duration::from_secs(1);
    let (server, token) = server(
        Config::default().manual_clock(true).replacement_step(step),
        4,
    )
    .await;
    let target = target().await;
    let hello = format!("http://127.0.0.1:{}/hello", target.port);
    let before = list(&server, &token).await;
    // The first proxy is the only one in the US (the mock's countries cycle).
    let replacement = json!({
        "to_replace": {"type": "country", "country_code": "US"},
        "replace_with": [{"type": "any", "count": 1}],
    });
    api(
        &server,
        &token,
        "POST",
        "/v3/proxy/replace/",
        Some(replacement),
    )
    .await;
    server.advance(step * 3);
    // Completed: the replaced proxy stops at once, before any list is read again.
    let old = get(&through(&before[0], false), &hello).await.unwrap();
    assert_eq!(old.0, 503, "{old:?}");
    assert_eq!(server.proxy_requests(before[0].port), None);
    let after = list(&server, &token).await;
    assert_eq!(after.len(), 4);
    assert!(!after.iter().any(|p| p.port == before[0].port));
    assert_eq!(
        after[1..].iter().map(|p| p.port).collect::<Vec<_>>(),
        before[1..].iter().map(|p| p.port).collect::<Vec<_>>()
    );

    // Its listener closes as the list retires it: refused, or (accepted just before) not served.
    assert_eq!(server.proxy_requests(before[0].port), None);
    let old = get(&through(&before[0], false), &hello).await;
    assert!(!matches!(old, Ok((200, _))), "{old:?}");
    let new = after
        .iter()
        .find(|p| !before.iter().any(|b| b.port == p.port))
        .unwrap();
    assert_eq!(
        get(&through(new, false), &hello).await.unwrap(),
        (200, "hello".into())
    );
}

#[tokio::test]
async fn hostile_input_gets_an_error_never_a_crash() {
    let (server, token) = server(Config::default(), 1).await;
    let target = target().await;
    let proxy = list(&server, &token).await.remove(0);

    let answers = [
        // Garbage, and a SOCKS4 greeting: not HTTP.
        b"\x16\x03\x01\x00\xffgarbage\r\n\r\n".to_vec(),
        b"\x04\x01\x00\x50\x7f\x00\x00\x01user\x00".to_vec(),
        // A head larger than the proxy reads.
        format!(
            "GET http://127.0.0.1/ HTTP/1.1\r\nx-big: {}\r\n\r\n",
            "a".repeat(64 * 1024)
        )
        .into_bytes(),
        // Origin form: no target named.
        b"GET /hello HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n".to_vec(),
    ];
    let mut statuses = Vec::new();
    for bytes in answers {
        let mut stream = TcpStream::connect((proxy.address.as_str(), proxy.port))
            .await
            .unwrap();
        let _ = stream.write_all(&bytes).await;
        let answer = read_until(&mut stream, "\r\n\r\n").await;
        statuses.push(answer.get(9..12).unwrap_or("closed").to_owned());
    }
    assert_eq!(statuses, ["400", "400", "431", "407"]);

    // SOCKS5 that goes wrong at each step: closed, never answered with a success.
    for bytes in [
        &[5u8, 3][..],                   // truncated method list
        &[5, 1, 2, 9, 1, b'u', 1, b'p'], // RFC 1929 with version 9
        &[5, 1, 2, 1, 0, 0],             // empty credentials: wrong ones
    ] {
        let mut stream = TcpStream::connect((proxy.address.as_str(), proxy.port))
            .await
            .unwrap();
        stream.write_all(bytes).await.unwrap();
        stream.shutdown().await.unwrap();
        let mut rest = Vec::new();
        let _ = tokio::time::timeout(GUARD, stream.read_to_end(&mut rest))
            .await
            .unwrap();
        assert!(
            rest.len() <= 4 && rest.get(3).is_none_or(|&status| status != 0),
            "{rest:?}"
        );
    }
    // A bad request version after a good authentication, and an unknown address type.
    for request in [
        &[4u8, 1, 0, 1, 127, 0, 0, 1, 0, 80][..],
        &[5, 1, 0, 9, 0, 0],
    ] {
        let mut stream = TcpStream::connect((proxy.address.as_str(), proxy.port))
            .await
            .unwrap();
        let mut hello = vec![5, 1, 2, 1, proxy.username.len() as u8];
        hello.extend_from_slice(proxy.username.as_bytes());
        hello.push(proxy.password.len() as u8);
        hello.extend_from_slice(proxy.password.as_bytes());
        hello.extend_from_slice(request);
        stream.write_all(&hello).await.unwrap();
        let mut rest = Vec::new();
        let _ = tokio::time::timeout(GUARD, stream.read_to_end(&mut rest))
            .await
            .unwrap();
        // Method chosen, authenticated; then nothing (bad version) or "address type not supported".
        assert!(rest == [5, 2, 1, 0] || rest[4..6] == [5, 8], "{rest:?}");
    }
    // The proxy still serves, and the API too.
    let hello = format!("http://127.0.0.1:{}/hello", target.port);
    assert_eq!(get(&through(&proxy, false), &hello).await.unwrap().0, 200);
    assert_eq!(list(&server, &token).await.len(), 1);
}

#[tokio::test]
async fn connections_are_capped_and_a_silent_tunnel_is_closed() {
    let config = Config::default()
        .max_proxy_connections(1)
        .proxy_idle_timeout(Duration::from_millis(200));
    let (server, token) = server(config, 1).await;
    let target = target().await;
    let proxy = list(&server, &token).await.remove(0);
    // An open tunnel holds the only connection slot.
    let mut tunnel = TcpStream::connect((proxy.address.as_str(), proxy.port))
        .await
        .unwrap();
    let connect = format!(
        "CONNECT 127.0.0.1:{} HTTP/1.1\r\nproxy-authorization: {}\r\n\r\n",
        target.port,
        basic(&proxy)
    );
    tunnel.write_all(connect.as_bytes()).await.unwrap();
    assert!(
        read_until(&mut tunnel, "\r\n\r\n")
            .await
            .starts_with("HTTP/1.1 200")
    );
    // So another connection is closed unanswered.
    let mut other = TcpStream::connect((proxy.address.as_str(), proxy.port))
        .await
        .unwrap();
    let _ = other
        .write_all(b"GET http://127.0.0.1/ HTTP/1.1\r\n\r\n")
        .await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(GUARD, other.read_to_end(&mut answer))
        .await
        .unwrap();
    assert!(read.is_err() || answer.is_empty(), "{answer:?}");
    // A tunnel that carries nothing is closed by the idle timeout.
    let mut rest = Vec::new();
    let read = tokio::time::timeout(GUARD, tunnel.read_to_end(&mut rest))
        .await
        .unwrap();
    assert!(read.is_err() || rest.is_empty(), "{rest:?}");
}

#[tokio::test]
async fn more_real_proxies_than_allowed_is_a_503_not_a_broken_list() {
    let (server, token) = server(Config::default().max_real_proxies(2), 3).await;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let answer = http
        .get(format!("{}/v2/proxy/list/?mode=direct", server.base_url()))
        .header("authorization", format!("Token {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 503);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["code"], "mock_capacity", "{body}");
    let config = api(&server, &token, "GET", "/v2/proxy/config/", None).await;
    let key = config["proxy_list_download_token"].as_str().unwrap();
    let url = format!(
        "{}/v2/proxy/list/download/{key}/-/any/username/direct/-/",
        server.base_url()
    );
    assert_eq!(http.get(url).send().await.unwrap().status(), 503);
    assert_eq!(server.real_proxy_ports().len(), 2);
}
