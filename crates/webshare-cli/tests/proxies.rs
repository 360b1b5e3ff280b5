//! The proxy commands of the `webshare` binary against a started mock server: `proxies` (list in every
//! format, download, refresh), `proxy-config`, `ip-auth`, `download-token`, `stats`, `activity`,
//! `replace` and `replacements`, and `plans` (list, show, update, cancel), with their human,
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

    // Bad input: named by clap (unknown value) or by the server's 400. No --mode is `direct`.
    let bad = with_key(&["proxies", "list", "--mode", "sideways"], 2);
    assert!(bad.stderr.contains("--mode"), "{}", bad.stderr);
    let defaulted = with_key(&["proxies", "list", "--page-size", "5"], 0);
    let direct = with_key(
        &["proxies", "list", "--mode", "direct", "--page-size", "5"],
        0,
    );
    assert_eq!(defaulted.stdout.lines().count(), 6, "{}", defaulted.stdout);
    assert_eq!(defaulted.stdout, direct.stdout);
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
    let config = with_key(&["--json", "proxy-config", "get", "--plan", &plan], 0);
    let config: serde_json::Value = serde_json::from_str(&config.stdout).unwrap();
    assert_eq!(config["proxy_list_download_token"], "[redacted]");
    let revealed = with_key(
        &[
            "--json",
            "proxy-config",
            "get",
            "--plan",
            &plan,
            "--show-secrets",
        ],
        0,
    );
    let revealed: serde_json::Value = serde_json::from_str(&revealed.stdout).unwrap();
    let download_token = revealed["proxy_list_download_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(download_token, "[redacted]");
    let status = with_key(&["--json", "proxy-config", "status", "--plan", &plan], 0);
    let status: serde_json::Value = serde_json::from_str(status.stdout.trim()).unwrap();
    assert_eq!(
        (status["state"].as_str(), status["password"].as_str()),
        (Some("completed"), Some("[redacted]"))
    );
    let stats = with_key(&["--json", "proxy-config", "stats", "--plan", &plan], 0);
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
    assert_no_secret(&lines.all(), &[&download_token]);
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
    let timeout = with_key(&["proxy-config", "set", "--request-timeout", "5"], 3);
    assert!(
        timeout.stderr.contains("request_timeout"),
        "{}",
        timeout.stderr
    );
    // Nothing is unallocated: the server refuses an allocation (exit 3).
    let allocated = with_key(&["proxy-config", "allocate", "--new-countries", "FR=1"], 3);
    assert!(
        allocated.stderr.contains("new_countries"),
        "{}",
        allocated.stderr
    );

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
        with_key(&["proxies", "refresh", "--yes"], 0);
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
    with_key(&["proxies", "refresh", "--yes"], 3);

    // IP authorizations, by ID or by address: 204, then 404 (exit 1).
    let id = server
        .server
        .authorize_ip(EMAIL, "10.9.8.7")
        .unwrap()
        .to_string();
    let deleted = with_key(&["ip-auth", "remove", &id], 0);
    assert_eq!(
        deleted.stdout,
        format!("IP authorization {id} removed.\n"),
        "{}",
        deleted.stdout
    );
    let gone = with_key(&["ip-auth", "remove", &id], 1);
    assert!(
        gone.stderr
            .contains(&format!("not found: no ip authorization with id {id}")),
        "{}",
        gone.stderr
    );
    let by_address = server
        .server
        .authorize_ip(EMAIL, "10.9.8.6")
        .unwrap()
        .to_string();
    let deleted = with_key(&["ip-auth", "remove", "10.9.8.6"], 0);
    assert_eq!(
        deleted.stdout,
        format!("IP authorization {by_address} removed.\n"),
        "{}",
        deleted.stdout
    );
    let gone = with_key(&["ip-auth", "remove", "10.9.8.6"], 1);
    assert!(gone.stderr.contains("10.9.8.6"), "{}", gone.stderr);

    // This machine, twice: one authorization. Then the list, and what's my IP.
    let added = with_key(&["--json", "ip-auth", "add", "--this-machine"], 0);
    let again = with_key(&["--json", "ip-auth", "add", "--this-machine"], 0);
    assert_eq!(added.stdout, again.stdout);
    let added: serde_json::Value = serde_json::from_str(added.stdout.trim()).unwrap();
    assert_eq!(added["ip_address"], "127.0.0.1");
    let listed = with_key(&["ip-auth", "list", "--all"], 0);
    let rows = table_rows(&listed.stdout);
    assert_eq!(rows.len(), 1, "{}", listed.stdout);
    assert_eq!(
        (rows[0]["ID"].as_str(), rows[0]["IP_ADDRESS"].as_str()),
        (added["id"].to_string().as_str(), "127.0.0.1"),
        "{}",
        listed.stdout
    );
    assert_eq!(
        with_key(&["ip-auth", "whats-my-ip"], 0).stdout,
        "ip_address: 127.0.0.1\n"
    );
    let bad = with_key(&["ip-auth", "add", "not-an-ip"], 3);
    assert!(bad.stderr.contains("ip_address"), "{}", bad.stderr);

    // Download tokens: withheld unless asked; a reset changes the key.
    let shown = with_key(&["download-token", "show", "proxy_list"], 0);
    assert_eq!(
        object_field(&shown.stdout, "key"),
        Some("[redacted]"),
        "{}",
        shown.stdout
    );
    let before = with_key(
        &[
            "--json",
            "download-token",
            "show",
            "activity",
            "--show-secrets",
        ],
        0,
    );
    let after = with_key(
        &[
            "--json",
            "download-token",
            "reset",
            "activity",
            "--show-secrets",
        ],
        0,
    );
    let key =
        |out: &str| serde_json::from_str::<serde_json::Value>(out.trim()).unwrap()["key"].clone();
    assert_ne!(key(&before.stdout), key(&after.stdout));
    assert_ne!(key(&before.stdout), "[redacted]");
    assert_ne!(key(&after.stdout), "[redacted]");
    // Without --show-secrets, a reset withholds the new key.
    let withheld = with_key(&["download-token", "reset", "activity"], 0);
    assert_eq!(
        object_field(&withheld.stdout, "key"),
        Some("[redacted]"),
        "{}",
        withheld.stdout
    );
    with_key(&["download-token", "show", "everything"], 2);

    // Activity, through the cursor.
    let page = with_key(&["activity", "list", "--page-size", "5"], 0);
    assert_eq!(table_rows(&page.stdout).len(), 5, "{}", page.stdout);
    assert!(
        page.stderr.contains("--all for every one"),
        "{}",
        page.stderr
    );
    let activity = with_key(&["activity", "list", "--all", "--page-size", "5"], 0);
    assert_eq!(
        table_rows(&activity.stdout).len(),
        12,
        "{}",
        activity.stdout
    );
    // Stats: the hourly list (one JSON array) sums to the activity; the total and the table agree.
    let hourly = with_key(&["--json", "stats", "hourly"], 0);
    assert_eq!(hourly.stdout.lines().count(), 1, "{}", hourly.stdout);
    let hours: Vec<serde_json::Value> = serde_json::from_str(hourly.stdout.trim()).unwrap();
    let requests: i64 = hours
        .iter()
        .map(|hour| hour["requests_total"].as_i64().unwrap())
        .sum();
    assert_eq!(requests, 12);
    let total = with_key(&["--json", "stats", "total"], 0);
    let total: serde_json::Value = serde_json::from_str(total.stdout.trim()).unwrap();
    assert_eq!(total["requests_total"], 12);
    let table = with_key(&["stats", "hourly"], 0);
    let rows = table_rows(&table.stdout);
    assert_eq!(rows.len(), hours.len(), "{}", table.stdout);
    let in_table: i64 = rows
        .iter()
        .map(|row| row["REQUESTS_TOTAL"].parse::<i64>().unwrap())
        .sum();
    assert_eq!(in_table, 12, "{}", table.stdout);
    assert!(
        rows.iter().all(|row| row["TIMESTAMP"].ends_with('Z')),
        "{}",
        table.stdout
    );
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
            "--yes",
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
    let rows = table_rows(&replaced);
    assert_eq!(rows.len(), 2, "{replaced}");
    let mut removed: Vec<&str> = rows.iter().map(|row| row["PROXY"].as_str()).collect();
    removed.sort_unstable();
    let mut expected = vec![addresses[0].as_str(), addresses[1].as_str()];
    expected.sort_unstable();
    assert_eq!(removed, expected, "{replaced}");
    assert!(
        rows.iter()
            .any(|row| row["REPLACED_WITH_COUNTRY_CODE"] == "DE"),
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
    assert_eq!(listed["count"], 1, "{listed}");
    assert_eq!(listed["results"][0]["state"], "completed", "{listed}");

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
    let plans = run(&["plans", "list"], 0);
    let rows = table_rows(&plans.stdout);
    assert_eq!(rows.len(), 1, "{}", plans.stdout);
    let row = &rows[0];
    for (column, expected) in [
        ("ID", plan.as_str()),
        ("STATUS", "active"),
        ("PROXY_TYPE", "shared"),
        ("PROXY_SUBTYPE", "default"),
        ("PROXY_COUNT", "12"),
        ("PROXY_REPLACEMENTS_AVAILABLE", "10"),
        ("PROXY_REPLACEMENTS_TOTAL", "12"),
    ] {
        assert_eq!(row[column], expected, "{column}:\n{}", plans.stdout);
    }
    let shown = run(&["--json", "plans", "show", &plan], 0).stdout;
    let shown: serde_json::Value = serde_json::from_str(shown.trim()).unwrap();
    assert_eq!(shown["proxy_replacements_used"], 2);
    let retimed = run(
        &[
            "plans",
            "update",
            &plan,
            "--automatic-refresh-next-at",
            "2999-01-01T00:00:00Z",
        ],
        0,
    );
    assert_eq!(
        object_field(&retimed.stdout, "automatic_refresh_next_at"),
        Some("2999-01-01T00:00:00Z"),
        "{}",
        retimed.stdout
    );
    // Not a time: refused by the flag's parser, as a parameter's is (usage, exit 2), the flag named.
    let bad_time = run(
        &[
            "plans",
            "update",
            &plan,
            "--automatic-refresh-next-at",
            "yesterday",
        ],
        2,
    );
    assert!(
        bad_time.stderr.contains("--automatic-refresh-next-at"),
        "{}",
        bad_time.stderr
    );
    let cancelled = run(&["plans", "cancel", &plan], 0);
    assert_eq!(
        object_field(&cancelled.stdout, "success"),
        Some("yes"),
        "{}",
        cancelled.stdout
    );
    let after_cancel = run(&["plans", "show", &plan], 0);
    assert_eq!(
        object_field(&after_cancel.stdout, "status"),
        Some("cancelled"),
        "{}",
        after_cancel.stdout
    );
    let unknown = run(&["plans", "show", "99"], 1);
    assert!(
        unknown.stderr.contains("not found: no plan with id 99"),
        "{}",
        unknown.stderr
    );

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

/// `proxies check` over the mock's real proxies, one of them blocked: each proxy's line, the failures
/// by group; `--replace-failing --dry-run` is the API's typed refusal here (the mock selects replaced
/// proxies by their `10.x.y.z` addresses, which its real proxies do not list).
#[test]
fn proxies_check_probes_every_proxy_and_groups_the_failures() {
    let server = Server::with(
        Config::default()
            .real_proxies(true)
            .proxies_per_plan(3)
            .replacement_step(std::time::Duration::ZERO),
    );
    let token = server.register();
    let ports = listed_ports(&server, &token);
    assert_eq!(ports.len(), 3, "{ports:?}");
    server
        .server
        .block_proxy(ports[1], webshare_mock_server::BlockPage::Forbidden)
        .unwrap();
    // Any loopback URL will do: the mock's proxies reach loopback only; the mock API itself answers.
    let url = server.server.base_url().to_owned();
    let check = [
        "proxies",
        "check",
        "--url",
        url.as_str(),
        "--concurrency",
        "2",
    ];

    let mut json_args = check.to_vec();
    json_args.push("--json");
    let out = server.run_with_key(&token, &json_args, None, 0);
    let lines: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        4,
        "a line per proxy and a summary: {}",
        out.stdout
    );
    for line in &lines[..3] {
        let blocked = line["proxy"]
            .as_str()
            .unwrap()
            .ends_with(&format!(":{}", ports[1]));
        assert_eq!(line["ok"], !blocked, "{line}");
        if blocked {
            assert_eq!(line["outcome"], "blocked 403");
            assert_eq!(line["status"], 403);
        }
    }
    assert_eq!(lines[3]["probed"], 3);
    assert_eq!(lines[3]["failed"], 1);
    let subnet = serde_json::json!({"group": "subnet 127.0.0.0/24", "failed": 1, "probed": 3});
    let groups = lines[3]["failing_groups"].as_array().unwrap();
    assert!(groups.contains(&subnet), "{groups:?}");
    // The blocked proxy's country and ASN are failing groups too.
    assert_eq!(groups.len(), 3, "{groups:?}");
    assert!(!out.stdout.contains("password"), "{}", out.stdout);

    let out = server.run_with_key(&token, &check, None, 0);
    assert!(
        out.stdout.contains("1 of 3 proxies failed."),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("  subnet 127.0.0.0/24: 1 of 3 failed"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("blocked 403"), "{}", out.stdout);

    // Each real proxy has an address of its own, so the replacement selects the blocked one alone.
    let mut dry = check.to_vec();
    dry.extend(["--replace-failing", "--dry-run"]);
    let out = server.run_with_key(&token, &dry, None, 0);
    assert!(
        out.stdout.contains("proxies would be removed"),
        "{}",
        out.stdout
    );
    let mut real = check.to_vec();
    real.extend(["--replace-failing", "--yes"]);
    let out = server.run_with_key(&token, &real, None, 0);
    assert!(
        out.stdout.contains(": 1 proxy replaced."),
        "{}{}",
        out.stdout,
        out.stderr
    );
    let now = listed_ports(&server, &token);
    assert_eq!(now.len(), 3, "{now:?}");
    assert!(!now.contains(&ports[1]), "the blocked proxy left: {now:?}");
    assert!(
        now.contains(&ports[0]) && now.contains(&ports[2]),
        "{now:?}"
    );
}

/// The ports of `proxies list --json`, in its order.
fn listed_ports(server: &Server, token: &str) -> Vec<u16> {
    let listed = server.run_with_key(token, &["proxies", "list", "--json"], None, 0);
    listed
        .stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            u16::try_from(v["port"].as_u64().unwrap()).unwrap()
        })
        .collect()
}

