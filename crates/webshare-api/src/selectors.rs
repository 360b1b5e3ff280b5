//! Constructors for the replacement selectors, whose generated form spells out each variant's `type` tag:
//! `ProxySelector::ip_ranges(["10.0.0.0/24"]).count(5)` instead of a struct literal with `type_`.

use crate::types::{
    AnySelector, AnySelectorType, AsnSelector, AsnSelectorAsnNumbersItem, AsnSelectorType,
    CountrySelector, CountrySelectorType, IpAddressSelector, IpAddressSelectorType,
    IpRangeSelector, IpRangeSelectorType, ProxySelector, ReplacementSource, error::ConversionError,
};

fn strings<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Vec<String> {
    items.into_iter().map(Into::into).collect()
}

fn ip_range(ranges: Vec<String>) -> IpRangeSelector {
    IpRangeSelector {
        count: None,
        ip_ranges: ranges,
        type_: IpRangeSelectorType::IpRange,
    }
}

fn asn(numbers: Vec<String>) -> AsnSelector {
    AsnSelector {
        count: None,
        // Sent as strings, as the page's table writes them (answers may carry integers).
        asn_numbers: numbers
            .into_iter()
            .map(AsnSelectorAsnNumbersItem::String)
            .collect(),
        type_: AsnSelectorType::Asn,
    }
}

fn country(code: &str) -> Result<CountrySelector, ConversionError> {
    Ok(CountrySelector {
        count: None,
        country_code: code.try_into()?,
        type_: CountrySelectorType::Country,
    })
}

impl ProxySelector {
    /// The proxies in these IP ranges (CIDR, no host bits: `10.0.0.0/24`).
    pub fn ip_ranges<I: IntoIterator<Item = S>, S: Into<String>>(ranges: I) -> Self {
        Self::IpRangeSelector(ip_range(strings(ranges)))
    }

    /// The proxies with these IP addresses.
    pub fn ip_addresses<I: IntoIterator<Item = S>, S: Into<String>>(addresses: I) -> Self {
        Self::IpAddressSelector(IpAddressSelector {
            count: None,
            ip_addresses: strings(addresses),
            type_: IpAddressSelectorType::IpAddress,
        })
    }

    /// The proxies of these autonomous systems (numbers as strings, e.g. `"7631"`).
    pub fn asns<I: IntoIterator<Item = S>, S: Into<String>>(numbers: I) -> Self {
        Self::AsnSelector(asn(strings(numbers)))
    }

    /// The proxies in a country (ISO 3166-1 alpha-2); a code that is not two characters is an error.
    pub fn country(code: &str) -> Result<Self, ConversionError> {
        country(code).map(Self::CountrySelector)
    }

    /// How many of the proxies selected, at most; all when `None`.
    pub fn limit(&self) -> Option<i64> {
        match self {
            Self::IpRangeSelector(s) => s.count,
            Self::IpAddressSelector(s) => s.count,
            Self::AsnSelector(s) => s.count,
            Self::CountrySelector(s) => s.count,
            Self::Unknown(object) => unknown_count(object),
        }
    }

    /// At most `n` of the proxies selected.
    pub fn count(mut self, n: i64) -> Self {
        match &mut self {
            Self::IpRangeSelector(s) => s.count = Some(n),
            Self::IpAddressSelector(s) => s.count = Some(n),
            Self::AsnSelector(s) => s.count = Some(n),
            Self::CountrySelector(s) => s.count = Some(n),
            Self::Unknown(object) => set_unknown_count(object, n),
        }
        self
    }
}

impl ReplacementSource {
    /// New proxies from these IP ranges (CIDR, no host bits).
    pub fn ip_ranges<I: IntoIterator<Item = S>, S: Into<String>>(ranges: I) -> Self {
        Self::IpRangeSelector(ip_range(strings(ranges)))
    }

    /// New proxies of these autonomous systems.
    pub fn asns<I: IntoIterator<Item = S>, S: Into<String>>(numbers: I) -> Self {
        Self::AsnSelector(asn(strings(numbers)))
    }

