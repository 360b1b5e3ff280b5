//! Property tests (proptest) of the text parsers: the proxy list line, the replaced-proxy line, the
//! activity CSV, the line splitter under any chunking, and `Retry-After`. Each never panics on any input,
//! and what it accepts, written back out, reads back the same; where a simple model of the format is
//! obvious, the parser agrees with it.

use std::time::Duration;

use bytes::Bytes;
use futures_util::{FutureExt, StreamExt};
use proptest::prelude::*;
use reqwest::header::HeaderValue;

use crate::Error;
use crate::activity_csv::{ActivityCsv, ActivityRecord};
use crate::download::{ProxyLine, records};
use crate::error::parse_retry_after;
use crate::replacements::ReplacedProxyLine;

/// The header of the activity export, in the documented order.
const HEADER: &str =
    "Time,Hostname,Destination Port,Bytes,Duration,Proxy,Your IP Address,Error Reason,Protocol";

/// The longest wait `Retry-After` is held to (a year; `error.rs` keeps it private).
const CEILING: Duration = Duration::from_secs(365 * 24 * 3600);

/// Text biased towards the characters the formats give a meaning to.
fn line_text() -> impl Strategy<Value = String> {
    let char = prop_oneof![
        4 => proptest::sample::select(vec![':', ',', '"', '.', ' ', '\r', '\n', '-', '0', '1', '9']),
        3 => proptest::char::range('0', '9'),
        2 => proptest::char::range('a', 'z'),
        1 => any::<char>(),
    ];
    proptest::collection::vec(char, 0..48).prop_map(|c| c.into_iter().collect())
}

/// A field without `forbid`'s characters (so it stays one field), trimmed and not empty.
fn field(forbid: &'static [char]) -> impl Strategy<Value = String> {
    "[a-zA-Z0-9.:_ ,\"/%é😀-]{1,20}".prop_filter_map("an empty field", move |s| {
        let s: String = s.chars().filter(|c| !forbid.contains(c)).collect();
        let s = s.trim().to_owned();
        (!s.is_empty() && s != "None").then_some(s)
    })
}

/// `address:port[:username:password]`, as the download writes it.
fn proxy_text(line: &ProxyLine) -> String {
    match (line.username(), line.expose_password()) {
        (Some(user), Some(password)) => {
            format!("{}:{}:{user}:{password}", line.address(), line.port())
        }
        _ => format!("{}:{}", line.address(), line.port()),
    }
}

/// What a proxy line says, compared field by field (its text keeps the port as written, `080`).
fn proxy_fields(line: &ProxyLine) -> (String, u16, Option<String>, Option<String>) {
    (
        line.address().to_owned(),
        line.port(),
        line.username().map(str::to_owned),
        line.expose_password().map(str::to_owned),
    )
}

/// The model of a proxy line: at least one colon, a non-empty address, a port of decimal digits from 1 to
/// 65535, and either nothing after it or a username and then a password (which may hold colons).
fn proxy_line_model(text: &str) -> bool {
    let parts: Vec<&str> = text.splitn(4, ':').collect();
    let port_ok = parts.get(1).is_some_and(|p| {
        !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.trim_start_matches('0').len() <= 5
            && p.parse::<u32>().is_ok_and(|n| (1..=65_535).contains(&n))
    });
    parts.len() >= 2 && !parts[0].is_empty() && port_ok && parts.len() != 3
}

/// One activity row as the export writes it: every text field quoted.
fn csv_row(r: &ActivityRecord) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let text = |o: &Option<String>| o.as_deref().map(quote).unwrap_or_default();
    [
        r.time.format("%Y-%m-%d %H:%M:%S%.f%:z").to_string(),
        text(&r.hostname),
        r.destination_port
            .map(|p| p.to_string())
            .unwrap_or_default(),
        r.bytes.to_string(),
        r.duration_seconds.to_string(),
        text(&r.proxy),
        text(&r.client_address),
        text(&r.error_reason),
        text(&r.protocol),
    ]
    .join(",")
}

fn activity_record() -> impl Strategy<Value = ActivityRecord> {
    let time = (
        0i64..=253_402_300_799 - 86_400,
        0u32..1_000_000_000,
        // Offsets in whole minutes: `%:z` writes no seconds, and no zone has them.
        -1_439i32..=1_439,
    )
        .prop_map(|(secs, nanos, minutes)| {
            let offset = chrono::FixedOffset::east_opt(minutes * 60).expect("within a day");
            chrono::DateTime::from_timestamp(secs, nanos)
                .expect("in range")
                .with_timezone(&offset)
        });
    let text = || proptest::option::of(field(&['\n']));
    (
        time,
        text(),
        proptest::option::of(any::<u16>()),
        any::<u64>(),
        (0.0f64..1e9),
        (text(), text(), text(), text()),
    )
        .prop_map(
            |(time, hostname, destination_port, bytes, duration_seconds, rest)| ActivityRecord {
                time,
                hostname,
                destination_port,
                bytes,
                duration_seconds,
                proxy: rest.0,
                client_address: rest.1,
                error_reason: rest.2,
                protocol: rest.3,
            },
        )
}

