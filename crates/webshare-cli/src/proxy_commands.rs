//! The proxy commands: list, download, config, IP authorizations, activity.

use std::io::Write as _;

use futures_util::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use webshare::operations::DownloadProxyList;
use webshare::types::{IpAuthorization, Proxy, ProxyActivity};
use webshare::{Client, ProxyLine, Secret};

use crate::failure::Failure;
use crate::input::SecretInput;
use crate::output::{escape_controls, json_line, print_json, text_or_dash};
use crate::proxy_cli::{
    ActivityCommand, ActivityDownloadArgs, ActivityListArgs, DownloadArgs, DownloadTokenCommand,
    IpAuthCommand, ListArgs, ProxiesCommand, ProxyConfigCommand, ProxyFormat, StatsCommand,
};
use crate::stdout::outln;

/// Runs a proxy subcommand with an authenticated client.
pub async fn proxies(client: &Client, command: &ProxiesCommand, json: bool) -> Result<(), Failure> {
    match command {
        ProxiesCommand::List(args) => list(client, args, json).await,
        ProxiesCommand::Download(args) => download(client, args, json).await,
        ProxiesCommand::Refresh(args) => {
            let params = args.clone().into_params();
            let client = planned(client, params.plan_id);
            client.proxies().refresh().await?;
            if json {
                outln!("{}", json!({"refreshed": true}));
            } else {
                outln!("The proxy list was replaced.");
            }
            Ok(())
        }
    }
}

