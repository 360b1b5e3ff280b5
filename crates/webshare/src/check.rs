//! [`Client::check_api`]: the spec against the live API, with the client's own key. Every read-only
//! operation the key may call is called once (lists: their first page; gets: with an id from their list;
//! downloads: their first bytes) and its raw answer is checked against the spec's schema; nothing that
//! changes state or costs money is sent. The report names every difference by JSON path, expected and found
//! kind, never by value, so it can be attached to a bug report.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use serde::Serialize;
use serde_json::Value;
use webshare_api::operations::{self, OperationId, OperationVisitor};
use webshare_api::{Endpoint, Operation, RawParams, ResponseKind};

use crate::spec_schema::SpecSchemas;
use crate::{Client, Difference, Error};

/// What [`Client::check_api`] found.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// The version of the spec the answers were checked against.
    pub spec_version: &'static str,
    /// One entry per operation of the spec, in the spec's order.
    pub operations: Vec<OperationReport>,
}

impl Report {
    /// Whether any answer differs from the spec.
    pub fn differs(&self) -> bool {
        self.operations
            .iter()
            .any(|o| matches!(o.outcome, Outcome::Differs { .. }))
    }

    /// How many operations ended in each outcome: ok, differs, not available, skipped, failed.
    pub fn counts(&self) -> [usize; 5] {
        let mut counts = [0; 5];
        for operation in &self.operations {
            counts[match operation.outcome {
                Outcome::Ok => 0,
                Outcome::Differs { .. } => 1,
                Outcome::NotAvailable { .. } => 2,
                Outcome::Skipped { .. } => 3,
                Outcome::Failed { .. } => 4,
            }] += 1;
        }
        counts
    }
}

/// One operation's part of a [`Report`].
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct OperationReport {
    /// The operation's id, e.g. `list_proxies`.
    pub operation: &'static str,
    /// Its method and path, e.g. `GET /v2/proxy/list/`.
    pub endpoint: String,
    /// What the check found.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// How one operation's answer compared with the spec.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// The answer matches the spec.
    Ok,
    /// The answer differs from the spec, at each of these places.
    Differs {
        /// Every difference found.
        differences: Vec<Difference>,
    },
    /// The key may not call it (401, 403) or has nothing there (404).
    NotAvailable {
        /// The HTTP status.
        status: u16,
    },
    /// Not called.
    Skipped {
        /// Why not.
        reason: String,
    },
    /// The call failed for another reason (a transport error, a server error).
    Failed {
        /// The error, as [`Error`]'s message (which never holds a secret).
        error: String,
    },
}

impl Client {
    /// Checks the spec against the live API with this client's key, scope (plan, sub-user) and rate
    /// limiter; see the [module's documentation](crate#checking-the-spec-against-the-live-api). Sends only
    /// `GET`s: every other operation is reported as skipped.
    ///
    /// Returns [`Error::Config`] only when the embedded spec cannot be read, which a test of this crate
    /// rules out.
    pub async fn check_api(&self) -> Result<Report, Error> {
        Ok(self.run_check().await?.0)
    }

    /// The calls [`Client::check_api`] makes (each read-only operation with the parameters it built, or
    /// why it was skipped), made once to find them: to replay them, typed, against a server whose answers
    /// drift (a test of a client's own tolerance, see the mock server's `Drift`).
    pub async fn read_only_calls(&self) -> Result<Vec<ReadOnlyCall>, Error> {
        Ok(self.run_check().await?.1)
    }

    async fn run_check(&self) -> Result<(Report, Vec<ReadOnlyCall>), Error> {
        let schemas = SpecSchemas::get().map_err(|message| Error::Config { message })?;
        let mut planner = Planner {
            client: self,
            schemas,
            answers: HashMap::new(),
            calls: Vec::new(),
        };
        let mut entries: HashMap<OperationId, Outcome> = HashMap::new();
        // Lists first (their answers hold the ids and the plan the others need), then what needs a plan
        // or a token, then what needs an id.
        let mut order: Vec<&Operation> = operations::ALL.to_vec();
        // Cached: the key reads the operation's declared parameters.
        order.sort_by_cached_key(|o| {
            let needs_answer = planner.declared(o).iter().any(|p| {
                p["required"] == true
                    && matches!(
                        p["name"].as_str(),
                        Some(
                            "plan_id"
                                | "download_token"
                                | "token"
                                | "subscription_transaction_id"
                                | "referral_code"
                        )
                    )
            });
            (!o.path_params.is_empty(), needs_answer)
        });
        for operation in order {
            let outcome = planner.check(operation).await;
            entries.insert(operation.id, outcome);
        }
        let operations = operations::ALL
            .iter()
            .map(|operation| OperationReport {
                operation: operation.name,
                endpoint: format!("{} {}", operation.method, operation.path),
                outcome: entries.remove(&operation.id).unwrap_or(Outcome::Skipped {
                    reason: "not reached".into(),
                }),
            })
            .collect();
        let report = Report {
            spec_version: operations::SPEC_VERSION,
            operations,
        };
        let mut calls = planner.calls;
        calls.sort_by_key(|c| c.operation.id);
        Ok((report, calls))
    }
}

