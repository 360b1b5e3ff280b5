//! The one output layer of the generated commands: an answer as sentences (`key: value` lines, a table
//! for a list, columns sized to their content), as the API's JSON (`--json`), or as CSV (`--format csv`).
//! Secrets in answers are withheld unless `--show-secrets`; text from the server has its control
//! characters escaped; an empty list says so on standard error.

use futures_util::{Stream, StreamExt as _};
use serde::Serialize;
use serde_json::Value;
use webshare::operations::OperationId;

use crate::failure::Failure;
use crate::output::{escape_controls, json_line};
use crate::stdout::outln;

/// What stands for a withheld secret.
pub const WITHHELD: &str = "[redacted]";

/// The form of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Sentences and tables.
    Table,
    /// The API's JSON, one value a line (one item a line for `--all`).
    Json,
    /// Comma-separated values, a header line first (for lists).
    Csv,
}

/// How answers are printed.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// The form.
    pub format: Format,
    /// Print secrets (proxy passwords, tokens) instead of withholding them.
    pub show_secrets: bool,
}

/// How a list's page is paged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// `count`, `next`, `results`.
    Numbered,
    /// `results`, continued with `--all`.
    Cursor,
}

impl Output {
    /// Prints an answer: an object, a list, or nothing (a 204).
    pub fn answer(&self, operation: OperationId, answer: &impl Serialize) -> Result<(), Failure> {
        let whole = serde_json::to_value(answer).unwrap_or(Value::Null);
        let value = self.redacted(operation, whole.clone(), "");
        // A secret an operation creates (a new API key, an authenticator's secret) may never be shown
        // again: say so, rather than let it be lost in silence.
        if value != whole && !operation.operation().method.is_safe() {
            eprintln!(
                "A secret in the answer was withheld ([redacted]); it may not be shown again: add \
                 --show-secrets to print it."
            );
        }
        match (value, self.format) {
            (Value::Null, Format::Json) => outln!("{{}}"),
            (Value::Null, _) => outln!(
                "Done: {}.",
                operation.operation().summary.trim_end_matches('.')
            ),
            (value, Format::Json) => outln!("{}", json_line(&value)),
            (Value::Array(items), _) => self.list(operation, &items),
            (value, Format::Csv) => self.list(operation, std::slice::from_ref(&value)),
            (value, Format::Table) => object(&value),
        }
        Ok(())
    }

    /// Prints one page of a list; more pages are announced on standard error.
    pub fn page(
        &self,
        operation: OperationId,
        page: &impl Serialize,
        kind: Page,
    ) -> Result<(), Failure> {
        let value = self.redacted(
            operation,
            serde_json::to_value(page).unwrap_or(Value::Null),
            "",
        );
        if self.format == Format::Json {
            outln!("{}", json_line(&value));
            return Ok(());
        }
        let items = value
            .get("results")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        self.list(operation, &items);
        let more = match kind {
            Page::Numbered => value.get("next").is_some_and(|n| !n.is_null()),
            Page::Cursor => !items.is_empty(),
        };
        if more {
            let of = value
                .get("count")
                .and_then(Value::as_u64)
                .map(|count| format!(" of {count}"))
                .unwrap_or_default();
            eprintln!(
                "{shown}{of} shown; --all for every one{page}.",
                shown = items.len(),
                page = if kind == Page::Numbered {
                    ", or --page for another page"
                } else {
                    ""
                },
            );
        }
        Ok(())
    }

    /// Prints every item of a list as it arrives (`--json`: a line each), or once all arrived (a table
    /// is sized to its content).
    pub async fn stream<T: Serialize>(
        &self,
        operation: OperationId,
        items: impl Stream<Item = Result<T, Failure>>,
    ) -> Result<(), Failure> {
        let mut items = std::pin::pin!(items);
        let mut kept = Vec::new();
        let mut any = false;
        while let Some(item) = items.next().await {
            let value = self.redacted(
                operation,
                serde_json::to_value(item?).unwrap_or(Value::Null),
                "item",
            );
            any = true;
            if self.format == Format::Json {
                outln!("{}", json_line(&value));
            } else {
                kept.push(value);
            }
        }
        if self.format == Format::Json {
            if !any {
                empty(operation);
            }
            return Ok(());
        }
        self.list(operation, &kept);
        Ok(())
    }

