//! The command line: every subcommand and option, with the help text users read.

use clap::{Args, Parser, Subcommand};

use crate::generated::{
    AllocateUnallocatedCountriesArgs, CreateIpAuthorizationArgs, DeleteIpAuthorizationArgs,
    DownloadProxyActivityArgs, GetAggregateStatsArgs, GetDownloadTokenArgs, GetIpAuthorizationArgs,
    GetProxyConfigArgs, GetProxyConfigV2Args, GetProxyListStatsArgs, GetProxyListStatusArgs,
    ListIpAuthorizationsArgs, ListProxiesArgs, ListProxyActivityArgs, ListStatsArgs,
    RefreshProxyListArgs, ResetDownloadTokenArgs, UpdateProxyConfigArgs,
};
pub use crate::replace_cli::{PlansArgs, ReplaceArgs, ReplacementsCommand};

/// Exit codes, also listed in `webshare --help`.
pub mod exit {
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
}

const AFTER_HELP: &str = "\
Credentials: a key given explicitly (WEBSHARE_API_KEY, or --api-key) goes to --base-url /
WEBSHARE_BASE_URL if given, else to the production API; never to the URL of the saved file. Without
one, the token `webshare login --save` saved is used, and only for the base URL it was saved for: with
no --base-url / WEBSHARE_BASE_URL that URL is used; with another one, a command that needs the key
fails (exit code 2) unless --use-saved-key-for-other-url says to send it there. It is saved in the OS
keyring (macOS, Windows), else in a file in the platform's config directory, readable by you only
(WEBSHARE_CONFIG_DIR names the file's directory and skips the keyring); `login --save` says where. --api-key is
visible to other local users in the process list: it prints a warning; prefer WEBSHARE_API_KEY.
Secrets (passwords, emailed codes, recaptcha tokens) are prompted for without echo, or read from
standard input with --code-stdin / --password-stdin / --recaptcha-stdin, one a line, in this order:
the code, the current password, the (new) password, the recaptcha token. Tokens are printed only
with --show-token.

Exit codes: 0 success, 1 other failure (5xx, not found, unreadable answer), 2 usage or configuration,
3 validation (HTTP 400, or checks before sending), 4 authentication (no credentials, HTTP 401/403),
5 rate limited (HTTP 429), 6 transport (unreachable, timed out).

Try it with no account: `webshare demo`.";

/// The Webshare API from the command line: your account (register, log in, reset a password, activate
/// it) and your proxies (list, download, config, IP authorizations, activity).
#[derive(Debug, Parser)]
#[command(name = "webshare", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// The API's base URL (e.g. a mock server's http://127.0.0.1:8080/api).
    #[arg(
        long,
        global = true,
        env = "WEBSHARE_BASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub base_url: Option<String>,
    /// API key or token. On the command line it is visible to other local users in the process list,
    /// and prints a warning: prefer WEBSHARE_API_KEY or `login --save`.
    #[arg(
        long,
        global = true,
        env = "WEBSHARE_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub api_key: Option<String>,
    /// Send the token saved by `login --save` to a --base-url / WEBSHARE_BASE_URL other than the one it
    /// was saved for (refused otherwise).
    #[arg(long, global = true)]
    pub use_saved_key_for_other_url: bool,
    /// Print the API's JSON instead of sentences (errors go to stderr as JSON).
    #[arg(long, global = true)]
    pub json: bool,
    /// Log each request and response line (never bodies, headers or secrets) to stderr.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands, grouped as the API documentation groups the operations.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Register a local account (needs a recaptcha token: meant for the dashboard, or a mock server).
    Register(RegisterArgs),
    /// Log in with an email address and password.
    Login(LoginArgs),
    /// Register or log in with a social identity provider (Google).
    #[command(subcommand)]
    Social(SocialCommand),
    /// Reset a forgotten password, or change it.
    #[command(subcommand)]
    Password(PasswordCommand),
    /// Change the account's email address.
    #[command(subcommand)]
    Email(EmailCommand),
    /// Check and complete the account's email verification.
    #[command(subcommand)]
    Activation(ActivationCommand),
    /// Delete the account.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Revoke the token in use (and forget it, if it was the saved one).
    Logout,
    /// The proxy list: list the proxies, download them.
    #[command(subcommand)]
    Proxies(ProxiesCommand),
    /// The proxy configuration of a plan.
    #[command(subcommand, visible_alias = "config")]
    ProxyConfig(ProxyConfigCommand),
    /// Replace proxies of the list and wait until it is done, with a progress line.
    Replace(ReplaceArgs),
    /// The proxy replacements made, and the proxies they replaced.
    #[command(subcommand)]
    Replacements(ReplacementsCommand),
    /// The subscription's plans: list them, or show, re-time or cancel one.
    Plans(PlansArgs),
    /// The account's API keys (needs a session token: an API key may not manage keys).
    #[command(subcommand)]
    ApiKeys(crate::api_keys::ApiKeysCommand),
    /// Sub-users with limits and proxy lists of their own (act as one with --as-subuser).
    #[command(subcommand)]
    Subusers(crate::account_commands::SubusersCommand),
    /// The account's profile: show it, or `set` the name or timezone.
    Profile(crate::account_commands::ProfileArgs),
    /// The account's notifications: list, dismiss, restore.
    #[command(subcommand)]
    Notifications(crate::account_commands::NotificationsCommand),
    /// Two-factor authentication of logins: status, enable, verify an authenticator app.
    #[command(subcommand, name = "2fa")]
    TwoFactor(crate::account_commands::TwoFactorCommand),
    /// The subscription: show it, price or buy a plan, renew, auto-renewal.
    #[command(subcommand)]
    Subscription(crate::billing_commands::SubscriptionCommand),
    /// Billing information printed on invoices.
    #[command(subcommand)]
    Billing(crate::billing_commands::BillingCommand),
    /// Payment methods, pending payments and transactions.
    #[command(subcommand)]
    Payments(crate::billing_commands::PaymentsCommand),
    /// Invoices of transactions, as PDF files.
    #[command(subcommand)]
    Invoices(crate::billing_commands::InvoicesCommand),
    /// The referral program and coupon codes.
    #[command(subcommand)]
    Referral(crate::billing_commands::ReferralCommand),
    /// ID verification (Stripe Identity): status, start, complete.
    #[command(subcommand)]
    IdVerification(crate::billing_commands::IdVerificationCommand),
    /// Account verification: flows, evidence, questions, appeals, suspension.
    #[command(subcommand)]
    Verification(crate::billing_commands::VerificationCommand),
    /// IP addresses authorized to use the proxies without a password.
    #[command(subcommand)]
    IpAuth(IpAuthCommand),
    /// The tokens of the download links (withheld unless --show-token).
    #[command(subcommand)]
    DownloadToken(DownloadTokenCommand),
    /// The proxy activity log.
    #[command(subcommand)]
    Activity(ActivityCommand),
    /// Proxy usage: by hour, or in total.
    #[command(subcommand)]
    Stats(StatsCommand),
    /// Check the spec against the live API with your key: every read-only operation's answer against its
    /// schema (nothing that changes state or costs money is sent). Exit 0 only when nothing differs.
    CheckApi(CheckApiArgs),
    /// Run the mock Webshare server in the foreground.
    MockServer(webshare_mock_server::ServeOptions),
    /// Start a mock server and walk the whole account flow against it, printing each step.
    Demo,
    /// Print a shell completion script, e.g. `webshare completions bash >
    /// ~/.local/share/bash-completion/completions/webshare`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `webshare man > ~/.local/share/man/man1/webshare.1`.
    Man,
}

