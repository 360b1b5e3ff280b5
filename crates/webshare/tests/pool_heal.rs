#![cfg(feature = "pool")]
//! `webshare::pool`'s pre-flight check (`Pool::check`, through in-process fake proxies that count the
//! probes they hold at once), self-healing (`Healer`, over the mock server and its manual clock) and list
//! refreshes (on demand and timed).

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use support::{Captured, real_proxies_replaced_at_once, send_through, signed_in};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use webshare::Polling;
use webshare::Secret;
use webshare::operations::{ListProxies, ListProxyReplacements};
use webshare::pool::{
    self, CheckOptions, Group, HealPolicy, HealReason, Healer, HealthConfig, ManualClock, Outcome,
    Pool, PoolError, PoolProxy, SkipReason, Status, Strategy as Pick,
};
use webshare::types::{
    ProxyMode, ProxyReplacementCreateRequest, ProxyReplacementState as ReplacementState,
    ProxySelector, ReplacementSource,
};
use webshare_mock_server::Config;

/// A fake HTTP proxy that answers every request with `status`, but only once the test lets it
/// (`gate`): it counts the requests it holds at once (`holding`, and the most ever in `max`).
struct GatedProxy {
    port: u16,
    holding: watch::Receiver<usize>,
    max: Arc<AtomicUsize>,
    gate: Arc<Semaphore>,
}

async fn gated_proxy(status: u16) -> GatedProxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (holding_tx, holding) = watch::channel(0usize);
    let holding_tx = Arc::new(holding_tx);
    let max = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(Semaphore::new(0));
    let (max2, gate2) = (Arc::clone(&max), Arc::clone(&gate));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (tx, max, gate) = (
                Arc::clone(&holding_tx),
                Arc::clone(&max2),
                Arc::clone(&gate2),
            );
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut read = BufReader::new(read);
                loop {
                    let mut line = String::new();
                    if read.read_line(&mut line).await.unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                }
                tx.send_modify(|n| {
                    *n += 1;
                    max.fetch_max(*n, Ordering::SeqCst);
                });
                let permit = gate.acquire().await.unwrap();
                permit.forget();
                tx.send_modify(|n| *n -= 1);
                let response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
                );
                let _ = write.write_all(response.as_bytes()).await;
                let _ = write.shutdown().await;
            });
        }
    });
    GatedProxy {
        port,
        holding,
        max,
        gate,
    }
}

/// Proxy `n` of a fake proxy: one listener stands for many proxies, told apart by their username.
fn user(port: u16, n: usize) -> PoolProxy {
    PoolProxy::new(
        "127.0.0.1",
        port,
        Some(&format!("user{n}")),
        Some(&Secret::new("pw")),
    )
    .unwrap()
}

#[tokio::test]
async fn the_check_probes_every_proxy_within_its_concurrency_bound() {
    let proxy = gated_proxy(200).await;
    let proxies = (0..7)
        .map(|n| user(proxy.port, n).with_country(if n < 4 { "DE" } else { "FR" }))
        .collect();
    let pool = Pool::builder().build(proxies).unwrap();
    let progress = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = Arc::clone(&progress);
    let check = {
        let pool = pool.clone();
        tokio::spawn(async move {
            let options = CheckOptions {
                concurrency: 3,
                ..CheckOptions::default()
            };
            pool.check_with_progress("http://target.test/", options, move |_, done, total| {
                seen.lock().unwrap().push((done, total));
            })
            .await
        })
    };
    // The bound is reached: three probes held at once, no fourth.
    let mut holding = proxy.holding.clone();
    holding.wait_for(|n| *n == 3).await.unwrap();
    assert!(progress.lock().unwrap().is_empty());
    proxy.gate.add_permits(100);
    let report = check.await.unwrap().unwrap();
    assert_eq!(proxy.max.load(Ordering::SeqCst), 3);
    assert_eq!(report.probes.len(), 7);
    assert!(
        report
            .probes
            .iter()
            .all(|p| p.status == Some(200) && p.outcome.is_success())
    );
    assert_eq!(
        *progress.lock().unwrap(),
        (1..=7).map(|done| (done, 7)).collect::<Vec<_>>()
    );
    let de = report.groups[&Group::Country("DE".into())];
    assert_eq!((de.probed, de.failed), (4, 0));
    assert!(report.failing_groups().is_empty());
    assert!(pool.snapshot().proxies.iter().all(|s| s.successes == 1));
}