    fn list(&self, operation: OperationId, items: &[Value]) {
        if items.is_empty() {
            empty(operation);
            return;
        }
        let columns = columns(items);
        let rows: Vec<Vec<String>> = items
            .iter()
            .map(|item| {
                columns
                    .iter()
                    .map(|c| cell(item.get(c.as_str()).unwrap_or(&Value::Null)))
                    .collect()
            })
            .collect();
        match self.format {
            Format::Csv => {
                outln!(
                    "{}",
                    columns
                        .iter()
                        .map(|c| csv_field(c))
                        .collect::<Vec<_>>()
                        .join(",")
                );
                for row in rows {
                    outln!(
                        "{}",
                        row.iter()
                            .map(|c| csv_field(c))
                            .collect::<Vec<_>>()
                            .join(",")
                    );
                }
            }
            _ => table(&columns, &rows),
        }
    }

    /// The answer with its secrets withheld unless asked for. `scope` is `""` for a whole answer and
    /// `"item"` for one item of a list (whose secrets' paths start below `results.[]` or `[]`).
    fn redacted(&self, operation: OperationId, mut value: Value, scope: &str) -> Value {
        if self.show_secrets {
            return value;
        }
        for path in crate::generated::secrets(operation) {
            let path = if scope.is_empty() {
                Some(*path)
            } else {
                path.strip_prefix("results.[].")
                    .or_else(|| path.strip_prefix("[]."))
            };
            if let Some(path) = path {
                let segments: Vec<&str> = path.split('.').collect();
                redact(&mut value, &segments);
            }
        }
        value
    }
}

/// Prints a value a hand-written flow built: one JSON line, or `key: value` lines (a table for a list).
pub fn print_value(value: &Value, json: bool) {
    match value {
        _ if json => outln!("{}", json_line(value)),
        Value::Array(items) => {
            let columns = columns(items);
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|item| {
                    columns
                        .iter()
                        .map(|c| cell(item.get(c.as_str()).unwrap_or(&Value::Null)))
                        .collect()
                })
                .collect();
            table(&columns, &rows);
        }
        other => object(other),
    }
}

/// Replaces the value at `path` (`[]`: every item) with [`WITHHELD`], unless it is null.
pub fn redact(value: &mut Value, path: &[&str]) {
    let Some((first, rest)) = path.split_first() else {
        if !value.is_null() {
            *value = Value::String(WITHHELD.into());
        }
        return;
    };
    match (*first, value) {
        ("[]", Value::Array(items)) => items.iter_mut().for_each(|item| redact(item, rest)),
        (key, Value::Object(fields)) => {
            if let Some(field) = fields.get_mut(key) {
                redact(field, rest);
            }
        }
        _ => {}
    }
}

/// Says on standard error that a list is empty.
fn empty(operation: OperationId) {
    eprintln!("No {}.", resource(operation.operation().name));
}

/// The columns of a table: `id` first, then every field of the items in the order first seen.
fn columns(items: &[Value]) -> Vec<String> {
    let mut columns: Vec<String> = Vec::new();
    for item in items {
        match item {
            Value::Object(fields) => {
                for key in fields.keys() {
                    if !columns.contains(key) {
                        columns.push(key.clone());
                    }
                }
            }
            _ => {
                if !columns.iter().any(|c| c == "value") {
                    columns.push("value".into());
                }
            }
        }
    }
    // What identifies a row comes first.
    if let Some(at) = columns.iter().position(|c| c == "id") {
        let id = columns.remove(at);
        columns.insert(0, id);
    }
    columns
}

/// One value as printed in a table cell or after a key: `-` for nothing, lists joined with commas,
/// objects as compact JSON, control characters escaped.
pub fn cell(value: &Value) -> String {
    match value {
        Value::Null => "-".into(),
        Value::String(s) => escape_controls(s).into_owned(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        // A whole number the API sends as a float (`443.0`) reads as the number it is.
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 => format!("{f:.0}"),
            _ => n.to_string(),
        },
        Value::Array(items) if items.is_empty() => "-".into(),
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            items.iter().map(cell).collect::<Vec<_>>().join(", ")
        }
        other => json_line(other),
    }
}

