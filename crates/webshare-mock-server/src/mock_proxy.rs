//! One proxy of a list: the record that proxy lists, replacements and replaced-proxy records share.

use chrono::{DateTime, Utc};

/// One proxy of a list.
#[derive(Debug, Clone)]
pub(crate) struct MockProxy {
    pub id: String,
    pub address: String,
    pub port: i64,
    pub valid: bool,
    pub country_code: &'static str,
    pub city_name: &'static str,
    pub asn_number: i64,
    pub asn_name: &'static str,
    pub created_at: DateTime<Utc>,
}
