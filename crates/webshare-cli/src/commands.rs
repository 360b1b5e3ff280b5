//! Running the API subcommands.

use std::time::Duration;

use webshare::{
    Client, ClientBuilder, Registration, RetryPolicy, Secret, SocialProvider, SocialRegistration,
    Token,
};

use crate::cli::{
    AccountCommand, ActivationCommand, Cli, Command, EmailCommand, PasswordCommand, SocialCommand,
    SocialIdentityArgs, TokenOutput,
};
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
    /// Whether the key came from the saved file (so that logout can forget it).
    key_is_saved: bool,
}

impl Settings {
    fn resolve(cli: &Cli) -> Result<Self, Failure> {
        let saved = credentials::load().map_err(Failure::Usage)?;
        let base_url = cli
            .base_url
            .clone()
            .or_else(|| saved.as_ref().and_then(|s| s.base_url.clone()))
            .unwrap_or_else(|| webshare::DEFAULT_BASE_URL.to_owned());
        let key_is_saved = cli.api_key.is_none() && saved.is_some();
        let api_key = cli.api_key.clone().or_else(|| saved.map(|s| s.api_key));
        Ok(Self {
            base_url,
            api_key,
            key_is_saved,
        })
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
            let what = if registered.logged_in_existing_user {
                format!(
                    "{} was already registered with this password: logged in to it.",
                    args.email
                )
            } else {
                format!(
                    "Registered {}. Verify the address with the emailed code: `webshare activation complete`.",
                    args.email
                )
            };
            printer.registered(&what, registered.logged_in_existing_user, &report);
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
        Command::Social(SocialCommand::Register(args)) => {
            let (provider, code) = identity(&mut secrets, &args.identity)?;
            let registration = SocialRegistration::new(provider, code, &args.identity.redirect_uri)
                .marketing_emails(args.marketing_emails);
            let registration = if args.accept_terms {
                registration.accept_terms_of_service()
            } else {
                registration
            };
            let registered = settings
                .anonymous()?
                .social()
                .register(&registration)
                .await?;
            let report = settings.report(&registered.token, &args.token)?;
            let what = if registered.logged_in_existing_user {
                "Logged in to the existing account."
            } else {
                "Registered."
            };
            printer.registered(what, registered.logged_in_existing_user, &report);
        }
        Command::Social(SocialCommand::Login(args)) => {
            let (provider, code) = identity(&mut secrets, &args.identity)?;
            let token = settings
                .anonymous()?
                .social()
                .login(provider, code, &args.identity.redirect_uri)
                .await?;
            let report = settings.report(&token, &args.token)?;
            printer.token("Logged in.", &report);
        }
        Command::Password(PasswordCommand::Change(args)) => {
            let current = secrets
                .read("current password", args.password_stdin)
                .map_err(Failure::Usage)?;
            let new = secrets
                .read("new password", args.password_stdin)
                .map_err(Failure::Usage)?;
            settings
                .authenticated()?
                .password()
                .change(current, new)
                .await?;
            printer.done("Password changed; every other token of the account stopped working.");
        }
        Command::Email(EmailCommand::Change(args)) => {
            let password = secrets
                .read("password", args.password_stdin)
                .map_err(Failure::Usage)?;
            settings
                .authenticated()?
                .email()
                .change(password, &args.new_email)
                .await?;
            printer.done(&format!(
                "A confirmation code was sent to {}; confirm with `webshare email change-complete`.",
                args.new_email
            ));
        }
        Command::Email(EmailCommand::ChangeComplete(args)) => {
            let code = secrets
                .read("confirmation code", args.code_stdin)
                .map_err(Failure::Usage)?;
            settings
                .authenticated()?
                .email()
                .complete_change(code)
                .await?;
            printer.done("Email address changed.");
        }
        Command::Account(AccountCommand::Delete(args)) => {
            confirmed(args.yes)?;
            let password = secrets
                .read("password", args.password_stdin)
                .map_err(Failure::Usage)?;
            settings
                .authenticated()?
                .account()
                .delete(password, args.recaptcha.as_str())
                .await?;
            printer.done("Account deleted.");
        }
        Command::Account(AccountCommand::DeleteSocial(args)) => {
            confirmed(args.yes)?;
            let (provider, code) = identity(&mut secrets, &args.identity)?;
            settings
                .authenticated()?
                .account()
                .delete_social(provider, code, &args.identity.redirect_uri)
                .await?;
            printer.done("Account deleted.");
        }
        Command::Logout => {
            settings.authenticated()?.logout().await?;
            let forgot = if settings.key_is_saved {
                credentials::forget().map_err(Failure::Usage)?
            } else {
                None
            };
            match forgot {
                Some(path) => printer.done(&format!(
                    "Logged out; removed the saved token from {}.",
                    path.display()
                )),
                None => printer.done("Logged out; the token no longer works."),
            }
        }
        Command::Proxies(command) => {
            crate::proxy_commands::proxies(&settings.authenticated()?, command, cli.json).await?;
        }
        Command::ProxyConfig(command) => {
            crate::proxy_commands::proxy_config(&settings.authenticated()?, command, cli.json)
                .await?;
        }
        Command::IpAuthorizations(command) => {
            crate::proxy_commands::ip_authorizations(&settings.authenticated()?, command, cli.json)
                .await?;
        }
        Command::Activity(command) => {
            crate::proxy_commands::activity(&settings.authenticated()?, command, cli.json).await?;
        }
        Command::MockServer(_) | Command::Demo => unreachable!("handled in main"),
    }
    Ok(())
}

/// The provider and authorization code of a social command (the code from a prompt or stdin).
fn identity(
    secrets: &mut SecretInput,
    args: &SocialIdentityArgs,
) -> Result<(SocialProvider, Secret), Failure> {
    let code = secrets
        .read("authorization code", args.code_stdin)
        .map_err(Failure::Usage)?;
    Ok((args.provider.as_str().into(), code))
}

/// Deleting an account cannot be undone: it takes an explicit `--yes`.
fn confirmed(yes: bool) -> Result<(), Failure> {
    if yes {
        Ok(())
    } else {
        Err(Failure::Usage(
            "deleting the account cannot be undone: add --yes to confirm".into(),
        ))
    }
}
