//! What the generated [`operations`](crate::operations) are made of: the facts of one operation
//! ([`Operation`]), the [`Endpoint`] trait each operation's parameter struct implements, and the encoding of
//! parameters in the API's syntax (comma-joined `__in` lists, `ordering` with `-`, path segments).
//!
//! The facts themselves (every method, path and parameter) are generated from `openapi/webshare.yaml`;
//! this file only defines their shapes and the encoders, which hold no fact of any operation.

use std::fmt::{self, Write as _};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::operations::{OperationId, RateLimitClass};

/// One operation of the API, as a transport needs it. Every value is generated from the spec.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// Which operation this is.
    pub id: OperationId,
    /// The spec's `operationId`, e.g. `list_proxies`.
    pub name: &'static str,
    /// The HTTP method.
    pub method: http::Method,
    /// The path template below the server URL, e.g. `/v2/proxy/ipauthorization/{id}/`.
    pub path: &'static str,
    /// The documentation section (the spec's first tag).
    pub tag: &'static str,
    /// One line on what it does.
    pub summary: &'static str,
    /// Whether `Authorization` is sent.
    pub auth: Auth,
    /// Safe to send again after an unknown outcome, so retried by default.
    pub retry_safe: bool,
    /// It moves money (a checkout): a client sends it once per call, whatever its retry policy.
    pub charges: bool,
    /// A secret (password, token, recaptcha value, emailed code, download token) travels in its request
    /// or its response: never over plain http to another machine.
    pub carries_secrets: bool,
    /// Whether a JSON body is sent.
    pub has_body: bool,
    /// The fields of a `multipart/form-data` body (an upload); empty when the body is not a form.
    pub form: &'static [FormField],
    /// How the success body is read.
    pub response: ResponseKind,
    /// How the list is paged, if it is one.
    pub pagination: Pagination,
    /// The documented rate-limit class.
    pub rate_limit: RateLimitClass,
    /// Whether it takes a `plan_id` (optional ones default to the client's plan).
    pub plan_scoped: bool,
    /// Whether it may act as a sub-user (the `X-Subuser` header).
    pub subuser: bool,
    /// The path parameters, in template order.
    pub path_params: &'static [&'static str],
    /// The query parameters.
    pub query_params: &'static [&'static str],
}

/// One field of a `multipart/form-data` body, as the spec declares it.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FormField {
    /// The field's name in the form.
    pub name: &'static str,
    /// Whether the form must have it.
    pub required: bool,
    /// Whether the part may be repeated (an array of files or values).
    pub repeated: bool,
    /// A text value or a file.
    pub kind: FormFieldKind,
}

/// What a form field holds.
#[derive(Debug, PartialEq, Eq)]
pub enum FormFieldKind {
    /// A text value.
    Text,
    /// A file part.
    File {
        /// The media types a file may have; empty for any.
        content_types: &'static [&'static str],
        /// The largest size in bytes, if the API states one.
        max_bytes: Option<u64>,
    },
}

impl FormField {
    /// Whether `media_type` (parameters ignored, case-insensitive) is one this file field takes.
    pub fn accepts(&self, media_type: &str) -> bool {
        match self.kind {
            FormFieldKind::Text => false,
            FormFieldKind::File { content_types, .. } => {
                let essence = media_type.split(';').next().unwrap_or("").trim();
                content_types.is_empty()
                    || content_types
                        .iter()
                        .any(|t| t.eq_ignore_ascii_case(essence))
            }
        }
    }

    /// A file field's size limit in bytes, if it has one.
    pub fn max_bytes(&self) -> Option<u64> {
        match self.kind {
            FormFieldKind::Text => None,
            FormFieldKind::File { max_bytes, .. } => max_bytes,
        }
    }
}

/// Whether an operation sends the `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// It needs a token.
    Required,
    /// A token is used when there is one.
    Optional,
    /// Never: it is public, or authorised by a token in its path (downloads).
    None,
}

/// How an operation's success body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseKind {
    /// A JSON document.
    Json,
    /// Nothing (204).
    Empty,
    /// Plain text, one record a line.
    Text,
    /// CSV.
    Csv,
    /// Bytes (a PDF).
    Binary,
}

/// How a list operation is paged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pagination {
    /// Not a list.
    None,
    /// `page` and `page_size`; `next` is null on the last page.
    PageNumber,
    /// `starting_after` set from the last item of a page.
    Cursor,
    /// A bare JSON array, all at once.
    Array,
}

