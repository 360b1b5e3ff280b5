//! What every command of the `webshare` binary shares: help texts, shell completions and the manual
//! page, exit codes for missing credentials and bad configuration, `--verbose` logs, the `demo` and
//! `mock-server` subcommands, where a saved token may be sent and how the credentials file is written,
//! secrets from standard input (and the warning for a key on the command line), no secret in the output,
//! and no server text that can drive the terminal.
//!
//! Shared helpers: `common/mod.rs`; the few only these tests need (a fake HTTP server for answers the
//! mock server never gives) are here.

#[macro_use]
mod common;

use assert_cmd::Command;
use common::*;
use webshare_mock_server::{Config, EmailKind};

#[test]
fn credentials_and_configuration_errors() {
    let server = Server::start();
    let out = server.run(&["activation", "status"], None, 4);
    snapshot!("missing_credentials", out.stderr);
    let out = server.run_with_key(
        "k",
        &["--base-url", "not a url", "activation", "status"],
        None,
        2,
    );
    snapshot!("bad_base_url", out.stderr);
    let out = server.run_with_key(
        "k",
        &[
            "--base-url",
            "http://example.com/api/v2",
            "activation",
            "status",
        ],
        None,
        2,
    );
    assert!(
        out.stderr.contains("refusing to send")
            && out.stderr.contains("over plain http to example.com"),
        "{}",
        out.stderr
    );
    // Nothing listens on port 9: a transport error.
    let out = server.run_with_key(
        "k",
        &[
            "--base-url",
            "http://127.0.0.1:9/api/v2",
            "activation",
            "status",
        ],
        None,
        6,
    );
    assert!(
        out.stderr.starts_with("error: could not reach the server"),
        "{}",
        out.stderr
    );
    // A password is never taken from a non-terminal without --password-stdin.
    let out = server.run(
        &["login", "--email", EMAIL, "--recaptcha", RECAPTCHA],
        None,
        2,
    );
    snapshot!("no_terminal_for_password", out.stderr);
    // ... nor a recaptcha token without --recaptcha or --recaptcha-stdin.
    let out = server.run(&["password", "reset", "--email", EMAIL], None, 2);
    assert!(
        out.stderr.starts_with(
            "error: the recaptcha token is read from a prompt, but standard input is not a terminal"
        ),
        "{}",
        out.stderr
    );
    // Usage errors are clap's: exit code 2.
    server.run(&["register", "--recaptcha", RECAPTCHA], None, 2);
    let out = server.run(
        &[
            "login",
            "--email",
            EMAIL,
            "--recaptcha",
            RECAPTCHA,
            "--recaptcha-stdin",
        ],
        None,
        2,
    );
    assert!(out.stderr.contains("cannot be used with"), "{}", out.stderr);
}

