//! The mock server as a service several users share: what one account can grow is capped per account
//! (a 400 `mock_limit_reached`, never an eviction), the test-only outbox needs the server's control
//! secret, rate limits count per authenticated account (and per address without one), and a deleted
//! account's sub-users' download links stop working. Over raw HTTP/1.1, as `limits.rs`.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::*;
use webshare_api::Operation;
use webshare_api::operations::{
    CREATE_API_KEY, CREATE_IP_AUTHORIZATION, CREATE_PAYMENT_METHOD, CREATE_PROXY_REPLACEMENT,
    CREATE_SUBUSER, CREATE_VERIFICATION_APPEAL, DELETE_ACCOUNT, GET_ACTIVATION, UPGRADE_PLAN,
};
use webshare_mock_server::{Config, MockServer, VerificationRequest};

/// `operation` with `{name}` in its path replaced by `value`, called with `token` and `body`.
async fn call_at(
    server: &MockServer,
    operation: &Operation,
    params: &[(&str, String)],
    token: &str,
    body: Option<Value>,
) -> Answer {
    let mut at = path(server, operation);
    for (name, value) in params {
        at = at.replace(&format!("{{{name}}}"), value);
    }
    Connection::open(server)
        .await
        .request(operation.method.as_str(), &at, Some(token), body.as_ref())
        .await
}

/// A 400 `mock_limit_reached` naming the `Config` field that sets the cap.
fn assert_limit(answer: &Answer, setting: &str) {
    assert_eq!(answer.status, 400, "{answer:?}");
    assert_eq!(answer.body["code"], "mock_limit_reached", "{answer:?}");
    let detail = answer.body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains(setting), "{answer:?}");
}

/// Calls `operation` with `body(i)` for i = 0, 1, ...: the first `cap` succeed, the next is over the
/// cap.
async fn fill(
    server: &MockServer,
    operation: &Operation,
    token: &str,
    cap: usize,
    setting: &str,
    body: impl Fn(usize) -> Value,
) {
    for i in 0..cap {
        let answer = call(server, operation, Some(token), Some(body(i))).await;
        assert!(answer.status < 300, "{i}: {answer:?}");
    }
    let over = call(server, operation, Some(token), Some(body(cap))).await;
    assert_limit(&over, setting);
}

#[tokio::test]
async fn what_an_account_grows_is_capped_per_account_without_eviction() {
    let config = Config::default()
        .max_subusers(2)
        .max_ip_authorizations(2)
        .max_pending_payments(2)
        .max_replacements(2)
        .max_api_keys(2);
    let server = MockServer::start_with(config).await;
    let token = register(&server, "jane@example.com").await;
    let other = register(&server, "john@example.com").await;

    fill(
        &server,
        &CREATE_SUBUSER,
        &token,
        2,
        "max_subusers",
        |i| json!({"label": format!("s{i}"), "proxy_limit": 1}),
    )
    .await;
    fill(
        &server,
        &CREATE_IP_AUTHORIZATION,
        &token,
        2,
        "max_ip_authorizations",
        |i| json!({"ip_address": format!("192.0.2.{}", i + 1)}),
    )
    .await;
    fill(
        &server,
        &CREATE_PAYMENT_METHOD,
        &token,
        2,
        "max_pending_payments",
        |_| json!({"recaptcha": "r"}),
    )
    .await;
    // Dry runs count too: each keeps its request body.
    fill(
        &server,
        &CREATE_PROXY_REPLACEMENT,
        &token,
        2,
        "max_replacements",
        |_| {
            json!({
                "to_replace": {"type": "country", "country_code": "US"},
                "replace_with": [{"type": "any", "count": 1}],
                "dry_run": true,
            })
        },
    )
    .await;
    fill(
        &server,
        &CREATE_API_KEY,
        &token,
        2,
        "max_api_keys",
        |i| json!({"label": format!("k{i}")}),
    )
    .await;

    // The caps are per account: another account starts with room.
    let sub = call(
        &server,
        &CREATE_SUBUSER,
        Some(&other),
        Some(json!({"label": "x", "proxy_limit": 1})),
    )
    .await;
    assert_eq!(sub.status, 201, "{sub:?}");
    // And nothing of the full account was dropped.
    assert_eq!(server.ip_authorizations("jane@example.com").len(), 2);
}

