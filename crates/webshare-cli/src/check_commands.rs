//! `proxies check`: a pre-flight probe of every proxy of the list through `webshare::pool`, and, with
//! `--replace-failing`, the pool's self-healing to replace the failing ones.

use std::io::IsTerminal as _;
use std::time::Duration;

use serde_json::json;
use webshare::Client;
use webshare::pool::{
    self, CheckOptions, CheckReport, HealPolicy, HealReport, Healer, HealthConfig, Outcome, Pool,
    PoolError, SkipReason,
};

use crate::failure::Failure;
use crate::output::json_line;
use crate::proxy_cli::CheckArgs;
use crate::stdout::outln;

/// What each proxy fetches by default: Webshare's own address echo, plain HTTP so a probe measures the
/// proxy rather than a TLS handshake, and a target that answers any proxy of the service.
pub const DEFAULT_URL: &str = "http://ipv4.webshare.io/";

fn pool_failure(e: PoolError) -> Failure {
    match e {
        PoolError::Api(e) => Failure::Api(e),
        other => Failure::Usage(other.to_string()),
    }
}

/// `proxies check`.
pub async fn check(client: &Client, args: &CheckArgs, json: bool) -> Result<(), Failure> {
    let params = args.params.clone().into_params();
    crate::generic::check(&params)?;
    let client = match params.plan_id {
        Some(plan) => client.for_plan(plan),
        None => client.clone(),
    };
    let client = match params.subuser {
        Some(id) => client.as_subuser(id),
        None => client,
    };
    let proxies = pool::from_api(&client, params)
        .await
        .map_err(pool_failure)?;
    // One failed probe quarantines: the check is the only evidence the pool gets.
    let pool = Pool::builder()
        .health(HealthConfig {
            failure_threshold: 1,
            ..HealthConfig::default()
        })
        .build(proxies)
        .map_err(pool_failure)?;
    let options = CheckOptions {
        concurrency: usize::from(args.concurrency),
        timeout: Duration::from_secs(args.timeout),
        ..CheckOptions::default()
    };
    // A progress bar on stderr when a person watches it; nothing otherwise (a pipe, a log, a test).
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(0)
            .with_style(progress_style())
            .with_message("0 failed")
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut failed = 0usize;
    let report = pool
        .check_with_progress(&args.url, options, |probe, done, total| {
            if !probe.outcome.is_success() {
                failed += 1;
                bar.set_message(format!("{failed} failed"));
            }
            bar.set_length(u64::try_from(total).unwrap_or(u64::MAX));
            bar.set_position(u64::try_from(done).unwrap_or(u64::MAX));
        })
        .await
        .map_err(pool_failure)?;
    bar.finish_and_clear();
    print_check(&report, json);
    if !args.replace_failing || report.failures().next().is_none() {
        return Ok(());
    }
    if !args.dry_run {
        crate::generic::ask("proxy replacements of the plan", args.yes)?;
    }
    let failing = u32::try_from(report.failures().count()).unwrap_or(u32::MAX);
    let mut policy = HealPolicy::with_budget(failing);
    policy.min_quarantines = 1;
    policy.dry_run_only = args.dry_run;
    let healed = Healer::new(policy)
        .heal(&pool, &client)
        .await
        .map_err(pool_failure)?;
    print_heal(&healed, json);
    Ok(())
}

/// The check's bar: `[#####>----] 420/1000 checked, 3 failed (00:02, 00:03 left)`.
fn progress_style() -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template(PROGRESS_TEMPLATE)
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("#>-")
}

const PROGRESS_TEMPLATE: &str = "[{bar:30}] {pos}/{len} checked, {msg} ({elapsed}, {eta} left)";

fn outcome_text(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Success { .. } => "ok".into(),
        Outcome::ConnectError => "connect error".into(),
        Outcome::Timeout => "timeout".into(),
        Outcome::Status { status } => format!("proxy failure {status}"),
        Outcome::Blocked { status } => format!("blocked {status}"),
        other => format!("{other:?}"),
    }
}

fn print_check(report: &CheckReport, json: bool) {
    for probe in &report.probes {
        let p = &probe.proxy;
        let address = format!("{}:{}", p.address(), p.port());
        let latency_ms = probe.latency.as_millis();
        let outcome = outcome_text(&probe.outcome);
        if json {
            let line = json!({
                "proxy": address, "id": p.id(), "country": p.country_code(), "asn": p.asn(),
                "ok": probe.outcome.is_success(), "outcome": outcome, "status": probe.status,
                "latency_ms": latency_ms,
            });
            outln!("{}", json_line(&line));
        } else {
            let status = probe.status.map_or_else(|| "-".into(), |s| s.to_string());
            outln!(
                "{address:<21} {:<2} {status:>3} {latency_ms:>6} ms  {outcome}",
                p.country_code().unwrap_or("-")
            );
        }
    }
    let failed = report.failures().count();
    let groups = report.failing_groups();
    if json {
        let groups: Vec<_> = groups
            .iter()
            .map(|(g, c)| json!({"group": g.to_string(), "failed": c.failed, "probed": c.probed}))
            .collect();
        let line =
            json!({"probed": report.probes.len(), "failed": failed, "failing_groups": groups});
        outln!("{}", json_line(&line));
        return;
    }
    outln!("{failed} of {} proxies failed.", report.probes.len());
    for (group, count) in groups {
        outln!("  {group}: {} of {} failed", count.failed, count.probed);
    }
}

fn skip_text(reason: &SkipReason) -> String {
    match reason {
        SkipReason::DailyBudget { used, budget } => format!("budget spent ({used} of {budget})"),
        SkipReason::PlanReplacements { available } => {
            format!("the plan has {available} replacements left")
        }
        SkipReason::DryRunOnly => "dry run".into(),
        SkipReason::NotAnAddress => "not an IPv4 address".into(),
        other => format!("{other:?}"),
    }
}

fn print_heal(report: &HealReport, json: bool) {
    let address = |p: &pool::PoolProxy| format!("{}:{}", p.address(), p.port());
    if json {
        let line = json!({
            "replaced": report.replaced.iter().map(address).collect::<Vec<_>>(),
            "skipped": report.skipped.iter()
                .map(|(p, r)| json!({"proxy": address(p), "reason": skip_text(r)}))
                .collect::<Vec<_>>(),
            "dry_run": report.dry_run.as_ref().map(|r| r.id),
            "replacement": report.replacement.as_ref().map(|r| r.id),
        });
        outln!("{}", json_line(&line));
        return;
    }
    if let Some(dry) = &report.dry_run {
        let n = |v: Option<i64>| v.map_or_else(|| "?".into(), |v| v.to_string());
        outln!(
            "Dry run {}: {} proxies would be removed, {} added.",
            dry.id,
            n(dry.proxies_removed),
            n(dry.proxies_added)
        );
    }
    for (proxy, reason) in &report.skipped {
        outln!("Not replaced: {} ({})", address(proxy), skip_text(reason));
    }
    if let Some(done) = &report.replacement {
        let n = report.replaced.len();
        let noun = if n == 1 { "proxy" } else { "proxies" };
        outln!("Replacement {}: {n} {noun} replaced.", done.id);
    }
}

#[cfg(test)]
mod tests {
    /// The bar's template is one indicatif reads (else the plain default bar would be drawn).
    #[test]
    fn the_progress_template_parses() {
        assert!(indicatif::ProgressStyle::with_template(super::PROGRESS_TEMPLATE).is_ok());
    }
}
