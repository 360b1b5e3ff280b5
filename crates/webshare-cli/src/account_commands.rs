//! `webshare subusers|profile|notifications|2fa ...`: the account's sub-users, profile, notification feed
//! and two-factor methods. Secrets in the API's answers (dashboard widget tokens, a new TOTP secret) are
//! withheld unless asked for.

use std::collections::HashMap;

use clap::{Args, Subcommand};
use futures_util::TryStreamExt;
use serde_json::{Value, json};
use webshare::operations::ListNotifications;
use webshare::types::{
    Notification, Subuser, SubuserCreateRequest, SubuserUpdateRequest, TwoFactorMethod,
};
use webshare::{Client, Secret};

use crate::failure::Failure;
use crate::input::SecretInput;
use crate::output::{escape_controls, print_json, text_or_dash};
use crate::proxy_commands::print_object;
use crate::stdout::outln;

/// `subusers ...`.
#[derive(Debug, Subcommand)]
pub enum SubusersCommand {
    /// List the sub-users (ID, label, bandwidth limit, custom list).
    List,
    /// Show one sub-user, its aggregate usage included.
    Show {
        /// The sub-user's ID.
        #[arg(value_name = "ID")]
        id: i64,
    },
    /// Create a sub-user.
    Create(SubuserArgs),
    /// Change a sub-user's label, limits or custom proxy list.
    Update {
        /// The sub-user's ID.
        #[arg(value_name = "ID")]
        id: i64,
        #[command(flatten)]
        changes: SubuserChanges,
    },
    /// Delete a sub-user (acting as it is refused from then on).
    Delete {
        /// The sub-user's ID.
        #[arg(value_name = "ID")]
        id: i64,
    },
    /// Give a sub-user with a custom list new proxies (same countries and counts).
    Refresh {
        /// The sub-user's ID.
        #[arg(value_name = "ID")]
        id: i64,
    },
}

/// `subusers create`.
#[derive(Debug, Args)]
pub struct SubuserArgs {
    /// A label to identify the sub-user.
    #[arg(long)]
    pub label: String,
    /// Its bandwidth limit in GB (0: unlimited).
    #[arg(long, value_name = "GB")]
    pub proxy_limit: f64,
    #[command(flatten)]
    pub extra: SubuserExtras,
}

/// `subusers update`: the fields to change.
#[derive(Debug, Args)]
pub struct SubuserChanges {
    /// A new label.
    #[arg(long)]
    pub label: Option<String>,
    /// A new bandwidth limit in GB (0: unlimited).
    #[arg(long, value_name = "GB")]
    pub proxy_limit: Option<f64>,
    #[command(flatten)]
    pub extra: SubuserExtras,
}

/// The optional settings of a sub-user.
#[derive(Debug, Args)]
pub struct SubuserExtras {
    /// The most requests it may have in flight.
    #[arg(long, value_name = "N")]
    pub max_thread_count: Option<i64>,
    /// A custom proxy list: proxies by country, e.g. `FR=3,DE=2` (`ZZ` is any country).
    #[arg(long, value_name = "CC=N,...", value_parser = country_count, value_delimiter = ',')]
    pub proxy_countries: Vec<(String, i64)>,
}

/// A `--label` as the generated request type takes it: trimmed, not empty.
fn label_arg<T: std::str::FromStr>(text: &str) -> Result<T, Failure> {
    text.trim()
        .parse()
        .map_err(|_| Failure::Usage("--label must not be empty".into()))
}

pub(crate) fn country_count(text: &str) -> Result<(String, i64), String> {
    let (country, count) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not COUNTRY=COUNT, e.g. FR=3"))?;
    let country = country.trim().to_ascii_uppercase();
    if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(format!("`{country}` is not a two-letter country code"));
    }
    let count = count
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| format!("`{count}` is not a count of proxies"))?;
    Ok((country, count))
}

impl SubuserExtras {
    fn countries(&self) -> Option<HashMap<String, i64>> {
        (!self.proxy_countries.is_empty()).then(|| self.proxy_countries.iter().cloned().collect())
    }
}

fn print_subuser(sub: &Subuser, json: bool) {
    if json {
        print_json(sub);
        return;
    }
    let limit = match sub.proxy_limit {
        Some(gb) if gb > 0.0 => format!("{gb} GB"),
        Some(_) => "unlimited".to_owned(),
        None => "-".to_owned(),
    };
    let countries = sub.proxy_countries.as_ref().map_or_else(
        || "account list".to_owned(),
        |c| {
            let mut pairs: Vec<_> = c.iter().map(|(k, v)| format!("{k}={v}")).collect();
            pairs.sort();
            escape_controls(&pairs.join(",")).into_owned()
        },
    );
    outln!(
        "{}  {}  {limit}  {countries}",
        sub.id,
        text_or_dash(sub.label.as_deref())
    );
}

