//! The command line: every subcommand and option, with the help text users read.

use clap::{Args, Parser, Subcommand};

pub use crate::input::RecaptchaArgs;
pub use crate::proxy_cli::{ActivityCommand, IpAuthCommand, ProxiesCommand, ProxyConfigCommand};
pub use crate::replace_cli::{ReplaceArgs, ReplacementsCommand};

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
5 rate limited (HTTP 429), 6 transport (unreachable, timed out); 141 when standard output is closed
by its reader (`| head`), as a program stopped by SIGPIPE.

Try it with no account: `webshare demo`.";

/// The Webshare API from the command line: every operation of the API (`webshare operations` lists them
/// with their commands), your account and its proxies, the replacements, sub-users, billing and
/// verification, and a mock server to try it all with no account (`webshare demo`).
#[derive(Debug, Parser)]
#[command(name = "webshare", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// The options every command takes.
    #[command(flatten)]
    pub globals: Globals,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The options every command takes.
#[derive(Debug, Clone, Args)]
pub struct Globals {
    /// The API's base URL (e.g. a mock server's http://127.0.0.1:8080/api).
    #[arg(
        long,
        global = true,
        env = "WEBSHARE_BASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub base_url: Option<String>,
    /// API key or token (else WEBSHARE_API_KEY, else the token `login --save` saved). On the command line
    /// it is visible to other local users in the process list, and prints a warning.
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
    /// Print the secrets in answers (proxy passwords, tokens, client secrets) instead of `[redacted]`.
    #[arg(long, global = true)]
    pub show_secrets: bool,
    /// Log each request and response line (never bodies, headers or secrets) to stderr.
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

impl Globals {
    /// How answers are printed.
    pub fn output(&self) -> crate::render::Output {
        crate::render::Output {
            format: if self.json {
                crate::render::Format::Json
            } else {
                crate::render::Format::Table
            },
            show_secrets: self.show_secrets,
        }
    }
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
    /// The proxy list: list the proxies, download them, refresh the list.
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
    /// Two-factor authentication of logins: status, enable, verify an authenticator app, submit a code.
    #[command(subcommand, name = "2fa")]
    TwoFactor(crate::two_factor::TwoFactorCommand),
    /// The subscription: show it, price or buy a plan, renew, auto-renewal.
    #[command(subcommand)]
    Subscription(crate::billing_commands::SubscriptionCommand),
    /// Payment methods, pending payments and transactions.
    #[command(subcommand)]
    Payments(crate::billing_commands::PaymentsCommand),
    /// Invoices of transactions, as PDF files.
    #[command(subcommand)]
    Invoices(crate::billing_commands::InvoicesCommand),
    /// Account verification: flows, evidence, questions, appeals, suspension.
    #[command(subcommand)]
    Verification(crate::billing_commands::VerificationCommand),
    /// IP addresses authorized to use the proxies without a password.
    #[command(subcommand)]
    IpAuth(IpAuthCommand),
    /// The proxy activity log.
    #[command(subcommand)]
    Activity(ActivityCommand),
    /// Check the spec against the live API with your key: every read-only operation's answer against its
    /// schema (nothing that changes state or costs money is sent). Exit 0 only when nothing differs.
    CheckApi(crate::check_api::CheckApiArgs),
    /// List every operation of the API with its method, path and command.
    Operations,
    /// Print a proxy's URL (a proxy of the list by ID or address, or the backbone), the password withheld
    /// unless --show-passwords.
    ProxyUrl(crate::proxy_url::ProxyUrlArgs),
    /// Run the mock Webshare server (the whole API in memory) in the foreground.
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

impl Command {
    /// `--show-secrets` given: the flows' own flags that print a secret (`--show-token`,
    /// `--show-passwords`, `--show-secret`) are set, so the global flag means the same everywhere.
    pub fn reveal_secrets(&mut self) {
        match self {
            Self::Register(args) => args.token.show_token = true,
            Self::Login(args) => args.token.show_token = true,
            Self::Password(PasswordCommand::ResetComplete(args)) => args.token.show_token = true,
            Self::Activation(ActivationCommand::Complete(args)) => args.token.show_token = true,
            Self::Social(SocialCommand::Register(args)) => args.token.show_token = true,
            Self::Social(SocialCommand::Login(args)) => args.token.show_token = true,
            Self::Proxies(ProxiesCommand::List(args)) => args.show_passwords = true,
            Self::Proxies(ProxiesCommand::Download(args)) => args.show_passwords = true,
            Self::Replacements(ReplacementsCommand::Download(args)) => args.show_passwords = true,
            Self::ProxyUrl(args) => args.show_passwords = true,
            Self::TwoFactor(crate::two_factor::TwoFactorCommand::Enable {
                show_secret, ..
            }) => {
                *show_secret = true;
            }
            _ => {}
        }
    }
}
