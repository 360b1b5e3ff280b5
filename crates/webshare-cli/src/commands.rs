//! Running the API subcommands.

use std::time::Duration;

use webshare::{Client, ClientBuilder, Registration, RetryPolicy, Token};

use crate::cli::{ActivationCommand, Cli, Command, PasswordCommand, TokenOutput};
use crate::credentials::{self, Saved};
use crate::failure::Failure;
use crate::input::SecretInput;
use crate::output::{Printer, TokenReport};

/// Clients as the command line wants them: retries on passing failures, but a rate limit longer than a
/// few seconds is reported at once (exit code 5) rather than waited out in silence.
pub fn client_builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .base_url(base_url)
        .user_agent(format!("webshare-cli/{}", env!("CARGO_PKG_VERSION")))
        .retry_policy(RetryPolicy::default().max_retry_after(Duration::from_secs(5)))
}

/// The base URL and API key to use, from flags, environment or the saved file, in that order.
struct Settings {
    base_url: String,
    api_key: Option<String>,
}

impl Settings {
    fn resolve(cli: &Cli) -> Result<Self, Failure> {
        let saved = credentials::load().map_err(Failure::Usage)?;
        let base_url = cli
            .base_url
            .clone()
            .or_else(|| saved.as_ref().and_then(|s| s.base_url.clone()))
            .unwrap_or_else(|| webshare::DEFAULT_BASE_URL.to_owned());
        let api_key = cli.api_key.clone().or_else(|| saved.map(|s| s.api_key));
        Ok(Self { base_url, api_key })
    }

    fn anonymous(&self) -> Result<Client, Failure> {
        Ok(client_builder(&self.base_url).build()?)
    }

    fn authenticated(&self) -> Result<Client, Failure> {
        let key = self.api_key.as_deref().ok_or(Failure::NoCredentials)?;
        Ok(client_builder(&self.base_url).api_key(key).build()?)
    }

    /// Saves and/or reports a token as the flags ask.
    fn report<'a>(
        &self,
        token: &'a Token,
        output: &TokenOutput,
    ) -> Result<TokenReport<'a>, Failure> {
        let saved_to = if output.save {
            let saved = Saved {
                api_key: token.expose().to_owned(),
                base_url: Some(self.base_url.clone()),
            };
            Some(credentials::save(&saved).map_err(Failure::Usage)?)
        } else {
            None
        };
        Ok(TokenReport {
            token,
            show: output.show_token,
            saved_to,
        })
    }
}

/// Runs an API subcommand (`mock-server` and `demo` are handled by the caller).
pub async fn run(cli: &Cli) -> Result<(), Failure> {
    let settings = Settings::resolve(cli)?;
    let printer = Printer { json: cli.json };
    let mut secrets = SecretInput::new();
    match &cli.command {
        Command::Register(args) => {
            let password = secrets
                .read("password", args.password_stdin)
                .map_err(Failure::Usage)?;
            let mut registration =
                Registration::new(&args.email, password, args.recaptcha.as_str())
                    .marketing_emails(args.marketing_emails);
            if args.accept_terms {
                registration = registration.accept_terms_of_service();
            }
            let registered = settings.anonymous()?.register(&registration).await?;
            let report = settings.report(&registered.token, &args.token)?;
            printer.registered(&args.email, registered.logged_in_existing_user, &report);
        }
        Command::Login(args) => {
            let password = secrets
                .read("password", args.password_stdin)
                .map_err(Failure::Usage)?;
            let token = settings
                .anonymous()?
                .login(&args.email, password, args.recaptcha.as_str())
                .await?;
            let report = settings.report(&token, &args.token)?;
            printer.token(&format!("Logged in as {}.", args.email), &report);
        }
        Command::Password(PasswordCommand::Reset(args)) => {
            settings
                .anonymous()?
                .password()
                .request_reset(&args.email, args.recaptcha.as_str())
                .await?;
            printer.done(&format!(
                "If {} has an account, a password reset email is on its way.",
                args.email
            ));
        }
        Command::Password(PasswordCommand::ResetComplete(args)) => {
            let code = secrets
                .read("reset code", args.code_stdin)
                .map_err(Failure::Usage)?;
            let password = secrets
                .read("new password", args.password_stdin)
                .map_err(Failure::Usage)?;
            let token = settings
                .anonymous()?
                .password()
                .complete_reset(code, password, args.recaptcha.as_str())
                .await?;
            let report = settings.report(&token, &args.token)?;
            printer.token(
                "Password changed; every earlier token of the account stopped working.",
                &report,
            );
        }
        Command::Activation(ActivationCommand::Status) => {
            let status = settings.authenticated()?.activation().status().await?;
            printer.activation(None, &status);
        }
        Command::Activation(ActivationCommand::Resend) => {
            let status = settings.authenticated()?.activation().resend().await?;
            printer.activation(Some("Activation email sent."), &status);
        }
        Command::Activation(ActivationCommand::Complete(args)) => {
            let code = secrets
                .read("activation code", args.code_stdin)
                .map_err(Failure::Usage)?;
            // Authentication is optional here (and encouraged): send the key when there is one.
            let client = if settings.api_key.is_some() {
                settings.authenticated()?
            } else {
                settings.anonymous()?
            };
            let token = client.activation().complete(code).await?;
            let report = settings.report(&token, &args.token)?;
            printer.token("Email verified.", &report);
        }
        Command::MockServer(_) | Command::Demo => unreachable!("handled in main"),
    }
    Ok(())
}