/// `check-api`.
#[derive(Debug, clap::Args)]
pub struct CheckApiArgs {
    /// The plan to check; the account's default plan when absent.
    #[arg(long = "plan", value_name = "ID")]
    pub plan_id: Option<i64>,
    /// Check as this sub-user (the `X-Subuser` header).
    #[arg(long = "as-subuser", value_name = "ID")]
    pub subuser: Option<i64>,
}

/// Proxy list subcommands.
#[derive(Debug, Subcommand)]
pub enum ProxiesCommand {
    /// List proxies: one page, or every page with --all (one line each; passwords withheld).
    List(ListArgs),
    /// Download the proxy list (one proxy a line), authorised by the plan's download token.
    Download(DownloadArgs),
    /// Replace the whole proxy list, using one of the plan's on-demand refreshes.
    Refresh(RefreshProxyListArgs),
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
    /// The plan whose list to download; its download token is read from its proxy config.
    #[arg(
        long = "plan",
        alias = "plan-id",
        value_name = "ID",
        required_unless_present = "token_stdin"
    )]
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
    /// Show the proxy config of a plan (the download token is withheld).
    Get(GetProxyConfigArgs),
    /// Show the composition of a plan's list: by country, IP range and ASN.
    Stats(GetProxyListStatsArgs),
    /// Show whether a plan's list is ready, and its credentials (the password withheld).
    Status(GetProxyListStatusArgs),
    /// Show the whole config (the v2 endpoint; password and download token withheld).
    Show(GetProxyConfigV2Args),
    /// Change the proxy username, password (from standard input only), timeouts or countries.
    Set(ConfigSetArgs),
    /// Place the unallocated proxies, e.g. `FR=3,DE=2` (as many in all as are unallocated).
    Allocate(ConfigAllocateArgs),
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

