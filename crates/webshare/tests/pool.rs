#![cfg(feature = "pool")]
//! `webshare::pool` end to end: sending through in-process fake proxies (retry through another proxy,
//! classification, credentials), the sources (the mock server's list and download, the backbone), and a
//! property test of the pool's invariants under random picks, reports, refreshes and time.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use proptest::prelude::*;
use support::{EMAIL, real_proxies_replaced_at_once, send_through, signed_in};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use webshare::Secret;
use webshare::operations::{DownloadProxyList, ListProxies};
use webshare::pool::{
    self, HealthConfig, ManualClock, Outcome, Pool, PoolError, PoolProxy, SendError, SendOptions,
    Status, Strategy as Pick, Verdict,
};
use webshare::types::{ProxyAuthenticationMethod, ProxyMode};
use webshare_mock_server::Config;

/// A fake HTTP proxy on loopback that answers every request itself with one status and body, and keeps
/// each request's head.
struct FakeProxy {
    port: u16,
    heads: Arc<Mutex<Vec<String>>>,
}

async fn fake_proxy(status: u16, content_type: &'static str, body: &'static str) -> FakeProxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&heads);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let seen = Arc::clone(&seen);
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut read = BufReader::new(read);
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if read.read_line(&mut line).await.unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    head.push_str(&line);
                }
                seen.lock().unwrap().push(head);
                let response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = write.write_all(response.as_bytes()).await;
                let _ = write.shutdown().await;
            });
        }
    });
    FakeProxy { port, heads }
}

fn local(port: u16) -> PoolProxy {
    PoolProxy::new("127.0.0.1", port, None, None).unwrap()
}

fn state(pool: &Pool, port: u16) -> pool::ProxyState {
    pool.snapshot()
        .proxies
        .into_iter()
        .find(|p| p.proxy.port() == port)
        .unwrap()
}

#[tokio::test]
async fn a_blocked_answer_is_retried_through_another_proxy() {
    let blocked = fake_proxy(403, "text/plain", "go away").await;
    let good = fake_proxy(200, "text/plain", "hello").await;
    let pool = Pool::builder()
        .build(vec![local(blocked.port), local(good.port)])
        .unwrap();
    let response = pool
        .send(
            |http| http.get("http://example.test/page"),
            SendOptions::attempts(2),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.attempts(), 2);
    assert_eq!(response.proxy().port(), good.port);
    // The response holds its lease until it is read.
    assert_eq!(state(&pool, good.port).in_flight, 1);
    assert_eq!(&response.bytes().await.unwrap()[..], b"hello");
    let (b, g) = (state(&pool, blocked.port), state(&pool, good.port));
    assert_eq!((b.failures, b.successes, b.in_flight), (1, 0, 0));
    assert_eq!((g.failures, g.successes, g.in_flight), (0, 1, 0));
    // Each proxy was asked once, in the absolute form a proxy is spoken to with.
    for proxy in [&blocked, &good] {
        let heads = proxy.heads.lock().unwrap();
        assert_eq!(heads.len(), 1);
        assert!(
            heads[0].starts_with("GET http://example.test/page HTTP/1.1"),
            "{heads:?}"
        );
    }
}

#[tokio::test]
async fn without_retries_the_failure_is_the_answer() {
    let blocked = fake_proxy(429, "text/plain", "slow down").await;
    let pool = Pool::builder().build(vec![local(blocked.port)]).unwrap();
    let err = pool
        .send(
            |http| http.get("http://example.test/"),
            SendOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            SendError::Failed {
                attempts: 1,
                last: Outcome::Blocked { status: 429 },
                source: None
            }
        ),
        "{err:?}"
    );
    // More attempts than proxies: the one proxy is tried again, until its third failure quarantines
    // it and the third attempt finds no proxy.
    let err = pool
        .send(
            |http| http.get("http://example.test/"),
            SendOptions::attempts(3),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, SendError::Failed { attempts: 2, .. }),
        "{err:?}"
    );
    assert!(matches!(
        state(&pool, blocked.port).status,
        Status::Quarantined { .. }
    ));
}

