//! What keeps the server's memory and connections bounded whatever its clients do without losing what it
//! holds: the stores that refuse more when full (never evicting), the header-read timeout, the
//! connection limit, and the bounds on what a caller sends.
//!
//! Over raw HTTP/1.1 connections, so that each test controls exactly which connection does what. Time
//! appears only as a failure guard (a generous bound on a wait that should end), or on a clock the test
//! drives (tokio's paused clock, the server's manual one); never in what a passing run asserts.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::json;
use support::*;
use tokio::io::AsyncWriteExt;
use webshare_api::operations::{LOGIN, LOGOUT, REGISTER, RESET_PASSWORD, SOCIAL_REGISTER};
use webshare_mock_server::{Config, DEFAULT_SOCIAL_REDIRECT_URI, MockServer};

// --- Item 1: bounded memory -------------------------------------------------------------------------

/// The answer to a request refused because a store of the whole server is full.
fn assert_capacity(answer: &Answer) {
    assert_eq!(answer.status, 503, "{answer:?}");
    assert_eq!(answer.body["code"], "mock_capacity", "{answer:?}");
}

#[tokio::test]
async fn a_full_token_store_refuses_sign_ins_and_revokes_nothing() {
    let server = MockServer::start_with(Config::default().max_tokens(3)).await;
    let registered = register(&server, "jane@example.com").await;
    let mut tokens = vec![registered];
    for _ in 0..2 {
        let answer = login(&server, "jane@example.com").await;
        assert_eq!(answer.status, 200, "{answer:?}");
        tokens.push(answer.body["token"].as_str().unwrap().to_owned());
    }
    assert_capacity(&login(&server, "jane@example.com").await);
    // Every token issued still works: none was revoked to make room.
    for token in &tokens {
        assert_eq!(token_status(&server, token).await, 200);
    }
    // A logout frees room for the next sign-in.
    let logout = call(&server, &LOGOUT, Some(&tokens[0]), None).await;
    assert_eq!(logout.status, 204, "{logout:?}");
    assert_eq!(login(&server, "jane@example.com").await.status, 200);
}

#[tokio::test]
async fn a_full_code_store_refuses_new_codes_and_keeps_the_old_ones() {
    let server = MockServer::start_with(Config::default().max_codes(2)).await;
    register(&server, "jane@example.com").await;
    register(&server, "john@example.com").await;
    request_reset(&server, "jane@example.com").await;
    request_reset(&server, "john@example.com").await;
    let refused = call(
        &server,
        &RESET_PASSWORD,
        None,
        Some(json!({"email": "jane@example.com", "recaptcha": "r"})),
    )
    .await;
    assert_capacity(&refused);
    let codes = reset_codes(&server);
    assert_eq!(codes.len(), 2, "no email for the refused code");
    // The oldest code still works, and using it frees room.
    assert_eq!(complete_reset(&server, &codes[0]).await.status, 200);
    request_reset(&server, "jane@example.com").await;
    assert_eq!(complete_reset(&server, &codes[1]).await.status, 200);
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
        .outbox(Some(server.control_secret()))
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

/// With `max_users` accounts, another registration (or social sign-up) is refused, and every account
/// keeps working: before, it evicted the oldest account, whose token then answered 401.
#[tokio::test]
async fn a_full_server_refuses_new_accounts_and_keeps_every_one() {
    let server = MockServer::start_with(Config::default().max_users(3)).await;
    let first = register(&server, "first@example.com").await;
    request_reset(&server, "first@example.com").await;
    let first_code = reset_codes(&server).remove(0);
    let second = register(&server, "second@example.com").await;
    assert!(server.seed_account("third@example.com", PASSWORD).is_some());

    let refused = call(
        &server,
        &REGISTER,
        None,
        Some(json!({"email": "fourth@example.com", "password": PASSWORD, "recaptcha": "r", "tos_accepted": true})),
    )
    .await;
    assert_capacity(&refused);
    let social = json!({
        "provider": "google",
        "code": server.mint_social_code("google", "social@example.com"),
        "redirect_uri": DEFAULT_SOCIAL_REDIRECT_URI,
        "tos_accepted": true,
    });
    assert_capacity(&call(&server, &SOCIAL_REGISTER, None, Some(social)).await);
    assert!(server.seed_account("fifth@example.com", PASSWORD).is_none());
    assert_eq!(server.plan_id("fourth@example.com"), None);

    // Nothing of the accounts already there was touched.
    assert_eq!(token_status(&server, &first).await, 200);
    assert_eq!(token_status(&server, &second).await, 200);
    assert_eq!(login(&server, "third@example.com").await.status, 200);
    assert!(server.add_subuser("first@example.com").is_some());
    assert_eq!(complete_reset(&server, &first_code).await.status, 200);
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
    let answer = prompt.outbox(Some(server.control_secret())).await;
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

/// On tokio's paused clock, in the runtime that runs the server too: the 500 ms wait below ends only once
/// every task, the server's included, is idle with nothing left to read, so a server without a limit has
/// answered the third connection by then on any machine, however slow.
#[tokio::test(start_paused = true)]
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
        let answer = connection.outbox(Some(server.control_secret())).await;
        assert_eq!(answer.status, 200, "{answer:?}");
    }
    // Both connections are open and served: a third one's request waits.
    let released = Arc::new(AtomicBool::new(false));
    let (done, mut answered) = tokio::sync::oneshot::channel();
    let mut third = Connection::open(&server).await;
    let seen = released.clone();
    let secret = server.control_secret().to_owned();
    let waiting = tokio::spawn(async move {
        let answer = third.outbox(Some(&secret)).await;
        let _ = done.send((answer.status, seen.load(Ordering::SeqCst)));
        third
    });
    // A server without a limit answers it before the paused clock moves on (one with a limit never does).
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
    let answer = second.outbox(Some(server.control_secret())).await;
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