#[tokio::test]
async fn tokens_and_codes_are_capped_per_account() {
    let config = Config::default()
        .max_tokens_per_account(2)
        .max_codes_per_account(2);
    let server = MockServer::start_with(config).await;
    let registered = register(&server, "jane@example.com").await;
    assert_eq!(login(&server, "jane@example.com").await.status, 200);
    assert_limit(
        &login(&server, "jane@example.com").await,
        "max_tokens_per_account",
    );
    assert_eq!(token_status(&server, &registered).await, 200);
    // Another account signs in meanwhile.
    register(&server, "john@example.com").await;

    request_reset(&server, "jane@example.com").await;
    request_reset(&server, "jane@example.com").await;
    let over = call(
        &server,
        &webshare_api::operations::RESET_PASSWORD,
        None,
        Some(json!({"email": "jane@example.com", "recaptcha": "r"})),
    )
    .await;
    assert_limit(&over, "max_codes_per_account");
    let codes = reset_codes(&server);
    assert_eq!(codes.len(), 2);
    // Both codes still work (the first one used frees room; a reset revokes the account's tokens).
    assert_eq!(complete_reset(&server, &codes[0]).await.status, 200);
    request_reset(&server, "john@example.com").await;
}

#[tokio::test]
async fn plans_and_appeals_are_capped_and_an_upgrade_is_bounded() {
    let config = Config::default()
        .max_plans(2)
        .max_appeals(1)
        .max_plan_proxies(500)
        .max_subusers(10);
    let server = MockServer::start_with(config).await;
    let token = register(&server, "jane@example.com").await;
    let plan = |server: &MockServer| server.plan_id("jane@example.com").unwrap().to_string();
    let upgrade = |id: String, body: Value| {
        let token = token.clone();
        let server = &server;
        async move { call_at(server, &UPGRADE_PLAN, &[("id", id)], &token, Some(body)).await }
    };

    // Bounded before any proxy is made: the proxy count and sub-user total an upgrade asks for.
    let huge = upgrade(plan(&server), json!({"proxy_countries": {"US": 100_000}})).await;
    assert_eq!(huge.status, 400, "{huge:?}");
    assert_eq!(
        huge.body["proxy_countries"][0]
            .as_str()
            .map(|m| m.contains("500")),
        Some(true)
    );
    let many = upgrade(plan(&server), json!({"subusers_total": 1_000_000})).await;
    assert_eq!(many.status, 400, "{many:?}");
    assert!(many.body["subusers_total"].is_array(), "{many:?}");

    // One plan to start with, one more per upgrade: the second upgrade is over the cap.
    let first = upgrade(plan(&server), json!({"proxy_countries": {"US": 10}})).await;
    assert_eq!(first.status, 200, "{first:?}");
    let second = upgrade(plan(&server), json!({"proxy_countries": {"US": 10}})).await;
    assert_limit(&second, "max_plans");

    // Appeals: one submitted and rejected; the next is over the cap.
    let request = VerificationRequest::new("acceptable_use_violation").suspends();
    server
        .open_verification("jane@example.com", &request)
        .unwrap();
    let appeal = json!({"appeal": "Not me."});
    let made = call(
        &server,
        &CREATE_VERIFICATION_APPEAL,
        Some(&token),
        Some(appeal.clone()),
    )
    .await;
    assert_eq!(made.status, 201, "{made:?}");
    assert!(server.decide_appeal("jane@example.com", false));
    let over = call(
        &server,
        &CREATE_VERIFICATION_APPEAL,
        Some(&token),
        Some(appeal),
    )
    .await;
    assert_limit(&over, "max_appeals");
}

#[tokio::test]
async fn the_outbox_needs_the_control_secret_even_from_loopback() {
    let server = MockServer::start().await;
    register(&server, "jane@example.com").await;
    request_reset(&server, "jane@example.com").await;
    for wrong in [None, Some(""), Some("guess")] {
        let refused = Connection::open(&server).await.outbox(wrong).await;
        assert_eq!(refused.status, 404, "{wrong:?}: {refused:?}");
        assert_eq!(refused.body["code"], "not_found");
    }
    let listed = Connection::open(&server)
        .await
        .outbox(Some(server.control_secret()))
        .await;
    assert_eq!(listed.status, 200, "{listed:?}");
    assert_eq!(listed.body[0]["token"], reset_codes(&server)[0]);
    // Each server has its own secret; a fixed one can be configured.
    let other = MockServer::start().await;
    assert_ne!(other.control_secret(), server.control_secret());
    let fixed = MockServer::start_with(Config::default().control_secret("shared-secret")).await;
    assert_eq!(fixed.control_secret(), "shared-secret");
    let config = format!("{:?}", Config::default().control_secret("shared-secret"));
    assert!(!config.contains("shared-secret"), "{config}");
    let answer = Connection::open(&fixed)
        .await
        .outbox(Some("shared-secret"))
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    // In-process, no secret is needed.
    assert_eq!(server.outbox().len(), 1);
}