/// A row of nine columns, each a value the export may hold or a hostile one (empty, `None`, quotes,
/// numbers out of range, not-a-number durations).
fn activity_row() -> impl Strategy<Value = String> {
    let column = |samples: &'static [&'static str]| {
        prop_oneof![
            8 => proptest::sample::select(samples).prop_map(str::to_owned),
            1 => line_text(),
        ]
    };
    let text: &'static [&'static str] = &["None", "", " a ", "\"a,\"\"b\"\"\"", "\"\"", "x\"y"];
    (
        column(&[
            "2023-10-16 23:38:51.384785-07:00",
            "2023-10-16T23:38:51Z",
            " 2023-10-16 23:38:51+05:30 ",
            "2023-02-30 00:00:00+00:00",
        ]),
        column(text),
        column(&["443", "", "None", " 80 ", "65536"]),
        column(&["0", "18446744073709551615", " 7 ", "18446744073709551616"]),
        column(&["0.3", "1e3", "-0", "5", "NaN", "inf", "-1"]),
        (column(text), column(text), column(text), column(text)),
    )
        .prop_map(|(a, b, c, d, e, (f, g, h, i))| [a, b, c, d, e, f, g, h, i].join(","))
}

/// The records of `input` delivered in the chunks `cuts` make, or the error that ended them (as text).
fn split_records(input: &[u8], cuts: &[usize]) -> Vec<Result<(String, u16), String>> {
    let mut chunks = Vec::new();
    let mut start = 0;
    for &cut in cuts.iter().chain([&input.len()]) {
        let cut = cut.clamp(start, input.len());
        chunks.push(Ok::<_, Error>(Bytes::copy_from_slice(&input[start..cut])));
        start = cut;
    }
    let lines = records(futures_util::stream::iter(chunks), ProxyLine::parse_line);
    // Every chunk is ready, so the stream ends without waiting.
    lines
        .map(|r| {
            r.map(|l| (l.address().to_owned(), l.port()))
                .map_err(|e| e.to_string())
        })
        .collect::<Vec<_>>()
        .now_or_never()
        .expect("a stream of ready chunks")
}

/// The model of the splitter: lines split at `\n`, a trailing `\r` dropped, blank lines skipped, each
/// parsed, the first error (a line that is not UTF-8 or does not parse) the last item.
fn model_records(input: &[u8]) -> Vec<Result<(String, u16), String>> {
    let mut out = Vec::new();
    for (i, line) in input.split(|b| *b == b'\n').enumerate() {
        let number = i as u64 + 1;
        let Ok(text) = std::str::from_utf8(line) else {
            out.push(Err(Error::MalformedRecord {
                line: number,
                field: "line",
                message: "is not UTF-8".into(),
            }
            .to_string()));
            return out;
        };
        let text = text.strip_suffix('\r').unwrap_or(text);
        if text.bytes().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        match ProxyLine::parse(number, text) {
            Ok(l) => out.push(Ok((l.address().to_owned(), l.port()))),
            Err(e) => {
                out.push(Err(e.to_string()));
                return out;
            }
        }
    }
    out
}

