//! `webshare`: the Webshare API from the command line. See `webshare --help`.

mod args;
mod cli;
mod commands;
mod credentials;
mod demo;
mod failure;
#[allow(clippy::all, missing_docs)]
#[rustfmt::skip]
mod generated;
mod input;
mod output;
mod proxy_commands;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command, exit};
use crate::failure::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.verbose {
        init_request_log();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::OTHER);
        }
    };
    let result = runtime.block_on(async {
        match &cli.command {
            Command::MockServer(options) => webshare_mock_server::serve(options)
                .await
                .map_err(|e| Failure::Usage(e.to_string())),
            Command::Demo => demo::run().await.map_err(Failure::from),
            _ => commands::run(&cli).await,
        }
    });
    match result {
        Ok(()) => ExitCode::from(exit::OK),
        Err(failure) => {
            if cli.json {
                eprintln!("{}", failure.json());
            } else {
                eprintln!("{}", failure.human());
            }
            ExitCode::from(failure.exit_code())
        }
    }
}

/// `--verbose`: the `webshare.request` spans of the client, one line per request as it completes. They
/// carry operation, method, path, attempt, status and duration; never bodies, headers or secrets.
fn init_request_log() {
    use tracing_subscriber::fmt::format::FmtSpan;
    // INFO: the span lines and retry warnings, not the debug events that repeat them.
    let filter = tracing_subscriber::filter::Targets::new()
        .with_target("webshare", tracing_subscriber::filter::LevelFilter::INFO);

    let subscriber = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .without_time()
        .with_target(false)
        .with_span_events(FmtSpan::CLOSE)
        .with_max_level(tracing::Level::DEBUG)
        .finish();
    use tracing_subscriber::layer::SubscriberExt;
    let _ = tracing::subscriber::set_global_default(subscriber.with(filter));
}
