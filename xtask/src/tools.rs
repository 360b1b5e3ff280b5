//! Installing the test command's tools into the work tree: npm packages under `tools/node_modules`,
//! Python tools in `.venv`. Chromium, for the rendered reference, is found (`CHROMIUM`, or on `PATH`);
//! only when none is, as root on Debian, is Debian's `chromium` installed, the machine's own browser:
//! the commands of [`APT_INSTALL`] (no recommended packages, no upgrade), printed before they run.
//! `WEBSHARE_NO_INSTALL=1` forbids that: without a browser the command then fails, naming `CHROMIUM`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use crate::process::run_in;

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
pub fn chromium() -> Option<PathBuf> {
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

/// The environment variable that, set to anything but empty or `0`, forbids installing anything outside
/// the work tree (today only Debian's `chromium`).
pub const NO_INSTALL_ENV: &str = "WEBSHARE_NO_INSTALL";

/// The `apt-get` commands that install Chromium, in order, each run with `DEBIAN_FRONTEND=noninteractive`.
/// `update` only refreshes the package lists (a fresh container has none). `install` names the one
/// package, without `Recommends` (they pulled in some 130 packages: desktop services and fonts a headless
/// DOM dump does not need), and nothing here upgrades: no `upgrade`, `dist-upgrade` or `--only-upgrade`.
/// apt may still upgrade an installed library when this `chromium` needs a newer version of it; it
/// lists those before installing.
pub const APT_INSTALL: &[&[&str]] = &[
    &["update", "-qq"],
    &["install", "--no-install-recommends", "-y", "chromium"],
];

/// Whether `WEBSHARE_NO_INSTALL` forbids system-wide installs.
fn no_install() -> bool {
    std::env::var_os(NO_INSTALL_ENV).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Whether this machine runs Debian itself (`ID=debian` in `/etc/os-release`): its `chromium` package
/// is the browser; a derivative's may not be (Ubuntu's is a transitional package for a snap).
fn is_debian() -> bool {
    std::fs::read_to_string("/etc/os-release").is_ok_and(|release| {
        release
            .lines()
            .any(|line| matches!(line.trim(), "ID=debian" | "ID=\"debian\""))
    })
}

/// What `cargo xtask ci` does about the browser.
#[derive(Debug, PartialEq, Eq)]
enum BrowserPlan {
    /// Use this one.
    Found(PathBuf),
    /// Run [`APT_INSTALL`].
    Install,
    /// Stop, with this message saying how to provide one.
    Refuse(String),
}

/// The plan for a machine where `found` is the browser, if any; `can_install` (asked only when it
/// matters) says whether this is root on Debian with `apt-get`.
fn browser_plan(
    found: Option<PathBuf>,
    no_install: bool,
    can_install: impl FnOnce() -> bool,
) -> BrowserPlan {
    if let Some(path) = found {
        return BrowserPlan::Found(path);
    }
    let provide = format!(
        "install Chromium or Chrome (Debian: `sudo apt-get install --no-install-recommends chromium`; \
         macOS: Google Chrome), or set {CHROMIUM_ENV} to its path. `cargo xtask test` runs the Rust \
         checks without it."
    );
    if no_install {
        BrowserPlan::Refuse(format!(
            "the rendered API reference is checked in Chromium, none was found, and {NO_INSTALL_ENV} \
             forbids installing one system-wide: {provide}"
        ))
    } else if can_install() {
        BrowserPlan::Install
    } else {
        BrowserPlan::Refuse(format!(
            "the rendered API reference is checked in Chromium, and none was found: {provide}"
        ))
    }
}

/// Chromium: found, or, as root on Debian and unless [`NO_INSTALL_ENV`] forbids it, installed from the
/// distribution's packages (the machine's browser, not a test tool's download) by [`APT_INSTALL`].
/// Anyone else gets a message saying how to provide one.
fn install_chromium() -> Result<()> {
    let can_install = || {
        let is_root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| out.stdout.trim_ascii() == b"0");
        is_root && is_debian() && Path::new("/usr/bin/apt-get").exists()
    };
    match browser_plan(chromium(), no_install(), can_install) {
        BrowserPlan::Found(path) => {
            println!("Chromium: {}", path.display());
            return Ok(());
        }
        BrowserPlan::Refuse(message) => anyhow::bail!(message),
        BrowserPlan::Install => {}
    }
    // Said before anything runs, so that the log shows what was done to the machine and why.
    println!(
        "Chromium: none found ({CHROMIUM_ENV} unset, none on PATH); as root on Debian, installing \
         Debian's chromium (set {CHROMIUM_ENV} to a browser, or {NO_INSTALL_ENV}=1 to forbid this). \
         Running:"
    );
    for args in APT_INSTALL {
        println!(
            "  DEBIAN_FRONTEND=noninteractive apt-get {}",
            args.join(" ")
        );
    }
    for args in APT_INSTALL {
        let status = Command::new("apt-get")
            .args(*args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status();
        match status {
            Ok(status) if status.success() => {}
            Ok(status) => anyhow::bail!(
                "installing Debian's chromium for the rendered API reference: apt-get {} failed \
                 ({status}); set {CHROMIUM_ENV} to a browser instead",
                args.join(" ")
            ),
            Err(e) => anyhow::bail!("installing Debian's chromium: cannot run apt-get: {e}"),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::{APT_INSTALL, BrowserPlan, browser_plan};

    #[test]
    fn the_browser_install_upgrades_nothing_and_skips_recommends() {
        let words: Vec<&str> = APT_INSTALL.iter().flat_map(|c| c.iter().copied()).collect();
        for forbidden in ["upgrade", "dist-upgrade", "full-upgrade", "--only-upgrade"] {
            assert!(
                !words.contains(&forbidden),
                "{forbidden} in {APT_INSTALL:?}"
            );
        }
        let install = APT_INSTALL.iter().find(|c| c[0] == "install").unwrap();
        assert!(install.contains(&"--no-install-recommends"));
        assert_eq!(install.last(), Some(&"chromium"));
    }

    #[test]
    fn a_found_browser_is_used_and_the_opt_out_refuses_to_install() {
        let found = PathBuf::from("/opt/chrome");
        let never = || -> bool { panic!("asked whether it can install") };
        assert_eq!(
            browser_plan(Some(found.clone()), true, never),
            BrowserPlan::Found(found)
        );
        let BrowserPlan::Refuse(message) = browser_plan(None, true, never) else {
            panic!("WEBSHARE_NO_INSTALL=1 did not refuse");
        };
        assert!(message.contains("CHROMIUM") && message.contains("WEBSHARE_NO_INSTALL"));
        assert_eq!(browser_plan(None, false, || true), BrowserPlan::Install);
        let BrowserPlan::Refuse(message) = browser_plan(None, false, || false) else {
            panic!("installed without root on Debian");
        };
        assert!(message.contains("CHROMIUM"));
    }
}
