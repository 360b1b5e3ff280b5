//! `webshare`: the Webshare API from the command line. See `webshare --help`.

mod args;
mod billing_commands;
mod check_api;
mod check_commands;
mod cli;
mod commands;
mod credentials;
mod demo;
mod exit;
mod failure;
// Generated: some argument sets serve only the hand-written flows' conversions.
#[allow(clippy::all, missing_docs, dead_code)]
#[rustfmt::skip]
mod generated;
mod generic;
mod input;
mod output;
mod placement;
mod proxy_cli;
mod proxy_commands;
mod proxy_url;
mod render;
mod replace_cli;
mod replace_commands;
mod stdout;
mod tree;
mod two_factor;

use std::process::ExitCode;

use clap::FromArgMatches;
use clap::parser::ValueSource;

use crate::cli::{Cli, Command, Globals};
use crate::failure::Failure;

fn main() -> ExitCode {
    let matches = tree::command().get_matches();
    let globals = Globals::from_arg_matches(&matches)
        .unwrap_or_else(|e| e.format(&mut tree::command()).exit());
    if matches.value_source("api_key") == Some(ValueSource::CommandLine) {
        warn_api_key_argument(globals.json);
    }
    if let Some((operation, leaf)) = tree::generated(&matches) {
        return run(&globals, commands::run_generated(&globals, operation, leaf));
    }
    let mut cli =
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.format(&mut tree::command()).exit());
    if cli.globals.show_secrets {
        cli.command.reveal_secrets();
    }
    // Generated from the argument definitions, offline: no runtime, no credentials. Into a buffer
    // first: clap_complete panics on a failed write (a closed pipe), the buffer cannot fail.
    let generated = match &cli.command {
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut tree::command(), "webshare", &mut script);
            Some(script)
        }
        Command::Man => {
            let mut page = Vec::new();
            // Writing into a Vec cannot fail.
            let _ = clap_mangen::Man::new(tree::command()).render(&mut page);
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
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                std::process::exit(i32::from(exit::CLOSED))
            }
            Err(e) => {
                eprintln!("error: cannot write to standard output: {e}");
                ExitCode::from(exit::OTHER)
            }
        };
    }
    if let Command::Operations = &cli.command {
        tree::print_operations(cli.globals.json);
        stdout::flush();
        return ExitCode::from(exit::OK);
    }
    let globals = cli.globals.clone();
    run(&globals, async {
        match &cli.command {
            Command::MockServer(options) => webshare_mock_server::serve(options)
                .await
                .map_err(|e| Failure::Usage(e.to_string())),
            Command::Demo => demo::run().await.map_err(Failure::from),
            _ => commands::run(&cli).await,
        }
    })
}

/// Runs a command on a runtime and turns its outcome into the exit code, the failure printed.
fn run(
    globals: &Globals,
    command: impl std::future::Future<Output = Result<(), Failure>>,
) -> ExitCode {
    if globals.verbose {
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
    let result = runtime.block_on(command);
    stdout::flush();
    match result {
        Ok(()) => ExitCode::from(exit::OK),
        Err(failure) => {
            if globals.json {
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
/// carry the operation, method, URL template, server, resend count, status, error type and duration (named as
/// OpenTelemetry names them); never bodies, headers or secrets.
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
