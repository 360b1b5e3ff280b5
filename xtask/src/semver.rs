//! The semver gate for the Rust API, beside the spec's own breaking-change gate (`compat.rs`).
//!
//! The public surface of each published library is listed from rustdoc's JSON (one line per public
//! item: path, kind, signature, fields, variants, `#[non_exhaustive]`, trait implementations, auto
//! traits included) and compared with `api/<crate>.txt`, the surface of its last release. A line of the
//! release that is gone (an item removed, or its signature changed) is a breaking change, allowed only
//! with a breaking version bump (0.x: the minor; from 1.0: the major). Lines added are compatible.
//! `cargo xtask semver --bless` records the current surface at a release. cargo-semver-checks does more
//! (it knows which changes are compatible); it is not installable here without building it from
//! source, and rustdoc JSON (its input too) is read here the same way, through `RUSTC_BOOTSTRAP=1`.
//! The listing depends on rustdoc's JSON format: bless again when the toolchain changes it.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::process::{cargo, run_in};

/// The recorded surface of `krate`.
pub fn baseline_path(root: &Path, krate: &str) -> std::path::PathBuf {
    root.join("api").join(format!("{krate}.txt"))
}

/// The current public surface of `krate` (with every feature), one sorted line per item.
pub fn surface(root: &Path, krate: &str) -> Result<Vec<String>> {
    run_in(
        root,
        cargo()
            .args([
                "rustdoc",
                "--quiet",
                "--all-features",
                "--lib",
                "-p",
                krate,
                "--",
            ])
            .args(["-Z", "unstable-options", "--output-format", "json"])
            // rustdoc's JSON output is unstable; this toolchain's stable rustdoc writes it when asked.
            .env("RUSTC_BOOTSTRAP", "1"),
    )?;
    let file =
        crate::process::target_dir(root).join(format!("doc/{}.json", krate.replace('-', "_")));
    let json: Value = serde_json::from_slice(
        &std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?,
    )?;
    list_surface(&json)
}

/// The surface lines of a rustdoc JSON document.
pub fn list_surface(doc: &Value) -> Result<Vec<String>> {
    let index: HashMap<String, &Value> = doc["index"]
        .as_object()
        .context("rustdoc JSON without an index")?
        .iter()
        .map(|(id, item)| (id.clone(), item))
        .collect();
    let root = key(&doc["root"]);
    let name = index
        .get(&root)
        .and_then(|item| item["name"].as_str())
        .context("rustdoc JSON without its root module")?
        .to_owned();
    let mut lines = BTreeSet::new();
    let mut seen = BTreeSet::new();
    walk(&index, &root, &name, &mut lines, &mut seen);
    Ok(lines.into_iter().collect())
}

/// An id as the index's key (ids are numbers in recent formats, strings in older ones).
fn key(id: &Value) -> String {
    match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn is_public(item: &Value) -> bool {
    item["visibility"] == "public"
}

fn non_exhaustive(item: &Value) -> &'static str {
    let attrs = item["attrs"].to_string();
    if attrs.contains("non_exhaustive") {
        " #[non_exhaustive]"
    } else {
        ""
    }
}