/// `proxies check --replace-failing` over the mock's listed proxies (`10.x.y.z`, which a loopback test
/// cannot reach, so every probe fails): a dry run shows the plan and replaces nothing; `--yes` replaces
/// them all in one replacement.
#[test]
fn proxies_check_replaces_the_failing_proxies() {
    let server = Server::with(
        Config::default()
            .proxies_per_plan(2)
            .replacement_step(std::time::Duration::ZERO),
    );
    let token = server.register();
    let url = server.server.base_url().to_owned();
    let check = [
        "proxies",
        "check",
        "--url",
        url.as_str(),
        "--timeout",
        "1",
        "--replace-failing",
    ];
    let before = server
        .run_with_key(&token, &["proxies", "list", "--json"], None, 0)
        .stdout;

    let mut dry = check.to_vec();
    dry.push("--dry-run");
    let out = server.run_with_key(&token, &dry, None, 0);
    assert!(
        out.stdout.contains("2 of 2 proxies failed."),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("proxies would be removed"),
        "{}",
        out.stdout
    );
    assert_eq!(out.stdout.matches("(dry run)").count(), 2, "{}", out.stdout);
    let same = server
        .run_with_key(&token, &["proxies", "list", "--json"], None, 0)
        .stdout;
    assert_eq!(same, before, "a dry run changes nothing");

    let mut real = check.to_vec();
    real.push("--yes");
    let out = server.run_with_key(&token, &real, None, 0);
    assert!(
        out.stdout.contains(": 2 proxies replaced."),
        "{}{}",
        out.stdout,
        out.stderr
    );
    let after = server
        .run_with_key(&token, &["proxies", "list", "--json"], None, 0)
        .stdout;
    assert_ne!(after, before);
}