    /// New proxies in a country (ISO 3166-1 alpha-2).
    pub fn country(code: &str) -> Result<Self, ConversionError> {
        country(code).map(Self::CountrySelector)
    }

    /// `n` new proxies from anywhere.
    pub fn any(n: i64) -> Self {
        Self::AnySelector(AnySelector {
            count: n,
            type_: AnySelectorType::Any,
        })
    }

    /// How many new proxies from this source, at most; as many as needed when `None`.
    pub fn limit(&self) -> Option<i64> {
        match self {
            Self::IpRangeSelector(s) => s.count,
            Self::AsnSelector(s) => s.count,
            Self::CountrySelector(s) => s.count,
            Self::AnySelector(s) => Some(s.count),
            Self::Unknown(object) => unknown_count(object),
        }
    }

    /// At most `n` new proxies from this source.
    pub fn count(mut self, n: i64) -> Self {
        match &mut self {
            Self::IpRangeSelector(s) => s.count = Some(n),
            Self::AsnSelector(s) => s.count = Some(n),
            Self::CountrySelector(s) => s.count = Some(n),
            Self::AnySelector(s) => s.count = n,
            Self::Unknown(object) => set_unknown_count(object, n),
        }
        self
    }
}

/// The `count` of a selector of a kind this release does not know, when it has an integer one.
fn unknown_count(object: &serde_json::Map<String, serde_json::Value>) -> Option<i64> {
    object.get("count").and_then(serde_json::Value::as_i64)
}

/// Sets the `count` of a selector of a kind this release does not know (every known kind has one).
fn set_unknown_count(object: &mut serde_json::Map<String, serde_json::Value>, n: i64) {
    object.insert("count".to_owned(), n.into());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_serialize_with_their_type_tag() {
        let to_replace = ProxySelector::ip_ranges(["1.2.3.0/24"]).count(2);
        assert_eq!(
            serde_json::to_value(&to_replace).unwrap(),
            serde_json::json!({"type": "ip_range", "ip_ranges": ["1.2.3.0/24"], "count": 2})
        );
        let sources = vec![
            ReplacementSource::country("FR").unwrap().count(5),
            ReplacementSource::any(3),
        ];
        assert_eq!(
            serde_json::to_value(&sources).unwrap(),
            serde_json::json!([
                {"type": "country", "country_code": "FR", "count": 5},
                {"type": "any", "count": 3}
            ])
        );
        assert!(ProxySelector::country("USA").is_err());
        assert_eq!(ProxySelector::asns(["1"]).limit(), None);
        assert_eq!(ProxySelector::asns(["1"]).count(4).limit(), Some(4));
        assert_eq!(sources[1].limit(), Some(3));
    }

    #[test]
    fn each_tag_reads_back_as_its_variant() {
        let read: ProxySelector =
            serde_json::from_value(serde_json::json!({"type": "asn", "asn_numbers": ["7631"]}))
                .unwrap();
        assert_eq!(read, ProxySelector::asns(["7631"]));
        let read: ProxySelector = serde_json::from_value(
            serde_json::json!({"type": "ip_address", "ip_addresses": ["1.2.3.4"]}),
        )
        .unwrap();
        assert_eq!(read, ProxySelector::ip_addresses(["1.2.3.4"]));
        // `any` is only a source: as a selector of proxies to replace it is a kind this type does not
        // know, kept whole (the server refuses it), and it serializes back unchanged.
        let any = serde_json::json!({"type": "any", "count": 1});
        let read: ProxySelector = serde_json::from_value(any.clone()).unwrap();
        assert!(matches!(&read, ProxySelector::Unknown(object) if object["type"] == "any"));
        assert_eq!(read.limit(), Some(1));
        assert_eq!(serde_json::to_value(&read).unwrap(), any);
        // A known kind whose body differs from the spec is an error, not an unknown kind.
        assert!(
            serde_json::from_value::<ProxySelector>(serde_json::json!({"type": "asn", "count": 1}))
                .is_err()
        );
        assert!(serde_json::from_value::<ProxySelector>(serde_json::json!({"count": 1})).is_err());
    }
}
