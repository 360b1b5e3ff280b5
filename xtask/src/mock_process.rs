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
        use std::io::{Read, Write};
        let (host_port, path) = self.base_url["http://".len()..]
            .split_once('/')
            .context("base URL has a path")?;
        // The path is the spec's, like every other transport fact.
        let spec =
            crate::spec::load(&crate::codegen::workspace_root().join(crate::codegen::SPEC_PATH))?;
        let register = crate::spec::operations(&spec)
            .find(|(_, _, op)| op.operation_id.as_deref() == Some("register"))
            .map(|(path, _, _)| path.to_owned())
            .context("the spec has a `register` operation")?;
        let body = format!(
            r#"{{"email":"{email}","password":"Correct-Horse-Battery-9","recaptcha":"ci","tos_accepted":true}}"#
        );
        let mut stream = std::net::TcpStream::connect(host_port)?;
        write!(
            stream,
            "POST /{path}{register} HTTP/1.1\r\nHost: {host_port}\r\nContent-Type: application/json\r\n\
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
