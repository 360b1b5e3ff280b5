//! `webshare-mock-server`: the mock Webshare account API as a standalone process.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use webshare_mock_server::{Config, FieldErrorStyle, MockServer};

/// An in-memory mock of the Webshare account API (Registration and Login), for tests and demos.
///
/// Serves the API under /api/v2 and prints its base URL. The emails it would send (activation and
/// password-reset codes) are listed as JSON at /_mock/outbox, a test-only route that is not part of the
/// Webshare API. All state is lost when it stops.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on. Loopback by default: the mock has no real security.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// The only recaptcha value accepted (default: any non-empty value).
    #[arg(long)]
    recaptcha: Option<String>,
    /// Seconds before another activation email may be requested.
    #[arg(long, default_value_t = 60)]
    resend_throttle_secs: u64,
    /// Write field errors as {message, code} objects instead of strings.
    #[arg(long)]
    field_error_objects: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let config = Config {
        recaptcha: args.recaptcha,
        resend_throttle: Duration::from_secs(args.resend_throttle_secs),
        field_error_style: if args.field_error_objects {
            FieldErrorStyle::Objects
        } else {
            FieldErrorStyle::Strings
        },
        ..Config::default()
    };
    let server = match MockServer::bind(SocketAddr::new(args.host, args.port), config).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: cannot listen on {}:{}: {e}", args.host, args.port);
            return ExitCode::FAILURE;
        }
    };
    println!("{}", server.base_url());
    eprintln!("outbox (test-only): {}", server.outbox_url());
    eprintln!("press Ctrl-C to stop");
    match server.run_until_interrupted().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
