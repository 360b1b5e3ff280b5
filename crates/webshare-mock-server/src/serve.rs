//! Serving in the foreground, with its command-line options: shared by the `webshare-mock-server`
//! binary and `webshare mock-server`.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use crate::{Config, FieldErrorStyle, MockServer};

/// Options for serving the mock in the foreground. With the `cli` feature they are also command-line
/// arguments (`clap::Args`), as the binaries use them.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[non_exhaustive]
pub struct ServeOptions {
    /// Port to listen on (0 picks a free one).
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 8080))]
    pub port: u16,
    /// Address to listen on. Loopback by default: the mock has no real security.
    #[cfg_attr(feature = "cli", arg(long, default_value = "127.0.0.1"))]
    pub host: IpAddr,
    /// The only recaptcha value accepted (default: any non-empty value).
    #[cfg_attr(feature = "cli", arg(long))]
    pub recaptcha: Option<String>,
    /// Seconds before another activation email may be requested.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 60))]
    pub resend_throttle_secs: u64,
    /// Write field errors as {message, code} objects instead of strings.
    #[cfg_attr(feature = "cli", arg(long))]
    pub field_error_objects: bool,
    /// Serve the outbox (its one-time codes included) to any caller, not only to loopback ones.
    #[cfg_attr(feature = "cli", arg(long))]
    pub outbox_from_any_address: bool,
    /// Make every successful JSON answer drift from the spec, to test a client's tolerance:
    /// unknown-enum-values, extra-fields, null-nullable, absent-nullable (harmless), wrong-type or
    /// missing-required (one difference per answer).
    #[cfg_attr(feature = "cli", arg(long, value_name = "KIND"))]
    pub drift: Option<crate::Drift>,
    /// Make each proxy the list serves a real forward proxy on loopback (HTTP and SOCKS5, to
    /// loopback targets only), so clients can send through them.
    #[cfg_attr(feature = "cli", arg(long))]
    pub real_proxies: bool,
}

impl Default for ServeOptions {
    /// The binary's defaults: 127.0.0.1:8080, any recaptcha, a 60 s resend throttle.
    fn default() -> Self {
        Self {
            port: 8080,
            host: IpAddr::from([127, 0, 0, 1]),
            recaptcha: None,
            resend_throttle_secs: 60,
            field_error_objects: false,
            outbox_from_any_address: false,
            drift: None,
            real_proxies: false,
        }
    }
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
            outbox_from_any_address: self.outbox_from_any_address,
            drift: self.drift,
            real_proxies: self.real_proxies,
            ..Config::default()
        }
    }
}

/// The warning for listening on `host`, unless it is a loopback address.
fn exposure_warning(host: IpAddr, outbox_from_any_address: bool) -> Option<String> {
    if host.to_canonical().is_loopback() {
        return None;
    }
    let outbox = if outbox_from_any_address {
        "and --outbox-from-any-address serves the outbox, with its live password-reset and email-change \
         codes, to all of them"
    } else {
        "the outbox still answers loopback callers only"
    };
    Some(format!(
        "warning: listening on {host}, which is not a loopback address: anyone who can reach it can use \
         this mock, which serves tokens, passwords and proxy credentials in clear over plain HTTP; {outbox}"
    ))
}

/// The environment variable that sets the control secret of a served mock ([`Config::control_secret`]),
/// for a test suite that does not start the server itself (e.g. under docker-compose). Unset or empty:
/// a random one, printed at start.
pub const CONTROL_SECRET_ENV: &str = "WEBSHARE_MOCK_CONTROL_SECRET";

