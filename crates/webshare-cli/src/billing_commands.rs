//! `webshare subscription|billing|payments|invoices|referral|verification ...`: the money side of the
//! account and its compliance. Stripe client secrets in the API's answers are withheld from the output;
//! a checkout prints what it charged and, when a payment is needed, the pending payment to follow.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use futures_util::TryStreamExt;
use serde_json::{Value, json};
use webshare::operations::{ListTransactions, ListVerificationQuestions};
use webshare::types::{PricingQuery, SubscriptionPurchaseRequest, SubscriptionRenewRequest};
use webshare::{Client, Upload};

use crate::account_commands::country_count;
use crate::failure::Failure;
use crate::input::SecretInput;
use crate::proxy_commands::print_object;
use crate::stdout::outln;

/// Prints an answer, its secrets (Stripe client secrets) withheld.
fn show(value: &impl serde::Serialize, json: bool) {
    let mut value = serde_json::to_value(value).unwrap_or(Value::Null);
    if let Value::Object(fields) = &mut value {
        for (key, field) in fields.iter_mut() {
            if key.contains("secret") && !field.is_null() {
                *field = json!("[withheld]");
            }
        }
    }
    print_object(value, json);
}

/// Prints each item of a list, one object after another (one JSON line each with --json).
fn show_all<T: serde::Serialize>(items: &[T], json: bool) {
    for item in items {
        show(item, json);
        if !json {
            outln!();
        }
    }
}

/// A term.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TermArg {
    Monthly,
    Yearly,
}

impl TermArg {
    fn as_str(self) -> &'static str {
        match self {
            Self::Monthly => "monthly",
            Self::Yearly => "yearly",
        }
    }
}

/// A plan configuration, as `subscription pricing` and `subscription buy` take it.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Proxies by country, e.g. `US=100,FR=20` (`ZZ` for any country).
    #[arg(long, value_name = "CC=N,...", value_delimiter = ',', value_parser = country_count, required = true)]
    proxies: Vec<(String, i64)>,
    /// Bandwidth in GB a month (0: unlimited).
    #[arg(long, value_name = "GB")]
    bandwidth: Option<f64>,
    /// `shared`, `semidedicated` or `dedicated`.
    #[arg(long = "type", value_name = "TYPE", default_value = "shared")]
    proxy_type: String,
    /// `default`, `premium`, `isp`, `residential` or `datacenter_and_isp`.
    #[arg(long = "subtype", value_name = "SUBTYPE", default_value = "default")]
    proxy_subtype: String,
    /// The term charged.
    #[arg(long, value_enum)]
    term: Option<TermArg>,
}

impl PlanArgs {
    /// The configuration as the API's JSON object.
    fn body(&self) -> Value {
        let mut body = json!({
            "proxy_type": self.proxy_type,
            "proxy_subtype": self.proxy_subtype,
            "proxy_countries": self.proxies.iter().cloned().collect::<std::collections::HashMap<_, _>>(),
        });
        if let Some(gb) = self.bandwidth {
            body["bandwidth_limit"] = json!(gb);
        }
        if let Some(term) = self.term {
            body["term"] = json!(term.as_str());
        }
        body
    }

    fn typed<T: serde::de::DeserializeOwned>(&self) -> Result<T, Failure> {
        serde_json::from_value(self.body())
            .map_err(|e| Failure::Usage(format!("invalid plan: {e}")))
    }
}