#[tokio::test]
async fn a_failing_proxy_is_quarantined_and_its_group_counted() {
    let good = gated_proxy(200).await;
    let bad = gated_proxy(502).await;
    good.gate.add_permits(100);
    bad.gate.add_permits(100);
    let dead = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    };
    let pool = Pool::builder()
        .health(HealthConfig {
            failure_threshold: 1,
            ..HealthConfig::default()
        })
        .build(vec![
            user(good.port, 0).with_asn(64500),
            user(bad.port, 1).with_asn(64501),
            user(dead, 2).with_asn(64501),
        ])
        .unwrap();
    let report = pool
        .check("http://target.test/", CheckOptions::default())
        .await
        .unwrap();
    let outcome = |port| {
        report
            .probes
            .iter()
            .find(|p| p.proxy.port() == port)
            .unwrap()
            .outcome
    };
    assert!(outcome(good.port).is_success());
    assert_eq!(outcome(bad.port), Outcome::Status { status: 502 });
    assert_eq!(outcome(dead), Outcome::ConnectError);
    assert_eq!(report.failures().count(), 2);
    // The most failures first; the proxies' /24 and their shared ASN tie, in the groups' order.
    let failing: Vec<(Group, usize)> = report
        .failing_groups()
        .into_iter()
        .map(|(g, c)| (g.clone(), c.failed))
        .collect();
    assert_eq!(
        failing,
        [
            (Group::Asn(64501), 2),
            (Group::Subnet("127.0.0.0".parse().unwrap()), 2)
        ]
    );
    assert_eq!(report.groups[&Group::Asn(64501)].failed, 2);
    assert_eq!(report.groups[&Group::Asn(64500)].failed, 0);
    let snapshot = pool.snapshot();
    for s in &snapshot.proxies {
        let quarantined = matches!(s.status, Status::Quarantined { .. });
        assert_eq!(quarantined, s.proxy.port() != good.port, "{s:?}");
    }
    // Only the healthy proxy is picked now.
    assert_eq!(pool.pick().unwrap().proxy().port(), good.port);
}

/// Over the mock server's real proxies: each proxy is probed once (counted by the proxy itself), and the
/// one the mock blocks is quarantined.
#[tokio::test]
async fn the_check_over_the_mocks_real_proxies_quarantines_a_blocked_one() {
    let (server, client) =
        signed_in(Config::default().real_proxies(true).proxies_per_plan(4)).await;
    let list = pool::from_api(&client, ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap();
    let ports: Vec<u16> = list.iter().map(PoolProxy::port).collect();
    let pool = Pool::builder()
        .health(HealthConfig {
            failure_threshold: 1,
            ..HealthConfig::default()
        })
        .build(list)
        .unwrap();
    server
        .block_proxy(ports[2], webshare_mock_server::BlockPage::Captcha)
        .unwrap();
    // The real proxies reach loopback only: the mock API itself is the target.
    let options = CheckOptions {
        concurrency: 2,
        ..CheckOptions::default()
    };
    let report = pool.check(server.base_url(), options).await.unwrap();
    let counts: Vec<u64> = ports
        .iter()
        .map(|p| server.proxy_requests(*p).unwrap())
        .collect();
    assert_eq!(counts, [1, 1, 1, 1]);
    assert_eq!(report.failures().count(), 1);
    let failed = report.failures().next().unwrap();
    assert_eq!(failed.proxy.port(), ports[2]);
    assert_eq!(failed.outcome, Outcome::Blocked { status: 200 });
    for s in pool.snapshot().proxies {
        let quarantined = matches!(s.status, Status::Quarantined { .. });
        assert_eq!(quarantined, s.proxy.port() == ports[2]);
    }
}

#[tokio::test]
async fn a_check_url_that_does_not_parse_is_a_typed_error() {
    let pool = Pool::builder().build(vec![user(1, 0)]).unwrap();
    let err = pool
        .check("not a url", CheckOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, PoolError::InvalidConfig { .. }), "{err:?}");
}