/// One read-only call of [`Client::check_api`]: see [`Client::read_only_calls`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReadOnlyCall {
    /// The operation.
    pub operation: &'static Operation,
    /// Its parameters as a server reads them (build the typed ones with `Endpoint::parse`), or why it
    /// was not called.
    pub params: Result<RawParams, String>,
}

/// The most of a download that is read (its first lines).
const DOWNLOAD_PREFIX_BYTES: usize = 64 * 1024;

struct Planner<'a> {
    client: &'a Client,
    schemas: &'static SpecSchemas,
    /// The JSON answers so far, by path (a list's answer gives its items' ids).
    answers: HashMap<&'static str, Value>,
    /// The calls made (or skipped), for [`Client::read_only_calls`].
    calls: Vec<ReadOnlyCall>,
}

impl Planner<'_> {
    async fn check(&mut self, operation: &'static Operation) -> Outcome {
        // Read-only: the methods HTTP defines as safe (the spec's reads are all `GET`s).
        if !operation.method.is_safe() {
            let reason = if operation.charges {
                format!("{}: it costs money", operation.method)
            } else {
                format!("{}: it may change state", operation.method)
            };
            return Outcome::Skipped { reason };
        }
        let raw = match self.parameters(operation).await {
            Ok(raw) => raw,
            Err(reason) => {
                self.calls.push(ReadOnlyCall {
                    operation,
                    params: Err(reason.clone()),
                });
                return Outcome::Skipped { reason };
            }
        };
        self.calls.push(ReadOnlyCall {
            operation,
            params: Ok(raw.clone()),
        });
        let response = match operation.id.visit(Open {
            client: self.client,
            raw: &raw,
        }) {
            Ok(open) => open.await,
            Err(error) => {
                return Outcome::Failed {
                    error: format!("the parameters the check built were refused: {error}"),
                };
            }
        };
        let response = match response {
            Ok(response) => response,
            Err(error) => {
                return match error.status() {
                    Some(status @ (401 | 403 | 404)) => Outcome::NotAvailable { status },
                    _ => Outcome::Failed {
                        error: error.to_string(),
                    },
                };
            }
        };
        if !matches!(operation.response, ResponseKind::Json) {
            // A download or an empty answer: reaching it is the check (its first bytes are read).
            return match self
                .client
                .read_prefix(response, DOWNLOAD_PREFIX_BYTES)
                .await
            {
                Ok(_) => Outcome::Ok,
                Err(error) => Outcome::Failed {
                    error: error.to_string(),
                },
            };
        }
        let body = match self.client.read_capped(response).await {
            Ok(body) => body,
            Err(error) => {
                return Outcome::Failed {
                    error: error.to_string(),
                };
            }
        };
        let Ok(body) = serde_json::from_slice::<Value>(&body) else {
            return Outcome::Differs {
                differences: vec![Difference {
                    path: ".".into(),
                    expected: "a JSON body".into(),
                    found: crate::ValueKind::Unknown,
                }],
            };
        };
        let differences = if self.schemas.has_schema(operation.id) {
            self.schemas.differences(operation.id, &body)
        } else {
            Vec::new()
        };
        self.answers.insert(operation.path, body);
        if differences.is_empty() {
            Outcome::Ok
        } else {
            Outcome::Differs { differences }
        }
    }

    /// The path parameters and required query parameters, from the spec and earlier answers.
    async fn parameters(&mut self, operation: &Operation) -> Result<RawParams, String> {
        let mut raw = RawParams::default();
        for spec in self.declared(operation) {
            let name = spec["name"].as_str().unwrap_or_default();
            let location = spec["in"].as_str().unwrap_or_default();
            let required = spec["required"] == true;
            if location == "header" || (location == "query" && !required) {
                continue;
            }
            let value = self.value_for(operation, name, &spec).await?;
            match location {
                "path" => raw.path.push((name.to_owned(), value)),
                _ => raw.query.push((name.to_owned(), value)),
            }
        }
        Ok(raw)
    }

    /// The operation's parameters as the spec declares them (references resolved).
    fn declared(&self, operation: &Operation) -> Vec<Value> {
        let document = &self.schemas.document;
        let method = operation.method.as_str().to_ascii_lowercase();
        let item = &document["paths"][operation.path];
        let parameters = item["parameters"].as_array().into_iter().flatten().chain(
            item[method.as_str()]["parameters"]
                .as_array()
                .into_iter()
                .flatten(),
        );
        parameters
            .map(
                |p| match p["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
                    Some(pointer) => document.pointer(pointer).cloned().unwrap_or(Value::Null),
                    None => p.clone(),
                },
            )
            .collect()
    }

    async fn value_for(
        &mut self,
        operation: &Operation,
        name: &str,
        spec: &Value,
    ) -> Result<String, String> {
        match name {
            "id" => self.first_id(operation),
            "plan_id" => match self.client.scope.plan_id {
                Some(plan) => Ok(plan.to_string()),
                None => self.first_id_of(operations::LIST_PLANS.path),
            },
            "download_token" | "token" => self.download_token(operation).await,
            "subscription_transaction_id" => self.first_id_of(operations::LIST_TRANSACTIONS.path),
            // The account's own code, from its referral config.
            "referral_code" => self
                .answers
                .get(operations::GET_REFERRAL_CONFIG.path)
                .and_then(|config| config["referral_code"].as_str())
                .map(str::to_owned)
                .ok_or_else(|| "needs a referral code: the referral config gave none".to_owned()),
            _ => documented_value(&self.schemas.document, spec)
                .ok_or_else(|| format!("needs `{name}`, which the check cannot choose")),
        }
    }

    /// The `id` of the first item of the list at this operation's path without its `{id}/`.
    fn first_id(&self, operation: &Operation) -> Result<String, String> {
        let list = operation
            .path
            .strip_suffix("{id}/")
            .ok_or_else(|| "needs an `id` the check cannot find".to_owned())?;
        self.first_id_of(list)
    }

    fn first_id_of(&self, list: &str) -> Result<String, String> {
        let answer = self
            .answers
            .get(list)
            .ok_or_else(|| format!("needs an id from `GET {list}`, which gave no answer"))?;
        let first = answer["results"]
            .get(0)
            .or_else(|| answer.get(0))
            .ok_or_else(|| format!("nothing to read: `GET {list}` is empty"))?;
        match &first["id"] {
            Value::Number(n) => Ok(n.to_string()),
            Value::String(s) => Ok(s.clone()),
            _ => Err(format!("the first item of `GET {list}` has no id")),
        }
    }

    /// The download token a download takes, read with `get_download_token`.
    async fn download_token(&self, operation: &Operation) -> Result<String, String> {
        use webshare_api::types::DownloadTokenScope as Scope;
        let scope = if operation.name.contains("activity") {
            Scope::Activity
        } else if operation.name.contains("replaced") {
            Scope::ReplacedProxy
        } else {
            Scope::ProxyList
        };
        let token = self
            .client
            .download_tokens()
            .get(scope)
            .await
            .map_err(|e| format!("its download token could not be read: {e}"))?;
        token
            .key
            .map(|key| key.expose().to_owned())
            .ok_or_else(|| "the download token's answer had no key".to_owned())
    }
}

