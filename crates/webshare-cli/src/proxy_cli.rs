//! The command-line arguments of the proxy commands: list, download, config, IP authorizations, download
//! tokens, activity and stats.

use clap::{Args, Subcommand};

use crate::generated::{
    CreateIpAuthorizationArgs, DownloadProxyActivityArgs, ListProxiesArgs, UpdateProxyConfigArgs,
};

/// Proxy list subcommands.
#[derive(Debug, Subcommand)]
pub enum ProxiesCommand {
    /// List proxies: one page, or every page with --all (one line each; passwords withheld).
    List(ListArgs),
    /// Download the proxy list (one proxy a line), authorised by the plan's download token.
    Download(DownloadArgs),
    /// Probe every proxy of the list against a URL: latency, status and failures per proxy, then the
    /// failures by country, ASN and /24 subnet; --replace-failing replaces the failing ones.
    Check(CheckArgs),
}

/// `proxies check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The list's filters, plan and sub-user.
    #[command(flatten)]
    pub params: ListProxiesArgs,
    /// The URL each proxy fetches (Webshare's own address echo by default; the mock's proxies reach
    /// loopback only).
    #[arg(long, default_value = crate::check_commands::DEFAULT_URL)]
    pub url: String,
    /// Probes at once at most.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,
    /// A time limit per probe, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Replace the failing proxies (one replacement, a dry run first; spends the plan's replacements).
    #[arg(long)]
    pub replace_failing: bool,
    /// With --replace-failing: only the dry run, nothing replaced.
    #[arg(long, requires = "replace_failing")]
    pub dry_run: bool,
    /// Do not ask before replacing.
    #[arg(long, short)]
    pub yes: bool,
}

/// `proxies list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The list's filters and page.
    #[command(flatten)]
    pub params: ListProxiesArgs,
    /// Every page, fetched one after another, instead of one.
    #[arg(long)]
    pub all: bool,
    /// Print proxy passwords (withheld by default).
    #[arg(long)]
    pub show_passwords: bool,
    /// How to print the proxies: an aligned `table` (the default), `json` (one object a line; the
    /// default with --json), `txt` (`address:port:username:password`, as the download) or `csv` (with a
    /// header line).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<ProxyFormat>,
}

/// The output formats of `proxies list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProxyFormat {
    /// Aligned columns under a header.
    Table,
    /// One JSON object a line.
    Json,
    /// `address:port:username:password` lines.
    Txt,
    /// Comma-separated values under a header line.
    Csv,
}

/// `proxies download`.
#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// The plan whose list to download (the account's default plan when absent); its download token
    /// is read from its proxy config.
    #[arg(long = "plan", alias = "plan-id", value_name = "ID")]
    pub plan_id: Option<i64>,
    /// Read the download token from standard input instead of the proxy config.
    #[arg(long)]
    pub token_stdin: bool,
    /// Only these countries (ISO 3166-1 alpha-2 codes, comma-separated); all when absent.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub country_codes: Vec<String>,
    /// How the proxies will be authenticated: `username` (lines with username and password) or
    /// `sourceip` (address and port only).
    #[arg(long, value_name = "METHOD", default_value = "username", value_parser = |s: &str| s.parse::<webshare::types::ProxyAuthenticationMethod>())]
    pub authentication_method: webshare::types::ProxyAuthenticationMethod,
    /// `direct` or `backbone`.
    #[arg(long, value_name = "MODE", default_value = "direct", value_parser = |s: &str| s.parse::<webshare::types::ProxyMode>())]
    pub mode: webshare::types::ProxyMode,
    /// Only proxies matching this search phrase.
    #[arg(long)]
    pub search: Option<String>,
    /// Write the list, as downloaded, to this file (created with mode 0600) instead of printing it.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Print proxy passwords (withheld by default; a file written with --output has them).
    #[arg(long)]
    pub show_passwords: bool,
}

/// Proxy config subcommands.
#[derive(Debug, Subcommand)]
pub enum ProxyConfigCommand {
    /// Change the proxy username, password (from standard input only), timeouts or countries.
    Set(ConfigSetArgs),
}

/// `proxy-config set`.
#[derive(Debug, Args)]
pub struct ConfigSetArgs {
    /// The plan and sub-user.
    #[command(flatten)]
    pub params: UpdateProxyConfigArgs,
    /// A new proxy username (8 to 32 letters and digits).
    #[arg(long)]
    pub username: Option<String>,
    /// Read a new proxy password from standard input (never an argument: it would show in `ps`).
    #[arg(long)]
    pub password_stdin: bool,
    /// The longest a proxy request may last, in seconds (15 to 604800).
    #[arg(long, value_name = "SECONDS")]
    pub request_timeout: Option<i64>,
    /// The longest a connection may stay idle, in seconds (15 to 7200).
    #[arg(long, value_name = "SECONDS")]
    pub request_idle_timeout: Option<i64>,
    /// Countries IP-authorized backbone requests use (comma-separated codes).
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub ip_authorization_countries: Vec<String>,
}

/// IP authorization subcommands.
#[derive(Debug, Subcommand)]
pub enum IpAuthCommand {
    /// Authorize an IP address, or this machine's public address with --this-machine (idempotent).
    Add(IpAuthAddArgs),
    /// Remove an IP authorization, by its ID or by the address it authorizes.
    Remove(IpAuthRemoveArgs),
}

/// `ip-auth add`.
#[derive(Debug, Args)]
pub struct IpAuthAddArgs {
    /// The IPv4 or IPv6 address to authorize.
    #[arg(
        value_name = "IP",
        required_unless_present = "this_machine",
        conflicts_with = "this_machine"
    )]
    pub ip: Option<String>,
    /// Authorize this machine's public address (what's my IP), unless it already is.
    #[arg(long)]
    pub this_machine: bool,
    /// The plan.
    #[command(flatten)]
    pub params: CreateIpAuthorizationArgs,
}

/// `ip-auth remove`.
#[derive(Debug, Args)]
pub struct IpAuthRemoveArgs {
    /// The authorization's ID, or the IP address it authorizes.
    #[arg(value_name = "ID|IP")]
    pub target: String,
    /// The plan; the account's default plan when absent.
    #[arg(long = "plan", value_name = "ID")]
    pub plan_id: Option<i64>,
    /// Act on the resources of this sub-user of the account (masquerading).
    #[arg(long = "as-subuser", value_name = "ID")]
    pub subuser: Option<i64>,
}

/// Activity subcommands.
#[derive(Debug, Subcommand)]
pub enum ActivityCommand {
    /// Download the activity as CSV (authorised by the account's `activity` download token).
    Download(ActivityDownloadArgs),
}

/// `activity download`.
#[derive(Debug, Args)]
pub struct ActivityDownloadArgs {
    /// The download's filters.
    #[command(flatten)]
    pub params: DownloadProxyActivityArgs,
    /// Write the CSV, as downloaded, to this file instead of printing its rows.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}