/// A pool of the mock's list (its `10.x.y.z` addresses, which replacements select by), on a manual clock,
/// where one failure quarantines; and the mock's replacements finish at their first read (a zero step on
/// its manual clock), so no test waits.
async fn mock_pool(
    proxies: usize,
) -> (
    webshare_mock_server::MockServer,
    webshare::Client,
    Pool,
    Arc<ManualClock>,
) {
    let config = Config::default()
        .manual_clock(true)
        .replacement_step(Duration::ZERO)
        .proxies_per_plan(proxies);
    let (server, client) = signed_in(config).await;
    let clock = Arc::new(ManualClock::new());
    let list = pool::from_api(&client, ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap();
    let pool = Pool::builder()
        .strategy(Pick::RoundRobin)
        .clock(Arc::clone(&clock))
        .health(HealthConfig {
            failure_threshold: 1,
            ..HealthConfig::default()
        })
        .build(list)
        .unwrap();
    (server, client, pool, clock)
}

fn policy(budget: u32) -> HealPolicy {
    let mut policy = HealPolicy::with_budget(budget);
    policy.min_quarantines = 1;
    policy.polling = Polling::default().first_interval(Duration::from_millis(1));
    policy
}

/// Fails the next proxy picked, which quarantines it; returns its address.
fn fail_one(pool: &Pool) -> String {
    let mut lease = pool.pick().unwrap();
    lease.report(Outcome::ConnectError);
    lease.proxy().address().to_owned()
}

async fn replacements_seen(client: &webshare::Client) -> Vec<Option<bool>> {
    client
        .replacements()
        .list(&ListProxyReplacements::new())
        .await
        .unwrap()
        .results
        .into_iter()
        .map(|r| r.dry_run)
        .collect()
}

fn addresses(pool: &Pool) -> Vec<String> {
    pool.snapshot()
        .proxies
        .iter()
        .map(|s| s.proxy.address().to_owned())
        .collect()
}

#[tokio::test]
async fn a_failing_proxy_is_replaced_after_a_dry_run_and_the_pool_uses_the_new_one() {
    let (_server, client, pool, _clock) = mock_pool(4).await;
    let before = addresses(&pool);
    let failed = fail_one(&pool);
    // A request in flight on a healthy proxy is not dropped by the swap.
    let in_flight = pool.pick().unwrap();
    let mut healer = Healer::new(policy(5));
    let report = healer.heal(&pool, &client).await.unwrap();
    assert_eq!(report.candidates.len(), 1);
    assert_eq!(report.candidates[0].1, HealReason::Quarantines(1));
    assert_eq!(report.replaced.len(), 1);
    assert_eq!(report.replaced[0].address(), failed);
    assert!(report.skipped.is_empty());
    assert_eq!(report.dry_run.as_ref().unwrap().dry_run, Some(true));
    let done = report.replacement.as_ref().unwrap();
    assert_eq!(done.state, Some(ReplacementState::Completed));
    assert_eq!(done.proxies_removed, Some(1));
    let refresh = report.refresh.unwrap();
    assert_eq!((refresh.kept, refresh.added, refresh.removed), (3, 1, 1));
    // The mock saw a dry run, then the real one.
    assert_eq!(replacements_seen(&client).await, [Some(true), Some(false)]);

    let now = addresses(&pool);
    assert_eq!(now.len(), 4);
    assert!(!now.contains(&failed));
    assert_eq!(
        pool.snapshot()
            .proxies
            .iter()
            .map(|s| s.in_flight)
            .sum::<u32>(),
        1,
        "the lease in flight is still counted"
    );
    drop(in_flight);
    // Every proxy can be picked again, the new one included, and none is the replaced one.
    let picked: Vec<String> = (0..4)
        .map(|_| pool.pick().unwrap().proxy().address().to_owned())
        .collect();
    assert!(!picked.contains(&failed));
    let new = now.iter().find(|a| !before.contains(a)).unwrap();
    assert!(picked.contains(new), "{picked:?} has the new {new}");
}

#[tokio::test]
async fn a_budget_of_zero_replaces_nothing_and_says_why() {
    let (_server, client, pool, _clock) = mock_pool(4).await;
    let failed = fail_one(&pool);
    let report = Healer::new(policy(0)).heal(&pool, &client).await.unwrap();
    assert_eq!(report.candidates.len(), 1);
    assert!(report.replaced.is_empty() && report.dry_run.is_none());
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].0.address(), failed);
    assert_eq!(
        report.skipped[0].1,
        SkipReason::DailyBudget { used: 0, budget: 0 }
    );
    assert!(replacements_seen(&client).await.is_empty());
    assert!(addresses(&pool).contains(&failed));
}

