//! `webshare-mock-server`: the mock Webshare API as a standalone process.

use std::process::ExitCode;

use clap::Parser;
use webshare_mock_server::ServeOptions;

/// An in-memory mock of the whole Webshare API v2 (every operation of the spec: account, proxies,
/// replacements, sub-users, billing, verification), for tests and demos.
///
/// Serves the API under /api and prints its base URL. The emails it would send (activation and
/// password-reset codes) are listed as JSON at /_mock/outbox, a test-only route that is not part of the
/// Webshare API: it answers requests with the header `x-mock-secret: SECRET` (a random secret printed at
/// start, or $WEBSHARE_MOCK_CONTROL_SECRET), from loopback only (see --outbox-from-any-address). All
/// state is lost when it stops. Listening on a non-loopback address prints a warning: it serves secrets in clear.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    serve: ServeOptions,
}

#[tokio::main]
async fn main() -> ExitCode {
    match webshare_mock_server::serve(&Args::parse().serve).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
