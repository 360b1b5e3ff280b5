//! The replacement and plan commands: `replace` (create and wait, with a progress line),
//! `replacements list|show|replaced|download`, `plans [list|show|set-next-refresh|cancel]`.

use std::io::IsTerminal as _;
use std::time::Duration;

use futures_util::TryStreamExt;
use webshare::operations::DownloadReplacedProxies;
use webshare::types::{
    DownloadTokenScope, ProxyReplacement, ProxyReplacementCreateRequest, ProxySelector,
    ReplacementSource,
};
use webshare::{Client, Polling, Secret};

use crate::failure::Failure;
use crate::input::SecretInput;
use crate::output::print_json;
use crate::proxy_commands::{planned, print_line, save};
use crate::replace_cli::{ReplaceArgs, ReplacementsCommand};
use crate::stdout::outln;

/// One `--with` source: `any=N`, `country:FR[=N]`, `range:CIDR[=N]`, `asn:NUMBER[=N]`.
pub fn parse_source(text: &str) -> Result<ReplacementSource, String> {
    let (kind_value, count) = match text.rsplit_once('=') {
        Some((left, n)) => (
            left,
            Some(n.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                format!("`{text}`: the count after `=` must be a positive number")
            })?),
        ),
        None => (text, None),
    };
    let (kind, value) = kind_value.split_once(':').unwrap_or((kind_value, ""));
    let source = match (kind, value) {
        ("any", "") => {
            let n = count.ok_or_else(|| format!("`{text}`: `any` needs a count, e.g. any=5"))?;
            return Ok(ReplacementSource::any(n));
        }
        ("country", code) => ReplacementSource::country(code)
            .map_err(|_| format!("`{text}`: `{code}` is not a two-letter country code"))?,
        ("range", cidr) if !cidr.is_empty() => ReplacementSource::ip_ranges([cidr]),
        ("asn", number) if !number.is_empty() => ReplacementSource::asns([number]),
        _ => {
            return Err(format!(
                "`{text}` is not a source: use any=N, country:FR[=N], range:CIDR[=N] or asn:NUMBER[=N]"
            ));
        }
    };
    Ok(match count {
        Some(n) => source.count(n),
        None => source,
    })
}

fn selection(args: &ReplaceArgs) -> Result<ProxySelector, Failure> {
    let selector = if !args.ip.is_empty() {
        ProxySelector::ip_addresses(args.ip.clone())
    } else if !args.range.is_empty() {
        ProxySelector::ip_ranges(args.range.clone())
    } else if !args.asn.is_empty() {
        ProxySelector::asns(args.asn.clone())
    } else {
        let code = args.country.as_deref().unwrap_or_default();
        ProxySelector::country(code).map_err(|_| {
            Failure::Usage(format!(
                "--country `{code}` is not a two-letter country code"
            ))
        })?
    };
    Ok(match args.count {
        Some(n) => selector.count(n),
        None => selector,
    })
}

/// `replace`.
pub async fn replace(client: &Client, args: &ReplaceArgs, json: bool) -> Result<(), Failure> {
    let sources = args
        .sources
        .iter()
        .map(|s| parse_source(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Failure::Usage)?;
    let request = ProxyReplacementCreateRequest {
        to_replace: selection(args)?,
        replace_with: sources,
        dry_run: Some(args.dry_run),
    };
    if !args.dry_run {
        crate::generic::ask("proxy replacements of the plan", args.yes)?;
    }
    let client = planned(client, args.params.clone().into_params().plan_id);
    let replacements = client.replacements();
    let created = replacements.create(&request).await?;
    if args.no_wait {
        return show_replacement(&created, json);
    }
    let terminal = std::io::stderr().is_terminal() && !json;
    let mut last = None;
    let progress = |r: &ProxyReplacement| {
        if last.as_ref() == Some(&r.state) {
            return;
        }
        last = Some(r.state.clone());
        let line = format!("replacement {}: {}", r.id, state_text(&r.state));
        if terminal {
            eprint!("\r\x1b[2K{line}");
        } else if !json {
            eprintln!("{line}");
        }
    };
    let polling = Polling::with_deadline(Duration::from_secs(args.deadline));
    let outcome = replacements.wait(created.id, polling, progress).await;
    if terminal {
        eprintln!();
    }
    let done = outcome?;
    show_replacement(&done, json)
}

fn show_replacement(r: &ProxyReplacement, json: bool) -> Result<(), Failure> {
    if json {
        print_json(r);
        return Ok(());
    }
    let count = |n: Option<i64>| n.map_or_else(|| "?".into(), |n| n.to_string());
    outln!(
        "Replacement {} is {}{}: {} proxies removed, {} added.",
        r.id,
        state_text(&r.state),
        if r.dry_run == Some(true) {
            " (dry run)"
        } else {
            ""
        },
        count(r.proxies_removed),
        count(r.proxies_added)
    );
    Ok(())
}

/// `replacements ...`.
pub async fn replacements(
    client: &Client,
    command: &ReplacementsCommand,
    json: bool,
) -> Result<(), Failure> {
    match command {
        ReplacementsCommand::Download(args) => {
            let token: Secret = if args.token_stdin {
                SecretInput::new()
                    .read("download token", true)
                    .map_err(Failure::Usage)?
            } else {
                client
                    .download_tokens()
                    .get(DownloadTokenScope::ReplacedProxy)
                    .await?
                    .key
                    .ok_or_else(|| webshare::Error::absent_in_answer("get_download_token", "key"))?
            };
            let mut params =
                DownloadReplacedProxies::new(token).country_codes(args.country_codes.clone());
            params.proxy_list_replacement = args.replacement;
            params.plan_id = args.plan_id;
            if let Some(path) = &args.output {
                return save(
                    path,
                    client
                        .replacements()
                        .download_replaced_bytes(&params)
                        .await?,
                )
                .await;
            }
            let mut lines = std::pin::pin!(client.replacements().download_replaced(&params).await?);
            while let Some(line) = lines.try_next().await? {
                print_line(
                    &line.proxy,
                    args.show_passwords,
                    json,
                    Some(&line.replaced_address),
                );
            }
            Ok(())
        }
    }
}

/// A replacement's state as shown: the API's word, or a note when the answer had none.
fn state_text(state: &Option<webshare::types::ProxyReplacementState>) -> String {
    state
        .as_ref()
        .map_or_else(|| "(no state)".to_owned(), ToString::to_string)
}