/// Lists the item `id` at `path` and, for a module, what it makes public.
fn walk(
    index: &HashMap<String, &Value>,
    id: &str,
    path: &str,
    lines: &mut BTreeSet<String>,
    seen: &mut BTreeSet<String>,
) {
    let Some(item) = index.get(id) else { return };
    // An item re-exported under several paths is listed under each, its members once per path.
    if !seen.insert(format!("{id}@{path}")) {
        return;
    }
    let inner = &item["inner"];
    let Some((kind, body)) = inner.as_object().and_then(|o| o.iter().next()) else {
        return;
    };
    match kind.as_str() {
        "module" => {
            lines.insert(format!("mod {path}"));
            for child in body["items"].as_array().into_iter().flatten() {
                let child_id = key(child);
                let Some(child_item) = index.get(&child_id) else {
                    continue;
                };
                if !is_public(child_item) {
                    continue;
                }
                if let Some(re_export) = child_item["inner"].get("use") {
                    let name = re_export["name"].as_str().unwrap_or("_");
                    let target = &re_export["id"];
                    let local = !target.is_null() && index.contains_key(&key(target));
                    if re_export["is_glob"] == true {
                        lines.insert(format!("use {path}::* = {}", re_export["source"]));
                        if local {
                            walk(index, &key(target), path, lines, seen);
                        }
                    } else if local {
                        walk(index, &key(target), &format!("{path}::{name}"), lines, seen);
                    } else {
                        // Another crate's item: its own crate's surface holds its details.
                        let source = re_export["source"].as_str().unwrap_or("?");
                        lines.insert(format!("use {path}::{name} = {source}"));
                    }
                    continue;
                }
                let child_name = child_item["name"].as_str().unwrap_or("_");
                walk(
                    index,
                    &child_id,
                    &format!("{path}::{child_name}"),
                    lines,
                    seen,
                );
            }
        }
        "struct" => {
            lines.insert(format!(
                "struct {path}{}{}",
                generics(&body["generics"]),
                non_exhaustive(item)
            ));
            let kind = &body["kind"];
            let fields = kind["plain"]["fields"]
                .as_array()
                .or_else(|| kind["tuple"].as_array())
                .cloned()
                .unwrap_or_default();
            if kind["plain"]["has_stripped_fields"] == true {
                lines.insert(format!("struct {path} has private fields"));
            }
            for (position, field) in fields.iter().enumerate() {
                let Some(field) = index.get(&key(field)) else {
                    continue; // a private tuple field
                };
                if is_public(field) {
                    let name = field["name"]
                        .as_str()
                        .map_or(position.to_string(), str::to_owned);
                    lines.insert(format!(
                        "field {path}.{name}: {}",
                        ty(&field["inner"]["struct_field"])
                    ));
                }
            }
            impls(index, body, path, lines);
        }
        "enum" => {
            lines.insert(format!(
                "enum {path}{}{}",
                generics(&body["generics"]),
                non_exhaustive(item)
            ));
            for variant in body["variants"].as_array().into_iter().flatten() {
                let Some(variant) = index.get(&key(variant)) else {
                    continue;
                };
                let name = variant["name"].as_str().unwrap_or("_");
                let kind = &variant["inner"]["variant"]["kind"];
                let fields: Vec<String> = kind["struct"]["fields"]
                    .as_array()
                    .or_else(|| kind["tuple"].as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|f| index.get(&key(f)))
                    .map(|f| {
                        format!(
                            "{}: {}",
                            f["name"].as_str().unwrap_or("_"),
                            ty(&f["inner"]["struct_field"])
                        )
                    })
                    .collect();
                lines.insert(format!(
                    "variant {path}::{name}({}){}",
                    fields.join(", "),
                    non_exhaustive(variant)
                ));
            }
            impls(index, body, path, lines);
        }
        "union" => {
            lines.insert(format!("union {path}"));
        }
        "function" => {
            lines.insert(signature(path, body));
        }
        "trait" => {
            lines.insert(format!("trait {path}{}", generics(&body["generics"])));
            for member in body["items"].as_array().into_iter().flatten() {
                if let Some(member) = index.get(&key(member)) {
                    let name = member["name"].as_str().unwrap_or("_");
                    lines.insert(format!(
                        "trait item {path}::{name}: {}",
                        strip_ids(&member["inner"])
                    ));
                }
            }
        }
        "type_alias" => {
            lines.insert(format!("type {path} = {}", ty(&body["type"])));
        }
        "constant" => {
            lines.insert(format!("const {path}: {}", ty(&body["type"])));
        }
        "static" => {
            lines.insert(format!("static {path}: {}", ty(&body["type"])));
        }
        "macro" | "proc_macro" => {
            lines.insert(format!("macro {path}"));
        }
        other => {
            lines.insert(format!("{other} {path}"));
        }
    }
}

