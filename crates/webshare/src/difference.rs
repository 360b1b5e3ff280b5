//! Where a successful answer differs from the spec: the JSON path of the first field that did not decode,
//! what the spec expects there, and the kind of value found — never the value, which may be a token or a
//! password.
//!
//! The path is tracked only once decoding has failed (the body is decoded again with
//! `serde_path_to_error`), so the normal path costs nothing more.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// How an answer differs from the spec, at its first differing field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Difference {
    /// The JSON path of the field, e.g. `results[3].country_code`; `.` for the whole body.
    pub path: String,
    /// What the spec expects there, e.g. `a string`, `an integer`, `a value (the field is required)`.
    pub expected: String,
    /// The kind of value the answer had there.
    pub found: ValueKind,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at {}: expected {}, found {}",
            self.path, self.expected, self.found
        )
    }
}

/// The kind of a JSON value, which an error may name (the value itself it may not). Serialized in
/// snake case (`null`, `string`, `missing`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ValueKind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
    /// No value: the key is absent.
    Missing,
    /// Not known (the answer could not be read again).
    Unknown,
}

impl ValueKind {
    /// The kind of `value`.
    pub fn of(value: &Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Bool(_) => Self::Boolean,
            Value::Number(_) => Self::Number,
            Value::String(_) => Self::String,
            Value::Array(_) => Self::Array,
            Value::Object(_) => Self::Object,
        }
    }
}

impl fmt::Display for ValueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Null => "null",
            Self::Boolean => "a boolean",
            Self::Number => "a number",
            Self::String => "a string",
            Self::Array => "an array",
            Self::Object => "an object",
            Self::Missing => "nothing (the key is absent)",
            Self::Unknown => "a value of another kind",
        })
    }
}

impl crate::Error {
    /// [`Error::SpecMismatch`](crate::Error::SpecMismatch) for a field that the spec lets be `null` (or
    /// absent) but that the caller needs: `operation`'s answer had none at `path`. For example the
    /// download token of a proxy config, which the SDK's models say may be missing.
    pub fn absent_in_answer(operation: &'static str, path: &str) -> Self {
        Self::SpecMismatch {
            operation,
            status: 200,
            difference: Difference {
                path: path.to_owned(),
                expected: "a value (needed for this call)".to_owned(),
                found: ValueKind::Null,
            },
        }
    }
}

/// Why `json` does not decode as `T`: `None` when it is not JSON at all (a syntax error, or cut short),
/// or when it decodes after all.
pub(crate) fn find<T: DeserializeOwned>(json: &[u8]) -> Option<Difference> {
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let error = serde_path_to_error::deserialize::<_, T>(&mut deserializer).err()?;
    if error.inner().classify() != serde_json::error::Category::Data {
        return None;
    }
    let mut segments: Vec<Segment> = error
        .path()
        .iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Seq { index } => Some(Segment::Index(*index)),
            serde_path_to_error::Segment::Map { key } => Some(Segment::Key(key.clone())),
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {
                None
            }
        })
        .collect();
    // serde's message, without serde_json's position; read for its fixed phrases only, never quoted
    // whole (`invalid type: string "…"` quotes the value).
    let message = error.inner().to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(text, _)| text);
    let (expected, found) = if let Some(field) = missing_field(message) {
        segments.push(Segment::Key(field.to_owned()));
        (
            "a value (the field is required)".to_owned(),
            ValueKind::Missing,
        )
    } else {
        let expected = message
            .rsplit_once(", expected ")
            .map_or("a value of the documented format", |(_, expected)| expected);
        let found = invalid_type(message).unwrap_or_else(|| {
            serde_json::from_slice::<Value>(json)
                .ok()
                .and_then(|body| at(&body, &segments).map(ValueKind::of))
                .unwrap_or(ValueKind::Unknown)
        });
        (plain(expected), found)
    };
    Some(Difference {
        path: path_text(&segments),
        expected,
        found,
    })
}

enum Segment {
    Index(usize),
    Key(String),
}