#[tokio::test]
async fn a_dead_proxy_is_a_connect_error_and_the_next_one_answers() {
    let dead = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    };
    let good = fake_proxy(200, "text/plain", "ok").await;
    let pool = Pool::builder()
        .build(vec![local(dead), local(good.port)])
        .unwrap();
    let response = pool
        .send(
            |http| http.get("http://example.test/"),
            SendOptions::attempts(2),
        )
        .await
        .unwrap();
    assert_eq!(response.proxy().port(), good.port);
    drop(response);
    assert_eq!(state(&pool, dead).failures, 1);
}

#[tokio::test]
async fn captcha_pages_are_blocks_and_the_classifier_can_be_replaced() {
    let captcha = fake_proxy(200, "text/html", "<html><div class=\"h-captcha\"></div>").await;
    let pool = Pool::builder().build(vec![local(captcha.port)]).unwrap();
    let err = pool
        .send(
            |http| http.get("http://example.test/"),
            SendOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        SendError::Failed {
            last: Outcome::Blocked { status: 200 },
            ..
        }
    ));
    let lenient = Pool::builder()
        .classifier(
            |_: webshare::reqwest::StatusCode,
             _: &webshare::reqwest::header::HeaderMap,
             _: &[u8]| { Verdict::Success },
        )
        .build(vec![local(captcha.port)])
        .unwrap();
    let response = lenient
        .send(
            |http| http.get("http://example.test/"),
            SendOptions::default(),
        )
        .await
        .unwrap();
    assert!(response.bytes().await.unwrap().starts_with(b"<html>"));
}

#[tokio::test]
async fn the_proxy_gets_its_credentials_and_errors_never_show_them() {
    let proxy = fake_proxy(200, "text/plain", "ok").await;
    let with_credentials = PoolProxy::new(
        "127.0.0.1",
        proxy.port,
        Some("user"),
        Some(&Secret::new("hunter2")),
    )
    .unwrap();
    let pool = Pool::builder().build(vec![with_credentials]).unwrap();
    let lease = pool.pick().unwrap();
    let client = pool.client_for(&lease).unwrap();
    client.get("http://example.test/").send().await.unwrap();
    let head = proxy.heads.lock().unwrap()[0].to_ascii_lowercase();
    // base64("user:hunter2")
    assert!(
        head.contains("proxy-authorization: basic dxnlcjpodw50zxiy"),
        "{head}"
    );
    drop(lease);
    let refused = fake_proxy(407, "text/plain", "").await;
    let pool = Pool::builder()
        .build(vec![
            PoolProxy::new(
                "127.0.0.1",
                refused.port,
                Some("user"),
                Some(&Secret::new("hunter2")),
            )
            .unwrap(),
        ])
        .unwrap();
    let err = pool
        .send(
            |http| http.get("http://example.test/"),
            SendOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        SendError::Failed {
            last: Outcome::Status { status: 407 },
            ..
        }
    ));
    for shown in [format!("{err}"), format!("{err:?}"), format!("{pool:?}")] {
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}

