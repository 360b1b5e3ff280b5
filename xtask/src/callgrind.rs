//! Instructions per call under valgrind's callgrind, shared by the bench commands (`bench-peer`,
//! `bench-pool`): a bench binary makes `WEBSHARE_BENCH_CALLS` calls of the variant named in
//! `WEBSHARE_BENCH_PROFILE` and exits; run with [`CALLS`]' two counts, the difference in instructions
//! divided by the difference in calls is the cost of one call, free of start-up costs.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Calls in the long and the short run: their difference, divided, is free of start-up costs.
pub(crate) const CALLS: (u64, u64) = (3000, 1000);

/// Fails, saying what `program` is for, unless it runs.
pub(crate) fn require(program: &str, version_flag: &str, why: &str) -> Result<()> {
    let ran = Command::new(program)
        .arg(version_flag)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    match ran {
        Ok(status) if status.success() => Ok(()),
        _ => bail!("`{program}` is not on PATH (or does not run): {why}"),
    }
}

/// Instructions per call of `binary` with `WEBSHARE_BENCH_PROFILE=profile`, from a long and a short
/// run; their callgrind files are `results/<name>.<calls>`.
pub(crate) fn per_call(binary: &Path, results: &Path, profile: &str, name: &str) -> Result<u64> {
    let long = instructions(binary, results, profile, name, CALLS.0)?;
    let short = instructions(binary, results, profile, name, CALLS.1)?;
    difference_per_call(long, short)
}

/// Instructions of `calls` calls of one profile (the whole program), from callgrind.
fn instructions(
    binary: &Path,
    results: &Path,
    profile: &str,
    name: &str,
    calls: u64,
) -> Result<u64> {
    let out = results.join(format!("{name}.{calls}"));
    let status = Command::new("valgrind")
        .args(["--quiet", "--tool=callgrind"])
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(binary)
        .env("WEBSHARE_BENCH_PROFILE", profile)
        .env("WEBSHARE_BENCH_CALLS", calls.to_string())
        .status()
        .context("cannot start valgrind")?;
    if !status.success() {
        bail!("{profile} with {calls} calls failed under callgrind ({status})");
    }
    let text = std::fs::read_to_string(&out)?;
    totals(&text).with_context(|| format!("{} has no totals line", out.display()))
}

/// The instruction total of a callgrind output file (`summary:`, or `totals:` in older versions).
fn totals(callgrind: &str) -> Option<u64> {
    callgrind.lines().find_map(|line| {
        line.strip_prefix("summary:")
            .or_else(|| line.strip_prefix("totals:"))?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    })
}

/// Instructions per call from the long and the short run.
fn difference_per_call(long: u64, short: u64) -> Result<u64> {
    let extra = long
        .checked_sub(short)
        .context("the long run executed fewer instructions than the short one")?;
    Ok(extra / (CALLS.0 - CALLS.1))
}

/// `123456` as `123,456`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_callgrind_totals() {
        let file = "version: 1\ncmd: x\nevents: Ir\nfn=main\n3 7\nsummary: 123456789\ntotals: 1\n";
        assert_eq!(totals(file), Some(123_456_789));
        assert_eq!(totals("events: Ir\ntotals: 42\n"), Some(42));
        assert_eq!(totals("events: Ir\n"), None);
        assert_eq!(totals("summary: many\n"), None);
    }

    #[test]
    fn instructions_per_call_are_the_difference_over_the_extra_calls() {
        assert_eq!(
            difference_per_call(300_000_000, 100_000_000).unwrap(),
            100_000
        );
        assert!(difference_per_call(1, 2).is_err());
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