async fn list(client: &Client, args: &ListArgs, json: bool) -> Result<(), Failure> {
    let params = args.params.clone().into_params();
    let format = args.format.unwrap_or(if json {
        ProxyFormat::Json
    } else {
        ProxyFormat::Table
    });
    let mut out = ProxyRows::new(format, args.show_passwords);
    if args.all {
        let mut all = std::pin::pin!(client.proxies().list_all(params));
        while let Some(proxy) = all.try_next().await? {
            out.row(&proxy);
        }
    } else {
        let page = client.proxies().list(&params).await?;
        for proxy in &page.results {
            out.row(proxy);
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

/// Prints proxies one a line in a [`ProxyFormat`] (the header before the first), passwords withheld
/// unless asked for, the server's text with control characters escaped.
struct ProxyRows {
    format: ProxyFormat,
    show_passwords: bool,
    started: bool,
}

/// The columns of `table` and `csv`.
const PROXY_COLUMNS: [&str; 8] = [
    "id",
    "proxy_address",
    "port",
    "username",
    "password",
    "country_code",
    "city_name",
    "valid",
];

impl ProxyRows {
    fn new(format: ProxyFormat, show_passwords: bool) -> Self {
        Self {
            format,
            show_passwords,
            started: false,
        }
    }

    fn cells(&self, proxy: &Proxy) -> [String; 8] {
        let text = |v: &Option<String>| text_or_dash(v.as_deref()).into_owned();
        [
            escape_controls(&proxy.id).into_owned(),
            text(&proxy.proxy_address),
            proxy.port.map_or_else(|| "-".into(), |p| p.to_string()),
            text(&proxy.username),
            shown(proxy.password.as_ref(), self.show_passwords)
                .map_or_else(|| "-".into(), |p| escape_controls(&p).into_owned()),
            text(&proxy.country_code),
            text(&proxy.city_name),
            match proxy.valid {
                Some(true) => "valid",
                Some(false) => "invalid",
                None => "unchecked",
            }
            .into(),
        ]
    }

    fn row(&mut self, proxy: &Proxy) {
        let first = !std::mem::replace(&mut self.started, true);
        match self.format {
            ProxyFormat::Json => {
                let mut value = serde_json::to_value(proxy).unwrap_or(Value::Null);
                if !self.show_passwords && value.get("password").is_some_and(|p| !p.is_null()) {
                    value["password"] = json!("[redacted]");
                }
                outln!("{}", json_line(&value));
            }
            ProxyFormat::Txt => {
                let [_, address, port, user, password, ..] = self.cells(proxy);
                outln!("{address}:{port}:{user}:{password}");
            }
            ProxyFormat::Csv => {
                if first {
                    outln!("{}", PROXY_COLUMNS.join(","));
                }
                let cells = self.cells(proxy).map(|c| csv_field(&c));
                outln!("{}", cells.join(","));
            }
            ProxyFormat::Table => {
                // Widths fit the API's values (ids like `d-10513`, IPv4 addresses); a longer value
                // pushes the rest of its row right rather than being cut.
                const WIDTHS: [usize; 8] = [12, 15, 5, 12, 12, 2, 14, 9];
                let line = |cells: [String; 8]| {
                    let padded: Vec<String> = cells
                        .iter()
                        .zip(WIDTHS)
                        .map(|(c, w)| format!("{c:<w$}"))
                        .collect();
                    padded.join("  ").trim_end().to_owned()
                };
                if first {
                    let header = [
                        "ID", "ADDRESS", "PORT", "USERNAME", "PASSWORD", "CC", "CITY", "STATE",
                    ];
                    outln!("{}", line(header.map(str::to_owned)));
                }
                outln!("{}", line(self.cells(proxy)));
            }
        }
    }
}

/// One CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
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
            .ok_or_else(|| {
                webshare::Error::absent_in_answer("get_proxy_config", "proxy_list_download_token")
            })?
    };
    let mut params = DownloadProxyList::new(token, args.authentication_method, args.mode)
        .country_codes(args.country_codes.clone());
    params.search = args.search.clone();
    params.plan_id = args.plan_id;
    if let Some(path) = &args.output {
        return save(path, client.proxies().download_bytes(&params).await?).await;
    }
    let mut lines = std::pin::pin!(client.proxies().download(&params).await?);
    let mut count = 0u64;
    while let Some(line) = lines.next().await {
        let line = line?;
        count += 1;
        print_line(&line, args.show_passwords, json, None);
    }
    if !json {
        eprintln!("{count} proxies");
    }
    Ok(())
}

/// One line of a proxy list (or replaced proxies) download, as printed: `address:port[:user:password]`
/// (then `:replaced` when given), or a JSON object; the password withheld unless asked for.
pub(crate) fn print_line(
    line: &ProxyLine,
    show_passwords: bool,
    json: bool,
    replaced: Option<&str>,
) {
    let password = line
        .expose_password()
        .map(|p| if show_passwords { p } else { "[redacted]" });
    if json {
        let mut value = json!({
            "address": line.address(),
            "port": line.port(),
            "username": line.username(),
            "password": password,
        });
        if let Some(replaced) = replaced {
            value["replaced_address"] = json!(replaced);
        }
        outln!("{}", json_line(&value));
        return;
    }
    let mut text = format!("{}:{}", escape_controls(line.address()), line.port());
    if let (Some(user), Some(password)) = (line.username(), password) {
        text.push_str(&format!(
            ":{}:{}",
            escape_controls(user),
            escape_controls(password)
        ));
    }
    if let Some(replaced) = replaced {
        text.push(':');
        text.push_str(&escape_controls(replaced));
    }
    outln!("{text}");
}

/// A proxy password as printed: itself only when asked for, `[redacted]` otherwise.
pub(crate) fn shown(password: Option<&Secret>, show: bool) -> Option<String> {
    password.map(|p| {
        if show {
            p.expose().to_owned()
        } else {
            "[redacted]".to_owned()
        }
    })
}

/// Writes a download, as it arrives, to a new file only its owner can read.
pub(crate) async fn save<B: AsRef<[u8]>>(
    path: &std::path::Path,
    bytes: impl futures_util::Stream<Item = Result<B, webshare::Error>>,
) -> Result<(), Failure> {
    let mut file = create_private(path)?;
    let mut bytes = std::pin::pin!(bytes);
    let mut written = 0usize;
    while let Some(chunk) = bytes.try_next().await? {
        file.write_all(chunk.as_ref())
            .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display())))?;
        written += chunk.as_ref().len();
    }
    eprintln!("Wrote {written} bytes to {}.", path.display());
    Ok(())
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

