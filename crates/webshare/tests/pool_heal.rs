#![cfg(feature = "pool")]
//! `webshare::pool`'s pre-flight check (`Pool::check`, through in-process fake proxies that count the
//! probes they hold at once) and self-healing (`Healer`, over the mock server and its manual clock).

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use webshare::Secret;
use webshare::pool::{
    CheckOptions, Group, HealthConfig, Outcome, Pool, PoolError, PoolProxy, Status,
};

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

#[tokio::test]
async fn a_check_url_that_does_not_parse_is_a_typed_error() {
    let pool = Pool::builder().build(vec![user(1, 0)]).unwrap();
    let err = pool
        .check("not a url", CheckOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, PoolError::InvalidConfig { .. }), "{err:?}");
}
