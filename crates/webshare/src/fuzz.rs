//! The response decoders under a fuzzer: every operation's success type (through
//! [`OperationId::visit`], so an operation added to the spec is fuzzed without a list to update), the
//! error body (both field-error forms) with its mapping onto [`Error`](crate::Error), the text downloads'
//! line splitter with the proxy list, replaced-proxy and activity CSV parsers, and the PDF's prefix check.
//! Inputs are the seeds (the spec's examples, sample downloads) as they are, then mutated (bit flips,
//! truncations, splices, repeated and random bytes, huge numbers, deep nesting). It checks that nothing
//! panics and that memory stays bounded.
//!
//! The long run is `#[ignore]`d: `cargo xtask fuzz [inputs]` runs it in release mode, and `cargo xtask
//! test`/`ci` run it with a fixed count. `WEBSHARE_FUZZ_INPUTS` sets the number of inputs (default
//! 1,000,000), `WEBSHARE_FUZZ_SEED` the seed. `every_operation_is_fuzzed` is part of `cargo test`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use bytes::Bytes;
use futures_util::{FutureExt, StreamExt};
use reqwest::StatusCode;
use webshare_api::operations::{self as ops, OperationId, OperationVisitor};
use webshare_api::{Endpoint, ResponseKind, types};

use crate::activity_csv::ActivityCsv;
use crate::download::{ProxyLine, records, starting_with};
use crate::error::from_status;
use crate::replacements::ReplacedProxyLine;
use crate::request::decode;

/// A small, fast, seedable generator (xorshift64*): reproducible runs without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The seeds: every JSON example of the spec, error examples in both forms, and download lines.
fn corpus() -> Vec<Vec<u8>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/webshare.yaml");
    let spec: serde_json::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).expect("the spec is readable"))
            .expect("the spec is YAML");
    let mut out = Vec::new();
    collect_examples(&spec, &mut out);
    out.push(b"10.1.2.3:9421:username:password\r\n10.1.2.4:6511:u:p\n1.2.3.4:80\n".to_vec());
    out.push(b"10.1.2.3:9421:username:password:10.9.9.9\n1.2.3.4:80:10.9.9.8\n".to_vec());
    out.push(
        b"Time,Hostname,Destination Port,Bytes,Duration,Proxy,Your IP Address,Error Reason,Protocol\n\
          2023-10-16 23:38:51.384785-07:00,test.dev.webshare.io,443,102400,0.3,178.62.198.117,10.1.0.1,None,http\n\
          2023-10-16 23:38:52-07:00,\"a,\"\"b\"\"\",None,0,1.5,None,None,timeout,socks\n"
            .to_vec(),
    );
    out.push(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n".to_vec());
    out.push(br#"{"password":["too short",{"message":"common","code":"password_too_common"}],"code":[{"message":"bad"}],"non_field_errors":["x"]}"#.to_vec());
    out
}

fn collect_examples(value: &serde_json::Value, out: &mut Vec<Vec<u8>>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                if key == "example" || key == "value" {
                    match v {
                        serde_json::Value::String(s) => out.push(s.as_bytes().to_vec()),
                        other => out.push(serde_json::to_vec(other).unwrap_or_default()),
                    }
                }
                collect_examples(v, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_examples(v, out)),
        _ => {}
    }
}

/// One mutation of `seed`.
fn mutate(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut data = corpus[rng.below(corpus.len())].clone();
    for _ in 0..=rng.below(4) {
        let at = rng.below(data.len() + 1);
        let insert = |data: &mut Vec<u8>, bytes: Vec<u8>| {
            data.splice(at..at, bytes);
        };
        match rng.below(10) {
            0 => data.truncate(at),
            1 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            2 => {
                let other = &corpus[rng.below(corpus.len())];
                let from = rng.below(other.len() + 1);
                insert(&mut data, other[from..].iter().copied().take(64).collect());
            }
            3 => {
                let n = rng.below(16);
                let random = (0..n).map(|_| rng.next() as u8).collect();
                insert(&mut data, random);
            }
            4 => insert(&mut data, b"99999999999999999999999999999".to_vec()),
            5 => {
                let depth = rng.below(200);
                insert(&mut data, vec![b'['; depth]);
            }
            6 => insert(&mut data, b"\"\\u0000\\ud800\"".to_vec()),
            7 => insert(&mut data, b"null".to_vec()),
            8 if !data.is_empty() => {
                let i = rng.below(data.len());
                data.insert(i, data[i]);
            }
            _ => insert(&mut data, b":\n".to_vec()),
        }
    }
    data
}

