//! The `webshare` binary against a started mock server: every subcommand, human and `--json` output,
//! exit codes, credentials, and proof that no secret reaches the output.

use assert_cmd::Command;
use webshare_mock_server::{
    Config, DEFAULT_SOCIAL_REDIRECT_URI as REDIRECT, EmailKind, MockServer,
};

const EMAIL: &str = "jane@example.com";
const PASSWORD: &str = "Cli-Test-Password-31";
const RECAPTCHA: &str = "cli-recaptcha-value";

/// A mock server kept running on its own runtime while the blocking CLI runs.
struct Server {
    server: MockServer,
    config_dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

impl Server {
    fn start() -> Self {
        Self::with(Config::default())
    }

    fn with(config: Config) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(MockServer::start_with(config));
        Self {
            server,
            config_dir: tempfile::tempdir().unwrap(),
            _runtime: runtime,
        }
    }

    /// `webshare` pointed at this server, with an empty config directory and no key in the environment.
    fn cli(&self) -> Command {
        let mut command = Command::cargo_bin("webshare").unwrap();
        command
            .env("WEBSHARE_BASE_URL", self.server.base_url())
            .env("WEBSHARE_CONFIG_DIR", self.config_dir.path())
            .env_remove("WEBSHARE_API_KEY");
        command
    }

    fn code(&self, kind: EmailKind) -> String {
        self.server
            .last_email(EMAIL, kind)
            .expect("an email")
            .token
            .expose()
            .to_owned()
    }

    /// Registers `EMAIL` and returns its token (printed with --show-token).
    fn register(&self) -> String {
        let out = self.run(
            &[
                "register",
                "--email",
                EMAIL,
                "--recaptcha",
                RECAPTCHA,
                "--accept-terms",
                "--password-stdin",
                "--show-token",
                "--json",
            ],
            Some(PASSWORD),
            0,
        );
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        json["token"].as_str().unwrap().to_owned()
    }

    fn run(&self, args: &[&str], stdin: Option<&str>, expected_code: i32) -> Output {
        let mut command = self.cli();
        command.args(args);
        if let Some(stdin) = stdin {
            command.write_stdin(format!("{stdin}\n"));
        }
        let output = command.output().unwrap();
        let out = Output {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        };
        assert_eq!(
            out.code, expected_code,
            "webshare {args:?}\nstdout:\n{}\nstderr:\n{}",
            out.stdout, out.stderr
        );
        out
    }
}

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Output {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

fn assert_no_secret(output: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !output.contains(secret),
            "secret {secret} leaked:\n{output}"
        );
    }
}

/// A snapshot with what changes run to run (ports, timestamps, durations, temporary paths) masked.
macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({filters => vec![
            (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"),
            (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", "[TIMESTAMP]"),
            (r"duration_ms=[0-9.]+", "duration_ms=[MS]"),
            (r"/tmp/\.tmp[A-Za-z0-9]+", "[CONFIG_DIR]"),
        ]}, {
            insta::assert_snapshot!($name, $value);
        });
    };
}

#[test]
fn register_human_and_json() {
    let server = Server::start();
    let out = server.run(
        &[
            "register",
            "--email",
            EMAIL,
            "--recaptcha",
            RECAPTCHA,
            "--accept-terms",
            "--password-stdin",
        ],
        Some(PASSWORD),
        0,
    );
    snapshot!("register_human", out.stdout);
    let out = server.run(
        &[
            "register",
            "--email",
            EMAIL,
            "--recaptcha",
            RECAPTCHA,
            "--accept-terms",
            "--password-stdin",
            "--json",
        ],
        Some(PASSWORD),
        0,
    );
    snapshot!("register_existing_json", out.stdout);
    assert_no_secret(&out.all(), &[PASSWORD, RECAPTCHA]);
}

#[test]
fn login_withholds_the_token_unless_asked_and_saves_it_privately() {
    let server = Server::start();
    let token = server.register();
    let out = server.run(
        &[
            "login",
            "--email",
            EMAIL,
            "--recaptcha",
            RECAPTCHA,
            "--password-stdin",
        ],
        Some(PASSWORD),
        0,
    );
    snapshot!("login_human", out.stdout);
    assert_no_secret(&out.all(), &[PASSWORD, RECAPTCHA, &token]);

    let out = server.run(
        &[
            "login",
            "--email",
            EMAIL,
            "--recaptcha",
            RECAPTCHA,
            "--password-stdin",
            "--json",
            "--save",
        ],
        Some(PASSWORD),
        0,
    );
    assert_eq!(out.stdout.trim(), r#"{"token":"[redacted]"}"#);
    let path = server.config_dir.path().join("credentials.json");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(saved["base_url"], server.server.base_url());
    assert_eq!(saved["api_key"].as_str().unwrap().len(), 40);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // The saved token is used when no key is given.
    let out = server.run(&["activation", "status", "--json"], None, 0);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out.stdout).unwrap()["email_is_verified"],
        false
    );

    let out = server.run(
        &[
            "login",
            "--email",
            EMAIL,
            "--recaptcha",
            RECAPTCHA,
            "--password-stdin",
            "--show-token",
        ],
        Some(PASSWORD),
        0,
    );
    let shown = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("Token: "))
        .expect("the token line");
    assert_eq!(shown.len(), 40);
}