/// Runs a `subusers` subcommand.
pub async fn subusers(
    client: &Client,
    command: &SubusersCommand,
    json: bool,
) -> Result<(), Failure> {
    let subusers = client.subusers();
    match command {
        SubusersCommand::List => {
            let mut all = std::pin::pin!(subusers.list_all());
            while let Some(sub) = all.try_next().await? {
                print_subuser(&sub, json);
            }
        }
        SubusersCommand::Show { id } => {
            print_object(
                serde_json::to_value(subusers.get(*id).await?).unwrap_or(Value::Null),
                json,
            );
        }
        SubusersCommand::Create(args) => {
            let request = SubuserCreateRequest {
                label: Some(label_arg(&args.label)?),
                proxy_limit: Some(args.proxy_limit),
                bandwidth_use_start_date: None,
                max_thread_count: args.extra.max_thread_count,
                proxy_countries: args.extra.countries(),
            };
            print_subuser(&subusers.create_with(&request).await?, json);
        }
        SubusersCommand::Update { id, changes } => {
            let request = SubuserUpdateRequest {
                label: changes.label.as_deref().map(label_arg).transpose()?,
                proxy_limit: changes.proxy_limit,
                max_thread_count: changes.extra.max_thread_count,
                proxy_countries: changes.extra.countries(),
                bandwidth_use_start_date: None,
            };
            print_subuser(&subusers.update(*id, &request).await?, json);
        }
        SubusersCommand::Delete { id } => {
            subusers.delete(*id).await?;
            if json {
                outln!("{}", json!({"deleted": id}));
            } else {
                outln!("Sub-user {id} deleted.");
            }
        }
        SubusersCommand::Refresh { id } => {
            print_subuser(&subusers.refresh_proxy_list(*id).await?, json);
        }
    }
    Ok(())
}

/// `profile [set ...]`.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    #[command(subcommand)]
    pub command: Option<ProfileCommand>,
}

/// `profile set`.
#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Change the name or timezone.
    Set {
        /// First name (may be empty).
        #[arg(long)]
        first_name: Option<String>,
        /// Last name (may be empty).
        #[arg(long)]
        last_name: Option<String>,
        /// Timezone, an IANA name such as `Europe/Paris`.
        #[arg(long)]
        timezone: Option<String>,
    },
}

/// The profile without its dashboard widget secrets.
fn withheld_profile(profile: &webshare::types::Profile) -> Value {
    let mut value = serde_json::to_value(profile).unwrap_or(Value::Null);
    for field in [
        "announce_kit_user_token",
        "helpscout_beacon_signature",
        "intercom_signature",
    ] {
        if value.get(field).is_some_and(|v| !v.is_null()) {
            value[field] = json!("[redacted]");
        }
    }
    value
}

/// Runs `profile`.
pub async fn profile(client: &Client, args: &ProfileArgs, json: bool) -> Result<(), Failure> {
    let profile = match &args.command {
        None => client.profile().get().await?,
        Some(ProfileCommand::Set {
            first_name,
            last_name,
            timezone,
        }) => {
            let bad = |what: &str| Failure::Usage(format!("--{what} is too long or empty"));
            let changes = webshare::types::ProfileUpdateRequest {
                first_name: first_name
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .map_err(|_| bad("first-name"))?,
                last_name: last_name
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .map_err(|_| bad("last-name"))?,
                timezone: timezone
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .map_err(|_| bad("timezone"))?,
                ..Default::default()
            };
            if changes == Default::default() {
                return Err(Failure::Usage(
                    "nothing to change: pass --first-name, --last-name or --timezone".into(),
                ));
            }
            client.profile().update(&changes).await?
        }
    };
    print_object(withheld_profile(&profile), json);
    Ok(())
}

/// `notifications ...`.
#[derive(Debug, Subcommand)]
pub enum NotificationsCommand {
    /// List notifications, newest first.
    List {
        /// Only the dismissed ones (default: only those not dismissed).
        #[arg(long, conflicts_with = "all")]
        dismissed: bool,
        /// Dismissed or not.
        #[arg(long)]
        all: bool,
        /// Only this type, e.g. `reminder_to_use_proxy`.
        #[arg(long = "type", value_name = "TYPE")]
        type_: Option<String>,
    },
    /// Dismiss a notification (again is fine).
    Dismiss {
        /// The notification's ID.
        #[arg(value_name = "ID")]
        id: i64,
    },
    /// Restore a dismissed notification (again is fine).
    Restore {
        /// The notification's ID.
        #[arg(value_name = "ID")]
        id: i64,
    },
}

fn print_notification(n: &Notification, json: bool) {
    if json {
        print_json(n);
        return;
    }
    let when = n
        .created_at
        .map_or_else(|| "-".to_owned(), |t| t.to_rfc3339());
    let state = if n.dismissed_at.is_some() {
        "dismissed"
    } else {
        "active"
    };
    let context = n
        .context
        .as_ref()
        .filter(|c| !c.is_empty())
        .map(|c| format!("  {}", crate::output::json_line(&Value::Object(c.clone()))))
        .unwrap_or_default();
    outln!(
        "{}  {when}  {state}  {}{context}",
        n.id,
        text_or_dash(n.type_.as_deref())
    );
}

/// Runs a `notifications` subcommand.
pub async fn notifications(
    client: &Client,
    command: &NotificationsCommand,
    json: bool,
) -> Result<(), Failure> {
    let notifications = client.notifications();
    match command {
        NotificationsCommand::List {
            dismissed,
            all,
            type_,
        } => {
            let mut params = ListNotifications::new();
            if !all {
                params = params.dismissed_at_isnull(!dismissed);
            }
            if let Some(t) = type_ {
                params = params.type_(t.clone());
            }
            let mut listed = std::pin::pin!(notifications.list_all(params));
            while let Some(n) = listed.try_next().await? {
                print_notification(&n, json);
            }
        }
        NotificationsCommand::Dismiss { id } => {
            print_notification(&notifications.dismiss(*id).await?, json);
        }
        NotificationsCommand::Restore { id } => {
            print_notification(&notifications.restore(*id).await?, json);
        }
    }
    Ok(())
}

/// `2fa ...`.
#[derive(Debug, Subcommand)]
pub enum TwoFactorCommand {
    /// Show the active method (needs a login token, not an API key).
    Status,
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
        TwoFactorCommand::Status => print_method(&two_factor.current_method().await?, json),
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
