//! The five proxy operations of the generative pipeline, end to end: `webshare` → mock server over HTTP.

mod support;

use futures_util::{StreamExt, TryStreamExt};
use support::{EMAIL, Fault, FaultServer, signed_in, signed_in_with_token};
use webshare::operations::{DownloadProxyList, ListProxies, ListProxyActivity};
use webshare::types::{ProxyAuthenticationMethod, ProxyMode};
use webshare::{Client, Error, OrderBy, RateLimitClass, RateLimits};
use webshare_mock_server::Config;

#[tokio::test]
async fn one_page_filtered_and_ordered() {
    let (_server, client) = signed_in(Config::default()).await;
    let page = client
        .proxies()
        .list(&ListProxies::new(ProxyMode::Direct).page_size(10i64))
        .await
        .unwrap();
    assert_eq!(page.count, 100);
    assert_eq!(page.results.len(), 10);
    assert!(
        page.next.as_deref().is_some_and(|n| n.contains("page=2")),
        "{:?}",
        page.next
    );
    assert_eq!(page.previous, None);

    let params = ListProxies::new(ProxyMode::Direct)
        .country_code_in(["US", "FR"])
        .ordering([OrderBy::desc("port")])
        .page_size(100i64);
    let page = client.proxies().list(&params).await.unwrap();
    assert_eq!(
        page.count, 26,
        "US and FR are 2 of 8 countries, cycled over 100 proxies"
    );
    assert!(
        page.results
            .iter()
            .all(|p| matches!(p.country_code.as_deref(), Some("US" | "FR")))
    );
    let ports: Vec<_> = page.results.iter().map(|p| p.port.unwrap()).collect();
    assert!(
        ports.windows(2).all(|w| w[0] > w[1]),
        "descending by port: {ports:?}"
    );
    // Proxy passwords are secrets.
    assert!(
        !format!("{:?}", page.results[0])
            .contains(page.results[0].password.as_ref().unwrap().expose())
    );

    let found = client
        .proxies()
        .list(&ListProxies::new(ProxyMode::Direct).search("tokyo"))
        .await
        .unwrap();
    assert!(
        found.count > 0
            && found
                .results
                .iter()
                .all(|p| p.city_name.as_deref() == Some("Tokyo"))
    );
}

#[tokio::test]
async fn every_proxy_as_a_lazy_stream() {
    let (_server, client) = signed_in(Config::default().proxies_per_plan(57)).await;
    let all: Vec<_> = client
        .proxies()
        .list_all(ListProxies::new(ProxyMode::Direct).page_size(10i64))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 57);
    let ids: std::collections::BTreeSet<_> = all.iter().map(|p| p.id.clone()).collect();
    assert_eq!(ids.len(), 57, "no proxy twice");

    // Lazily: taking 3 items asks for one page only (a second page would have been page=2).
    let fault = FaultServer::start(vec![Fault::json(
        200,
        serde_json::json!({"count": 1000, "next": "http://x/?page=2", "previous": null, "results": [
            {"id": "a", "username": null, "password": null, "proxy_address": null, "port": null, "valid": null,
             "last_verification": null, "country_code": null, "city_name": null, "created_at": null},
            {"id": "b", "username": null, "password": null, "proxy_address": null, "port": null, "valid": null,
             "last_verification": null, "country_code": null, "city_name": null, "created_at": null},
            {"id": "c", "username": null, "password": null, "proxy_address": null, "port": null, "valid": null,
             "last_verification": null, "country_code": null, "city_name": null, "created_at": null}
        ]}),
    )])
    .await;
    let faulty = Client::builder()
        .base_url(&fault.base_url)
        .api_key("k")
        .build()
        .unwrap();
    let three: Vec<_> = faulty
        .proxies()
        .list_all(ListProxies::new(ProxyMode::Direct))
        .take(3)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(three.len(), 3);
    let seen = fault.requests.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        seen[0].starts_with("GET /api/v2/proxy/list/?mode=direct&page=1 "),
        "{}",
        seen[0]
    );
}

