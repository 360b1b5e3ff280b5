//! Value parsers used by the generated argument definitions (`generated.rs`).

/// An RFC 3339 date-time, e.g. `2022-08-16T15:29:42-07:00`.
pub fn date_time(value: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| format!("not an RFC 3339 date-time ({e}); e.g. 2022-08-16T15:29:42-07:00"))
}
