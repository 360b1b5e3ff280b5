//! Downloads read as they arrive: the body is split into lines with a bounded buffer, and each line parsed
//! into a record, so memory does not grow with the list's length.

use bytes::Bytes;
use futures_core::Stream;
use futures_util::stream::{self, StreamExt};
use webshare_api::Secret;

use crate::Error;

/// The longest line a download may have; a longer one is an error, not an unbounded buffer.
pub const MAX_LINE_BYTES: usize = 16 * 1024;

/// One line of a proxy list download: `address:port:username:password`, or `address:port` when the list
/// was downloaded for source-IP authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyLine {
    /// The proxy's address (an IP address, or `p.webshare.io` in backbone mode).
    pub address: String,
    /// The proxy's port.
    pub port: u16,
    /// The proxy username (username authentication only).
    pub username: Option<String>,
    /// The proxy password (username authentication only); prints `[redacted]`.
    pub password: Option<Secret>,
}

impl ProxyLine {
    /// [`ProxyLine::parse`], as the line reader wants it.
    pub(crate) fn parse_line(line: u64, text: &str) -> Result<Option<Self>, Error> {
        Self::parse(line, text).map(Some)
    }

    /// Parses one line; `line` numbers it in the error, which never quotes the line (it holds a password).
    pub fn parse(line: u64, text: &str) -> Result<Self, Error> {
        let bad = |field: &'static str, message: &str| Error::MalformedRecord {
            line,
            field,
            message: message.to_owned(),
        };
        let mut parts = text.splitn(4, ':');
        let address = parts.next().unwrap_or_default();
        if address.is_empty() {
            return Err(bad("address", "is empty"));
        }
        let port = parts.next().ok_or_else(|| {
            bad(
                "port",
                "is missing (expected address:port[:username:password])",
            )
        })?;
        let port = port
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| bad("port", "is not a port number"))?;
        let (username, password) = match (parts.next(), parts.next()) {
            (None, _) => (None, None),
            (Some(_), None) => return Err(bad("password", "is missing after the username")),
            (Some(user), Some(pass)) => (Some(user.to_owned()), Some(Secret::new(pass))),
        };
        Ok(Self {
            address: address.to_owned(),
            port,
            username,
            password,
        })
    }
}

/// The non-empty lines of a byte stream, each parsed by `parse` (given its 1-based number); `parse` may
/// skip a line (a header) by answering `None`.
pub(crate) fn records<T, S, F>(bytes: S, parse: F) -> impl Stream<Item = Result<T, Error>> + Send
where
    S: Stream<Item = Result<Bytes, Error>> + Send + Unpin,
    F: FnMut(u64, &str) -> Result<Option<T>, Error> + Send,
    T: Send,
{
    let state = Lines {
        bytes,
        buffer: Vec::new(),
        line: 0,
        done: false,
    };
    stream::unfold((state, parse), |(mut state, mut parse)| async move {
        loop {
            match state.next_line().await {
                Ok(Some((_, text))) if text.trim().is_empty() => continue,
                Ok(Some((number, text))) => {
                    let item = match parse(number, &text) {
                        Ok(None) => continue,
                        Ok(Some(item)) => Ok(item),
                        Err(e) => {
                            state.done = true;
                            state.buffer.clear();
                            Err(e)
                        }
                    };
                    return Some((item, (state, parse)));
                }
                Ok(None) => return None,
                Err(e) => {
                    state.done = true;
                    state.buffer.clear();
                    return Some((Err(e), (state, parse)));
                }
            }
        }
    })
}

struct Lines<S> {
    bytes: S,
    buffer: Vec<u8>,
    line: u64,
    done: bool,
}