#[tokio::test]
async fn download_is_streamed_into_records_without_the_authorization_header() {
    let (server, client) = signed_in(Config::default()).await;
    let config = client
        .proxy_config()
        .get(server.plan_id(EMAIL))
        .await
        .unwrap();
    let params = DownloadProxyList::new(
        config.proxy_list_download_token.clone().unwrap(),
        ProxyAuthenticationMethod::Username,
        ProxyMode::Direct,
    )
    .country_codes(["US", "FR"]);
    let lines: Vec<_> = client
        .proxies()
        .download(&params)
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(lines.len(), 26);
    assert!(
        lines
            .iter()
            .all(|l| l.username() == Some("user1") && l.expose_password().is_some())
    );

    let sourceip = DownloadProxyList::new(
        config.proxy_list_download_token.clone().unwrap(),
        ProxyAuthenticationMethod::Sourceip,
        ProxyMode::Backbone,
    );
    let lines: Vec<_> = client
        .proxies()
        .download(&sourceip)
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(lines.len(), 100);
    assert!(
        lines
            .iter()
            .all(|l| l.address() == "p.webshare.io" && l.expose_password().is_none())
    );

    // The URL: country codes joined by `-`, `-` for none; search encoded, `-` for none.
    let url = client
        .proxies()
        .download_url(&params.clone().search("san francisco/x"));
    assert!(
        url.ends_with("/any/username/direct/san%20francisco%2Fx/"),
        "{url}"
    );
    assert!(url.contains("/US-FR/any/"));
    assert!(
        client
            .proxies()
            .download_url(&sourceip)
            .ends_with("/-/any/sourceip/backbone/-/")
    );

    // A wrong token is a 404; no Authorization header travels with a download.
    let wrong = DownloadProxyList::new(
        "nope",
        ProxyAuthenticationMethod::Username,
        ProxyMode::Direct,
    );
    assert!(matches!(
        client.proxies().download(&wrong).await.err(),
        Some(Error::NotFound { .. })
    ));
    let fault = FaultServer::start(vec![Fault::raw(
        200,
        "text/plain",
        "1.2.3.4:80:u:p\n1.2.3.4:x:u:p\n",
    )])
    .await;
    let faulty = Client::builder()
        .base_url(&fault.base_url)
        .api_key("secret-key")
        .build()
        .unwrap();
    let out: Vec<_> = faulty
        .proxies()
        .download(&wrong)
        .await
        .unwrap()
        .collect()
        .await;
    assert!(
        matches!(
            out[1],
            Err(Error::MalformedRecord {
                line: 2,
                field: "port",
                ..
            })
        ),
        "{out:?}"
    );
    let request = fault.requests.lock().unwrap()[0].to_ascii_lowercase();
    assert!(!request.contains("authorization"), "{request}");
    assert!(!request.contains("secret-key"));
}

#[tokio::test]
async fn v3_config_needs_a_plan_and_honours_the_clients() {
    let (server, client) = signed_in(Config::default()).await;
    let plan = server.plan_id(EMAIL).unwrap();
    let err = client.proxy_config().get(None).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidInput {
                field: "plan_id",
                ..
            }
        ),
        "{err:?}"
    );
    let config = client
        .for_plan(plan)
        .proxy_config()
        .get(None)
        .await
        .unwrap();
    assert_eq!(config.request_timeout, Some(86_400));
    assert!(!format!("{config:?}").contains(config.proxy_list_download_token.unwrap().expose()));
    let err = client.proxy_config().get(Some(plan + 1)).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn deleting_an_ip_authorization_is_a_204_then_a_404() {
    let (server, client) = signed_in(Config::default()).await;
    let id = server.authorize_ip(EMAIL, "10.1.2.3").unwrap();
    client.ip_authorizations().delete(id).await.unwrap();
    assert!(server.ip_authorizations(EMAIL).is_empty());
    let err = client.ip_authorizations().delete(id).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    // Another plan's id: not found either.
    let other = server.authorize_ip(EMAIL, "10.1.2.4").unwrap();
    let plan = server.plan_id(EMAIL).unwrap();
    let err = client
        .for_plan(plan + 7)
        .ip_authorizations()
        .delete(other)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }));
    assert_eq!(
        server.ip_authorizations(EMAIL),
        vec![(other, "10.1.2.4".to_owned())]
    );
}

