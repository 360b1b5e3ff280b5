//! How a generated command sends its operation: the arguments read, a confirmation before spending, the
//! account's default plan where the API needs one, the JSON body from flags and `--body`, a single call or
//! every page of a list, and a 404 that names what was asked for. Printing is `crate::render`'s.

use std::io::{IsTerminal as _, Read as _};
use std::path::Path;

use futures_util::TryStreamExt as _;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use webshare::operations::{GetSubscription, OperationId};
use webshare::{Client, CursorPaged, Endpoint, Error, PageNumbered};

use crate::failure::Failure;
use crate::render::{Output, Page};

/// The largest `--body` read, file or standard input.
const MAX_BODY_BYTES: u64 = 1 << 20;

/// What every generated command runs with.
pub struct Context {
    /// The client, with the key the command line resolved.
    pub client: Client,
    /// How answers are printed.
    pub output: Output,
}

/// The arguments of a generated command from clap's matches.
pub fn args<A: clap::FromArgMatches>(matches: &clap::ArgMatches) -> Result<A, Failure> {
    A::from_arg_matches(matches).map_err(|e| Failure::Usage(e.to_string()))
}

/// The failure of an operation whose answer is streamed or whose body is a form: its command is a
/// hand-written one (the placement table says which).
pub fn own_command(operation: OperationId) -> Failure {
    Failure::Usage(format!(
        "`{}` is sent by `webshare {}`",
        operation.operation().name,
        crate::placement::command(operation)
    ))
}

/// Asks before spending something when standard input is a terminal; `--yes` (or no terminal: a script)
/// goes ahead.
pub fn ask(what: &str, yes: bool) -> Result<(), Failure> {
    if yes || !std::io::stdin().is_terminal() {
        return Ok(());
    }
    eprint!("This spends {what}. Go ahead? [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Failure::Usage(format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES") {
        Ok(())
    } else {
        Err(Failure::Declined)
    }
}

impl Context {
    /// The context with a list's `--format`, when given.
    pub fn formatted(&self, format: Option<crate::render::Format>) -> Self {
        let mut output = self.output;
        if let Some(format) = format {
            output.format = format;
        }
        Self {
            client: self.client.clone(),
            output,
        }
    }

    /// The plan given, else the account's default plan ([`plan_or_default`]).
    pub async fn plan_or_default(&self, given: Option<i64>) -> Result<i64, Failure> {
        plan_or_default(&self.client, given).await
    }
}

/// The plan given, else the account's default plan: the subscription's active plan.
pub async fn plan_or_default(client: &Client, given: Option<i64>) -> Result<i64, Failure> {
    if let Some(plan) = given {
        return Ok(plan);
    }
    let subscription = client.send(&GetSubscription).await?;
    subscription.plan.ok_or_else(|| {
        Failure::Usage("the account has no active plan to default to: give --plan".into())
    })
}

/// The JSON body: `--body`'s object (a file, or `-` for standard input), the flags' fields over it, read
/// as the operation's body type; a field of the wrong type or a missing one is named.
pub fn body<B: DeserializeOwned>(
    file: Option<&Path>,
    flags: Map<String, Value>,
) -> Result<B, Failure> {
    let mut fields = match file {
        None => Map::new(),
        Some(path) => {
            let mut text = String::new();
            let read = if path == Path::new("-") {
                std::io::stdin()
                    .take(MAX_BODY_BYTES + 1)
                    .read_to_string(&mut text)
            } else {
                std::fs::File::open(path)
                    .and_then(|f| f.take(MAX_BODY_BYTES + 1).read_to_string(&mut text))
            };
            read.map_err(|e| {
                Failure::Usage(format!("cannot read --body {}: {e}", path.display()))
            })?;
            if text.len() as u64 > MAX_BODY_BYTES {
                return Err(Failure::Usage(format!(
                    "--body {} is larger than {MAX_BODY_BYTES} bytes",
                    path.display()
                )));
            }
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(fields)) => fields,
                Ok(_) => {
                    return Err(Failure::Usage(format!(
                        "--body {} must hold a JSON object",
                        path.display()
                    )));
                }
                Err(e) => {
                    return Err(Failure::Usage(format!(
                        "--body {} is not JSON (line {}, column {})",
                        path.display(),
                        e.line(),
                        e.column()
                    )));
                }
            }
        }
    };
    fields.extend(flags);
    serde_path_to_error::deserialize(Value::Object(fields)).map_err(|e| Failure::Invalid {
        field: e.path().to_string(),
        // serde's message names the expected type; the value given is not quoted back.
        message: crate::render::without_quoted_values(&e.inner().to_string()),
    })
}

