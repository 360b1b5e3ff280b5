//! Exit codes, also listed in `webshare --help`.

/// Success.
pub const OK: u8 = 0;
/// Any other failure: a server error (5xx), a resource not found, an unreadable answer.
pub const OTHER: u8 = 1;
/// Usage: bad arguments or configuration (e.g. a bad base URL), no terminal for a prompt.
pub const USAGE: u8 = 2;
/// Validation: the request was rejected (HTTP 400) or failed the checks made before sending.
pub const VALIDATION: u8 = 3;
/// Authentication: no credentials, or rejected ones (HTTP 401 and 403).
pub const AUTH: u8 = 4;
/// Rate limited (HTTP 429).
pub const RATE_LIMITED: u8 = 5;
/// Transport: the server could not be reached, or did not answer in time.
pub const TRANSPORT: u8 = 6;

/// Standard output was closed by its reader: the status of a program stopped by `SIGPIPE` (128 + 13),
/// as other command-line tools end.
pub const CLOSED: u8 = 141;
