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
        cli_at(Some(self.server.base_url()), self.config_dir.path())
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
        run(self.cli(), args, stdin, expected_code)
    }

    /// Runs with `key` in WEBSHARE_API_KEY (not on the command line, which warns).
    fn run_with_key(
        &self,
        key: &str,
        args: &[&str],
        stdin: Option<&str>,
        expected_code: i32,
    ) -> Output {
        let mut command = self.cli();
        command.env("WEBSHARE_API_KEY", key);
        run(command, args, stdin, expected_code)
    }

    /// Masks the config directory's path in snapshots, wherever the platform puts temporary files.
    fn path_filters(&self) -> Vec<(String, String)> {
        let dir = self.config_dir.path().to_str().unwrap();
        vec![(regex_escape(dir), "[CONFIG_DIR]".to_owned())]
    }
}

/// `webshare` with `base_url` (none: the variable is removed), `config_dir`, no key in the environment
/// and no proxy settings.
fn cli_at(base_url: Option<&str>, config_dir: &std::path::Path) -> Command {
    let mut command = Command::cargo_bin("webshare").unwrap();
    match base_url {
        Some(url) => command.env("WEBSHARE_BASE_URL", url),
        None => command.env_remove("WEBSHARE_BASE_URL"),
    };
    command
        .env("WEBSHARE_CONFIG_DIR", config_dir)
        .env_remove("WEBSHARE_API_KEY");
    for proxy in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        command.env_remove(proxy);
    }
    command
}

/// Runs `command` with `args` and `stdin` (a newline added) and checks its exit code.
fn run(mut command: Command, args: &[&str], stdin: Option<&str>, expected_code: i32) -> Output {
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

/// `text` as a regular expression that matches only itself.
fn regex_escape(text: &str) -> String {
    let mut escaped = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
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

/// A snapshot with what changes run to run (ports, timestamps, durations) masked, and more filters
/// (e.g. [`Server::path_filters`]) when given.
macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        snapshot!($name, $value, Vec::<(String, String)>::new())
    };
    ($name:expr, $value:expr, $more:expr) => {{
        let mut filters: Vec<(String, String)> = [
            (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"),
            (
                r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)",
                "[TIMESTAMP]",
            ),
            (r"duration_ms=[0-9.]+", "duration_ms=[MS]"),
        ]
        .into_iter()
        .map(|(regex, replacement)| (regex.to_owned(), replacement.to_owned()))
        .collect();
        filters.extend($more);
        let filters: Vec<(&str, &str)> = filters
            .iter()
            .map(|(regex, replacement)| (regex.as_str(), replacement.as_str()))
            .collect();
        insta::with_settings!({filters => filters}, {
            insta::assert_snapshot!($name, $value);
        });
    }};
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
    let out = server.run_with_key(&token, &["activation", "status"], None, 0);
    snapshot!("activation_status_human", out.stdout);
    let out = server.run_with_key(&token, &["activation", "resend", "--json"], None, 0);
    snapshot!("activation_resend_json", out.stdout);

    // Resending at once is rate limited: exit code 5, without waiting a minute. The wait counts down
    // (the mock rounds what is left of its minute), so the snapshot masks the number and it is checked
    // here: at most the minute, and not much less.
    let out = server.run_with_key(&token, &["activation", "resend"], None, 5);
    let seconds: u64 = out
        .stderr
        .strip_prefix("error: rate limited: wait ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no wait in {:?}", out.stderr));
    assert!((50..=60).contains(&seconds), "{}", out.stderr);
    snapshot!(
        "activation_resend_429",
        out.stderr,
        [(r"wait \d+ s".to_owned(), "wait [SECONDS] s".to_owned())]
    );
    let out = server.run_with_key(&token, &["activation", "resend", "--json"], None, 5);
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
    let out = server.run_with_key(&token, &["activation", "status"], None, 4);
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
    let server = Server::with(Config::default().recaptcha("the-only-one"));
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
    snapshot!("logout_saved_token", out.stdout, server.path_filters());
    assert!(!server.config_dir.path().join("credentials.json").exists());
    server.run(&["activation", "status"], None, 4);
}

