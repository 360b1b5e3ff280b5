//! The account commands of the `webshare` binary against a started mock server: `register`, `login`,
//! `activation`, `password` (reset, change), `email` (change), `social`, `logout`, `account` (delete)
//! and `2fa` (an authenticator app, the emailed code, a login that walks it), with their human and
//! `--json` output, per-field validation errors, exit codes and no secret in the output.
//!
//! Shared helpers: `common/mod.rs`.

#[macro_use]
mod common;

use common::*;
use webshare_mock_server::{Config, DEFAULT_SOCIAL_REDIRECT_URI as REDIRECT, EmailKind};

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
    // No active method yet: the generated `2fa status` says so (a 404, exit code 1).
    let none = run(&["2fa", "status"], None, 1);
    let (message, id) = none
        .stderr
        .split_once("\n(request id ")
        .unwrap_or((&none.stderr, ""));
    assert_eq!(
        message, "error: not found: no two factor method",
        "{}",
        none.stderr
    );
    assert!(id.starts_with("mock-"), "{}", none.stderr);
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
    // The generated `2fa status` prints the method as `key: value` lines; the secret is never in it.
    let status = run(&["2fa", "status"], None, 0);
    let field = |key: &str| {
        status.stdout.lines().find_map(|line| {
            let (k, v) = line.split_once(':')?;
            (k == key).then(|| v.trim().to_owned())
        })
    };
    assert_eq!(
        field("id").as_deref(),
        Some(id.as_str()),
        "{}",
        status.stdout
    );
    assert_eq!(
        field("type").as_deref(),
        Some("device_totp"),
        "{}",
        status.stdout
    );
    assert_eq!(field("active").as_deref(), Some("yes"), "{}", status.stdout);
    assert_no_secret(&status.all(), &[&secret]);

    // The login is held for a code of the app, read from stdin after the password.
    let login = TWO_FACTOR_LOGIN;
    let wrong = server.run(&login, Some(&format!("{PASSWORD}\n000000")), 3);
    assert!(wrong.stderr.contains("code"), "{}", wrong.stderr);
    let out = server.run(&login, Some(&format!("{PASSWORD}\n{}", code(0))), 0);
    let token: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    assert_no_secret(&out.all(), &[PASSWORD, &secret]);
    // The token the login gave works, and is the account's.
    let profile = server.run_with_key(&token, &["profile", "show"], None, 0);
    assert!(
        profile
            .stdout
            .lines()
            .any(|line| line.starts_with("email:") && line.ends_with(&format!(" {EMAIL}"))),
        "{}",
        profile.stdout
    );
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