fn path_text(segments: &[Segment]) -> String {
    if segments.is_empty() {
        return ".".to_owned();
    }
    let mut text = String::new();
    for segment in segments {
        match segment {
            Segment::Index(index) => text.push_str(&format!("[{index}]")),
            Segment::Key(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
        }
    }
    text
}

/// The value at `segments` in `body`.
fn at<'a>(body: &'a Value, segments: &[Segment]) -> Option<&'a Value> {
    segments
        .iter()
        .try_fold(body, |value, segment| match segment {
            Segment::Index(index) => value.get(index),
            Segment::Key(key) => value.get(key),
        })
}

/// The field of serde's "missing field `name`".
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")?
        .strip_suffix('`')
        .filter(|field| !field.contains('`'))
}

/// The kind of serde's "invalid type: <kind> …, expected …", from its first word (what follows the kind
/// may quote the value, and is never read).
fn invalid_type(message: &str) -> Option<ValueKind> {
    let rest = message.strip_prefix("invalid type: ")?;
    let word = rest.split([' ', ',']).next()?;
    Some(match word {
        "null" | "unit" => ValueKind::Null,
        "boolean" => ValueKind::Boolean,
        "integer" | "floating" => ValueKind::Number,
        "string" | "character" => ValueKind::String,
        "sequence" => ValueKind::Array,
        "map" => ValueKind::Object,
        _ => return None,
    })
}

/// serde's and Rust's names for what was expected, in the spec's words.
fn plain(expected: &str) -> String {
    let expected = expected.trim();
    match expected {
        "i8" | "i16" | "i32" | "i64" | "i128" | "u8" | "u16" | "u32" | "u64" | "u128" | "isize"
        | "usize" => "an integer".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "a boolean" | "bool" => "a boolean".to_owned(),
        "a sequence" => "an array".to_owned(),
        "a map" => "an object".to_owned(),
        e if e.starts_with("struct ") => "an object".to_owned(),
        e => e.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Page {
        results: Vec<Item>,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Item {
        country_code: String,
        port: i64,
    }

    fn item(country: &str, port: &str) -> String {
        format!(r#"{{"country_code": {country}, "port": {port}}}"#)
    }

    #[test]
    fn a_null_string_is_named_by_path_and_kind() {
        let body = format!(
            r#"{{"results": [{}, {}]}}"#,
            item(r#""US""#, "1"),
            item("null", "2")
        );
        let difference = find::<Page>(body.as_bytes()).unwrap();
        assert_eq!(difference.path, "results[1].country_code");
        assert_eq!(difference.expected, "a string");
        assert_eq!(difference.found, ValueKind::Null);
        assert_eq!(
            difference.to_string(),
            "at results[1].country_code: expected a string, found null"
        );
    }

    #[test]
    fn a_wrong_type_never_quotes_the_value() {
        let body = format!(r#"{{"results": [{}]}}"#, item(r#""US""#, r#""hunter2""#));
        let difference = find::<Page>(body.as_bytes()).unwrap();
        assert_eq!(difference.path, "results[0].port");
        assert_eq!(difference.expected, "an integer");
        assert_eq!(difference.found, ValueKind::String);
        assert!(!format!("{difference} {difference:?}").contains("hunter2"));
    }

    #[test]
    fn a_missing_field_is_named_with_its_key() {
        let body = r#"{"results": [{"country_code": "US"}]}"#;
        let difference = find::<Page>(body.as_bytes()).unwrap();
        assert_eq!(difference.path, "results[0].port");
        assert_eq!(difference.found, ValueKind::Missing);
        assert_eq!(difference.expected, "a value (the field is required)");
    }

    #[test]
    fn an_invalid_value_is_found_by_walking_the_body() {
        // A negative number for a `u8`: serde says "invalid value", so the kind comes from the body.
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct Small {
            n: u8,
        }
        let difference = find::<Small>(br#"{"n": -1}"#).unwrap();
        assert_eq!(difference.path, "n");
        assert_eq!(difference.found, ValueKind::Number);
        assert_eq!(difference.expected, "an integer");
    }

    #[test]
    fn not_json_and_valid_bodies_are_no_difference() {
        assert!(find::<Page>(b"<html>").is_none());
        assert!(find::<Page>(br#"{"results": ["#).is_none());
        assert!(find::<Page>(br#"{"results": []}"#).is_none());
        assert_eq!(find::<Page>(b"[]").unwrap().path, ".");
    }
}