/// `proxy-config allocate`.
#[derive(Debug, Args)]
pub struct ConfigAllocateArgs {
    /// The plan.
    #[command(flatten)]
    pub params: AllocateUnallocatedCountriesArgs,
    /// Countries and counts, e.g. `FR=3,DE=2`.
    #[arg(value_name = "COUNTRY=COUNT", value_delimiter = ',', required = true)]
    pub countries: Vec<String>,
}

/// IP authorization subcommands.
#[derive(Debug, Subcommand)]
pub enum IpAuthCommand {
    /// List the authorized IP addresses (one page, or every page with --all).
    List(IpAuthListArgs),
    /// Authorize an IP address, or this machine's public address with --this-machine (idempotent).
    Add(IpAuthAddArgs),
    /// Show one IP authorization.
    Show(GetIpAuthorizationArgs),
    /// Remove an authorized IP address.
    Remove(DeleteIpAuthorizationArgs),
    /// Show this machine's public IP address, as Webshare sees it.
    WhatsMyIp,
}

/// `ip-auth list`.
#[derive(Debug, Args)]
pub struct IpAuthListArgs {
    /// The page and plan.
    #[command(flatten)]
    pub params: ListIpAuthorizationsArgs,
    /// Every page, fetched one after another.
    #[arg(long)]
    pub all: bool,
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

/// Download token subcommands.
#[derive(Debug, Subcommand)]
pub enum DownloadTokenCommand {
    /// Show the token of one kind of download link.
    Show(DownloadTokenArgs<GetDownloadTokenArgs>),
    /// Replace the token of one kind of download link; links with the old one stop working.
    Reset(DownloadTokenArgs<ResetDownloadTokenArgs>),
}

/// A download token command's scope, and whether to print the token.
#[derive(Debug, Args)]
pub struct DownloadTokenArgs<T: Args> {
    /// The scope.
    #[command(flatten)]
    pub params: T,
    /// Print the token itself (it grants the download: treat it as a secret).
    #[arg(long)]
    pub show_token: bool,
}

/// Activity subcommands.
#[derive(Debug, Subcommand)]
pub enum ActivityCommand {
    /// List proxy activity, newest first: one page, or every page with --all.
    List(ActivityListArgs),
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

/// Stats subcommands.
#[derive(Debug, Subcommand)]
pub enum StatsCommand {
    /// Usage by hour: a table, and a bandwidth sparkline on a terminal.
    Hourly(ListStatsArgs),
    /// Usage summed over the period.
    Total(GetAggregateStatsArgs),
}

/// `activity list`.
#[derive(Debug, Args)]
pub struct ActivityListArgs {
    /// The list's filters and page size.
    #[command(flatten)]
    pub params: ListProxyActivityArgs,
    /// Every page, each asked for after the previous one's last activity.
    #[arg(long)]
    pub all: bool,
}

/// Password reset subcommands.
#[derive(Debug, Subcommand)]
pub enum PasswordCommand {
    /// Ask for a password reset email (succeeds for any well-formed address).
    Reset(ResetArgs),
    /// Set a new password with the code from the reset email; every earlier token stops working.
    ResetComplete(ResetCompleteArgs),
    /// Change the password (prompts for the current and the new one); every other token stops working.
    Change(ChangePasswordArgs),
}

/// Social account subcommands.
#[derive(Debug, Subcommand)]
pub enum SocialCommand {
    /// Register with a provider's authorization code (or log in to the account with its email address).
    Register(SocialRegisterArgs),
    /// Log in with a provider's authorization code.
    Login(SocialLoginArgs),
}

/// Email change subcommands.
#[derive(Debug, Subcommand)]
pub enum EmailCommand {
    /// Send a confirmation code to a new address (prompts for the password).
    Change(ChangeEmailArgs),
    /// Confirm the new address with the emailed code.
    ChangeComplete(CodeArgs),
}

/// Account deletion subcommands.
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Delete the account (prompts for the password). Every later call with its tokens is refused.
    Delete(DeleteAccountArgs),
    /// Delete an account registered through a social provider, with a fresh authorization code.
    DeleteSocial(DeleteSocialArgs),
}

/// Activation subcommands.
#[derive(Debug, Subcommand)]
pub enum ActivationCommand {
    /// Show whether the email is verified, and when the last activation email went out.
    Status,
    /// Send the activation email again (limited in frequency: too soon is exit code 5).
    Resend,
    /// Verify the email with the code from the activation email.
    Complete(CompleteActivationArgs),
}

/// What to do with a token the API returns.
#[derive(Debug, Args)]
pub struct TokenOutput {
    /// Save the token (and base URL) as the default credentials for later commands.
    #[arg(long)]
    pub save: bool,
    /// Print the token (it is withheld otherwise).
    #[arg(long)]
    pub show_token: bool,
}

/// Where a recaptcha token comes from: the argument, standard input, or else a prompt without echo.
#[derive(Debug, Args)]
pub struct RecaptchaArgs {
    /// Recaptcha token (prompted for without echo when neither this nor --recaptcha-stdin is given).
    #[arg(long, value_name = "TOKEN", conflicts_with = "recaptcha_stdin")]
    pub recaptcha: Option<String>,
    /// Read the recaptcha token from standard input (the line after any other secret read from it)
    /// instead of a prompt.
    #[arg(long)]
    pub recaptcha_stdin: bool,
}

/// `webshare register`.
#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// Email address to register.
    #[arg(long)]
    pub email: String,
    #[command(flatten)]
    pub recaptcha: RecaptchaArgs,
    /// Accept Webshare's terms of service (required).
    #[arg(long)]
    pub accept_terms: bool,
    /// Accept marketing emails.
    #[arg(long)]
    pub marketing_emails: bool,
    /// Read the password from the first line of standard input instead of a prompt.
    #[arg(long)]
    pub password_stdin: bool,
    #[command(flatten)]
    pub token: TokenOutput,
}