#[test]
fn deleting_an_account() {
    // Only RECAPTCHA passes: proof that the token read from standard input is the right line.
    let server = Server::with(Config::default().recaptcha(RECAPTCHA));
    let token = server.register();
    let out = server.run_with_key(
        &token,
        &[
            "account",
            "delete",
            "--recaptcha",
            RECAPTCHA,
            "--password-stdin",
        ],
        Some(PASSWORD),
        2,
    );
    snapshot!("delete_needs_yes", out.stderr);
    let out = server.run_with_key(
        &token,
        &[
            "account",
            "delete",
            "--recaptcha",
            RECAPTCHA,
            "--password-stdin",
            "--yes",
        ],
        Some("Wrong-Password-1"),
        3,
    );
    assert!(
        out.stderr.contains("  password: Wrong password."),
        "{}",
        out.stderr
    );
    // The password, then the recaptcha token, from standard input.
    let out = server.run_with_key(
        &token,
        &[
            "account",
            "delete",
            "--password-stdin",
            "--recaptcha-stdin",
            "--yes",
        ],
        Some(&format!("{PASSWORD}\n{RECAPTCHA}")),
        0,
    );
    assert_no_secret(&out.all(), &[PASSWORD, RECAPTCHA, &token]);
    let out = server.run_with_key(&token, &["activation", "status"], None, 4);
    snapshot!("deleted_account", out.stderr);
    let out = server.run_with_key(&token, &["activation", "status", "--json"], None, 4);
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
        &["ip-auth", "--help"],
        &["ip-auth", "add", "--help"],
        &["ip-auth", "remove", "--help"],
        &["download-token", "reset", "--help"],
        &["stats", "hourly", "--help"],
        &["proxies", "refresh", "--help"],
        &["proxy-config", "set", "--help"],
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
        &["notifications", "list", "--help"],
        &["subscription", "--help"],
        &["subscription", "buy", "--help"],
        &["payments", "--help"],
        &["invoices", "download", "--help"],
        &["referral", "--help"],
        &["verification", "--help"],
        &["verification", "evidence", "--help"],
        &["id-verification", "--help"],
        &["2fa", "--help"],
        &["2fa", "enable", "--help"],
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
        } else {
            // Not JSON: the raw text, with a raw escape byte, is the detail.
            http_response("404 Not Found", "text/plain", "Nothing here.\u{1b}[2J\u{7}")
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

/// A login that reads the password, then (if asked) the two-factor code, from standard input.
const TWO_FACTOR_LOGIN: [&str; 9] = [
    "login",
    "--email",
    EMAIL,
    "--recaptcha",
    RECAPTCHA,
    "--password-stdin",
    "--code-stdin",
    "--show-token",
    "--json",
];

#[test]
fn two_factor_with_an_app_then_a_login_that_walks_it() {
    let server = Server::start();
    let session = server.register();
    let run = |args: &[&str], stdin: Option<&str>, code: i32| {
        server.run_with_key(&session, args, stdin, code)
    };
    run(&["2fa", "status"], None, 1);
    let withheld = run(&["2fa", "enable", "--method", "app"], None, 0);
    assert!(
        withheld.stderr.contains("cannot be shown again"),
        "{}",
        withheld.stderr
    );
    let enabled = run(
        &[
            "--json",
            "2fa",
            "enable",
            "--method",
            "app",
            "--show-secret",
        ],
        None,
        0,
    );
    let enabled: serde_json::Value = serde_json::from_str(enabled.stdout.trim()).unwrap();
    let secret = enabled["secret_key"].as_str().unwrap().to_owned();
    let id = enabled["method_id"].to_string();
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
    };
    let code = |offset: i64| webshare_mock_server::totp::code(&secret, now() + offset).unwrap();
    let codes = format!("{}\n{}", code(-30), code(0));
    let verified = run(&["2fa", "verify", &id, "--codes-stdin"], Some(&codes), 0);
    assert!(
        verified.stdout.contains("device_totp  active"),
        "{}",
        verified.stdout
    );
    assert!(
        run(&["2fa", "status"], None, 0)
            .stdout
            .contains("device_totp")
    );

    // The login is held for a code of the app, read from stdin after the password.
    let login = TWO_FACTOR_LOGIN;
    let wrong = server.run(&login, Some(&format!("{PASSWORD}\n000000")), 3);
    assert!(wrong.stderr.contains("code"), "{}", wrong.stderr);
    let out = server.run(&login, Some(&format!("{PASSWORD}\n{}", code(0))), 0);
    let token: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    assert_no_secret(&out.all(), &[PASSWORD, &secret]);
    server.run_with_key(&token, &["profile"], None, 0);
}

