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

/// Why secrets (a token, a password, a recaptcha value, an emailed code, a download token) may not travel
/// to `base_url`, or `None` when they may: over https; over plain http only to this machine with the
/// crate's own client (which bypasses proxies for loopback), or anywhere the caller opted in with
/// [`ClientBuilder::danger_allow_plain_http_secrets`](crate::ClientBuilder::danger_allow_plain_http_secrets).
/// A caller-supplied `reqwest::Client` over plain http is refused: it may send through a proxy, and then
/// "loopback" traffic leaves the machine in clear.
pub(crate) fn secrets_refusal(
    base_url: &Url,
    custom_client: bool,
    allow_plain_http: bool,
) -> Option<String> {
    if base_url.scheme() != "http" || allow_plain_http {
        return None;
    }
    let host = base_url.host_str().unwrap_or("");
    if custom_client {
        return Some(format!(
            "refusing to send secrets over plain http to {host} through a caller-supplied reqwest client \
             (it may send them through a proxy); use https, the crate's own client, or \
             danger_allow_plain_http_secrets(true) on a trusted network"
        ));
    }
    if is_loopback(base_url) {
        return None;
    }
    Some(format!(
        "refusing to send secrets over plain http to {host}; use https, a loopback address (localhost, \
         127.0.0.1, [::1]) for a local server, or danger_allow_plain_http_secrets(true) on a trusted test \
         network"
    ))
}

/// The base URL may only be http or https.
pub(crate) fn check_scheme(base_url: &Url) -> Result<(), Error> {
    match base_url.scheme() {
        "https" | "http" => Ok(()),
        other => Err(Error::Config {
            message: format!("the base URL must be http or https, not `{other}:`"),
        }),
    }
}

/// Whether the URL names this machine.
/// Why an explicit proxy is refused: a plain-http base URL (allowed because it is loopback) through a
/// proxy on another machine would carry its tokens and passwords there in clear. `None`: allowed.
pub(crate) fn proxy_refusal(
    base: &Url,
    proxy: &str,
    allow_plain_http_secrets: bool,
) -> Option<String> {
    if base.scheme() != "http" || allow_plain_http_secrets {
        return None;
    }
    let on_this_machine = Url::parse(proxy).is_ok_and(|proxy| is_loopback(&proxy));
    (!on_this_machine).then(|| {
        "the base URL is plain http: through a proxy on another machine its tokens and passwords \
         would leave this machine in clear; use https, a loopback proxy, or no proxy"
            .to_owned()
    })
}

pub(crate) fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or("");
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(url: &str, custom_client: bool, allow: bool) -> bool {
        secrets_refusal(&Url::parse(url).unwrap(), custom_client, allow).is_some()
    }

    #[test]
    fn secrets_travel_over_https_or_to_loopback_only() {
        assert!(!refused("https://proxy.webshare.io/", false, false));
        assert!(!refused("https://proxy.webshare.io/", true, false));
        assert!(!refused("http://127.0.0.1:8080/", false, false));
        assert!(!refused("http://127.8.9.10/", false, false));
        assert!(!refused("http://localhost:1/", false, false));
        assert!(!refused("http://[::1]:8080/", false, false));
        assert!(refused("http://proxy.webshare.io/", false, false));
        assert!(refused("http://10.0.0.1/", false, false));
        assert!(refused("http://localhost.example.com/", false, false));
        // A caller's client may use a proxy: loopback is no guarantee then.
        assert!(refused("http://127.0.0.1:8080/", true, false));
        // The one opt-in, for trusted test networks (e.g. a docker-compose service name).
        assert!(!refused("http://mock-server:8080/", false, true));
        assert!(!refused("http://127.0.0.1:8080/", true, true));
        assert!(check_scheme(&Url::parse("ftp://127.0.0.1/").unwrap()).is_err());
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
