//! Proxy replacements, replaced proxies, plans and the mock's rate limits, end to end: `webshare` → mock
//! server over HTTP.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use futures_util::TryStreamExt;
use support::{signed_in, signed_in_with_token};
use webshare::operations::{DownloadReplacedProxies, ListPlans, ListProxies, ListReplacedProxies};
use webshare::types::{
    DownloadTokenScope, PlanUpgradeRequest, ProxyMode, ProxyReplacementCreateRequest,
    ProxyReplacementState as State, ProxySelector, ReplacementSource,
};
use webshare::{Client, Error, Polling, RateLimitClass, RateLimits};
use webshare_mock_server::Config;

/// States that last `step` each.
fn stepping(step: Duration) -> Config {
    Config::default().replacement_step(step)
}

fn quick_polling() -> Polling {
    Polling::default()
        .deadline(Duration::from_secs(20))
        .first_interval(Duration::from_millis(20))
        .max_interval(Duration::from_millis(50))
}

async fn addresses(client: &Client) -> Vec<String> {
    client
        .proxies()
        .list_all(ListProxies::new(ProxyMode::Direct).page_size(100i64))
        .map_ok(|p| p.proxy_address.unwrap())
        .try_collect()
        .await
        .unwrap()
}

fn request(
    to_replace: ProxySelector,
    replace_with: Vec<ReplacementSource>,
    dry_run: bool,
) -> ProxyReplacementCreateRequest {
    ProxyReplacementCreateRequest {
        to_replace,
        replace_with,
        dry_run: Some(dry_run),
    }
}

/// The states are stepped on the mock's manual clock, one `step` at a time: each is observed for sure,
/// whatever the speed of the machine.
#[tokio::test]
async fn a_replacement_moves_through_its_states_and_then_changes_the_list() {
    let step = Duration::from_secs(60);
    let (server, client) = signed_in(stepping(step).manual_clock(true)).await;
    let before = addresses(&client).await;
    let old: Vec<String> = before[..2].to_vec();
    let created = client
        .replacements()
        .create(&request(
            ProxySelector::ip_addresses(old.clone()),
            vec![ReplacementSource::any(2)],
            false,
        ))
        .await
        .unwrap();
    assert_eq!(created.state, Some(State::Validating));
    assert_eq!(created.proxies_removed, None, "unknown while validating");
    let state = async || client.replacements().get(created.id).await.unwrap();
    assert_eq!(
        state().await.state,
        Some(State::Validating),
        "until the clock moves"
    );

    server.advance(step);
    let processing = state().await;
    assert_eq!(processing.state, Some(State::Processing));
    assert_eq!(processing.completed_at, None);
    assert_eq!(
        addresses(&client).await,
        before,
        "nothing changes before completion"
    );

    server.advance(step);
    let mut seen = Vec::new();
    let done = client
        .replacements()
        .wait(created.id, quick_polling(), |r| seen.push(r.state.clone()))
        .await
        .unwrap();
    assert_eq!(done.state, Some(State::Completed));
    assert_eq!(
        (done.proxies_removed, done.proxies_added),
        (Some(2), Some(2))
    );
    assert_eq!(
        done.completed_at,
        created.created_at.map(|at| at + step * 2),
        "completed two steps after it was made"
    );
    assert_eq!(seen, [Some(State::Completed)]);

    let after = addresses(&client).await;
    assert_eq!(after.len(), before.len());
    assert!(
        old.iter().all(|a| !after.contains(a)),
        "the old proxies are gone"
    );
    let new: Vec<&String> = after.iter().filter(|a| !before.contains(a)).collect();
    assert_eq!(new.len(), 2);

    let replaced = client
        .replacements()
        .replaced(&ListReplacedProxies::new().proxy_list_replacement(created.id))
        .await
        .unwrap();
    assert_eq!(replaced.count, 2);
    let pairs: HashSet<(String, String)> = replaced
        .results
        .iter()
        .map(|r| (r.proxy.clone().unwrap(), r.replaced_with.clone().unwrap()))
        .collect();
    assert!(
        pairs
            .iter()
            .all(|(o, n)| old.contains(o) && new.contains(&n))
    );

    // The text download says the same, authorised by its own token.
    let token = client
        .download_tokens()
        .get(DownloadTokenScope::ReplacedProxy)
        .await
        .unwrap()
        .key
        .unwrap();
    let lines: Vec<_> = client
        .replacements()
        .download_replaced(&DownloadReplacedProxies::new(token).proxy_list_replacement(created.id))
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let downloaded: HashSet<(String, String)> = lines
        .iter()
        .map(|l| (l.replaced_address.clone(), l.proxy.address().to_owned()))
        .collect();
    assert_eq!(downloaded, pairs);
    assert!(lines.iter().all(|l| l.proxy.expose_password().is_some()));

    // The plan counts them.
    let plan_id = client
        .plans()
        .list(&ListPlans::new())
        .await
        .unwrap()
        .results[0]
        .id;
    let plan = client.plans().get(plan_id).await.unwrap();
    assert_eq!(plan.proxy_replacements_used, Some(2));
    assert_eq!(
        plan.proxy_replacements_available,
        plan.proxy_replacements_total.map(|t| t - 2)
    );
}