/// `proxy-config set` and `proxy-config allocate`.
pub async fn proxy_config(
    client: &Client,
    command: &ProxyConfigCommand,
    json: bool,
) -> Result<(), Failure> {
    let value = match command {
        ProxyConfigCommand::Set(args) => {
            let params = args.params.clone().into_params();
            let mut changes = webshare::types::ProxyConfigUpdateRequest {
                request_timeout: args.request_timeout,
                request_idle_timeout: args.request_idle_timeout,
                ..Default::default()
            };
            if let Some(username) = &args.username {
                changes.username = Some(username.parse().map_err(|_| {
                    Failure::Usage("the username must be 8 to 32 characters".into())
                })?);
            }
            if args.password_stdin {
                changes.password = Some(
                    SecretInput::new()
                        .read("proxy password", true)
                        .map_err(Failure::Usage)?,
                );
            }
            for code in &args.ip_authorization_countries {
                changes
                    .ip_authorization_country_codes
                    .get_or_insert_with(Vec::new)
                    .push(code.parse().map_err(|_| {
                        Failure::Usage(format!("`{code}` is not a two-letter country code"))
                    })?);
            }
            let config = planned(&scoped(client, params.subuser), params.plan_id)
                .proxy_config()
                .update(&changes)
                .await?;
            withheld_config(&config)
        }
        ProxyConfigCommand::Allocate(args) => {
            let params = args.params.clone().into_params();
            let mut countries = Vec::new();
            for pair in &args.countries {
                let parsed = pair
                    .split_once('=')
                    .and_then(|(c, n)| Some((c, n.parse::<u64>().ok()?)));
                let Some((country, count)) = parsed else {
                    return Err(Failure::Usage(format!("`{pair}` is not COUNTRY=COUNT")));
                };
                countries.push((country, count));
            }
            let config = planned(client, params.plan_id)
                .proxy_config()
                .allocate_unallocated_countries(&countries)
                .await?;
            withheld_config(&config)
        }
    };
    print_object(value, json);
    Ok(())
}

/// An object as one JSON line, or as `key: value` lines; values print as JSON (control characters
/// escaped), keys are escaped as text.
pub(crate) fn print_object(value: Value, json: bool) {
    if json {
        outln!("{}", json_line(&value));
    } else if let Value::Object(fields) = value {
        for (key, value) in fields {
            outln!("{}: {}", escape_controls(&key), json_line(&value));
        }
    }
}

/// The client acting on plan `plan_id`, when given.
pub(crate) fn planned(client: &Client, plan_id: Option<i64>) -> Client {
    match plan_id {
        Some(plan) => client.for_plan(plan),
        None => client.clone(),
    }
}

/// A v2 config as printed: the password and the download token withheld.
fn withheld_config(config: &webshare::types::ProxyConfig) -> Value {
    let mut value = serde_json::to_value(config).unwrap_or(Value::Null);
    if config.password.is_some() {
        value["password"] = json!("[redacted]");
    }
    value["proxy_list_download_token"] = json!("[redacted]");
    value
}

/// The client acting as `subuser`, when given.
fn scoped(client: &Client, subuser: Option<i64>) -> Client {
    match subuser {
        Some(id) => client.as_subuser(id),
        None => client.clone(),
    }
}

