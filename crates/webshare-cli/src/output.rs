//! What successful commands print: sentences by default, the API's JSON with `--json`. Tokens are
//! withheld unless asked for. Text from the server is printed with control characters escaped.

use std::borrow::Cow;

use crate::stdout::outln;
use serde_json::{Value, json};
use webshare::Token;

/// `text` with every control character (`char::is_control`: C0, DEL, C1) written as a Rust escape such
/// as `\u{1b}`, so that text from the server cannot move the cursor, recolour or retitle the terminal.
/// Ordinary text, including non-ASCII letters, is unchanged. For human output; JSON is printed with
/// [`json_line`].
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            escaped.extend(c.escape_unicode());
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

/// `value` as one line of JSON, with every control character escaped. serde_json escapes only
/// U+0000–U+001F; DEL and the C1 controls (U+007F–U+009F, among them CSI, which some terminals obey)
/// it writes as they are, so these are written as `\u00XX` escapes here. The JSON value is the same.
pub fn json_line(value: &Value) -> String {
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, EscapeControls);
    // Serializing a `Value` into a `Vec` cannot fail.
    let _ = serde::Serialize::serialize(value, &mut serializer);
    String::from_utf8(out).unwrap_or_default()
}

/// Prints an API value as one JSON line ([`json_line`]).
pub fn print_json(value: &impl serde::Serialize) {
    outln!(
        "{}",
        json_line(&serde_json::to_value(value).unwrap_or(Value::Null))
    );
}

/// An optional text from the server for human output: escaped ([`escape_controls`]), `-` when absent.
pub fn text_or_dash(value: Option<&str>) -> Cow<'_, str> {
    value.map_or(Cow::Borrowed("-"), escape_controls)
}

/// serde_json's compact formatter, escaping the control characters serde_json leaves in strings.
struct EscapeControls;

impl serde_json::ser::Formatter for EscapeControls {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if c.is_control() {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// Where a returned token went.
pub struct TokenReport<'a> {
    /// The token.
    pub token: &'a Token,
    /// Print it.
    pub show: bool,
    /// Where it was saved, if it was.
    pub saved_to: Option<crate::credentials::Stored>,
}

impl TokenReport<'_> {
    fn json_value(&self) -> Value {
        if self.show {
            json!(self.token.expose())
        } else {
            json!("[redacted]")
        }
    }

    fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(stored) = &self.saved_to {
            lines.push(format!("Token saved in {stored}."));
        }
        if self.show {
            lines.push(format!("Token: {}", escape_controls(self.token.expose())));
        } else if self.saved_to.is_none() {
            lines.push(
                "Token not shown: add --save to store it, or --show-token to print it.".to_owned(),
            );
        }
        lines
    }
}

/// Prints results in the chosen form.
pub struct Printer {
    /// `--json`.
    pub json: bool,
}

impl Printer {
    fn emit(&self, sentences: Vec<String>, json: Value) {
        if self.json {
            outln!("{}", json_line(&json));
        } else {
            outln!("{}", sentences.join("\n"));
        }
    }

    /// `register` and `social register`: `what` says which of the two outcomes it was.
    pub fn registered(&self, what: &str, existing: bool, token: &TokenReport) {
        let mut lines = vec![what.to_owned()];
        lines.extend(token.lines());
        self.emit(
            lines,
            json!({ "token": token.json_value(), "logged_in_existing_user": existing }),
        );
    }

    /// Commands that return a token: login, reset completion, activation completion.
    pub fn token(&self, what: &str, token: &TokenReport) {
        let mut lines = vec![what.to_owned()];
        lines.extend(token.lines());
        self.emit(lines, json!({ "token": token.json_value() }));
    }

    /// Commands that answer 204.
    pub fn done(&self, what: &str) {
        self.emit(vec![what.to_owned()], json!({}));
    }
}

#[cfg(test)]
mod tests {
    use super::{escape_controls, json_line};

    #[test]
    fn json_lines_escape_every_control_character() {
        let value = serde_json::json!({"a\u{9b}": ["x\u{1b}[2J\u{7f}\u{85}é"]});
        let line = json_line(&value);
        assert_eq!(line, r#"{"a\u009b":["x\u001b[2J\u007f\u0085é"]}"#);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&line).unwrap(),
            value
        );
    }

    #[test]
    fn control_characters_are_escaped_and_other_text_is_not() {
        assert_eq!(escape_controls("Invalid token."), "Invalid token.");
        assert_eq!(
            escape_controls("Adresse ungültig – 東京"),
            "Adresse ungültig – 東京"
        );
        assert_eq!(
            escape_controls("a\u{1b}[31mred\u{7}\r\n\u{9b}b"),
            "a\\u{1b}[31mred\\u{7}\\u{d}\\u{a}\\u{9b}b"
        );
    }
}