/// The inherent methods and the trait implementations of a struct or enum.
fn impls(index: &HashMap<String, &Value>, body: &Value, path: &str, lines: &mut BTreeSet<String>) {
    for impl_id in body["impls"].as_array().into_iter().flatten() {
        let Some(block) = index.get(&key(impl_id)) else {
            continue;
        };
        let block = &block["inner"]["impl"];
        if !block["blanket_impl"].is_null() {
            continue; // `impl<T> From<T> for T` and the like: not this type's own
        }
        match block["trait"].as_object() {
            Some(tr) => {
                let args = tr
                    .get("args")
                    .filter(|a| !a.is_null())
                    .map(|a| format!("<{}>", generic_args(a)))
                    .unwrap_or_default();
                let negative = if block["is_negative"] == true {
                    "!"
                } else {
                    ""
                };
                lines.insert(format!(
                    "impl {negative}{}{args} for {path}",
                    tr.get("path").and_then(Value::as_str).unwrap_or("?")
                ));
            }
            None => {
                for member in block["items"].as_array().into_iter().flatten() {
                    let Some(member) = index.get(&key(member)) else {
                        continue;
                    };
                    if !is_public(member) {
                        continue;
                    }
                    let name = member["name"].as_str().unwrap_or("_");
                    match member["inner"].get("function") {
                        Some(function) => {
                            lines.insert(signature(&format!("{path}::{name}"), function));
                        }
                        None => {
                            lines.insert(format!(
                                "assoc {path}::{name}: {}",
                                strip_ids(&member["inner"])
                            ));
                        }
                    }
                }
            }
        }
    }
}

