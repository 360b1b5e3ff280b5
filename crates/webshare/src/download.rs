//! Downloads read as they arrive: the body is split into lines with a bounded buffer, and each line parsed
//! into a record, so memory does not grow with the list's length.

use std::collections::VecDeque;

use bytes::Bytes;
use futures_core::Stream;
use futures_util::stream::StreamExt;
use webshare_api::Secret;

use crate::Error;

/// The longest line a download may have; a longer one is an error, not an unbounded buffer.
pub const MAX_LINE_BYTES: usize = 16 * 1024;

/// One line of a proxy list download: `address:port:username:password`, or `address:port` when the list
/// was downloaded for source-IP authentication. The line is kept whole, in one allocation, and read through
/// its accessors (a million-line download makes a million of these). `Debug` withholds the password.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyLine {
    /// The line, without its line break.
    text: Box<str>,
    /// Where the address ends (the first `:`).
    address_end: usize,
    /// Where the username ends (the third `:`), with username authentication.
    username_end: Option<usize>,
    port: u16,
}

impl std::fmt::Debug for ProxyLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyLine")
            .field("address", &self.address())
            .field("port", &self.port)
            .field("username", &self.username())
            .field("password", &self.username_end.map(|_| "[redacted]"))
            .finish()
    }
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
        // The first three colons (a password may hold more), in one pass.
        let mut colons = [usize::MAX; 3];
        let mut found = 0;
        for (slot, i) in colons
            .iter_mut()
            .zip(memchr::memchr_iter(b':', text.as_bytes()))
        {
            *slot = i;
            found += 1;
        }
        let address_end = colons[0];
        if found == 0 {
            return Err(bad(
                "port",
                "is missing (expected address:port[:username:password])",
            ));
        }
        if address_end == 0 {
            return Err(bad("address", "is empty"));
        }
        let port_text = &text.as_bytes()[address_end + 1..colons[1].min(text.len())];
        let port = port_text
            .iter()
            .try_fold(0u32, |n, b| {
                (b.is_ascii_digit() && n < 65_536).then(|| n * 10 + u32::from(b - b'0'))
            })
            .and_then(|p| u16::try_from(p).ok())
            .filter(|p| *p != 0 && !port_text.is_empty())
            .ok_or_else(|| bad("port", "is not a port number"))?;
        let username_end = match found {
            1 => None,
            2 => return Err(bad("password", "is missing after the username")),
            _ => Some(colons[2]),
        };
        Ok(Self {
            text: text.into(),
            address_end,
            username_end,
            port,
        })
    }

    /// The proxy's address (an IP address, or `p.webshare.io` in backbone mode).
    pub fn address(&self) -> &str {
        &self.text[..self.address_end]
    }

    /// The proxy's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The proxy username (username authentication only).
    pub fn username(&self) -> Option<&str> {
        let end = self.username_end?;
        let start = self.text[self.address_end + 1..].find(':')? + self.address_end + 2;
        Some(&self.text[start..end])
    }

    /// The proxy password (username authentication only). It is a secret: `Debug` never shows it.
    pub fn expose_password(&self) -> Option<&str> {
        Some(&self.text[self.username_end? + 1..])
    }

    /// The password as a [`Secret`], for keeping.
    pub fn password(&self) -> Option<Secret> {
        self.expose_password().map(Secret::new)
    }
}