/// `webshare login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Email address of the account.
    #[arg(long)]
    pub email: String,
    #[command(flatten)]
    pub recaptcha: RecaptchaArgs,
    /// Read the password from the first line of standard input instead of a prompt.
    #[arg(long)]
    pub password_stdin: bool,
    /// If the account asks for a two-factor code, read it from the next line of standard input instead
    /// of a prompt.
    #[arg(long)]
    pub code_stdin: bool,
    #[command(flatten)]
    pub token: TokenOutput,
}

/// `webshare password reset`.
#[derive(Debug, Args)]
pub struct ResetArgs {
    /// Email address of the account.
    #[arg(long)]
    pub email: String,
    #[command(flatten)]
    pub recaptcha: RecaptchaArgs,
}

/// `webshare password reset-complete`.
#[derive(Debug, Args)]
pub struct ResetCompleteArgs {
    #[command(flatten)]
    pub recaptcha: RecaptchaArgs,
    /// Read the emailed code from standard input (first line) instead of a prompt.
    #[arg(long)]
    pub code_stdin: bool,
    /// Read the new password from standard input (the line after the code, if both come from it)
    /// instead of a prompt.
    #[arg(long)]
    pub password_stdin: bool,
    #[command(flatten)]
    pub token: TokenOutput,
}