#[tokio::test]
async fn activity_pages_with_a_cursor() {
    let (_server, client) = signed_in(Config::default().activity_per_plan(23)).await;
    let page = client
        .activity()
        .list(&ListProxyActivity::new().page_size(10i64))
        .await
        .unwrap();
    assert_eq!(page.results.len(), 10);
    assert!(
        page.next
            .as_deref()
            .is_some_and(|n| n.contains("starting_after="))
    );
    let all: Vec<_> = client
        .activity()
        .list_all(ListProxyActivity::new().page_size(10i64))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 23);
    assert!(
        all.windows(2).all(|w| w[0].timestamp > w[1].timestamp),
        "newest first, no repeats"
    );
    let failed: Vec<_> = client
        .activity()
        .list_all(ListProxyActivity::new().error_reason("*"))
        .try_collect()
        .await
        .unwrap();
    assert!(!failed.is_empty() && failed.iter().all(|a| a.error_reason.is_some()));
}

#[tokio::test]
async fn a_sub_user_has_its_own_proxies_by_default_or_per_call() {
    let (server, client) = signed_in(Config::default()).await;
    let sub = server.add_subuser(EMAIL).unwrap();
    let own = client
        .proxies()
        .list(&ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap();
    let as_sub = client.as_subuser(sub);
    let theirs = as_sub
        .proxies()
        .list(&ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap();
    assert_eq!((own.count, theirs.count), (100, 10));
    let per_call = client
        .proxies()
        .list(&ListProxies::new(ProxyMode::Direct).subuser(sub))
        .await
        .unwrap();
    assert_eq!(per_call.count, 10);
    // The call's own value wins over the client's; an unknown sub-user is a 404.
    let err = as_sub
        .proxies()
        .list(&ListProxies::new(ProxyMode::Direct).subuser(sub + 1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn bad_parameters_come_back_as_field_errors() {
    let (server, client, token) = signed_in_with_token(Config::default()).await;
    let err = client
        .proxies()
        .list(&ListProxies::new(ProxyMode::Direct).ordering([OrderBy::asc("password")]))
        .await
        .unwrap_err();
    assert_eq!(err.field_errors("ordering").len(), 1, "{err:?}");

    // A request the typed client cannot make: raw, with a missing and an unknown value.
    let http = reqwest::Client::new();
    for (query, field) in [
        ("", "mode"),
        ("mode=sideways", "mode"),
        ("mode=direct&valid=maybe", "valid"),
        ("mode=direct&page=x", "page"),
    ] {
        let response = http
            .get(format!("{}/v2/proxy/list/?{query}", server.base_url()))
            .header("Authorization", format!("Token {token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{query}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body.get(field).is_some(), "{query}: {body}");
    }
}

#[test]
fn rate_limits_default_by_base_url() {
    let local = Client::builder()
        .base_url("http://127.0.0.1:1/api")
        .build()
        .unwrap();
    assert!(local.rate_limits().is_off());
    let production = Client::unauthenticated().unwrap();
    assert_eq!(
        production
            .rate_limits()
            .limit(RateLimitClass::ProxyListDownload),
        Some(30)
    );
    let custom = Client::builder()
        .base_url("http://127.0.0.1:1/api")
        .rate_limits(RateLimits::documented())
        .build()
        .unwrap();
    assert_eq!(
        custom.rate_limits().limit(RateLimitClass::General),
        Some(240)
    );
}

#[tokio::test]
async fn ip_authorizations_from_creation_to_removal() {
    let (server, client) = signed_in(Config::default()).await;
    let ips = client.ip_authorizations();
    let created = ips.create("10.9.8.7").await.unwrap();
    assert_eq!(created.ip_address.as_deref(), Some("10.9.8.7"));
    assert_eq!(ips.get(created.id).await.unwrap(), created);
    // The same address again: the server's field error; a malformed one is refused before sending.
    let err = ips.create("10.9.8.7").await.unwrap_err();
    assert_eq!(err.field_errors("ip_address").len(), 1, "{err:?}");
    assert!(matches!(
        ips.create("10.9.8").await,
        Err(Error::InvalidInput {
            field: "ip_address",
            ..
        })
    ));
    for i in 0..30 {
        ips.create(&format!("192.0.2.{i}")).await.unwrap();
    }
    let first = ips
        .list(&webshare::operations::ListIpAuthorizations::new().page_size(10i64))
        .await
        .unwrap();
    assert_eq!((first.count, first.results.len()), (31, 10));
    let all: Vec<_> = ips.list_all().try_collect().await.unwrap();
    assert_eq!(all.len(), 31);
    ips.delete(created.id).await.unwrap();
    assert!(matches!(
        ips.get(created.id).await,
        Err(Error::NotFound { .. })
    ));
    assert_eq!(server.ip_authorizations(EMAIL).len(), 30);
}

#[tokio::test]
async fn authorizing_this_machine_is_idempotent() {
    let (server, client) = signed_in(Config::default()).await;
    let ips = client.ip_authorizations();
    assert_eq!(ips.whats_my_ip().await.unwrap(), "127.0.0.1");
    let first = ips.authorize_this_machine().await.unwrap();
    let again = ips.authorize_this_machine().await.unwrap();
    assert_eq!(first, again, "the second run finds the first one's");
    assert_eq!(
        server.ip_authorizations(EMAIL),
        vec![(first.id, "127.0.0.1".to_owned())]
    );
}

#[tokio::test]
async fn a_download_token_reset_kills_the_old_links() {
    use webshare::types::DownloadTokenScope;
    let (server, client) = signed_in(Config::default()).await;
    let plan = server.plan_id(EMAIL).unwrap();
    let old = client
        .download_tokens()
        .get(DownloadTokenScope::ProxyList)
        .await
        .unwrap();
    assert_eq!(old.scope, Some(DownloadTokenScope::ProxyList));
    assert!(!format!("{old:?}").contains(old.key.as_ref().unwrap().expose()));
    // The proxy config shows the same token.
    let config = client.proxy_config().get(Some(plan)).await.unwrap();
    assert_eq!(config.proxy_list_download_token, old.key);
    let params = |key: &webshare::Secret| {
        DownloadProxyList::new(
            key.clone(),
            ProxyAuthenticationMethod::Username,
            ProxyMode::Direct,
        )
    };
    assert!(
        client
            .proxies()
            .download(&params(old.key.as_ref().unwrap()))
            .await
            .is_ok()
    );

    let new = client
        .download_tokens()
        .reset(DownloadTokenScope::ProxyList)
        .await
        .unwrap();
    assert_ne!(new.key, old.key);
    assert!(matches!(
        client
            .proxies()
            .download(&params(old.key.as_ref().unwrap()))
            .await
            .err(),
        Some(Error::NotFound { .. })
    ));
    let lines: Vec<_> = client
        .proxies()
        .download(&params(new.key.as_ref().unwrap()))
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(lines.len(), 100);
    // Other scopes are separate tokens, untouched.
    let activity = client
        .download_tokens()
        .get(DownloadTokenScope::Activity)
        .await
        .unwrap();
    assert_ne!(activity.key, new.key);
}

#[tokio::test]
async fn hourly_stats_the_aggregate_and_the_csv_agree_with_the_activity() {
    use webshare::operations::{DownloadProxyActivity, GetAggregateStats, ListStats};
    use webshare::types::DownloadTokenScope;
    let (_server, client) = signed_in(Config::default().activity_per_plan(40)).await;
    let activity: Vec<_> = client
        .activity()
        .list_all(ListProxyActivity::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(activity.len(), 40);
    let total_bytes: i64 = activity.iter().map(|a| a.bytes.unwrap_or(0.0) as i64).sum();
    let failed = activity.iter().filter(|a| a.error_reason.is_some()).count() as i64;

    // A bare array, one entry an hour, oldest first.
    let hours = client.stats().hourly(&ListStats::new()).await.unwrap();
    assert!(hours.len() > 1);
    assert!(hours.windows(2).all(|w| w[0].timestamp < w[1].timestamp));
    let hourly_requests: i64 = hours.iter().map(|h| h.requests_total.unwrap()).sum();
    let hourly_bytes: i64 = hours.iter().map(|h| h.bandwidth_total.unwrap()).sum();
    assert_eq!((hourly_requests, hourly_bytes), (40, total_bytes));

    let total = client
        .stats()
        .aggregate(&GetAggregateStats::new())
        .await
        .unwrap();
    assert_eq!(total.requests_total, Some(40));
    assert_eq!(total.requests_failed, Some(failed));
    assert_eq!(total.bandwidth_total, Some(total_bytes));

    // The CSV download: authorised by the activity token in the query, one row a request.
    let token = client
        .download_tokens()
        .get(DownloadTokenScope::Activity)
        .await
        .unwrap()
        .key
        .unwrap();
    let rows: Vec<_> = client
        .activity()
        .download(&DownloadProxyActivity::new(token.clone()))
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 40);
    assert_eq!(
        rows.iter().map(|r| r.bytes as i64).sum::<i64>(),
        total_bytes
    );
    assert_eq!(rows[0].time.timestamp(), activity[0].timestamp.timestamp());
    let failed_rows: Vec<_> = client
        .activity()
        .download(&DownloadProxyActivity::new(token.clone()).error_reason("*"))
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(failed_rows.len() as i64, failed);
    // The proxy list's token is not an activity token.
    let list_token = client
        .download_tokens()
        .get(DownloadTokenScope::ProxyList)
        .await
        .unwrap()
        .key
        .unwrap();
    assert!(matches!(
        client
            .activity()
            .download(&DownloadProxyActivity::new(list_token))
            .await
            .err(),
        Some(Error::NotFound { .. })
    ));
}

#[tokio::test]
async fn list_stats_status_and_a_refresh_that_replaces_the_list() {
    let (server, client) = signed_in(Config::default().proxies_per_plan(20)).await;
    let plan = server.plan_id(EMAIL).unwrap();
    let stats = client.proxy_config().stats(Some(plan)).await.unwrap();
    let by_range: i64 = stats.ip_ranges_24.as_ref().unwrap().values().sum();
    assert_eq!(by_range, 20);
    let asns = stats.asns.unwrap();
    let asn_total: i64 = asns
        .values()
        .map(|[_, count]| match count {
            webshare::types::AsnEntry::Int64(n) => *n,
            other => panic!("{other:?}"),
        })
        .sum();
    assert_eq!(asn_total, 20);

    let status = client.proxy_config().status(Some(plan)).await.unwrap();
    assert_eq!(status.state.as_deref(), Some("completed"));
    assert_eq!(status.countries.as_ref().unwrap().values().sum::<i64>(), 20);
    let password = status.password.clone().unwrap();
    assert!(!format!("{status:?}").contains(password.expose()));
    assert!(matches!(
        client.proxy_config().status(None).await,
        Err(Error::InvalidInput {
            field: "plan_id",
            ..
        })
    ));

    // A refresh replaces every proxy; the allowance runs out.
    let before = client
        .proxies()
        .list(&ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap();
    client.proxies().refresh().await.unwrap();
    let after = client
        .proxies()
        .list(&ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap();
    assert_eq!(after.count, before.count);
    assert!(
        before
            .results
            .iter()
            .all(|p| after.results.iter().all(|q| q.id != p.id))
    );
    let status_after = client.proxy_config().status(Some(plan)).await.unwrap();
    assert_ne!(status_after.password, status.password, "new credentials");
    client.proxies().refresh().await.unwrap();
    client.proxies().refresh().await.unwrap();
    let err = client.proxies().refresh().await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation { non_field_errors, .. } if non_field_errors.len() == 1),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_config_update_changes_what_the_list_and_download_return() {
    use webshare::types::ProxyConfigUpdateRequest;
    let (server, client) = signed_in(Config::default().proxies_per_plan(10)).await;
    let config = client.proxy_config().get_v2().await.unwrap();
    assert_eq!(config.state.as_deref(), Some("completed"));
    assert!(!format!("{config:?}").contains(config.password.as_ref().unwrap().expose()));

    let changes = ProxyConfigUpdateRequest {
        username: Some("newusername1".parse().unwrap()),
        password: Some("Newpassword99".into()),
        request_timeout: Some(600),
        ..Default::default()
    };
    let updated = client.proxy_config().update(&changes).await.unwrap();
    assert_eq!(updated.username.as_deref(), Some("newusername1"));
    assert_eq!(updated.request_timeout, Some(600));
    // The list and the download show the new credentials; the v3 config the new timeout.
    let page = client
        .proxies()
        .list(&ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap();
    assert!(
        page.results
            .iter()
            .all(|p| p.username.as_deref() == Some("newusername1")
                && p.password.as_ref().unwrap().expose() == "Newpassword99")
    );
    let plan = server.plan_id(EMAIL).unwrap();
    let v3 = client.proxy_config().get(Some(plan)).await.unwrap();
    assert_eq!(v3.request_timeout, Some(600));
    let download = DownloadProxyList::new(
        v3.proxy_list_download_token.unwrap(),
        ProxyAuthenticationMethod::Username,
        ProxyMode::Direct,
    );
    let lines: Vec<_> = client
        .proxies()
        .download(&download)
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(lines.iter().all(|l| l.username() == Some("newusername1")));

    // Bad values are the server's field errors.
    let bad = ProxyConfigUpdateRequest {
        request_idle_timeout: Some(99_999),
        ..Default::default()
    };
    let err = client.proxy_config().update(&bad).await.unwrap_err();
    assert_eq!(err.field_errors("request_idle_timeout").len(), 1, "{err:?}");
}

#[tokio::test]
async fn unallocated_proxies_are_placed_in_available_countries() {
    let (server, client) = signed_in(Config::default().proxies_per_plan(10)).await;
    // Nothing unallocated: refused.
    let err = client
        .proxy_config()
        .allocate_unallocated_countries(&[("FR", 1)])
        .await
        .unwrap_err();
    assert_eq!(err.field_errors("new_countries").len(), 1, "{err:?}");

    assert!(server.set_unallocated_countries(EMAIL, &[("ZZ", 3)]));
    let config = client.proxy_config().get_v2().await.unwrap();
    assert_eq!(config.unallocated_countries.unwrap().get("ZZ"), Some(&3));
    // The wrong total, or an unavailable country: refused; then placed.
    for wrong in [&[("FR", 2)][..], &[("XX", 3)][..]] {
        assert!(
            client
                .proxy_config()
                .allocate_unallocated_countries(wrong)
                .await
                .is_err()
        );
    }
    let placed = client
        .proxy_config()
        .allocate_unallocated_countries(&[("FR", 2), ("DE", 1)])
        .await
        .unwrap();
    assert!(placed.unallocated_countries.unwrap().is_empty());
    let countries = placed.countries.unwrap();
    assert_eq!(countries.values().sum::<i64>(), 13);
    let french = client
        .proxies()
        .list(
            &ListProxies::new(ProxyMode::Direct)
                .country_code_in(["FR"])
                .page_size(100i64),
        )
        .await
        .unwrap();
    // Ten proxies cycle through eight countries: two are French; two more were placed.
    assert_eq!(french.count, 2 + 2);
}