/// One operation's parameters; `webshare_api::operations` has one implementation an operation. The
/// transport builds the request from it and from [`Endpoint::OPERATION`].
pub trait Endpoint: Sized + Send + Sync + 'static {
    /// The operation's facts.
    const OPERATION: &'static Operation;
    /// The JSON request body (`()` when there is none).
    type Body: Serialize + Send + Sync;
    /// The JSON success body (`()` for 204 and non-JSON answers).
    type Response: DeserializeOwned + Send + 'static;
    /// Appends the path, parameters filled in and encoded, e.g. `/v2/proxy/ipauthorization/5/`.
    fn write_path(&self, out: &mut String);
    /// Writes the query parameters; `plan_id` fills an absent optional `plan_id`.
    fn write_query(&self, query: &mut Query, plan_id: Option<i64>);
    /// The sub-user to act as (`X-Subuser`), if the operation allows one and it is set.
    fn subuser(&self) -> Option<i64>;
    /// Reads the parameters of a received request (what a server does): every missing, malformed or
    /// unknown value is a [`ParamError`] naming the parameter.
    fn parse(request: &RawParams) -> Result<Self, ParamError>;

    /// Checks the parameters as a server reads them, before anything is sent: the request they make
    /// ([`RawParams::of`]) read back by [`Endpoint::parse`]. A value outside the spec's bounds or
    /// choices (a three-letter country code, a page of 0) is the [`ParamError`] naming the parameter,
    /// by the same generated rules for every operation. The generated implementations also refuse a
    /// value that would be read back changed (a list item holding the list's separator, the "none"
    /// placeholder as a value), which this default cannot compare.
    fn check(&self) -> Result<(), ParamError> {
        Self::parse(&RawParams::of(self)).map(drop)
    }
}

/// A list operation paged by `page`.
pub trait PageNumbered: Endpoint {
    /// What the list holds.
    type Item;
    /// The page asked for, if set.
    fn page(&self) -> Option<i64>;
    /// Asks for page `page` (from 1).
    fn set_page(&mut self, page: i64);
    /// The page's items, and whether there is a next page.
    fn into_items(page: Self::Response) -> (Vec<Self::Item>, bool);
}

/// A list operation paged by a `starting_after` cursor.
pub trait CursorPaged: Endpoint {
    /// What the list holds.
    type Item;
    /// Asks for the page after `last`.
    fn continue_after(&mut self, last: &Self::Item);
    /// The page's items, and whether there is a next page.
    fn into_items(page: Self::Response) -> (Vec<Self::Item>, bool);
}

/// A parameter that is missing, malformed or not one of the allowed values.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParamError {
    /// The parameter's name, as on the wire.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.field, self.message)
    }
}

impl std::error::Error for ParamError {}

impl ParamError {
    /// An error of `field`.
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// A query string being written (`application/x-www-form-urlencoded`).
#[derive(Debug, Default)]
pub struct Query {
    out: String,
    value: String,
}

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `key=value`.
    pub fn pair(&mut self, key: &str, value: impl fmt::Display) {
        self.value.clear();
        let _ = write!(self.value, "{value}");
        if !self.out.is_empty() {
            self.out.push('&');
        }
        self.out
            .extend(form_urlencoded::byte_serialize(key.as_bytes()));
        self.out.push('=');
        self.out
            .extend(form_urlencoded::byte_serialize(self.value.as_bytes()));
    }

    /// Adds `key=a,b,c` (one value, as the API's `__in` filters and `ordering` want); nothing when empty.
    pub fn list<T: fmt::Display>(&mut self, key: &str, items: &[T]) {
        self.joined(key, items, ",", None);
    }

    /// Adds the items joined by `separator` as one value; when there are none, `empty` as the value, or
    /// nothing without one.
    pub fn joined<T: fmt::Display>(
        &mut self,
        key: &str,
        items: &[T],
        separator: &str,
        empty: Option<&str>,
    ) {
        match (items.is_empty(), empty) {
            (false, _) => self.pair(key, Joined(items, separator)),
            (true, Some(empty)) => self.pair(key, empty),
            (true, None) => {}
        }
    }

    /// The query, without `?`; empty when nothing was added.
    pub fn as_str(&self) -> &str {
        &self.out
    }
}

/// Items joined by a separator.
pub struct Joined<'a, T>(pub &'a [T], pub &'a str);

