//! What keeps the server's memory and connections bounded whatever its clients do, and what keeps its
//! secrets on loopback: the caps on stored records, the header-read timeout, the connection limit, the
//! outbox's loopback-only rule and the binary's warning for a non-loopback address.
//!
//! Over raw HTTP/1.1 connections, so that each test controls exactly which connection does what. Time
//! appears only as a failure guard (a generous bound on a wait that should end), or, once, as the chance
//! given to a wrong server to misbehave; never in what a passing run asserts.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use webshare_api::Operation;
use webshare_api::operations::{
    COMPLETE_PASSWORD_RESET, GET_ACTIVATION, LOGIN, REGISTER, RESET_PASSWORD, SOCIAL_REGISTER,
};
use webshare_mock_server::{
    Config, DEFAULT_SOCIAL_REDIRECT_URI, EmailKind, MockServer, OUTBOX_PATH,
};

const PASSWORD: &str = "Correct-Horse-Battery-9";
/// The bound on any wait that should end: only a broken server reaches it.
const GUARD: Duration = Duration::from_secs(30);

/// One keep-alive HTTP/1.1 connection to the server.
struct Connection {
    stream: TcpStream,
    host: String,
}

/// A response: status and JSON body (`Null` when empty).
#[derive(Debug)]
struct Answer {
    status: u16,
    body: Value,
}

impl Connection {
    async fn open(server: &MockServer) -> Self {
        let stream = tokio::time::timeout(GUARD, TcpStream::connect(server.addr()))
            .await
            .expect("connect within the guard")
            .expect("connect");
        Self {
            stream,
            host: server.addr().to_string(),
        }
    }

    /// Sends a request to `path` (below the server, e.g. `/_mock/outbox`) without waiting for the answer.
    async fn send(&mut self, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) {
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n",
            self.host,
            body.len()
        );
        if !body.is_empty() {
            head.push_str("Content-Type: application/json\r\n");
        }
        if let Some(token) = token {
            head.push_str(&format!("Authorization: Token {token}\r\n"));
        }
        head.push_str("\r\n");
        self.stream
            .write_all(format!("{head}{body}").as_bytes())
            .await
            .expect("write the request");
    }

    /// Reads one whole response (every response of the mock has a `Content-Length`, or no body).
    async fn receive(&mut self) -> Answer {
        let mut buffer = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&buffer[..end]).expect("an ASCII head");
                let status = head
                    .split(' ')
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .expect("a status line");
                let length: usize = head
                    .lines()
                    .filter_map(|line| line.split_once(':'))
                    .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                    .map_or(0, |(_, value)| value.trim().parse().expect("a length"));
                if buffer.len() >= end + 4 + length {
                    let body = &buffer[end + 4..end + 4 + length];
                    let body = if body.is_empty() {
                        Value::Null
                    } else {
                        serde_json::from_slice(body).expect("a JSON body")
                    };
                    return Answer { status, body };
                }
            }
            let n = tokio::time::timeout(GUARD, self.stream.read(&mut chunk))
                .await
                .expect("a response within the guard")
                .expect("read the response");
            assert!(n > 0, "the server closed the connection mid-response");
            buffer.extend_from_slice(&chunk[..n]);
        }
    }

    async fn request(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        self.send(method, path, token, body).await;
        self.receive().await
    }

    /// Waits for the server to close the connection (EOF or reset), discarding anything it sends first.
    async fn closed_by_server(mut self) {
        let mut chunk = [0u8; 1024];
        loop {
            match tokio::time::timeout(GUARD, self.stream.read(&mut chunk)).await {
                Err(_) => panic!("the server kept the connection open beyond the guard"),
                Ok(Ok(0) | Err(_)) => return,
                Ok(Ok(_)) => continue,
            }
        }
    }
}

/// The path of `operation` on `server`.
fn path(server: &MockServer, operation: &Operation) -> String {
    let prefix = server
        .base_url()
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|slash| &rest[slash..]))
        .unwrap_or("");
    format!("{prefix}{}", operation.path)
}

/// Calls `operation` on a connection of its own.
async fn call(
    server: &MockServer,
    operation: &Operation,
    token: Option<&str>,
    body: Option<Value>,
) -> Answer {
    Connection::open(server)
        .await
        .request(
            operation.method.as_str(),
            &path(server, operation),
            token,
            body.as_ref(),
        )
        .await
}

