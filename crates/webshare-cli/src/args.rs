//! Value parsers used by the generated argument definitions (`generated.rs`).

/// An RFC 3339 date-time, e.g. `2022-08-16T15:29:42-07:00`.
pub fn date_time(value: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| format!("not an RFC 3339 date-time ({e}); e.g. 2022-08-16T15:29:42-07:00"))
}

/// `KEY=COUNT`, e.g. `FR=3`: a count of proxies by country (two letters, upper-cased; `ZZ` is any
/// country), for the object-of-counts fields of bodies.
pub fn key_count(text: &str) -> Result<(String, i64), String> {
    let (key, count) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not COUNTRY=COUNT, e.g. FR=3"))?;
    let key = key.trim().to_ascii_uppercase();
    if key.len() != 2 || !key.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(format!("`{key}` is not a two-letter country code"));
    }
    let count = count
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| format!("`{}` is not a count of proxies", count.trim()))?;
    Ok((key, count))
}

#[cfg(test)]
mod tests {
    use super::key_count;

    #[test]
    fn counts_by_country_are_read_and_checked() {
        assert_eq!(key_count("fr=3"), Ok(("FR".to_owned(), 3)));
        assert!(key_count("FR").is_err());
        assert!(key_count("FRA=3").is_err());
        assert!(key_count("FR=-1").is_err());
        assert!(key_count("FR=99999999999999999999").is_err());
    }
}
