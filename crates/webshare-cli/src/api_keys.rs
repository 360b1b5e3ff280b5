//! `webshare api-keys list|create|rename|revoke`: the account's API keys (a session token is needed: an
//! API key may not manage keys).

use clap::{Args, Subcommand};
use futures_util::TryStreamExt;
use serde_json::{Value, json};
use webshare::Client;
use webshare::types::ApiKey;

use crate::failure::Failure;
use crate::output::{escape_controls, json_line, text_or_dash};
use crate::stdout::outln;

/// `api-keys ...`.
#[derive(Debug, Subcommand)]
pub enum ApiKeysCommand {
    /// List the API keys (each key shortened by the server).
    List,
    /// Create an API key; it is printed only with --show-key, and only now.
    Create(CreateKeyArgs),
    /// Change an API key's label.
    Rename {
        /// The key's ID.
        #[arg(value_name = "ID")]
        id: i64,
        /// The new label.
        #[arg(value_name = "LABEL")]
        label: String,
    },
    /// Revoke an API key: requests with it are refused at once.
    Revoke {
        /// The key's ID.
        #[arg(value_name = "ID")]
        id: i64,
    },
}

/// `api-keys create`.
#[derive(Debug, Args)]
pub struct CreateKeyArgs {
    /// The key's label (labels may repeat).
    #[arg(long)]
    pub label: String,
    /// Print the new key. The API shows it whole only in this answer: without this flag it is lost.
    #[arg(long)]
    pub show_key: bool,
}

fn print_key(key: &ApiKey, json: bool, whole: bool) {
    let shown = key.key.as_ref().map(|k| {
        if whole {
            k.expose().to_owned()
        } else {
            "[redacted]".to_owned()
        }
    });
    if json {
        let mut value = serde_json::to_value(key).unwrap_or(Value::Null);
        value["key"] = json!(shown);
        outln!("{}", json_line(&value));
        return;
    }
    let label = text_or_dash(key.label.as_deref());
    match (whole, shown) {
        (true, Some(shown)) => outln!("{}  {label}  {}", key.id, escape_controls(&shown)),
        _ => outln!("{}  {label}", key.id),
    }
}

/// Runs an `api-keys` subcommand.
pub async fn run(client: &Client, command: &ApiKeysCommand, json: bool) -> Result<(), Failure> {
    match command {
        ApiKeysCommand::List => {
            let mut all = std::pin::pin!(client.api_keys().list_all());
            while let Some(key) = all.try_next().await? {
                print_key(&key, json, false);
            }
        }
        ApiKeysCommand::Create(args) => {
            let key = client.api_keys().create(&args.label).await?;
            print_key(&key, json, args.show_key);
            if !args.show_key {
                eprintln!(
                    "The key was withheld and cannot be shown again: revoke it (`webshare api-keys revoke {}`) \
                     and create another with --show-key.",
                    key.id
                );
            }
        }
        ApiKeysCommand::Rename { id, label } => {
            print_key(&client.api_keys().rename(*id, label).await?, json, false);
        }
        ApiKeysCommand::Revoke { id } => {
            client.api_keys().delete(*id).await?;
            if json {
                outln!("{}", json!({"revoked": id}));
            } else {
                outln!("API key {id} revoked.");
            }
        }
    }
    Ok(())
}
