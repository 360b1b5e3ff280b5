//! The proxy commands: list, download, config, IP authorizations, activity.

use std::io::Write as _;

use futures_util::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use webshare::operations::DownloadProxyList;
use webshare::types::{Proxy, ProxyActivity};
use webshare::{Client, Secret};

use crate::cli::{
    ActivityCommand, ActivityListArgs, DownloadArgs, IpAuthorizationsCommand, ListArgs,
    ProxiesCommand, ProxyConfigCommand,
};
use crate::failure::Failure;
use crate::input::SecretInput;
use crate::output::{escape_controls, json_line};

/// Runs a proxy subcommand with an authenticated client.
pub async fn proxies(client: &Client, command: &ProxiesCommand, json: bool) -> Result<(), Failure> {
    match command {
        ProxiesCommand::List(args) => list(client, args, json).await,
        ProxiesCommand::Download(args) => download(client, args, json).await,
    }
}

async fn list(client: &Client, args: &ListArgs, json: bool) -> Result<(), Failure> {
    let params = args.params.clone().into_params();
    let show = |proxy: &Proxy| print_proxy(proxy, json, args.show_passwords);
    if args.all {
        let mut all = std::pin::pin!(client.proxies().list_all(params));
        while let Some(proxy) = all.try_next().await? {
            show(&proxy);
        }
    } else {
        let page = client.proxies().list(&params).await?;
        for proxy in &page.results {
            show(proxy);
        }
        if !json {
            let more = if page.next.is_some() {
                "; more with --page or --all"
            } else {
                ""
            };
            eprintln!("{} of {} proxies{more}", page.results.len(), page.count);
        }
    }
    Ok(())
}

fn print_proxy(proxy: &Proxy, json: bool, show_passwords: bool) {
    if json {
        let mut value = serde_json::to_value(proxy).unwrap_or(Value::Null);
        if !show_passwords && value.get("password").is_some_and(|p| !p.is_null()) {
            value["password"] = json!("[redacted]");
        }
        println!("{}", json_line(&value));
        return;
    }
    // Every text field is the server's: control characters escaped.
    fn text(value: &Option<String>) -> std::borrow::Cow<'_, str> {
        value.as_deref().map_or("-".into(), escape_controls)
    }
    let password = shown(proxy.password.as_ref(), show_passwords).unwrap_or_else(|| "-".into());
    println!(
        "{}  {}:{}  {}:{}  {} {}  {}",
        escape_controls(&proxy.id),
        text(&proxy.proxy_address),
        proxy.port.map_or_else(|| "-".into(), |p| p.to_string()),
        text(&proxy.username),
        escape_controls(&password),
        text(&proxy.country_code),
        text(&proxy.city_name),
        match proxy.valid {
            Some(true) => "valid",
            Some(false) => "invalid",
            None => "unchecked",
        }
    );
}

async fn download(client: &Client, args: &DownloadArgs, json: bool) -> Result<(), Failure> {
    let token: Secret = if args.token_stdin {
        SecretInput::new()
            .read("download token", true)
            .map_err(Failure::Usage)?
    } else {
        client
            .proxy_config()
            .get(args.plan_id)
            .await?
            .proxy_list_download_token
    };
    let mut params = DownloadProxyList::new(token, args.authentication_method, args.mode)
        .country_codes(args.country_codes.clone());
    params.search = args.search.clone();
    params.plan_id = args.plan_id;
    if let Some(path) = &args.output {
        let mut file = create_private(path)?;
        let mut bytes = std::pin::pin!(client.proxies().download_bytes(&params).await?);
        let mut written = 0usize;
        while let Some(chunk) = bytes.try_next().await? {
            file.write_all(&chunk)
                .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display())))?;
            written += chunk.len();
        }
        eprintln!("Wrote {written} bytes to {}.", path.display());
        return Ok(());
    }
    let mut lines = std::pin::pin!(client.proxies().download(&params).await?);
    let mut count = 0u64;
    while let Some(line) = lines.next().await {
        let line = line?;
        count += 1;
        let password = shown(line.password.as_ref(), args.show_passwords);
        if json {
            println!(
                "{}",
                json_line(
                    &json!({"address": line.address, "port": line.port, "username": line.username, "password": password})
                )
            );
        } else {
            let address = escape_controls(&line.address);
            match (&line.username, password) {
                (Some(user), Some(password)) => println!(
                    "{address}:{}:{}:{}",
                    line.port,
                    escape_controls(user),
                    escape_controls(&password)
                ),
                _ => println!("{address}:{}", line.port),
            }
        }
    }
    if !json {
        eprintln!("{count} proxies");
    }
    Ok(())
}