#[tokio::test]
async fn the_account_list_and_the_download_make_the_same_pool() {
    let (server, client) = signed_in(Config::default()).await;
    let listed = pool::from_api(&client, ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap();
    let all: Vec<_> = futures_util::TryStreamExt::try_collect::<Vec<_>>(
        client
            .proxies()
            .list_all(ListProxies::new(ProxyMode::Direct)),
    )
    .await
    .unwrap();
    let valid = all.iter().filter(|p| p.valid != Some(false)).count();
    assert!(
        valid < all.len(),
        "the mock server marks some proxies not valid"
    );
    assert_eq!(listed.len(), valid, "those are left out");
    assert!(
        listed
            .iter()
            .all(|p| p.id().is_some() && p.country_code().is_some())
    );
    let config = client
        .proxy_config()
        .get(server.plan_id(EMAIL))
        .await
        .unwrap();
    let params = DownloadProxyList::new(
        config.proxy_list_download_token.clone().unwrap(),
        ProxyAuthenticationMethod::Username,
        ProxyMode::Direct,
    );
    let lines = client.proxies().download(&params).await.unwrap();
    let downloaded = pool::from_download(lines).await.unwrap();
    let pool = Pool::builder().build(listed).unwrap();
    // The same proxies: a refresh from the download keeps every listed one (and its state).
    let report = pool.replace_list(downloaded).unwrap();
    assert_eq!(
        (report.kept, report.added, report.removed),
        (valid, all.len() - valid, 0)
    );
}

#[test]
fn backbone_sessions_make_a_sticky_pool() {
    let sessions = pool::backbone(
        "me",
        &Secret::new("pw"),
        &pool::BackboneSessions::sticky(4).country("us"),
    )
    .unwrap();
    let pool = Pool::builder().build(sessions).unwrap();
    let user = pool
        .pick_for("cart-17")
        .unwrap()
        .proxy()
        .username()
        .unwrap()
        .to_owned();
    assert!(user.starts_with("me-us-"), "{user}");
    assert_eq!(
        pool.pick_for("cart-17").unwrap().proxy().username(),
        Some(user.as_str())
    );
}

#[tokio::test(start_paused = true)]
async fn a_proxy_that_never_answers_is_a_timeout() {
    // Accepts and keeps the connection, never answering; the paused clock runs the time limit out.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            open.push(stream);
        }
    });
    let pool = Pool::builder().build(vec![local(port)]).unwrap();
    let options = SendOptions {
        timeout: Some(Duration::from_secs(5)),
        ..SendOptions::default()
    };
    let err = pool
        .send(|http| http.get("http://example.test/"), options)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            SendError::Failed {
                last: Outcome::Timeout,
                source: Some(_),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(state(&pool, port).failures, 1);
}

#[test]
fn clients_are_built_once_per_proxy_and_again_for_new_credentials() {
    let built = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&built);
    let factory = pool::ClientFactory::new(move |endpoint| {
        seen.lock().unwrap().push(endpoint.to_string());
        Ok(webshare::reqwest::Client::new())
    });
    let with = |password: &str| {
        vec![
            PoolProxy::new("10.0.0.1", 80, Some("u"), Some(&Secret::new(password))).unwrap(),
            PoolProxy::new("10.0.0.2", 80, Some("u"), Some(&Secret::new(password))).unwrap(),
        ]
    };
    let pool = Pool::builder()
        .client_factory(factory)
        .client_cache(2)
        .build(with("old"))
        .unwrap();
    for _ in 0..4 {
        let lease = pool.pick().unwrap();
        pool.client_for(&lease).unwrap();
    }
    assert_eq!(
        built.lock().unwrap().len(),
        2,
        "one client per proxy, reused"
    );
    // New credentials for the same proxies: a refresh keeps them, their clients are rebuilt.
    assert_eq!(pool.replace_list(with("new")).unwrap().kept, 2);
    let lease = pool.pick().unwrap();
    pool.client_for(&lease).unwrap();
    pool.client_for(&lease).unwrap();
    let built = built.lock().unwrap();
    assert_eq!(built.len(), 3);
    // The factory sees the endpoint; its Display withholds the password.
    assert!(
        built
            .iter()
            .all(|b| b.contains("[redacted]") && !b.contains("old")),
        "{built:?}"
    );
}