/// `webshare activation complete`.
#[derive(Debug, Args)]
pub struct CompleteActivationArgs {
    /// Read the emailed code from the first line of standard input instead of a prompt.
    #[arg(long)]
    pub code_stdin: bool,
    #[command(flatten)]
    pub token: TokenOutput,
}

/// A social identity: provider, authorization code (never an argument) and redirect URI.
#[derive(Debug, Args)]
pub struct SocialIdentityArgs {
    /// The identity provider (`google`; other names are passed on as they are).
    #[arg(long, default_value = "google")]
    pub provider: String,
    /// The redirect URI the authorization code was issued for.
    #[arg(long, value_name = "URI")]
    pub redirect_uri: String,
    /// Read the authorization code from the first line of standard input instead of a prompt.
    #[arg(long)]
    pub code_stdin: bool,
}

/// `webshare social register`.
#[derive(Debug, Args)]
pub struct SocialRegisterArgs {
    #[command(flatten)]
    pub identity: SocialIdentityArgs,
    /// Accept Webshare's terms of service (required).
    #[arg(long)]
    pub accept_terms: bool,
    /// Accept marketing emails.
    #[arg(long)]
    pub marketing_emails: bool,
    #[command(flatten)]
    pub token: TokenOutput,
}

/// `webshare social login`.
#[derive(Debug, Args)]
pub struct SocialLoginArgs {
    #[command(flatten)]
    pub identity: SocialIdentityArgs,
    #[command(flatten)]
    pub token: TokenOutput,
}

/// `webshare password change`.
#[derive(Debug, Args)]
pub struct ChangePasswordArgs {
    /// Read the current and the new password from the first two lines of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

/// `webshare email change`.
#[derive(Debug, Args)]
pub struct ChangeEmailArgs {
    /// The new email address; the confirmation code is sent there.
    #[arg(long)]
    pub new_email: String,
    /// Read the password from the first line of standard input instead of a prompt.
    #[arg(long)]
    pub password_stdin: bool,
}

/// A command that takes an emailed code.
#[derive(Debug, Args)]
pub struct CodeArgs {
    /// Read the emailed code from the first line of standard input instead of a prompt.
    #[arg(long)]
    pub code_stdin: bool,
}

/// `webshare account delete`.
#[derive(Debug, Args)]
pub struct DeleteAccountArgs {
    #[command(flatten)]
    pub recaptcha: RecaptchaArgs,
    /// Read the password from the first line of standard input instead of a prompt.
    #[arg(long)]
    pub password_stdin: bool,
    /// Confirm the deletion (required: it cannot be undone).
    #[arg(long)]
    pub yes: bool,
}

/// `webshare account delete-social`.
#[derive(Debug, Args)]
pub struct DeleteSocialArgs {
    #[command(flatten)]
    pub identity: SocialIdentityArgs,
    /// Confirm the deletion (required: it cannot be undone).
    #[arg(long)]
    pub yes: bool,
}
