//! The pool's unit tests (strategies, limits, health, refresh) against a driven clock.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use super::*;

fn proxies(n: u8) -> Vec<PoolProxy> {
    (1..=n)
        .map(|i| {
            PoolProxy::new(
                &format!("10.0.0.{i}"),
                8000,
                Some("user"),
                Some(&webshare_api::Secret::new("hunter2")),
            )
            .unwrap()
        })
        .collect()
}

fn counts(pool: &Pool, picks: usize) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for _ in 0..picks {
        let lease = pool.pick().unwrap();
        *seen.entry(lease.proxy().address().to_owned()).or_default() += 1;
    }
    seen
}

fn state_of<'a>(snapshot: &'a Snapshot, address: &str) -> &'a ProxyState {
    snapshot
        .proxies
        .iter()
        .find(|p| p.proxy.address() == address)
        .unwrap()
}

#[test]
fn round_robin_gives_each_its_turn() {
    let pool = Pool::builder().build(proxies(4)).unwrap();
    let order: Vec<_> = (0..8)
        .map(|_| pool.pick().unwrap().proxy().address().to_owned())
        .collect();
    assert_eq!(order[..4], order[4..]);
    assert!(counts(&pool, 400).values().all(|&n| n == 100));
}

#[test]
fn random_spreads_roughly_evenly() {
    let pool = Pool::builder()
        .strategy(Strategy::Random)
        .seed(42)
        .build(proxies(4))
        .unwrap();
    let seen = counts(&pool, 4000);
    assert_eq!(seen.len(), 4);
    assert!(seen.values().all(|&n| (800..1200).contains(&n)), "{seen:?}");
}

#[test]
fn least_in_flight_goes_to_the_least_loaded() {
    let pool = Pool::builder()
        .strategy(Strategy::LeastInFlight)
        .build(proxies(3))
        .unwrap();
    let mut held: Vec<_> = (0..3).map(|_| pool.pick().unwrap()).collect();
    let mut addresses: Vec<_> = held.iter().map(|l| l.proxy().address()).collect();
    addresses.sort_unstable();
    addresses.dedup();
    assert_eq!(addresses.len(), 3, "one each while all are equal");
    let freed = held[1].proxy().address().to_owned();
    drop(held.remove(1));
    assert_eq!(pool.pick().unwrap().proxy().address(), freed);
}

#[test]
fn sticky_keys_stay_until_their_proxy_fails_then_move_for_good() {
    let clock = Arc::new(ManualClock::new());
    let pool = Pool::builder()
        .clock(Arc::clone(&clock))
        .health(HealthConfig {
            failure_threshold: 1,
            ..HealthConfig::default()
        })
        .build(proxies(3))
        .unwrap();
    let first = pool.pick_for("alice").unwrap().proxy().address().to_owned();
    for _ in 0..5 {
        assert_eq!(pool.pick_for("alice").unwrap().proxy().address(), first);
    }
    let bob = pool.pick_for("bob").unwrap().proxy().address().to_owned();
    assert_ne!(bob, first, "a new key takes the strategy's next proxy");
    pool.pick_for("alice").unwrap().report(Outcome::Timeout);
    let second = pool.pick_for("alice").unwrap().proxy().address().to_owned();
    assert_ne!(second, first);
    clock.advance(Duration::from_secs(3600));
    // The old proxy is back, but the key keeps its new one.
    assert_eq!(pool.snapshot().available, 3);
    assert_eq!(pool.pick_for("alice").unwrap().proxy().address(), second);
    assert_eq!(pool.pick_for("bob").unwrap().proxy().address(), bob);
}

#[tokio::test(start_paused = true)]
async fn quarantine_after_n_failures_and_recovery_after_the_backoff() {
    let pool = Pool::builder()
        .health(HealthConfig {
            failure_threshold: 2,
            backoff_base: Duration::from_secs(10),
            ..HealthConfig::default()
        })
        .build(proxies(2))
        .unwrap();
    let bad = "10.0.0.1";
    let fail = |pool: &Pool| {
        let mut lease = pool.pick().unwrap();
        assert_eq!(lease.proxy().address(), bad);
        lease.report(Outcome::ConnectError);
        pool.pick().unwrap().report(Outcome::Success {
            latency: Duration::from_millis(50),
        });
    };
    fail(&pool);
    assert_eq!(state_of(&pool.snapshot(), bad).status, Status::Healthy);
    fail(&pool);
    let snapshot = pool.snapshot();
    let until = tokio::time::Instant::now() + Duration::from_secs(10);
    assert_eq!(
        state_of(&snapshot, bad).status,
        Status::Quarantined { until }
    );
    assert_eq!(state_of(&snapshot, bad).consecutive_failures, 2);
    assert_eq!(
        state_of(&snapshot, "10.0.0.2").latency,
        Some(Duration::from_millis(50))
    );
    for _ in 0..5 {
        assert_eq!(pool.pick().unwrap().proxy().address(), "10.0.0.2");
    }
    tokio::time::advance(Duration::from_secs(10)).await;
    assert_eq!(state_of(&pool.snapshot(), bad).status, Status::Probation);
    let mut probe = pool.pick().unwrap();
    assert_eq!(probe.proxy().address(), bad, "back in turn");
    probe.report(Outcome::Success {
        latency: Duration::from_millis(80),
    });
    let recovered = pool.snapshot();
    assert_eq!(state_of(&recovered, bad).status, Status::Healthy);
    assert_eq!(state_of(&recovered, bad).consecutive_failures, 0);
}