/// Every decision is a tracing event, and none shows a proxy password; a proxy known by a host name
/// cannot be selected by address, and says so.
#[tokio::test]
async fn skipped_proxies_are_traced_and_a_host_name_is_not_replaced() {
    let (_server, client, pool, _clock) = mock_pool(2).await;
    let password = Secret::new("backbone-secret-pw");
    let backbone =
        PoolProxy::new("p.webshare.io", 80, Some("user-rotate"), Some(&password)).unwrap();
    let mut list: Vec<PoolProxy> = pool
        .snapshot()
        .proxies
        .into_iter()
        .map(|s| s.proxy)
        .collect();
    list.push(backbone);
    pool.replace_list(list).unwrap();
    // Round robin reaches it within three picks; only its lease reports a failure.
    for _ in 0..3 {
        let mut lease = pool.pick().unwrap();
        if lease.proxy().address() == "p.webshare.io" {
            lease.report(Outcome::ConnectError);
        }
    }
    let captured = Captured::default();
    let report = {
        let _guard = tracing::subscriber::set_default(captured.subscriber());
        Healer::new(policy(5)).heal(&pool, &client).await.unwrap()
    };
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].0.address(), "p.webshare.io");
    assert_eq!(report.skipped[0].1, SkipReason::NotAnAddress);
    assert!(report.dry_run.is_none() && report.replaced.is_empty());
    assert!(replacements_seen(&client).await.is_empty());
    let logs = captured.text();
    assert!(logs.contains("self-healing candidate"), "{logs}");
    assert!(logs.contains("self-healing skipped a proxy"), "{logs}");
    assert!(logs.contains("NotAnAddress"), "{logs}");
    assert!(!logs.contains("backbone-secret-pw"), "{logs}");
    assert!(!format!("{report:?}").contains("backbone-secret-pw"));
}

#[tokio::test]
async fn the_daily_budget_is_spent_then_renewed_on_the_pools_clock() {
    let (_server, client, pool, clock) = mock_pool(4).await;
    let first = fail_one(&pool);
    let second = fail_one(&pool);
    let mut healer = Healer::new(policy(1));
    let report = healer.heal(&pool, &client).await.unwrap();
    assert_eq!(report.replaced.len(), 1);
    assert_eq!(report.replaced[0].address(), first);
    assert_eq!(report.skipped[0].0.address(), second);
    assert_eq!(
        report.skipped[0].1,
        SkipReason::DailyBudget { used: 0, budget: 1 }
    );
    let report = healer.heal(&pool, &client).await.unwrap();
    assert!(report.replaced.is_empty());
    assert_eq!(
        report.skipped[0].1,
        SkipReason::DailyBudget { used: 1, budget: 1 }
    );
    clock.advance(Duration::from_secs(24 * 60 * 60));
    let report = healer.heal(&pool, &client).await.unwrap();
    assert_eq!(report.replaced.len(), 1);
    assert_eq!(report.replaced[0].address(), second);
}

