//! `webshare subscription|payments|invoices|verification ...`: the flows of the money side and of
//! compliance. A plan configuration written `US=100,FR=20` for pricing and checkouts, a reCAPTCHA value
//! or an emailed code read from a prompt or standard input, an invoice streamed to a file, evidence
//! uploaded from disk. The rest of these sections are generated commands.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use futures_util::TryStreamExt;
use serde_json::{Value, json};
use webshare::operations::OperationId;
use webshare::types::{PricingQuery, SubscriptionPurchaseRequest, SubscriptionRenewRequest};
use webshare::{Client, Upload};

use crate::failure::Failure;
use crate::input::SecretInput;
use crate::proxy_commands::print_object;
use crate::render::{Format, Output};

/// Prints an answer, its secrets (Stripe client secrets) withheld at the spec's paths.
fn show(operation: OperationId, value: &impl serde::Serialize, json: bool) -> Result<(), Failure> {
    let output = Output {
        format: if json { Format::Json } else { Format::Table },
        show_secrets: false,
    };
    output.answer(operation, value)
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
    #[arg(long, value_name = "CC=N,...", value_delimiter = ',', value_parser = crate::args::key_count, required = true)]
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

/// `subscription ...`: the flows; `show`, `assets` and auto-renewal are generated.
#[derive(Debug, Subcommand)]
pub enum SubscriptionCommand {
    /// The limits and options of a plan configuration.
    Options(PlanArgs),
    /// The price of a plan configuration (what `buy` would charge).
    Pricing(PlanArgs),
    /// Buy a plan (replaces the current one). Credits pay first; a payment is confirmed with Stripe.
    Buy(BuyArgs),
    /// Renew the subscription for a term.
    Renew {
        /// The term to renew for (default: the current one).
        #[arg(long, value_enum)]
        term: Option<TermArg>,
        /// Do not ask before spending money.
        #[arg(long, short = 'y')]
        yes: bool,
    },
}

/// `subscription buy`.
#[derive(Debug, Args)]
pub struct BuyArgs {
    /// The plan to buy.
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Do not ask before spending money.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

pub async fn subscription(
    client: &Client,
    command: &SubscriptionCommand,
    json: bool,
) -> Result<(), Failure> {
    let subscription = client.subscription();
    match command {
        SubscriptionCommand::Options(plan) => show(
            OperationId::GetCustomizationOptions,
            &subscription
                .customization_options(plan.typed::<PricingQuery>()?)
                .await?,
            json,
        ),
        SubscriptionCommand::Pricing(plan) => show(
            OperationId::GetSubscriptionPricing,
            &subscription.pricing(plan.typed::<PricingQuery>()?).await?,
            json,
        ),
        SubscriptionCommand::Buy(args) => {
            crate::generic::ask("money (the plan is bought)", args.yes)?;
            let request: SubscriptionPurchaseRequest = args.plan.typed()?;
            show(
                OperationId::PurchasePlan,
                &subscription.purchase(&request).await?,
                json,
            )
        }
        SubscriptionCommand::Renew { term, yes } => {
            crate::generic::ask("money (the subscription is renewed)", *yes)?;
            let request: SubscriptionRenewRequest =
                serde_json::from_value(json!({ "term": term.map(TermArg::as_str) }))
                    .map_err(|e| Failure::Usage(e.to_string()))?;
            show(
                OperationId::RenewSubscription,
                &subscription.renew(&request).await?,
                json,
            )
        }
    }
}

/// `payments ...`: adding a card (a reCAPTCHA value); the lists are generated.
#[derive(Debug, Subcommand)]
pub enum PaymentsCommand {
    /// Start saving a card (a Stripe SetupIntent, confirmed in a browser); needs a reCAPTCHA value.
    AddCard {
        /// Read the reCAPTCHA value from standard input (else a prompt).
        #[arg(long)]
        recaptcha_stdin: bool,
    },
}

pub async fn payments(
    client: &Client,
    command: &PaymentsCommand,
    json: bool,
) -> Result<(), Failure> {
    let PaymentsCommand::AddCard { recaptcha_stdin } = command;
    let recaptcha = SecretInput::new()
        .read("reCAPTCHA value", *recaptcha_stdin)
        .map_err(Failure::Usage)?;
    show(
        OperationId::CreatePaymentMethod,
        &client.billing().add_payment_method(recaptcha).await?,
        json,
    )
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

/// `verification ...`: uploads and the emailed code; the lists are generated.
#[derive(Debug, Subcommand)]
pub enum VerificationCommand {
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
    /// Answer a question, with files if any.
    Answer {
        #[arg(value_name = "QUESTION_ID")]
        id: i64,
        #[arg(long)]
        text: String,
        #[arg(long = "file", value_name = "PATH")]
        files: Vec<PathBuf>,
    },
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
                OperationId::SubmitVerificationEvidence,
                &v.submit_evidence(*id, &with_files(upload, files)?).await?,
                json,
            )
        }
        VerificationCommand::Code { id, code_stdin } => {
            let code = SecretInput::new()
                .read("security code", *code_stdin)
                .map_err(Failure::Usage)?;
            show(
                OperationId::SubmitVerificationCode,
                &v.submit_code(*id, code).await?,
                json,
            )
        }
        VerificationCommand::Answer { id, text, files } => {
            let upload = with_files(Upload::new().text("answer", text.clone()), files)?;
            show(
                OperationId::AnswerVerificationQuestion,
                &v.answer(*id, &upload).await?,
                json,
            )
        }
    }
}
