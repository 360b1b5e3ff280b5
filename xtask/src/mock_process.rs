//! The mock server binary as a child process, for the checks that need a running API.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// `webshare-mock-server --port 0` as a child process, killed on drop.
pub(crate) struct MockServerProcess {
    child: std::process::Child,
    pub base_url: String,
}

impl MockServerProcess {
    pub fn start(binary: &Path, args: &[&str]) -> Result<Self> {
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
    pub fn register_token(&self, email: &str) -> Result<String> {
        let body = format!(
            r#"{{"email":"{email}","password":"Correct-Horse-Battery-9","recaptcha":"ci","tos_accepted":true}}"#
        );
        let value = self.request("POST", &spec_path("register")?, None, Some(&body))?;
        value["token"]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("no token in {value}"))
    }

    /// The proxy config of plan `plan_id` (JSON), read with `token`.
    pub fn proxy_config(&self, token: &str, plan_id: i64) -> Result<serde_json::Value> {
        let path = format!("{}?plan_id={plan_id}", spec_path("get_proxy_config")?);
        self.request("GET", &path, Some(token), None)
    }

    /// The id of the active plan of the account of `token`.
    pub fn active_plan(&self, token: &str) -> Result<i64> {
        let plans = self.request("GET", &spec_path("list_plans")?, Some(token), None)?;
        plans["results"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["status"] == "active")
            .and_then(|p| p["id"].as_i64())
            .context("the account has an active plan")
    }

    /// The download token of `scope` (e.g. `activity`), read with `token`.
    pub fn download_token(&self, token: &str, scope: &str) -> Result<String> {
        let path = spec_path("get_download_token")?.replace("{scope}", scope);
        let value = self.request("GET", &path, Some(token), None)?;
        value["key"]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("no key in the {scope} download token"))
    }

    /// One request over plain HTTP/1.1 (`path` below the base URL); the JSON answer of a 2xx.
    fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Result<serde_json::Value> {
        use std::io::{Read, Write};
        let (host_port, base_path) = self.base_url["http://".len()..]
            .split_once('/')
            .context("base URL has a path")?;
        let mut stream = std::net::TcpStream::connect(host_port)?;
        let mut head = format!(
            "{method} /{base_path}{path} HTTP/1.1\r\nHost: {host_port}\r\nConnection: close\r\n"
        );
        if let Some(token) = token {
            head.push_str(&format!("Authorization: Token {token}\r\n"));
        }
        if let Some(body) = body {
            head.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        write!(stream, "{head}\r\n{}", body.unwrap_or(""))?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        let (status_line, json) = response
            .split_once("\r\n\r\n")
            .map(|(h, b)| (h.lines().next().unwrap_or(""), b))
            .unwrap_or(("", ""));
        if !status_line
            .split(' ')
            .nth(1)
            .is_some_and(|s| s.starts_with('2'))
        {
            bail!("{method} {path} answered {status_line}");
        }
        serde_json::from_str(json).with_context(|| format!("{method} {path}: not JSON: {json}"))
    }
}

/// The path of operation `id`, from the spec like every other transport fact.
fn spec_path(id: &str) -> Result<String> {
    let spec =
        crate::spec::load(&crate::codegen::workspace_root()?.join(crate::codegen::SPEC_PATH))?;
    crate::spec::operations(&spec)
        .find(|(_, _, op)| op.operation_id.as_deref() == Some(id))
        .map(|(path, _, _)| path.to_owned())
        .with_context(|| format!("the spec has no `{id}` operation"))
}

impl Drop for MockServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