#[tokio::test]
async fn a_dry_run_counts_and_changes_nothing() {
    let (_server, client) = signed_in(stepping(Duration::from_millis(50))).await;
    let before = addresses(&client).await;
    let done = client
        .replacements()
        .create_and_wait(
            &request(
                ProxySelector::country("US").unwrap().count(3),
                vec![ReplacementSource::country("FR").unwrap()],
                true,
            ),
            quick_polling(),
        )
        .await
        .unwrap();
    assert_eq!(done.state, Some(State::Validated));
    assert_eq!(done.proxies_removed, Some(3));
    assert!(done.dry_run_completed_at.is_some());
    assert_eq!(done.completed_at, None);
    assert_eq!(addresses(&client).await, before);
    let listed = client
        .replacements()
        .list(&webshare::operations::ListProxyReplacements::new().dry_run(true))
        .await
        .unwrap();
    assert_eq!(listed.count, 1);
}

#[tokio::test]
async fn a_failed_replacement_is_an_error_with_the_servers_code() {
    let (_server, client) = signed_in(stepping(Duration::from_millis(30))).await;
    let nothing = request(
        ProxySelector::ip_addresses(["192.0.2.1"]),
        vec![ReplacementSource::any(1)],
        false,
    );
    match client
        .replacements()
        .create_and_wait(&nothing, quick_polling())
        .await
    {
        Err(Error::ReplacementFailed { code, .. }) => {
            assert_eq!(code.as_deref(), Some("no_proxies_to_be_replaced"))
        }
        other => panic!("{other:?}"),
    }
    // A country the pool has none of cannot give new proxies.
    let unavailable = request(
        ProxySelector::country("US").unwrap().count(1),
        vec![ReplacementSource::country("ZA").unwrap()],
        false,
    );
    let error = client
        .replacements()
        .create_and_wait(&unavailable, quick_polling())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::ReplacementFailed { code: Some(c), .. } if c == "proxies_removed_doesnt_match_added"),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("proxies_removed_doesnt_match_added")
    );
}

