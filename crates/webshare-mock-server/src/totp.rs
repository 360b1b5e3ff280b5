//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), as authenticator apps
//! compute them from a base32 secret: how the mock checks the codes of a `device_totp` method, and how
//! tests compute them.

use ring::hmac;

/// The length of one step, in seconds.
pub const STEP_SECONDS: i64 = 30;

/// The 6-digit code of the base32 `secret` at `unix_seconds`; `None` if `secret` is not base32.
pub fn code(secret: &str, unix_seconds: i64) -> Option<String> {
    let key = base32_decode(secret)?;
    let counter = unix_seconds.div_euclid(STEP_SECONDS) as u64;
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &key);
    let tag = hmac::sign(&key, &counter.to_be_bytes());
    let digest = tag.as_ref();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let word = u32::from_be_bytes([
        digest[offset],
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]) & 0x7fff_ffff;
    Some(format!("{:06}", word % 1_000_000))
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A new secret: 20 random bytes (SHA-1's block of entropy), base32 without padding (32 characters).
pub(crate) fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    let mut out = String::with_capacity(32);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    out
}

/// RFC 4648 base32, case-insensitive, padding and spaces ignored.
fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| !matches!(c, b'=' | b' ')) {
        let value = ALPHABET.iter().position(|&a| a == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_rfc_6238_sha1_vectors() {
        // RFC 6238 appendix B: the ASCII key "12345678901234567890", 8 digits there; these are their last 6.
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(code(secret, 59).as_deref(), Some("287082"));
        assert_eq!(code(secret, 1_111_111_109).as_deref(), Some("081804"));
        assert_eq!(code(secret, 2_000_000_000).as_deref(), Some("279037"));
    }

    #[test]
    fn a_new_secret_decodes_to_twenty_bytes_and_bad_text_is_none() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        assert_eq!(base32_decode(&secret).map(|k| k.len()), Some(20));
        assert_eq!(code("not base32!", 0), None);
    }
}
