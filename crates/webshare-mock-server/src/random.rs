//! The service's secrets from the OS's random source: tokens and one-time codes.

/// 40 hex characters from the OS's random source, the shape of Webshare's tokens.
pub(crate) fn random_token() -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    let mut token = String::with_capacity(40);
    for b in bytes {
        token.push(HEX[usize::from(b >> 4)] as char);
        token.push(HEX[usize::from(b & 0xf)] as char);
    }
    token
}

/// A 6-digit code (as Webshare's 2FA emails carry) from the OS's random source.
pub(crate) fn six_digits() -> String {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    format!("{:06}", u32::from_le_bytes(bytes) % 1_000_000)
}
