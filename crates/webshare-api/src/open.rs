//! What the generated open enums share: a string enum that keeps an unknown value, and a tagged union that
//! keeps an object of an unknown kind. The generator writes each enum; the mechanism is here once.

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, Unexpected};
use serde_json::{Map, Value};

/// Decodes a string into an open string enum without allocating for a value it knows.
#[doc(hidden)]
pub fn deserialize_str<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct Visitor<T>(std::marker::PhantomData<T>);
    impl<T: for<'a> From<&'a str>> de::Visitor<'_> for Visitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }
    }
    deserializer.deserialize_str(Visitor(std::marker::PhantomData))
}

/// Decodes a date-time: strict RFC 3339 first (chrono's dedicated parser), else chrono's relaxed reading,
/// which is what `DateTime<Utc>`'s own `Deserialize` accepts; so nothing read before is refused, and the
/// API's usual form skips the relaxed parser's general format machinery.
#[doc(hidden)]
pub fn date_time<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<chrono::DateTime<chrono::Utc>, D::Error> {
    struct Visitor;
    impl de::Visitor<'_> for Visitor {
        type Value = chrono::DateTime<chrono::Utc>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an RFC 3339 date-time")
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
            match chrono::DateTime::parse_from_rfc3339(value) {
                Ok(at) => Ok(at.with_timezone(&chrono::Utc)),
                Err(_) => value.parse().map_err(E::custom),
            }
        }
    }
    deserializer.deserialize_str(Visitor)
}

/// [`date_time`] for a field that may be null.
#[doc(hidden)]
pub fn option_date_time<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, D::Error> {
    struct Read(chrono::DateTime<chrono::Utc>);
    impl<'de> Deserialize<'de> for Read {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            date_time(deserializer).map(Read)
        }
    }
    Ok(Option::<Read>::deserialize(deserializer)?.map(|read| read.0))
}

/// A `type`-tagged object, read whole so that its tag can choose the member that decodes it.
#[doc(hidden)]
pub struct TaggedObject {
    tag: String,
    object: Map<String, Value>,
}

impl TaggedObject {
    /// Reads an object whose `tag` property is a string.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
        tag: &'static str,
    ) -> Result<Self, D::Error> {
        let object = Map::<String, Value>::deserialize(deserializer)?;
        let tag = match object.get(tag) {
            Some(Value::String(value)) => value.clone(),
            Some(other) => {
                return Err(de::Error::invalid_type(unexpected(other), &"a string tag"));
            }
            None => return Err(de::Error::missing_field(tag)),
        };
        Ok(Self { tag, object })
    }

    /// The tag and the object.
    pub fn into_parts(self) -> (String, Map<String, Value>) {
        (self.tag, self.object)
    }
}

/// Decodes the object as the member its tag names; the member's own error stands.
#[doc(hidden)]
pub fn decode<T: DeserializeOwned, E: de::Error>(object: Map<String, Value>) -> Result<T, E> {
    T::deserialize(Value::Object(object)).map_err(E::custom)
}

/// The kind of a JSON value, for serde's messages (never the value: it is only named by kind).
fn unexpected(value: &Value) -> Unexpected<'static> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(_) => Unexpected::Other("a boolean"),
        Value::Number(_) => Unexpected::Other("a number"),
        Value::String(_) => Unexpected::Other("a string"),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// The JSON Schema of an open string enum: any string, the known ones in the description.
#[cfg(feature = "json-schema")]
#[doc(hidden)]
pub fn string_schema(description: &str) -> schemars::schema::Schema {
    described(schemars::schema::InstanceType::String, description)
}

/// The JSON Schema of an open tagged union: one of the known kinds; the description says more may come.
#[cfg(feature = "json-schema")]
#[doc(hidden)]
pub fn union_schema(
    description: &str,
    members: Vec<schemars::schema::Schema>,
) -> schemars::schema::Schema {
    schemars::schema::SchemaObject {
        metadata: Some(Box::new(schemars::schema::Metadata {
            description: Some(description.to_owned()),
            ..Default::default()
        })),
        subschemas: Some(Box::new(schemars::schema::SubschemaValidation {
            one_of: Some(members),
            ..Default::default()
        })),
        ..Default::default()
    }
    .into()
}

#[cfg(feature = "json-schema")]
fn described(kind: schemars::schema::InstanceType, description: &str) -> schemars::schema::Schema {
    schemars::schema::SchemaObject {
        instance_type: Some(kind.into()),
        metadata: Some(Box::new(schemars::schema::Metadata {
            description: Some(description.to_owned()),
            ..Default::default()
        })),
        ..Default::default()
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path reads every date-time as chrono's own `Deserialize` does: the same value where that
    /// accepts one, an error where it refuses one.
    #[test]
    fn date_times_read_as_chronos_own_impl_reads_them() {
        type At = chrono::DateTime<chrono::Utc>;
        #[derive(Deserialize)]
        struct Fast {
            #[serde(deserialize_with = "date_time")]
            at: At,
            #[serde(default, deserialize_with = "option_date_time")]
            maybe: Option<At>,
        }
        #[derive(Deserialize, Debug, PartialEq)]
        struct Chrono {
            at: At,
            maybe: Option<At>,
        }
        for text in [
            "2022-08-13T05:59:57.690853-07:00",
            "2022-08-13T12:59:57Z",
            "2022-08-13t12:59:57z",
            "2022-08-13 12:59:57+00:00",
            "2022-08-13T12:59:57.1+05:30",
            "2022-08-13T12:59:57 +00:00",
            "2022-02-30T12:59:57Z",
            "13 Aug 2022",
            "",
        ] {
            let json = format!(r#"{{"at": {text:?}, "maybe": {text:?}}}"#);
            let fast = serde_json::from_str::<Fast>(&json).map(|f| (f.at, f.maybe));
            let own = serde_json::from_str::<Chrono>(&json).map(|c| (c.at, c.maybe));
            match (fast, own) {
                (Ok(fast), Ok(own)) => assert_eq!(fast, own, "{text}"),
                (Err(_), Err(_)) => {}
                (fast, own) => panic!("{text}: fast {fast:?}, chrono {own:?}"),
            }
        }
        let absent: Fast = serde_json::from_str(r#"{"at": "2022-08-13T12:59:57Z"}"#).unwrap();
        assert_eq!(absent.maybe, None);
        let null: Fast =
            serde_json::from_str(r#"{"at": "2022-08-13T12:59:57Z", "maybe": null}"#).unwrap();
        assert_eq!(null.maybe, None);
        assert!(serde_json::from_str::<Fast>(r#"{"at": 5}"#).is_err());
    }
}
