//! Property tests (proptest) of the hand-written value types: money amounts ([`Amount`], [`Decimal`]) and
//! the replacement selectors. None panics on any input; what is written reads back the same; each agrees
//! with the obvious model (a country code is two characters, `count(n)` is the limit).

use std::str::FromStr;

use proptest::prelude::*;
use serde_json::{Value, json};
use webshare_api::types::{ProxySelector, ReplacementSource};
use webshare_api::{Amount, Decimal};

/// A decimal of at most `digits` significant digits, at any scale up to 10.
fn decimal(digits: u32) -> impl Strategy<Value = Decimal> {
    let largest = 10i64.pow(digits) - 1;
    (-largest..=largest, 0u32..=10).prop_map(|(n, scale)| Decimal::new(n, scale))
}

/// Text around numbers: digits, signs, points, exponents, and anything.
fn number_text() -> impl Strategy<Value = String> {
    let char = prop_oneof![
        4 => proptest::char::range('0', '9'),
        2 => proptest::sample::select(vec!['.', '-', '+', 'e', 'E', '_', ' ', ',']),
        1 => any::<char>(),
    ];
    proptest::collection::vec(char, 0..40).prop_map(|c| c.into_iter().collect())
}

fn selector_strings() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(".{0,12}", 0..4)
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn amounts_parse_without_panicking_and_print_back_as_written(text in number_text()) {
        if let Ok(amount) = Amount::from_str(&text) {
            // `from_str_exact` keeps the scale, so the text printed is the text read, digit for digit
            // (a leading `+` and leading zeros aside), and it reads back to the same value.
            let printed = amount.to_string();
            prop_assert_eq!(Amount::from_str(&printed).ok(), Some(amount));
            prop_assert_eq!(printed.parse::<Decimal>().ok(), Some(amount.value()));
        }
        let _ = serde_json::from_str::<Amount>(&text);
        let _ = serde_json::from_str::<Amount>(&format!("\"{}\"", text.escape_default()));
    }

    #[test]
    fn amounts_of_up_to_15_digits_travel_as_json_numbers_unchanged(value in decimal(15)) {
        // The documented promise of `Amount`'s serializer: the f64 nearest the decimal prints back as
        // the same digits for every amount of up to 15 significant digits.
        let json = serde_json::to_string(&Amount(value)).expect("within f64's range");
        prop_assert!(
            serde_json::from_str::<Value>(&json).expect("JSON").is_number(),
            "{} is not a number",
            json
        );
        let read: Amount = serde_json::from_str(&json).expect("a number");
        prop_assert_eq!(read.value(), value, "{}", json);
    }

    #[test]
    fn decimal_strings_read_back_exactly(value in decimal(18)) {
        // `format: decimal` strings: the digits themselves, whatever their number.
        let text = serde_json::to_string(&value).expect("a decimal");
        let read: Decimal = serde_json::from_str(&text).expect("a decimal string");
        prop_assert_eq!(read, value);
        prop_assert_eq!(read.to_string(), value.to_string());
    }

    #[test]
    fn a_country_is_any_two_characters(code in ".{0,4}") {
        let two = code.chars().count() == 2;
        prop_assert_eq!(ProxySelector::country(&code).is_ok(), two);
        prop_assert_eq!(ReplacementSource::country(&code).is_ok(), two);
    }

    #[test]
    fn selectors_keep_their_count_and_read_back(
        ranges in selector_strings(),
        addresses in selector_strings(),
        asns in selector_strings(),
        code in "[A-Z]{2}",
        n in any::<i64>(),
    ) {
        let selectors = [
            ProxySelector::ip_ranges(ranges.clone()),
            ProxySelector::ip_addresses(addresses),
            ProxySelector::asns(asns.clone()),
            ProxySelector::country(&code).expect("two letters"),
        ];
        for selector in selectors {
            prop_assert_eq!(selector.limit(), None);
            let counted = selector.count(n);
            prop_assert_eq!(counted.limit(), Some(n));
            let text = serde_json::to_string(&counted).expect("serializable");
            prop_assert_eq!(serde_json::from_str::<ProxySelector>(&text).ok(), Some(counted));
        }
        let sources = [
            ReplacementSource::ip_ranges(ranges),
            ReplacementSource::asns(asns),
            ReplacementSource::country(&code).expect("two letters"),
            ReplacementSource::any(n),
        ];
        for source in sources {
            let counted = source.count(n);
            prop_assert_eq!(counted.limit(), Some(n));
            let text = serde_json::to_string(&counted).expect("serializable");
            prop_assert_eq!(serde_json::from_str::<ReplacementSource>(&text).ok(), Some(counted));
        }
    }

    #[test]
    fn unknown_selectors_are_kept_whole(
        kind in "[a-z_]{1,12}",
        extra in proptest::collection::btree_map("[a-z]{1,6}", any::<i32>(), 0..4),
        n in any::<i64>(),
    ) {
        let known = ["ip_range", "ip_address", "asn", "country", "any"];
        prop_assume!(!known.contains(&kind.as_str()));
        let mut object = json!({ "type": kind });
        for (key, value) in extra {
            if key != "type" {
                object[key] = value.into();
            }
        }
        let read: ProxySelector = serde_json::from_value(object.clone()).expect("an open enum");
        prop_assert_eq!(serde_json::to_value(&read).expect("serializable"), object.clone());
        prop_assert_eq!(read.count(n).limit(), Some(n));
        let source: ReplacementSource = serde_json::from_value(object.clone()).expect("an open enum");
        prop_assert_eq!(serde_json::to_value(&source).expect("serializable"), object);
    }

    #[test]
    fn any_json_decodes_to_a_selector_or_an_error(text in "[\\[\\]{}\",:a-z0-9 ]{0,40}") {
        let _ = serde_json::from_str::<ProxySelector>(&text);
        let _ = serde_json::from_str::<ReplacementSource>(&text);
    }
}
