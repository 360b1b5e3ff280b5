//! Running the commands the checks are made of. Its own module so that `ci`, which calls every check,
//! and the checks, which run commands, do not name each other.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Where cargo builds for this workspace: `CARGO_TARGET_DIR` (perhaps shared by worktrees), else
/// `root/target`.
pub(crate) fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into)
}

/// The cargo that runs xtask (`CARGO`), so the checks use the same toolchain.
pub(crate) fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs `command` in `root`; fails, naming the command, unless it succeeds.
pub(crate) fn run_in(root: &Path, command: &mut Command) -> Result<()> {
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
