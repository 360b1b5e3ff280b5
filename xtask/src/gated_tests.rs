//! The workspace's feature-gated test binaries: a `[[test]]` with `required-features`, or a test file
//! whose first attribute is `#![cfg(feature = "…")]`. `cargo test -p <crate>` builds them without their
//! features and skips them without a word; the test step names their features on its command line, so
//! they run, and prints which ones they are.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

/// One gated test binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gated {
    /// The package it belongs to.
    pub package: String,
    /// The test target's name.
    pub test: String,
    /// The features it needs, of its own package.
    pub features: Vec<String>,
}

/// Every gated test of the workspace's packages, from `cargo metadata` and the test files' first lines.
pub fn find(root: &Path) -> Result<Vec<Gated>> {
    let output = crate::process::cargo()
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(root)
        .output()
        .context("cargo metadata")?;
    anyhow::ensure!(output.status.success(), "cargo metadata failed");
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let mut gated = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let name = package["name"].as_str().unwrap_or_default();
        for target in package["targets"].as_array().into_iter().flatten() {
            let is_test = target["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k == "test"));
            if !is_test {
                continue;
            }
            let mut features: Vec<String> = target["required-features"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f.as_str().map(str::to_owned))
                .collect();
            if let Some(path) = target["src_path"].as_str() {
                let text = std::fs::read_to_string(path).with_context(|| path.to_owned())?;
                features.extend(cfg_features(&text));
            }
            if !features.is_empty() {
                features.sort();
                features.dedup();
                gated.push(Gated {
                    package: name.to_owned(),
                    test: target["name"].as_str().unwrap_or_default().to_owned(),
                    features,
                });
            }
        }
    }
    gated.sort_by(|a, b| (&a.package, &a.test).cmp(&(&b.package, &b.test)));
    Ok(gated)
}

/// The features of a file-level `#![cfg(feature = "x")]` (or `all(feature = "x", …)`) among the file's
/// inner attributes.
pub fn cfg_features(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| line.starts_with("#![cfg("))
        .flat_map(|line| {
            line.split("feature = \"")
                .skip(1)
                .filter_map(|rest| rest.split('"').next().map(str::to_owned))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `--features` for `cargo test --workspace`: each gated test's features, qualified by its package.
pub fn features_arg(gated: &[Gated]) -> String {
    let mut all: Vec<String> = gated
        .iter()
        .flat_map(|g| g.features.iter().map(|f| format!("{}/{f}", g.package)))
        .collect();
    all.sort();
    all.dedup();
    all.join(",")
}

/// Says which test binaries are gated, and by what.
pub fn announce(gated: &[Gated]) {
    for g in gated {
        println!(
            "feature-gated test binary `{}` of {}: run with --features {}",
            g.test,
            g.package,
            g.features.join(",")
        );
    }
}

/// `cargo test --workspace` with every gated test's features named: the command line of the test step,
/// which the fuzz step repeats so that it reuses the same build.
pub fn test_command(gated: &[Gated]) -> Command {
    let mut command = crate::process::cargo();
    command.args(["test", "--workspace"]);
    let features = features_arg(gated);
    if !features.is_empty() {
        command.args(["--features", &features]);
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_level_cfgs_name_their_features() {
        let text = "//! SOCKS.\n#![cfg(feature = \"socks\")]\n\nmod support;\n#[cfg(feature = \"other\")]\nfn f() {}";
        assert_eq!(cfg_features(text), ["socks"]);
        assert_eq!(
            cfg_features("#![cfg(all(feature = \"a\", feature = \"b\"))]"),
            ["a", "b"]
        );
        assert!(cfg_features("#[cfg(feature = \"x\")]\nfn f() {}").is_empty());
    }

    /// The workspace's own gated tests are found, so the test step runs them.
    #[test]
    fn the_workspace_gated_tests_are_found() {
        let root = crate::codegen::workspace_root().unwrap();
        let gated = find(&root).unwrap();
        let names: Vec<(&str, &str)> = gated
            .iter()
            .map(|g| (g.package.as_str(), g.test.as_str()))
            .collect();
        for expected in [
            ("webshare", "socks"),
            ("webshare", "blocking"),
            ("webshare-mock-server", "binary"),
        ] {
            assert!(names.contains(&expected), "{expected:?} not in {names:?}");
        }
        let arg = features_arg(&gated);
        assert!(
            arg.contains("webshare/socks") && arg.contains("webshare-mock-server/cli"),
            "{arg}"
        );
    }
}