/// Prints `rows` under `columns`, each column as wide as its widest cell.
fn table(columns: &[String], rows: &[Vec<String>]) {
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain(std::iter::once(columns[i].chars().count()))
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..columns.len()).map(width).collect();
    let line = |cells: &[String]| {
        let mut line = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(
                    ' ',
                    widths[i] - cell.chars().count() + 2,
                ));
            }
        }
        line
    };
    let header: Vec<String> = columns.iter().map(|c| c.to_ascii_uppercase()).collect();
    outln!("{}", line(&header));
    for row in rows {
        outln!("{}", line(row));
    }
}

/// Prints an object as `key: value` lines, nested objects flattened to `outer.inner`, the keys aligned.
fn object(value: &Value) {
    let mut lines = Vec::new();
    flatten("", value, &mut lines);
    let width = lines
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    for (key, value) in lines {
        let pad = width - key.chars().count();
        let line = format!("{key}:{} {value}", " ".repeat(pad));
        outln!("{}", line.trim_end());
    }
}

fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    let key = |name: &str| {
        if prefix.is_empty() {
            escape_controls(name).into_owned()
        } else {
            format!("{prefix}.{}", escape_controls(name))
        }
    };
    match value {
        Value::Object(fields) if !fields.is_empty() => {
            for (name, field) in fields {
                flatten(&key(name), field, out);
            }
        }
        Value::Array(items) if items.iter().any(|i| i.is_object()) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), item, out);
            }
        }
        other => out.push((
            if prefix.is_empty() {
                "value".into()
            } else {
                prefix.to_owned()
            },
            cell(other),
        )),
    }
}

/// The resource an operation acts on, from its name: `get_ip_authorization` → `ip authorization`.
pub fn resource(operation: &str) -> String {
    let rest = operation
        .split_once('_')
        .map_or(operation, |(_, rest)| rest);
    rest.replace('_', " ")
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// A serde message without the values it quotes (`invalid value: string "…", expected …`): what was
/// sent may be a secret, and the user has it anyway.
pub fn without_quoted_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        match c {
            '"' | '`' if !quoted => {
                quoted = true;
                out.push('…');
            }
            '"' | '`' => quoted = false,
            _ if quoted => {}
            _ => out.push(c),
        }
    }
    out
}

/// An object of `pairs`, for the tests.
#[cfg(test)]
fn object_of(pairs: &[(&str, Value)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect::<serde_json::Map<_, _>>(),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn secrets_are_withheld_at_their_paths_only() {
        let mut page =
            json!({"results": [{"password": "p1", "username": "u"}, {"password": null}]});
        redact(&mut page, &["results", "[]", "password"]);
        assert_eq!(
            page,
            json!({"results": [{"password": WITHHELD, "username": "u"}, {"password": null}]})
        );
        let mut token = object_of(&[("token", json!("t")), ("other", json!("o"))]);
        redact(&mut token, &["token"]);
        assert_eq!(token, json!({"token": WITHHELD, "other": "o"}));
    }

    #[test]
    fn cells_never_print_rust_debug_forms() {
        assert_eq!(cell(&Value::Null), "-");
        assert_eq!(cell(&json!(true)), "yes");
        assert_eq!(cell(&json!(["US", "DE"])), "US, DE");
        assert_eq!(cell(&json!("a\u{1b}[2J")), "a\\u{1b}[2J");
        assert_eq!(cell(&json!({"a": 1})), r#"{"a":1}"#);
        assert_eq!(cell(&json!(443.0)), "443");
        assert_eq!(cell(&json!(2.5)), "2.5");
    }

    #[test]
    fn resources_are_named_from_the_operation() {
        assert_eq!(resource("get_ip_authorization"), "ip authorization");
        assert_eq!(resource("list_proxies"), "proxies");
        assert_eq!(resource("logout"), "logout");
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn columns_are_the_union_of_fields_in_order() {
        let items = [
            json!({"id": 1, "name": "a"}),
            json!({"id": 2, "extra": true}),
        ];
        assert_eq!(columns(&items), ["id", "name", "extra"]);
    }

    #[test]
    fn quoted_values_are_left_out_of_messages() {
        assert_eq!(
            without_quoted_values("invalid type: string \"hunter2\", expected i64"),
            "invalid type: string …, expected i64"
        );
    }
}
