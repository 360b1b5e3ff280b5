//! `cargo xtask bench-pool`: `webshare::pool`'s `Pool::send` against a hand-written reqwest call through
//! the same proxy, in instructions per request under callgrind, side by side in one run. The bench is
//! `crates/webshare/benches/pool_live.rs` (its `hand` and `pool` profiles); its callgrind files stay in
//! `<target>/pool-bench/` for `callgrind_annotate`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::callgrind::{self, require, thousands};
use crate::process::{cargo, target_dir};

/// The variants, as the bench names them: the hand-written call first, the pool's second.
const VARIANTS: [&str; 2] = ["hand", "pool"];

/// Builds the bench and prints instructions per request of each variant and their ratio.
pub fn run(root: &Path) -> Result<()> {
    require(
        "valgrind",
        "--version",
        "the measurement runs under valgrind's callgrind",
    )?;
    let binary = build(root)?;
    let results = target_dir(root).join("pool-bench");
    std::fs::create_dir_all(&results)
        .with_context(|| format!("cannot create {}", results.display()))?;
    let mut counts = [0u64; 2];
    for (count, variant) in counts.iter_mut().zip(VARIANTS) {
        *count = callgrind::per_call(&binary, &results, variant, variant)?;
        eprintln!("{variant}: {} instructions per request", thousands(*count));
    }
    println!("{}", table(counts));
    println!(
        "callgrind files: {}/<variant>.<calls>; per function: callgrind_annotate <file>",
        results.display()
    );
    Ok(())
}

/// Builds the bench (cargo's `bench` profile) and returns its executable, from cargo's JSON messages.
fn build(root: &Path) -> Result<PathBuf> {
    let output = cargo()
        .args([
            "bench",
            "--package",
            "webshare",
            "--features",
            "pool",
            "--bench",
            "pool_live",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ])
        .current_dir(root)
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("cannot start cargo")?;
    anyhow::ensure!(
        output.status.success(),
        "building the pool_live bench failed"
    );
    executable(&String::from_utf8_lossy(&output.stdout))
        .context("cargo named no executable for the pool_live bench")
}

/// The executable of the `pool_live` bench among cargo's JSON messages.
fn executable(messages: &str) -> Option<PathBuf> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["target"]["name"] == "pool_live")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
}

/// The Markdown table of the two counts and the pool's cost relative to the hand-written call.
fn table([hand, pool]: [u64; 2]) -> String {
    let ratio = pool as f64 / hand.max(1) as f64;
    format!(
        "| hand-written reqwest | `Pool::send` | pool ÷ hand |\n|---|---|---|\n| {} | {} | {ratio:.3} ({:+.1} %) |\n",
        thousands(hand),
        thousands(pool),
        (ratio - 1.0) * 100.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_the_ratio() {
        let text = table([200_000, 203_000]);
        assert!(
            text.contains("| 200,000 | 203,000 | 1.015 (+1.5 %) |"),
            "{text}"
        );
    }

    #[test]
    fn finds_the_bench_executable() {
        let messages = concat!(
            r#"{"reason":"compiler-artifact","target":{"name":"webshare"},"executable":null}"#,
            "\n",
            r#"{"reason":"compiler-artifact","target":{"name":"pool_live"},"executable":"/t/release/deps/pool_live-1"}"#,
            "\n",
            r#"{"reason":"build-finished","success":true}"#,
        );
        assert_eq!(
            executable(messages),
            Some(PathBuf::from("/t/release/deps/pool_live-1"))
        );
        assert_eq!(executable("not json\n"), None);
    }
}
