//! The sub-user and API key commands of the `webshare` binary against a started mock server: `api-keys`
//! (a key shown once, with --show-secrets, then deleted), `subusers`, and the `profile` and
//! `notifications` they are tested with.
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

    // Without --show-secrets the new key is withheld, as human output and as JSON.
    let withheld = run(&session, &["api-keys", "create", "--label", "ci"], 0);
    // The key is shown only in this answer: withholding it says so, and how to see it.
    assert!(
        withheld.stderr.contains("may not be shown again")
            && withheld.stderr.contains("--show-secrets"),
        "{}",
        withheld.stderr
    );
    assert_eq!(
        object_field(&withheld.stdout, "label"),
        Some("ci"),
        "{}",
        withheld.stdout
    );
    assert_eq!(
        object_field(&withheld.stdout, "key"),
        Some("[redacted]"),
        "{}",
        withheld.stdout
    );
    let withheld_json = run(
        &session,
        &["--json", "api-keys", "create", "--label", "ci2"],
        0,
    );
    let withheld_json: serde_json::Value =
        serde_json::from_str(withheld_json.stdout.trim()).unwrap();
    assert_eq!(withheld_json["key"], "[redacted]");
    let created = run(
        &session,
        &[
            "--json",
            "api-keys",
            "create",
            "--label",
            "server1",
            "--show-secrets",
        ],
        0,
    );
    let created: serde_json::Value = serde_json::from_str(created.stdout.trim()).unwrap();
    let key = created["key"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 40);
    let id = created["id"].to_string();

    // Listed and shown again, the key never shows: not even with --show-secrets (the API masks it).
    let listed = run(&session, &["api-keys", "list"], 0);
    let rows = table_rows(&listed.stdout);
    assert_eq!(rows.len(), 3, "{}", listed.stdout);
    assert!(
        rows.iter().all(|row| row["KEY"] == "[redacted]"),
        "{}",
        listed.stdout
    );
    let revealed = run(&session, &["api-keys", "list", "--show-secrets"], 0);
    assert_no_secret(&revealed.stdout, &[&key]);
    let shown = run(
        &session,
        &["--json", "api-keys", "show", &id, "--show-secrets"],
        0,
    );
    assert_no_secret(&shown.stdout, &[&key]);

    // The new key works as a token at once, but may not manage keys: exit 4, with the hint.
    run(&key, &["activation", "status"], 0);
    let refused = run(&key, &["api-keys", "list"], 4);
    assert!(
        refused.stderr.contains("API keys may not do this"),
        "{}",
        refused.stderr
    );

    let renamed = run(
        &session,
        &["api-keys", "update", &id, "--label", "renamed"],
        0,
    );
    assert_eq!(
        object_field(&renamed.stdout, "label"),
        Some("renamed"),
        "{}",
        renamed.stdout
    );
    assert_no_secret(&renamed.stdout, &[&key]);
    let revoked = run(&session, &["api-keys", "delete", &id], 0);
    assert_eq!(revoked.stdout, "Done: Delete an API key.\n");
    run(&key, &["activation", "status"], 4);
    let again = run(&session, &["api-keys", "delete", &id], 1);
    assert!(
        again
            .stderr
            .contains(&format!("not found: no api key with id {id}")),
        "{}",
        again.stderr
    );
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
    let rows = table_rows(&listed.stdout);
    assert_eq!(rows.len(), 1, "{}", listed.stdout);
    assert_eq!(
        (
            rows[0]["ID"].as_str(),
            rows[0]["LABEL"].as_str(),
            rows[0]["PROXY_LIMIT"].as_str(),
            rows[0]["PROXY_COUNTRIES"].as_str()
        ),
        (id.as_str(), "customer", "5", r#"{"DE":1,"FR":2}"#),
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
    let updated = run(&["subusers", "update", &id, "--label", "renamed"], 0);
    assert_eq!(
        object_field(&updated.stdout, "label"),
        Some("renamed"),
        "{}",
        updated.stdout
    );
    assert_eq!(
        object_field(&updated.stdout, "proxy_countries.FR"),
        Some("2"),
        "{}",
        updated.stdout
    );
    run(&["subusers", "refresh", &id], 0);
    run(&["ip-auth", "add", "198.51.100.9", "--as-subuser", &id], 0);
    let own = run(&["ip-auth", "list"], 0);
    assert_eq!(own.stdout, "", "the account's own are apart");
    assert_eq!(own.stderr, "No ip authorizations.\n");
    assert_eq!(
        run(&["subusers", "delete", &id], 0).stdout,
        "Done: Delete a sub-user.\n"
    );
    run(
        &["proxies", "list", "--mode", "direct", "--as-subuser", &id],
        1,
    );
    let gone = run(&["subusers", "show", &id], 1);
    assert!(
        gone.stderr
            .contains(&format!("not found: no subuser with id {id}")),
        "{}",
        gone.stderr
    );

    // The profile's token is withheld unless asked for.
    let profile = run(&["profile", "show"], 0);
    assert_eq!(
        object_field(&profile.stdout, "email"),
        Some(EMAIL),
        "{}",
        profile.stdout
    );
    assert_eq!(
        object_field(&profile.stdout, "announce_kit_user_token"),
        Some("[redacted]"),
        "{}",
        profile.stdout
    );
    let revealed = run(&["--json", "profile", "show", "--show-secrets"], 0);
    let revealed: serde_json::Value = serde_json::from_str(revealed.stdout.trim()).unwrap();
    let announce = revealed["announce_kit_user_token"].as_str().unwrap();
    assert_ne!(announce, "[redacted]");
    assert_no_secret(&profile.stdout, &[announce]);
    let set = run(&["profile", "update", "--timezone", "Europe/Paris"], 0);
    assert_eq!(
        object_field(&set.stdout, "timezone"),
        Some("Europe/Paris"),
        "{}",
        set.stdout
    );
    assert_no_secret(&set.stdout, &[announce]);
    // Nothing to change, or a bad zone: the server refuses (exit 3), saying why.
    let empty = run(&["profile", "update"], 3);
    assert!(
        empty.stderr.contains("one or more fields"),
        "{}",
        empty.stderr
    );
    let bad = run(&["profile", "update", "--timezone", "not a zone"], 3);
    assert!(bad.stderr.contains("timezone"), "{}", bad.stderr);

    // Notifications: the active ones (not dismissed), dismissed twice (idempotent), then restored.
    let active_only = ["notifications", "list", "--dismissed-at-isnull", "true"];
    let dismissed_only = ["notifications", "list", "--dismissed-at-isnull", "false"];
    let ids = |args: &[&str]| -> Vec<String> {
        let out = run(args, 0);
        if out.stdout.is_empty() {
            assert_eq!(out.stderr, "No notifications.\n");
            return Vec::new();
        }
        table_rows(&out.stdout)
            .into_iter()
            .map(|row| row["ID"].clone())
            .collect()
    };
    let active = ids(&active_only);
    assert_eq!(active.len(), 2, "{active:?}");
    let first = active[0].clone();
    let dismissed = run(&["notifications", "dismiss", &first], 0);
    assert_ne!(
        object_field(&dismissed.stdout, "dismissed_at"),
        Some("-"),
        "{}",
        dismissed.stdout
    );
    run(&["notifications", "dismiss", &first], 0);
    assert_eq!(ids(&active_only), vec![active[1].clone()]);
    assert_eq!(ids(&dismissed_only), vec![first.clone()]);
    let restored = run(&["notifications", "restore", &first], 0);
    assert_eq!(
        object_field(&restored.stdout, "dismissed_at"),
        Some("-"),
        "{}",
        restored.stdout
    );
    assert_eq!(ids(&dismissed_only), Vec::<String>::new());
    assert_eq!(ids(&["notifications", "list", "--all"]).len(), 2);
}