#[test]
fn every_state_change_is_traced_without_a_password() {
    let captured = support::Captured::default();
    let clock = Arc::new(ManualClock::new());
    let pool = Pool::builder()
        .clock(Arc::clone(&clock))
        .health(HealthConfig {
            failure_threshold: 1,
            backoff_base: Duration::from_secs(5),
            ..HealthConfig::default()
        })
        .build(vec![
            PoolProxy::new(
                "10.9.8.7",
                3128,
                Some("user"),
                Some(&Secret::new("hunter2")),
            )
            .unwrap(),
        ])
        .unwrap();
    tracing::subscriber::with_default(captured.subscriber(), || {
        pool.pick().unwrap().report(Outcome::Timeout);
        clock.advance(Duration::from_secs(5));
        pool.pick().unwrap().report(Outcome::Success {
            latency: Duration::from_millis(1),
        });
        pool.replace_list(vec![]).unwrap();
    });
    let text = captured.text();
    let events = [
        "proxy quarantined",
        "proxy out of quarantine",
        "proxy recovered",
        "proxy list refreshed",
    ];
    let mut at = 0;
    for event in events {
        let found = text[at..]
            .find(event)
            .unwrap_or_else(|| panic!("{event} after byte {at}: {text}"));
        at += found;
    }
    assert!(text.contains("10.9.8.7:3128"), "{text}");
    assert!(text.contains("removed=1"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}

/// One step of the property test.
#[derive(Debug, Clone)]
enum Step {
    Pick,
    PickFor(u8),
    Report(usize, u8),
    Drop(usize),
    Refresh(u8),
    Advance(u64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::Pick),
        2 => (0u8..4).prop_map(Step::PickFor),
        3 => (any::<usize>(), 0u8..4).prop_map(|(i, o)| Step::Report(i, o)),
        3 => any::<usize>().prop_map(Step::Drop),
        1 => any::<u8>().prop_map(Step::Refresh),
        2 => (0u64..8).prop_map(Step::Advance),
    ]
}

fn six(mask: u8) -> Vec<PoolProxy> {
    (0..6)
        .filter(|i| mask & (1 << i) != 0)
        .map(|i| {
            PoolProxy::new(
                &format!("10.0.0.{i}"),
                80,
                Some("u"),
                Some(&Secret::new("p")),
            )
            .unwrap()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// In flight always equals the live leases of each proxy (never negative, nothing lost or counted
    /// twice; a lease of a proxy that left counts nowhere, even if the proxy comes back), never above the
    /// limit, and a quarantined proxy is never handed out. The model: each lease, and whether a refresh
    /// has removed its proxy since it was taken.
    #[test]
    fn invariants_hold_under_random_use(
        strategy in prop_oneof![
            Just(Pick::RoundRobin),
            Just(Pick::Random),
            Just(Pick::LeastInFlight)
        ],
        interval in 0u64..2,
        steps in prop::collection::vec(step(), 1..120),
    ) {
        let clock = Arc::new(ManualClock::new());
        let pool = Pool::builder()
            .strategy(strategy)
            .seed(1)
            .max_in_flight(2)
            .min_interval(Duration::from_secs(interval))
            .clock(Arc::clone(&clock))
            .health(HealthConfig {
                failure_threshold: 2,
                backoff_base: Duration::from_secs(3),
                backoff_max: Duration::from_secs(12),
                ..HealthConfig::default()
            })
            .build(six(0b11_1111))
            .unwrap();
        let mut leases: Vec<(pool::Lease, bool)> = Vec::new();
        for step in steps {
            let picked = match step {
                Step::Pick => Some(pool.pick()),
                Step::PickFor(key) => Some(pool.pick_for(&key.to_string())),
                Step::Report(i, kind) if !leases.is_empty() => {
                    let n = leases.len();
                    let lease = &mut leases[i % n].0;
                    lease.report(match kind {
                        0 => Outcome::Success { latency: Duration::from_millis(10) },
                        1 => Outcome::ConnectError,
                        2 => Outcome::Timeout,
                        _ => Outcome::Blocked { status: 403 },
                    });
                    None
                }
                Step::Drop(i) if !leases.is_empty() => {
                    let n = leases.len();
                    leases.swap_remove(i % n);
                    None
                }
                Step::Refresh(mask) => {
                    let list = six(mask);
                    for (lease, orphan) in &mut leases {
                        *orphan |= !list.contains(lease.proxy());
                    }
                    pool.replace_list(list).unwrap();
                    None
                }
                Step::Advance(secs) => {
                    clock.advance(Duration::from_secs(secs));
                    None
                }
                Step::Report(..) | Step::Drop(_) => None,
            };
            let snapshot = pool.snapshot();
            match picked {
                Some(Ok(lease)) => {
                    let state = snapshot
                        .proxies
                        .iter()
                        .find(|s| s.proxy == *lease.proxy())
                        .expect("a picked proxy is in the pool");
                    let quarantined = matches!(state.status, Status::Quarantined { .. });
                    prop_assert!(!quarantined, "a quarantined proxy was picked");
                    leases.push((lease, false));
                }
                Some(Err(PoolError::Empty | PoolError::NoneAvailable { .. } | PoolError::Busy { .. })) | None => {}
                Some(Err(e)) => prop_assert!(false, "unexpected {e}"),
            }
            let mut counted = 0;
            for state in &snapshot.proxies {
                let live = leases
                    .iter()
                    .filter(|(l, orphan)| !orphan && *l.proxy() == state.proxy)
                    .count();
                prop_assert_eq!(state.in_flight as usize, live);
                prop_assert!(state.in_flight <= 2);
                counted += live;
            }
            prop_assert!(counted <= leases.len());
            let eligible = snapshot
                .proxies
                .iter()
                .filter(|s| !matches!(s.status, Status::Quarantined { .. }) && s.in_flight < 2)
                .count();
            prop_assert!(snapshot.available <= eligible);
            if interval == 0 {
                prop_assert_eq!(snapshot.available, eligible);
            }
        }
        drop(leases);
        prop_assert!(pool.snapshot().proxies.iter().all(|s| s.in_flight == 0));
    }
}

/// A round-robin pool of the mock's four real proxies on a manual clock (one failure quarantines, for
/// [`BACKOFF`]), and a loopback target behind them answering `hello` (the real proxies forward to
/// loopback only).
struct RealPool {
    server: webshare_mock_server::MockServer,
    pool: Pool,
    ports: Vec<u16>,
    clock: Arc<ManualClock>,
    url: String,
    _target: FakeProxy,
}

/// The quarantine of [`real_round_robin_pool`]'s proxies.
const BACKOFF: Duration = Duration::from_secs(30);

async fn real_round_robin_pool() -> RealPool {
    let (server, client) =
        signed_in(Config::default().real_proxies(true).proxies_per_plan(4)).await;
    let target = fake_proxy(200, "text/plain", "hello").await;
    let url = format!("http://127.0.0.1:{}/page", target.port);
    let proxies = pool::from_api(&client, ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap();
    let ports: Vec<u16> = proxies.iter().map(PoolProxy::port).collect();
    assert_eq!(ports.len(), 4);
    let clock = Arc::new(ManualClock::new());
    let pool = Pool::builder()
        .strategy(Pick::RoundRobin)
        .clock(Arc::clone(&clock))
        .health(HealthConfig {
            failure_threshold: 1,
            backoff_base: BACKOFF,
            ..HealthConfig::default()
        })
        .build(proxies)
        .unwrap();
    RealPool {
        server,
        pool,
        ports,
        clock,
        url,
        _target: target,
    }
}

/// Over the mock server's real proxies (`Config::real_proxies`), counted by the proxies themselves:
/// round robin gives each proxy its turn, and a proxy the mock blocks is quarantined and left alone
/// while it is, then used again once its quarantine is over.
#[tokio::test]
async fn over_the_mocks_real_proxies_round_robin_spreads_and_a_blocked_proxy_rests() {
    let RealPool {
        server,
        pool,
        ports,
        clock,
        url,
        _target,
    } = real_round_robin_pool().await;
    let counts = || -> Vec<u64> {
        ports
            .iter()
            .map(|port| server.proxy_requests(*port).unwrap())
            .collect()
    };
    let send = |n: usize| send_through(&pool, &url, n, b"hello");

    send(12).await;
    assert_eq!(counts(), [3, 3, 3, 3]);

    let blocked = ports[1];
    server
        .block_proxy(blocked, webshare_mock_server::BlockPage::Forbidden)
        .unwrap();
    // Its next turn is a 403: quarantined, and the request retried through the next proxy.
    send(4).await;
    assert!(matches!(
        state(&pool, blocked).status,
        Status::Quarantined { .. }
    ));
    assert_eq!(counts()[1], 4);
    let before = counts();
    send(9).await;
    let after = counts();
    assert_eq!(after[1], before[1], "a quarantined proxy gets no request");
    let spread: Vec<u64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
    assert_eq!(spread, [3, 0, 3, 3]);

    server.recover_proxy(blocked).unwrap();
    clock.advance(BACKOFF);
    send(4).await;
    assert_eq!(counts()[1], 5, "back in turn once its quarantine is over");
    // Its success on probation made it healthy again.
    assert_eq!(state(&pool, blocked).status, Status::Healthy);
}

/// Over the mock server's real proxies: sends with a sticky key keep one proxy (another key gets its
/// own), and when the mock blocks that proxy, the send's retry moves the key to the proxy that answered,
/// where it stays, even after the blocked proxy is back.
#[tokio::test]
async fn a_sticky_send_keeps_its_proxy_until_it_is_blocked_then_moves_and_stays() {
    let RealPool {
        server,
        pool,
        ports,
        clock,
        url,
        _target,
    } = real_round_robin_pool().await;
    let count = |port: u16| server.proxy_requests(port).unwrap();
    // Each send with `key`, through the proxy it answers from.
    let send = |key: &'static str| {
        let (pool, url) = (&pool, url.clone());
        async move {
            let response = pool
                .send(
                    |http| http.get(url.as_str()),
                    SendOptions::attempts(2).sticky(key),
                )
                .await
                .unwrap();
            let port = response.proxy().port();
            assert_eq!(&response.bytes().await.unwrap()[..], b"hello");
            port
        }
    };

    let first = send("session-a").await;
    let other = send("session-b").await;
    assert_ne!(
        first, other,
        "round robin gives the second key the next proxy"
    );
    for _ in 0..5 {
        assert_eq!(send("session-a").await, first);
        assert_eq!(send("session-b").await, other);
    }
    assert_eq!(count(first), 6, "every send of the key went to its proxy");
    assert_eq!(count(other), 6);
    let untouched: Vec<u16> = ports
        .iter()
        .copied()
        .filter(|p| ![first, other].contains(p))
        .collect();
    assert!(untouched.iter().all(|&p| count(p) == 0));
    // Unsticky sends between them move round robin along, not the keys.
    pool.send(|http| http.get(url.as_str()), SendOptions::default())
        .await
        .unwrap();
    assert_eq!(send("session-a").await, first);

    server
        .block_proxy(first, webshare_mock_server::BlockPage::Forbidden)
        .unwrap();
    // Its 403 quarantines it; the retry answers through another proxy, which the key moves to.
    let moved = send("session-a").await;
    assert_ne!(moved, first);
    assert!(matches!(
        state(&pool, first).status,
        Status::Quarantined { .. }
    ));
    let blocked_count = count(first);
    let moved_count = count(moved);
    for _ in 0..5 {
        assert_eq!(
            send("session-a").await,
            moved,
            "the key stays where it moved"
        );
    }
    assert_eq!(count(moved), moved_count + 5);
    assert_eq!(
        count(first),
        blocked_count,
        "the blocked proxy is left alone"
    );
    assert_eq!(send("session-b").await, other, "the other key never moved");

    server.recover_proxy(first).unwrap();
    clock.advance(BACKOFF);
    assert_eq!(
        send("session-a").await,
        moved,
        "the key does not go back once its old proxy is out of quarantine"
    );
    assert_eq!(count(first), blocked_count);
}

/// A loopback target that counts each path it is asked for and holds every answer until `gate` has a
/// permit for it; `arrived` counts the requests received.
struct GatedTarget {
    port: u16,
    seen: Arc<Mutex<std::collections::HashMap<String, u32>>>,
    gate: Arc<tokio::sync::Semaphore>,
    arrived: tokio::sync::watch::Receiver<usize>,
}

async fn gated_target() -> GatedTarget {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(std::collections::HashMap::new()));
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let (arrivals, arrived) = tokio::sync::watch::channel(0usize);
    let arrivals = Arc::new(arrivals);
    let (seen2, gate2) = (seen.clone(), gate.clone());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (seen, gate, arrivals) = (seen2.clone(), gate2.clone(), arrivals.clone());
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let mut path = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if path.is_none() {
                        path = line.split(' ').nth(1).map(str::to_owned);
                        continue;
                    }
                    if !line.is_empty() {
                        continue;
                    }
                    let Some(p) = path.take() else { return };
                    *seen.lock().unwrap().entry(p).or_default() += 1;
                    arrivals.send_modify(|n| *n += 1);
                    gate.acquire().await.unwrap().forget();
                    let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
                    if write.write_all(answer).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    GatedTarget {
        port,
        seen,
        gate,
        arrived,
    }
}

/// Over the mock's real proxies: requests in flight while the list is refreshed (one proxy replaced
/// through the API meanwhile) all get their answer, each reaches the target exactly once, and the
/// requests after the refresh go through the new list only.
#[tokio::test]
async fn no_request_is_lost_or_sent_twice_during_a_list_refresh() {
    let (server, client) = signed_in(real_proxies_replaced_at_once()).await;
    let mut target = gated_target().await;
    let proxies = pool::from_api(&client, ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap();
    let pool = Pool::builder().build(proxies).unwrap();
    let send_all = |round: &'static str, n: usize| {
        let (pool, port) = (pool.clone(), target.port);
        tokio::spawn(async move {
            let sends = (0..n).map(|i| {
                let url = format!("http://127.0.0.1:{port}/{round}/{i}");
                let pool = pool.clone();
                async move {
                    let response = pool
                        .send(|http| http.get(url.as_str()), SendOptions::default())
                        .await
                        .unwrap();
                    response.proxy().port()
                }
            });
            futures_util::future::join_all(sends).await
        })
    };

    // Twelve requests held at the target, three through each proxy.
    let first = send_all("before", 12);
    target.arrived.wait_for(|n| *n == 12).await.unwrap();
    let replaced = pool.snapshot().proxies[0].proxy.clone();
    client
        .replacements()
        .create_and_wait(
            &webshare::types::ProxyReplacementCreateRequest {
                dry_run: Some(false),
                replace_with: vec![webshare::types::ReplacementSource::any(1)],
                to_replace: webshare::types::ProxySelector::ip_addresses(vec![
                    replaced.address().to_owned(),
                ]),
            },
            webshare::Polling::default().first_interval(Duration::from_millis(1)),
        )
        .await
        .unwrap();
    let report = pool
        .refresh_from_api(&client, ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap();
    assert_eq!((report.kept, report.added, report.removed), (3, 1, 1));
    target.gate.add_permits(12);
    let ports = first.await.unwrap();
    assert_eq!(ports.len(), 12, "every request in flight answered");
    assert_eq!(
        ports.iter().filter(|p| **p == replaced.port()).count(),
        3,
        "the replaced proxy's requests in flight were answered through it"
    );

    let second = send_all("after", 12);
    target.arrived.wait_for(|n| *n == 24).await.unwrap();
    target.gate.add_permits(12);
    let ports = second.await.unwrap();
    assert!(!ports.contains(&replaced.port()), "{ports:?}");

    let seen = target.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 24);
    assert!(
        seen.values().all(|n| *n == 1),
        "each request reached the target once: {seen:?}"
    );
    assert_eq!(
        server.proxy_requests(replaced.port()),
        None,
        "it stopped listening"
    );
}
