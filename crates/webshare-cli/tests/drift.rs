//! The `webshare` binary when the API's answers differ from the spec: one line that names the command's
//! operation, the JSON path, what was expected and what kind was found (never the value), and
//! `webshare check-api`, clean against the mock server and exact against a drifting one.

use assert_cmd::Command;
use webshare_mock_server::{Drift, MockServer};

const EMAIL: &str = "drift-cli@example.com";

/// A mock server on its own runtime with a seeded account, and the account's token.
struct Server {
    server: MockServer,
    token: String,
    config_dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

impl Server {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(MockServer::start());
        let token = server.seed_account(EMAIL, "Correct-Horse-9").unwrap().token;
        Self {
            server,
            token,
            config_dir: tempfile::tempdir().unwrap(),
            _runtime: runtime,
        }
    }

    /// Runs `webshare args` against the server with the account's key; checks the exit code.
    fn run(&self, args: &[&str], code: i32) -> (String, String) {
        let output = Command::cargo_bin("webshare")
            .unwrap()
            .env("WEBSHARE_BASE_URL", self.server.base_url())
            .env("WEBSHARE_API_KEY", &self.token)
            .env("WEBSHARE_CONFIG_DIR", self.config_dir.path())
            .env_remove("HTTPS_PROXY")
            .env_remove("ALL_PROXY")
            .env_remove("HTTP_PROXY")
            .args(args)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(
            output.status.code(),
            Some(code),
            "webshare {args:?}\nstdout: {stdout}\nstderr: {stderr}"
        );
        (stdout, stderr)
    }
}

#[test]
fn a_differing_answer_is_one_line_naming_the_path_and_the_kind() {
    let server = Server::start();
    server.server.set_drift(Some(Drift::WrongType));
    let (_, stderr) = server.run(&["ip-auth", "list"], 1);
    let planted = server.server.drifted().last().unwrap().1[0].clone();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(
            "error: the answer to `list_ip_authorizations` (HTTP 200) differs from the spec at "
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("at {planted}: expected ")),
        "{stderr}"
    );
    assert!(stderr.trim_end().ends_with("found an object"), "{stderr}");
    assert!(
        !stderr.contains("a value of another type"),
        "the value is never quoted: {stderr}"
    );

    // With --json, the same facts as fields.
    let (_, stderr) = server.run(&["--json", "ip-auth", "list"], 1);
    let error: serde_json::Value = serde_json::from_str(stderr.trim()).unwrap();
    assert_eq!(error["error"]["operation"], "list_ip_authorizations");
    assert_eq!(error["error"]["difference"]["found"], "object");
    assert!(error["error"]["difference"]["path"].is_string());
}

#[test]
fn check_api_is_clean_on_the_mock_and_exact_on_a_drifting_one() {
    let server = Server::start();
    let (stdout, _) = server.run(&["check-api"], 0);
    assert!(stdout.contains("list_proxies"), "{stdout}");
    assert!(stdout.contains(" 0 differ, "), "{stdout}");
    assert!(
        stdout.contains("skipped: POST: it may change state"),
        "{stdout}"
    );

    server.server.set_drift(Some(Drift::UnknownEnumValues));
    let (stdout, stderr) = server.run(&["--json", "check-api"], 1);
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let token = report["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["operation"] == "get_download_token")
        .unwrap();
    assert_eq!(token["outcome"], "differs", "{token}");
    assert_eq!(token["differences"][0]["path"], "scope");
    assert_eq!(token["differences"][0]["found"], "string");
    assert!(
        token["differences"][0]["expected"]
            .as_str()
            .unwrap()
            .starts_with("one of `proxy_list`"),
        "{token}"
    );
    assert!(
        !stdout.contains(webshare_mock_server::drift::UNKNOWN_VALUE),
        "never the value: {stdout}"
    );
    assert!(stderr.contains("differ from the spec"), "{stderr}");
}