/// `ip-auth ...`.
pub async fn ip_auth(client: &Client, command: &IpAuthCommand, json: bool) -> Result<(), Failure> {
    let print = |a: &IpAuthorization| {
        if json {
            print_json(a);
        } else {
            outln!(
                "{}  {}  authorized {}",
                a.id,
                escape_controls(a.ip_address.as_deref().unwrap_or("-")),
                a.created_at
                    .map_or_else(|| "-".to_owned(), |t| t.to_rfc3339())
            );
        }
    };
    match command {
        IpAuthCommand::List(args) => {
            let params = args.params.clone().into_params();
            if args.all {
                let client = planned(&scoped(client, params.subuser), params.plan_id);
                let mut all = std::pin::pin!(client.ip_authorizations().list_all());
                while let Some(a) = all.try_next().await? {
                    print(&a);
                }
            } else {
                let page = client.ip_authorizations().list(&params).await?;
                page.results.iter().for_each(print);
                if !json && page.next.is_some() {
                    eprintln!("more with --page or --all");
                }
            }
        }
        IpAuthCommand::Add(args) => {
            let params = args.params.clone().into_params();
            let client = planned(&scoped(client, params.subuser), params.plan_id);
            let created = match &args.ip {
                Some(ip) if !args.this_machine => client.ip_authorizations().create(ip).await?,
                _ => client.ip_authorizations().authorize_this_machine().await?,
            };
            print(&created);
        }
        IpAuthCommand::Show(args) => {
            let params = args.clone().into_params();
            let client = planned(&scoped(client, params.subuser), params.plan_id);
            print(&client.ip_authorizations().get(params.id).await?);
        }
        IpAuthCommand::Remove(args) => {
            let params = args.clone().into_params();
            let client = planned(&scoped(client, params.subuser), params.plan_id);
            client.ip_authorizations().delete(params.id).await?;
            if json {
                outln!("{}", json!({"deleted": params.id}));
            } else {
                outln!("IP authorization {} deleted.", params.id);
            }
        }
        IpAuthCommand::WhatsMyIp => {
            let ip = client.ip_authorizations().whats_my_ip().await?;
            if json {
                outln!("{}", json_line(&json!({"ip_address": ip})));
            } else {
                outln!("{}", escape_controls(&ip));
            }
        }
    }
    Ok(())
}

/// `download-token show|reset`: the key is withheld unless `--show-token`.
pub async fn download_token(
    client: &Client,
    command: &DownloadTokenCommand,
    json: bool,
) -> Result<(), Failure> {
    let (token, show, what) = match command {
        DownloadTokenCommand::Show(args) => (
            client
                .download_tokens()
                .get(args.params.clone().into_params().scope)
                .await?,
            args.show_token,
            "Download token",
        ),
        DownloadTokenCommand::Reset(args) => (
            client
                .download_tokens()
                .reset(args.params.clone().into_params().scope)
                .await?,
            args.show_token,
            "New download token (links with the old one stopped working)",
        ),
    };
    let scope = token
        .scope
        .as_ref()
        .map_or_else(|| "(no scope)".to_owned(), ToString::to_string);
    let key = if show {
        token
            .key
            .as_ref()
            .ok_or_else(|| webshare::Error::absent_in_answer("get_download_token", "key"))?
            .expose()
            .to_owned()
    } else {
        "[redacted]".to_owned()
    };
    let expires = token
        .expire_at
        .map_or_else(|| "never".to_owned(), |t| t.to_rfc3339());
    if json {
        outln!(
            "{}",
            json_line(
                &json!({"id": token.id, "scope": scope, "key": key, "expire_at": token.expire_at})
            )
        );
    } else {
        outln!("{what} for {scope}: {key} (expires {expires})");
        if !show {
            eprintln!("Token not shown: add --show-token to print it.");
        }
    }
    Ok(())
}