#[test]
fn a_login_waits_for_the_emailed_two_factor_code() {
    use std::io::Write;
    let server = Server::start();
    let session = server.register();
    server.run_with_key(&session, &["2fa", "enable"], None, 0);
    // The code is emailed only once the login is made: write the password, then the code when it arrives.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("webshare"))
        .args(TWO_FACTOR_LOGIN)
        .env("WEBSHARE_BASE_URL", server.server.base_url())
        .env("WEBSHARE_CONFIG_DIR", server.config_dir.path())
        .env_remove("WEBSHARE_API_KEY")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{PASSWORD}").unwrap();
    let mut code = None;
    for _ in 0..600 {
        code = server.server.last_email(EMAIL, EmailKind::TwoFactor);
        if code.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let code = code.expect("the login emailed a two-factor code");
    writeln!(stdin, "{}", code.token.expose()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    assert!(!stdout.contains(code.token.expose()));
    server.run_with_key(&token, &["notifications", "list"], None, 0);
}

#[test]
fn subscription_billing_referral_and_verification_commands() {
    let server = Server::start();
    let token = server.register();
    let run = |args: &[&str], code: i32| server.run_with_key(&token, args, None, code);

    let shown = run(&["subscription", "show", "--json"], 0);
    let subscription: serde_json::Value = serde_json::from_str(shown.stdout.trim()).unwrap();
    assert_eq!(subscription["free_credits"], serde_json::json!(25.0));
    let pricing = run(
        &[
            "subscription",
            "pricing",
            "--proxies",
            "US=1000",
            "--bandwidth",
            "250",
            "--json",
        ],
        0,
    );
    let pricing: serde_json::Value = serde_json::from_str(pricing.stdout.trim()).unwrap();
    assert_eq!(pricing["discount_percentage"], 15);
    run(&["subscription", "pricing", "--proxies", "US"], 2);

    // A purchase beyond the credits waits for Stripe; the client secret is withheld.
    let bought = run(
        &[
            "subscription",
            "buy",
            "--proxies",
            "US=1000",
            "--bandwidth",
            "250",
            "--json",
        ],
        0,
    );
    assert!(
        bought
            .stdout
            .contains(r#""stripe_client_secret":"[withheld]""#),
        "{}",
        bought.stdout
    );
    assert!(!bought.stdout.contains("_secret_"), "{}", bought.stdout);
    let checkout: serde_json::Value = serde_json::from_str(bought.stdout.trim()).unwrap();
    let pending = checkout["pending_payment"].as_i64().unwrap();
    assert!(server.server.confirm_payment(EMAIL, pending, true));
    let payment = run(&["payments", "pending", &pending.to_string()], 0);
    assert!(
        payment.stdout.contains(r#"status: "successful""#),
        "{}",
        payment.stdout
    );
    assert_eq!(
        run(
            &["proxies", "list", "--mode", "direct", "--all", "--json"],
            0
        )
        .stdout
        .lines()
        .count(),
        1000
    );

    let transactions = run(&["payments", "transactions", "--json"], 0);
    let transaction: serde_json::Value =
        serde_json::from_str(transactions.stdout.lines().next().unwrap()).unwrap();
    let id = transaction["id"].to_string();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("invoice.pdf");
    run(
        &["invoices", "download", &id, "-o", pdf.to_str().unwrap()],
        0,
    );
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    // An existing file is not overwritten; an unknown transaction leaves no file.
    run(
        &["invoices", "download", &id, "-o", pdf.to_str().unwrap()],
        2,
    );
    let missing = dir.path().join("missing.pdf");
    run(
        &[
            "invoices",
            "download",
            "999999",
            "-o",
            missing.to_str().unwrap(),
        ],
        1,
    );
    assert!(!missing.exists());

    let info = run(&["billing", "set", "--name", "Jane Doe"], 0);
    assert!(info.stdout.contains("Jane Doe"), "{}", info.stdout);
    run(&["billing", "set"], 2);
    let off = run(&["subscription", "auto-renew", "off"], 0);
    assert!(
        off.stdout.contains("renewals_enabled: false"),
        "{}",
        off.stdout
    );

    let referral = run(&["referral", "show", "--json"], 0);
    let code =
        serde_json::from_str::<serde_json::Value>(referral.stdout.trim()).unwrap()["referral_code"]
            .as_str()
            .unwrap()
            .to_owned();
    let info = server.run(&["referral", "code-info", &code], None, 0);
    assert!(info.stdout.contains(&code), "{}", info.stdout);
    run(&["referral", "coupon", "--apply", &code], 3);
    assert!(run(&["referral", "channels"], 0).stdout.contains(&code));

    // Suspended: other commands fail with the API's reason; evidence from a file passes the flow.
    let flow = server
        .server
        .open_verification(
            EMAIL,
            &webshare_mock_server::VerificationRequest::new("acceptable_use_violation")
                .needs_evidence()
                .suspends(),
        )
        .unwrap();
    let refused = run(&["proxies", "list", "--mode", "direct"], 4);
    assert!(refused.stderr.contains("suspended"), "{}", refused.stderr);
    let file = dir.path().join("evidence.txt");
    std::fs::write(&file, "price monitoring").unwrap();
    let sent = run(
        &[
            "verification",
            "evidence",
            &flow.to_string(),
            "--explanation",
            "Prices.",
            "--file",
            file.to_str().unwrap(),
        ],
        0,
    );
    assert!(
        sent.stdout.contains("verificationevidence/evidence.txt"),
        "{}",
        sent.stdout
    );
    run(
        &[
            "verification",
            "evidence",
            &flow.to_string(),
            "--file",
            "/no/such/file",
        ],
        2,
    );
    assert!(
        run(&["verification", "suspension"], 0)
            .stdout
            .contains("acceptable_use_violation")
    );
    assert!(server.server.decide_verification(EMAIL, flow, true));
    run(&["proxies", "list", "--mode", "direct"], 0);
    assert!(
        run(&["verification", "limits"], 0)
            .stdout
            .contains("active")
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
