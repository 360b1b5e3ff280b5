//! API keys, end to end: created with a session token, usable at once, refused key management, revoked at
//! once.

mod support;

use futures_util::TryStreamExt;
use support::signed_in;
use webshare::operations::ListApiKeys;
use webshare::{Client, Error, RetryPolicy};
use webshare_mock_server::Config;

#[tokio::test]
async fn a_key_works_at_once_may_not_manage_keys_and_stops_when_deleted() {
    let (server, session) = signed_in(Config::default()).await;
    let created = session.api_keys().create("server1 key").await.unwrap();
    let key = created.key.clone().unwrap();
    assert_eq!(
        key.expose().len(),
        40,
        "the create answer holds the whole key"
    );
    assert!(!format!("{created:?}").contains(key.expose()));
    assert_eq!(created.label.as_deref(), Some("server1 key"));

    // Elsewhere the key is shortened.
    let listed = session.api_keys().list(&ListApiKeys::new()).await.unwrap();
    assert_eq!(listed.count, 1);
    let shown = listed.results[0].key.as_ref().unwrap().expose().to_owned();
    assert_eq!(
        shown,
        format!("{}...{}", &key.expose()[..7], &key.expose()[37..])
    );
    let renamed = session
        .api_keys()
        .rename(created.id, "renamed")
        .await
        .unwrap();
    assert_eq!(renamed.label.as_deref(), Some("renamed"));
    let all: Vec<_> = session.api_keys().list_all().try_collect().await.unwrap();
    assert_eq!(all.len(), 1);

    // The key is a token at once, for everything but key management.
    let with_key = Client::builder()
        .base_url(server.base_url())
        .api_key(key.clone())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    with_key.activation().status().await.unwrap();
    let refused = with_key.api_keys().get(created.id).await.unwrap_err();
    assert!(refused.is_api_key_not_allowed(), "{refused:?}");

    // Deleted: refused at once; another account's key id is a 404.
    session.api_keys().delete(created.id).await.unwrap();
    assert!(matches!(
        with_key.activation().status().await,
        Err(Error::Unauthorized { .. })
    ));
    assert!(matches!(
        session.api_keys().get(created.id).await,
        Err(Error::NotFound { .. })
    ));
    // Labels are checked before sending.
    assert!(matches!(
        session.api_keys().create("  ").await,
        Err(Error::InvalidInput { field: "label", .. })
    ));
}
