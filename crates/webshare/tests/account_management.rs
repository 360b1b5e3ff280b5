//! Sub-users, profile, notifications, two-factor and ID verification, end to end against the mock.

mod support;

use std::collections::HashMap;

use futures_util::TryStreamExt;
use support::{EMAIL, anonymous, signed_in};
use webshare::operations::{ListNotifications, ListProxies, ListSubusers};
use webshare::types::{ProfilePreferencesUpdateRequest, ProxyMode, SubuserUpdateRequest};
use webshare::{Client, Error, IdVerificationState, OrderBy, Secret};
use webshare_mock_server::{Config, EmailKind, FieldErrorStyle, totp};

const PASSWORD: &str = "Correct-Horse-Battery-9";

/// Field errors with their codes, which the tests check.
fn detailed() -> Config {
    Config::default().field_error_style(FieldErrorStyle::Objects)
}

fn field_codes(err: &Error, field: &str) -> Vec<String> {
    match err {
        Error::Validation {
            non_field_errors, ..
        } if field == "non_field_errors" => non_field_errors
            .iter()
            .filter_map(|e| e.code.clone())
            .collect(),
        Error::Validation { field_errors, .. } => field_errors
            .get(field)
            .into_iter()
            .flatten()
            .filter_map(|e| e.code.clone())
            .collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

async fn proxy_countries(client: &Client) -> HashMap<String, usize> {
    let page = client
        .proxies()
        .list(&ListProxies::new(ProxyMode::Direct).page_size(100))
        .await
        .unwrap();
    let mut counts = HashMap::new();
    for proxy in page.results {
        *counts
            .entry(proxy.country_code.unwrap_or_default())
            .or_default() += 1;
    }
    counts
}

async fn addresses(client: &Client) -> Vec<String> {
    let page = client
        .proxies()
        .list(&ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap();
    page.results
        .into_iter()
        .map(|p| p.proxy_address.unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn a_subuser_has_its_own_list_authorizations_and_stats_until_deleted() {
    let (_server, account) = signed_in(detailed()).await;
    let created = account.subusers().create("customer A", 10.0).await.unwrap();
    assert_eq!(created.label.as_deref(), Some("customer A"));
    assert_eq!(created.proxy_limit, Some(10.0));
    assert_eq!(created.proxy_countries, None);
    let as_sub = account.as_subuser(created.id);

    // A custom list of 3 French and 2 German proxies is what masquerading lists.
    let changes = SubuserUpdateRequest {
        proxy_countries: Some(HashMap::from([("FR".into(), 3), ("DE".into(), 2)])),
        ..Default::default()
    };
    let updated = account
        .subusers()
        .update(created.id, &changes)
        .await
        .unwrap();
    assert_eq!(updated.proxy_countries.as_ref().map(|c| c.len()), Some(2));
    let counts = proxy_countries(&as_sub).await;
    assert_eq!(counts, HashMap::from([("FR".into(), 3), ("DE".into(), 2)]));
    assert_ne!(
        proxy_countries(&account).await,
        counts,
        "the account's list is its own"
    );

    // IP authorizations are per sub-user.
    as_sub
        .ip_authorizations()
        .create("198.51.100.7")
        .await
        .unwrap();
    let sub_ips = as_sub
        .ip_authorizations()
        .list_all()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    let own_ips = account
        .ip_authorizations()
        .list_all()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(sub_ips.len(), 1);
    assert!(own_ips.is_empty());

    // The sub-user's aggregate stats are its scope's, as the stats operation computes them.
    let stats = as_sub.stats().aggregate(&Default::default()).await.unwrap();
    let shown = account.subusers().get(created.id).await.unwrap();
    assert_eq!(
        shown.aggregate_stats.as_ref().unwrap().requests_total,
        stats.requests_total
    );

    // A refresh gives other proxies, same countries.
    let before = addresses(&as_sub).await;
    account
        .subusers()
        .refresh_proxy_list(created.id)
        .await
        .unwrap();
    let after = addresses(&as_sub).await;
    assert_eq!(after.len(), before.len());
    assert!(
        before.iter().all(|a| !after.contains(a)),
        "{before:?} {after:?}"
    );
    assert_eq!(proxy_countries(&as_sub).await, counts);

    let renamed = account
        .subusers()
        .rename(created.id, "customer B")
        .await
        .unwrap();
    assert_eq!(renamed.label.as_deref(), Some("customer B"));
    let listed = account.subusers().list(&ListSubusers::new()).await.unwrap();
    assert_eq!((listed.count, listed.results[0].id), (1, created.id));

    account.subusers().delete(created.id).await.unwrap();
    let err = as_sub
        .proxies()
        .list(&ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert!(matches!(
        account.subusers().get(created.id).await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test]
async fn subusers_are_checked_and_limited_by_the_plan() {
    let (_server, account) = signed_in(detailed()).await;
    let plain = account.subusers().create("plain", 0.0).await.unwrap();
    let err = account
        .subusers()
        .refresh_proxy_list(plain.id)
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(&err, "non_field_errors"),
        ["no_custom_proxy_list"]
    );
    assert!(matches!(
        account.subusers().create(" ", 1.0).await,
        Err(Error::InvalidInput { field: "label", .. })
    ));
    assert!(matches!(
        account.subusers().create("x", -1.0).await,
        Err(Error::InvalidInput {
            field: "proxy_limit",
            ..
        })
    ));
    let unknown = SubuserUpdateRequest {
        proxy_countries: Some(HashMap::from([("QQ".into(), 1)])),
        ..Default::default()
    };
    let err = account
        .subusers()
        .update(plain.id, &unknown)
        .await
        .unwrap_err();
    assert_eq!(field_codes(&err, "proxy_countries"), ["invalid"]);
    // The default plan allows 3.
    account.subusers().create("two", 1.0).await.unwrap();
    account.subusers().create("three", 1.0).await.unwrap();
    let err = account.subusers().create("four", 1.0).await.unwrap_err();
    assert_eq!(
        field_codes(&err, "non_field_errors"),
        ["subuser_limit_reached"]
    );
    let all: Vec<_> = account.subusers().list_all().try_collect().await.unwrap();
    assert_eq!(all.len(), 3);
    // Another plan's sub-users are a 404.
    assert!(matches!(
        account
            .for_plan(1)
            .subusers()
            .list(&ListSubusers::new())
            .await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test]
async fn the_profile_and_preferences_change_field_by_field() {
    let (_server, account) = signed_in(detailed()).await;
    let profile = account.profile().get().await.unwrap();
    assert_eq!(profile.email.as_deref(), Some(EMAIL));
    let token = profile.announce_kit_user_token.clone().unwrap();
    assert!(!format!("{profile:?}").contains(token.expose()));
    let changed = account
        .profile()
        .set_timezone("Europe/Paris")
        .await
        .unwrap();
    assert_eq!(changed.timezone.as_deref(), Some("Europe/Paris"));
    assert_eq!(changed.first_name, profile.first_name, "other fields stay");
    let err = account
        .profile()
        .set_timezone("Not a zone")
        .await
        .unwrap_err();
    assert_eq!(field_codes(&err, "timezone"), ["invalid_choice"]);

    let at = "2024-01-02T03:04:05Z".parse().unwrap();
    let preferences = account
        .profile()
        .update_preferences(&ProfilePreferencesUpdateRequest {
            onboarding_activity_page_viewed_at: Some(at),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(preferences.onboarding_activity_page_viewed_at, Some(at));
    assert_eq!(
        preferences.customer_satisfaction_survey_last_dismissed_at,
        None
    );
    let read = account.profile().preferences().await.unwrap();
    assert_eq!(read.onboarding_activity_page_viewed_at, Some(at));
    let err = account
        .profile()
        .update_preferences(&Default::default())
        .await
        .unwrap_err();
    assert_eq!(field_codes(&err, "non_field_errors"), ["required"]);
}

#[tokio::test]
async fn notifications_dismiss_and_restore_idempotently_and_filter() {
    let (server, account) = signed_in(detailed()).await;
    let n = account.notifications();
    let all = n.list(&ListNotifications::new()).await.unwrap();
    assert_eq!(all.count, 2, "a new account has two");
    let newest = all.results[0].id;
    assert!(all.results[0].id > all.results[1].id, "newest first");

    let first = n.dismiss(newest).await.unwrap();
    let again = n.dismiss(newest).await.unwrap();
    assert!(first.dismissed_at.is_some());
    assert_eq!(
        first.dismissed_at, again.dismissed_at,
        "dismissing twice changes nothing"
    );
    let active = n
        .list(&ListNotifications::new().dismissed_at_isnull(true))
        .await
        .unwrap();
    let dismissed = n
        .list(&ListNotifications::new().dismissed_at_isnull(false))
        .await
        .unwrap();
    assert_eq!((active.count, dismissed.count), (1, 1));
    assert_eq!(dismissed.results[0].id, newest);
    let restored = n.restore(newest).await.unwrap();
    assert_eq!(restored.dismissed_at, None);
    assert_eq!(n.restore(newest).await.unwrap().dismissed_at, None);

    let by_type = n
        .list(&ListNotifications::new().type_("reminder_to_use_proxy"))
        .await
        .unwrap();
    assert_eq!(by_type.count, 1);
    let oldest_first = n
        .list(&ListNotifications::new().ordering(vec![OrderBy::asc("id")]))
        .await
        .unwrap();
    assert_eq!(oldest_first.results[1].id, newest);
    let err = n
        .list(&ListNotifications::new().ordering(vec![OrderBy::asc("type")]))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation { .. }), "{err:?}");

    let fixed = server
        .notify(EMAIL, "question_is_added", Default::default(), false)
        .unwrap();
    let err = n.dismiss(fixed).await.unwrap_err();
    assert_eq!(field_codes(&err, "non_field_errors"), ["not_dismissable"]);
    assert!(matches!(
        n.get(fixed + 1000).await,
        Err(Error::NotFound { .. })
    ));
    let listed: Vec<_> = n
        .list_all(ListNotifications::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 3);
}

fn totp_at(secret: &Secret, offset: i64) -> String {
    totp::code(secret.expose(), chrono::Utc::now().timestamp() + offset).unwrap()
}

#[tokio::test]
async fn an_authenticator_app_guards_new_logins_and_login_and_verify_completes_them() {
    let (server, account) = signed_in(detailed()).await;
    let two_factor = account.two_factor();
    assert!(matches!(
        two_factor.current_method().await,
        Err(Error::NotFound { .. })
    ));
    let device = two_factor.add_device().await.unwrap();
    assert!(!format!("{device:?}").contains(device.secret.expose()));
    assert_eq!(device.secret.expose().len(), 32, "base32 of 20 bytes");
    let err = two_factor
        .activate_device(device.method_id, "000000", "111111")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation { .. }), "{err:?}");
    assert!(matches!(
        two_factor
            .activate_device(device.method_id, "123456", "123456")
            .await,
        Err(Error::InvalidInput {
            field: "code_2",
            ..
        })
    ));
    let active = two_factor
        .activate_device(
            device.method_id,
            totp_at(&device.secret, -30),
            totp_at(&device.secret, 0),
        )
        .await
        .unwrap();
    assert_eq!(active.active, Some(true));
    let current = two_factor.current_method().await.unwrap();
    assert_eq!(current.type_.as_deref(), Some("device_totp"));
    assert!(current.secret_key.is_none(), "shown only once");

    // A login now needs a code from the app; the token is held until then.
    let anonymous = anonymous(&server);
    let secret = device.secret.clone();
    let (_, client) = anonymous
        .login_and_verify(EMAIL, PASSWORD, "r", || async move {
            Ok(Secret::new(totp_at(&secret, 0)))
        })
        .await
        .unwrap();
    assert!(client.profile().get().await.is_ok());

    // A wrong code, five times, revokes the held token.
    let token = anonymous.login(EMAIL, PASSWORD, "r").await.unwrap();
    let held = anonymous.with_token(&token).unwrap();
    let err = held.two_factor().resend_email().await.unwrap_err();
    assert_eq!(field_codes(&err, "non_field_errors"), ["not_email_method"]);
    for _ in 0..4 {
        let err = held
            .two_factor()
            .submit_code("000000", "r")
            .await
            .unwrap_err();
        assert_eq!(field_codes(&err, "code"), ["invalid_code"]);
    }
    let err = held
        .two_factor()
        .submit_code("000000", "r")
        .await
        .unwrap_err();
    assert_eq!(field_codes(&err, "code"), ["too_many_attempts"]);
    assert!(matches!(
        held.profile().get().await,
        Err(Error::Unauthorized { .. })
    ));

    // An API key is not subject to 2FA, and may not read the method.
    let key = account.api_keys().create("k").await.unwrap().key.unwrap();
    let with_key = Client::builder()
        .base_url(server.base_url())
        .api_key(key)
        .build()
        .unwrap();
    assert!(with_key.profile().get().await.is_ok());
    let err = with_key.two_factor().current_method().await.unwrap_err();
    assert!(err.is_api_key_not_allowed(), "{err:?}");
    // A token that is not held has no code to submit.
    let err = account
        .two_factor()
        .submit_code("123456", "r")
        .await
        .unwrap_err();
    assert_eq!(field_codes(&err, "non_field_errors"), ["2fa_not_needed"]);
}

#[tokio::test]
async fn email_codes_are_resent_and_only_the_newest_works() {
    let (server, account) = signed_in(detailed()).await;
    let method = account.two_factor().use_email().await.unwrap();
    assert_eq!(
        (method.type_.as_deref(), method.active),
        (Some("email_code"), Some(true))
    );
    let anonymous = anonymous(&server);
    let token = anonymous.login(EMAIL, PASSWORD, "r").await.unwrap();
    let held = anonymous.with_token(&token).unwrap();
    let first = server.last_email(EMAIL, EmailKind::TwoFactor).unwrap();
    assert!(held.two_factor().resend_email().await.unwrap());
    let second = server.last_email(EMAIL, EmailKind::TwoFactor).unwrap();
    assert_ne!(first.token, second.token);
    let err = held
        .two_factor()
        .submit_code(first.token.expose(), "r")
        .await
        .unwrap_err();
    assert_eq!(field_codes(&err, "code"), ["invalid_code"]);
    held.two_factor()
        .submit_code(second.token.expose(), "r")
        .await
        .unwrap();
    assert!(held.profile().get().await.is_ok());
    // login_and_verify reads the code only when one is asked for.
    let server_for_code = &server;
    let (_, client) = anonymous
        .login_and_verify(EMAIL, PASSWORD, "r", || async move {
            let email = server_for_code
                .last_email(EMAIL, EmailKind::TwoFactor)
                .unwrap();
            Ok(email.token)
        })
        .await
        .unwrap();
    assert!(
        client
            .notifications()
            .list(&ListNotifications::new())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn id_verification_walks_stripe_identity_states() {
    let (server, account) = signed_in(detailed()).await;
    let ids = account.id_verification();
    let state = |v: &webshare::types::IdVerification| IdVerificationState::of(v);
    assert_eq!(
        state(&ids.get().await.unwrap()),
        IdVerificationState::NotRequired
    );
    let err = ids.start().await.unwrap_err();
    assert_eq!(field_codes(&err, "non_field_errors"), ["invalid_state"]);

    assert!(server.request_id_verification(EMAIL));
    let pending = ids.start().await.unwrap();
    assert_eq!(state(&pending), IdVerificationState::Pending);
    let secret = pending.client_secret.clone().unwrap();
    assert!(!format!("{pending:?}").contains(secret.expose()));
    let err = ids.complete().await.unwrap_err();
    assert_eq!(
        field_codes(&err, "non_field_errors"),
        ["stripe_not_completed"]
    );

    // The document is refused: processing, then failed, with one try left.
    assert!(server.finish_id_verification(EMAIL, false));
    assert_eq!(
        state(&ids.complete().await.unwrap()),
        IdVerificationState::Processing
    );
    let failed = ids.get().await.unwrap();
    assert_eq!(state(&failed), IdVerificationState::Failed);
    assert_eq!(failed.verification_failure_times, Some(1));
    assert_eq!(failed.client_secret, None);

    ids.start().await.unwrap();
    assert!(server.finish_id_verification(EMAIL, true));
    ids.complete().await.unwrap();
    let verified = ids.get().await.unwrap();
    assert_eq!(state(&verified), IdVerificationState::Verified);
    assert!(verified.verified_at.is_some());
    assert!(ids.start().await.is_err(), "nothing to start once verified");
}
