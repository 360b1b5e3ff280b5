//! Checks made before sending, so that obvious mistakes cost no round trip (and no recaptcha).
//!
//! Only what needs no server: the service's own rules (common passwords, similarity to the email) are
//! still checked there.

use webshare_api::Secret;

use crate::Error;

/// An email address of a plausible shape: `local@domain.tld`, no spaces. Cheap: it runs on every register,
/// login and reset call.
pub(crate) fn email(field: &'static str, value: &str) -> Result<(), Error> {
    if plausible_email(value) {
        Ok(())
    } else {
        Err(Error::invalid_input(
            field,
            "is not an email address (expected name@example.com)",
        ))
    }
}

/// One `@` after a non-empty local part; a domain of two labels or more, without an empty one; no
/// whitespace or control character anywhere. Written as passes the compiler keeps short (a folded scan it
/// vectorizes, `memchr`); only a value with characters outside ASCII (rare) is read again as `char`s.
fn plausible_email(value: &str) -> bool {
    let bytes = value.as_bytes();
    if bytes.len() > 254 {
        return false;
    }
    // ASCII whitespace and control characters are exactly the bytes up to the space, and DEL.
    if bytes
        .iter()
        .fold(false, |found, &b| found | (b <= b' ') | (b == 0x7f))
    {
        return false;
    }
    let Some(at) = memchr::memchr(b'@', bytes) else {
        return false;
    };
    let mut previous = b'.';
    let mut dots = 0usize;
    let mut bad = false;
    for &b in &bytes[at + 1..] {
        bad |= (b == b'@') | ((b == b'.') & (previous == b'.'));
        dots += usize::from(b == b'.');
        previous = b;
    }
    at > 0
        && !bad
        && dots >= 1
        && previous != b'.'
        && (value.is_ascii() || !value.chars().any(|c| c.is_whitespace() || c.is_control()))
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

    /// The check as it was written first (split, then three scans): the one-pass version must judge
    /// every value alike.
    fn plausible_email_reference(value: &str) -> bool {
        value.len() <= 254
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
            && !value.chars().any(|c| c.is_whitespace() || c.is_control())
    }

    /// Every string of up to five characters from an alphabet of the characters that matter (the
    /// separators, ASCII and Unicode whitespace and control characters, a letter outside ASCII): 111,111
    /// values, judged alike by both versions. Exhaustive over the shapes rather than sampled.
    #[test]
    fn the_one_pass_email_check_agrees_with_the_reference() {
        const ALPHABET: [char; 10] = [
            'a', '@', '.', ' ', '\t', '\u{7f}', '\u{85}', '\u{a0}', '\u{3000}', 'é',
        ];
        let mut value = String::new();
        let mut agreed = 0u32;
        for length in 0..=5u32 {
            for mut n in 0..ALPHABET.len().pow(length) {
                value.clear();
                for _ in 0..length {
                    value.push(ALPHABET[n % ALPHABET.len()]);
                    n /= ALPHABET.len();
                }
                assert_eq!(
                    plausible_email(&value),
                    plausible_email_reference(&value),
                    "{value:?}"
                );
                agreed += 1;
            }
        }
        assert_eq!(agreed, 111_111);
        let long = format!("{}@example.com", "a".repeat(242));
        assert_eq!(long.len(), 254);
        assert!(plausible_email(&long) && plausible_email_reference(&long));
        let longer = format!("a{long}");
        assert!(!plausible_email(&longer) && !plausible_email_reference(&longer));
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
