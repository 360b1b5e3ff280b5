//! Checks made before sending, so that obvious mistakes cost no round trip (and no recaptcha).
//!
//! Only what needs no server: the service's own rules (common passwords, similarity to the email) are
//! still checked there.

use webshare_api::Secret;

use crate::Error;

/// An email address of a plausible shape: `local@domain.tld`, no spaces. Cheap: it runs on every register,
/// login and reset call.
pub(crate) fn email(field: &'static str, value: &str) -> Result<(), Error> {
    let plausible = value.len() <= 254
        && value.split_once('@').is_some_and(|(local, domain)| {
            let mut labels = 1;
            let mut previous = b'.';
            let domain_ok = domain.bytes().all(|b| {
                let ok = b != b'@' && !(b == b'.' && previous == b'.');
                labels += usize::from(b == b'.');
                previous = b;
                ok
            });
            !local.is_empty() && domain_ok && labels >= 2 && previous != b'.'
        })
        && !value.chars().any(|c| c.is_whitespace() || c.is_control());
    if plausible {
        Ok(())
    } else {
        Err(Error::invalid_input(
            field,
            "is not an email address (expected name@example.com)",
        ))
    }
}

/// The register page's password rules that need no server: 8 characters or more, not all digits.
pub(crate) fn new_password(field: &'static str, value: &Secret) -> Result<(), Error> {
    let password = value.expose();
    if password.chars().count() < 8 {
        return Err(Error::invalid_input(
            field,
            "must be at least 8 characters long",
        ));
    }
    if password.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid_input(field, "must not be entirely numeric"));
    }
    Ok(())
}

/// A value that must not be empty (recaptcha, codes, passwords).
/// A label (of an API key, a sub-user): trimmed, 1 to 200 characters, parsed into the generated type
/// that holds those bounds.
pub(crate) fn label<T: std::str::FromStr>(value: &str) -> Result<T, Error> {
    value
        .trim()
        .parse()
        .map_err(|_| Error::invalid_input("label", "must be 1 to 200 characters"))
}

pub(crate) fn present(field: &'static str, value: &Secret) -> Result<(), Error> {
    if value.expose().trim().is_empty() {
        Err(Error::invalid_input(field, "must not be empty"))
    } else {
        Ok(())
    }
}

/// An absolute `http` or `https` URL (a redirect URI).
pub(crate) fn absolute_url(field: &'static str, value: &str) -> Result<(), Error> {
    match reqwest::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => Ok(()),
        _ => Err(Error::invalid_input(
            field,
            "is not an absolute http(s) URL",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(email("email", "user@webshare.io").is_ok());
        for bad in [
            "", "user", "user@", "@x.io", "user@io", "a b@x.io", "a@b@x.io", "a@x..io",
        ] {
            let err = email("email", bad).unwrap_err();
            assert_eq!(
                err.to_string(),
                "invalid email: is not an email address (expected name@example.com)"
            );
        }
    }

    #[test]
    fn passwords() {
        assert!(new_password("password", &"Correct-Horse-9".into()).is_ok());
        assert_eq!(
            new_password("password", &"short".into())
                .unwrap_err()
                .to_string(),
            "invalid password: must be at least 8 characters long"
        );
        assert_eq!(
            new_password("new_password", &"1234567890".into())
                .unwrap_err()
                .to_string(),
            "invalid new_password: must not be entirely numeric"
        );
        assert!(present("recaptcha", &" ".into()).is_err());
    }
}
