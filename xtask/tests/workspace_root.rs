//! `cargo xtask` acts on the work tree it is run in, not the one its binary was built from: worktrees that
//! share a `CARGO_TARGET_DIR` share the binary.

use std::path::Path;
use std::process::Command;

use xtask::codegen::{self, find_workspace_root};

/// A second work tree: a workspace manifest and a copy of the spec and its baseline, where `edit` changes
/// the copy of the spec.
fn other_tree(edit: impl FnOnce(String) -> String) -> tempfile::TempDir {
    let here = codegen::workspace_root().unwrap();
    let tree = tempfile::tempdir().unwrap();
    std::fs::write(
        tree.path().join("Cargo.toml"),
        "[workspace]\nmembers = []\n",
    )
    .unwrap();
    std::fs::create_dir_all(tree.path().join("openapi/baseline")).unwrap();
    let spec = std::fs::read_to_string(here.join(codegen::SPEC_PATH)).unwrap();
    std::fs::write(tree.path().join(codegen::SPEC_PATH), edit(spec)).unwrap();
    std::fs::copy(
        here.join(xtask::compat::BASELINE_PATH),
        tree.path().join(xtask::compat::BASELINE_PATH),
    )
    .unwrap();
    tree
}

fn compat_in(dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("compat")
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn the_nearest_workspace_above_the_current_directory_is_the_root() {
    let tree = other_tree(|spec| spec);
    let nested = tree.path().join("openapi/baseline");
    assert_eq!(find_workspace_root(&nested).unwrap(), tree.path());
    // A member's manifest (no `[workspace]`) is passed over.
    let member = tree.path().join("crates/member");
    std::fs::create_dir_all(&member).unwrap();
    std::fs::write(member.join("Cargo.toml"), "[package]\nname = \"member\"\n").unwrap();
    assert_eq!(find_workspace_root(&member).unwrap(), tree.path());
}

#[test]
fn outside_any_workspace_is_a_clear_error() {
    let lone = tempfile::tempdir().unwrap();
    // Temporary directories live under /tmp, which no workspace contains.
    let error = find_workspace_root(lone.path()).unwrap_err().to_string();
    assert!(error.contains("not inside a Cargo workspace"), "{error}");
}

#[test]
fn the_binary_checks_the_tree_it_runs_in() {
    // The same binary: compatible here, breaking in a tree whose spec lost an operation's path.
    let here = codegen::workspace_root().unwrap();
    assert!(compat_in(&here).status.success());
    let tree =
        other_tree(|spec| spec.replacen("\n  /v2/profile/:", "\n  /v2/profile-renamed/:", 1));
    let output = compat_in(tree.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}");
    assert!(stdout.contains("/v2/profile/"), "{stdout}");
}
