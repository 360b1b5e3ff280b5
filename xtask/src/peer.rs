//! `cargo xtask bench-peer`: the `webshare` client, a hand-written reqwest + serde call and the Rust client
//! openapi-generator makes from `openapi/webshare.yaml` (the peer), in instructions per call under
//! callgrind, side by side in one run.
//!
//! Everything lives in `<target>/peer/` and is never committed: the generator's wheel from PyPI (fetched
//! with pip), its jar, the generated client (`client/`, regenerated only when the document changed) and a
//! bench crate (`bench/`, a workspace of its own) that compiles `crates/webshare/benches/client_overhead.rs`
//! as it is, with a `peer` variant beside `hand` and `crate` (`xtask/peer-bench/main.rs`). The bench
//! crate builds into the workspace's target directory, so release artifacts are shared.
//!
//! The generated client needs one mechanical patch to compile ([`PATCHES`]): for a query parameter sent
//! as JSON text (`content: application/json`, the pricing `query`), the generator writes
//! `query.to_string()` on a struct that has no `Display`; the patch sends `serde_json::to_string(&query)?`,
//! the JSON text the document asks for. Nothing the three measured calls run is patched.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::callgrind::{self, require, thousands};
use crate::process::{cargo, run_in, target_dir};

/// The openapi-generator release the peer comes from (`openapi-generator-cli` on PyPI).
pub const GENERATOR_VERSION: &str = "7.10.0";

/// The operations measured, as the bench names them.
pub const OPERATIONS: [&str; 3] = ["login", "get_activation", "list_proxies"];

/// The variants, as the bench names them.
const VARIANTS: [&str; 3] = ["hand", "crate", "peer"];

/// The jar inside the wheel.
const JAR_IN_WHEEL: &str = "openapi_generator_cli/openapi-generator.jar";

/// Edits to the generated client, each `(file, from, to, times)`: `from` must occur exactly `times` times,
/// else the generator changed and the patch is looked at again rather than silently skipped.
const PATCHES: &[(&str, &str, &str, usize)] = &[(
    "src/apis/subscription_api.rs",
    "(\"query\", &query.to_string())",
    "(\"query\", &serde_json::to_string(&query)?)",
    2,
)];

/// The bench crate's `main.rs`; `@OVERHEAD@` becomes the path of the workspace's bench file.
const BENCH_MAIN: &str = include_str!("../peer-bench/main.rs");

/// Generates the peer, builds the bench and prints instructions per call of `operations` (all three when
/// empty) for each variant.
pub fn run(root: &Path, operations: &[&str]) -> Result<()> {
    let operations: Vec<&str> = if operations.is_empty() {
        OPERATIONS.to_vec()
    } else {
        operations.to_vec()
    };
    if let Some(unknown) = operations.iter().find(|o| !OPERATIONS.contains(o)) {
        bail!(
            "unknown operation `{unknown}`: one of {}",
            OPERATIONS.join(", ")
        );
    }
    require(
        "java",
        "-version",
        "openapi-generator needs Java 11 or later",
    )?;
    require(
        "valgrind",
        "--version",
        "the measurement runs under valgrind's callgrind",
    )?;
    let dir = target_dir(root).join("peer");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let jar = jar(&dir)?;
    generate(root, &dir, &jar)?;
    let binary = build(root, &dir)?;
    let results = dir.join("callgrind");
    std::fs::create_dir_all(&results)?;
    let mut rows = Vec::new();
    for operation in &operations {
        let mut row = [0u64; 3];
        for (i, variant) in VARIANTS.iter().enumerate() {
            row[i] = callgrind::per_call(
                &binary,
                &results,
                &format!("{variant}:{operation}"),
                &format!("{variant}.{operation}"),
            )?;
            eprintln!("{operation} {variant}: {} instructions per call", row[i]);
        }
        rows.push((*operation, row));
    }
    println!("{}", table(&rows));
    println!(
        "callgrind files: {}/<variant>.<operation>.<calls>; per function: callgrind_annotate <file>",
        results.display()
    );
    Ok(())
}

/// The generator's jar, extracted from its wheel, which pip fetches the first time.
fn jar(dir: &Path) -> Result<PathBuf> {
    let jar = dir.join(format!("openapi-generator-{GENERATOR_VERSION}.jar"));
    if jar.is_file() {
        return Ok(jar);
    }
    let wheel = dir.join(format!(
        "openapi_generator_cli-{GENERATOR_VERSION}-py3-none-any.whl"
    ));
    if !wheel.is_file() {
        let requirement = format!("openapi-generator-cli=={GENERATOR_VERSION}");
        run_in(
            dir,
            Command::new("python3").args([
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--disable-pip-version-check",
                "--dest",
                ".",
                &requirement,
            ]),
        )
        .context("fetching openapi-generator's wheel needs pip (`python3 -m pip`)")?;
    }
    let script = "import sys, zipfile\n\
                  with zipfile.ZipFile(sys.argv[1]) as w, open(sys.argv[3], 'wb') as out:\n\
                  \x20   out.write(w.read(sys.argv[2]))";
    let partial = jar.with_extension("part");
    run_in(
        dir,
        Command::new("python3")
            .args(["-c", script])
            .arg(&wheel)
            .arg(JAR_IN_WHEEL)
            .arg(&partial),
    )
    .context("extracting the jar from the wheel needs python3")?;
    std::fs::rename(&partial, &jar)?;
    Ok(jar)
}

