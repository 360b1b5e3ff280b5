//! The `webshare-mock-server` binary (built with the `cli` feature).

/// The binary's stderr up to its last startup line, with `--port 0` and `args`.
fn binary_startup_stderr(args: &[&str]) -> Vec<String> {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_webshare-mock-server"))
        .args(["--port", "0"])
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the binary");
    let mut lines = Vec::new();
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).expect("read stderr") == 0 {
            break; // exited: the lines say why
        }
        let last = line.starts_with("press Ctrl-C");
        lines.push(line.trim_end().to_owned());
        if last {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    lines
}

#[test]
fn the_binary_warns_when_it_listens_beyond_loopback() {
    let exposed = binary_startup_stderr(&["--host", "0.0.0.0"]);
    assert!(
        exposed
            .first()
            .is_some_and(|line| line.starts_with("warning: listening on 0.0.0.0")
                && line.contains("plain HTTP")),
        "{exposed:#?}"
    );
    assert_eq!(
        exposed.last().map(String::as_str),
        Some("press Ctrl-C to stop")
    );
    let on_loopback = binary_startup_stderr(&[]);
    assert!(
        on_loopback.iter().all(|line| !line.contains("warning")),
        "{on_loopback:#?}"
    );
    // The outbox line carries the control secret the route demands: whoever started the server needs it.
    let outbox = on_loopback
        .iter()
        .find(|line| line.starts_with("outbox"))
        .expect("an outbox line");
    let secret = outbox
        .split("x-mock-secret: ")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_default();
    assert!(
        secret.len() >= 32 && secret.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{outbox}"
    );
    assert_eq!(
        on_loopback.last().map(String::as_str),
        Some("press Ctrl-C to stop")
    );
}