impl<T: fmt::Display> fmt::Display for Joined<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(self.1)?;
            }
            write!(f, "{item}")?;
        }
        Ok(())
    }
}

/// Everything but ASCII letters, digits and `-._~` is escaped in a path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Appends one path segment, percent-encoded: a `/` in a value cannot leave its segment, and a value of
/// `.` or `..` is written `%2E` / `%2E%2E`, so it cannot be read as a dot-segment that changes the path.
pub fn push_segment(out: &mut String, value: impl fmt::Display) {
    let value = value.to_string();
    match value.as_str() {
        "." => out.push_str("%2E"),
        ".." => out.push_str("%2E%2E"),
        _ => out.extend(utf8_percent_encode(&value, SEGMENT)),
    }
}

/// The path parameter of `template` (an operation's path) that `path` (as [`Endpoint::write_path`] wrote
/// it) holds as a dot-segment (`%2E` or `%2E%2E`), if any. URL parsers that follow the WHATWG URL standard
/// (reqwest's among them) resolve a dot-segment even escaped, which would send the request to another
/// path: a client refuses such a value instead of sending it.
pub fn dot_segment_parameter(template: &'static str, path: &str) -> Option<&'static str> {
    if !path.contains("%2E") {
        return None;
    }
    template
        .split('/')
        .zip(path.split('/'))
        .find_map(|(template, value)| {
            let name = template.strip_prefix('{')?.strip_suffix('}')?;
            matches!(value, "%2E" | "%2E%2E").then_some(name)
        })
}

/// A JSON parameter's value: the JSON text of its schema's type.
pub fn json_text<T: Serialize>(value: &T) -> String {
    // The generated types serialize infallibly (no maps with non-string keys, no failing impls).
    serde_json::to_string(value).unwrap_or_default()
}

/// A date-time as the API's filters take it: RFC 3339, UTC, every fractional digit kept (a cursor must not
/// lose precision).
pub fn date_time(value: &chrono::DateTime<chrono::Utc>) -> String {
    value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// The parameters of a received request, as a server reads them.
#[derive(Debug, Clone, Default)]
pub struct RawParams {
    /// Path parameters by name, percent-decoded.
    pub path: Vec<(String, String)>,
    /// Query pairs, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The `X-Subuser` header, if sent.
    pub subuser: Option<String>,
}

impl RawParams {
    /// What a server reads from the request that `params` make: path segments matched against the
    /// operation's template and decoded, query pairs decoded in order, and the sub-user header.
    pub fn of<E: Endpoint>(params: &E) -> Self {
        let mut path = String::new();
        params.write_path(&mut path);
        let mut query = Query::new();
        params.write_query(&mut query, None);
        let decode = |text: &str| {
            percent_encoding::percent_decode_str(text)
                .decode_utf8_lossy()
                .into_owned()
        };
        let path = E::OPERATION
            .path
            .split('/')
            .zip(path.split('/'))
            .filter_map(|(template, value)| {
                let name = template.strip_prefix('{')?.strip_suffix('}')?;
                Some((name.to_owned(), decode(value)))
            })
            .collect();
        let query = form_urlencoded::parse(query.as_str().trim_start_matches('?').as_bytes())
            .into_owned()
            .collect();
        Self {
            path,
            query,
            subuser: params.subuser().map(|id| id.to_string()),
        }
    }

    /// A path parameter (always present when the route matched).
    pub fn path(&self, name: &str) -> Result<&str, ParamError> {
        self.path
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| ParamError::new(name, "is missing from the path"))
    }

    /// A query parameter; the last value when repeated. An empty value is a value: blank text, an empty
    /// list, and an error for a number, boolean, date-time or choice.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Query parameters that no parameter of `known` names: a server may reject them.
    pub fn unknown_query<'a>(&'a self, known: &[&str]) -> Vec<&'a str> {
        self.query
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| !known.contains(k))
            .collect()
    }
}

/// Parsing helpers for the generated `Endpoint::parse` implementations.
#[doc(hidden)]
pub mod parse {
    use super::ParamError;

    /// A required value.
    pub fn required<T>(field: &str, value: Option<T>) -> Result<T, ParamError> {
        value.ok_or_else(|| ParamError::new(field, "This field is required."))
    }

    /// An integer.
    pub fn int(field: &str, value: &str) -> Result<i64, ParamError> {
        value
            .trim()
            .parse()
            .map_err(|_| ParamError::new(field, "A valid integer is required."))
    }

