//! Installing the test command's tools into the work tree: npm packages under `tools/node_modules`,
//! Python tools in `.venv`, and Debian's Chromium for the rendered reference. Never anything global but
//! the Debian package, which is the machine's browser.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::ci::run_in;

/// Files of the npm packages the checks use; any one missing reinstalls from `tools/package-lock.json`.
const NPM_FILES: &[&str] = &[
    ".bin/spectral",
    ".bin/openapi-typescript",
    ".bin/tsc",
    "openapi-fetch/package.json",
    "redoc/bundles/redoc.standalone.js",
];

/// The browser the rendered reference is checked in.
pub const CHROMIUM: &str = "/usr/bin/chromium";

pub fn install(root: &Path) -> Result<()> {
    let modules = root.join("tools/node_modules");
    if NPM_FILES.iter().all(|file| modules.join(file).exists()) {
        println!("npm tools: present");
    } else {
        run_in(
            root,
            Command::new("npm").args(["ci", "--prefix", "tools", "--no-audit", "--no-fund"]),
        )
        .context("installing the npm tools needs Node.js and npm")?;
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
    )?;
    install_chromium()
}

/// Debian's Chromium, from the distribution's packages (the machine's browser, not a download of a test
/// tool's own build).
fn install_chromium() -> Result<()> {
    if Path::new(CHROMIUM).exists() {
        println!("Chromium: present");
        return Ok(());
    }
    let apt = |args: &[&str]| {
        let status = Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status();
        match status {
            Ok(status) if status.success() => Ok(()),
            Ok(status) => anyhow::bail!("apt-get {} failed ({status})", args.join(" ")),
            Err(e) => anyhow::bail!("cannot run apt-get: {e}"),
        }
    };
    apt(&["update", "-qq"]).and_then(|()| apt(&["install", "-y", "-qq", "chromium"]))
        .context("checking the rendered API reference needs Debian's chromium package (run as root, or install it)")
}