#[test]
fn verbose_logs_requests_without_secrets() {
    let server = Server::start();
    let token = server.register();
    let out = server.run(
        &[
            "--verbose",
            "login",
            "--email",
            EMAIL,
            "--recaptcha",
            RECAPTCHA,
            "--password-stdin",
            "--save",
        ],
        Some(PASSWORD),
        0,
    );
    snapshot!("verbose_login_stderr", out.stderr);
    let saved = std::fs::read_to_string(server.config_dir.path().join("credentials.json")).unwrap();
    let saved: serde_json::Value = serde_json::from_str(&saved).unwrap();
    let out2 = server.run(&["-v", "activation", "resend"], None, 0);
    assert!(
        out2.stderr.lines().any(|line| line.contains(
            r#"webshare.operation="resend_activation" http.request.method="POST" url.template="/v2/activation/resend/" server.address="127.0.0.1" webshare.request_id="mock-"#
        ) && line.contains(r#"" http.response.status_code=200"#)),
        "{}",
        out2.stderr
    );
    assert_no_secret(
        &format!("{}{}", out.all(), out2.all()),
        &[
            PASSWORD,
            RECAPTCHA,
            &token,
            saved["api_key"].as_str().unwrap(),
        ],
    );
}

#[test]
fn the_demo_walks_the_whole_flow() {
    let out = Command::cargo_bin("webshare")
        .unwrap()
        .arg("demo")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    snapshot!("demo", stdout);
}

fn help(args: &[&str]) -> String {
    let out = Command::cargo_bin("webshare")
        .unwrap()
        .args(args)
        .env_remove("WEBSHARE_BASE_URL")
        .env_remove("WEBSHARE_API_KEY")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The about line (the first line) of `webshare <args> --help`, and the subcommands it lists.
fn about_and_subcommands(args: &[&str]) -> (String, Vec<String>) {
    let mut with_help = args.to_vec();
    with_help.push("--help");
    let text = help(&with_help);
    let about = text.lines().next().unwrap_or_default().to_owned();
    let subcommands = text
        .lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect();
    (about, subcommands)
}

#[test]
fn help_texts() {
    for args in [
        &["--help"][..],
        &["register", "--help"],
        &["login", "--help"],
        &["password", "--help"],
        &["password", "reset", "--help"],
        &["password", "reset-complete", "--help"],
        &["activation", "--help"],
        &["activation", "status", "--help"],
        &["activation", "resend", "--help"],
        &["activation", "complete", "--help"],
        &["social", "--help"],
        &["social", "register", "--help"],
        &["social", "login", "--help"],
        &["password", "change", "--help"],
        &["email", "--help"],
        &["email", "change", "--help"],
        &["email", "change-complete", "--help"],
        &["account", "--help"],
        &["account", "delete", "--help"],
        &["account", "delete-social", "--help"],
        &["logout", "--help"],
        &["operations", "--help"],
        &["proxy-url", "--help"],
        &["mock-server", "--help"],
        &["demo", "--help"],
        &["proxies", "--help"],
        &["proxies", "list", "--help"],
        &["proxies", "download", "--help"],
        &["proxies", "refresh", "--help"],
        &["proxy-config", "--help"],
        &["proxy-config", "get", "--help"],
        &["proxy-config", "set", "--help"],
        &["ip-auth", "--help"],
        &["ip-auth", "add", "--help"],
        &["ip-auth", "remove", "--help"],
        &["ip-auth", "show", "--help"],
        &["download-token", "--help"],
        &["download-token", "reset", "--help"],
        &["stats", "--help"],
        &["stats", "hourly", "--help"],
        &["activity", "--help"],
        &["activity", "download", "--help"],
        &["activity", "list", "--help"],
        &["replace", "--help"],
        &["replacements", "--help"],
        &["replacements", "download", "--help"],
        &["plans", "--help"],
        &["api-keys", "--help"],
        &["api-keys", "create", "--help"],
        &["subusers", "--help"],
        &["subusers", "create", "--help"],
        &["profile", "--help"],
        &["profile", "show", "--help"],
        &["profile", "update", "--help"],
        &["notifications", "--help"],
        &["notifications", "list", "--help"],
        &["subscription", "--help"],
        &["subscription", "buy", "--help"],
        &["billing", "--help"],
        &["payments", "--help"],
        &["payments", "methods", "--help"],
        &["payments", "pending", "--help"],
        &["payments", "transactions", "--help"],
        &["invoices", "--help"],
        &["invoices", "download", "--help"],
        &["referral", "--help"],
        &["referral", "coupon", "--help"],
        &["referral", "credits", "--help"],
        &["referral", "earnouts", "--help"],
        &["verification", "--help"],
        &["verification", "evidence", "--help"],
        &["verification", "flows", "--help"],
        &["verification", "appeals", "--help"],
        &["id-verification", "--help"],
        &["2fa", "--help"],
        &["2fa", "status", "--help"],
        &["2fa", "enable", "--help"],
        &["2fa", "verify", "--help"],
    ] {
        let name =
            format!("help_{}", args[..args.len() - 1].join("_")).replace("help_$", "help_root");
        let name = if name == "help_" {
            "help_root".to_owned()
        } else {
            name
        };
        insta::assert_snapshot!(name, help(args));
    }

    // Every group of the tree, generated or hand-written, says what it is for: none is left with the
    // fallback of `placement::group_about`.
    let mut groups = vec![Vec::<String>::new()];
    let mut walked = 0;
    while let Some(path) = groups.pop() {
        let args: Vec<&str> = path.iter().map(String::as_str).collect();
        let (about, subcommands) = about_and_subcommands(&args);
        if subcommands.is_empty() {
            continue;
        }
        walked += 1;
        assert_ne!(
            about,
            "Operations of the API.",
            "webshare {}",
            path.join(" ")
        );
        for subcommand in subcommands {
            let mut deeper = path.clone();
            deeper.push(subcommand);
            groups.push(deeper);
        }
    }
    assert!(walked > 20, "only {walked} groups");
}

#[test]
fn mock_server_subcommand_serves_the_api() {
    use std::io::{BufRead, BufReader};
    let binary = assert_cmd::cargo::cargo_bin("webshare");
    let mut child = std::process::Command::new(binary)
        .args(["mock-server", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base_url = line.trim().to_owned();
    assert!(
        base_url.starts_with("http://127.0.0.1:") && base_url.ends_with("/api"),
        "{base_url}"
    );
    // Another `webshare` talks to it: the 204 and its sentence prove a real answer.
    let accepted = Command::cargo_bin("webshare")
        .unwrap()
        .args([
            "--base-url",
            &base_url,
            "password",
            "reset",
            "--email",
            "nobody@example.com",
            "--recaptcha",
            "r",
        ])
        .env_remove("WEBSHARE_API_KEY")
        .output()
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(accepted.status.code(), Some(0), "{accepted:?}");
    assert_eq!(
        String::from_utf8(accepted.stdout).unwrap().trim(),
        "If nobody@example.com has an account, a password reset email is on its way."
    );
}

/// A tiny HTTP/1.1 server on a thread, for answers the mock server never gives: each request gets what
/// `answer` returns for its request line (e.g. `GET /api/v2/activation/ HTTP/1.1`), and the request
/// lines are recorded.
struct FakeServer {
    base_url: String,
    requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl FakeServer {
    fn start(answer: impl Fn(&str) -> String + Send + 'static) -> Self {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                let mut content_length = 0;
                let mut first = true;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if first {
                        request_line = line.trim_end().to_owned();
                        first = false;
                    }
                    if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        content_length = value.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; content_length];
                let _ = reader.read_exact(&mut body);
                seen.lock().unwrap().push(request_line.clone());
                let _ = stream.write_all(answer(&request_line).as_bytes());
            }
        });
        Self {
            base_url: format!("http://{address}/api"),
            requests,
        }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// A whole HTTP response with a JSON (or any) body; the connection closes after it.
fn http_response(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Logs in to `server` with --save, and returns the saved token.
fn login_and_save(server: &Server) -> String {
    server.run(
        &[
            "login",
            "--email",
            EMAIL,
            "--recaptcha",
            RECAPTCHA,
            "--password-stdin",
            "--save",
        ],
        Some(PASSWORD),
        0,
    );
    let saved = std::fs::read_to_string(server.config_dir.path().join("credentials.json")).unwrap();
    serde_json::from_str::<serde_json::Value>(&saved).unwrap()["api_key"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `http://127.0.0.1:PORT/api` → `127.0.0.1:PORT`.
fn host_of(base_url: &str) -> &str {
    base_url
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .split('/')
        .next()
        .unwrap()
}

#[test]
fn a_saved_token_is_sent_only_to_the_base_url_it_was_saved_for() {
    let saved_for = Server::start();
    saved_for.register();
    let token = login_and_save(&saved_for);
    // Another server, with the first one's config directory (so its saved token).
    let other = Server::start();
    let at_other = |args: &[&str], code: i32| {
        run(
            cli_at(Some(other.server.base_url()), saved_for.config_dir.path()),
            args,
            None,
            code,
        )
    };
    let out = at_other(&["activation", "status"], 2);
    assert!(
        out.stderr
            .starts_with("error: the saved token was saved for "),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(host_of(saved_for.server.base_url())));
    assert!(out.stderr.contains(host_of(other.server.base_url())));
    assert!(out.stderr.contains("--use-saved-key-for-other-url"));
    assert_no_secret(&out.all(), &[&token]);
    // With --json too: a usage error.
    let out = at_other(&["--json", "activation", "status"], 2);
    let error: serde_json::Value = serde_json::from_str(&out.stderr).unwrap();
    assert_eq!(error["error"]["kind"], "usage");
    assert_no_secret(&out.all(), &[&token]);
    // Commands without a key work there.
    at_other(
        &[
            "password",
            "reset",
            "--email",
            EMAIL,
            "--recaptcha",
            RECAPTCHA,
        ],
        0,
    );
    // Said explicitly, the token is sent: the other server does not know it (exit code 4).
    let out = at_other(
        &["--use-saved-key-for-other-url", "activation", "status"],
        4,
    );
    assert!(out.stderr.contains("not authenticated"), "{}", out.stderr);
    // The same URL with a trailing slash is the same URL.
    let slash = format!("{}/", saved_for.server.base_url());
    run(
        cli_at(Some(&slash), saved_for.config_dir.path()),
        &["activation", "status"],
        None,
        0,
    );
    // No base URL given: the saved one.
    run(
        cli_at(None, saved_for.config_dir.path()),
        &["activation", "status"],
        None,
        0,
    );
}

#[test]
fn an_explicit_key_goes_to_the_production_url_not_to_the_saved_one() {
    let saved_for = Server::start();
    let token = saved_for.register();
    login_and_save(&saved_for);
    // Stands in for the network: an HTTPS proxy that refuses every tunnel, and records where to.
    let proxy = FakeServer::start(|_| http_response("403 Forbidden", "text/plain", ""));
    let production = webshare::DEFAULT_BASE_URL
        .trim_start_matches("https://")
        .split('/')
        .next()
        .unwrap();
    let mut command = cli_at(None, saved_for.config_dir.path());
    command
        .env("WEBSHARE_API_KEY", &token)
        .env("HTTPS_PROXY", &proxy.base_url)
        .env("https_proxy", &proxy.base_url);
    // The key is valid at the saved URL; it was not sent there, but towards the production API.
    let out = run(command, &["activation", "status"], None, 6);
    let requests = proxy.requests();
    assert!(!requests.is_empty(), "{}", out.stderr);
    assert!(
        requests
            .iter()
            .all(|r| r.starts_with(&format!("CONNECT {production}:443 "))),
        "{requests:?}"
    );
    assert_no_secret(&format!("{}{requests:?}", out.all()), &[&token]);
}

#[test]
fn the_credentials_file_is_replaced_whole_and_never_through_a_symlink() {
    let server = Server::start();
    server.register();
    let path = server.config_dir.path().join("credentials.json");
    let login_save = |code: i32| {
        server.run(
            &[
                "login",
                "--email",
                EMAIL,
                "--recaptcha",
                RECAPTCHA,
                "--password-stdin",
                "--save",
            ],
            Some(PASSWORD),
            code,
        )
    };

    // A corrupt file (here a lone token-like string) blocks the commands that need it, without
    // quoting it, and tells what to do.
    std::fs::write(&path, "\"corrupt-secret-value\"").unwrap();
    let out = server.run(&["activation", "status"], None, 2);
    assert!(
        out.stderr.contains("is not a valid credentials file"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("run `webshare login --save` to replace it, or delete it"),
        "{}",
        out.stderr
    );
    assert_no_secret(&out.all(), &["corrupt-secret-value"]);
    // An explicit key does not need the file.
    let token = server.register();
    server.run_with_key(&token, &["activation", "status"], None, 0);
    // `login --save` replaces it, with a private file.
    let out = login_save(0);
    assert_no_secret(&out.all(), &["corrupt-secret-value"]);
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(saved["base_url"], server.server.base_url());
    server.run(&["activation", "status"], None, 0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A file another version left readable is replaced by a private one.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        login_save(0);
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        // Only the credentials file is left: no temporary file.
        let names: Vec<_> = std::fs::read_dir(server.config_dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["credentials.json"]);

        // A symlink in its place is refused: the file it points to is not written.
        let victim = server.config_dir.path().join("victim.txt");
        std::fs::write(&victim, "not yours").unwrap();
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        let out = login_save(2);
        assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "not yours");
        assert!(
            std::fs::symlink_metadata(&path)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}

#[test]
fn every_secret_can_come_from_standard_input() {
    // Only RECAPTCHA passes: proof that each command read the right line.
    let server = Server::with(Config::default().recaptcha(RECAPTCHA));
    let out = server.run(
        &[
            "register",
            "--email",
            EMAIL,
            "--accept-terms",
            "--password-stdin",
            "--recaptcha-stdin",
        ],
        Some(&format!("{PASSWORD}\n{RECAPTCHA}")),
        0,
    );
    assert_no_secret(&out.all(), &[PASSWORD, RECAPTCHA]);
    // The order is fixed: the password, then the recaptcha token.
    let login = [
        "login",
        "--email",
        EMAIL,
        "--password-stdin",
        "--recaptcha-stdin",
    ];
    let out = server.run(&login, Some(&format!("{PASSWORD}\n{RECAPTCHA}")), 0);
    assert_eq!(
        out.stdout.lines().next(),
        Some("Logged in as jane@example.com.")
    );
    assert_no_secret(&out.all(), &[PASSWORD, RECAPTCHA]);
    let out = server.run(&login, Some(&format!("{RECAPTCHA}\n{PASSWORD}")), 3);
    assert_no_secret(&out.all(), &[PASSWORD, RECAPTCHA]);
    let out = server.run(&login, Some(PASSWORD), 2);
    assert!(
        out.stderr
            .contains("standard input ended before the recaptcha token"),
        "{}",
        out.stderr
    );

    server.run(
        &["password", "reset", "--email", EMAIL, "--recaptcha-stdin"],
        Some(RECAPTCHA),
        0,
    );
    let code = server.code(EmailKind::PasswordReset);
    let new_password = "Cli-Stdin-Password-42";
    // The code, then the new password, then the recaptcha token.
    let out = server.run(
        &[
            "password",
            "reset-complete",
            "--recaptcha-stdin",
            "--password-stdin",
            "--code-stdin",
        ],
        Some(&format!("{code}\n{new_password}\n{RECAPTCHA}")),
        0,
    );
    assert_no_secret(&out.all(), &[&code, new_password, RECAPTCHA]);
    server.run(&login, Some(&format!("{new_password}\n{RECAPTCHA}")), 0);
}

#[test]
fn an_api_key_on_the_command_line_warns_and_the_environment_does_not() {
    let server = Server::start();
    let token = server.register();
    const WARNING: &str = "warning: --api-key on the command line is visible to other local users \
                           in the process list; prefer WEBSHARE_API_KEY or `webshare login --save`\n";
    // Before or after the subcommand.
    for args in [
        &["--api-key", token.as_str(), "activation", "status"][..],
        &["activation", "status", "--api-key", token.as_str()],
    ] {
        let out = server.run(args, None, 0);
        assert_eq!(out.stderr, WARNING);
        assert_no_secret(&out.all(), &[&token]);
    }
    // With --json, the warning is a JSON line of its own.
    let out = server.run(
        &[
            "--json",
            "--api-key",
            token.as_str(),
            "activation",
            "status",
        ],
        None,
        0,
    );
    let warning: serde_json::Value = serde_json::from_str(&out.stderr).unwrap();
    assert!(
        warning["warning"]
            .as_str()
            .unwrap()
            .starts_with("--api-key on the command line")
    );
    let out = server.run_with_key(&token, &["activation", "status"], None, 0);
    assert_eq!(out.stderr, "");
    // Both: the command line wins, and warns.
    let mut command = server.cli();
    command.env("WEBSHARE_API_KEY", "not-the-key");
    let out = run(
        command,
        &["--api-key", token.as_str(), "activation", "status"],
        None,
        0,
    );
    assert_eq!(out.stderr, WARNING);
}

#[test]
fn text_from_the_server_cannot_drive_the_terminal() {
    // Clear the screen, retitle the window, ring the bell; and a C1 control (CSI).
    const NASTY: &str = r"\u001b[2J\u001b]0;owned\u0007\u009b31m";
    const SHOWN: &str = r"\u{1b}[2J\u{1b}]0;owned\u{7}\u{9b}31m";
    let server = FakeServer::start(|request| {
        let json = |status, body: String| http_response(status, "application/json", &body);
        let path = request.split(' ').nth(1).unwrap_or_default();
        if path.starts_with("/api/v2/activation/resend/") {
            json(
                "403 Forbidden",
                format!(r#"{{"code": "odd{NASTY}", "detail": "No.{NASTY}"}}"#),
            )
        } else if path.starts_with("/api/v2/activation/") {
            json(
                "401 Unauthorized",
                format!(r#"{{"detail": "Invalid token.{NASTY}"}}"#),
            )
        } else if path.starts_with("/api/v3/proxy/config") {
            json(
                "503 Service Unavailable",
                format!(r#"{{"detail": "Down.{NASTY}"}}"#),
            )
        } else if path.starts_with("/api/v2/login/") {
            json(
                "400 Bad Request",
                format!(
                    r#"{{"non_field_errors": ["Wrong.{NASTY}"], "password{NASTY}": ["Too short.{NASTY}"]}}"#
                ),
            )
        } else if path.starts_with("/api/v2/proxy/list/") {
            json(
                "200 OK",
                format!(
                    r#"{{"count": 1, "next": null, "previous": null, "results": [{{"id": "p1{NASTY}",
                    "proxy_address": "10.0.0.1", "port": 8080, "username": "user{NASTY}",
                    "password": "pw", "country_code": "US", "city_name": "Paris{NASTY}",
                    "created_at": null, "last_verification": null, "valid": true}}]}}"#
                ),
            )
        } else if path.starts_with("/api/v2/notification/") {
            // A generated command's answer: text in values, and in keys (`context` is free-form).
            let notification = format!(
                r#"{{"id": 7, "type": "odd{NASTY}", "is_dismissable": true, "created_at": null,
                "dismissed_at": null, "updated_at": null,
                "context": {{"plan{NASTY}": "p{NASTY}", "nested": {{"key{NASTY}": ["v{NASTY}"]}}}}}}"#
            );
            let body = if path == "/api/v2/notification/7/" {
                notification
            } else {
                format!(
                    r#"{{"count": 1, "next": null, "previous": null, "results": [{notification}]}}"#
                )
            };
            json("200 OK", body)
        } else {
            // Not JSON: the raw text, with a raw escape byte, is the detail. (A 409: the detail of a
            // 404 is replaced by what was asked for.)
            http_response("409 Conflict", "text/plain", "Nothing here.\u{1b}[2J\u{7}")
        }
    });
    let config_dir = tempfile::tempdir().unwrap();
    let webshare = |args: &[&str], stdin: Option<&str>, code: i32| {
        let mut command = cli_at(Some(&server.base_url), config_dir.path());
        command.env("WEBSHARE_API_KEY", "a-key");
        run(command, args, stdin, code)
    };
    let raw = |out: &Output| {
        let all = out.all();
        assert!(
            !all.chars().any(|c| c.is_control() && c != '\n'),
            "a raw control character reached the terminal: {all:?}"
        );
    };

    let out = webshare(&["activation", "status"], None, 4);
    raw(&out);
    assert!(
        out.stderr.contains(&format!("Invalid token.{SHOWN}")),
        "{}",
        out.stderr
    );
    let out = webshare(&["activation", "resend"], None, 4);
    raw(&out);
    assert!(
        out.stderr.contains(&format!("odd{SHOWN}")),
        "{}",
        out.stderr
    );
    let login = [
        "login",
        "--email",
        EMAIL,
        "--recaptcha",
        RECAPTCHA,
        "--password-stdin",
    ];
    let out = webshare(&login, Some(PASSWORD), 3);
    raw(&out);
    assert_eq!(
        out.stderr,
        format!(
            "error: the server rejected the request\n  Wrong.{SHOWN}\n  password{SHOWN}: Too short.{SHOWN}\n"
        )
    );
    let out = webshare(&["ip-auth", "remove", "5"], None, 1);
    raw(&out);
    assert!(
        out.stderr.contains(r"Nothing here.\u{1b}[2J\u{7}"),
        "{}",
        out.stderr
    );
    // The generated commands' output layer: `key: value` lines (keys of a free-form object too), an
    // aligned table, CSV.
    let out = webshare(&["notifications", "show", "7"], None, 0);
    raw(&out);
    for line in [
        format!("type: odd{SHOWN}"),
        format!("context.plan{SHOWN}: p{SHOWN}"),
        format!("context.nested.key{SHOWN}: v{SHOWN}"),
    ] {
        let (key, value) = line.split_once(": ").unwrap();
        assert!(
            out.stdout
                .lines()
                .any(|l| l.starts_with(&format!("{key}:")) && l.ends_with(&format!(" {value}"))),
            "no `{line}` in:\n{}",
            out.stdout
        );
    }
    let out = webshare(&["notifications", "list"], None, 0);
    raw(&out);
    assert!(out.stdout.starts_with("ID "), "{}", out.stdout);
    assert!(
        out.stdout.contains(&format!("odd{SHOWN}")),
        "{}",
        out.stdout
    );
    let out = webshare(&["notifications", "list", "--format", "csv"], None, 0);
    raw(&out);
    assert!(
        out.stdout.contains(&format!(",odd{SHOWN},")),
        "{}",
        out.stdout
    );
    // A proxy's URL: the server's username is percent-encoded.
    let out = webshare(&["proxy-url", "10.0.0.1"], None, 0);
    raw(&out);
    assert!(
        out.stdout.starts_with("http://user%1B%5B2J"),
        "{}",
        out.stdout
    );
    // Retried, and each retry logged with --verbose.
    let out = webshare(&["-v", "proxy-config", "get", "--plan-id", "1"], None, 1);
    raw(&out);
    assert!(out.stderr.contains("retrying"), "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("Down.{SHOWN}")),
        "{}",
        out.stderr
    );
    let out = webshare(&["proxies", "list", "--mode", "direct"], None, 0);
    raw(&out);
    assert!(
        out.stdout.contains(&format!("Paris{SHOWN}")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!("user{SHOWN}")),
        "{}",
        out.stdout
    );

    // JSON: serde escapes control characters; parsed back, the server's text is intact.
    let mut json_login = login.to_vec();
    json_login.push("--json");
    let out = webshare(&json_login, Some(PASSWORD), 3);
    raw(&out);
    let error: serde_json::Value = serde_json::from_str(&out.stderr).unwrap();
    assert_eq!(
        error["error"]["non_field_errors"][0],
        "Wrong.\u{1b}[2J\u{1b}]0;owned\u{7}\u{9b}31m"
    );
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Too short.\u{1b}[2J")
    );
    let out = webshare(&["--json", "activation", "status"], None, 4);
    raw(&out);
    let out = webshare(&["--json", "proxies", "list", "--mode", "direct"], None, 0);
    raw(&out);
    let proxy: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        proxy["city_name"],
        "Paris\u{1b}[2J\u{1b}]0;owned\u{7}\u{9b}31m"
    );
    let out = webshare(&["--json", "notifications", "show", "7"], None, 0);
    raw(&out);
    let notification: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        notification["context"]["plan\u{1b}[2J\u{1b}]0;owned\u{7}\u{9b}31m"],
        "p\u{1b}[2J\u{1b}]0;owned\u{7}\u{9b}31m"
    );
}

#[test]
fn completions_and_the_manual_page_are_generated_offline() {
    let dir = tempfile::tempdir().unwrap();
    // No server anywhere: nothing is sent.
    let run = |args: &[&str]| {
        cli_at(Some("http://127.0.0.1:9/api"), dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    let bash = run(&["completions", "bash"]);
    assert!(bash.status.success());
    let script = String::from_utf8(bash.stdout).unwrap();
    assert!(script.contains("_webshare()"), "{script}");
    // Subcommands and their flags are in it.
    assert!(script.contains("proxies") && script.contains("--mode"));
    for (shell, marker) in [
        ("zsh", "#compdef webshare"),
        ("fish", "complete -c webshare"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[webshare]"),
    ] {
        let out = run(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(marker),
            "{shell}"
        );
    }
    let unknown = run(&["completions", "tcsh"]);
    assert_eq!(unknown.status.code(), Some(2));
    let man = run(&["man"]);
    assert!(man.status.success());
    let page = String::from_utf8(man.stdout).unwrap();
    assert!(page.contains(".TH webshare 1"), "{page}");
    assert!(
        page.contains("mock\\-server") || page.contains("mock-server"),
        "{page}"
    );
}
