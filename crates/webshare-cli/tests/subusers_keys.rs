//! The sub-user and API key commands of the `webshare` binary against a started mock server: `api-keys`
//! (a key shown once, on request, then revoked), `subusers`, and the `profile` and `notifications` they
//! are tested with.
//!
//! Shared helpers: `common/mod.rs`.

#[macro_use]
mod common;

use common::*;

#[test]
fn api_keys_are_created_shown_once_on_request_and_revoked() {
    let server = Server::start();
    let session = server.register();
    let run = |key: &str, args: &[&str], code: i32| server.run_with_key(key, args, None, code);

    let withheld = run(&session, &["api-keys", "create", "--label", "ci"], 0);
    assert!(withheld.stdout.contains("ci"), "{}", withheld.stdout);
    assert!(
        withheld.stderr.contains("cannot be shown again"),
        "{}",
        withheld.stderr
    );
    let created = run(
        &session,
        &[
            "--json",
            "api-keys",
            "create",
            "--label",
            "server1",
            "--show-key",
        ],
        0,
    );
    let created: serde_json::Value = serde_json::from_str(created.stdout.trim()).unwrap();
    let key = created["key"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 40);
    let id = created["id"].to_string();

    let listed = run(&session, &["api-keys", "list"], 0);
    assert_eq!(listed.stdout.lines().count(), 2, "{}", listed.stdout);
    assert_no_secret(&listed.stdout, &[&key]);

    // The new key works as a token at once, but may not manage keys: exit 4, with the hint.
    run(&key, &["activation", "status"], 0);
    let refused = run(&key, &["api-keys", "list"], 4);
    assert!(
        refused.stderr.contains("API keys may not do this"),
        "{}",
        refused.stderr
    );

    run(&session, &["api-keys", "rename", &id, "renamed"], 0);
    let revoked = run(&session, &["api-keys", "revoke", &id], 0);
    assert!(revoked.stdout.contains("revoked"), "{}", revoked.stdout);
    run(&key, &["activation", "status"], 4);
    run(&session, &["api-keys", "revoke", &id], 1);
}

#[test]
fn subusers_profile_and_notifications_against_the_mock() {
    let server = Server::start();
    let session = server.register();
    let run = |args: &[&str], code: i32| server.run_with_key(&session, args, None, code);

    let created = run(
        &[
            "--json",
            "subusers",
            "create",
            "--label",
            "customer",
            "--proxy-limit",
            "5",
            "--proxy-countries",
            "FR=2,DE=1",
        ],
        0,
    );
    let created: serde_json::Value = serde_json::from_str(created.stdout.trim()).unwrap();
    assert_eq!(created["proxy_countries"]["FR"], 2);
    let id = created["id"].to_string();
    let listed = run(&["subusers", "list"], 0);
    assert!(
        listed.stdout.contains("customer  5 GB  DE=1,FR=2"),
        "{}",
        listed.stdout
    );
    let proxies = run(
        &[
            "--json",
            "proxies",
            "list",
            "--mode",
            "direct",
            "--as-subuser",
            &id,
        ],
        0,
    );
    assert_eq!(proxies.stdout.lines().count(), 3, "{}", proxies.stdout);
    assert!(
        run(&["subusers", "update", &id, "--label", "renamed"], 0)
            .stdout
            .contains("renamed")
    );
    run(&["subusers", "refresh", &id], 0);
    run(&["ip-auth", "add", "198.51.100.9", "--as-subuser", &id], 0);
    assert_eq!(
        run(&["ip-auth", "list"], 0).stdout,
        "",
        "the account's own are apart"
    );
    assert!(
        run(&["subusers", "delete", &id], 0)
            .stdout
            .contains("deleted")
    );
    run(
        &["proxies", "list", "--mode", "direct", "--as-subuser", &id],
        1,
    );

    let profile = run(&["profile"], 0);
    assert!(profile.stdout.contains(EMAIL), "{}", profile.stdout);
    assert!(
        profile
            .stdout
            .contains(r#"announce_kit_user_token: "[redacted]""#),
        "{}",
        profile.stdout
    );
    let set = run(&["profile", "set", "--timezone", "Europe/Paris"], 0);
    assert!(set.stdout.contains("Europe/Paris"), "{}", set.stdout);
    run(&["profile", "set"], 2);
    run(&["profile", "set", "--timezone", "not a zone"], 3);

    let active = run(&["notifications", "list"], 0);
    assert_eq!(active.stdout.lines().count(), 2, "{}", active.stdout);
    let first = active.stdout.split_whitespace().next().unwrap().to_owned();
    assert!(
        run(&["notifications", "dismiss", &first], 0)
            .stdout
            .contains("dismissed")
    );
    run(&["notifications", "dismiss", &first], 0);
    assert_eq!(run(&["notifications", "list"], 0).stdout.lines().count(), 1);
    let dismissed = run(&["notifications", "list", "--dismissed"], 0);
    assert!(dismissed.stdout.starts_with(&first), "{}", dismissed.stdout);
    run(&["notifications", "restore", &first], 0);
    assert_eq!(
        run(&["notifications", "list", "--all"], 0)
            .stdout
            .lines()
            .count(),
        2
    );
}