proptest! {
    // No regression files in the work tree: a failure prints its minimal input.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn proxy_lines_agree_with_the_model_and_round_trip(text in line_text()) {
        let parsed = ProxyLine::parse(7, &text);
        prop_assert_eq!(parsed.is_ok(), proxy_line_model(&text), "{:?}", text);
        if let Ok(line) = parsed {
            let again = ProxyLine::parse(7, &proxy_text(&line)).expect("its own text");
            prop_assert_eq!(proxy_fields(&again), proxy_fields(&line));
        }
    }

    #[test]
    fn written_proxy_lines_read_back(
        address in field(&[':', '\n']),
        port in 1u16..,
        credentials in proptest::option::of((field(&[':', '\n']), field(&['\n']))),
    ) {
        let text = match &credentials {
            Some((user, password)) => format!("{address}:{port}:{user}:{password}"),
            None => format!("{address}:{port}"),
        };
        let line = ProxyLine::parse(1, &text).expect("a written line");
        let (user, password) = credentials.unzip();
        prop_assert_eq!(proxy_fields(&line), (address, port, user, password));
    }

    #[test]
    fn replaced_proxy_lines_round_trip(text in line_text()) {
        if let Ok(line) = ReplacedProxyLine::parse(3, &text) {
            let written = format!("{}:{}", proxy_text(&line.proxy), line.replaced_address);
            let again = ReplacedProxyLine::parse(3, &written).expect("its own text");
            prop_assert_eq!(proxy_fields(&again.proxy), proxy_fields(&line.proxy));
            prop_assert_eq!(again.replaced_address, line.replaced_address);
        }
    }

    #[test]
    fn activity_rows_never_panic_and_round_trip(
        header in prop_oneof![4 => Just(HEADER.to_owned()), 1 => line_text()],
        row in prop_oneof![4 => activity_row(), 1 => line_text()],
    ) {
        let mut csv = ActivityCsv::default();
        if csv.line(1, &header).is_ok()
            && let Ok(Some(record)) = csv.line(2, &row)
        {
            let mut again = ActivityCsv::default();
            prop_assert_eq!(again.line(1, HEADER).ok(), Some(None));
            let read = again.line(2, &csv_row(&record)).expect("its own row");
            prop_assert_eq!(read, Some(record));
        }
    }

    #[test]
    fn written_activity_rows_read_back(record in activity_record()) {
        let mut csv = ActivityCsv::default();
        prop_assert_eq!(csv.line(1, HEADER).ok(), Some(None));
        let row = csv_row(&record);
        let read = csv.line(2, &row).map_err(|e| TestCaseError::fail(format!("{e}: {row}")))?;
        prop_assert_eq!(read, Some(record));
    }

    #[test]
    fn the_splitter_agrees_with_the_model_whatever_the_chunks(
        lines in proptest::collection::vec(
            prop_oneof![
                Just(b"10.1.2.3:9421:user:pass".to_vec()),
                Just(b"1.2.3.4:80\r".to_vec()),
                Just(b"  ".to_vec()),
                Just(vec![0xff, b':', b'1']),
                line_text().prop_map(String::into_bytes),
            ],
            0..8,
        ),
        cuts in proptest::collection::vec(0usize..400, 0..6),
    ) {
        let input = lines.join(&b'\n');
        let mut cuts = cuts;
        cuts.sort_unstable();
        prop_assert_eq!(split_records(&input, &cuts), model_records(&input));
    }

    #[test]
    fn retry_after_never_panics_and_is_bounded(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        if let Ok(value) = HeaderValue::from_bytes(&bytes) {
            let wait = parse_retry_after(Some(&value));
            prop_assert!(wait.is_none_or(|w| w <= CEILING));
            let text = String::from_utf8_lossy(&bytes);
            let text = text.trim();
            if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
                let seconds = text.parse::<u64>().unwrap_or(u64::MAX);
                prop_assert_eq!(wait, Some(Duration::from_secs(seconds).min(CEILING)));
            }
        }
    }

    #[test]
    fn retry_after_seconds_follow_the_model(seconds in any::<u64>(), fraction in 0u32..1000) {
        let whole = HeaderValue::from_str(&seconds.to_string()).expect("digits");
        prop_assert_eq!(
            parse_retry_after(Some(&whole)),
            Some(Duration::from_secs(seconds).min(CEILING))
        );
        // Fractions round up; a minus sign is ignored as if absent.
        let small = seconds % 100_000;
        let fractional = HeaderValue::from_str(&format!("{small}.{fraction:03}")).expect("ascii");
        let expected = small + u64::from(fraction > 0);
        prop_assert_eq!(parse_retry_after(Some(&fractional)), Some(Duration::from_secs(expected)));
        let negative = HeaderValue::from_str(&format!("-{seconds}")).expect("ascii");
        prop_assert_eq!(parse_retry_after(Some(&negative)), None);
    }

    #[test]
    fn retry_after_dates_past_are_now_and_far_ones_the_ceiling(
        past in 0i64..946_684_800,
        far in 32_503_680_000i64..253_402_300_799,
    ) {
        // IMF-fixdate (RFC 9110): years before 2000 have passed; years after 3000 are past the ceiling
        // whatever the clock says, so neither depends on when the test runs.
        let http_date = |secs: i64| {
            let at = chrono::DateTime::from_timestamp(secs, 0).expect("in range");
            HeaderValue::from_str(&at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()).expect("ascii")
        };
        prop_assert_eq!(parse_retry_after(Some(&http_date(past))), Some(Duration::ZERO));
        prop_assert_eq!(parse_retry_after(Some(&http_date(far))), Some(CEILING));
    }
}