    /// A boolean, in the spellings the API's framework accepts.
    pub fn boolean(field: &str, value: &str) -> Result<bool, ParamError> {
        match value {
            "true" | "True" | "1" => Ok(true),
            "false" | "False" | "0" => Ok(false),
            _ => Err(ParamError::new(field, "Must be true or false.")),
        }
    }

    /// An RFC 3339 date-time.
    pub fn date_time(
        field: &str,
        value: &str,
    ) -> Result<chrono::DateTime<chrono::Utc>, ParamError> {
        chrono::DateTime::parse_from_rfc3339(value)
            .map(|t| t.with_timezone(&chrono::Utc))
            .map_err(|_| ParamError::new(field, "Enter a valid date/time (RFC 3339)."))
    }

    /// A value of a string enum.
    pub fn choice<T: std::str::FromStr>(field: &str, value: &str) -> Result<T, ParamError> {
        value
            .parse()
            .map_err(|_| ParamError::new(field, format!("\"{value}\" is not a valid choice.")))
    }

    /// A list joined by `separator` (`empty` alone meaning none), each item parsed by `item`.
    pub fn list<T>(
        field: &str,
        value: &str,
        separator: &str,
        empty: Option<&str>,
        item: impl Fn(&str, &str) -> Result<T, ParamError>,
    ) -> Result<Vec<T>, ParamError> {
        // An empty value without a placeholder is one empty item, which the item's checks judge (an
        // empty country code is not one).
        if Some(value) == empty {
            return Ok(Vec::new());
        }
        value
            .split(separator)
            .map(|part| {
                if part.is_empty() {
                    Err(ParamError::new(field, "has an empty item."))
                } else {
                    item(field, part)
                }
            })
            .collect()
    }

    /// JSON text as the parameter's schema type.
    pub fn json<T: serde::de::DeserializeOwned>(field: &str, value: &str) -> Result<T, ParamError> {
        serde_json::from_str(value)
            .map_err(|e| ParamError::new(field, format!("is not the expected JSON: {e}")))
    }

    /// Text as is.
    pub fn text(_field: &str, value: &str) -> Result<String, ParamError> {
        Ok(value.to_owned())
    }

    /// A number no smaller than the schema's `minimum`.
    pub fn at_least(field: &str, value: &i64, minimum: i64) -> Result<(), ParamError> {
        if *value < minimum {
            return Err(ParamError::new(
                field,
                format!("Ensure this value is greater than or equal to {minimum}."),
            ));
        }
        Ok(())
    }

    /// Text within the schema's `minLength`/`maxLength` (in characters).
    pub fn length(
        field: &str,
        text: &str,
        min: usize,
        max: Option<usize>,
    ) -> Result<(), ParamError> {
        let n = text.chars().count();
        if n < min || max.is_some_and(|max| n > max) {
            let message = match max {
                Some(max) if max == min => format!("\"{text}\" must be {min} characters long."),
                Some(max) => format!("\"{text}\" must be {min} to {max} characters long."),
                None => format!("must be at least {min} characters long."),
            };
            return Err(ParamError::new(field, message));
        }
        Ok(())
    }
}

/// One `ordering` field: a name, ascending or (`-name`) descending.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrderBy {
    field: String,
    descending: bool,
}

impl OrderBy {
    /// Ascending by `field`.
    pub fn asc(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            descending: false,
        }
    }

    /// Descending by `field`.
    pub fn desc(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            descending: true,
        }
    }

    /// The field's name.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// Whether the order is descending.
    pub fn is_descending(&self) -> bool {
        self.descending
    }
}

impl fmt::Display for OrderBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.descending {
            f.write_str("-")?;
        }
        f.write_str(&self.field)
    }
}

impl std::str::FromStr for OrderBy {
    type Err = ParamError;