/// `bytes` unchanged, once its first bytes are `prefix` (a PDF's `%PDF`); a body that starts otherwise
/// (an HTML error page served with 200, say) ends the stream with [`Error::Decode`], before any byte of it
/// is passed on.
pub(crate) fn starting_with<S>(
    bytes: S,
    prefix: &'static [u8],
) -> impl Stream<Item = Result<Bytes, Error>> + Send + 'static
where
    S: Stream<Item = Result<Bytes, Error>> + Send + 'static,
{
    let mut head = Vec::with_capacity(prefix.len());
    let mut checked = false;
    bytes.flat_map(move |chunk| {
        let out: Vec<Result<Bytes, Error>> = match chunk {
            Err(e) => vec![Err(e)],
            Ok(chunk) if checked => vec![Ok(chunk)],
            Ok(chunk) => {
                let take = (prefix.len() - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
                if head.len() < prefix.len() {
                    Vec::new()
                } else if head != prefix {
                    vec![Err(Error::Decode {
                        status: None,
                        body_snippet: format!(
                            "the body does not start with {:?}",
                            String::from_utf8_lossy(prefix)
                        ),
                    })]
                } else {
                    checked = true;
                    let mut whole = bytes::BytesMut::from(&head[..]);
                    whole.extend_from_slice(&chunk[take..]);
                    vec![Ok(whole.freeze())]
                }
            }
        };
        futures_util::stream::iter(out)
    })
}

/// The non-empty lines of a byte stream, each parsed by `parse` (given its 1-based number); `parse` may
/// skip a line (a header) by answering `None`. Each chunk's complete lines are parsed where they lie in
/// the buffer (no copy, no allocation per line); only a line cut by a chunk boundary is moved, once.
pub(crate) fn records<T, S, F>(bytes: S, parse: F) -> impl Stream<Item = Result<T, Error>> + Send
where
    S: Stream<Item = Result<Bytes, Error>> + Send + Unpin,
    F: FnMut(u64, &str) -> Result<Option<T>, Error> + Send + Unpin,
    T: Send + Unpin,
{
    Lines {
        bytes,
        parse,
        buffer: Vec::new(),
        parsed: VecDeque::new(),
        line: 0,
        done: false,
        failed: false,
    }
}

/// Polled directly (not through `stream::unfold`, which moves its whole state in and out of a future for
/// every item: a measurable share of a million-line download).
impl<S, F, T> Stream for Lines<S, F, T>
where
    S: Stream<Item = Result<Bytes, Error>> + Unpin,
    F: FnMut(u64, &str) -> Result<Option<T>, Error> + Unpin,
    T: Unpin,
{
    type Item = Result<T, Error>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let this = self.get_mut();
        loop {
            if let Some(item) = this.parsed.pop_front() {
                return Poll::Ready(Some(item));
            }
            if this.failed || (this.done && this.buffer.is_empty()) {
                return Poll::Ready(None);
            }
            if this.done {
                // The last line, without a newline.
                let last = std::mem::take(&mut this.buffer);
                this.take_line(&last);
                continue;
            }
            match std::task::ready!(this.bytes.poll_next_unpin(cx)) {
                Some(Ok(chunk)) => this.take_chunk(&chunk),
                Some(Err(e)) => this.fail(e),
                None => this.done = true,
            }
        }
    }
}

struct Lines<S, F, T> {
    bytes: S,
    parse: F,
    /// The start of a line cut by the previous chunk's end.
    buffer: Vec<u8>,
    /// Records parsed from the last chunk, not yet taken.
    parsed: VecDeque<Result<T, Error>>,
    line: u64,
    done: bool,
    failed: bool,
}