/// Decodes one input as an operation's success body: called by [`OperationId::visit`] with each
/// operation's parameter type, so every operation of the spec is covered without a list to keep.
struct SuccessBody<'a>(&'a [u8]);

impl OperationVisitor for SuccessBody<'_> {
    /// The operation, and whether the input decoded as its success type (`None` for a download, whose
    /// body the text and PDF readers of [`decode_all`] take).
    type Output = (OperationId, Option<bool>);

    fn visit<E: Endpoint>(self) -> Self::Output {
        let operation = E::OPERATION;
        let status = match operation.response {
            ResponseKind::Empty => StatusCode::NO_CONTENT,
            ResponseKind::Json => StatusCode::OK,
            ResponseKind::Text | ResponseKind::Csv | ResponseKind::Binary => {
                return (operation.id, None);
            }
        };
        let decoded = decode::<E::Response>(operation, status, self.0);
        // An error's text is built too: the spec-mismatch path walks the input again.
        if let Err(error) = &decoded {
            let _ = error.to_string();
        }
        (operation.id, Some(decoded.is_ok()))
    }
}

/// `input` cut at random points, as a network would deliver it.
fn chunks(rng: &mut Rng, input: &[u8]) -> Vec<Result<Bytes, crate::Error>> {
    let mut chunks = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        let n = 1 + rng.below(rest.len());
        chunks.push(Ok(Bytes::copy_from_slice(&rest[..n])));
        rest = &rest[n..];
    }
    chunks
}

/// Every record of a text download of `input`, read with `parse` (each printed, as a caller would).
fn text_download<T: std::fmt::Debug + Send + Unpin>(
    rng: &mut Rng,
    input: &[u8],
    parse: impl FnMut(u64, &str) -> Result<Option<T>, crate::Error> + Send + Unpin,
) {
    let lines = records(futures_util::stream::iter(chunks(rng, input)), parse);
    // Every chunk is ready: the stream ends without waiting, so no runtime is needed.
    let read = lines
        .map(|record| format!("{record:?}"))
        .collect::<Vec<_>>()
        .now_or_never();
    assert!(read.is_some(), "a download of ready chunks waited");
}

/// Every decoder on one input; counts, for each operation of [`ops::ALL`], the visits and the inputs
/// that decoded as its success type.
fn decode_all(rng: &mut Rng, input: &[u8], counts: &mut [Counts]) {
    for (count, operation) in counts.iter_mut().zip(ops::ALL) {
        let (id, decoded) = operation.id.visit(SuccessBody(input));
        count.visited += u64::from(id == operation.id);
        count.decoded += u64::from(decoded == Some(true));
    }
    // The error body and its mapping, for every status family.
    for status in [400u16, 401, 403, 404, 429, 503, 418] {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
        let body = serde_json::from_slice::<types::Error>(input).ok();
        let error = from_status(
            status,
            body,
            None,
            Some(String::from_utf8_lossy(input).into_owned()),
            None,
        );
        let _ = error.to_string();
    }
    // The text downloads: proxy lines, replaced-proxy lines, the activity CSV; and the PDF's check.
    text_download(rng, input, ProxyLine::parse_line);
    text_download(rng, input, |line, text| {
        ReplacedProxyLine::parse(line, text).map(Some)
    });
    let mut csv = ActivityCsv::default();
    text_download(rng, input, move |line, text| csv.line(line, text));
    let pdf = starting_with(futures_util::stream::iter(chunks(rng, input)), b"%PDF");
    let _ = pdf.collect::<Vec<_>>().now_or_never();
}

/// One operation's share of a run.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    /// Inputs given to its decoder.
    visited: u64,
    /// Inputs that decoded as its success type.
    decoded: u64,
}

