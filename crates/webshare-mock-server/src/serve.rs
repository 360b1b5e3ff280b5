//! Serving in the foreground, with its command-line options: shared by the `webshare-mock-server`
//! binary and `webshare mock-server`.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use crate::{Config, FieldErrorStyle, MockServer};

/// Options for serving the mock in the foreground.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeOptions {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on. Loopback by default: the mock has no real security.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// The only recaptcha value accepted (default: any non-empty value).
    #[arg(long)]
    pub recaptcha: Option<String>,
    /// Seconds before another activation email may be requested.
    #[arg(long, default_value_t = 60)]
    pub resend_throttle_secs: u64,
    /// Write field errors as {message, code} objects instead of strings.
    #[arg(long)]
    pub field_error_objects: bool,
}

impl ServeOptions {
    /// The server configuration these options describe.
    pub fn config(&self) -> Config {
        Config {
            recaptcha: self.recaptcha.clone(),
            resend_throttle: Duration::from_secs(self.resend_throttle_secs),
            field_error_style: if self.field_error_objects {
                FieldErrorStyle::Objects
            } else {
                FieldErrorStyle::Strings
            },
            ..Config::default()
        }
    }
}

/// Serves until Ctrl-C: prints the base URL on stdout (its first line, for scripts), the outbox URL and a
/// hint on stderr.
pub async fn serve(options: &ServeOptions) -> std::io::Result<()> {
    let addr = SocketAddr::new(options.host, options.port);
    let server = MockServer::bind(addr, options.config())
        .await
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}")))?;
    println!("{}", server.base_url());
    eprintln!(
        "outbox (test-only, not part of the Webshare API): {}",
        server.outbox_url()
    );
    eprintln!("press Ctrl-C to stop");
    server.run_until_interrupted().await
}
