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

    // Another account's key id is a 404 on every method, and that key is untouched.
    let other = server
        .seed_account("other@example.com", "Other-Horse-Battery-9")
        .unwrap();
    let other = Client::builder()
        .base_url(server.base_url())
        .api_key(other.token)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let theirs = other.api_keys().create("theirs").await.unwrap();
    assert!(matches!(
        session.api_keys().get(theirs.id).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        session.api_keys().rename(theirs.id, "mine now").await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        session.api_keys().delete(theirs.id).await,
        Err(Error::NotFound { .. })
    ));
    let still = other.api_keys().get(theirs.id).await.unwrap();
    assert_eq!(still.label.as_deref(), Some("theirs"));

    // Deleted: refused at once, and gone (a 404) for its own account too.
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

/// A service's credentials provider: its key is revoked mid-run, the next call's 401 asks the provider
/// once, which creates a new key, and the call goes through; the client was never rebuilt.
#[tokio::test]
async fn a_revoked_key_is_replaced_by_the_provider_mid_run() {
    use std::sync::{Arc, Mutex};

    use webshare::operations::GetProfile;
    use webshare::{CredentialsProvider, KeyFuture, Secret};

    /// The current key, and a session to make a new one when it is refused.
    struct Rotating {
        current: Mutex<Secret>,
        session: Client,
        refreshes: Mutex<u32>,
    }
    struct Shared(Arc<Rotating>);
    impl CredentialsProvider for Shared {
        fn key(&self) -> KeyFuture<'_> {
            let key = self.0.current.lock().unwrap().clone();
            Box::pin(async move { Ok(key) })
        }
        fn refresh<'a>(&'a self, _refused: &'a Secret) -> KeyFuture<'a> {
            Box::pin(async move {
                *self.0.refreshes.lock().unwrap() += 1;
                let created = self.0.session.api_keys().create("rotated").await?;
                let key = created.key.expect("a new key's answer holds it");
                *self.0.current.lock().unwrap() = key.clone();
                Ok(key)
            })
        }
    }

    let (server, session) = signed_in(Config::default()).await;
    let first = session.api_keys().create("first").await.unwrap();
    let rotating = Arc::new(Rotating {
        current: Mutex::new(first.key.clone().unwrap()),
        session: session.clone(),
        refreshes: Mutex::new(0),
    });
    let service = Client::builder()
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .credentials(Shared(rotating.clone()))
        .build()
        .unwrap();
    service.send(&GetProfile).await.unwrap();
    assert_eq!(*rotating.refreshes.lock().unwrap(), 0);
    // Revoked behind the service's back.
    session.api_keys().delete(first.id).await.unwrap();
    let profile = service.send(&GetProfile).await.unwrap();
    assert_eq!(profile.email.as_deref(), Some(support::EMAIL));
    assert_eq!(*rotating.refreshes.lock().unwrap(), 1);
    let keys = session.api_keys().list(&ListApiKeys::new()).await.unwrap();
    assert_eq!(
        keys.count, 1,
        "the first key is gone, the rotated one is there"
    );
}