/// What a run did.
struct Run {
    /// Inputs decoded.
    inputs: u64,
    /// For each operation of [`ops::ALL`], in order.
    counts: Vec<Counts>,
    /// Resident memory after 10,000 inputs and at the end, in KiB.
    memory: (Option<u64>, Option<u64>),
    seconds: f64,
}

/// Decodes the corpus's seeds as they are, then `inputs` mutations of them; panics (saving the input)
/// if a decoder panics.
fn run(inputs: u64, seed: u64) -> Run {
    let corpus = corpus();
    let mut rng = Rng(seed | 1);
    let mut counts = vec![Counts::default(); ops::ALL.len()];
    let started = std::time::Instant::now();
    // Memory after a warm-up (allocator pools), then at the end: it must not grow with inputs.
    let mut baseline = None;
    let seeds = corpus.iter().cloned();
    let mutations = (0..inputs).map(|_| None);
    for (i, input) in seeds.map(Some).chain(mutations).enumerate() {
        let input = input.unwrap_or_else(|| mutate(&mut rng, &corpus));
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            decode_all(&mut rng, &input, &mut counts)
        }));
        if outcome.is_err() {
            let path = std::env::temp_dir().join("webshare-fuzz-crash.bin");
            let _ = std::fs::write(&path, &input);
            panic!(
                "input {i} (seed {seed}) panicked a decoder; saved to {}",
                path.display()
            );
        }
        if i == 10_000 {
            baseline = resident_kib();
        }
    }
    Run {
        inputs: corpus.len() as u64 + inputs,
        counts,
        memory: (baseline, resident_kib()),
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Resident memory of this process, in KiB (Linux), for the bounded-memory check.
fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[test]
#[ignore = "a long run: `cargo xtask fuzz`"]
fn fuzz_decoders() {
    let inputs: u64 = std::env::var("WEBSHARE_FUZZ_INPUTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let seed: u64 = std::env::var("WEBSHARE_FUZZ_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_261_124);
    let run = run(inputs, seed);
    let (before, after) = run.memory;
    let bodies = ops::ALL
        .iter()
        .filter(|op| matches!(op.response, ResponseKind::Json | ResponseKind::Empty))
        .count();
    let some = run.counts.iter().filter(|c| c.decoded > 0).count();
    println!(
        "fuzz: {} inputs × {} decoders (the success types of {bodies} operations, the error body under 7 \
         statuses, the proxy list, replaced-proxy and activity CSV downloads, the PDF check), seed {seed}: \
         no panic in {:.1} s, {:.0} inputs/s; {some} success types decoded at least one input; resident \
         memory {before:?} KiB after 10,000 inputs, {after:?} KiB at the end",
        run.inputs,
        bodies + 7 + 4,
        run.seconds,
        run.inputs as f64 / run.seconds.max(f64::EPSILON),
    );
    if let (Some(before), Some(after)) = (before, after) {
        assert!(
            after < before + 16 * 1024,
            "memory grew from {before} KiB to {after} KiB"
        );
    }
}

/// Part of `cargo test`: the seeds and a few mutations through every decoder, and every operation of the
/// spec among them: one missing from the visit would be left at zero inputs.
#[test]
fn every_operation_is_fuzzed() {
    let run = run(200, 1);
    let missed: Vec<&str> = ops::ALL
        .iter()
        .zip(&run.counts)
        .filter(|(_, c)| c.visited != run.inputs)
        .map(|(operation, _)| operation.name)
        .collect();
    assert!(missed.is_empty(), "not given every input: {missed:?}");
    // Each JSON answer's own example (a bodiless answer anything) decodes as its success type, so the
    // fuzzer starts from inputs each decoder takes; downloads are read by the text and PDF readers.
    let never: Vec<&str> = ops::ALL
        .iter()
        .zip(&run.counts)
        .filter(|(operation, c)| {
            matches!(operation.response, ResponseKind::Json | ResponseKind::Empty) && c.decoded == 0
        })
        .map(|(operation, _)| operation.name)
        .collect();
    assert!(
        never.is_empty(),
        "no seed decodes as the success type of {never:?}"
    );
}