async fn register(server: &MockServer, email: &str) -> String {
    let answer = call(
        server,
        &REGISTER,
        None,
        Some(json!({"email": email, "password": PASSWORD, "recaptcha": "r", "tos_accepted": true})),
    )
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    answer.body["token"].as_str().expect("a token").to_owned()
}

async fn login(server: &MockServer, email: &str) -> Answer {
    call(
        server,
        &LOGIN,
        None,
        Some(json!({"email": email, "password": PASSWORD, "recaptcha": "r"})),
    )
    .await
}

/// The status of an authenticated request with `token`.
async fn token_status(server: &MockServer, token: &str) -> u16 {
    call(server, &GET_ACTIVATION, Some(token), None)
        .await
        .status
}

async fn request_reset(server: &MockServer, email: &str) {
    let answer = call(
        server,
        &RESET_PASSWORD,
        None,
        Some(json!({"email": email, "recaptcha": "r"})),
    )
    .await;
    assert_eq!(answer.status, 204, "{answer:?}");
}

async fn complete_reset(server: &MockServer, code: &str) -> Answer {
    call(
        server,
        &COMPLETE_PASSWORD_RESET,
        None,
        Some(json!({"password": PASSWORD, "password_reset_token": code, "recaptcha": "r"})),
    )
    .await
}

/// The codes of the password reset emails in the outbox, oldest first.
fn reset_codes(server: &MockServer) -> Vec<String> {
    server
        .outbox()
        .into_iter()
        .filter(|email| email.kind == EmailKind::PasswordReset)
        .map(|email| email.token.expose().to_owned())
        .collect()
}

// --- Item 1: bounded memory -------------------------------------------------------------------------

#[tokio::test]
async fn tokens_beyond_the_cap_revoke_the_oldest() {
    let server = MockServer::start_with(Config::default().max_tokens(3)).await;
    let registered = register(&server, "jane@example.com").await;
    let mut logins = Vec::new();
    for _ in 0..4 {
        let answer = login(&server, "jane@example.com").await;
        assert_eq!(answer.status, 200, "{answer:?}");
        logins.push(answer.body["token"].as_str().unwrap().to_owned());
    }
    // Five tokens issued, three kept: the registration's and the first login's are gone.
    assert_eq!(token_status(&server, &registered).await, 401);
    assert_eq!(token_status(&server, &logins[0]).await, 401);
    for token in &logins[1..] {
        assert_eq!(token_status(&server, token).await, 200);
    }
}

#[tokio::test]
async fn one_time_codes_beyond_the_cap_invalidate_the_oldest() {
    let server = MockServer::start_with(Config::default().max_codes(2)).await;
    register(&server, "jane@example.com").await;
    for _ in 0..3 {
        request_reset(&server, "jane@example.com").await;
    }
    let codes = reset_codes(&server);
    assert_eq!(codes.len(), 3, "the outbox keeps all three emails");
    let refused = complete_reset(&server, &codes[0]).await;
    assert_eq!(refused.status, 400, "{refused:?}");
    assert_eq!(
        refused.body["password_reset_token"][0],
        "Invalid or expired password reset token."
    );
    assert_eq!(complete_reset(&server, &codes[2]).await.status, 200);

    // Social authorization codes are capped the same way.
    let social = |code: &str| {
        json!({
            "provider": "google",
            "code": code,
            "redirect_uri": DEFAULT_SOCIAL_REDIRECT_URI,
            "tos_accepted": true,
        })
    };
    let minted: Vec<String> = (0..3)
        .map(|i| server.mint_social_code("google", &format!("social{i}@example.com")))
        .collect();
    let refused = call(&server, &SOCIAL_REGISTER, None, Some(social(&minted[0]))).await;
    assert_eq!(refused.status, 400, "{refused:?}");
    assert_eq!(
        refused.body["code"][0],
        "Invalid or expired authorization code."
    );
    let accepted = call(&server, &SOCIAL_REGISTER, None, Some(social(&minted[2]))).await;
    assert_eq!(accepted.status, 200, "{accepted:?}");
}

