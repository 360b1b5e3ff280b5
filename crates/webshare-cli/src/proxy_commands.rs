//! The proxy commands: list, download, config, IP authorizations, activity.

use std::io::Write as _;

use futures_util::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use webshare::Endpoint as _;
use webshare::operations::{DeleteIpAuthorization, DownloadProxyList};
use webshare::types::Proxy;
use webshare::{Client, ProxyLine, Secret};

use crate::failure::Failure;
use crate::input::SecretInput;
use crate::output::{escape_controls, json_line, text_or_dash};
use crate::proxy_cli::{
    ActivityCommand, ActivityDownloadArgs, DownloadArgs, IpAuthCommand, ListArgs, ProxiesCommand,
    ProxyConfigCommand, ProxyFormat,
};
use crate::stdout::outln;

/// Runs a proxy subcommand with an authenticated client.
pub async fn proxies(client: &Client, command: &ProxiesCommand, json: bool) -> Result<(), Failure> {
    match command {
        ProxiesCommand::List(args) => list(client, args, json).await,
        ProxiesCommand::Download(args) => download(client, args, json).await,
        ProxiesCommand::Check(args) => crate::check_commands::check(client, args, json).await,
    }
}

async fn list(client: &Client, args: &ListArgs, json: bool) -> Result<(), Failure> {
    let params = args.params.clone().into_params();
    crate::generic::check(&params)?;
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
        if !json && !page.results.is_empty() {
            let more = if page.next.is_some() {
                "; more with --page or --all"
            } else {
                ""
            };
            eprintln!("{} of {} proxies{more}", page.results.len(), page.count);
        }
    }
    out.finish();
    Ok(())
}

/// Prints proxies one a line in a [`ProxyFormat`] (the header before the first), passwords withheld
/// unless asked for, the server's text with control characters escaped.
struct ProxyRows {
    format: ProxyFormat,
    show_passwords: bool,
    started: bool,
    /// The table's rows, printed at the end with columns as wide as their content.
    table: Vec<[String; 8]>,
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
            table: Vec::new(),
        }
    }

    /// Prints the table, if that is the format, its columns as wide as their widest cell; says on
    /// standard error when there was no proxy at all.
    fn finish(self) {
        if !self.started {
            eprintln!("No proxies.");
            return;
        }
        if self.format != ProxyFormat::Table {
            return;
        }
        let header = [
            "ID", "ADDRESS", "PORT", "USERNAME", "PASSWORD", "CC", "CITY", "STATE",
        ]
        .map(str::to_owned);
        let mut widths = header.clone().map(|h| h.chars().count());
        for row in &self.table {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |cells: &[String; 8]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            padded.join("  ").trim_end().to_owned()
        };
        outln!("{}", line(&header));
        for row in &self.table {
            outln!("{}", line(row));
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
                let cells = self.cells(proxy);
                self.table.push(cells);
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
        let plan = crate::generic::plan_or_default(client, args.plan_id).await?;
        client
            .proxy_config()
            .get(Some(plan))
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
    crate::generic::check(&params)?;
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
    };
    print_object(value, json);
    Ok(())
}

/// An object a flow built, as one JSON line or as `key: value` lines.
pub(crate) fn print_object(value: Value, json: bool) {
    crate::render::print_value(&value, json);
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

/// `ip-auth add` and `ip-auth remove`.
pub async fn ip_auth(client: &Client, command: &IpAuthCommand, json: bool) -> Result<(), Failure> {
    match command {
        IpAuthCommand::Add(args) => {
            let params = args.params.clone().into_params();
            let client = planned(&scoped(client, params.subuser), params.plan_id);
            let created = match &args.ip {
                Some(ip) if !args.this_machine => client.ip_authorizations().create(ip).await?,
                _ => client.ip_authorizations().authorize_this_machine().await?,
            };
            print_object(serde_json::to_value(&created).unwrap_or(Value::Null), json);
        }
        IpAuthCommand::Remove(args) => {
            let client = planned(&scoped(client, args.subuser), args.plan_id);
            let id = match args.target.parse::<i64>() {
                Ok(id) => id,
                Err(_) => authorization_of(&client, &args.target).await?,
            };
            client.ip_authorizations().delete(id).await.map_err(|e| {
                crate::generic::named(
                    e,
                    DeleteIpAuthorization::OPERATION,
                    &[("id", id.to_string())],
                )
            })?;
            if json {
                outln!("{}", json!({"deleted": id}));
            } else {
                outln!("IP authorization {id} removed.");
            }
        }
    }
    Ok(())
}

/// The ID of the authorization of `address` (an IP address, as written or in any equal form).
async fn authorization_of(client: &Client, address: &str) -> Result<i64, Failure> {
    let wanted: std::net::IpAddr = address.parse().map_err(|_| {
        Failure::Usage(format!(
            "`{address}` is neither an authorization ID nor an IP address"
        ))
    })?;
    let mut all = std::pin::pin!(client.ip_authorizations().list_all());
    while let Some(authorization) = all.try_next().await? {
        let same = authorization
            .ip_address
            .as_deref()
            .and_then(|ip| ip.parse::<std::net::IpAddr>().ok())
            == Some(wanted);
        if same {
            return Ok(authorization.id);
        }
    }
    Err(Failure::NotFound {
        what: format!("no IP authorization of {wanted}"),
        request_id: None,
    })
}

/// `activity download`.
pub async fn activity(
    client: &Client,
    command: &ActivityCommand,
    json: bool,
) -> Result<(), Failure> {
    let ActivityCommand::Download(args) = command;
    activity_download(client, args, json).await
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
    crate::generic::check(&params)?;
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
