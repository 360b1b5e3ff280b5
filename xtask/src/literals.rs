//! The check that hand-written code holds no transport fact: no HTTP method and no API path written as a
//! literal in the hand-written crates. Those facts live in `openapi/webshare.yaml` and reach the code only
//! through the generated `webshare_api::operations`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use regex::Regex;

/// The hand-written source directories that must hold no method or path literal.
pub const HAND_WRITTEN: &[&str] = &[
    "crates/webshare/src",
    "crates/webshare-cli/src",
    "crates/webshare-mock-server/src",
    "crates/webshare-api/src",
];

/// A line with this comment is exempt: it is about a route that is not an API operation (the mock
/// server's test-only outbox).
pub const EXEMPT: &str = "not an API operation";

/// One literal found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub file: PathBuf,
    pub line: usize,
    pub text: String,
}

/// Every method or path literal in `source` (a file's text); `paths` are the spec's path templates.
pub fn scan(file: &Path, source: &str, paths: &[String]) -> Vec<Finding> {
    let method_string = Regex::new(r#""(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)""#).unwrap();
    let method_const =
        Regex::new(r"\bMethod(?:Filter)?::(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b").unwrap();
    let routing_call = Regex::new(r"(?:^|[^.:\w])(get|post|put|patch|delete)\s*\(").unwrap();
    let method_and_path = Regex::new(r"(?:^|\s)(?:GET|POST|PUT|PATCH|DELETE)\s+/?[a-z]").unwrap();
    let string = Regex::new(r#""((?:[^"\\]|\\.)*)""#).unwrap();
    let mut found = Vec::new();
    for (index, line) in source.lines().enumerate() {
        let code = strip_comment(line);
        if line.contains(EXEMPT) || line.trim_start().starts_with("//") {
            continue;
        }
        let mut hit = method_string.is_match(code) || method_const.is_match(code);
        for call in routing_call.captures_iter(code) {
            let start = call.get(1).map_or(0, |m| m.start());
            if !code[..start].trim_end().ends_with("fn") {
                hit = true;
            }
        }
        for literal in string.captures_iter(code) {
            let text = &literal[1];
            if method_and_path.is_match(text)
                || text.starts_with("/v2/")
                || text.starts_with("/v3/")
                || text == "/api"
                || text.contains("/api/")
                || paths.iter().any(|p| p == text)
            {
                hit = true;
            }
        }
        if hit {
            found.push(Finding {
                file: file.to_owned(),
                line: index + 1,
                text: line.trim().to_owned(),
            });
        }
    }
    found
}

/// The line without a trailing `//` comment (a `//` inside a string, as in a URL, is kept).
fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
    }
    line
}

/// Scans every hand-written `.rs` file under [`HAND_WRITTEN`] (generated files, which start with an
/// `@generated` line, are skipped).
pub fn scan_tree(root: &Path, paths: &[String]) -> Result<Vec<Finding>> {
    let mut found = Vec::new();
    for dir in HAND_WRITTEN {
        let mut stack = vec![root.join(dir)];
        while let Some(dir) = stack.pop() {
            for entry in
                std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?
            {
                let path = entry?.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let source = std::fs::read_to_string(&path)?;
                    if source.starts_with("// @generated") {
                        continue;
                    }
                    let relative = path.strip_prefix(root).unwrap_or(&path);
                    found.extend(scan(relative, &source, paths));
                }
            }
        }
    }
    Ok(found)
}