#[tokio::test]
async fn the_outbox_keeps_the_newest_emails() {
    let server = MockServer::start_with(Config::default().max_outbox(2)).await;
    register(&server, "jane@example.com").await;
    request_reset(&server, "jane@example.com").await;
    request_reset(&server, "jane@example.com").await;
    let two = reset_codes(&server);
    assert_eq!(two.len(), 2);
    request_reset(&server, "jane@example.com").await;
    let newest = reset_codes(&server);
    assert_eq!(newest.len(), 2);
    assert_eq!(
        newest[0], two[1],
        "the oldest email went, the others moved up"
    );
    assert_ne!(newest[1], two[1]);
    // The route, from loopback, lists the same two.
    let listed = Connection::open(&server)
        .await
        .request("GET", OUTBOX_PATH, None, None)
        .await;
    assert_eq!(listed.status, 200, "{listed:?}");
    let listed: Vec<&str> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|email| email["token"].as_str().unwrap())
        .collect();
    assert_eq!(listed, newest);
    // A dropped email's code still works: the outbox is a log, the codes are capped on their own.
    assert_eq!(complete_reset(&server, &two[0]).await.status, 200);
}

#[tokio::test]
async fn evicting_an_account_takes_its_tokens_codes_and_subusers() {
    let server = MockServer::start_with(Config::default().max_users(2)).await;
    let first = register(&server, "first@example.com").await;
    request_reset(&server, "first@example.com").await;
    let first_code = reset_codes(&server).remove(0);
    assert!(server.add_subuser("first@example.com").is_some());
    let second = register(&server, "second@example.com").await;
    let third = register(&server, "third@example.com").await;

    // The oldest account is gone, with everything that pointed to it; nothing panics on the way.
    assert_eq!(token_status(&server, &first).await, 401);
    assert_eq!(login(&server, "first@example.com").await.status, 400);
    let refused = complete_reset(&server, &first_code).await;
    assert_eq!(refused.status, 400, "{refused:?}");
    request_reset(&server, "first@example.com").await;
    assert_eq!(
        reset_codes(&server).len(),
        1,
        "no email for an evicted account"
    );
    assert_eq!(server.plan_id("first@example.com"), None);
    assert_eq!(server.add_subuser("first@example.com"), None);
    assert!(!server.require_two_factor("first@example.com", true));
    assert!(server.ip_authorizations("first@example.com").is_empty());

    assert_eq!(token_status(&server, &second).await, 200);
    assert_eq!(token_status(&server, &third).await, 200);
    // The address is free again; registering it evicts the next oldest.
    let again = register(&server, "first@example.com").await;
    assert_eq!(token_status(&server, &again).await, 200);
    assert_eq!(token_status(&server, &second).await, 401);
    assert_eq!(token_status(&server, &third).await, 200);
}

// --- Item 2: slow clients ---------------------------------------------------------------------------

#[tokio::test]
async fn a_stalled_request_head_is_cut_off_after_the_header_timeout() {
    let server =
        MockServer::start_with(Config::default().header_read_timeout(Duration::from_millis(200)))
            .await;
    // Half a request line, then nothing.
    let mut stalled = Connection::open(&server).await;
    stalled
        .stream
        .write_all(b"GET /_mock/out")
        .await
        .expect("write");
    // A connection that sends nothing at all.
    let silent = Connection::open(&server).await;
    stalled.closed_by_server().await;
    silent.closed_by_server().await;
    // A request that is sent whole is answered, and the keep-alive connection is then closed once idle.
    let mut prompt = Connection::open(&server).await;
    let answer = prompt.request("GET", OUTBOX_PATH, None, None).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    prompt.closed_by_server().await;
}