/// `activity list`.
pub async fn activity(
    client: &Client,
    command: &ActivityCommand,
    json: bool,
) -> Result<(), Failure> {
    let (params, all) = match command {
        ActivityCommand::List(ActivityListArgs { params, all }) => (params, all),
        ActivityCommand::Download(args) => return activity_download(client, args, json).await,
    };
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
        print_json(activity);
        return;
    }
    outln!(
        "{}  {}  {}  {} B  {}",
        activity.timestamp.to_rfc3339(),
        escape_controls(activity.protocol.as_deref().unwrap_or("-")),
        escape_controls(activity.hostname.as_deref().unwrap_or("-")),
        activity.bytes.unwrap_or(0.0),
        escape_controls(activity.error_reason.as_deref().unwrap_or("ok")),
    );
}

/// `activity download`: the token is the account's `activity` download token, never a flag.
async fn activity_download(
    client: &Client,
    args: &ActivityDownloadArgs,
    json: bool,
) -> Result<(), Failure> {
    let token = client
        .download_tokens()
        .get(webshare::types::DownloadTokenScope::Activity)
        .await?
        .key
        .ok_or_else(|| webshare::Error::absent_in_answer("get_download_token", "key"))?;
    let params = args.params.clone().into_params(token);
    if let Some(path) = &args.output {
        return save(path, client.activity().download_bytes(&params).await?).await;
    }
    let mut rows = std::pin::pin!(client.activity().download(&params).await?);
    while let Some(row) = rows.try_next().await? {
        if json {
            outln!(
                "{}",
                json_line(&json!({
                    "time": row.time.to_rfc3339(), "hostname": row.hostname,
                    "destination_port": row.destination_port, "bytes": row.bytes,
                    "duration_seconds": row.duration_seconds, "proxy": row.proxy,
                    "client_address": row.client_address, "error_reason": row.error_reason,
                    "protocol": row.protocol,
                }))
            );
        } else {
            outln!(
                "{}  {}  {}  {} B  {}",
                row.time.to_rfc3339(),
                escape_controls(row.protocol.as_deref().unwrap_or("-")),
                escape_controls(row.hostname.as_deref().unwrap_or("-")),
                row.bytes,
                escape_controls(row.error_reason.as_deref().unwrap_or("ok")),
            );
        }
    }
    Ok(())
}

/// `stats hourly|total`.
pub async fn stats(client: &Client, command: &StatsCommand, json: bool) -> Result<(), Failure> {
    match command {
        StatsCommand::Hourly(args) => {
            let hours = client.stats().hourly(&args.clone().into_params()).await?;
            if json {
                for hour in &hours {
                    print_json(hour);
                }
                return Ok(());
            }
            outln!(
                "{:<25} {:>12} {:>9} {:>7}",
                "hour",
                "bytes",
                "requests",
                "failed"
            );
            for hour in &hours {
                outln!(
                    "{:<25} {:>12} {:>9} {:>7}",
                    hour.timestamp.map_or_else(String::new, |t| t.to_rfc3339()),
                    hour.bandwidth_total.unwrap_or(0),
                    hour.requests_total.unwrap_or(0),
                    hour.requests_failed.unwrap_or(0),
                );
            }
            if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                let bytes: Vec<i64> = hours
                    .iter()
                    .map(|h| h.bandwidth_total.unwrap_or(0))
                    .collect();
                outln!("bandwidth by hour: {}", sparkline(&bytes));
            }
        }
        StatsCommand::Total(args) => {
            let total = client
                .stats()
                .aggregate(&args.clone().into_params())
                .await?;
            print_object(serde_json::to_value(&total).unwrap_or(Value::Null), json);
        }
    }
    Ok(())
}

/// One block character a value, scaled to the largest.
pub fn sparkline(values: &[i64]) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    values
        .iter()
        .map(|&v| BLOCKS[((v.max(0) as f64 / max as f64) * 7.0).round() as usize])
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sparklines_scale_to_the_largest_value() {
        assert_eq!(super::sparkline(&[0, 50, 100]), "▁▅█");
        assert_eq!(super::sparkline(&[]), "");
        assert_eq!(super::sparkline(&[0, 0]), "▁▁");
    }
}
