//! The command-line arguments of `replace` and `replacements download`.

use clap::{Args, Subcommand};

use crate::generated::CreateProxyReplacementArgs;

/// `replace`: which proxies, with what, and how long to wait.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("selection").required(true))]
pub struct ReplaceArgs {
    /// Replace the proxies with these addresses (comma-separated).
    #[arg(long, value_name = "IPS", value_delimiter = ',', group = "selection")]
    pub ip: Vec<String>,
    /// Replace the proxies in these IP ranges (CIDR, comma-separated, e.g. 10.1.0.0/24).
    #[arg(long, value_name = "CIDRS", value_delimiter = ',', group = "selection")]
    pub range: Vec<String>,
    /// Replace the proxies of these autonomous systems (numbers, comma-separated).
    #[arg(long, value_name = "ASNS", value_delimiter = ',', group = "selection")]
    pub asn: Vec<String>,
    /// Replace the proxies in this country (ISO 3166-1 alpha-2).
    #[arg(long, value_name = "CODE", group = "selection")]
    pub country: Option<String>,
    /// Replace at most this many of the selected proxies.
    #[arg(long, value_name = "N")]
    pub count: Option<i64>,
    /// Where new proxies come from, in order, repeatable: `any=N`, `country:FR[=N]`,
    /// `range:192.0.2.0/24[=N]`, `asn:7631[=N]`.
    #[arg(long = "with", value_name = "SOURCE", required = true)]
    pub sources: Vec<String>,
    /// Only count the proxies that would be removed and added; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the new replacement and return, without waiting for it.
    #[arg(long)]
    pub no_wait: bool,
    /// Do not ask before spending the plan's replacements.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// The longest to wait, in seconds (default 300); the replacement goes on after it.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub deadline: u64,
    /// The plan.
    #[command(flatten)]
    pub params: CreateProxyReplacementArgs,
}

/// `replacements ...`.
#[derive(Debug, Subcommand)]
pub enum ReplacementsCommand {
    /// Download the replaced proxies (`new_address:port:username:password:old_address` lines).
    Download(ReplacedDownloadArgs),
}

/// `replacements download`.
#[derive(Debug, Args)]
pub struct ReplacedDownloadArgs {
    /// Only the proxies replaced by this replacement.
    #[arg(long, value_name = "ID")]
    pub replacement: Option<i64>,
    /// Read the download token from standard input instead of asking the API for the
    /// `replaced_proxy` one.
    #[arg(long)]
    pub token_stdin: bool,
    /// Only new proxies in these countries (comma-separated codes); all when absent.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub country_codes: Vec<String>,
    /// Write the list, as downloaded, to this file (created with mode 0600) instead of printing it.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Print proxy passwords (withheld by default; a file written with --output has them).
    #[arg(long)]
    pub show_passwords: bool,
    /// The plan.
    #[arg(long = "plan", alias = "plan-id", value_name = "ID")]
    pub plan_id: Option<i64>,
}
