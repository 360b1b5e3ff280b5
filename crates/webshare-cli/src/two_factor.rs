//! `webshare 2fa enable|verify`: turning two-factor authentication on, by email codes or an
//! authenticator app whose secret the API shows once (withheld unless `--show-secret`).

use clap::Subcommand;
use serde_json::{Value, json};
use webshare::types::TwoFactorMethod;
use webshare::{Client, Secret};

use crate::failure::Failure;
use crate::input::SecretInput;
use crate::output::{escape_controls, print_json, text_or_dash};
use crate::stdout::outln;

/// `2fa ...`.
#[derive(Debug, Subcommand)]
pub enum TwoFactorCommand {
    /// Turn on two-factor authentication: email codes, or an authenticator app (then `2fa verify`).
    Enable {
        /// `email` (active at once) or `app` (a TOTP secret to enrol, activated by `2fa verify`).
        #[arg(long, value_parser = ["email", "app"], default_value = "email")]
        method: String,
        /// Print the app's secret. The API shows it only in this answer: without this flag it is lost.
        #[arg(long)]
        show_secret: bool,
    },
    /// Activate an authenticator-app method with two consecutive codes of the app.
    Verify {
        /// The method's ID (printed by `2fa enable --method app`).
        #[arg(value_name = "ID")]
        id: i64,
        /// Read the two codes from the first two lines of standard input instead of prompts.
        #[arg(long)]
        codes_stdin: bool,
    },
}

fn print_method(method: &TwoFactorMethod, json: bool) {
    if json {
        let mut value = serde_json::to_value(method).unwrap_or(Value::Null);
        value["secret_key"] = Value::Null;
        print_json(&value);
    } else {
        let state = if method.active == Some(true) {
            "active"
        } else {
            "inactive"
        };
        outln!(
            "{}  {}  {state}",
            method.id,
            text_or_dash(method.type_.as_deref())
        );
    }
}

/// Runs a `2fa` subcommand.
pub async fn two_factor(
    client: &Client,
    command: &TwoFactorCommand,
    secrets: &mut SecretInput,
    json: bool,
) -> Result<(), Failure> {
    let two_factor = client.two_factor();
    match command {
        TwoFactorCommand::Enable {
            method,
            show_secret,
        } if method == "app" => {
            let device = two_factor.add_device().await?;
            let secret = if *show_secret {
                Some(device.secret.expose())
            } else {
                None
            };
            if json {
                outln!(
                    "{}",
                    json!({"method_id": device.method_id, "secret_key": secret})
                );
            } else if let Some(secret) = secret {
                outln!(
                    "Enrol this secret in the app, then run `webshare 2fa verify {}`:\n{}",
                    device.method_id,
                    escape_controls(secret)
                );
            }
            if !show_secret {
                eprintln!(
                    "The secret was withheld and cannot be shown again; the method ({}) stays inactive. \
                     Run `webshare 2fa enable --method app --show-secret` for another.",
                    device.method_id
                );
            }
        }
        TwoFactorCommand::Enable { .. } => {
            let method = two_factor.use_email().await?;
            print_method(&method, json);
            if !json {
                outln!("New logins now need the code emailed to the account.");
            }
        }
        TwoFactorCommand::Verify { id, codes_stdin } => {
            let code_1: Secret = secrets
                .read("first code", *codes_stdin)
                .map_err(Failure::Usage)?;
            let code_2: Secret = secrets
                .read("next code", *codes_stdin)
                .map_err(Failure::Usage)?;
            let method = two_factor.activate_device(*id, code_1, code_2).await?;
            print_method(&method, json);
        }
    }
    Ok(())
}
