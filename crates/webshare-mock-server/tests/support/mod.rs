//! What the tests of this directory share: raw HTTP/1.1 connections to a mock server, and the account
//! flows they start from.

#![allow(dead_code)]

use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use webshare_api::Operation;
use webshare_api::operations::{
    COMPLETE_PASSWORD_RESET, GET_ACTIVATION, LOGIN, REGISTER, RESET_PASSWORD,
};
use webshare_mock_server::{CONTROL_SECRET_HEADER, EmailKind, MockServer, OUTBOX_PATH};

pub const PASSWORD: &str = "Correct-Horse-Battery-9";
/// The bound on any wait that should end: only a broken server reaches it.
pub const GUARD: Duration = Duration::from_secs(30);

/// One keep-alive HTTP/1.1 connection to the server.
pub struct Connection {
    pub stream: TcpStream,
    pub host: String,
}

/// A response: status and JSON body (`Null` when empty).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Connection {
    pub async fn open(server: &MockServer) -> Self {
        let stream = tokio::time::timeout(GUARD, TcpStream::connect(server.addr()))
            .await
            .expect("connect within the guard")
            .expect("connect");
        Self {
            stream,
            host: server.addr().to_string(),
        }
    }

    /// Sends a request to `path` (below the server, e.g. `/_mock/outbox`) without waiting for the answer.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) {
        self.send_with(method, path, token, &[], body).await;
    }

    /// [`Connection::send`] with extra headers.
    pub async fn send_with(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) {
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n",
            self.host,
            body.len()
        );
        if !body.is_empty() {
            head.push_str("Content-Type: application/json\r\n");
        }
        if let Some(token) = token {
            head.push_str(&format!("Authorization: Token {token}\r\n"));
        }
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        self.stream
            .write_all(format!("{head}{body}").as_bytes())
            .await
            .expect("write the request");
    }

    /// Reads the head of one response and returns its status, whatever its body (a streamed download's
    /// too); the connection is then good for nothing else.
    pub async fn receive_status(&mut self) -> u16 {
        let mut buffer = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&buffer[..end]).expect("an ASCII head");
                return head
                    .split(' ')
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .expect("a status line");
            }
            let n = tokio::time::timeout(GUARD, self.stream.read(&mut chunk))
                .await
                .expect("a response within the guard")
                .expect("read the response");
            assert!(n > 0, "the server closed the connection mid-head");
            buffer.extend_from_slice(&chunk[..n]);
        }
    }

    /// Reads one whole response (every response of the mock has a `Content-Length`, or no body).
    pub async fn receive(&mut self) -> Answer {
        let mut buffer = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&buffer[..end]).expect("an ASCII head");
                let status = head
                    .split(' ')
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .expect("a status line");
                let length: usize = head
                    .lines()
                    .filter_map(|line| line.split_once(':'))
                    .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                    .map_or(0, |(_, value)| value.trim().parse().expect("a length"));
                if buffer.len() >= end + 4 + length {
                    let body = &buffer[end + 4..end + 4 + length];
                    let body = if body.is_empty() {
                        Value::Null
                    } else {
                        serde_json::from_slice(body).expect("a JSON body")
                    };
                    return Answer { status, body };
                }
            }
            let n = tokio::time::timeout(GUARD, self.stream.read(&mut chunk))
                .await
                .expect("a response within the guard")
                .expect("read the response");
            assert!(n > 0, "the server closed the connection mid-response");
            buffer.extend_from_slice(&chunk[..n]);
        }
    }

    /// The outbox over the test-only route, with `secret` in its header (none: without it).
    pub async fn outbox(&mut self, secret: Option<&str>) -> Answer {
        let headers: Vec<(&str, &str)> = secret
            .map(|s| (CONTROL_SECRET_HEADER, s))
            .into_iter()
            .collect();
        self.send_with("GET", OUTBOX_PATH, None, &headers, None)
            .await;
        self.receive().await
    }

    /// [`Connection::request`] with extra headers.
    pub async fn request_with(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Answer {
        self.send_with(method, path, token, headers, body).await;
        self.receive().await
    }

    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        self.send(method, path, token, body).await;
        self.receive().await
    }

    /// Waits for the server to close the connection (EOF or reset), discarding anything it sends first.
    pub async fn closed_by_server(mut self) {
        let mut chunk = [0u8; 1024];
        loop {
            match tokio::time::timeout(GUARD, self.stream.read(&mut chunk)).await {
                Err(_) => panic!("the server kept the connection open beyond the guard"),
                Ok(Ok(0) | Err(_)) => return,
                Ok(Ok(_)) => continue,
            }
        }
    }
}

/// The path of `operation` on `server`.
pub fn path(server: &MockServer, operation: &Operation) -> String {
    let prefix = server
        .base_url()
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|slash| &rest[slash..]))
        .unwrap_or("");
    format!("{prefix}{}", operation.path)
}

/// Calls `operation` on a connection of its own.
pub async fn call(
    server: &MockServer,
    operation: &Operation,
    token: Option<&str>,
    body: Option<Value>,
) -> Answer {
    Connection::open(server)
        .await
        .request(
            operation.method.as_str(),
            &path(server, operation),
            token,
            body.as_ref(),
        )
        .await
}

pub async fn register(server: &MockServer, email: &str) -> String {
    let answer = call(
        server,
        &REGISTER,
        None,
        Some(json!({"email": email, "password": PASSWORD, "recaptcha": "r", "tos_accepted": true})),
    )
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    answer.body["token"].as_str().expect("a token").to_owned()
}

pub async fn login(server: &MockServer, email: &str) -> Answer {
    call(
        server,
        &LOGIN,
        None,
        Some(json!({"email": email, "password": PASSWORD, "recaptcha": "r"})),
    )
    .await
}

/// The status of an authenticated request with `token`.
pub async fn token_status(server: &MockServer, token: &str) -> u16 {
    call(server, &GET_ACTIVATION, Some(token), None)
        .await
        .status
}

pub async fn request_reset(server: &MockServer, email: &str) {
    let answer = call(
        server,
        &RESET_PASSWORD,
        None,
        Some(json!({"email": email, "recaptcha": "r"})),
    )
    .await;
    assert_eq!(answer.status, 204, "{answer:?}");
}

pub async fn complete_reset(server: &MockServer, code: &str) -> Answer {
    call(
        server,
        &COMPLETE_PASSWORD_RESET,
        None,
        Some(json!({"password": PASSWORD, "password_reset_token": code, "recaptcha": "r"})),
    )
    .await
}

/// The codes of the password reset emails in the outbox, oldest first.
pub fn reset_codes(server: &MockServer) -> Vec<String> {
    server
        .outbox()
        .into_iter()
        .filter(|email| email.kind == EmailKind::PasswordReset)
        .map(|email| email.token.expose().to_owned())
        .collect()
}