/// Serves until Ctrl-C: prints the base URL on stdout (its first line, for scripts), the outbox URL with
/// the control secret it needs (unless [`CONTROL_SECRET_ENV`] set it) and a hint on stderr, after a
/// warning if the address is not a loopback one.
pub async fn serve(options: &ServeOptions) -> std::io::Result<()> {
    let addr = SocketAddr::new(options.host, options.port);
    let mut config = options.config();
    let from_env = std::env::var(CONTROL_SECRET_ENV)
        .ok()
        .filter(|s| !s.is_empty());
    let secret_given = from_env.is_some();
    if let Some(secret) = from_env {
        config = config.control_secret(secret);
    }
    let server = MockServer::bind(addr, config)
        .await
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}")))?;
    if let Some(warning) = exposure_warning(options.host, options.outbox_from_any_address) {
        eprintln!("{warning}");
    }
    println!("{}", server.base_url());
    // The secret is printed on purpose: whoever started the server needs it to read the outbox.
    let secret = if secret_given {
        format!("${CONTROL_SECRET_ENV}")
    } else {
        server.control_secret().to_owned()
    };
    eprintln!(
        "outbox (test-only, not part of the Webshare API): curl -H '{}: {secret}' {}",
        crate::CONTROL_SECRET_HEADER,
        server.outbox_url()
    );
    eprintln!("press Ctrl-C to stop");
    server.run_until_interrupted().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_non_loopback_addresses_get_a_warning() {
        for loopback in ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"] {
            let host: IpAddr = loopback.parse().unwrap();
            assert_eq!(exposure_warning(host, false), None, "{loopback}");
            assert_eq!(exposure_warning(host, true), None, "{loopback}");
        }
        for exposed in ["0.0.0.0", "::", "192.0.2.7", "2001:db8::1"] {
            let host: IpAddr = exposed.parse().unwrap();
            let warning = exposure_warning(host, false).expect(exposed);
            assert!(warning.starts_with("warning: listening on "), "{warning}");
            assert!(warning.contains("plain HTTP"), "{warning}");
            assert!(warning.contains("loopback callers only"), "{warning}");
            let warning = exposure_warning(host, true).expect(exposed);
            assert!(warning.contains("--outbox-from-any-address"), "{warning}");
        }
    }

    #[cfg(feature = "cli")]
    #[test]
    fn the_command_line_defaults_are_the_default_options() {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Args {
            #[command(flatten)]
            serve: ServeOptions,
        }
        let parsed = Args::parse_from(["mock"]).serve;
        let default = ServeOptions::default();
        assert_eq!(
            (parsed.port, parsed.host, parsed.resend_throttle_secs),
            (default.port, default.host, default.resend_throttle_secs)
        );
    }

    #[cfg(feature = "cli")]
    #[test]
    fn the_outbox_flag_reaches_the_config() {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Args {
            #[command(flatten)]
            serve: ServeOptions,
        }
        let config = |args: &[&str]| Args::parse_from(args).serve.config();
        assert!(!config(&["mock"]).outbox_from_any_address);
        assert!(config(&["mock", "--outbox-from-any-address"]).outbox_from_any_address);
    }

    #[cfg(feature = "cli")]
    #[test]
    fn the_drift_flag_reaches_the_config_and_refuses_unknown_kinds() {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Args {
            #[command(flatten)]
            serve: ServeOptions,
        }
        let parse = |args: &[&str]| Args::try_parse_from(args).map(|a| a.serve.config().drift);
        assert_eq!(parse(&["mock"]).unwrap(), None);
        assert_eq!(
            parse(&["mock", "--drift", "absent-nullable"]).unwrap(),
            Some(crate::Drift::AbsentNullable)
        );
        let refused = parse(&["mock", "--drift", "sideways"])
            .err()
            .unwrap()
            .to_string();
        assert!(refused.contains("missing-required"), "{refused}");
    }
}

#[cfg(all(test, feature = "cli"))]
mod cli_tests {
    use clap::Parser;

    use super::ServeOptions;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        options: ServeOptions,
    }

    #[test]
    fn real_proxies_is_a_flag_off_by_default() {
        let off = Cli::parse_from(["mock"]).options.config();
        assert!(!off.real_proxies);
        let on = Cli::parse_from(["mock", "--real-proxies"]).options.config();
        assert!(on.real_proxies);
    }
}
