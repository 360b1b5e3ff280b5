//! The checks that run against a started mock server: schemathesis, the cross-language smoke tests, and
//! the rendered API reference in a real headless browser.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::codegen;
use crate::mock_process::MockServerProcess;
use crate::process::{cargo, run_in};

/// Builds the mock server binary and starts it with `args`.
fn start_mock_server(root: &Path, args: &[&str]) -> Result<MockServerProcess> {
    run_in(
        root,
        cargo().args([
            "build",
            "--quiet",
            "-p",
            "webshare-mock-server",
            "--features",
            "cli",
        ]),
    )?;
    let binary = crate::process::target_dir(root).join("debug/webshare-mock-server");
    MockServerProcess::start(&binary, args)
}

/// The checks a pass leaves out. Schema-valid data can still be refused by business rules (wrong
/// credentials, unknown one-time codes, weak passwords), as the real service refuses it; and the billing
/// PATCH meets a false negative-data finding (see `alone`).
fn excluded_checks(selection: &[&str]) -> &'static str {
    if selection.contains(&"update_billing_info") && selection.contains(&"--include-operation-id") {
        "positive_data_acceptance,negative_data_rejection"
    } else {
        "positive_data_acceptance"
    }
}

/// Starts the mock server binary, registers an account for a token, and runs schemathesis against it.
pub fn schemathesis(root: &Path) -> Result<()> {
    // No resend throttle, so that schemathesis reaches the logic behind resend (the e2e tests cover 429).
    let server = start_mock_server(root, &["--resend-throttle-secs", "0"])?;
    let work_dir = root.join("build/schemathesis");
    std::fs::create_dir_all(&work_dir)?;
    // Hypothesis keeps failing and interesting examples between runs and replays them first, so a
    // developer's second run differs from CI's fresh clone (seen: a replayed case met a false "missing
    // required property" finding that a fresh run does not generate). Every run starts as CI's does.
    for database in [".hypothesis", ".schemathesis"] {
        match std::fs::remove_dir_all(work_dir.join(database)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot clear {database}")),
        }
    }
    let spec = root.join(codegen::SPEC_PATH);
    let spec = spec.to_str().context("the path is UTF-8")?;
    // Logout revokes the token that every other operation is tested with, a download token reset kills
    // the download token the first pass is given, and an upgrade or a cancellation ends the plan the
    // first pass acts on: each gets a pass (and an account) of its own. Those passes have no links to
    // follow (all of them are about other operations), so no stateful phase, which schemathesis reports
    // as an error when every link is filtered out.
    let alone = [
        "logout",
        "reset_download_token",
        "upgrade_plan",
        "cancel_plan",
        // Not stateful: schemathesis 4.32 reports a body to this PATCH without one of its (optional) fields
        // as "missing required property", though its schema requires none; its pass runs without the
        // negative-data check (see `excluded_checks`).
        "update_billing_info",
    ];
    let mut passes: Vec<(String, Vec<&str>, &str)> = vec![(
        "schemathesis@example.com".to_owned(),
        alone
            .iter()
            .flat_map(|id| ["--exclude-operation-id", id])
            .collect(),
        "examples,coverage,fuzzing,stateful",
    )];
    for id in alone {
        passes.push((
            format!("{id}@example.com"),
            vec!["--include-operation-id", id],
            "examples,coverage,fuzzing",
        ));
    }
    let config_file = work_dir.join("schemathesis.toml");
    for (index, (email, selection, phases)) in passes.iter().enumerate() {
        let token = server.register_token(email)?;
        // The account's plan and download tokens let every phase reach the operations that need them (the
        // stateful phase does not carry them through links).
        let plan_id = server.active_plan(&token)?;
        let mut toml =
            String::from("# Written by `cargo xtask ci` for this run's mock server account.\n");
        let mut parameters = |operation: &str, values: String| {
            toml.push_str(&format!(
                "\n[[operations]]\ninclude-operation-id = \"{operation}\"\nparameters = {{ {values} }}\n"
            ));
        };
        if index == 0 {
            let config = server.proxy_config(&token, plan_id)?;
            let download_token = config["proxy_list_download_token"]
                .as_str()
                .context("the proxy config has a download token")?;
            for operation in [
                "get_proxy_config",
                "get_proxy_list_stats",
                "get_proxy_list_status",
                "get_proxy_config_v2",
                "update_proxy_config",
                "allocate_unallocated_countries",
                "list_ip_authorizations",
                "create_ip_authorization",
                "get_ip_authorization",
                "delete_ip_authorization",
                "list_proxy_replacements",
                "create_proxy_replacement",
                "get_proxy_replacement",
                "list_replaced_proxies",
            ] {
                parameters(operation, format!("plan_id = {plan_id}"));
            }
            for operation in ["get_plan", "update_plan"] {
                parameters(operation, format!("id = {plan_id}"));
            }
            parameters(
                "download_proxy_list",
                format!("token = \"{download_token}\""),
            );
            for (operation, scope) in [
                ("download_proxy_activity", "activity"),
                ("download_replaced_proxies", "replaced_proxy"),
            ] {
                let key = server.download_token(&token, scope)?;
                parameters(operation, format!("download_token = \"{key}\""));
            }
        } else if selection.contains(&"upgrade_plan") || selection.contains(&"cancel_plan") {
            parameters(selection[1], format!("id = {plan_id}"));
        }
        std::fs::write(&config_file, toml)?;
        run_in(
            &work_dir,
            Command::new(root.join(".venv/bin/schemathesis"))
                .args([
                    "run",
                    spec,
                    "--url",
                    &server.base_url,
                    "--header",
                    &format!("Authorization: Token {token}"),
                ])
                .args(selection.iter())
                .args([
                    "--phases",
                    phases,
                    "--checks",
                    "all",
                    "--exclude-checks",
                    excluded_checks(selection),
                    "--max-examples",
                    "100",
                    "--seed",
                    "20261122",
                    "--output-sanitize",
                    "true",
                ]),
        )?;
    }
    Ok(())
}

