//! The value strategies of the generated round-trip tests (`generated.rs`), and the property
//! it checks. Hand-written: they hold no fact of any operation, only how to make a value of a kind.

use std::fmt::Debug;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value};
use webshare_api::operations::{self, OperationId};
use webshare_api::{Endpoint, OrderBy, RawParams};

/// Cases an operation: 114 operations × 256 stay within a few seconds in a debug build.
const CASES: u32 = 256;

/// The property: `check` accepts the parameters exactly when their request reads back equal to them; and
/// when it does, no value left its path segment or made a dot-segment (which a URL parser would resolve
/// against the path). Most values are accepted: the strategies keep to the bounds and choices.
pub fn round_trip<E>(strategy: impl Strategy<Value = E>)
where
    E: Endpoint + PartialEq + Debug + Clone,
{
    // No regression files: the failing case is printed.
    let config = Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    };
    let result = TestRunner::new(config).run(&strategy, |params| {
        let read = E::parse(&RawParams::of(&params));
        let checked = params.check();
        prop_assert_eq!(
            checked.is_ok(),
            read.as_ref() == Ok(&params),
            "check said {:?}, read back {:?}",
            checked,
            read
        );
        if checked.is_err() {
            return Ok(());
        }
        let mut path = String::new();
        params.write_path(&mut path);
        let template = E::OPERATION.path;
        prop_assert_eq!(
            path.split('/').count(),
            template.split('/').count(),
            "a value left its segment: {}",
            path
        );
        prop_assert!(
            !path.split('/').any(|s| s == "." || s == ".."),
            "a dot-segment: {}",
            path
        );
        Ok(())
    });
    if let Err(e) = result {
        panic!("{}: {e}", E::OPERATION.name);
    }
}

/// Fails unless `covered` is every operation of the document, in its order.
pub fn every_operation(covered: &[OperationId]) {
    let all: Vec<_> = operations::ALL.iter().map(|op| op.id).collect();
    assert_eq!(covered, all.as_slice());
}

/// Characters that have a meaning somewhere in a URL, a query or a list, and some far from ASCII.
const HOSTILE: &[char] = &[
    '/', '.', '%', '&', '=', '+', '?', '#', ',', '-', ' ', ';', ':', '@', '~', '\\', '\'', '"',
    '\n', '\r', '\t', '\0', 'é', 'ß', '€', '中', '\u{202e}', '\u{feff}', '😀',
];

/// Whole values that have been trouble elsewhere.
const SPECIAL: &[&str] = &[
    "", ".", "..", "%", "%2F", "%2e%2E", "a/b", "../..", "a&b=c", "+", "=", "?x=1", "#top", "é",
    "😀",
];

/// Text of `min` to `max` characters (a dozen past `min` when unbounded).
pub fn text(min: usize, max: Option<usize>) -> BoxedStrategy<String> {
    let max = max.unwrap_or(min + 12).max(min);
    let char = prop_oneof![
        3 => proptest::sample::select(HOSTILE),
        2 => proptest::char::range('a', 'z'),
        1 => any::<char>(),
    ];
    let chars = proptest::collection::vec(char, min..=max)
        .prop_map(|chars| chars.into_iter().collect::<String>());
    let special: Vec<&str> = SPECIAL
        .iter()
        .copied()
        .filter(|s| (min..=max).contains(&s.chars().count()))
        .collect();
    if special.is_empty() {
        return chars.boxed();
    }
    prop_oneof![
        4 => chars,
        1 => proptest::sample::select(special).prop_map(str::to_owned),
    ]
    .boxed()
}

/// An integer no smaller than `minimum`, often near it.
pub fn int(minimum: Option<i64>) -> BoxedStrategy<i64> {
    match minimum {
        Some(m) => prop_oneof![m..=m.saturating_add(100), m..=i64::MAX].boxed(),
        None => prop_oneof![-100i64..=100, any::<i64>()].boxed(),
    }
}