/// `subscription ...`.
#[derive(Debug, Subcommand)]
pub enum SubscriptionCommand {
    /// The subscription: plan, term, dates, credits, renewal.
    Show,
    /// What can be bought, by proxy type and sub-type.
    Assets,
    /// The limits and options of a plan configuration.
    Options(PlanArgs),
    /// The price of a plan configuration (what `buy` would charge).
    Pricing(PlanArgs),
    /// Buy a plan (replaces the current one). Credits pay first; a payment is confirmed with Stripe.
    Buy(PlanArgs),
    /// Renew the subscription for a term.
    Renew {
        /// The term to renew for (default: the current one).
        #[arg(long, value_enum)]
        term: Option<TermArg>,
    },
    /// Turn automatic renewal on or off.
    AutoRenew {
        /// `on` or `off`.
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
}

pub async fn subscription(
    client: &Client,
    command: &SubscriptionCommand,
    json: bool,
) -> Result<(), Failure> {
    let subscription = client.subscription();
    match command {
        SubscriptionCommand::Show => show(&subscription.get().await?, json),
        SubscriptionCommand::Assets => show(&subscription.available_assets().await?, json),
        SubscriptionCommand::Options(plan) => show(
            &subscription
                .customization_options(plan.typed::<PricingQuery>()?)
                .await?,
            json,
        ),
        SubscriptionCommand::Pricing(plan) => show(
            &subscription.pricing(plan.typed::<PricingQuery>()?).await?,
            json,
        ),
        SubscriptionCommand::Buy(plan) => {
            let request: SubscriptionPurchaseRequest = plan.typed()?;
            show(&subscription.purchase(&request).await?, json);
        }
        SubscriptionCommand::Renew { term } => {
            let request: SubscriptionRenewRequest =
                serde_json::from_value(json!({ "term": term.map(TermArg::as_str) }))
                    .map_err(|e| Failure::Usage(e.to_string()))?;
            show(&subscription.renew(&request).await?, json);
        }
        SubscriptionCommand::AutoRenew { state } => {
            let answer = if state == "on" {
                subscription.enable_auto_renewal().await?
            } else {
                subscription.cancel_auto_renewal().await?
            };
            show(&answer, json);
        }
    }
    Ok(())
}

/// `billing ...`.
#[derive(Debug, Subcommand)]
pub enum BillingCommand {
    /// The billing information printed on invoices.
    Show,
    /// Change the billing information.
    Set {
        /// The name on invoices.
        #[arg(long)]
        name: Option<String>,
        /// The postal address on invoices.
        #[arg(long)]
        address: Option<String>,
        /// Where invoices are sent.
        #[arg(long, value_name = "EMAIL")]
        email: Option<String>,
    },
}

pub async fn billing(client: &Client, command: &BillingCommand, json: bool) -> Result<(), Failure> {
    match command {
        BillingCommand::Show => show(&client.billing().info().await?, json),
        BillingCommand::Set {
            name,
            address,
            email,
        } => {
            let mut body = serde_json::Map::new();
            for (key, value) in [
                ("name", name),
                ("address", address),
                ("billing_email", email),
            ] {
                if let Some(value) = value {
                    body.insert(key.into(), json!(value));
                }
            }
            if body.is_empty() {
                return Err(Failure::Usage("give --name, --address or --email".into()));
            }
            let request = serde_json::from_value(Value::Object(body))
                .map_err(|e| Failure::Usage(e.to_string()))?;
            show(&client.billing().update_info(&request).await?, json);
        }
    }
    Ok(())
}

/// `payments ...`.
#[derive(Debug, Subcommand)]
pub enum PaymentsCommand {
    /// The saved payment methods.
    Methods,
    /// One payment method.
    Method {
        #[arg(value_name = "ID")]
        id: i64,
    },
    /// Start saving a card (a Stripe SetupIntent, confirmed in a browser); needs a reCAPTCHA value.
    AddCard {
        /// Read the reCAPTCHA value from standard input (else a prompt).
        #[arg(long)]
        recaptcha_stdin: bool,
    },
    /// The pending payments, or one of them.
    Pending {
        #[arg(value_name = "ID")]
        id: Option<i64>,
    },
    /// The transactions (every page), or one of them.
    Transactions {
        #[arg(value_name = "ID")]
        id: Option<i64>,
        /// Only transactions of this status, e.g. `completed`.
        #[arg(long)]
        status: Option<String>,
    },
}

pub async fn payments(
    client: &Client,
    command: &PaymentsCommand,
    json: bool,
) -> Result<(), Failure> {
    let billing = client.billing();
    match command {
        PaymentsCommand::Methods => show_all(
            &billing.payment_methods(&Default::default()).await?.results,
            json,
        ),
        PaymentsCommand::Method { id } => show(&billing.payment_method(*id).await?, json),
        PaymentsCommand::AddCard { recaptcha_stdin } => {
            let recaptcha = SecretInput::new()
                .read("reCAPTCHA value", *recaptcha_stdin)
                .map_err(Failure::Usage)?;
            show(&billing.add_payment_method(recaptcha).await?, json);
        }
        PaymentsCommand::Pending { id: Some(id) } => {
            show(&billing.pending_payment(*id).await?, json)
        }
        PaymentsCommand::Pending { id: None } => show_all(
            &billing.pending_payments(&Default::default()).await?.results,
            json,
        ),
        PaymentsCommand::Transactions { id: Some(id), .. } => {
            show(&billing.transaction(*id).await?, json)
        }
        PaymentsCommand::Transactions { id: None, status } => {
            let mut params = ListTransactions::new();
            params.status = status.clone();
            let all: Vec<_> = billing.all_transactions(params).try_collect().await?;
            show_all(&all, json);
        }
    }
    Ok(())
}

/// `invoices ...`.
#[derive(Debug, Subcommand)]
pub enum InvoicesCommand {
    /// Download a transaction's invoice (a PDF) to a file.
    Download {
        /// The transaction's ID.
        #[arg(value_name = "TRANSACTION_ID")]
        id: i64,
        /// The file to write (it must not exist yet).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
}

pub async fn invoices(
    client: &Client,
    command: &InvoicesCommand,
    json: bool,
) -> Result<(), Failure> {
    let InvoicesCommand::Download { id, output } = command;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(output)
        .map_err(|e| Failure::Usage(format!("cannot create {}: {e}", output.display())))?;
    let written = async {
        use std::io::Write;
        let mut bytes = std::pin::pin!(client.billing().invoice(*id).await?);
        let mut total = 0u64;
        while let Some(chunk) = bytes.try_next().await? {
            file.write_all(&chunk)
                .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", output.display())))?;
            total += chunk.len() as u64;
        }
        Ok::<u64, Failure>(total)
    }
    .await;
    match written {
        Ok(total) => {
            print_object(
                json!({ "file": output.display().to_string(), "bytes": total }),
                json,
            );
            Ok(())
        }
        Err(failure) => {
            // No half-written or non-PDF file is left behind.
            let _ = std::fs::remove_file(output);
            Err(failure)
        }
    }
}

/// `referral ...`.
#[derive(Debug, Subcommand)]
pub enum ReferralCommand {
    /// The program's config: mode, earnings, the account's referral code.
    Show,
    /// Change the mode or the PayPal address for payouts.
    Set {
        /// `credits` or `payout`.
        #[arg(long, value_parser = ["credits", "payout"])]
        mode: Option<String>,
        /// The PayPal address payouts go to.
        #[arg(long, value_name = "EMAIL")]
        paypal_email: Option<String>,
    },
    /// The applied coupon code; `--apply CODE` applies one, `--remove` removes it.
    Coupon {
        #[arg(long, value_name = "CODE", conflicts_with = "remove")]
        apply: Option<String>,
        #[arg(long)]
        remove: bool,
    },
    /// The account's referral channels.
    Channels,
    /// The credits earned (or one of them).
    Credits {
        #[arg(value_name = "ID")]
        id: Option<i64>,
    },
    /// The earn-outs (or one of them).
    Earnouts {
        #[arg(value_name = "ID")]
        id: Option<i64>,
    },
    /// What a referral code gives (no login needed).
    CodeInfo {
        #[arg(value_name = "CODE")]
        code: String,
    },
}

pub async fn referral(
    client: &Client,
    command: &ReferralCommand,
    json: bool,
) -> Result<(), Failure> {
    let referral = client.referral();
    match command {
        ReferralCommand::Show => show(&referral.config().await?, json),
        ReferralCommand::Set { mode, paypal_email } => {
            let request = serde_json::from_value(
                json!({ "mode": mode, "paypal_payout_email": paypal_email }),
            )
            .map_err(|e| Failure::Usage(e.to_string()))?;
            show(&referral.update_config(&request).await?, json);
        }
        ReferralCommand::Coupon {
            apply: Some(code), ..
        } => show(&referral.apply_coupon_code(code).await?, json),
        ReferralCommand::Coupon { remove: true, .. } => {
            referral.remove_coupon_code().await?;
            print_object(json!({ "removed": true }), json);
        }
        ReferralCommand::Coupon { .. } => show(&referral.coupon_code().await?, json),
        ReferralCommand::Channels => show_all(&referral.channels().await?, json),
        ReferralCommand::Credits { id: Some(id) } => show(&referral.credit(*id).await?, json),
        ReferralCommand::Credits { id: None } => {
            show_all(&referral.credits(&Default::default()).await?.results, json)
        }
        ReferralCommand::Earnouts { id: Some(id) } => show(&referral.earnout(*id).await?, json),
        ReferralCommand::Earnouts { id: None } => {
            show_all(&referral.earnouts(&Default::default()).await?.results, json)
        }
        ReferralCommand::CodeInfo { code } => show(&referral.code_info(code).await?, json),
    }
    Ok(())
}

/// `verification ...`.
#[derive(Debug, Subcommand)]
pub enum VerificationCommand {
    /// The verification flows (or one of them).
    Flows {
        #[arg(value_name = "ID")]
        id: Option<i64>,
    },
    /// Send evidence for a flow: an explanation and files (streamed from disk).
    Evidence {
        #[arg(value_name = "FLOW_ID")]
        id: i64,
        #[arg(long)]
        explanation: Option<String>,
        /// A file to attach (repeatable).
        #[arg(long = "file", value_name = "PATH")]
        files: Vec<PathBuf>,
    },
    /// Submit a flow's security code (the two characters on the bank statement).
    Code {
        #[arg(value_name = "FLOW_ID")]
        id: i64,
        /// Read the code from standard input (else a prompt).
        #[arg(long)]
        code_stdin: bool,
    },
    /// The compliance team's questions.
    Questions {
        /// Only those not answered yet.
        #[arg(long)]
        open: bool,
    },
    /// Answer a question, with files if any.
    Answer {
        #[arg(value_name = "QUESTION_ID")]
        id: i64,
        #[arg(long)]
        text: String,
        #[arg(long = "file", value_name = "PATH")]
        files: Vec<PathBuf>,
    },
    /// The appeals; `--submit TEXT` appeals the suspension.
    Appeals {
        #[arg(long, value_name = "TEXT")]
        submit: Option<String>,
    },
    /// The abuse reports about the account.
    Reports,
    /// The suspension, if the account is suspended.
    Suspension,
    /// The verification categories.
    Categories,
    /// Whether the account's proxies are limited.
    Limits,
    /// The thresholds and how near the account is to each.
    Thresholds,
}

fn with_files(mut upload: Upload, files: &[PathBuf]) -> Result<Upload, Failure> {
    for file in files {
        upload = upload
            .file("files", file)
            .map_err(|e| Failure::Usage(e.to_string()))?;
    }
    Ok(upload)
}

pub async fn verification(
    client: &Client,
    command: &VerificationCommand,
    json: bool,
) -> Result<(), Failure> {
    let v = client.verification();
    match command {
        VerificationCommand::Flows { id: Some(id) } => show(&v.flow(*id).await?, json),
        VerificationCommand::Flows { id: None } => {
            show_all(&v.flows(&Default::default()).await?.results, json)
        }
        VerificationCommand::Evidence {
            id,
            explanation,
            files,
        } => {
            let mut upload = Upload::new();
            if let Some(text) = explanation {
                upload = upload.text("explanation", text.clone());
            }
            show(
                &v.submit_evidence(*id, &with_files(upload, files)?).await?,
                json,
            );
        }
        VerificationCommand::Code { id, code_stdin } => {
            let code = SecretInput::new()
                .read("security code", *code_stdin)
                .map_err(Failure::Usage)?;
            show(&v.submit_code(*id, code).await?, json);
        }
        VerificationCommand::Questions { open } => {
            let mut params = ListVerificationQuestions::new();
            if *open {
                params.answer_isnull = Some(true);
            }
            show_all(&v.questions(&params).await?.results, json);
        }
        VerificationCommand::Answer { id, text, files } => {
            let upload = with_files(Upload::new().text("answer", text.clone()), files)?;
            show(&v.answer(*id, &upload).await?, json);
        }
        VerificationCommand::Appeals { submit: Some(text) } => show(&v.appeal(text).await?, json),
        VerificationCommand::Appeals { submit: None } => {
            show_all(&v.appeals(&Default::default()).await?.results, json)
        }
        VerificationCommand::Reports => {
            show_all(&v.abuse_reports(&Default::default()).await?.results, json)
        }
        VerificationCommand::Suspension => show(&v.suspension().await?, json),
        VerificationCommand::Categories => show(&v.categories().await?, json),
        VerificationCommand::Limits => show(&v.limits().await?, json),
        VerificationCommand::Thresholds => show(&v.thresholds().await?, json),
    }
    Ok(())
}

/// `id-verification ...`.
#[derive(Debug, Subcommand)]
pub enum IdVerificationCommand {
    /// The ID verification and its state.
    Status,
    /// Start one (its Stripe client secret, for the browser flow, is withheld from the output).
    Start,
    /// Tell Webshare the Stripe flow is done.
    Complete,
}

pub async fn id_verification(
    client: &Client,
    command: &IdVerificationCommand,
    json: bool,
) -> Result<(), Failure> {
    let v = client.id_verification();
    let answer = match command {
        IdVerificationCommand::Status => v.get().await?,
        IdVerificationCommand::Start => v.start().await?,
        IdVerificationCommand::Complete => v.complete().await?,
    };
    show(&answer, json);
    Ok(())
}