    /// `name` or `-name`; a name is lowercase letters, digits and `_`.
    fn from_str(s: &str) -> Result<Self, ParamError> {
        let (descending, field) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let valid = !field.is_empty()
            && field
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid {
            return Err(ParamError::new(
                "ordering",
                format!(
                    "\"{s}\" is not a field name (lowercase letters, digits and `_`, `-` first to reverse)."
                ),
            ));
        }
        Ok(Self {
            field: field.to_owned(),
            descending,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_one_comma_joined_value() {
        let mut q = Query::new();
        q.list("country_code__in", &["US", "FR"]);
        q.list::<&str>("empty__in", &[]);
        q.pair("search", "san francisco&x=1");
        q.list(
            "ordering",
            &[OrderBy::desc("valid"), OrderBy::asc("proxy_address")],
        );
        assert_eq!(
            q.as_str(),
            "country_code__in=US%2CFR&search=san+francisco%26x%3D1&ordering=-valid%2Cproxy_address"
        );
    }

    #[test]
    fn path_segments_cannot_escape() {
        let mut out = String::from("/x/");
        push_segment(&mut out, "a/b c?d");
        assert_eq!(out, "/x/a%2Fb%20c%3Fd");
    }

    #[test]
    fn ordering_parses_and_refuses() {
        let o: OrderBy = "-created_at".parse().unwrap();
        assert!(o.is_descending());
        assert_eq!(o.field(), "created_at");
        assert_eq!(o.to_string(), "-created_at");
        let e = "Valid;drop".parse::<OrderBy>().unwrap_err();
        assert_eq!(e.field, "ordering");
        assert!("-".parse::<OrderBy>().is_err());
    }

    #[test]
    fn date_times_keep_their_precision() {
        let t = parse::date_time("t", "2022-08-16T15:29:42.517523-07:00").unwrap();
        assert_eq!(date_time(&t), "2022-08-16T22:29:42.517523Z");
        assert_eq!(parse::date_time("t", "yesterday").unwrap_err().field, "t");
    }

    #[test]
    fn bounds_name_the_field() {
        assert_eq!(parse::at_least("page", &0, 1).unwrap_err().field, "page");
        assert!(parse::at_least("page", &1, 1).is_ok());
        assert_eq!(
            parse::length("country_code__in", "USA", 2, Some(2))
                .unwrap_err()
                .field,
            "country_code__in"
        );
        assert!(parse::length("country_code__in", "US", 2, Some(2)).is_ok());
    }

    #[test]
    fn lists_parse_with_their_empty_marker() {
        let l = parse::list("cc", "US-FR", "-", Some("-"), parse::text).unwrap();
        assert_eq!(l, ["US", "FR"]);
        assert!(
            parse::list("cc", "-", "-", Some("-"), parse::text)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            parse::list("cc", "US--FR", "-", Some("-"), parse::text)
                .unwrap_err()
                .field,
            "cc"
        );
    }
}

#[cfg(test)]
mod check_tests {
    use super::{Endpoint, dot_segment_parameter};
    use crate::operations::{DownloadProxyList, GetIpAuthorization, ListProxies};
    use crate::types::{ProxyAuthenticationMethod, ProxyMode};

    #[test]
    fn parameters_are_checked_as_a_server_reads_them() {
        let download = |codes: &[&str]| {
            DownloadProxyList::new(
                "token",
                ProxyAuthenticationMethod::Username,
                ProxyMode::Direct,
            )
            .country_codes(codes.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>())
        };
        assert_eq!(download(&["US", "FR"]).check(), Ok(()));
        assert_eq!(download(&[]).check(), Ok(()));
        let error = download(&["US", "USA"]).check().unwrap_err();
        assert_eq!(error.field, "country_codes");
        assert_eq!(GetIpAuthorization::new(5).check(), Ok(()));
        let mut page = ListProxies::new(ProxyMode::Direct);
        page.page = Some(0);
        assert_eq!(page.check().unwrap_err().field, "page");
        let mut search = ListProxies::new(ProxyMode::Direct);
        search.search = Some("../a b/%".into());
        assert_eq!(search.check(), Ok(()));
    }

    #[test]
    fn dot_segments_are_escaped_and_named() {
        let download = |search: &str| {
            let params = DownloadProxyList::new(
                "token",
                ProxyAuthenticationMethod::Username,
                ProxyMode::Direct,
            )
            .search(search.to_owned());
            let mut path = String::new();
            params.write_path(&mut path);
            path
        };
        let template = DownloadProxyList::OPERATION.path;
        for (search, written) in [("..", "%2E%2E"), (".", "%2E")] {
            let path = download(search);
            assert!(path.ends_with(&format!("/{written}/")), "{path}");
            assert_eq!(dot_segment_parameter(template, &path), Some("search"));
        }
        // Dots inside a value, or a value that is itself an escape, are ordinary text.
        for search in ["a..b", "...", "%2E%2E"] {
            let path = download(search);
            assert_eq!(dot_segment_parameter(template, &path), None, "{path}");
        }
    }
}
