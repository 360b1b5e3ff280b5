//! The hand-written crates write no HTTP method and no API path: every one comes from the spec through
//! the generated `webshare_api::operations`.

use std::path::Path;

use xtask::{codegen, facts, literals, spec};

fn spec_paths() -> Vec<String> {
    let root = codegen::workspace_root().unwrap();
    let spec = spec::load(&root.join(codegen::SPEC_PATH)).unwrap();
    let facts = facts::read(&spec).unwrap();
    facts.operations.iter().map(|op| op.path.clone()).collect()
}

#[test]
fn hand_written_sources_hold_no_method_or_path_literal() {
    let findings = literals::scan_tree(&codegen::workspace_root().unwrap(), &spec_paths()).unwrap();
    assert!(
        findings.is_empty(),
        "transport facts written by hand (take them from webshare_api::operations instead):\n{}",
        findings
            .iter()
            .map(|f| format!("{}:{}: {}", f.file.display(), f.line, f.text))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_check_finds_planted_literals() {
    let paths = spec_paths();
    let planted = [
        r#"let url = format!("{base}{}", "/v2/proxy/list/");"#,
        r#"let m = Method::GET;"#,
        r#"request(reqwest::Method::POST, url)"#,
        r#"let method = "DELETE";"#,
        r#".route(path, post(handler))"#,
        r#"let filter = MethodFilter::PATCH;"#,
        r#"const BASE: &str = "https://proxy.webshare.io/api/v2";"#,
        r#"step(1, "register", "POST register/ as jane");"#,
    ];
    for line in planted {
        let found = literals::scan(Path::new("x.rs"), line, &paths);
        assert_eq!(found.len(), 1, "not caught: {line}");
    }
    let innocent = [
        r#"let token = headers.get("authorization");"#,
        r#"pub async fn get(&self) -> Result<(), Error> {"#,
        r#"let value = map.get(&key).copied();"#,
        r#"// GET /v2/proxy/list/ in a comment is fine"#,
        r#".route(crate::OUTBOX_PATH, get(outbox)) // not an API operation: test-only"#,
    ];
    for line in innocent {
        assert!(
            literals::scan(Path::new("x.rs"), line, &paths).is_empty(),
            "false alarm: {line}"
        );
    }
}
