//! The proxy commands of the `webshare` binary against a started mock server: `proxies` (list in every
//! format, download, refresh), `proxy-config`, `ip-auth`, `download-token`, `stats`, `activity`,
//! `replace` and `replacements`, and `plans` (list, show, set-next-refresh, cancel), with their human,
//! `--json` and list-format output and exit codes.
//!
//! Shared helpers: `common/mod.rs`.

#[macro_use]
mod common;

use common::*;
use webshare_mock_server::Config;

#[test]
fn proxy_commands_against_the_mock() {
    let server = Server::with(Config::default().proxies_per_plan(30).activity_per_plan(12));
    let token = server.register();
    let plan = server.server.plan_id(EMAIL).unwrap().to_string();
    let with_key = |args: &[&str], code: i32| {
        let mut all = vec!["--api-key", token.as_str()];
        all.extend_from_slice(args);
        server.run(&all, None, code)
    };

    // One page, filtered; every page with --all; passwords withheld unless asked.
    let out = with_key(
        &[
            "proxies",
            "list",
            "--mode",
            "direct",
            "--country-code-in",
            "US,FR",
            "--page-size",
            "5",
        ],
        0,
    );
    assert_eq!(
        out.stdout.lines().count(),
        6,
        "a header and 5 rows: {}",
        out.stdout
    );
    assert!(out.stdout.starts_with("ID "), "{}", out.stdout);
    assert!(
        out.stdout
            .lines()
            .skip(1)
            .all(|l| l.contains(" US ") || l.contains(" FR ")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("[redacted]"));
    assert!(
        out.stderr
            .contains("5 of 8 proxies; more with --page or --all"),
        "{}",
        out.stderr
    );
    let all = with_key(
        &[
            "--json",
            "proxies",
            "list",
            "--mode",
            "direct",
            "--all",
            "--page-size",
            "7",
            "--ordering",
            "-port",
        ],
        0,
    );
    let ports: Vec<i64> = all
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["port"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert_eq!(ports.len(), 30);
    assert!(ports.windows(2).all(|w| w[0] > w[1]));
    assert!(!all.stdout.contains("\"password\":\"") || all.stdout.contains("[redacted]"));

    // Bad input: named by clap (unknown value, missing required flag) or by the server's 400.
    let bad = with_key(&["proxies", "list", "--mode", "sideways"], 2);
    assert!(bad.stderr.contains("--mode"), "{}", bad.stderr);
    let missing = with_key(&["proxies", "list"], 2);
    assert!(missing.stderr.contains("--mode"), "{}", missing.stderr);
    let refused = with_key(
        &[
            "proxies",
            "list",
            "--mode",
            "direct",
            "--ordering",
            "password",
        ],
        3,
    );
    assert!(refused.stderr.contains("ordering"), "{}", refused.stderr);

    // The download: the token comes from the config and is never printed.
    let config = with_key(&["--json", "proxy-config", "get", "--plan-id", &plan], 0);
    let config: serde_json::Value = serde_json::from_str(&config.stdout).unwrap();
    assert_eq!(config["proxy_list_download_token"], "[redacted]");
    let status = with_key(&["--json", "proxy-config", "status", "--plan-id", &plan], 0);
    let status: serde_json::Value = serde_json::from_str(status.stdout.trim()).unwrap();
    assert_eq!(
        (status["state"].as_str(), status["password"].as_str()),
        (Some("completed"), Some("[redacted]"))
    );
    let stats = with_key(&["--json", "proxy-config", "stats", "--plan-id", &plan], 0);
    let stats: serde_json::Value = serde_json::from_str(stats.stdout.trim()).unwrap();
    let in_ranges: i64 = stats["ip_ranges_24"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_i64().unwrap())
        .sum();
    assert_eq!(in_ranges, 30);
    let lines = with_key(
        &[
            "proxies",
            "download",
            "--plan-id",
            &plan,
            "--country-codes",
            "US",
        ],
        0,
    );
    assert_eq!(lines.stdout.lines().count(), 4, "{}", lines.stdout);
    assert!(lines.stdout.lines().all(|l| l.ends_with(":[redacted]")));
    let file = server.config_dir.path().join("proxies.txt");
    with_key(
        &[
            "proxies",
            "download",
            "--plan-id",
            &plan,
            "-o",
            file.to_str().unwrap(),
        ],
        0,
    );
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(written.lines().count(), 30);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    // The v2 config: secrets withheld; a new username and password (from stdin) show in the list.
    let shown = with_key(&["--json", "proxy-config", "show"], 0);
    let shown: serde_json::Value = serde_json::from_str(shown.stdout.trim()).unwrap();
    assert_eq!(shown["password"], "[redacted]");
    assert_eq!(shown["proxy_list_download_token"], "[redacted]");
    let mut set = server.cli();
    set.args([
        "--api-key",
        token.as_str(),
        "--json",
        "proxy-config",
        "set",
        "--username",
        "cliuser99",
        "--password-stdin",
    ])
    .write_stdin("Clipassword77\n");
    let set = set.output().unwrap();
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    assert!(!String::from_utf8_lossy(&set.stdout).contains("Clipassword77"));
    let listed = with_key(
        &[
            "proxies",
            "list",
            "--mode",
            "direct",
            "--page-size",
            "1",
            "--show-passwords",
            "--format",
            "txt",
        ],
        0,
    );
    assert!(
        listed.stdout.contains("cliuser99:Clipassword77"),
        "{}",
        listed.stdout
    );
    with_key(&["proxy-config", "set", "--request-timeout", "5"], 3);
    with_key(&["proxy-config", "allocate", "FR=1"], 3);

    // A refresh replaces the list (three are allowed, the fourth is refused: exit 3).
    let before = with_key(
        &[
            "--json",
            "proxies",
            "list",
            "--mode",
            "direct",
            "--page-size",
            "1",
        ],
        0,
    );
    for _ in 0..3 {
        with_key(&["proxies", "refresh"], 0);
    }
    let after = with_key(
        &[
            "--json",
            "proxies",
            "list",
            "--mode",
            "direct",
            "--page-size",
            "1",
        ],
        0,
    );
    assert_ne!(before.stdout, after.stdout);
    with_key(&["proxies", "refresh"], 3);

    // IP authorizations: 204, then 404 (exit 1).
    let id = server
        .server
        .authorize_ip(EMAIL, "10.9.8.7")
        .unwrap()
        .to_string();
    let deleted = with_key(&["ip-auth", "remove", &id], 0);
    assert!(
        deleted
            .stdout
            .contains(&format!("IP authorization {id} deleted."))
    );
    with_key(&["ip-auth", "remove", &id], 1);

    // This machine, twice: one authorization. Then the list, and what's my IP.
    let added = with_key(&["--json", "ip-auth", "add", "--this-machine"], 0);
    let again = with_key(&["--json", "ip-auth", "add", "--this-machine"], 0);
    assert_eq!(added.stdout, again.stdout);
    let added: serde_json::Value = serde_json::from_str(added.stdout.trim()).unwrap();
    assert_eq!(added["ip_address"], "127.0.0.1");
    let listed = with_key(&["ip-auth", "list", "--all"], 0);
    assert_eq!(listed.stdout.lines().count(), 1, "{}", listed.stdout);
    assert!(listed.stdout.contains("127.0.0.1"));
    assert_eq!(
        with_key(&["ip-auth", "whats-my-ip"], 0).stdout,
        "127.0.0.1\n"
    );
    let bad = with_key(&["ip-auth", "add", "not-an-ip"], 3);
    assert!(bad.stderr.contains("ip_address"), "{}", bad.stderr);

    // Download tokens: withheld unless asked; a reset changes the key.
    let shown = with_key(&["download-token", "show", "proxy_list"], 0);
    assert!(shown.stdout.contains("[redacted]"), "{}", shown.stdout);
    let before = with_key(
        &[
            "--json",
            "download-token",
            "show",
            "activity",
            "--show-token",
        ],
        0,
    );
    let after = with_key(
        &[
            "--json",
            "download-token",
            "reset",
            "activity",
            "--show-token",
        ],
        0,
    );
    let key =
        |out: &str| serde_json::from_str::<serde_json::Value>(out.trim()).unwrap()["key"].clone();
    assert_ne!(key(&before.stdout), key(&after.stdout));
    assert_ne!(key(&after.stdout), "[redacted]");
    with_key(&["download-token", "show", "everything"], 2);

    // Activity, through the cursor.
    let activity = with_key(&["activity", "list", "--all", "--page-size", "5"], 0);
    assert_eq!(activity.stdout.lines().count(), 12, "{}", activity.stdout);
    // Stats: the hourly table sums to the activity; the total agrees.
    let hourly = with_key(&["--json", "stats", "hourly"], 0);
    let requests: i64 = hourly
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["requests_total"]
                .as_i64()
                .unwrap()
        })
        .sum();
    assert_eq!(requests, 12);
    let total = with_key(&["--json", "stats", "total"], 0);
    let total: serde_json::Value = serde_json::from_str(total.stdout.trim()).unwrap();
    assert_eq!(total["requests_total"], 12);
    let table = with_key(&["stats", "hourly"], 0);
    assert!(table.stdout.starts_with("hour"), "{}", table.stdout);
    // The activity as CSV: rows on stdout, or the file as downloaded.
    let rows = with_key(&["activity", "download"], 0);
    assert_eq!(rows.stdout.lines().count(), 12, "{}", rows.stdout);
    let csv = server.config_dir.path().join("activity.csv");
    with_key(&["activity", "download", "-o", csv.to_str().unwrap()], 0);
    let written = std::fs::read_to_string(&csv).unwrap();
    assert!(
        written.starts_with("Time,Hostname,Destination Port,"),
        "{written}"
    );
    assert_eq!(written.lines().count(), 13);
    let bad_time = with_key(&["activity", "list", "--timestamp-lte", "yesterday"], 2);
    assert!(
        bad_time.stderr.contains("--timestamp-lte"),
        "{}",
        bad_time.stderr
    );
}