impl<S: Stream<Item = Result<Bytes, Error>> + Unpin> Lines<S> {
    async fn next_line(&mut self) -> Result<Option<(u64, String)>, Error> {
        loop {
            if let Some(end) = self.buffer.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buffer.drain(..=end).collect();
                line.pop();
                return self.finish(line).map(Some);
            }
            if self.done {
                if self.buffer.is_empty() {
                    return Ok(None);
                }
                let line = std::mem::take(&mut self.buffer);
                return self.finish(line).map(Some);
            }
            match self.bytes.next().await {
                Some(chunk) => {
                    self.buffer.extend_from_slice(&chunk?);
                    if self.buffer.len() > MAX_LINE_BYTES && !self.buffer.contains(&b'\n') {
                        return Err(Error::MalformedRecord {
                            line: self.line + 1,
                            field: "line",
                            message: format!("is longer than {MAX_LINE_BYTES} bytes"),
                        });
                    }
                }
                None => self.done = true,
            }
        }
    }

    fn finish(&mut self, mut line: Vec<u8>) -> Result<(u64, String), Error> {
        self.line += 1;
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        String::from_utf8(line)
            .map(|text| (self.line, text))
            .map_err(|_| Error::MalformedRecord {
                line: self.line,
                field: "line",
                message: "is not UTF-8".into(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: &[&'static str]) -> impl Stream<Item = Result<Bytes, Error>> + Send + Unpin {
        stream::iter(
            parts
                .iter()
                .map(|p| Ok(Bytes::from_static(p.as_bytes())))
                .collect::<Vec<_>>(),
        )
    }

    #[tokio::test]
    async fn lines_split_across_chunks_parse() {
        let lines: Vec<_> = records(
            chunks(&[
                "10.1.2.3:9421:us",
                "er:pa:ss\r\n\n10.1.2.4:6511\n10.1.2.5:80:u:p",
            ]),
            ProxyLine::parse_line,
        )
        .collect()
        .await;
        let lines: Vec<ProxyLine> = lines.into_iter().map(Result::unwrap).collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].address, "10.1.2.3");
        assert_eq!(lines[0].port, 9421);
        assert_eq!(lines[0].username.as_deref(), Some("user"));
        assert_eq!(lines[0].password.as_ref().unwrap().expose(), "pa:ss");
        assert_eq!((lines[1].username.as_ref(), lines[1].port), (None, 6511));
        assert_eq!(lines[2].port, 80);
        assert!(!format!("{:?}", lines[0]).contains("pa:ss"));
    }

    #[tokio::test]
    async fn a_malformed_line_names_its_number_and_field_and_ends_the_stream() {
        let out: Vec<_> = records(
            chunks(&["1.2.3.4:80:u:p\n1.2.3.5:http:u:secret\n1.2.3.6:81:u:p\n"]),
            ProxyLine::parse_line,
        )
        .collect()
        .await;
        assert_eq!(out.len(), 2);
        match &out[1] {
            Err(Error::MalformedRecord {
                line,
                field,
                message,
            }) => {
                assert_eq!((*line, *field), (2, "port"));
                assert!(!message.contains("secret"));
            }
            other => panic!("{other:?}"),
        }
        for (text, field) in [
            (":80", "address"),
            ("1.2.3.4", "port"),
            ("1.2.3.4:0", "port"),
            ("1.2.3.4:80:user", "password"),
        ] {
            match ProxyLine::parse(7, text) {
                Err(Error::MalformedRecord {
                    line: 7, field: f, ..
                }) => assert_eq!(f, field, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[tokio::test]
    async fn an_endless_line_is_refused_with_a_bounded_buffer() {
        let endless = stream::iter((0..100).map(|_| Ok(Bytes::from(vec![b'1'; 1024]))));
        let out: Vec<_> = records(endless, ProxyLine::parse_line).collect().await;
        assert_eq!(out.len(), 1);
        assert!(matches!(
            out[0],
            Err(Error::MalformedRecord { field: "line", .. })
        ));
    }

    #[tokio::test]
    async fn records_arrive_before_the_body_ends() {
        // A body that never ends after its first line: the first record is still delivered.
        let first = stream::iter(vec![Ok(Bytes::from_static(b"1.2.3.4:80:u:p\n"))]);
        let body = first.chain(stream::pending());
        let mut lines = Box::pin(records(body, ProxyLine::parse_line));
        let record = lines.next().await.unwrap().unwrap();
        assert_eq!(record.address, "1.2.3.4");
    }
}
