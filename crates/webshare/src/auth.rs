//! The one place that builds the `Authorization` header, and the rule that keeps tokens off plain HTTP.

use std::net::IpAddr;

use reqwest::Url;
use reqwest::header::HeaderValue;
use webshare_api::Secret;

use crate::Error;

/// `Token <key>`, marked sensitive so that reqwest and hyper never print it.
pub(crate) fn authorization_header(key: &Secret) -> Result<HeaderValue, Error> {
    if key.expose().trim().is_empty() {
        return Err(Error::invalid_input("api_key", "is empty"));
    }
    let mut value =
        HeaderValue::from_str(&format!("Token {}", key.expose().trim())).map_err(|_| {
            Error::invalid_input(
                "api_key",
                "contains characters that cannot be sent in an HTTP header",
            )
        })?;
    value.set_sensitive(true);
    Ok(value)
}

/// A token may only travel over HTTPS, or over plain HTTP to this machine (a local mock server).
pub(crate) fn check_transport(base_url: &Url, sends_token: bool) -> Result<(), Error> {
    match base_url.scheme() {
        "https" => Ok(()),
        "http" if !sends_token || is_loopback(base_url) => Ok(()),
        "http" => Err(Error::Config {
            message: format!(
                "refusing to send an API token over plain http to {}; use https, or a loopback address \
                 (localhost, 127.0.0.1, [::1]) for a local server",
                base_url.host_str().unwrap_or("")
            ),
        }),
        other => Err(Error::Config {
            message: format!("the base URL must be http or https, not `{other}:`"),
        }),
    }
}

/// Whether the URL names this machine.
pub(crate) fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or("");
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(url: &str, sends_token: bool) -> bool {
        check_transport(&Url::parse(url).unwrap(), sends_token).is_ok()
    }

    #[test]
    fn tokens_travel_over_https_or_to_loopback_only() {
        assert!(allowed("https://proxy.webshare.io/", true));
        assert!(allowed("http://127.0.0.1:8080/", true));
        assert!(allowed("http://127.8.9.10/", true));
        assert!(allowed("http://localhost:1/", true));
        assert!(allowed("http://[::1]:8080/", true));
        assert!(!allowed("http://proxy.webshare.io/", true));
        assert!(!allowed("http://10.0.0.1/", true));
        assert!(!allowed("http://localhost.example.com/", true));
        assert!(
            allowed("http://proxy.webshare.io/", false),
            "no token, nothing to leak"
        );
        assert!(!allowed("ftp://127.0.0.1/", false));
    }

    #[test]
    fn the_header_is_sensitive_and_checked() {
        let value = authorization_header(&Secret::new("abc123")).unwrap();
        assert_eq!(value, "Token abc123");
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("abc123"));
        assert!(authorization_header(&Secret::new("  ")).is_err());
        assert!(authorization_header(&Secret::new("a\nb")).is_err());
    }
}