#[tokio::test]
async fn an_exhausted_plan_replaces_nothing_and_says_why() {
    let (_server, client, pool, _clock) = mock_pool(4).await;
    // Spend every replacement of the plan first.
    loop {
        let plan = std::pin::pin!(client.plans().list_all())
            .next()
            .await
            .unwrap()
            .unwrap();
        let available = plan.proxy_replacements_available.unwrap();
        if available == 0 {
            break;
        }
        let list = pool::from_api(&client, ListProxies::new(ProxyMode::Direct))
            .await
            .unwrap();
        let take = usize::try_from(available).unwrap().min(list.len());
        let request = ProxyReplacementCreateRequest {
            dry_run: Some(false),
            replace_with: vec![ReplacementSource::any(take as i64)],
            to_replace: ProxySelector::ip_addresses(
                list[..take].iter().map(|p| p.address().to_owned()),
            ),
        };
        client
            .replacements()
            .create_and_wait(&request, policy(0).polling)
            .await
            .unwrap();
    }
    let list = pool::from_api(&client, ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap();
    pool.replace_list(list).unwrap();
    let seen = replacements_seen(&client).await.len();
    let failed = fail_one(&pool);
    let report = Healer::new(policy(5)).heal(&pool, &client).await.unwrap();
    assert!(report.replaced.is_empty() && report.dry_run.is_none());
    assert_eq!(report.skipped[0].0.address(), failed);
    assert_eq!(
        report.skipped[0].1,
        SkipReason::PlanReplacements { available: 0 }
    );
    assert_eq!(replacements_seen(&client).await.len(), seen);
}

/// The whole loop over the mock's real proxies, as a service runs it: requests sent through the pool,
/// one proxy blocked by the mock (a 403), quarantined, replaced through the API by the address the list
/// showed (each real proxy has a loopback address of its own), and the new proxy, a real one too,
/// carrying requests; the replaced one stops listening. Nothing is lost on the way.
#[tokio::test]
async fn over_real_proxies_a_blocked_proxy_is_replaced_and_the_new_one_carries_requests() {
    let (server, client) = signed_in(real_proxies_replaced_at_once()).await;
    let target = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://127.0.0.1:{}/page",
        target.local_addr().unwrap().port()
    );
    tokio::spawn(answer_ok(target));
    let list = pool::from_api(&client, ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap();
    let mut listed: Vec<String> = list.iter().map(|p| p.address().to_owned()).collect();
    listed.sort_unstable();
    listed.dedup();
    assert_eq!(listed.len(), list.len(), "one loopback address per proxy");
    assert!(listed.iter().all(|a| a.starts_with("127.")), "{listed:?}");
    let blocked = list[1].clone();
    let pool = Pool::builder()
        .strategy(Pick::RoundRobin)
        .clock(Arc::new(ManualClock::new()))
        .health(HealthConfig {
            failure_threshold: 1,
            ..HealthConfig::default()
        })
        .build(list)
        .unwrap();
    let send = |n: usize| send_through(&pool, &url, n, b"ok");

    server
        .block_proxy(blocked.port(), webshare_mock_server::BlockPage::Forbidden)
        .unwrap();
    send(4).await;
    assert!(pool.snapshot().proxies.iter().any(
        |s| s.proxy.port() == blocked.port() && matches!(s.status, Status::Quarantined { .. })
    ));

    let report = Healer::new(policy(1)).heal(&pool, &client).await.unwrap();
    assert_eq!(report.replaced.len(), 1);
    assert_eq!(report.replaced[0].address(), blocked.address());
    assert_eq!(
        report.replacement.as_ref().unwrap().proxies_removed,
        Some(1),
        "the listed address selected exactly its proxy"
    );
    let now: Vec<PoolProxy> = pool
        .snapshot()
        .proxies
        .into_iter()
        .map(|s| s.proxy)
        .collect();
    assert_eq!(now.len(), 4);
    assert!(now.iter().all(|p| p.address() != blocked.address()));
    let new = now
        .iter()
        .find(|p| !listed.iter().any(|a| a == p.address()))
        .expect("a new proxy");
    assert_eq!(server.proxy_requests(new.port()), Some(0));
    // The replaced proxy's listener is gone with it.
    assert_eq!(server.proxy_requests(blocked.port()), None);

    send(8).await;
    assert_eq!(
        server.proxy_requests(new.port()),
        Some(2),
        "round robin gives the new proxy its turns"
    );
}

/// Answers every request on `listener` with a 200 `ok`, keeping connections open.
async fn answer_ok(listener: TcpListener) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut lines = BufReader::new(read).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if line.is_empty()
                    && write
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                        .await
                        .is_err()
                {
                    return;
                }
            }
        });
    }
}

