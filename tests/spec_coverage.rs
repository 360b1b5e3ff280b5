//! The spec covers the whole API: every operation of `operations.tsv` (the documentation's list, from the
//! official SDK's source plus the two documented operations it lacks) is in `openapi/webshare.yaml` with its
//! method and exact path; and every operation of the spec is sent somewhere by the `webshare` crate.

use std::collections::BTreeSet;

use webshare_tests::{spec_json, workspace_root};

/// The committed copy of `../shared/webshare-docs/operations.tsv` (checked against it when it is there).
const OPERATIONS_TSV: &str = "tests/data/operations.tsv";

/// `(METHOD, path)` with `{}` for every path parameter, as the file writes them.
fn listed() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(workspace_root().join(OPERATIONS_TSV)).unwrap();
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let mut columns = line.split('\t');
            let method = columns.next().unwrap().to_owned();
            let path = columns.next().expect("a path column").to_owned();
            (method, path)
        })
        .collect()
}

/// The spec's operations as `(METHOD, /api-prefixed path with {} parameters)`.
fn in_spec() -> BTreeSet<(String, String)> {
    let spec = spec_json();
    let server = spec["servers"][0]["url"].as_str().unwrap();
    let prefix = server.trim_start_matches("https://proxy.webshare.io");
    let mut operations = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        let mut generic = String::new();
        let mut in_braces = false;
        for c in path.chars() {
            match c {
                '{' => {
                    in_braces = true;
                    generic.push_str("{}");
                }
                '}' => in_braces = false,
                _ if in_braces => {}
                _ => generic.push(c),
            }
        }
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                operations.insert((method.to_uppercase(), format!("{prefix}{generic}")));
            }
        }
    }
    operations
}

#[test]
fn the_committed_list_is_the_documentations_list() {
    let shared = workspace_root().join("../shared/webshare-docs/operations.tsv");
    match std::fs::read_to_string(&shared) {
        Ok(source) => assert_eq!(
            std::fs::read_to_string(workspace_root().join(OPERATIONS_TSV)).unwrap(),
            source,
            "{OPERATIONS_TSV} differs from {}: copy it again",
            shared.display()
        ),
        Err(_) => eprintln!(
            "{} is not beside this checkout; using the committed copy",
            shared.display()
        ),
    }
}

#[test]
fn every_documented_operation_is_in_the_spec_and_nothing_else() {
    let listed = listed();
    assert_eq!(listed.len(), 114, "operations.tsv lists the whole API v2");
    let spec = in_spec();
    let missing: Vec<String> = listed
        .iter()
        .filter(|op| !spec.contains(op))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        missing.is_empty(),
        "not in openapi/webshare.yaml:\n  {}",
        missing.join("\n  ")
    );
    let listed: BTreeSet<_> = listed.into_iter().collect();
    let extra: Vec<String> = spec
        .difference(&listed)
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        extra.is_empty(),
        "in the spec but not documented:\n  {}",
        extra.join("\n  ")
    );
}

#[test]
fn the_crate_sends_every_operation() {
    // Each operation's parameter struct (`ListProxies`, ...) is what the crate sends; one not named in the
    // crate's source is an operation no method reaches.
    let spec = spec_json();
    let mut source = String::new();
    for entry in std::fs::read_dir(workspace_root().join("crates/webshare/src")).unwrap() {
        source.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    let mut unreached = Vec::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let Some(id) = op.get("operationId").and_then(|v| v.as_str()) else {
                continue;
            };
            let name: String = id
                .split('_')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                })
                .collect();
            let used = source.match_indices(&name).any(|(at, _)| {
                let after = source[at + name.len()..].chars().next();
                let before = source[..at].chars().next_back();
                !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    && !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            });
            if !used {
                unreached.push(format!("{id} ({name})"));
            }
        }
    }
    assert!(
        unreached.is_empty(),
        "no method of the `webshare` crate sends:\n  {}",
        unreached.join("\n  ")
    );
}