/// A proxy password as printed: itself only when asked for, `[redacted]` otherwise.
fn shown(password: Option<&Secret>, show: bool) -> Option<String> {
    password.map(|p| {
        if show {
            p.expose().to_owned()
        } else {
            "[redacted]".to_owned()
        }
    })
}

/// A new file only its owner can read: it holds proxy passwords.
fn create_private(path: &std::path::Path) -> Result<std::fs::File, Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .map_err(|e| Failure::Usage(format!("cannot create {}: {e}", path.display())))
}

/// `proxy-config get`: the download token is withheld.
pub async fn proxy_config(
    client: &Client,
    command: &ProxyConfigCommand,
    json: bool,
) -> Result<(), Failure> {
    let ProxyConfigCommand::Get(args) = command;
    let params = args.clone().into_params();
    let client = match params.subuser {
        Some(id) => client.as_subuser(id),
        None => client.clone(),
    };
    let config = client.proxy_config().get(Some(params.plan_id)).await?;
    let mut value = serde_json::to_value(&config).unwrap_or(Value::Null);
    value["proxy_list_download_token"] = json!("[redacted]");
    if json {
        println!("{}", json_line(&value));
    } else if let Value::Object(fields) = value {
        // Values print as JSON (control characters escaped); keys are escaped as text.
        for (key, value) in fields {
            println!("{}: {}", escape_controls(&key), json_line(&value));
        }
    }
    Ok(())
}

/// `ip-authorizations delete`.
pub async fn ip_authorizations(
    client: &Client,
    command: &IpAuthorizationsCommand,
    json: bool,
) -> Result<(), Failure> {
    let IpAuthorizationsCommand::Delete(args) = command;
    let params = args.clone().into_params();
    let client = match params.plan_id {
        Some(plan) => client.for_plan(plan),
        None => client.clone(),
    };
    client.ip_authorizations().delete(params.id).await?;
    if json {
        println!("{}", json!({"deleted": params.id}));
    } else {
        println!("IP authorization {} deleted.", params.id);
    }
    Ok(())
}

/// `activity list`.
pub async fn activity(
    client: &Client,
    command: &ActivityCommand,
    json: bool,
) -> Result<(), Failure> {
    let ActivityCommand::List(ActivityListArgs { params, all }) = command;
    let params = params.clone().into_params();
    if *all {
        let mut items = std::pin::pin!(client.activity().list_all(params));
        while let Some(activity) = items.try_next().await? {
            print_activity(&activity, json);
        }
    } else {
        let page = client.activity().list(&params).await?;
        for activity in &page.results {
            print_activity(activity, json);
        }
        if !json && page.next.is_some() {
            eprintln!("more with --all");
        }
    }
    Ok(())
}

fn print_activity(activity: &ProxyActivity, json: bool) {
    if json {
        println!(
            "{}",
            json_line(&serde_json::to_value(activity).unwrap_or(Value::Null))
        );
        return;
    }
    println!(
        "{}  {}  {}  {} B  {}",
        activity.timestamp.to_rfc3339(),
        escape_controls(activity.protocol.as_deref().unwrap_or("-")),
        escape_controls(activity.hostname.as_deref().unwrap_or("-")),
        activity.bytes.unwrap_or(0.0),
        escape_controls(activity.error_reason.as_deref().unwrap_or("ok")),
    );
}