/// `async fn path<T>(x: T) -> U where ...`.
fn signature(path: &str, function: &Value) -> String {
    let sig = &function["sig"];
    let inputs: Vec<String> = sig["inputs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|input| format!("{}: {}", input[0].as_str().unwrap_or("_"), ty(&input[1])))
        .collect();
    let output = match &sig["output"] {
        Value::Null => String::new(),
        out => format!(" -> {}", ty(out)),
    };
    let header = &function["header"];
    let prefix = [
        ("is_async", "async "),
        ("is_const", "const "),
        ("is_unsafe", "unsafe "),
    ]
    .iter()
    .filter(|(flag, _)| header[*flag] == true)
    .map(|(_, word)| *word)
    .collect::<String>();
    format!(
        "{prefix}fn {path}{}({}){output}{}",
        generics(&function["generics"]),
        inputs.join(", "),
        where_clause(&function["generics"])
    )
}

/// `<T: Bound, 'a>`, synthetic `impl Trait` parameters left out (their argument shows them).
fn generics(generics: &Value) -> String {
    let params: Vec<String> = generics["params"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["kind"]["type"]["is_synthetic"] != true)
        .map(|p| {
            let name = p["name"].as_str().unwrap_or("_");
            match p["kind"].get("type") {
                Some(t) => {
                    let bounds = bounds(&t["bounds"]);
                    if bounds.is_empty() {
                        name.to_owned()
                    } else {
                        format!("{name}: {bounds}")
                    }
                }
                None => match p["kind"].get("const") {
                    Some(c) => format!("const {name}: {}", ty(&c["type"])),
                    None => name.to_owned(),
                },
            }
        })
        .collect();
    if params.is_empty() {
        String::new()
    } else {
        format!("<{}>", params.join(", "))
    }
}

fn where_clause(generics: &Value) -> String {
    let predicates = generics["where_predicates"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if predicates.is_empty() {
        return String::new();
    }
    let rendered: Vec<String> = predicates
        .iter()
        .map(|p| match p.get("bound_predicate") {
            Some(b) => format!("{}: {}", ty(&b["type"]), bounds(&b["bounds"])),
            None => strip_ids(p),
        })
        .collect();
    format!(" where {}", rendered.join(", "))
}

fn bounds(bounds: &Value) -> String {
    bounds
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| match (b.get("trait_bound"), b.get("outlives")) {
            (Some(tb), _) => {
                let tr = &tb["trait"];
                let args = match &tr["args"] {
                    Value::Null => String::new(),
                    a => format!("<{}>", generic_args(a)),
                };
                let maybe = if tb["modifier"] == "maybe" { "?" } else { "" };
                format!("{maybe}{}{args}", tr["path"].as_str().unwrap_or("?"))
            }
            (_, Some(lifetime)) => lifetime.as_str().unwrap_or("'_").to_owned(),
            _ => match b.get("use").and_then(Value::as_array) {
                // Precise capturing: `use<'a, T>`.
                Some(captured) => format!(
                    "use<{}>",
                    captured
                        .iter()
                        .map(|c| match c {
                            Value::String(name) => name.clone(),
                            other => other
                                .as_object()
                                .and_then(|o| o.values().next())
                                .and_then(Value::as_str)
                                .map_or_else(|| strip_ids(other), str::to_owned),
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => strip_ids(b),
            },
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

fn generic_args(args: &Value) -> String {
    if let Some(angle) = args.get("angle_bracketed") {
        let mut out: Vec<String> = angle["args"]
            .as_array()
            .into_iter()
            .flatten()
            .map(
                |a| match (a.get("type"), a.get("lifetime"), a.get("const")) {
                    (Some(t), _, _) => ty(t),
                    (_, Some(l), _) => l.as_str().unwrap_or("'_").to_owned(),
                    (_, _, Some(c)) => strip_ids(c),
                    _ => strip_ids(a),
                },
            )
            .collect();
        for constraint in angle["constraints"].as_array().into_iter().flatten() {
            let name = constraint["name"].as_str().unwrap_or("_");
            let binding = &constraint["binding"];
            match binding.get("equality").and_then(|e| e.get("type")) {
                Some(t) => out.push(format!("{name} = {}", ty(t))),
                None => out.push(format!("{name}: {}", strip_ids(binding))),
            }
        }
        return out.join(", ");
    }
    if let Some(paren) = args.get("parenthesized") {
        let inputs: Vec<String> = paren["inputs"]
            .as_array()
            .into_iter()
            .flatten()
            .map(ty)
            .collect();
        let output = match &paren["output"] {
            Value::Null => String::new(),
            o => format!(" -> {}", ty(o)),
        };
        return format!("({}){output}", inputs.join(", "));
    }
    strip_ids(args)
}

/// A type as Rust-like text; what is not rendered is the JSON without its (unstable) ids.
fn ty(t: &Value) -> String {
    let Some((kind, body)) = t.as_object().and_then(|o| o.iter().next()) else {
        return strip_ids(t);
    };
    match kind.as_str() {
        "primitive" | "generic" => body.as_str().unwrap_or("?").to_owned(),
        "resolved_path" => {
            let args = match &body["args"] {
                Value::Null => String::new(),
                a => {
                    let rendered = generic_args(a);
                    if rendered.is_empty() {
                        String::new()
                    } else if a.get("parenthesized").is_some() {
                        rendered
                    } else {
                        format!("<{rendered}>")
                    }
                }
            };
            format!("{}{args}", body["path"].as_str().unwrap_or("?"))
        }
        "borrowed_ref" => {
            let lifetime = body["lifetime"]
                .as_str()
                .map(|l| format!("{l} "))
                .unwrap_or_default();
            let mutable = if body["is_mutable"] == true {
                "mut "
            } else {
                ""
            };
            format!("&{lifetime}{mutable}{}", ty(&body["type"]))
        }
        "tuple" => format!(
            "({})",
            body.as_array()
                .into_iter()
                .flatten()
                .map(ty)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        "slice" => format!("[{}]", ty(body)),
        "array" => format!(
            "[{}; {}]",
            ty(&body["type"]),
            body["len"].as_str().unwrap_or("?")
        ),
        "impl_trait" => format!("impl {}", bounds(body)),
        "dyn_trait" => {
            let traits: Vec<String> = body["traits"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    let tr = &p["trait"];
                    let args = match &tr["args"] {
                        Value::Null => String::new(),
                        a => format!("<{}>", generic_args(a)),
                    };
                    format!("{}{args}", tr["path"].as_str().unwrap_or("?"))
                })
                .collect();
            format!("dyn {}", traits.join(" + "))
        }
        "qualified_path" => format!(
            "<{} as {}>::{}",
            ty(&body["self_type"]),
            body["trait"]["path"].as_str().unwrap_or("?"),
            body["name"].as_str().unwrap_or("?")
        ),
        _ => strip_ids(t),
    }
}

/// Compact JSON without `id` keys, which differ from one rustdoc run to the next.
fn strip_ids(value: &Value) -> String {
    fn strip(value: &Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .filter(|(k, _)| k.as_str() != "id")
                    .map(|(k, v)| (k.clone(), strip(v)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(strip).collect()),
            other => other.clone(),
        }
    }
    strip(value).to_string()
}

/// A recorded surface: the version it was released as, and its lines.
#[derive(Debug)]
pub struct Baseline {
    pub version: String,
    pub lines: BTreeSet<String>,
}

/// The file's text: a `# crate version` header, then the lines.
pub fn render_baseline(krate: &str, version: &str, lines: &[String]) -> String {
    let mut out = format!(
        "# {krate} {version}: the public Rust API at its last release (cargo xtask semver --bless)\n"
    );
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
    out
}

pub fn parse_baseline(text: &str) -> Result<Baseline> {
    let mut lines = text.lines();
    let header = lines.next().context("an empty surface file")?;
    let version = header
        .strip_prefix("# ")
        .and_then(|rest| rest.split_whitespace().nth(1))
        .map(|v| v.trim_end_matches(':').to_owned())
        .context("the surface file's first line is not `# <crate> <version>: ...`")?;
    Ok(Baseline {
        version,
        lines: lines.map(str::to_owned).collect(),
    })
}

/// Whether going from `released` to `current` may break users: 0.x by its minor (or 0.0.x by its
/// patch), 1.0 and later by its major.
pub fn is_breaking_bump(released: &str, current: &str) -> bool {
    let parse = |v: &str| -> Vec<u64> {
        v.split(['.', '-', '+'])
            .take(3)
            .map(|p| p.parse().unwrap_or(0))
            .collect()
    };
    let (old, new) = (parse(released), parse(current));
    let at = |v: &Vec<u64>, i: usize| v.get(i).copied().unwrap_or(0);
    if at(&old, 0) > 0 {
        at(&new, 0) > at(&old, 0)
    } else if at(&old, 1) > 0 {
        at(&new, 0) > 0 || at(&new, 1) > at(&old, 1)
    } else {
        at(&new, 0) > 0 || at(&new, 1) > 0 || at(&new, 2) > at(&old, 2)
    }
}

/// What the gate says of one crate: the removed lines when they need a breaking bump that was not made.
pub fn judge(baseline: &Baseline, current_version: &str, current: &[String]) -> Vec<String> {
    if is_breaking_bump(&baseline.version, current_version) {
        return Vec::new();
    }
    let now: BTreeSet<&String> = current.iter().collect();
    baseline
        .lines
        .iter()
        .filter(|line| !now.contains(line))
        .cloned()
        .collect()
}

/// Checks (or with `bless`, records) every gated crate's surface.
pub fn run(root: &Path, bless: bool) -> Result<()> {
    let versions = crate::publish::versions(root)?;
    let mut failures = Vec::new();
    // The published libraries (the CLI's surface is its command line, which the help snapshots hold).
    for krate in crate::publish::libraries() {
        let version = versions
            .iter()
            .find(|(name, _)| name == krate)
            .map(|(_, v)| v.as_str())
            .context("no version")?;
        let lines = surface(root, krate)?;
        let path = baseline_path(root, krate);
        if bless {
            std::fs::create_dir_all(path.parent().context("no parent")?)?;
            std::fs::write(&path, render_baseline(krate, version, &lines))?;
            println!(
                "{krate} {version}: {} items recorded in {}",
                lines.len(),
                path.display()
            );
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {} (record it with --bless)", path.display()))?;
        let baseline = parse_baseline(&text)?;
        let removed = judge(&baseline, version, &lines);
        let added = lines
            .iter()
            .filter(|l| !baseline.lines.contains(*l))
            .count();
        if removed.is_empty() {
            println!(
                "{krate} {version}: compatible with {} ({added} items added)",
                baseline.version
            );
        } else {
            failures.push(format!(
                "{krate} {version} breaks the API of {} (raise the version, note it in its CHANGELOG.md, \
                 and record the surface at the release with `cargo xtask semver --bless`); gone or changed:\n    {}",
                baseline.version,
                removed.join("\n    ")
            ));
        }
    }
    if !failures.is_empty() {
        bail!("{}", failures.join("\n"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaking_bumps_follow_semver_for_zero_versions() {
        assert!(!is_breaking_bump("0.1.0", "0.1.5"));
        assert!(is_breaking_bump("0.1.0", "0.2.0"));
        assert!(is_breaking_bump("0.1.3", "1.0.0"));
        assert!(!is_breaking_bump("1.2.0", "1.9.0"));
        assert!(is_breaking_bump("1.2.0", "2.0.0"));
        assert!(is_breaking_bump("0.0.1", "0.0.2"));
    }

    #[test]
    fn a_removed_or_changed_line_fails_without_a_breaking_bump() {
        let baseline = parse_baseline(&render_baseline(
            "webshare",
            "0.1.0",
            &["fn webshare::a(x: i64)".into(), "struct webshare::B".into()],
        ))
        .unwrap();
        assert_eq!(baseline.version, "0.1.0");
        // An addition is compatible.
        let grown = vec![
            "fn webshare::a(x: i64)".into(),
            "struct webshare::B".into(),
            "struct webshare::C".into(),
        ];
        assert!(judge(&baseline, "0.1.1", &grown).is_empty());
        // A changed signature is a removed line.
        let changed = vec!["fn webshare::a(x: u64)".into(), "struct webshare::B".into()];
        assert_eq!(
            judge(&baseline, "0.1.1", &changed),
            ["fn webshare::a(x: i64)"]
        );
        assert!(judge(&baseline, "0.2.0", &changed).is_empty());
    }

    #[test]
    fn items_are_listed_from_rustdoc_json() {
        let doc = serde_json::json!({
            "root": 0,
            "index": {
                "0": {"name": "k", "visibility": "public", "attrs": [], "inner": {"module": {"items": [1, 3, 5]}}},
                "1": {"name": "S", "visibility": "public", "attrs": ["non_exhaustive"], "inner": {"struct": {
                    "generics": {"params": [], "where_predicates": []},
                    "kind": {"plain": {"fields": [2], "has_stripped_fields": true}}, "impls": []}}},
                "2": {"name": "f", "visibility": "public", "attrs": [], "inner": {"struct_field": {"primitive": "u8"}}},
                "3": {"name": "go", "visibility": "public", "attrs": [], "inner": {"function": {
                    "sig": {"inputs": [["x", {"borrowed_ref": {"lifetime": null, "is_mutable": false, "type": {"primitive": "str"}}}]],
                            "output": {"resolved_path": {"path": "Option", "id": 99, "args": {"angle_bracketed": {"args": [{"type": {"primitive": "u8"}}], "constraints": []}}}}},
                    "generics": {"params": [], "where_predicates": []},
                    "header": {"is_async": true, "is_const": false, "is_unsafe": false}}}},
                "5": {"name": "hidden", "visibility": "crate", "attrs": [], "inner": {"function": {}}}
            }
        });
        assert_eq!(
            list_surface(&doc).unwrap(),
            [
                "async fn k::go(x: &str) -> Option<u8>",
                "field k::S.f: u8",
                "mod k",
                "struct k::S #[non_exhaustive]",
                "struct k::S has private fields",
            ]
        );
    }
}
