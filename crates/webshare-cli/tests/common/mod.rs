//! Helpers shared by the `webshare` binary's integration tests (`basics.rs`, `account.rs`,
//! `proxies.rs`, `billing.rs`, `subusers_keys.rs`): a mock server started on its own runtime, the
//! binary pointed at it, exit-code checks, secret checks and the masked [`snapshot!`].
//!
//! Each test file is its own crate and uses only some of these, hence the `allow`s.
#![allow(dead_code, unused_macros)]

use assert_cmd::Command;
use webshare_mock_server::{Config, EmailKind, MockServer};

pub const EMAIL: &str = "jane@example.com";
pub const PASSWORD: &str = "Cli-Test-Password-31";
pub const RECAPTCHA: &str = "cli-recaptcha-value";

/// A mock server kept running on its own runtime while the blocking CLI runs.
pub struct Server {
    pub server: MockServer,
    pub config_dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

impl Server {
    pub fn start() -> Self {
        Self::with(Config::default())
    }

    pub fn with(config: Config) -> Self {
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
    pub fn cli(&self) -> Command {
        cli_at(Some(self.server.base_url()), self.config_dir.path())
    }

    pub fn code(&self, kind: EmailKind) -> String {
        self.server
            .last_email(EMAIL, kind)
            .expect("an email")
            .token
            .expose()
            .to_owned()
    }

    /// Registers `EMAIL` and returns its token (printed with --show-token).
    pub fn register(&self) -> String {
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

    pub fn run(&self, args: &[&str], stdin: Option<&str>, expected_code: i32) -> Output {
        run(self.cli(), args, stdin, expected_code)
    }

    /// Runs with `key` in WEBSHARE_API_KEY (not on the command line, which warns).
    pub fn run_with_key(
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
    pub fn path_filters(&self) -> Vec<(String, String)> {
        let dir = self.config_dir.path().to_str().unwrap();
        vec![(regex_escape(dir), "[CONFIG_DIR]".to_owned())]
    }
}

/// `webshare` with `base_url` (none: the variable is removed), `config_dir`, no key in the environment
/// and no proxy settings.
pub fn cli_at(base_url: Option<&str>, config_dir: &std::path::Path) -> Command {
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
pub fn run(mut command: Command, args: &[&str], stdin: Option<&str>, expected_code: i32) -> Output {
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
pub fn regex_escape(text: &str) -> String {
    let mut escaped = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

pub fn assert_no_secret(output: &str, secrets: &[&str]) {
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
            // The mock server's request ids, one per answer.
            (r"mock-[0-9a-f]{16}", "[REQUEST ID]"),
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

/// The value of `key` in the `key: value` lines a generated command prints for an object, its padding
/// trimmed; `None` when no line has that key.
pub fn object_field<'a>(stdout: &'a str, key: &str) -> Option<&'a str> {
    stdout.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        (k == key).then(|| v.trim())
    })
}

/// The rows of the aligned table a generated command prints for a list, each as (UPPERCASE header, cell)
/// pairs, cut at the columns' starts in the header line. Panics when there is no header line.
pub fn table_rows(stdout: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut lines = stdout.lines();
    let header: Vec<char> = lines.next().expect("a header line").chars().collect();
    let mut starts = Vec::new();
    for (i, c) in header.iter().enumerate() {
        if *c != ' ' && (i == 0 || header[i - 1] == ' ') {
            starts.push(i);
        }
    }
    let slice = |chars: &[char], from: usize, to: Option<usize>| -> String {
        let to = to.unwrap_or(chars.len()).min(chars.len());
        chars
            .get(from.min(to)..to)
            .unwrap_or_default()
            .iter()
            .collect::<String>()
            .trim()
            .to_owned()
    };
    let names: Vec<String> = (0..starts.len())
        .map(|i| slice(&header, starts[i], starts.get(i + 1).copied()))
        .collect();
    lines
        .map(|line| {
            let chars: Vec<char> = line.chars().collect();
            names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    (
                        name.clone(),
                        slice(&chars, starts[i], starts.get(i + 1).copied()),
                    )
                })
                .collect()
        })
        .collect()
}