#[test]
fn list_formats_replacements_and_plans_against_the_mock() {
    let server = Server::with(
        Config::default()
            .proxies_per_plan(12)
            .replacement_step(std::time::Duration::from_millis(50)),
    );
    let token = server.register();
    let plan = server.server.plan_id(EMAIL).unwrap().to_string();
    let run = |args: &[&str], code: i32| server.run_with_key(&token, args, None, code);
    let list = |format: &str| {
        run(
            &[
                "proxies", "list", "--mode", "direct", "--plan", &plan, "--format", format,
            ],
            0,
        )
        .stdout
    };

    // Four formats of one page; passwords withheld in each.
    let csv = list("csv");
    let mut rows = csv.lines();
    assert_eq!(
        rows.next(),
        Some("id,proxy_address,port,username,password,country_code,city_name,valid")
    );
    assert_eq!(rows.count(), 12);
    let json = list("json");
    let first: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(first["password"], "[redacted]");
    assert_eq!(json.lines().count(), 12);
    let txt = list("txt");
    assert!(
        txt.lines()
            .all(|l| l.split(':').count() == 4 && l.ends_with(":[redacted]")),
        "{txt}"
    );
    assert!(list("table").lines().next().unwrap().starts_with("ID "));
    let addresses: Vec<String> = json
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["proxy_address"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();

    // Replace two proxies and wait: a progress line per state on stderr (not a terminal), the outcome
    // on stdout; the list no longer has them.
    let ips = format!("{},{}", addresses[0], addresses[1]);
    let out = run(
        &[
            "replace",
            "--ip",
            &ips,
            "--with",
            "country:DE=1",
            "--with",
            "any=1",
        ],
        0,
    );
    assert!(out.stderr.contains(": validating"), "{}", out.stderr);
    assert!(out.stderr.contains(": completed"), "{}", out.stderr);
    assert!(
        out.stdout
            .contains("is completed: 2 proxies removed, 2 added"),
        "{}",
        out.stdout
    );
    let after = list("txt");
    assert!(!after.contains(&format!("{}:", addresses[0])), "{after}");
    let replaced = run(&["replacements", "replaced"], 0).stdout;
    assert_eq!(replaced.lines().count(), 2, "{replaced}");
    assert!(
        replaced.contains(&addresses[0]) && replaced.contains("(DE)"),
        "{replaced}"
    );
    let downloaded = run(&["replacements", "download"], 0).stdout;
    assert_eq!(downloaded.lines().count(), 2, "{downloaded}");
    assert!(
        downloaded.lines().all(|l| l.contains(":[redacted]:")),
        "{downloaded}"
    );
    let listed = run(&["--json", "replacements", "list"], 0).stdout;
    let listed: serde_json::Value = serde_json::from_str(listed.trim()).unwrap();
    assert_eq!(listed["state"], "completed");

    // A dry run changes nothing; nothing to replace fails with the server's code (exit 1).
    let dry = run(
        &[
            "replace",
            "--country",
            "US",
            "--count",
            "1",
            "--with",
            "any=1",
            "--dry-run",
        ],
        0,
    );
    assert!(dry.stdout.contains("validated (dry run)"), "{}", dry.stdout);
    let failed = run(&["replace", "--ip", "192.0.2.1", "--with", "any=1"], 1);
    assert!(
        failed.stderr.contains("no_proxies_to_be_replaced"),
        "{}",
        failed.stderr
    );
    // Bad sources are usage errors, named.
    let bad = run(&["replace", "--ip", "10.0.0.1", "--with", "anywhere"], 2);
    assert!(
        bad.stderr.contains("`anywhere` is not a source"),
        "{}",
        bad.stderr
    );
    run(&["replace", "--with", "any=1"], 2);

    // Plans: listed, one shown, re-timed, cancelled; an unknown one is exit 1.
    let plans = run(&["plans"], 0);
    assert!(
        plans
            .stdout
            .starts_with(&format!("{plan}  active  shared/default  12 proxies")),
        "{}",
        plans.stdout
    );
    assert!(
        plans.stdout.contains("replacements 10 of 12 left"),
        "{}",
        plans.stdout
    );
    let shown = run(&["--json", "plans", "show", &plan], 0).stdout;
    let shown: serde_json::Value = serde_json::from_str(shown.trim()).unwrap();
    assert_eq!(shown["proxy_replacements_used"], 2);
    run(
        &["plans", "set-next-refresh", &plan, "2999-01-01T00:00:00Z"],
        0,
    );
    run(&["plans", "set-next-refresh", &plan, "yesterday"], 2);
    let cancelled = run(&["plans", "cancel", &plan], 0);
    assert!(
        cancelled.stdout.contains("cancelled"),
        "{}",
        cancelled.stdout
    );
    run(&["plans", "show", "99"], 1);

    // --as-subuser (and its old name) acts on a sub-user's own list.
    let sub = server.server.add_subuser(EMAIL).unwrap().to_string();
    for flag in ["--as-subuser", "--subuser"] {
        let out = run(
            &[
                "proxies", "list", "--mode", "direct", flag, &sub, "--format", "txt",
            ],
            0,
        );
        assert_eq!(
            out.stdout.lines().count(),
            2,
            "a sub-user has a tenth of the list: {}",
            out.stdout
        );
    }
}