#[test]
fn the_concurrency_limit_is_respected() {
    let pool = Pool::builder().max_in_flight(2).build(proxies(1)).unwrap();
    let a = pool.pick().unwrap();
    let _b = pool.pick().unwrap();
    assert!(matches!(
        pool.pick(),
        Err(PoolError::NoneAvailable { retry_in: None })
    ));
    assert!(matches!(
        pool.pick_for("k"),
        Err(PoolError::NoneAvailable { .. })
    ));
    drop(a);
    let _c = pool.pick_for("k").unwrap();
    assert!(matches!(pool.pick_for("k"), Err(PoolError::Busy { .. })));
    assert_eq!(pool.snapshot().proxies[0].in_flight, 2);
}

#[test]
fn the_minimum_interval_is_respected() {
    let clock = Arc::new(ManualClock::new());
    let pool = Pool::builder()
        .clock(Arc::clone(&clock))
        .min_interval(Duration::from_secs(1))
        .build(proxies(1))
        .unwrap();
    drop(pool.pick().unwrap());
    match pool.pick() {
        Err(PoolError::NoneAvailable { retry_in }) => {
            assert_eq!(retry_in, Some(Duration::from_secs(1)));
        }
        other => panic!("{other:?}"),
    }
    clock.advance(Duration::from_millis(999));
    assert!(pool.pick().is_err());
    clock.advance(Duration::from_millis(1));
    assert!(pool.pick().is_ok());
}

#[test]
fn a_refresh_keeps_what_stays_and_ignores_leases_of_what_left() {
    let pool = Pool::builder()
        .health(HealthConfig {
            failure_threshold: 1,
            ..HealthConfig::default()
        })
        .build(proxies(2))
        .unwrap();
    let mut on_first = pool.pick().unwrap();
    let on_second = pool.pick_for("session").unwrap();
    assert_eq!(on_first.proxy().address(), "10.0.0.1");
    assert_eq!(on_second.proxy().address(), "10.0.0.2");
    let list = proxies(3).split_off(1);
    let report = pool.replace_list(list).unwrap();
    assert_eq!((report.kept, report.added, report.removed), (1, 1, 1));
    // The lease of the proxy that left reports into nothing.
    on_first.report(Outcome::Timeout);
    drop(on_first);
    let snapshot = pool.snapshot();
    assert_eq!(snapshot.proxies.len(), 2);
    assert_eq!(state_of(&snapshot, "10.0.0.2").in_flight, 1);
    assert_eq!(state_of(&snapshot, "10.0.0.3").in_flight, 0);
    assert!(snapshot.proxies.iter().all(|p| p.failures == 0));
    assert_eq!(
        pool.pick_for("session").unwrap().proxy().address(),
        "10.0.0.2"
    );
    drop(on_second);
    assert!(pool.snapshot().proxies.iter().all(|p| p.in_flight == 0));
    // Re-adding the proxy that left does not revive its old leases.
    assert_eq!(pool.replace_list(proxies(3)).unwrap().added, 1);
    assert_eq!(pool.replace_list(proxies(3)).unwrap().kept, 3);
}

#[test]
fn a_report_counts_once() {
    let pool = Pool::builder().build(proxies(1)).unwrap();
    let mut lease = pool.pick().unwrap();
    lease.report(Outcome::Timeout);
    lease.report(Outcome::Timeout);
    assert!(lease.is_reported());
    drop(lease);
    let state = &pool.snapshot().proxies[0];
    assert_eq!((state.failures, state.in_flight), (1, 0));
}

#[test]
fn nothing_shows_a_password() {
    let pool = Pool::builder().build(proxies(2)).unwrap();
    let lease = pool.pick().unwrap();
    for shown in [
        format!("{pool:?}"),
        format!("{lease:?}"),
        format!("{:?}", pool.snapshot()),
        format!("{:?}", lease.proxy()),
        format!("{:?}", Pool::builder()),
    ] {
        assert!(!shown.contains("hunter2"), "{shown}");
    }
    assert!(format!("{:?}", lease.proxy()).contains("10.0.0.1"));
}

#[test]
fn bad_settings_and_empty_pools_are_typed_errors() {
    assert!(matches!(
        Pool::builder().max_in_flight(0).build(vec![]),
        Err(PoolError::InvalidConfig { .. })
    ));
    let empty = Pool::builder().build(vec![]).unwrap();
    assert!(empty.is_empty());
    assert!(matches!(empty.pick(), Err(PoolError::Empty)));
    let report = empty
        .replace_list([proxies(2), proxies(1)].concat())
        .unwrap();
    assert_eq!((report.added, report.duplicates), (2, 1));
    assert_eq!(empty.len(), 2);
}

#[test]
fn a_list_that_shrinks_gives_back_its_slots_and_old_leases_find_nothing() {
    let pool = Pool::builder().build(proxies(200)).unwrap();
    let mut last = None;
    for _ in 0..200 {
        last = Some(pool.pick().unwrap());
    }
    let last = last.unwrap();
    assert_eq!(last.proxy().address(), "10.0.0.200");
    pool.replace_list(proxies(2)).unwrap();
    assert_eq!(pool.inner.lock().slots.len(), 2);
    drop(last);
    let grown = pool.replace_list(proxies(5)).unwrap();
    assert_eq!((grown.kept, grown.added), (2, 3));
    assert!(pool.snapshot().proxies.iter().all(|p| p.in_flight == 0));
}
