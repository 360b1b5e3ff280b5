//! `webshare check-api`: the report of [`webshare::Client::check_api`], as lines or as JSON.

use webshare::{Client, Outcome, Report};

use crate::failure::Failure;
use crate::output::{escape_controls, json_line};
use crate::stdout::outln;

/// Runs the check with the account's key (as the plan and sub-user asked) and prints the report; fails
/// when an answer differs.
pub async fn run(client: &Client, args: &CheckApiArgs, json: bool) -> Result<(), Failure> {
    let mut client = client.clone();
    if let Some(plan) = args.plan_id {
        client = client.for_plan(plan);
    }
    if let Some(subuser) = args.subuser {
        client = client.as_subuser(subuser);
    }
    let report = client.check_api().await?;
    if json {
        outln!(
            "{}",
            json_line(&serde_json::to_value(&report).unwrap_or_default())
        );
    } else {
        crate::stdout::write(&human(&report));
    }
    let [_, differs, ..] = report.counts();
    if differs > 0 {
        return Err(Failure::SpecDiffers {
            operations: differs,
        });
    }
    Ok(())
}

/// The report as lines: one per operation, and one per difference below it.
fn human(report: &Report) -> String {
    let mut out = format!("Checked against the spec {}:\n", report.spec_version);
    for operation in &report.operations {
        let line = match &operation.outcome {
            Outcome::Ok => "ok".to_owned(),
            Outcome::Differs { differences } => {
                let mut text = format!("differs at {} place(s)", differences.len());
                for difference in differences {
                    text.push_str(&format!("\n      {difference}"));
                }
                text
            }
            Outcome::NotAvailable { status } => {
                format!("not available to this key (HTTP {status})")
            }
            Outcome::Skipped { reason } => format!("skipped: {reason}"),
            Outcome::Failed { error } => format!("failed: {error}"),
            _ => "(an outcome this version cannot show)".to_owned(),
        };
        out.push_str(&format!(
            "  {:<40} {}\n",
            operation.operation,
            escape_controls(&line)
        ));
    }
    let [ok, differs, unavailable, skipped, failed] = report.counts();
    out.push_str(&format!(
        "{ok} ok, {differs} differ, {unavailable} not available to this key, {skipped} skipped, {failed} failed\n"
    ));
    out
}

/// `check-api`.
#[derive(Debug, clap::Args)]
pub struct CheckApiArgs {
    /// The plan to check; the account's default plan when absent.
    #[arg(long = "plan", value_name = "ID")]
    pub plan_id: Option<i64>,
    /// Check as this sub-user (the `X-Subuser` header).
    #[arg(long = "as-subuser", value_name = "ID")]
    pub subuser: Option<i64>,
}