/// The rate limits on a manual clock: no budget refills while the test runs.
fn limited(per_minute: u32) -> Config {
    Config::default()
        .manual_clock(true)
        .rate_limits(vec![(GET_ACTIVATION.rate_limit, per_minute)])
}

#[tokio::test]
async fn made_up_tokens_spend_the_budget_of_their_address() {
    let server = MockServer::start_with(limited(2)).await;
    for made_up in ["a", "b"] {
        assert_eq!(token_status(&server, made_up).await, 401);
    }
    // A third made-up value is not a new caller: the address's budget is spent.
    let throttled = call(&server, &GET_ACTIVATION, Some("c"), None).await;
    assert_eq!(throttled.status, 429, "{throttled:?}");
    assert_eq!(throttled.body["code"], "throttled");
    // So is the budget of a request without a token from that address.
    assert_eq!(call(&server, &GET_ACTIVATION, None, None).await.status, 429);
    // The clock moves a minute: the budget is back.
    let before = server.now();
    server.advance(Duration::from_secs(60));
    assert_eq!(server.now() - before, chrono::Duration::seconds(60));
    assert_eq!(token_status(&server, "d").await, 401);
}

#[tokio::test]
async fn each_account_has_its_own_budget() {
    let server = MockServer::start_with(limited(2)).await;
    let jane = server
        .seed_account("jane@example.com", PASSWORD)
        .unwrap()
        .token;
    let john = server
        .seed_account("john@example.com", PASSWORD)
        .unwrap()
        .token;
    for _ in 0..2 {
        assert_eq!(token_status(&server, &jane).await, 200);
    }
    assert_eq!(token_status(&server, &jane).await, 429);
    // John, from the same address, has a budget of his own; made-up tokens have the address's.
    for _ in 0..2 {
        assert_eq!(token_status(&server, &john).await, 200);
    }
    assert_eq!(token_status(&server, &john).await, 429);
    assert_eq!(token_status(&server, "made-up").await, 401);
}

#[tokio::test]
async fn a_deleted_accounts_subusers_download_links_stop_working() {
    use webshare_api::operations::GET_PROXY_CONFIG;

    let server = MockServer::start().await;
    let token = register(&server, "jane@example.com").await;
    let sub = call(
        &server,
        &CREATE_SUBUSER,
        Some(&token),
        Some(json!({"label": "x", "proxy_limit": 1})),
    )
    .await;
    assert_eq!(sub.status, 201, "{sub:?}");
    let sub = sub.body["id"].as_i64().unwrap().to_string();
    let plan = server.plan_id("jane@example.com").unwrap();
    let config = Connection::open(&server)
        .await
        .request_with(
            "GET",
            &format!("{}?plan_id={plan}", path(&server, &GET_PROXY_CONFIG)),
            Some(&token),
            &[("X-Subuser", &sub)],
            None,
        )
        .await;
    assert_eq!(config.status, 200, "{config:?}");
    let download_token = config.body["proxy_list_download_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let download = async || {
        let at = format!(
            "{}/v2/proxy/list/download/{download_token}/-/any/username/direct/-/",
            path(&server, &GET_ACTIVATION).split("/v2/").next().unwrap()
        );
        let mut connection = Connection::open(&server).await;
        connection.send("GET", &at, None, None).await;
        connection.receive_status().await
    };
    assert_eq!(download().await, 200);

    let deleted = call(
        &server,
        &DELETE_ACCOUNT,
        Some(&token),
        Some(json!({"password": PASSWORD, "recaptcha": "r"})),
    )
    .await;
    assert_eq!(deleted.status, 204, "{deleted:?}");
    assert_eq!(download().await, 404, "as a reset token's link is");
}
