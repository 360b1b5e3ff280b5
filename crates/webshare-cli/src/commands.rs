//! Running the API subcommands.

use std::time::Duration;

use webshare::{
    Client, ClientBuilder, Registration, RetryPolicy, Secret, SocialProvider, SocialRegistration,
    Token,
};

use crate::cli::{
    AccountCommand, ActivationCommand, Cli, Command, EmailCommand, Globals, PasswordCommand,
    SocialCommand, SocialIdentityArgs, TokenOutput,
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

/// Where the key for authenticated calls comes from, and whether it may be sent.
enum Key {
    /// None given and none saved.
    Missing,
    /// `--api-key` or `WEBSHARE_API_KEY`.
    Explicit(String),
    /// The saved file's, for the base URL it was saved for (or another one the user allowed).
    Saved(String),
    /// The saved file's, but the base URL in use is another one: not sent.
    SavedForOtherUrl {
        /// The base URL the token was saved for.
        saved_for: String,
    },
    /// The saved file cannot be used; the message says why (never quoting the file).
    Unreadable(String),
}

/// What the user gave explicitly, by flag or environment variable.
struct Explicit<'a> {
    base_url: Option<&'a str>,
    api_key: Option<&'a str>,
    use_saved_key_for_other_url: bool,
}

/// The base URL and key to use. A saved token is bound to the base URL it was saved for:
///
/// - an explicit key goes to the explicit base URL, else to the production one; the saved file is not
///   read at all;
/// - otherwise the saved token goes to the URL it was saved for, which is also the base URL when none
///   is given; to another explicit base URL only with `--use-saved-key-for-other-url` (a command that
///   needs the key fails otherwise).
///
/// A saved file that cannot be read only matters to commands that need its token: `login --save`
/// replaces it.
struct Settings {
    base_url: String,
    key: Key,
}

impl Settings {
    fn resolve(globals: &Globals) -> Self {
        let explicit = Explicit {
            base_url: globals.base_url.as_deref(),
            api_key: globals.api_key.as_deref(),
            use_saved_key_for_other_url: globals.use_saved_key_for_other_url,
        };
        Self::from_sources(&explicit, credentials::load)
    }

    fn from_sources(
        explicit: &Explicit,
        load: impl FnOnce() -> Result<Option<Saved>, String>,
    ) -> Self {
        let given_or_default = || {
            explicit
                .base_url
                .unwrap_or(webshare::DEFAULT_BASE_URL)
                .to_owned()
        };
        if let Some(key) = explicit.api_key {
            return Self {
                base_url: given_or_default(),
                key: Key::Explicit(key.to_owned()),
            };
        }
        let saved = match load() {
            Ok(Some(saved)) => saved,
            Ok(None) => {
                return Self {
                    base_url: given_or_default(),
                    key: Key::Missing,
                };
            }
            Err(message) => {
                return Self {
                    base_url: given_or_default(),
                    key: Key::Unreadable(message),
                };
            }
        };
        let saved_for = saved
            .base_url
            .unwrap_or_else(|| webshare::DEFAULT_BASE_URL.to_owned());
        match explicit.base_url {
            None => Self {
                base_url: saved_for,
                key: Key::Saved(saved.api_key),
            },
            Some(url) if same_url(url, &saved_for) || explicit.use_saved_key_for_other_url => {
                Self {
                    base_url: url.to_owned(),
                    key: Key::Saved(saved.api_key),
                }
            }
            Some(url) => Self {
                base_url: url.to_owned(),
                key: Key::SavedForOtherUrl { saved_for },
            },
        }
    }

    /// The key for a call that needs one, or why there is none to send.
    fn key(&self) -> Result<&str, Failure> {
        match &self.key {
            Key::Explicit(key) | Key::Saved(key) => Ok(key),
            Key::Missing => Err(Failure::NoCredentials),
            Key::Unreadable(message) => Err(Failure::Usage(message.clone())),
            Key::SavedForOtherUrl { saved_for } => Err(Failure::Usage(format!(
                "the saved token was saved for {saved}, and is not sent to {given} (the base URL given \
                 by --base-url or WEBSHARE_BASE_URL): log in to {given} with `webshare login --save`, \
                 set WEBSHARE_API_KEY, or add --use-saved-key-for-other-url to send the saved token there",
                saved = host(saved_for),
                given = host(&self.base_url),
            ))),
        }
    }