#[test]
fn activation_status_resend_and_complete() {
    let server = Server::start();
    let token = server.register();
    let key = ["--api-key", token.as_str()];
    let out = server.run(&[&key[..], &["activation", "status"]].concat(), None, 0);
    snapshot!("activation_status_human", out.stdout);
    let out = server.run(
        &[&key[..], &["activation", "resend", "--json"]].concat(),
        None,
        0,
    );
    snapshot!("activation_resend_json", out.stdout);

    // Resending at once is rate limited: exit code 5, without waiting a minute.
    let out = server.run(&[&key[..], &["activation", "resend"]].concat(), None, 5);
    snapshot!("activation_resend_429", out.stderr);
    let out = server.run(
        &[&key[..], &["activation", "resend", "--json"]].concat(),
        None,
        5,
    );
    let error: serde_json::Value = serde_json::from_str(&out.stderr).unwrap();
    assert_eq!(error["error"]["kind"], "rate_limited");
    assert!(error["error"]["retry_after_seconds"].as_u64().unwrap() > 50);

    let code = server.code(EmailKind::Activation);
    let out = server.run(&["activation", "complete", "--code-stdin"], Some(&code), 0);
    snapshot!("activation_complete_human", out.stdout);
    assert_no_secret(&out.all(), &[&code, &token]);
    // A used code is a validation error.
    let out = server.run(&["activation", "complete", "--code-stdin"], Some(&code), 3);
    snapshot!("activation_complete_used_code", out.stderr);
}

#[test]
fn password_reset_and_completion() {
    let server = Server::start();
    let token = server.register();
    let out = server.run(
        &[
            "password",
            "reset",
            "--email",
            EMAIL,
            "--recaptcha",
            RECAPTCHA,
        ],
        None,
        0,
    );
    snapshot!("password_reset_human", out.stdout);
    let out = server.run(
        &[
            "password",
            "reset",
            "--email",
            "nobody@example.com",
            "--recaptcha",
            RECAPTCHA,
            "--json",
        ],
        None,
        0,
    );
    assert_eq!(out.stdout.trim(), "{}");

    let code = server.code(EmailKind::PasswordReset);
    let new_password = "Cli-New-Password-77";
    let out = server.run(
        &[
            "password",
            "reset-complete",
            "--recaptcha",
            RECAPTCHA,
            "--code-stdin",
            "--password-stdin",
        ],
        Some(&format!("{code}\n{new_password}")),
        0,
    );
    snapshot!("password_reset_complete_human", out.stdout);
    assert_no_secret(&out.all(), &[&code, new_password, &token]);
    // The old token was revoked: an authentication error.
    let out = server.run(&["--api-key", &token, "activation", "status"], None, 4);
    snapshot!("revoked_token", out.stderr);
}

#[test]
fn validation_errors_print_each_field() {
    let server = Server::start();
    let out = server.run(
        &[
            "register",
            "--email",
            "jane@example",
            "--recaptcha",
            RECAPTCHA,
            "--accept-terms",
            "--password-stdin",
        ],
        Some(PASSWORD),
        3,
    );
    snapshot!("client_side_validation", out.stderr);
    // Passes the client's checks, fails the server's: one line per field.
    let out = server.run(
        &[
            "register",
            "--email",
            "janedoe@example.com",
            "--recaptcha",
            RECAPTCHA,
            "--accept-terms",
            "--password-stdin",
        ],
        Some("password"),
        3,
    );
    snapshot!("server_field_errors", out.stderr);
    let out = server.run(
        &[
            "register",
            "--email",
            "janedoe@example.com",
            "--recaptcha",
            RECAPTCHA,
            "--accept-terms",
            "--password-stdin",
            "--json",
        ],
        Some("password"),
        3,
    );
    snapshot!("server_field_errors_json", out.stderr);
    let out = server.run(
        &[
            "login",
            "--email",
            EMAIL,
            "--recaptcha",
            RECAPTCHA,
            "--password-stdin",
        ],
        Some("Wrong-Password-99"),
        3,
    );
    snapshot!("wrong_credentials", out.stderr);
}

