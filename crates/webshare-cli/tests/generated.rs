//! The generated long tail: every operation has a command (`webshare operations`), generated commands
//! send their operation and print through the one output layer (tables sized to their content, empty
//! lists said on standard error, secrets withheld, 404s naming what was asked for), and a closed
//! standard output ends a command quietly.

mod common;

use common::Server;
use serde_json::Value;

/// `operations --json`: one line per operation of the spec, each with its command, which exists.
#[test]
fn operations_lists_every_operation_with_its_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::run(
        common::cli_at(None, dir.path()),
        &["operations", "--json"],
        None,
        0,
    );
    let all: Value = serde_json::from_str(&out.stdout).unwrap();
    let lines = all.as_array().expect("one JSON array");
    assert_eq!(lines.len(), webshare::operations::ALL.len());
    for (line, operation) in lines.iter().zip(webshare::operations::ALL) {
        assert_eq!(line["operation"], operation.name);
        assert_eq!(line["method"], operation.method.as_str());
        assert_eq!(line["path"], operation.path);
        let command = line["command"].as_str().unwrap();
        let words: Vec<&str> = command.split(' ').skip(1).collect();
        // `--help` of the command parses: the command exists.
        let mut args = words.clone();
        args.push("--help");
        common::run(common::cli_at(None, dir.path()), &args, None, 0);
    }
    let human = common::run(common::cli_at(None, dir.path()), &["operations"], None, 0);
    assert!(human.stdout.contains("get_notification"));
    assert!(human.stdout.contains("webshare notifications show"));
}

/// A generated command sends its operation: a notification shown by id, a missing one named.
#[test]
fn generated_commands_send_and_name_what_is_missing() {
    let server = Server::start();
    let token = server.register();
    let out = server.run_with_key(&token, &["profile", "preferences", "--json"], None, 0);
    let preferences: Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(preferences.is_object(), "{}", out.stdout);
    let missing = server.run_with_key(&token, &["notifications", "show", "999999"], None, 1);
    assert!(
        missing.stderr.contains("no notification with id 999999"),
        "{}",
        missing.stderr
    );
    let json = server.run_with_key(
        &token,
        &["notifications", "show", "999999", "--json"],
        None,
        1,
    );
    let error: Value = serde_json::from_str(json.stderr.trim()).unwrap();
    assert_eq!(error["error"]["status"], 404);
}

/// Human output of a generated command: `key: value` lines, no Rust `Debug` forms, secrets withheld
/// unless `--show-secrets`.
#[test]
fn generated_output_is_sentences_with_secrets_withheld() {
    let server = Server::start();
    let token = server.register();
    let out = server.run_with_key(&token, &["proxy-config", "status"], None, 0);
    assert!(!out.stdout.contains("Some("), "{}", out.stdout);
    assert!(!out.stdout.contains("None"), "{}", out.stdout);
    let json = server.run_with_key(&token, &["proxy-config", "status", "--json"], None, 0);
    let status: Value = serde_json::from_str(&json.stdout).unwrap();
    if !status["password"].is_null() {
        assert_eq!(status["password"], "[redacted]");
        let shown = server.run_with_key(
            &token,
            &["proxy-config", "status", "--json", "--show-secrets"],
            None,
            0,
        );
        let shown: Value = serde_json::from_str(&shown.stdout).unwrap();
        assert_ne!(shown["password"], "[redacted]");
    }
}

/// An empty list says so on standard error and prints nothing on standard output; a full one is a
/// table whose columns line up whatever the width of their values.
#[test]
fn empty_lists_say_so_and_tables_line_up() {
    let server = Server::start();
    let token = server.register();
    let empty = server.run_with_key(&token, &["api-keys", "list"], None, 0);
    assert_eq!(empty.stdout, "");
    assert_eq!(empty.stderr.trim(), "No api keys.");
    for label in ["a", "a much longer label than the first"] {
        server.run_with_key(&token, &["api-keys", "create", "--label", label], None, 0);
    }
    let table = server.run_with_key(&token, &["api-keys", "list"], None, 0);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", table.stdout);
    assert!(lines[0].starts_with("ID"), "{}", table.stdout);
    let at = lines[0].find("LABEL").expect("a LABEL column");
    for line in &lines[1..] {
        assert_eq!(line.chars().nth(at - 1), Some(' '), "{}", table.stdout);
        assert_ne!(line.chars().nth(at), Some(' '), "{}", table.stdout);
    }
    assert!(!table.stdout.contains("Some("), "{}", table.stdout);
    let csv = server.run_with_key(&token, &["api-keys", "list", "--format", "csv"], None, 0);
    assert!(csv.stdout.starts_with("id,"), "{}", csv.stdout);
    assert_eq!(csv.stdout.lines().count(), 3, "{}", csv.stdout);
    assert!(!csv.stdout.contains(&token));
    let missing = server.run_with_key(&token, &["api-keys", "show", "999999"], None, 1);
    assert!(
        missing.stderr.contains("no api key with id 999999"),
        "{}",
        missing.stderr
    );
}

/// Standard output closed by its reader: the command ends quietly, with 141 (as a `SIGPIPE`).
#[test]
fn a_closed_standard_output_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("webshare"));
    command
        .args(["operations"])
        .env("WEBSHARE_CONFIG_DIR", dir.path())
        .stdout(writer)
        .stderr(std::process::Stdio::piped());
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(141), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

/// `proxy-url`: a proxy of the list by address, its password withheld unless asked for.
#[test]
fn proxy_url_prints_a_proxy_of_the_list() {
    let server = Server::start();
    let token = server.register();
    let list = server.run_with_key(
        &token,
        &["proxies", "list", "--json", "--show-passwords"],
        None,
        0,
    );
    let first: Value = serde_json::from_str(list.stdout.lines().next().unwrap()).unwrap();
    let address = first["proxy_address"].as_str().unwrap().to_owned();
    let password = first["password"].as_str().unwrap().to_owned();
    let out = server.run_with_key(&token, &["proxy-url", &address], None, 0);
    assert!(out.stdout.starts_with("http://"), "{}", out.stdout);
    assert!(out.stdout.contains(&address));
    common::assert_no_secret(&out.stdout, &[&password]);
    let shown = server.run_with_key(
        &token,
        &["proxy-url", &address, "--show-passwords"],
        None,
        0,
    );
    assert!(shown.stdout.contains(&password), "{}", shown.stdout);
}

/// The proxy list's table is sized to its content, and an empty list says so.
#[test]
fn the_proxy_table_lines_up_and_an_empty_list_says_so() {
    let server = Server::start();
    let token = server.register();
    let table = server.run_with_key(&token, &["proxies", "list", "--all"], None, 0);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(lines.len() > 2, "{}", table.stdout);
    let at = lines[0].find("ADDRESS").unwrap();
    for line in &lines[1..] {
        assert_eq!(line.chars().nth(at - 1), Some(' '), "{}", table.stdout);
        assert_ne!(line.chars().nth(at), Some(' '), "{}", table.stdout);
    }
    let empty = server.run_with_key(
        &token,
        &["proxies", "list", "--country-code-in", "ZZ", "--all"],
        None,
        0,
    );
    assert_eq!(empty.stdout, "");
    assert_eq!(empty.stderr.trim(), "No proxies.");
}