    /// The key when one may be sent, for calls where it is optional.
    fn optional_key(&self) -> Option<&str> {
        match &self.key {
            Key::Explicit(key) | Key::Saved(key) => Some(key),
            _ => None,
        }
    }

    fn anonymous(&self) -> Result<Client, Failure> {
        Ok(client_builder(&self.base_url).build()?)
    }

    fn authenticated(&self) -> Result<Client, Failure> {
        let key = self.key()?;
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

/// Runs a generated command: the key as the hand-written commands resolve it (sent only where the
/// operation takes one), the answer printed as the global options say.
pub async fn run_generated(
    globals: &Globals,
    operation: webshare::operations::OperationId,
    matches: &clap::ArgMatches,
) -> Result<(), Failure> {
    let settings = Settings::resolve(globals);
    let client = match operation.operation().auth {
        webshare::Auth::None => settings.anonymous()?,
        webshare::Auth::Optional => match settings.optional_key() {
            Some(key) => client_builder(&settings.base_url).api_key(key).build()?,
            None => settings.anonymous()?,
        },
        _ => settings.authenticated()?,
    };
    let context = crate::generic::Context {
        client,
        output: globals.output(),
    };
    crate::generated::run(operation, matches, &context).await
}

/// Runs an API subcommand (`mock-server` and `demo` are handled by the caller).
pub async fn run(cli: &Cli) -> Result<(), Failure> {
    let settings = Settings::resolve(&cli.globals);
    let printer = Printer {
        json: cli.globals.json,
    };
    let mut secrets = SecretInput::new();
    match &cli.command {
        Command::Register(args) => {
            let password = secrets
                .read("password", args.password_stdin)
                .map_err(Failure::Usage)?;
            let recaptcha = secrets.recaptcha(&args.recaptcha).map_err(Failure::Usage)?;
            let mut registration = Registration::new(&args.email, password, recaptcha)
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
            let recaptcha = secrets.recaptcha(&args.recaptcha).map_err(Failure::Usage)?;
            // With two-factor on, the new token is held until its code: asked for only then.
            let secrets = &mut secrets;
            let (token, _) = settings
                .anonymous()?
                .login_and_verify(&args.email, password, recaptcha, || {
                    if !args.code_stdin {
                        eprintln!(
                            "Two-factor authentication: enter the code emailed to {} (or from your app).",
                            args.email
                        );
                    }
                    let code = secrets
                        .read("two-factor code", args.code_stdin)
                        .map_err(|message| webshare::Error::InvalidInput {
                            field: "code",
                            message,
                        });
                    std::future::ready(code)
                })
                .await?;
            let report = settings.report(&token, &args.token)?;
            printer.token(&format!("Logged in as {}.", args.email), &report);
        }
        Command::Password(PasswordCommand::Reset(args)) => {
            let recaptcha = secrets.recaptcha(&args.recaptcha).map_err(Failure::Usage)?;
            settings
                .anonymous()?
                .password()
                .request_reset(&args.email, recaptcha)
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
            let recaptcha = secrets.recaptcha(&args.recaptcha).map_err(Failure::Usage)?;
            let token = settings
                .anonymous()?
                .password()
                .complete_reset(code, password, recaptcha)
                .await?;
            let report = settings.report(&token, &args.token)?;
            printer.token(
                "Password changed; every earlier token of the account stopped working.",
                &report,
            );
        }
        Command::Activation(ActivationCommand::Complete(args)) => {
            let code = secrets
                .read("activation code", args.code_stdin)
                .map_err(Failure::Usage)?;
            // Authentication is optional here (and encouraged): send the key when there is one.
            // (A saved token for another base URL is not sent: completion works without it.)
            let client = if settings.optional_key().is_some() {
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
            // The key first: no secret is asked for when the command cannot be sent.
            let client = settings.authenticated()?;
            let current = secrets
                .read("current password", args.password_stdin)
                .map_err(Failure::Usage)?;
            let new = secrets
                .read("new password", args.password_stdin)
                .map_err(Failure::Usage)?;
            client.password().change(current, new).await?;
            printer.done("Password changed; every other token of the account stopped working.");
        }
        Command::Email(EmailCommand::Change(args)) => {
            let client = settings.authenticated()?;
            let password = secrets
                .read("password", args.password_stdin)
                .map_err(Failure::Usage)?;
            client.email().change(password, &args.new_email).await?;
            printer.done(&format!(
                "A confirmation code was sent to {}; confirm with `webshare email change-complete`.",
                args.new_email
            ));
        }
        Command::Email(EmailCommand::ChangeComplete(args)) => {
            let client = settings.authenticated()?;
            let code = secrets
                .read("confirmation code", args.code_stdin)
                .map_err(Failure::Usage)?;
            client.email().complete_change(code).await?;
            printer.done("Email address changed.");
        }
        Command::Account(AccountCommand::Delete(args)) => {
            confirmed(args.yes)?;
            let client = settings.authenticated()?;
            let password = secrets
                .read("password", args.password_stdin)
                .map_err(Failure::Usage)?;
            let recaptcha = secrets.recaptcha(&args.recaptcha).map_err(Failure::Usage)?;
            client.account().delete(password, recaptcha).await?;
            printer.done("Account deleted.");
        }
        Command::Account(AccountCommand::DeleteSocial(args)) => {
            confirmed(args.yes)?;
            let client = settings.authenticated()?;
            let (provider, code) = identity(&mut secrets, &args.identity)?;
            client
                .account()
                .delete_social(provider, code, &args.identity.redirect_uri)
                .await?;
            printer.done("Account deleted.");
        }
        Command::Logout => {
            settings.authenticated()?.logout().await?;
            let forgot = if matches!(settings.key, Key::Saved(_)) {
                credentials::forget().map_err(Failure::Usage)?
            } else {
                Vec::new()
            };
            if forgot.is_empty() {
                printer.done("Logged out; the token no longer works.");
            } else {
                printer.done(&format!(
                    "Logged out; removed the saved token from {}.",
                    forgot.join(" and ")
                ));
            }
        }
        Command::Proxies(command) => {
            crate::proxy_commands::proxies(&settings.authenticated()?, command, cli.globals.json)
                .await?;
        }
        Command::ProxyConfig(command) => {
            crate::proxy_commands::proxy_config(
                &settings.authenticated()?,
                command,
                cli.globals.json,
            )
            .await?;
        }
        Command::IpAuth(command) => {
            crate::proxy_commands::ip_auth(&settings.authenticated()?, command, cli.globals.json)
                .await?;
        }
        Command::Activity(command) => {
            crate::proxy_commands::activity(&settings.authenticated()?, command, cli.globals.json)
                .await?;
        }
        Command::CheckApi(args) => {
            crate::check_api::run(&settings.authenticated()?, args, cli.globals.json).await?;
        }
        Command::Replace(args) => {
            crate::replace_commands::replace(&settings.authenticated()?, args, cli.globals.json)
                .await?;
        }
        Command::Replacements(command) => {
            crate::replace_commands::replacements(
                &settings.authenticated()?,
                command,
                cli.globals.json,
            )
            .await?;
        }
        Command::Subscription(command) => {
            crate::billing_commands::subscription(
                &settings.authenticated()?,
                command,
                cli.globals.json,
            )
            .await?;
        }
        Command::Payments(command) => {
            crate::billing_commands::payments(
                &settings.authenticated()?,
                command,
                cli.globals.json,
            )
            .await?;
        }
        Command::Invoices(command) => {
            crate::billing_commands::invoices(
                &settings.authenticated()?,
                command,
                cli.globals.json,
            )
            .await?;
        }
        Command::Verification(command) => {
            crate::billing_commands::verification(
                &settings.authenticated()?,
                command,
                cli.globals.json,
            )
            .await?;
        }
        Command::TwoFactor(command) => {
            let client = settings.authenticated()?;
            crate::two_factor::two_factor(&client, command, &mut secrets, cli.globals.json).await?;
        }
        Command::ProxyUrl(args) => {
            crate::proxy_url::run(&settings.authenticated()?, args).await?;
        }
        Command::MockServer(_)
        | Command::Demo
        | Command::Completions { .. }
        | Command::Man
        | Command::Operations => {
            unreachable!("handled in main")
        }
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

/// Whether two base URLs are the same, ignoring the case of scheme and host and trailing slashes.
fn same_url(a: &str, b: &str) -> bool {
    fn normal(url: &str) -> String {
        let url = url.trim().trim_end_matches('/');
        let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        format!(
            "{}://{}{path}",
            scheme.to_ascii_lowercase(),
            authority.to_ascii_lowercase()
        )
    }
    normal(a) == normal(b)
}

/// The host (and port) of a base URL, for messages: never its user information, path or query.
fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if host.is_empty() {
        "(no host)".to_owned()
    } else {
        crate::output::escape_controls(host).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAVED_FOR: &str = "http://127.0.0.1:8080/base";
    const SAVED_KEY: &str = "saved-token-5f3c";

    fn settings(
        base_url: Option<&str>,
        api_key: Option<&str>,
        allow_other_url: bool,
        saved: Option<(&str, Option<&str>)>,
    ) -> Settings {
        let explicit = Explicit {
            base_url,
            api_key,
            use_saved_key_for_other_url: allow_other_url,
        };
        Settings::from_sources(&explicit, || {
            Ok(saved.map(|(key, url)| Saved {
                api_key: key.to_owned(),
                base_url: url.map(str::to_owned),
            }))
        })
    }

    #[test]
    fn an_explicit_key_never_goes_to_the_saved_url() {
        let s = settings(
            None,
            Some("explicit"),
            false,
            Some((SAVED_KEY, Some(SAVED_FOR))),
        );
        assert_eq!(s.base_url, webshare::DEFAULT_BASE_URL);
        assert_eq!(s.key().unwrap(), "explicit");
        let s = settings(
            Some("http://127.0.0.1:9999/base"),
            Some("explicit"),
            false,
            Some((SAVED_KEY, Some(SAVED_FOR))),
        );
        assert_eq!(s.base_url, "http://127.0.0.1:9999/base");
        assert_eq!(s.key().unwrap(), "explicit");
        // The saved file is not even read.
        let explicit = Explicit {
            base_url: None,
            api_key: Some("explicit"),
            use_saved_key_for_other_url: false,
        };
        let s = Settings::from_sources(&explicit, || panic!("the saved file was read"));
        assert_eq!(s.key().unwrap(), "explicit");
    }

    #[test]
    fn a_saved_key_goes_only_to_its_own_url() {
        // No base URL given: the saved one, with its token.
        let s = settings(None, None, false, Some((SAVED_KEY, Some(SAVED_FOR))));
        assert_eq!(s.base_url, SAVED_FOR);
        assert_eq!(s.key().unwrap(), SAVED_KEY);
        // The same URL, spelled with a trailing slash and another case.
        let s = settings(
            Some("HTTP://127.0.0.1:8080/base/"),
            None,
            false,
            Some((SAVED_KEY, Some(SAVED_FOR))),
        );
        assert_eq!(s.key().unwrap(), SAVED_KEY);
        // Another URL: refused, naming both hosts and not the token; not sent where it is optional.
        let s = settings(
            Some("https://other.example/base"),
            None,
            false,
            Some((SAVED_KEY, Some(SAVED_FOR))),
        );
        assert_eq!(s.base_url, "https://other.example/base");
        assert!(s.optional_key().is_none());
        let Err(Failure::Usage(message)) = s.key() else {
            panic!("not a usage error")
        };
        assert!(message.contains("127.0.0.1:8080") && message.contains("other.example"));
        assert!(!message.contains(SAVED_KEY), "{message}");
        assert_eq!(Failure::Usage(message).exit_code(), crate::exit::USAGE);
        // ... unless the user says so.
        let s = settings(
            Some("https://other.example/base"),
            None,
            true,
            Some((SAVED_KEY, Some(SAVED_FOR))),
        );
        assert_eq!(s.key().unwrap(), SAVED_KEY);
        // A file of an older version, without a base URL, belongs to the production API.
        let s = settings(None, None, false, Some((SAVED_KEY, None)));
        assert_eq!(s.base_url, webshare::DEFAULT_BASE_URL);
        let s = settings(Some(SAVED_FOR), None, false, Some((SAVED_KEY, None)));
        assert!(s.key().is_err());
    }

    #[test]
    fn hosts_in_messages_carry_no_user_information() {
        assert_eq!(
            host("https://user:secret@api.example.com:8443/base?x=1"),
            "api.example.com:8443"
        );
        assert_eq!(host("http://127.0.0.1:8080/base"), "127.0.0.1:8080");
        assert_eq!(host("not a url"), "not a url");
        assert_eq!(host(""), "(no host)");
    }
}
