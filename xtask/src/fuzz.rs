//! The response decoders under the fuzzer of `crates/webshare/src/fuzz.rs`, in release mode: the long run
//! (`cargo xtask fuzz [inputs]`, 1,000,000 inputs by default) and the bounded one inside `cargo xtask
//! test` and `ci`.

use std::path::Path;

use anyhow::Result;

use crate::process::{cargo, run_in};

/// Inputs of the run inside `cargo xtask test`: a fixed count rather than a time budget, so that every run
/// decodes the same inputs (seed and count reproduce a failure exactly, on any machine). The run reuses the
/// test step's debug build (no release build of its own), and the count is measured to take well under
/// 60 s there; the figure and its command are in docs/testing.md.
pub const CI_INPUTS: u64 = 20_000;

/// The bounded run of `cargo xtask test`: the lib test `fuzz_decoders` of the test step's own build (the
/// same `cargo test --workspace` command line, so nothing is compiled again), with [`CI_INPUTS`] inputs.
pub fn run_ci(root: &Path, gated: &[crate::gated_tests::Gated]) -> Result<()> {
    let mut command = crate::gated_tests::test_command(gated);
    command
        .args(["--lib", "fuzz_decoders", "--", "--ignored", "--nocapture"])
        .env("WEBSHARE_FUZZ_INPUTS", CI_INPUTS.to_string());
    run_in(root, &mut command)
}

/// `cargo test --release -p webshare --lib fuzz_decoders -- --ignored --nocapture` with `inputs` inputs
/// (the test's own default, 1,000,000, when `None`).
pub fn run(root: &Path, inputs: Option<u64>) -> Result<()> {
    let mut command = cargo();
    command.args([
        "test",
        "--release",
        "-p",
        "webshare",
        "--lib",
        "fuzz_decoders",
        "--",
        "--ignored",
        "--nocapture",
    ]);
    if let Some(n) = inputs {
        command.env("WEBSHARE_FUZZ_INPUTS", n.to_string());
    }
    run_in(root, &mut command)
}