/// A value the spec gives for a parameter: its default, its example, or its first allowed value.
fn documented_value(document: &Value, spec: &Value) -> Option<String> {
    let mut schema = &spec["schema"];
    // A parameter typed by a component (an enum): that component.
    for _ in 0..8 {
        match schema["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
            Some(pointer) => schema = document.pointer(pointer).unwrap_or(&Value::Null),
            None => break,
        }
    }
    let candidates = [
        &schema["default"],
        &spec["example"],
        &schema["example"],
        &schema["enum"][0],
        &spec["content"]["application/json"]["example"],
    ];
    candidates.into_iter().find_map(|v| match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => Some(
            items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(","),
        ),
        other => Some(other.to_string()),
    })
}

/// Builds the operation's parameters from raw values (as a server reads them) and opens its answer.
struct Open<'a> {
    client: &'a Client,
    raw: &'a RawParams,
}

type Opening<'a> = Pin<Box<dyn Future<Output = Result<reqwest::Response, Error>> + Send + 'a>>;

impl<'a> OperationVisitor for Open<'a> {
    type Output = Result<Opening<'a>, webshare_api::ParamError>;

    fn visit<E: Endpoint>(self) -> Self::Output {
        let params = E::parse(self.raw)?;
        let client = self.client;
        Ok(Box::pin(async move { client.open(&params).await }))
    }
}
