//! `webshare`: the Webshare API from the command line. See `webshare --help`.

mod account_commands;
mod api_keys;
mod args;
mod billing_commands;
mod check_api;
mod cli;
mod commands;
mod credentials;
mod demo;
mod failure;
// Not every generated argument set has a command yet (the long tail lands section by section).
#[allow(clippy::all, missing_docs, dead_code)]
#[rustfmt::skip]
mod generated;
mod input;
mod output;
mod proxy_commands;
mod replace_cli;
mod replace_commands;

use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};

use crate::cli::{Cli, Command, exit};
use crate::failure::Failure;

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli =
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.format(&mut Cli::command()).exit());
    if matches.value_source("api_key") == Some(ValueSource::CommandLine) {
        warn_api_key_argument(cli.json);
    }
    // Generated from the argument definitions, offline: no runtime, no credentials. Into a buffer
    // first: clap_complete panics on a failed write (a closed pipe), the buffer cannot fail.
    let generated = match &cli.command {
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "webshare", &mut script);
            Some(script)
        }
        Command::Man => {
            let mut page = Vec::new();
            // Writing into a Vec cannot fail.
            let _ = clap_mangen::Man::new(Cli::command()).render(&mut page);
            Some(page)
        }
        _ => None,
    };
    if let Some(text) = generated {
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        return match stdout.write_all(&text).and_then(|()| stdout.flush()) {
            Ok(()) => ExitCode::from(exit::OK),
            // A closed pipe (`| head`) is the reader's choice, not a failure worth a message.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(exit::OK),
            Err(e) => {
                eprintln!("error: cannot write to standard output: {e}");
                ExitCode::from(exit::OTHER)
            }
        };
    }
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
                eprintln!("{}", output::json_line(&failure.json()));
            } else {
                eprintln!("{}", failure.human());
            }
            ExitCode::from(failure.exit_code())
        }
    }
}

/// `--api-key` on the command line: other local users can read it in the process list. The value
/// from WEBSHARE_API_KEY (the same argument, through clap's `env`) does not warn.
fn warn_api_key_argument(json: bool) {
    const WARNING: &str = "--api-key on the command line is visible to other local users in the \
                           process list; prefer WEBSHARE_API_KEY or `webshare login --save`";
    if json {
        eprintln!(
            "{}",
            output::json_line(&serde_json::json!({ "warning": WARNING }))
        );
    } else {
        eprintln!("warning: {WARNING}");
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
        .with_writer(|| EscapingStderr)
        .with_ansi(false)
        .without_time()
        .with_target(false)
        .with_span_events(FmtSpan::CLOSE)
        .with_max_level(tracing::Level::DEBUG)
        .finish();
    use tracing_subscriber::layer::SubscriberExt;
    let _ = tracing::subscriber::set_global_default(subscriber.with(filter));
}

/// Standard error for the request log, with control characters other than line breaks escaped: a
/// retry's line quotes the error, and so the server's text.
struct EscapingStderr;

impl std::io::Write for EscapingStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // The formatter writes each event whole, so a character is never split between two calls.
        let text = String::from_utf8_lossy(buf);
        let escaped: Vec<_> = text.split('\n').map(output::escape_controls).collect();
        std::io::stderr().write_all(escaped.join("\n").as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}