impl<S, F, T> Lines<S, F, T>
where
    F: FnMut(u64, &str) -> Result<Option<T>, Error>,
{
    /// Parses the complete lines of `chunk` (after the carried-over start of a line); keeps the rest.
    fn take_chunk(&mut self, chunk: &[u8]) {
        let mut rest = chunk;
        if !self.buffer.is_empty() {
            let Some(end) = memchr::memchr(b'\n', rest) else {
                self.buffer.extend_from_slice(rest);
                self.check_length();
                return;
            };
            let mut line = std::mem::take(&mut self.buffer);
            line.extend_from_slice(&rest[..end]);
            self.take_line(&line);
            rest = &rest[end + 1..];
        }
        // The complete lines: validated as UTF-8 at once (per line only to find a bad one), then split
        // at each `\n` (an ASCII byte, so always a character boundary).
        if let Some(last) = memchr::memrchr(b'\n', rest) {
            let (complete, tail) = (&rest[..last], &rest[last + 1..]);
            match std::str::from_utf8(complete) {
                Ok(text) => {
                    let mut start = 0;
                    for end in memchr::memchr_iter(b'\n', complete).chain([complete.len()]) {
                        if self.failed {
                            break;
                        }
                        self.take_text(&text[start..end]);
                        start = end + 1;
                    }
                }
                Err(_) => {
                    for line in complete.split(|b| *b == b'\n') {
                        if self.failed {
                            break;
                        }
                        self.take_line(line);
                    }
                }
            }
            rest = tail;
        }
        if !self.failed {
            self.buffer.extend_from_slice(rest);
            self.check_length();
        }
    }

    /// A line longer than [`MAX_LINE_BYTES`] is an error, not an unbounded buffer.
    fn check_length(&mut self) {
        if self.buffer.len() > MAX_LINE_BYTES {
            self.fail_too_long();
        }
    }

    /// Whether a whole line (without its `\n`) is longer than [`MAX_LINE_BYTES`]; if so the stream fails
    /// as [`Lines::check_length`] fails it for a line cut across chunks, so the answer does not depend on
    /// where the chunks end.
    fn too_long(&mut self, len: usize) -> bool {
        if len > MAX_LINE_BYTES {
            self.fail_too_long();
            return true;
        }
        false
    }

    fn fail_too_long(&mut self) {
        let line = self.line + 1;
        self.fail(Error::MalformedRecord {
            line,
            field: "line",
            message: format!("is longer than {MAX_LINE_BYTES} bytes"),
        });
    }

    /// Parses one line (without its `\n`); blank lines are skipped.
    fn take_line(&mut self, line: &[u8]) {
        if self.too_long(line.len()) {
            return;
        }
        match std::str::from_utf8(line) {
            Ok(text) => self.take_text(text),
            Err(_) => {
                let number = self.line + 1;
                self.fail(Error::MalformedRecord {
                    line: number,
                    field: "line",
                    message: "is not UTF-8".into(),
                });
            }
        }
    }

    /// [`Lines::take_line`] for a line known to be UTF-8.
    fn take_text(&mut self, text: &str) {
        if self.too_long(text.len()) {
            return;
        }
        self.line += 1;
        let text = text.strip_suffix('\r').unwrap_or(text);
        if text.bytes().all(|b| b.is_ascii_whitespace()) {
            return;
        }
        match (self.parse)(self.line, text) {
            Ok(Some(record)) => self.parsed.push_back(Ok(record)),
            Ok(None) => {}
            Err(e) => self.fail(e),
        }
    }

    /// Ends the stream after the records before `error`, and `error`.
    fn fail(&mut self, error: Error) {
        self.failed = true;
        self.buffer = Vec::new();
        self.parsed.push_back(Err(error));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;

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
        assert_eq!(lines[0].address(), "10.1.2.3");
        assert_eq!(lines[0].port(), 9421);
        assert_eq!(lines[0].username(), Some("user"));
        assert_eq!(lines[0].expose_password(), Some("pa:ss"));
        assert_eq!((lines[1].username(), lines[1].port()), (None, 6511));
        assert_eq!(lines[2].port(), 80);
        assert_eq!(lines[2].password().unwrap().expose(), "p");
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
    async fn a_line_too_long_fails_alike_whole_or_cut() {
        use futures_util::StreamExt;
        let long = format!("a{}\n", "b".repeat(MAX_LINE_BYTES));
        let first = "192.0.2.1:8080:u:p\n";
        let whole = format!("{first}{long}");
        let whole: &'static str = Box::leak(whole.into_boxed_str());
        let (head, tail) = whole.split_at(first.len() + 10);
        for parts in [vec![whole], vec![head, tail]] {
            let items: Vec<_> = records(chunks(&parts), ProxyLine::parse_line)
                .collect()
                .await;
            assert_eq!(items.len(), 2, "{}", parts.len());
            assert!(items[0].is_ok());
            match &items[1] {
                Err(Error::MalformedRecord {
                    line: 2,
                    field: "line",
                    message,
                }) => {
                    assert!(message.contains("longer than"), "{message}")
                }
                other => panic!("{} chunk(s): {other:?}", parts.len()),
            }
        }
    }

    #[tokio::test]
    async fn records_arrive_before_the_body_ends() {
        // A body that never ends after its first line: the first record is still delivered.
        let first = stream::iter(vec![Ok(Bytes::from_static(b"1.2.3.4:80:u:p\n"))]);
        let body = first.chain(stream::pending());
        let mut lines = Box::pin(records(body, ProxyLine::parse_line));
        let record = lines.next().await.unwrap().unwrap();
        assert_eq!(record.address(), "1.2.3.4");
    }
}