#[test]
fn a_rejected_recaptcha() {
    let server = Server::with(Config {
        recaptcha: Some("the-only-one".into()),
        ..Config::default()
    });
    let out = server.run(
        &[
            "login",
            "--email",
            EMAIL,
            "--recaptcha",
            "another",
            "--password-stdin",
        ],
        Some(PASSWORD),
        3,
    );
    assert!(
        out.stderr
            .contains("  recaptcha: Invalid recaptcha. Please try again."),
        "{}",
        out.stderr
    );
}

#[test]
fn credentials_and_configuration_errors() {
    let server = Server::start();
    let out = server.run(&["activation", "status"], None, 4);
    snapshot!("missing_credentials", out.stderr);
    let out = server.run(
        &[
            "--base-url",
            "not a url",
            "--api-key",
            "k",
            "activation",
            "status",
        ],
        None,
        2,
    );
    snapshot!("bad_base_url", out.stderr);
    let out = server.run(
        &[
            "--base-url",
            "http://example.com/api/v2",
            "--api-key",
            "k",
            "activation",
            "status",
        ],
        None,
        2,
    );
    assert!(
        out.stderr
            .contains("refusing to send an API token over plain http to example.com"),
        "{}",
        out.stderr
    );
    // Nothing listens on port 9: a transport error.
    let out = server.run(
        &[
            "--base-url",
            "http://127.0.0.1:9/api/v2",
            "--api-key",
            "k",
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
    // A corrupt credentials file is reported, not ignored.
    std::fs::write(server.config_dir.path().join("credentials.json"), "{oops").unwrap();
    let out = server.run(&["activation", "status"], None, 2);
    assert!(
        out.stderr.contains("is not a valid credentials file"),
        "{}",
        out.stderr
    );
    // Usage errors are clap's: exit code 2.
    server.run(&["register", "--email", EMAIL], None, 2);
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
    assert!(out2.stderr.contains(r#"operation="resend_activation" method="POST" path="/v2/activation/resend/" attempt=1 status=200"#), "{}", out2.stderr);
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

#[test]
fn social_register_and_login() {
    let server = Server::start();
    let code = server.server.mint_social_code("google", EMAIL);
    let register = [
        "social",
        "register",
        "--redirect-uri",
        REDIRECT,
        "--accept-terms",
        "--code-stdin",
    ];
    let out = server.run(&register, Some(&code), 0);
    snapshot!("social_register_human", out.stdout);
    assert_no_secret(&out.all(), &[&code]);
    // The code was used up.
    let out = server.run(&register, Some(&code), 3);
    assert!(
        out.stderr
            .contains("  code: Invalid or expired authorization code."),
        "{}",
        out.stderr
    );

    let code = server.server.mint_social_code("google", EMAIL);
    let out = server.run(
        &[
            "social",
            "login",
            "--redirect-uri",
            REDIRECT,
            "--code-stdin",
            "--json",
        ],
        Some(&code),
        0,
    );
    assert_eq!(out.stdout.trim(), r#"{"token":"[redacted]"}"#);
    let out = server.run(
        &[
            "social",
            "login",
            "--redirect-uri",
            "https://elsewhere.example/cb",
            "--code-stdin",
        ],
        Some("x"),
        3,
    );
    snapshot!("social_login_bad_redirect", out.stderr);
}

#[test]
fn password_change_email_change_and_logout() {
    let server = Server::start();
    let first = server.register();
    // Log in with --save: later commands use the saved token.
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
    let new_password = "Cli-Changed-Password-5";
    let out = server.run(
        &["password", "change", "--password-stdin"],
        Some(&format!("{PASSWORD}\n{new_password}")),
        0,
    );
    snapshot!("password_change_human", out.stdout);
    assert_no_secret(&out.all(), &[PASSWORD, new_password]);
    // Every other token stopped working; the saved one (used for the change) still works.
    server.run(&["--api-key", &first, "activation", "status"], None, 4);
    server.run(&["activation", "status"], None, 0);

    let new_email = "jane.new@example.com";
    let out = server.run(
        &[
            "email",
            "change",
            "--new-email",
            new_email,
            "--password-stdin",
        ],
        Some(new_password),
        0,
    );
    snapshot!("email_change_human", out.stdout);
    let code = server
        .server
        .last_email(new_email, EmailKind::EmailChange)
        .unwrap()
        .token
        .expose()
        .to_owned();
    let out = server.run(
        &["email", "change-complete", "--code-stdin"],
        Some(&code),
        0,
    );
    assert_eq!(out.stdout.trim(), "Email address changed.");
    server.run(
        &[
            "login",
            "--email",
            new_email,
            "--recaptcha",
            RECAPTCHA,
            "--password-stdin",
        ],
        Some(new_password),
        0,
    );

    let out = server.run(&["logout"], None, 0);
    snapshot!("logout_saved_token", out.stdout);
    assert!(!server.config_dir.path().join("credentials.json").exists());
    server.run(&["activation", "status"], None, 4);
}

#[test]
fn deleting_an_account() {
    let server = Server::start();
    let token = server.register();
    let key = ["--api-key", token.as_str()];
    let out = server.run(
        &[
            &key[..],
            &[
                "account",
                "delete",
                "--recaptcha",
                RECAPTCHA,
                "--password-stdin",
            ],
        ]
        .concat(),
        Some(PASSWORD),
        2,
    );
    snapshot!("delete_needs_yes", out.stderr);
    let out = server.run(
        &[
            &key[..],
            &[
                "account",
                "delete",
                "--recaptcha",
                RECAPTCHA,
                "--password-stdin",
                "--yes",
            ],
        ]
        .concat(),
        Some("Wrong-Password-1"),
        3,
    );
    assert!(
        out.stderr.contains("  password: Wrong password."),
        "{}",
        out.stderr
    );
    server.run(
        &[
            &key[..],
            &[
                "account",
                "delete",
                "--recaptcha",
                RECAPTCHA,
                "--password-stdin",
                "--yes",
            ],
        ]
        .concat(),
        Some(PASSWORD),
        0,
    );
    let out = server.run(&[&key[..], &["activation", "status"]].concat(), None, 4);
    snapshot!("deleted_account", out.stderr);
    let out = server.run(
        &[&key[..], &["activation", "status", "--json"]].concat(),
        None,
        4,
    );
    let error: serde_json::Value = serde_json::from_str(&out.stderr).unwrap();
    assert_eq!(error["error"]["code"], "account_deleted");

    // A social account is deleted with a fresh authorization code.
    let code = server
        .server
        .mint_social_code("google", "social@example.com");
    let out = server.run(
        &[
            "social",
            "register",
            "--redirect-uri",
            REDIRECT,
            "--accept-terms",
            "--code-stdin",
            "--show-token",
            "--json",
        ],
        Some(&code),
        0,
    );
    let social_token = serde_json::from_str::<serde_json::Value>(&out.stdout).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = server
        .server
        .mint_social_code("google", "social@example.com");
    server.run(
        &[
            "--api-key",
            &social_token,
            "account",
            "delete-social",
            "--redirect-uri",
            REDIRECT,
            "--code-stdin",
            "--yes",
        ],
        Some(&code),
        0,
    );
    server.run(
        &["--api-key", &social_token, "activation", "status"],
        None,
        4,
    );
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
        &["mock-server", "--help"],
        &["demo", "--help"],
        &["proxies", "--help"],
        &["proxies", "list", "--help"],
        &["proxies", "download", "--help"],
        &["proxy-config", "get", "--help"],
        &["ip-authorizations", "delete", "--help"],
        &["activity", "list", "--help"],
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

#[test]
fn proxy_commands_against_the_mock() {
    let server = Server::with(Config {
        proxies_per_plan: 30,
        activity_per_plan: 12,
        ..Config::default()
    });
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
    assert_eq!(out.stdout.lines().count(), 5, "{}", out.stdout);
    assert!(
        out.stdout
            .lines()
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

    // IP authorizations: 204, then 404 (exit 1).
    let id = server
        .server
        .authorize_ip(EMAIL, "10.9.8.7")
        .unwrap()
        .to_string();
    let deleted = with_key(&["ip-authorizations", "delete", &id], 0);
    assert!(
        deleted
            .stdout
            .contains(&format!("IP authorization {id} deleted."))
    );
    with_key(&["ip-authorizations", "delete", &id], 1);

    // Activity, through the cursor.
    let activity = with_key(&["activity", "list", "--all", "--page-size", "5"], 0);
    assert_eq!(activity.stdout.lines().count(), 12, "{}", activity.stdout);
    let bad_time = with_key(&["activity", "list", "--timestamp-lte", "yesterday"], 2);
    assert!(
        bad_time.stderr.contains("--timestamp-lte"),
        "{}",
        bad_time.stderr
    );
}
