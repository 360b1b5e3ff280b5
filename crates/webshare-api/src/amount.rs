//! Money. The API writes amounts as JSON numbers (`"price": 13.94`) or as strings (`"amount": "0.54"`);
//! either way they are decimals here, never binary floating point: `format: decimal` in the spec becomes
//! [`Decimal`] (a JSON string) or [`Amount`] (a JSON number).

use std::fmt;
use std::str::FromStr;

pub use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A decimal amount that travels as a JSON number (`13.94`), read exactly as written (a number goes
/// through its shortest round-trip text, so `0.0299` is `0.0299`, not the nearest binary fraction).
/// Arithmetic is on the [`Decimal`] inside ([`Amount::value`], or `*amount`).
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(pub Decimal);

impl Amount {
    /// The decimal value.
    pub fn value(self) -> Decimal {
        self.0
    }
}

impl std::ops::Deref for Amount {
    type Target = Decimal;
    fn deref(&self) -> &Decimal {
        &self.0
    }
}

impl From<Decimal> for Amount {
    fn from(value: Decimal) -> Self {
        Amount(value)
    }
}

impl From<Amount> for Decimal {
    fn from(value: Amount) -> Self {
        value.0
    }
}

impl FromStr for Amount {
    type Err = rust_decimal::Error;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Decimal::from_str_exact(text).map(Amount)
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for Amount {
    /// As a JSON number: the `f64` nearest the decimal, which prints back as the same digits for every
    /// amount of up to 15 significant digits.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.to_f64() {
            Some(value) => serializer.serialize_f64(value),
            None => Err(serde::ser::Error::custom("an amount beyond f64's range")),
        }
    }
}

impl<'de> Deserialize<'de> for Amount {
    /// From a JSON number (or a decimal string).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <Decimal as Deserialize>::deserialize(deserializer).map(Amount)
    }
}

#[cfg(feature = "json-schema")]
impl schemars::JsonSchema for Amount {
    fn schema_name() -> String {
        "Amount".to_owned()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::Number.into()),
            format: Some("decimal".to_owned()),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_the_digits_written_and_write_back_as_numbers() {
        let amounts: Vec<Amount> =
            serde_json::from_str("[13.94, 0.0299, 0.020929999999999997, 10, \"5.40\"]").unwrap();
        let text: Vec<String> = amounts.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            ["13.94", "0.0299", "0.020929999999999997", "10", "5.40"]
        );
        // 0.1 + 0.2 is exactly 0.3 in decimals, unlike in f64.
        let sum = amounts[0].value() + Decimal::from_str("0.06").unwrap();
        assert_eq!(sum.to_string(), "14.00");
        assert_eq!(
            serde_json::to_string(&amounts[..3]).unwrap(),
            "[13.94,0.0299,0.020929999999999997]"
        );
    }

    #[test]
    fn non_numbers_are_refused() {
        assert!(serde_json::from_str::<Amount>("\"ten\"").is_err());
        assert!(serde_json::from_str::<Amount>("true").is_err());
    }
}
