//! `cargo xtask <command>`: see `cargo xtask help`.

use std::process::ExitCode;

use xtask::codegen;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check]   regenerate the client, the httpmock helpers and openapi/webshare.json from
                      openapi/webshare.yaml; with --check, write nothing, print a diff of what is
                      stale and fail if anything is
  compat              list the breaking changes of openapi/webshare.yaml against the released
                      baseline (openapi/baseline/webshare.yaml); fails if there are any
  bump-baseline       make the current document the baseline (after raising info.version; a
                      breaking change needs a new major version)
  docs                render the API reference (Redocly) to build/docs/webshare.html and check in
                      headless Chromium that it shows every operation
  fuzz [inputs]       the response decoders under a fuzzer (default 1,000,000 inputs; release
                      build); `test` and `ci` run it on a fixed count (xtask/src/fuzz.rs)
  schemathesis        run schemathesis (every phase) against a started mock server, as `ci` does
  smoke               generate the Python and TypeScript clients and drive each against a started
                      mock server (tools/smoke/), as `ci` does
  semver [--bless]    the public Rust API of each published library (from rustdoc's JSON)
                      against api/<crate>.txt, its last release: an item gone or changed
                      needs a breaking version bump; --bless records the current one
  bench-peer [op..]   instructions per call (callgrind) of the client, a hand-written reqwest call
                      and openapi-generator's Rust client (generated into target/peer/; needs
                      java, pip, valgrind) for login, get_activation, list_proxies (or those named)
  bench-pool          instructions per request (callgrind) of webshare::pool's Pool::send and a
                      hand-written reqwest call through the same mock proxy (needs valgrind)
  test                the Rust-only checks, nothing else needed: codegen --check, compat,
                      cargo fmt --check, cargo clippy -D warnings, cargo test, the fuzzer's
                      bounded run
  publish-check       the crates as others get them: MSRV against dependencies, feature
                      combinations, cargo package (verified), a consumer crate outside the
                      workspace, cargo install of the CLI
  ci                  the whole test command: install the tools locally, lint the spec, `test`,
                      cargo deny, `publish-check`, schemathesis, other languages' clients, the
                      rendered reference in Chromium (CHROMIUM, else one on PATH; else, as root
                      on Debian, `apt-get install --no-install-recommends chromium`, which
                      WEBSHARE_NO_INSTALL=1 forbids)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => run_codegen(false),
        ["codegen", "--check"] => run_codegen(true),
        ["compat"] => run_compat(),
        ["bump-baseline"] => codegen::workspace_root()
            .and_then(|root| xtask::compat::bump_baseline(&root))
            .map(|message| {
                println!("{message}");
                true
            }),
        ["docs"] => codegen::workspace_root().and_then(|root| {
            xtask::checks::build_docs(&root)
                .and_then(|page| xtask::checks::check_rendered_docs(&root, &page))
                .map(|()| true)
        }),
        ["fuzz"] => run_fuzz(None),
        ["fuzz", n] => run_fuzz(Some(n)),
        ["schemathesis"] => codegen::workspace_root()
            .and_then(|root| xtask::checks::schemathesis(&root))
            .map(|()| true),
        ["smoke"] => codegen::workspace_root()
            .and_then(|root| xtask::checks::cross_language(&root))
            .map(|()| true),
        ["semver"] => codegen::workspace_root()
            .and_then(|root| xtask::semver::run(&root, false))
            .map(|()| true),
        ["semver", "--bless"] => codegen::workspace_root()
            .and_then(|root| xtask::semver::run(&root, true))
            .map(|()| true),
        ["bench-peer", operations @ ..] => codegen::workspace_root()
            .and_then(|root| xtask::peer::run(&root, operations))
            .map(|()| true),
        ["bench-pool"] => codegen::workspace_root()
            .and_then(|root| xtask::pool_bench::run(&root))
            .map(|()| true),
        ["test"] => codegen::workspace_root()
            .and_then(|root| xtask::ci::rust(&root))
            .map(|()| true),
        ["publish-check"] => codegen::workspace_root()
            .and_then(|root| xtask::ci::publishing(&root))
            .map(|()| true),
        ["ci"] => codegen::workspace_root()
            .and_then(|root| xtask::ci::run(&root))
            .map(|()| true),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(true)
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Returns whether the generated files are (now) in sync.
fn run_codegen(check: bool) -> anyhow::Result<bool> {
    let root = codegen::workspace_root()?;
    let files = codegen::generate(&root)?;
    if check {
        let diffs = codegen::stale_diffs(&root, &files);
        for diff in &diffs {
            print!("{diff}");
        }
        if !diffs.is_empty() {
            eprintln!(
                "{} generated file(s) are stale: run `cargo xtask codegen`.",
                diffs.len()
            );
        }
        return Ok(diffs.is_empty());
    }
    let written = codegen::write(&root, &files)?;
    for path in &written {
        println!("wrote {}", path.display());
    }
    if written.is_empty() {
        println!("generated files are up to date");
    }
    Ok(true)
}

/// Returns whether the document is compatible with the baseline.
fn run_compat() -> anyhow::Result<bool> {
    let changes = xtask::compat::check(&codegen::workspace_root()?)?;
    for change in &changes {
        println!("breaking: {change}");
    }
    if changes.is_empty() {
        println!(
            "no breaking changes against {}",
            xtask::compat::BASELINE_PATH
        );
    }
    Ok(changes.is_empty())
}

/// The fuzzer's long run (`xtask::fuzz`); `inputs` must be a whole number.
fn run_fuzz(inputs: Option<&str>) -> anyhow::Result<bool> {
    let inputs = inputs
        .map(|n| {
            n.replace(['_', ','], "")
                .parse::<u64>()
                .map_err(|_| anyhow::anyhow!("`{n}` is not a number of inputs"))
        })
        .transpose()?;
    xtask::fuzz::run(&codegen::workspace_root()?, inputs).map(|()| true)
}