/// Generates the peer into `dir/client`, unless it was generated from this very document by this very
/// generator (regenerating would touch every file and rebuild the crate).
fn generate(root: &Path, dir: &Path, jar: &Path) -> Result<()> {
    let spec = root.join("openapi/webshare.yaml");
    let stamp = dir.join("client.from");
    let wanted = format!(
        "openapi-generator {GENERATOR_VERSION}\n{}",
        std::fs::read_to_string(&spec)
            .with_context(|| format!("cannot read {}", spec.display()))?
    );
    let client = dir.join("client");
    if client.join("Cargo.toml").is_file()
        && std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted)
    {
        return Ok(());
    }
    if client.exists() {
        std::fs::remove_dir_all(&client)?;
    }
    run_in(
        root,
        Command::new("java")
            .arg("-jar")
            .arg(jar)
            .args(["generate", "--input-spec"])
            .arg(&spec)
            .args([
                "--generator-name",
                "rust",
                "--library",
                "reqwest",
                "--output",
            ])
            .arg(&client)
            .arg("--additional-properties=supportAsync=true,packageName=webshare_peer")
            .stdout(std::process::Stdio::null()),
    )
    .context("generating the peer client")?;
    for (file, from, to, times) in PATCHES {
        let path = client.join(file);
        let text = std::fs::read_to_string(&path)?;
        let found = text.matches(from).count();
        if found != *times {
            bail!(
                "{}: expected `{from}` {times} time(s), found it {found} time(s); review the patch",
                path.display()
            );
        }
        std::fs::write(&path, text.replace(from, to))?;
    }
    std::fs::write(&stamp, wanted)?;
    Ok(())
}

/// Writes the bench crate into `dir/bench` and builds it in release, in the workspace's target directory;
/// returns the executable.
fn build(root: &Path, dir: &Path) -> Result<PathBuf> {
    let bench = dir.join("bench");
    std::fs::create_dir_all(bench.join("src"))?;
    let overhead = root.join("crates/webshare/benches/client_overhead.rs");
    write_if_changed(
        &bench.join("src/main.rs"),
        &BENCH_MAIN.replace("@OVERHEAD@", &overhead.display().to_string()),
    )?;
    write_if_changed(&bench.join("Cargo.toml"), &manifest(root)?)?;
    // The workspace's versions of the shared dependencies, so their release builds are reused.
    let lock = bench.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(root.join("Cargo.lock"), &lock)?;
    }
    let target = target_dir(root);
    run_in(
        &bench,
        cargo()
            .args(["build", "--release", "--manifest-path"])
            .arg(bench.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target),
    )?;
    Ok(target.join("release/webshare-peer-bench"))
}

/// The bench crate's manifest: its own workspace, the crates by path, cargo's release profile (the
/// workspace's `bench` profile sets nothing either).
fn manifest(root: &Path) -> Result<String> {
    let webshare = std::fs::read_to_string(root.join("crates/webshare/Cargo.toml"))?;
    let version =
        package_version(&webshare).context("crates/webshare/Cargo.toml has no version")?;
    let crates = root.join("crates").display().to_string();
    // The crate's version, so that the bench's `User-Agent` (`CARGO_PKG_VERSION`) is the crate's.
    Ok(format!(
        r#"[package]
name = "webshare-peer-bench"
version = "{version}"
edition = "2024"
publish = false

[workspace]

[dependencies]
webshare = {{ path = "{crates}/webshare" }}
webshare-mock-server = {{ path = "{crates}/webshare-mock-server" }}
webshare_peer = {{ path = "../client" }}
peer_reqwest = {{ package = "reqwest", version = "0.12", default-features = false }}
reqwest = {{ version = "0.13", default-features = false, features = ["json", "rustls"] }}
serde = {{ version = "1", features = ["derive"] }}
chrono = {{ version = "0.4", default-features = false, features = ["serde", "clock", "std"] }}
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}
"#
    ))
}

/// The `version` of a manifest's `[package]`.
fn package_version(manifest: &str) -> Option<&str> {
    manifest
        .lines()
        .skip_while(|line| line.trim() != "[package]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .find_map(|line| line.strip_prefix("version = \"")?.strip_suffix('"'))
}

/// Leaves an unchanged file alone, so cargo does not rebuild.
fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// The Markdown table of `rows` (hand, crate, peer per operation) with the ratios.
fn table(rows: &[(&str, [u64; 3])]) -> String {
    let mut text = String::from(
        "| operation | hand-written | webshare | openapi-generator | hand ÷ webshare | peer ÷ webshare |\n\
         |---|---|---|---|---|---|\n",
    );
    for (operation, [hand, krate, peer]) in rows {
        let ratio = |n: u64| n as f64 / (*krate).max(1) as f64;
        text.push_str(&format!(
            "| `{operation}` | {} | {} | {} | {:.3} | {:.3} |\n",
            thousands(*hand),
            thousands(*krate),
            thousands(*peer),
            ratio(*hand),
            ratio(*peer)
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_the_ratios() {
        let text = table(&[("login", [130_000, 131_000, 140_000])]);
        assert!(
            text.contains("| `login` | 130,000 | 131,000 | 140,000 | 0.992 | 1.069 |"),
            "{text}"
        );
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
    }

    #[test]
    fn reads_the_package_version() {
        let manifest =
            "[package]\nname = \"x\"\nversion = \"1.2.3\"\n[dependencies]\nversion = \"9\"\n";
        assert_eq!(package_version(manifest), Some("1.2.3"));
        assert_eq!(package_version("[dependencies]\nversion = \"9\"\n"), None);
    }
}