/// A UTC date-time with nanoseconds, in the years RFC 3339 can write (0000 to 9999).
pub fn date_time() -> impl Strategy<Value = chrono::DateTime<chrono::Utc>> {
    // 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
    (-62_167_219_200i64..=253_402_300_799, 0u32..1_000_000_000).prop_map(|(secs, nanos)| {
        chrono::DateTime::from_timestamp(secs, nanos).expect("the range is representable")
    })
}

/// One of the enum's wire values, as its type.
pub fn choice<T>(values: &'static [&'static str]) -> impl Strategy<Value = T>
where
    T: std::str::FromStr + Debug + Clone,
    T::Err: Debug,
{
    proptest::sample::select(values).prop_map(|v| v.parse().expect("a generated enum's own value"))
}

/// An `ordering` field: ascending or descending, a name of lowercase letters, digits and `_`.
pub fn order_by() -> impl Strategy<Value = OrderBy> {
    ("-?[a-z0-9_]{1,16}").prop_map(|s| s.parse().expect("a valid field name"))
}

/// A value of the component schema `name` (from the document embedded beside this crate), as its type.
pub fn json<T>(name: &'static str) -> impl Strategy<Value = T>
where
    T: serde::de::DeserializeOwned + Debug + Clone,
{
    let schema = &spec()["components"]["schemas"][name];
    assert!(schema.is_object(), "no component schema `{name}`");
    schema_value(schema, 4).prop_map(move |value| {
        serde_json::from_value(value.clone())
            .unwrap_or_else(|e| panic!("a value of `{name}` ({value}) is not its type: {e}"))
    })
}

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = include_str!("../../openapi.json");
        serde_json::from_str(text).expect("the embedded document is JSON")
    })
}

/// A JSON value that `schema` allows: objects, arrays, string enums, strings, integers (with `minimum`),
/// finite numbers and booleans, `$ref`s followed while `depth` lasts.
fn schema_value(schema: &Value, depth: u32) -> BoxedStrategy<Value> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return schema_value(
            &spec()["components"]["schemas"][name],
            depth.saturating_sub(1),
        );
    }
    if let Some(values) = schema["enum"].as_array() {
        return proptest::sample::select(values.clone()).boxed();
    }
    match schema["type"].as_str() {
        Some("boolean") => any::<bool>().prop_map(Value::from).boxed(),
        Some("integer") => int(schema["minimum"].as_i64())
            .prop_map(Value::from)
            .boxed(),
        Some("number") => any::<f64>()
            .prop_filter_map("not finite", serde_json::Number::from_f64)
            .prop_map(Value::Number)
            .boxed(),
        Some("string") => text(0, None).prop_map(Value::from).boxed(),
        Some("array") if depth > 0 => {
            proptest::collection::vec(schema_value(&schema["items"], depth - 1), 0..3)
                .prop_map(Value::from)
                .boxed()
        }
        Some("object") if depth > 0 => object(schema, depth - 1),
        _ => Just(Value::Null).boxed(),
    }
}

/// An object: each property present or not (required ones always), and extra keys where
/// `additionalProperties` allows them.
fn object(schema: &Value, depth: u32) -> BoxedStrategy<Value> {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut fields: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
    for (key, property) in schema["properties"].as_object().into_iter().flatten() {
        let is_required = required.contains(&key.as_str());
        let key = key.clone();
        let value = schema_value(property, depth).prop_map(move |v| (key.clone(), v));
        if is_required {
            fields.push(value.prop_map(Some).boxed());
        } else {
            fields.push(proptest::option::of(value).boxed());
        }
    }
    let extra = match &schema["additionalProperties"] {
        extra @ Value::Object(_) => {
            proptest::collection::vec((text(0, None), schema_value(extra, depth)), 0..4).boxed()
        }
        _ => Just(Vec::new()).boxed(),
    };
    (fields, extra)
        .prop_map(|(fields, extra)| {
            let mut map = Map::new();
            map.extend(extra);
            map.extend(fields.into_iter().flatten());
            Value::Object(map)
        })
        .boxed()
}
