//! Checks that the crates can be published and used from outside the workspace: `cargo package` (each
//! packaged copy built), a consumer crate that depends on `webshare` by version and compiles the
//! README's example, `cargo install` of the CLI, the feature combinations, and the declared MSRV
//! against every dependency's.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::process::{cargo, run_in, target_dir};

/// The crates that are published, in dependency order.
pub const PUBLISHED: &[&str] = &[
    "webshare-api",
    "webshare-httpmock",
    "webshare-mock-server",
    "webshare",
    "webshare-cli",
];

/// The published crate that is a binary only (its surface is its command line).
pub const CLI: &str = "webshare-cli";

/// The published libraries: every published crate but the CLI.
pub fn libraries() -> impl Iterator<Item = &'static str> {
    PUBLISHED.iter().copied().filter(|name| *name != CLI)
}

/// `cargo package` of every published crate, each packaged copy compiled (cargo verifies them against
/// each other through a temporary local registry).
pub fn package(root: &Path) -> Result<()> {
    forget_packaged_sources(root)?;
    let mut command = cargo();
    command.args(["package", "--workspace", "--locked"]);
    for unpublished in ["xtask", "webshare-tests"] {
        command.args(["--exclude", unpublished]);
    }
    run_in(root, &mut command)
}

/// Removes the sources cargo extracted from an earlier `cargo package` of these crates. Its temporary
/// local registry is named by the work tree's path, and cargo reuses an extracted copy of the same name and
/// version without looking at its contents: a later run (a fresh clone at the same path) would verify the
/// new packages against the old sources. Only our crates' copies under local-registry directories
/// (`registry/src/-<hash>/`) are removed; crates.io's are never touched.
fn forget_packaged_sources(root: &Path) -> Result<()> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
    let Some(sources) = cargo_home.map(|home| home.join("registry/src")) else {
        return Ok(());
    };
    let Ok(registries) = std::fs::read_dir(&sources) else {
        return Ok(());
    };
    let versions = versions(root)?;
    for registry in registries.filter_map(Result::ok) {
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for (name, version) in &versions {
            let extracted = registry.path().join(format!("{name}-{version}"));
            if extracted.is_dir() {
                std::fs::remove_dir_all(&extracted)
                    .with_context(|| format!("cannot remove {}", extracted.display()))?;
            }
        }
    }
    Ok(())
}

/// The published crates' versions, from the manifests.
pub fn versions(root: &Path) -> Result<Vec<(String, String)>> {
    let metadata = metadata(root, &["--no-deps"])?;
    let packages = metadata["packages"].as_array().context("no packages")?;
    PUBLISHED
        .iter()
        .map(|name| {
            packages
                .iter()
                .find(|p| p["name"] == *name)
                .and_then(|p| p["version"].as_str())
                .map(|v| ((*name).to_owned(), v.to_owned()))
                .with_context(|| format!("no package {name}"))
        })
        .collect()
}

