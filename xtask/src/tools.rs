//! Installing the test command's tools into the work tree: npm packages under `tools/node_modules`,
//! Python tools in `.venv`. Chromium, for the rendered reference, is found (`CHROMIUM`, or on `PATH`);
//! only as root on Debian is it installed (`apt-get install chromium`), the machine's own browser.

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

/// The environment variable naming the browser to check the rendered reference in.
pub const CHROMIUM_ENV: &str = "CHROMIUM";

/// Commands that are Chromium, looked up on `PATH` in this order.
const CHROMIUM_NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// Where macOS installs Chrome.
const MAC_CHROME: &str = "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome";

/// The browser the rendered reference is checked in: `$CHROMIUM`, else the first of
/// [`CHROMIUM_NAMES`] on `PATH`, else macOS's Chrome.
pub fn chromium() -> Option<std::path::PathBuf> {
    if let Some(path) = std::env::var_os(CHROMIUM_ENV).filter(|p| !p.is_empty()) {
        return Some(path.into());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    CHROMIUM_NAMES
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .or_else(|| Some(Path::new(MAC_CHROME).to_owned()).filter(|p| p.is_file()))
}

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

/// Chromium: found, or, as root on Debian, installed from the distribution's packages (the machine's
/// browser, not a test tool's download). Anyone else gets a message saying how to provide one.
fn install_chromium() -> Result<()> {
    if let Some(path) = chromium() {
        println!("Chromium: {}", path.display());
        return Ok(());
    }
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0");
    let has_apt = Path::new("/usr/bin/apt-get").exists();
    if !(is_root && has_apt) {
        anyhow::bail!(
            "the rendered API reference is checked in Chromium, and none was found: install Chromium or \
             Chrome (Debian: `sudo apt-get install chromium`; macOS: Google Chrome), or set {CHROMIUM_ENV} \
             to its path. `cargo xtask test` runs the Rust checks without it."
        );
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
    apt(&["update", "-qq"])
        .and_then(|()| apt(&["install", "-y", "-qq", "chromium"]))
        .context("installing Debian's chromium package for the rendered API reference")
}