#[tokio::test]
async fn one_replacement_at_a_time_and_a_wait_ends_at_its_deadline() {
    let (_server, client) = signed_in(stepping(Duration::from_secs(3600))).await;
    let first = client
        .replacements()
        .create(&request(
            ProxySelector::country("DE").unwrap().count(1),
            vec![ReplacementSource::any(1)],
            false,
        ))
        .await
        .unwrap();
    let second = client
        .replacements()
        .create(&request(
            ProxySelector::country("FR").unwrap().count(1),
            vec![ReplacementSource::any(1)],
            false,
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(&second, Error::Validation { non_field_errors, .. }
            if non_field_errors[0].message.contains("already replacing")),
        "{second:?}"
    );
    let polling = quick_polling().deadline(Duration::from_millis(150));
    match client.replacements().wait(first.id, polling, |_| {}).await {
        Err(Error::WaitTimedOut { id, state, waited }) => {
            assert_eq!(id, first.id);
            assert_eq!(state, "validating");
            assert!(waited >= Duration::from_millis(150));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn ranges_select_and_supply_proxies_and_bad_ones_are_refused() {
    let (_server, client) = signed_in(stepping(Duration::from_millis(20))).await;
    let first = addresses(&client).await.remove(0);
    let network = format!("{}.0/24", first.rsplit_once('.').unwrap().0);
    let done = client
        .replacements()
        .create_and_wait(
            &request(
                ProxySelector::ip_ranges([network.as_str()]).count(2),
                vec![ReplacementSource::ip_ranges(["192.0.2.0/29"])],
                false,
            ),
            quick_polling(),
        )
        .await
        .unwrap();
    assert_eq!(done.proxies_added, Some(2));
    let after = addresses(&client).await;
    assert_eq!(
        after.iter().filter(|a| a.starts_with("192.0.2.")).count(),
        2
    );

    // Host bits set: refused before anything starts.
    let error = client
        .replacements()
        .create(&request(
            ProxySelector::ip_ranges(["10.0.0.1/24"]),
            vec![ReplacementSource::any(1)],
            false,
        ))
        .await
        .unwrap_err();
    assert!(!error.field_errors("ip_ranges").is_empty(), "{error:?}");
}

#[tokio::test]
async fn plans_are_listed_updated_upgraded_and_cancelled() {
    let (_server, client) = signed_in(Config::default()).await;
    let page = client.plans().list(&ListPlans::new()).await.unwrap();
    assert_eq!(page.count, 1);
    let plan = &page.results[0];
    assert_eq!(plan.status.as_deref(), Some("active"));
    assert_eq!(plan.proxy_count, Some(100));
    assert_eq!(plan.automatic_refresh_next_at, None, "null in the list");

    let next = chrono::Utc::now() + chrono::Duration::days(2);
    let updated = client
        .plans()
        .set_next_refresh(plan.id, next)
        .await
        .unwrap();
    let shown = updated.automatic_refresh_next_at.unwrap();
    assert!(
        (shown - next).num_milliseconds().abs() < 1,
        "{shown} vs {next}"
    );
    let past = chrono::Utc::now() - chrono::Duration::days(1);
    let error = client
        .plans()
        .set_next_refresh(plan.id, past)
        .await
        .unwrap_err();
    assert!(
        !error.field_errors("automatic_refresh_next_at").is_empty(),
        "{error:?}"
    );

    let upgrade = PlanUpgradeRequest {
        proxy_countries: [("FR".to_owned(), 5), ("ZZ".to_owned(), 3)]
            .into_iter()
            .collect(),
        proxy_replacements_total: Some(10),
        ..Default::default()
    };
    let checkout = client.plans().upgrade(plan.id, &upgrade).await.unwrap();
    assert!(
        checkout.payment_required == Some(false),
        "the mock's accounts pay from credits"
    );
    assert_ne!(checkout.plan, Some(plan.id));
    let checkout_plan = checkout.plan.expect("a checkout names its plan");
    let new_plan = client.plans().get(checkout_plan).await.unwrap();
    assert_eq!(new_plan.proxy_count, Some(8));
    assert_eq!(new_plan.proxy_replacements_available, Some(10));
    assert_eq!(
        client.plans().get(plan.id).await.unwrap().status.as_deref(),
        Some("cancelled")
    );
    let all: Vec<_> = client.plans().list_all().try_collect().await.unwrap();
    assert_eq!(all.len(), 2);
    // The list is the new plan's.
    let fr = client
        .proxies()
        .list(&ListProxies::new(ProxyMode::Direct).country_code_in(["FR"]))
        .await
        .unwrap();
    assert!(fr.count >= 5, "{}", fr.count);
    assert_eq!(addresses(&client).await.len(), 8);

    let cancelled = client.plans().cancel(checkout_plan).await.unwrap();
    assert_eq!(cancelled.success, Some(true));
    assert!(cancelled.transaction.is_some());
    let again = client.plans().cancel(checkout_plan).await.unwrap_err();
    assert_eq!(again.status(), Some(400));
    assert!(matches!(
        client.plans().get(123_456).await,
        Err(Error::NotFound { .. })
    ));
    // A cancelled plan's list cannot be edited.
    let refused = client
        .replacements()
        .create(&request(
            ProxySelector::country("FR").unwrap(),
            vec![ReplacementSource::any(1)],
            false,
        ))
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(400));
}

/// The mock's per-class limits, on: without a client-side limiter the burst runs into a 429 with
/// `Retry-After`; with the client's limiter a little under the server's, the same calls all pass.
#[tokio::test]
async fn the_clients_limiter_keeps_under_the_servers_limits() {
    let limited = Config::default().rate_limits(vec![(RateLimitClass::General, 60)]);
    let (_server, client) = signed_in(limited.clone()).await;
    let mut statuses = Vec::new();
    for _ in 0..61 {
        statuses.push(client.ip_authorizations().whats_my_ip().await);
    }
    assert!(statuses[..60].iter().all(Result::is_ok));
    match &statuses[60] {
        Err(Error::RateLimited { retry_after, .. }) => {
            assert!(
                retry_after.is_some_and(|w| w >= Duration::from_secs(1)),
                "{retry_after:?}"
            )
        }
        other => panic!("{other:?}"),
    }

    let (server, _, token) = signed_in_with_token(limited).await;
    let paced = Client::builder()
        .base_url(server.base_url())
        .api_key(token)
        .retry_policy(webshare::RetryPolicy::none())
        .rate_limits(RateLimits::off().per_minute(RateLimitClass::General, 55))
        .build()
        .unwrap();
    for i in 0..58 {
        paced
            .ip_authorizations()
            .whats_my_ip()
            .await
            .unwrap_or_else(|e| panic!("call {i}: {e}"));
    }
}
