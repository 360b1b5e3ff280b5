//! `cargo xtask ci`: the project's whole test command, runnable on a fresh machine.
//!
//! It installs the linters it needs into the work tree (npm packages under `tools/node_modules`, Python
//! tools in `.venv`), never globally, then lints the spec, checks codegen, and runs clippy and the tests.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::codegen;

/// Runs every check in order; stops at the first failure.
pub fn run(root: &Path) -> Result<()> {
    step("install linters (tools/node_modules, .venv)");
    install_tools(root)?;

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

    step("cargo xtask codegen --check");
    let diffs = codegen::stale_diffs(root, &codegen::generate(root)?);
    if !diffs.is_empty() {
        bail!(
            "generated files are stale; run `cargo xtask codegen`:\n{}",
            diffs.join("\n")
        );
    }
    println!("generated files are up to date");

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

    step("cargo test");
    run_in(root, cargo().args(["test", "--workspace"]))?;
    Ok(())
}

fn install_tools(root: &Path) -> Result<()> {
    if root.join("tools/node_modules/.bin/spectral").exists() {
        println!("Spectral: present");
    } else {
        run_in(
            root,
            Command::new("npm").args(["ci", "--prefix", "tools", "--no-audit", "--no-fund"]),
        )
        .context("installing Spectral needs Node.js and npm")?;
    }
    let venv = root.join(".venv");
    if !venv.join("bin/python").exists() {
        run_in(root, Command::new("python3").args(["-m", "venv", ".venv"]))
            .context("the Python tools need Python 3 with the venv module")?;
    }
    // pip is quick when everything is already satisfied, and this keeps the venv in step with the file.
    run_in(
        root,
        Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            "tools/requirements.txt",
        ]),
    )
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn step(name: &str) {
    println!("\n==> {name}");
}

fn run_in(root: &Path, command: &mut Command) -> Result<()> {
    let shown = format!("{command:?}");
    let status = command
        .current_dir(root)
        .status()
        .with_context(|| format!("cannot start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}