#[tokio::test]
async fn a_stalled_request_body_gets_a_408_and_the_connection_closes() {
    let server =
        MockServer::start_with(Config::default().request_timeout(Duration::from_millis(200))).await;
    let mut stalled = Connection::open(&server).await;
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"em",
        path(&server, &LOGIN),
        stalled.host
    );
    stalled
        .stream
        .write_all(head.as_bytes())
        .await
        .expect("write");
    let answer = stalled.receive().await;
    assert_eq!(answer.status, 408, "{answer:?}");
    assert_eq!(answer.body["code"], "request_timeout");
    stalled.closed_by_server().await;
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_until_one_closes() {
    let server = MockServer::start_with(
        Config::default()
            .max_connections(2)
            // Idle connections must not be closed by the timeout during this test.
            .header_read_timeout(Duration::from_secs(600)),
    )
    .await;
    let mut first = Connection::open(&server).await;
    let mut second = Connection::open(&server).await;
    for connection in [&mut first, &mut second] {
        let answer = connection.request("GET", OUTBOX_PATH, None, None).await;
        assert_eq!(answer.status, 200, "{answer:?}");
    }
    // Both connections are open and served: a third one's request waits.
    let released = Arc::new(AtomicBool::new(false));
    let (done, mut answered) = tokio::sync::oneshot::channel();
    let mut third = Connection::open(&server).await;
    let seen = released.clone();
    let waiting = tokio::spawn(async move {
        let answer = third.request("GET", OUTBOX_PATH, None, None).await;
        let _ = done.send((answer.status, seen.load(Ordering::SeqCst)));
        third
    });
    // Give a server without a limit every chance to answer it (a server with one cannot, however long).
    assert!(
        tokio::time::timeout(Duration::from_millis(500), &mut answered)
            .await
            .is_err(),
        "the third connection was served while two were open"
    );
    // The third connection is served once, and only once, one of the first two is closed.
    released.store(true, Ordering::SeqCst);
    drop(first);
    let (status, after_release) = tokio::time::timeout(GUARD, answered)
        .await
        .expect("the third connection is served once a slot is free")
        .expect("the request task answered");
    assert_eq!(status, 200);
    assert!(after_release, "answered before a connection was closed");
    // The second connection is still served meanwhile.
    let answer = second.request("GET", OUTBOX_PATH, None, None).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    drop(waiting.await.expect("the request task"));
}

/// Counts a caller sends are summed with checked arithmetic: two `i64::MAX` counts do not wrap into a sum
/// that passes the limit (the server would then allocate until it died); they are a 400 naming the field.
#[tokio::test]
async fn counts_that_overflow_when_summed_are_refused() {
    use webshare_api::operations::{ALLOCATE_UNALLOCATED_COUNTRIES, CREATE_SUBUSER};

    let server = MockServer::start().await;
    let token = register(&server, "sum@example.com").await;
    let huge = i64::MAX;
    let subuser = call(
        &server,
        &CREATE_SUBUSER,
        Some(&token),
        Some(json!({"label": "x", "proxy_limit": 1, "proxy_countries": {"US": huge, "DE": huge}})),
    )
    .await;
    assert_eq!(subuser.status, 400, "{subuser:?}");
    assert!(subuser.body["proxy_countries"].is_array(), "{subuser:?}");
    let allocate = call(
        &server,
        &ALLOCATE_UNALLOCATED_COUNTRIES,
        Some(&token),
        Some(json!({"new_countries": {"US": huge, "DE": huge, "FR": 2}})),
    )
    .await;
    assert_eq!(allocate.status, 400, "{allocate:?}");
    // The server still answers.
    assert_eq!(token_status(&server, &token).await, 200);
}

/// A date far in the future (`+262142-12-31`, which chrono's parser accepts) is refused on input, and
/// every later read of the account's sub-users still answers.
#[tokio::test]
async fn dates_are_bounded_on_input() {
    use webshare_api::operations::{CREATE_SUBUSER, LIST_SUBUSERS, UPDATE_SUBUSER};

    let server = MockServer::start().await;
    let token = register(&server, "dates@example.com").await;
    let created = call(
        &server,
        &CREATE_SUBUSER,
        Some(&token),
        Some(json!({"label": "x", "proxy_limit": 1})),
    )
    .await;
    assert_eq!(created.status, 201, "{created:?}");
    let id = created.body["id"].as_i64().unwrap();
    let update_path = path(&server, &UPDATE_SUBUSER).replace("{id}", &id.to_string());
    let refused = Connection::open(&server)
        .await
        .request(
            "PATCH",
            &update_path,
            Some(&token),
            Some(&json!({"bandwidth_use_start_date": "+262142-12-31T00:00:00Z"})),
        )
        .await;
    assert_eq!(refused.status, 400, "{refused:?}");
    assert!(
        refused.body["bandwidth_use_start_date"].is_array(),
        "{refused:?}"
    );
    let listed = call(&server, &LIST_SUBUSERS, Some(&token), None).await;
    assert_eq!(listed.status, 200, "{listed:?}");
}