/// Checks the parameters before sending, by the spec's generated rules (the same for every command):
/// a bad one is named, its value not quoted back.
pub fn check<E: Endpoint>(params: &E) -> Result<(), Failure> {
    params.check().map_err(|e| Failure::Invalid {
        field: e.field,
        message: crate::render::without_quoted_values(&e.message),
    })
}

/// Sends an operation without a body and prints its answer.
pub async fn send<E: Endpoint<Body = (), Response: serde::Serialize>>(
    context: &Context,
    params: &E,
    asked: &[(&'static str, String)],
) -> Result<(), Failure> {
    check(params)?;
    let answer = context
        .client
        .send(params)
        .await
        .map_err(|e| named(e, E::OPERATION, asked))?;
    context.output.answer(E::OPERATION.id, &answer)
}

/// Sends an operation with its JSON body and prints its answer.
pub async fn send_with<E: Endpoint<Response: serde::Serialize>>(
    context: &Context,
    params: &E,
    body: &E::Body,
    asked: &[(&'static str, String)],
) -> Result<(), Failure> {
    check(params)?;
    let answer = context
        .client
        .send_with(params, body)
        .await
        .map_err(|e| named(e, E::OPERATION, asked))?;
    context.output.answer(E::OPERATION.id, &answer)
}

/// A page-numbered list: the page asked for, or every item with `--all`.
pub async fn page_numbered<E>(
    context: &Context,
    params: E,
    all: bool,
    asked: &[(&'static str, String)],
) -> Result<(), Failure>
where
    E: PageNumbered<Body = ()> + Send + Sync + 'static,
    E::Item: serde::Serialize + Send + 'static,
    E::Response: serde::Serialize + Send,
{
    let operation = E::OPERATION;
    check(&params)?;
    if all {
        let items = context
            .client
            .paginate(params)
            .map_err(|e| named(e, operation, asked));
        return context.output.stream(operation.id, items).await;
    }
    let page = context
        .client
        .send(&params)
        .await
        .map_err(|e| named(e, operation, asked))?;
    context.output.page(operation.id, &page, Page::Numbered)
}

/// A cursor-paged list: the first page, or every item with `--all`.
pub async fn cursor<E>(
    context: &Context,
    params: E,
    all: bool,
    asked: &[(&'static str, String)],
) -> Result<(), Failure>
where
    E: CursorPaged<Body = ()> + Clone + PartialEq + Send + Sync + 'static,
    E::Item: serde::Serialize + Send + 'static,
    E::Response: serde::Serialize + Send,
{
    let operation = E::OPERATION;
    check(&params)?;
    if all {
        let items = context
            .client
            .paginate_cursor(params)
            .map_err(|e| named(e, operation, asked));
        return context.output.stream(operation.id, items).await;
    }
    let page = context
        .client
        .send(&params)
        .await
        .map_err(|e| named(e, operation, asked))?;
    context.output.page(operation.id, &page, Page::Cursor)
}

/// A 404 says what was asked for: the resource (from the operation's name) and the ids given.
pub fn named(
    error: Error,
    operation: &webshare::Operation,
    asked: &[(&'static str, String)],
) -> Failure {
    let Error::NotFound { request_id, .. } = error else {
        return error.into();
    };
    let mut what = format!("no {}", crate::render::resource(operation.name));
    for (i, (label, value)) in asked.iter().enumerate() {
        what.push_str(if i == 0 { " with " } else { ", " });
        what.push_str(label);
        what.push(' ');
        what.push_str(value);
    }
    Failure::NotFound { what, request_id }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_not_found_names_the_resource_and_ids() {
        let failure = named(
            Error::NotFound {
                detail: None,
                request_id: None,
            },
            webshare::operations::GetIpAuthorization::OPERATION,
            &[("id", "42".into()), ("plan", "7".into())],
        );
        assert!(
            matches!(&failure, Failure::NotFound { what, .. } if what == "no ip authorization with id 42, plan 7"),
            "{failure:?}"
        );
        let other = named(
            Error::Server {
                status: 500,
                detail: None,
                request_id: None,
            },
            webshare::operations::GetIpAuthorization::OPERATION,
            &[],
        );
        assert!(matches!(other, Failure::Api(Error::Server { .. })));
    }

    #[test]
    fn bodies_merge_flags_over_the_file_and_name_bad_fields() {
        let mut flags = Map::new();
        flags.insert("label".into(), Value::String("key".into()));
        let read: webshare::types::ApiKeyRequest = body(None, flags).unwrap();
        assert_eq!(serde_json::to_value(&read).unwrap()["label"], "key");
        let mut flags = Map::new();
        flags.insert("label".into(), Value::from(5));
        let failure = body::<webshare::types::ApiKeyRequest>(None, flags).unwrap_err();
        assert!(
            matches!(&failure, Failure::Invalid { field, .. } if field == "label"),
            "{failure:?}"
        );
    }
}