/// Generates a Python and a TypeScript client from the spec into `build/`, and drives each against a mock
/// server with the scripts in `tools/smoke/`.
pub fn cross_language(root: &Path) -> Result<()> {
    let build = root.join("build");
    for generated in ["python-client", "ts-client", "ts-smoke"] {
        let _ = std::fs::remove_dir_all(build.join(generated));
    }
    let server = start_mock_server(root, &[])?;
    let venv_bin = root.join(".venv/bin");
    // openapi-python-client formats its output with ruff, which the venv provides.
    let path = std::env::join_paths(std::iter::once(venv_bin.clone()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))?;
    run_in(
        root,
        Command::new(venv_bin.join("openapi-python-client"))
            .args([
                "generate",
                "--path",
                codegen::SPEC_PATH,
                "--output-path",
                "build/python-client",
                "--overwrite",
            ])
            .env("PATH", &path),
    )?;
    run_in(
        root,
        Command::new(venv_bin.join("python")).args([
            "tools/smoke/python_smoke.py",
            "build/python-client",
            &server.base_url,
        ]),
    )?;

    let npm_bin = root.join("tools/node_modules/.bin");
    // Properties with a default are optional to send; openapi-typescript makes them required otherwise.
    run_in(
        root,
        Command::new(npm_bin.join("openapi-typescript")).args([
            codegen::SPEC_PATH,
            "--default-non-nullable",
            "false",
            "-o",
            "build/ts-client/schema.d.ts",
        ]),
    )?;
    run_in(
        root,
        Command::new(npm_bin.join("tsc")).args(["-p", "tools/smoke/tsconfig.json"]),
    )?;
    run_in(
        root,
        Command::new("node")
            .args(["build/ts-smoke/smoke.js", &server.base_url])
            .env("NODE_PATH", root.join("tools/node_modules")),
    )
}

/// `cargo xtask docs`: the browsable API reference as one self-contained HTML file (Redoc's standalone
/// bundle and the spec inlined, so it works offline and from `file://`); returns its path.
pub fn build_docs(root: &Path) -> Result<std::path::PathBuf> {
    let redoc =
        std::fs::read_to_string(root.join("tools/node_modules/redoc/bundles/redoc.standalone.js"))
            .context(
                "Redoc is not installed: run `cargo xtask ci` once, or `npm ci --prefix tools`",
            )?;
    let spec: serde_json::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root.join(codegen::SPEC_PATH))?)?;
    let title = spec["info"]["title"]
        .as_str()
        .unwrap_or("API reference")
        .to_owned();
    // `</` would end the inline script early.
    let spec_json = serde_json::to_string(&spec)?.replace("</", "<\\/");
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <!-- @generated by `cargo xtask docs` from openapi/webshare.yaml with Redoc. -->\n</head>\n<body>\n\
         <div id=\"redoc\"></div>\n<script>{redoc}</script>\n\
         <script>Redoc.init({spec_json}, {{\"hideDownloadButton\": false}}, document.getElementById(\"redoc\"));</script>\n\
         </body>\n</html>\n"
    );
    let page = root.join("build/docs/webshare.html");
    std::fs::create_dir_all(page.parent().context("the page has a directory")?)?;
    std::fs::write(&page, html)?;
    println!(
        "wrote {} ({} KiB)",
        page.display(),
        std::fs::metadata(&page)?.len() / 1024
    );
    Ok(page)
}

/// Loads the reference in headless Chromium and checks that the rendered page shows every operation of
/// the spec, by its anchor and its summary.
pub fn check_rendered_docs(root: &Path, page: &Path) -> Result<()> {
    let profile = root.join("build/chromium-profile");
    let _ = std::fs::remove_dir_all(&profile);
    let browser = crate::tools::chromium().context(
        "no Chromium found: set CHROMIUM to its path (see `cargo xtask ci`'s tool installation)",
    )?;
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=15000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", page.canonicalize()?.display()))
        .output()
        .context("cannot run chromium")?;
    if !output.status.success() {
        bail!(
            "chromium failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // What the page rendered, without its scripts (which hold the spec itself).
    let dom = without_scripts(&String::from_utf8_lossy(&output.stdout));
    let spec = crate::spec::load(&root.join(codegen::SPEC_PATH))?;
    let mut missing = Vec::new();
    let mut count = 0;
    for (path, method, op) in crate::spec::operations(&spec) {
        count += 1;
        let id = op.operation_id.as_deref().unwrap_or_default();
        let summary = op.summary.as_deref().unwrap_or_default();
        if !dom.contains(&format!("operation/{id}")) || !dom.contains(summary) {
            missing.push(format!(
                "{} {path} ({id}: {summary})",
                method.to_uppercase()
            ));
        }
    }
    if !missing.is_empty() {
        bail!(
            "the rendered reference lacks {} of {count} operations:\n  {}",
            missing.len(),
            missing.join("\n  ")
        );
    }
    println!(
        "{} renders all {count} operations in Chromium ({} bytes of DOM)",
        page.display(),
        dom.len()
    );
    Ok(())
}

fn without_scripts(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("</script>")
            .map_or("", |end| &rest[start + end + "</script>".len()..]);
    }
    out.push_str(rest);
    out
}