/// `cargo metadata` (format 1) with `args`, as JSON.
fn metadata(root: &Path, args: &[&str]) -> Result<Value> {
    let output = cargo()
        .arg("metadata")
        .args(args)
        .args(["--format-version", "1"])
        .current_dir(root)
        .output()
        .context("cannot run cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(serde_json::from_slice(&output.stdout)?)
}

/// The first ```rust block of a README, as a program.
pub fn first_rust_example(readme: &str) -> Option<String> {
    let start = readme.find("```rust")?;
    let body = &readme[start..];
    let body = &body[body.find('\n')? + 1..];
    let end = body.find("```")?;
    Some(
        body[..end]
            .lines()
            // Hidden doctest lines (`# ...`) are part of the program.
            .map(|line| line.strip_prefix("# ").unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// A crate outside the workspace that depends on `webshare` by version, resolved to the packaged copies
/// (`[patch.crates-io]`, as a registry would serve them), and compiles the crate README's first example.
pub fn consumer(root: &Path) -> Result<()> {
    let versions = versions(root)?;
    let version_of = |name: &str| {
        versions
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let target = target_dir(root);
    let dir = target.join("consumer");
    std::fs::create_dir_all(dir.join("src"))?;
    let readme = std::fs::read_to_string(root.join("crates/webshare/README.md"))?;
    let example =
        first_rust_example(&readme).context("crates/webshare/README.md has no rust example")?;
    std::fs::write(dir.join("src/main.rs"), example)?;
    let packaged =
        |name: &str| -> PathBuf { target.join(format!("package/{name}-{}", version_of(name))) };
    for name in ["webshare", "webshare-api"] {
        if !packaged(name).join("Cargo.toml").exists() {
            bail!(
                "{} is missing: run `cargo package` first",
                packaged(name).display()
            );
        }
    }
    let manifest = format!(
        r#"[package]
name = "webshare-consumer"
version = "0.0.0"
edition = "2024"
publish = false

# Its own workspace: it is not a member of the one it sits in.
[workspace]

[dependencies]
webshare = "{webshare}"
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}

[patch.crates-io]
webshare = {{ path = "{webshare_path}" }}
webshare-api = {{ path = "{api_path}" }}

# The workspace's settings, so the dependencies it already compiled are reused.
[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
debug = false
"#,
        webshare = version_of("webshare"),
        webshare_path = packaged("webshare").display(),
        api_path = packaged("webshare-api").display(),
    );
    std::fs::write(dir.join("Cargo.toml"), manifest)?;
    // The workspace's lock file: the same versions of everything, so nothing new is fetched.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    run_in(
        &dir,
        cargo()
            .args(["check", "--quiet"])
            .env("CARGO_TARGET_DIR", &target),
    )
}

/// `cargo install --path crates/webshare-cli` (a debug build into `target/install`), and the installed
/// command prints its completions.
pub fn install(root: &Path) -> Result<()> {
    let target = target_dir(root);
    let install_root = target.join("install");
    run_in(
        root,
        cargo()
            .args([
                "install",
                "--quiet",
                "--locked",
                "--debug",
                "--path",
                "crates/webshare-cli",
                "--root",
            ])
            .arg(&install_root)
            .env("CARGO_TARGET_DIR", &target),
    )?;
    let output = Command::new(install_root.join("bin/webshare"))
        .args(["completions", "bash"])
        .output()
        .context("cannot run the installed webshare")?;
    let script = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || !script.contains("_webshare()") {
        bail!("the installed `webshare completions bash` printed no completion script");
    }
    println!(
        "installed {}: completions print",
        install_root.join("bin/webshare").display()
    );
    Ok(())
}

/// The feature combinations the workspace build does not make: `native-tls` alone (when OpenSSL's
/// development files are there) and every optional feature of `webshare`; the mock server without
/// `cli`.
pub fn features(root: &Path) -> Result<()> {
    run_in(
        root,
        cargo().args(["check", "--quiet", "-p", "webshare", "--all-features"]),
    )?;
    run_in(
        root,
        cargo().args(["check", "--quiet", "-p", "webshare-mock-server"]),
    )?;
    let openssl = Command::new("pkg-config")
        .args(["--exists", "openssl"])
        .status()
        .is_ok_and(|s| s.success());
    if openssl {
        run_in(
            root,
            cargo().args([
                "check",
                "--quiet",
                "-p",
                "webshare",
                "--no-default-features",
                "--features",
                "native-tls",
            ]),
        )?;
        println!("webshare: all features, native-tls alone; webshare-mock-server without cli");
    } else {
        println!(
            "webshare: all features; webshare-mock-server without cli; native-tls alone skipped: \
             no OpenSSL development files (pkg-config openssl)"
        );
    }
    Ok(())
}

/// The published libraries' documentation as docs.rs builds it (every feature), with rustdoc's warnings
/// (broken links, bad code blocks) as errors.
pub fn docs(root: &Path) -> Result<()> {
    let mut command = cargo();
    command
        .args(["doc", "--quiet", "--no-deps", "--all-features"])
        .env("RUSTDOCFLAGS", "-D warnings");
    for krate in libraries() {
        command.args(["-p", krate]);
    }
    run_in(root, &mut command)
}

/// The declared `rust-version` is at least every dependency's (what one toolchain can check: the
/// declared version itself cannot be installed here; clippy's `incompatible_msrv` covers the standard
/// library's APIs).
pub fn msrv(root: &Path) -> Result<()> {
    let metadata = metadata(root, &["--locked"])?;
    let packages = metadata["packages"].as_array().context("no packages")?;
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .context("no members")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let declared = packages
        .iter()
        .filter(|p| p["id"].as_str().is_some_and(|id| members.contains(&id)))
        .map(|p| {
            let name = p["name"].as_str().unwrap_or("?");
            p["rust_version"]
                .as_str()
                .map(parse_version)
                .with_context(|| format!("{name} declares no rust-version"))
        })
        .collect::<Result<Vec<_>>>()?;
    let msrv = declared
        .iter()
        .min()
        .copied()
        .context("no workspace members")?;
    let newer: Vec<String> = packages
        .iter()
        .filter_map(|p| {
            let needs = parse_version(p["rust_version"].as_str()?);
            (needs > msrv)
                .then(|| format!("{} {} needs Rust {}", p["name"], p["version"], fmt(needs)))
        })
        .collect();
    if !newer.is_empty() {
        bail!(
            "the declared MSRV {} is older than what dependencies need:\n  {}",
            fmt(msrv),
            newer.join("\n  ")
        );
    }
    println!(
        "MSRV {}: no dependency in Cargo.lock needs a newer Rust",
        fmt(msrv)
    );
    Ok(())
}

/// `1.88` or `1.88.0` as (major, minor, patch).
fn parse_version(text: &str) -> (u32, u32, u32) {
    let mut parts = text.split('.').map(|p| p.parse().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

fn fmt((major, minor, patch): (u32, u32, u32)) -> String {
    format!("{major}.{minor}.{patch}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_rust_block_with_its_hidden_lines() {
        let readme = "# t\n\n```toml\nx = 1\n```\n\n```rust,no_run\n# use a;\nfn main() {}\n```\n```rust\nno\n```";
        assert_eq!(first_rust_example(readme).unwrap(), "use a;\nfn main() {}");
        assert_eq!(first_rust_example("no code"), None);
    }

    #[test]
    fn versions_compare_as_numbers() {
        assert!(parse_version("1.100") > parse_version("1.88.0"));
        assert_eq!(parse_version("1.88"), (1, 88, 0));
    }
}
