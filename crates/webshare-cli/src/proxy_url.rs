//! `webshare proxy-url`: the URL to give a program that connects through a proxy. A proxy of the list
//! (by its ID or address), or the backbone with country, city and session choices; the password is
//! withheld unless `--show-passwords`.

use clap::Args;
use futures_util::TryStreamExt as _;
use webshare::operations::{GetProxyConfigV2, ListProxies};
use webshare::types::ProxyMode;
use webshare::{Client, ProxyEndpoint, ProxyScheme};

use crate::failure::Failure;
use crate::stdout::outln;

/// `proxy-url`.
#[derive(Debug, Args)]
pub struct ProxyUrlArgs {
    /// A proxy of the list: its ID or its address. Absent with --backbone.
    #[arg(value_name = "ID|ADDRESS", required_unless_present = "backbone")]
    pub proxy: Option<String>,
    /// The backbone (`p.webshare.io`) instead of one proxy of the list.
    #[arg(long, conflicts_with = "proxy")]
    pub backbone: bool,
    /// Backbone: exit in this country (ISO 3166-1 alpha-2); repeat or comma-separate for several.
    #[arg(long, value_delimiter = ',', requires = "backbone")]
    pub country: Vec<String>,
    /// Backbone: exit in this city (residential plans), e.g. `los_angeles`.
    #[arg(long, requires = "backbone")]
    pub city: Option<String>,
    /// Backbone: keep the same exit address for this session number (a sticky session).
    #[arg(long, requires = "backbone", conflicts_with = "rotate")]
    pub session: Option<u64>,
    /// Backbone: a new exit address on every request.
    #[arg(long, requires = "backbone")]
    pub rotate: bool,
    /// Backbone: the port (80, 1080, 3128, or 9999 to 19999).
    #[arg(long, requires = "backbone")]
    pub port: Option<u16>,
    /// Speak SOCKS5 (`socks5h://`) instead of HTTP.
    #[arg(long)]
    pub socks5: bool,
    /// Print the password in the URL instead of withholding it.
    #[arg(long)]
    pub show_passwords: bool,
    /// The plan; the account's default plan when absent.
    #[arg(long = "plan", value_name = "ID")]
    pub plan_id: Option<i64>,
    /// As this sub-user (its own proxies and credentials).
    #[arg(long = "as-subuser", value_name = "ID")]
    pub subuser: Option<i64>,
}

/// Prints the URL.
pub async fn run(client: &Client, args: &ProxyUrlArgs) -> Result<(), Failure> {
    let endpoint = if args.backbone {
        backbone(client, args).await?
    } else {
        direct(client, args).await?
    };
    let endpoint = endpoint.scheme(if args.socks5 {
        ProxyScheme::Socks5
    } else {
        ProxyScheme::Http
    });
    if args.show_passwords {
        outln!("{}", endpoint.url().expose());
    } else {
        outln!("{endpoint}");
    }
    Ok(())
}

async fn direct(client: &Client, args: &ProxyUrlArgs) -> Result<ProxyEndpoint, Failure> {
    let wanted = args.proxy.as_deref().unwrap_or_default();
    let mut params = ListProxies::new(ProxyMode::Direct);
    params.plan_id = args.plan_id;
    params.subuser = args.subuser;
    if wanted.parse::<std::net::IpAddr>().is_ok() {
        params.proxy_address = Some(wanted.to_owned());
    }
    let mut proxies = std::pin::pin!(client.paginate(params));
    while let Some(proxy) = proxies.try_next().await? {
        if proxy.id == wanted || proxy.proxy_address.as_deref() == Some(wanted) {
            return Ok(ProxyEndpoint::from_proxy(&proxy)?);
        }
    }
    Err(Failure::NotFound {
        what: format!("no proxy with id or address {wanted} in the list"),
        request_id: None,
    })
}

async fn backbone(client: &Client, args: &ProxyUrlArgs) -> Result<ProxyEndpoint, Failure> {
    let mut params = GetProxyConfigV2::new();
    params.plan_id = args.plan_id;
    params.subuser = args.subuser;
    let config = client.send(&params).await?;
    let (Some(username), Some(password)) = (config.username, config.password) else {
        return Err(Failure::Api(webshare::Error::absent_in_answer(
            "get_proxy_config_v2",
            "username",
        )));
    };
    let mut backbone = ProxyEndpoint::backbone(username, password);
    for country in &args.country {
        backbone = backbone.country(country);
    }
    if let Some(city) = &args.city {
        backbone = backbone.city(city);
    }
    if let Some(session) = args.session {
        backbone = backbone.session(session);
    }
    if args.rotate {
        backbone = backbone.rotate();
    }
    if let Some(port) = args.port {
        backbone = backbone.port(port);
    }
    Ok(backbone.build()?)
}