/// Replaces the proxy at `address` through the API, outside the pool (as another service or the
/// dashboard would), and waits until the mock has done it.
async fn replace_elsewhere(client: &webshare::Client, address: &str) {
    let request = ProxyReplacementCreateRequest {
        dry_run: Some(false),
        replace_with: vec![ReplacementSource::any(1)],
        to_replace: ProxySelector::ip_addresses(vec![address.to_owned()]),
    };
    let done = client
        .replacements()
        .create_and_wait(
            &request,
            Polling::default().first_interval(Duration::from_millis(1)),
        )
        .await
        .unwrap();
    assert_eq!(done.state, Some(ReplacementState::Completed));
}

/// A timed refresh follows the account's list: a proxy replaced elsewhere leaves the pool at the next
/// tick (one interval after the start, on Tokio's paused clock), a lease in flight survives it, and once
/// the refresher is dropped the pool no longer follows. An on-demand refresh does the same at once.
#[tokio::test(start_paused = true)]
async fn a_timed_refresh_follows_the_accounts_list_until_dropped() {
    let (_server, client, pool, _clock) = mock_pool(4).await;
    let old = addresses(&pool);
    let started = tokio::time::Instant::now();
    let source = {
        let client = client.clone();
        move || {
            let client = client.clone();
            async move { pool::from_api(&client, ListProxies::new(ProxyMode::Direct)).await }
        }
    };
    let mut refresher = pool
        .refresh_every(Duration::from_secs(300), source)
        .unwrap();
    let in_flight = pool.pick().unwrap();
    let kept = in_flight.proxy().address().to_owned();
    let gone = old.iter().find(|a| **a != kept).unwrap().clone();
    replace_elsewhere(&client, &gone).await;

    // Bounded on the paused clock: a refresher that never refreshes fails here rather than hanging.
    let count = tokio::time::timeout(Duration::from_secs(600), refresher.wait_for(1))
        .await
        .expect("a refresh within two intervals");
    assert_eq!((count.succeeded, count.failed), (1, 0));
    assert!(started.elapsed() >= Duration::from_secs(300));
    let now = addresses(&pool);
    assert_eq!(now.len(), 4);
    assert!(!now.contains(&gone), "{now:?}");
    assert!(now.contains(&kept));
    let in_flight_now: u32 = pool.snapshot().proxies.iter().map(|s| s.in_flight).sum();
    assert_eq!(in_flight_now, 1, "the lease in flight is still counted");
    drop(in_flight);

    // Dropped: another replacement elsewhere is not followed, however long.
    drop(refresher);
    replace_elsewhere(&client, &now[0]).await;
    tokio::time::sleep(Duration::from_secs(3_600)).await;
    assert_eq!(addresses(&pool), now);

    // On demand.
    let report = pool
        .refresh_from_api(&client, ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap();
    assert_eq!((report.kept, report.added, report.removed), (3, 1, 1));
    assert!(!addresses(&pool).contains(&now[0]));
}

/// A zero interval, or a timed refresh asked for outside a Tokio runtime, is a typed error.
#[test]
fn a_timed_refresh_needs_an_interval_and_a_runtime() {
    let pool = Pool::builder().build(vec![user(1, 0)]).unwrap();
    let source = || async { Ok(Vec::new()) };
    let outside = pool.refresh_every(Duration::from_secs(60), source);
    assert!(matches!(outside, Err(PoolError::InvalidConfig { .. })));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        let zero = pool.refresh_every(Duration::ZERO, source);
        assert!(matches!(zero, Err(PoolError::InvalidConfig { .. })));
    });
}
