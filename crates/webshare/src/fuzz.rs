//! The response decoders under a fuzzer: every operation's success type, the error body (both field-error
//! forms) with its mapping onto [`Error`], and the text download's line splitter and parser. Inputs are the
//! spec's examples, mutated (bit flips, truncations, splices, repeated and random bytes, huge numbers,
//! deep nesting). It checks that nothing panics and that memory stays bounded.
//!
//! Not part of `cargo test` (it is `#[ignore]`d): `cargo xtask fuzz [inputs]` runs it in release mode.
//! `WEBSHARE_FUZZ_INPUTS` sets the number of inputs (default 1,000,000), `WEBSHARE_FUZZ_SEED` the seed.

use std::panic::{AssertUnwindSafe, catch_unwind};

use bytes::Bytes;
use futures_util::StreamExt;
use reqwest::StatusCode;
use webshare_api::operations::{self as ops};
use webshare_api::{Endpoint, types};

use crate::download::{ProxyLine, records};
use crate::error::from_status;
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

fn json<E: Endpoint>(status: StatusCode, bytes: &[u8]) {
    let _ = decode::<E::Response>(E::OPERATION, status, bytes);
}

/// Every decoder on one input.
fn decode_all(runtime: &tokio::runtime::Runtime, rng: &mut Rng, input: &[u8]) {
    let ok = StatusCode::OK;
    json::<ops::Register>(ok, input);
    json::<ops::Login>(ok, input);
    json::<ops::GetActivation>(ok, input);
    json::<ops::ResetPassword>(StatusCode::NO_CONTENT, input);
    json::<ops::ListProxies>(ok, input);
    json::<ops::GetProxyConfig>(ok, input);
    json::<ops::ListProxyActivity>(ok, input);
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
    // The download: split at random points, as a network would deliver it.
    let mut chunks = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        let n = 1 + rng.below(rest.len());
        chunks.push(Ok(Bytes::copy_from_slice(&rest[..n])));
        rest = &rest[n..];
    }
    runtime.block_on(async {
        let mut lines = Box::pin(records(
            futures_util::stream::iter(chunks),
            ProxyLine::parse_line,
        ));
        while let Some(line) = lines.next().await {
            if let Ok(line) = line {
                let _ = format!("{line:?}");
            }
        }
    });
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
    let corpus = corpus();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let mut rng = Rng(seed | 1);
    let started = std::time::Instant::now();
    // Memory after a warm-up (allocator pools, runtime), then at the end: it must not grow with inputs.
    let mut baseline = None;
    for i in 0..inputs {
        let input = mutate(&mut rng, &corpus);
        let outcome = catch_unwind(AssertUnwindSafe(|| decode_all(&runtime, &mut rng, &input)));
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
    let end = resident_kib();
    println!(
        "fuzz: {inputs} inputs × 15 decoders (7 success types, the error body under 7 statuses, the download), \
         corpus {} seeds, seed {seed}: no panic in {:.1} s; resident memory {:?} KiB after 10,000 inputs, {:?} KiB at the end",
        corpus.len(),
        started.elapsed().as_secs_f64(),
        baseline,
        end
    );
    if let (Some(before), Some(after)) = (baseline, end) {
        assert!(
            after < before + 16 * 1024,
            "memory grew from {before} KiB to {after} KiB"
        );
    }
}
