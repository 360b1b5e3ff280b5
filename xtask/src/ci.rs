//! `cargo xtask ci`: the project's whole test command, runnable on a fresh machine.
//!
//! It installs the linters it needs into the work tree (npm packages under `tools/node_modules`, Python
//! tools in `.venv`), never globally, then lints the spec, checks codegen, and runs clippy and the tests.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::codegen;

/// Runs every check in order; stops at the first failure.
pub fn run(root: &Path) -> Result<()> {
    step("install linters (tools/node_modules, .venv)");
    install_tools(root)?;

    step("lint the spec: Spectral (spectral:oas, .spectral.yaml)");
    let spectral = root.join("tools/node_modules/.bin/spectral");
    for spec in [codegen::SPEC_PATH, codegen::JSON_PATH] {
        run_in(
            root,
            Command::new(&spectral).args([
                "lint",
                spec,
                "--ruleset",
                ".spectral.yaml",
                "--fail-severity=warn",
            ]),
        )?;
    }

    step("validate the spec: openapi-spec-validator");
    run_in(
        root,
        Command::new(root.join(".venv/bin/openapi-spec-validator"))
            .args([codegen::SPEC_PATH, codegen::JSON_PATH]),
    )?;

    step("cargo xtask codegen --check");
    let diffs = codegen::stale_diffs(root, &codegen::generate(root)?);
    if !diffs.is_empty() {
        bail!(
            "generated files are stale; run `cargo xtask codegen`:\n{}",
            diffs.join("\n")
        );
    }
    println!("generated files are up to date");

    step("cargo fmt --check");
    run_in(root, cargo().args(["fmt", "--all", "--", "--check"]))?;

    step("cargo clippy");
    run_in(
        root,
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;

    step("cargo test");
    run_in(root, cargo().args(["test", "--workspace"]))?;

    step("schemathesis: every phase against webshare-mock-server with the committed spec");
    schemathesis(root)?;
    Ok(())
}

/// Starts the mock server binary, registers an account for a token, and runs schemathesis against it.
fn schemathesis(root: &Path) -> Result<()> {
    run_in(
        root,
        cargo().args(["build", "--quiet", "-p", "webshare-mock-server"]),
    )?;
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into);
    // No resend throttle, so that schemathesis reaches the logic behind resend (the e2e tests cover 429).
    let server = MockServerProcess::start(
        &target.join("debug/webshare-mock-server"),
        &["--resend-throttle-secs", "0"],
    )?;
    let work_dir = root.join("build/schemathesis");
    std::fs::create_dir_all(&work_dir)?;
    let spec = root.join(codegen::SPEC_PATH);
    let spec = spec.to_str().context("the path is UTF-8")?;
    // Logout revokes the token that every other operation is tested with, so it gets a pass (and an
    // account) of its own.
    let passes = [
        ("schemathesis@example.com", "--exclude-operation-id"),
        ("logout@example.com", "--include-operation-id"),
    ];
    for (email, selection) in passes {
        let token = server.register_token(email)?;
        run_in(
            &work_dir,
            Command::new(root.join(".venv/bin/schemathesis")).args([
                "run",
                spec,
                "--url",
                &server.base_url,
                "--header",
                &format!("Authorization: Token {token}"),
                selection,
                "logout",
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--checks",
                "all",
                // Schema-valid data can still be refused by business rules (wrong credentials, unknown
                // one-time codes, weak passwords), as the real service refuses it.
                "--exclude-checks",
                "positive_data_acceptance",
                "--max-examples",
                "100",
                "--seed",
                "20261122",
                "--output-sanitize",
                "true",
            ]),
        )?;
    }
    Ok(())
}

/// `webshare-mock-server --port 0` as a child process, killed on drop.
struct MockServerProcess {
    child: std::process::Child,
    base_url: String,
}

impl MockServerProcess {
    fn start(binary: &Path, args: &[&str]) -> Result<Self> {
        use std::io::BufRead;
        let mut child = Command::new(binary)
            .args(["--port", "0"])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut line = String::new();
        std::io::BufReader::new(stdout).read_line(&mut line)?;
        let base_url = line.trim().to_owned();
        if !base_url.starts_with("http://") {
            let _ = child.kill();
            bail!("the mock server printed {line:?} instead of its base URL");
        }
        Ok(Self { child, base_url })
    }

    /// Registers `email` over plain HTTP/1.1 and returns its token.
    fn register_token(&self, email: &str) -> Result<String> {
        use std::io::{Read, Write};
        let (host_port, path) = self.base_url["http://".len()..]
            .split_once('/')
            .context("base URL has a path")?;
        let body = format!(
            r#"{{"email":"{email}","password":"Correct-Horse-Battery-9","recaptcha":"ci","tos_accepted":true}}"#
        );
        let mut stream = std::net::TcpStream::connect(host_port)?;
        write!(
            stream,
            "POST /{path}/register/ HTTP/1.1\r\nHost: {host_port}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        let json = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b)
            .unwrap_or("");
        let value: serde_json::Value = serde_json::from_str(json)
            .with_context(|| format!("registering for a token failed: {response}"))?;
        value["token"]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("no token in {json}"))
    }
}

impl Drop for MockServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn install_tools(root: &Path) -> Result<()> {
    if root.join("tools/node_modules/.bin/spectral").exists() {
        println!("Spectral: present");
    } else {
        run_in(
            root,
            Command::new("npm").args(["ci", "--prefix", "tools", "--no-audit", "--no-fund"]),
        )
        .context("installing Spectral needs Node.js and npm")?;
    }
    let venv = root.join(".venv");
    if !venv.join("bin/python").exists() {
        run_in(root, Command::new("python3").args(["-m", "venv", ".venv"]))
            .context("the Python tools need Python 3 with the venv module")?;
    }
    // pip is quick when everything is already satisfied, and this keeps the venv in step with the file.
    run_in(
        root,
        Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            "tools/requirements.txt",
        ]),
    )
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn step(name: &str) {
    println!("\n==> {name}");
}

fn run_in(root: &Path, command: &mut Command) -> Result<()> {
    let shown = format!("{command:?}");
    let status = command
        .current_dir(root)
        .status()
        .with_context(|| format!("cannot start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}
