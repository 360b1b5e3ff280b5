//! A request of the isolation suite, built from the facts: which parameters name something an account
//! owns (its slots), whose value each slot takes, and the path and query the generated `Endpoint` writes.

use std::collections::HashMap;

use serde_json::Value;
use webshare_api::operations::{self, OperationVisitor};
use webshare_api::{Endpoint, Operation, Query, RawParams};

use crate::spec::{Body, Holds, Spec};

/// Whose resources a request acts on: the account's own, or its sub-user's (`X-Subuser`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Account,
    Subuser,
}

/// A request's parameter that names something an account owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// A record ID in the path.
    Path(&'static str),
    /// A record ID in the query (`plan_id`, `…_id`).
    Query(&'static str),
    /// The `X-Subuser` header.
    Subuser,
}

/// The record kind a query `…_id` parameter names: the list operation its records are listed by. A new
/// `…_id` parameter is not here, and the suite fails until it is.
static QUERY_RECORDS: &[(&str, &Operation)] = &[
    ("plan_id", &operations::LIST_PLANS),
    (
        "subscription_transaction_id",
        &operations::LIST_TRANSACTIONS,
    ),
];

/// The download token scope each credential parameter takes (its description says which). A new
/// credential parameter is not here, and the suite fails until it is.
static CREDENTIALS: &[(&Operation, &str, &str)] = &[
    (&operations::DOWNLOAD_PROXY_LIST, "token", "proxy_list"),
    (
        &operations::DOWNLOAD_REPLACED_PROXIES,
        "download_token",
        "replaced_proxy",
    ),
    (
        &operations::DOWNLOAD_PROXY_ACTIVITY,
        "download_token",
        "activity",
    ),
];

/// A collection's path, as the records of `path` (a list, or the path before an ID) are keyed: with
/// one trailing `/`.
pub fn collection_at(path: &str) -> String {
    format!("{}/", path.trim_end_matches('/'))
}

/// The collection a slot's record is listed at (its path up to the ID), or `None` for the header.
pub fn collection(op: &Operation, slot: Slot) -> Result<Option<String>, String> {
    match slot {
        Slot::Subuser => Ok(None),
        Slot::Path(name) => {
            let marker = format!("{{{name}}}");
            let at = op
                .path
                .find(&marker)
                .expect("a path parameter is in its path");
            Ok(Some(collection_at(&op.path[..at])))
        }
        Slot::Query(name) => QUERY_RECORDS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, list)| Some(collection_at(list.path)))
            .ok_or_else(|| format!("{}: no record kind known for query `{name}`", op.name)),
    }
}

/// The slots of `op`, from its facts: path parameters holding record IDs, query `…_id` parameters, and
/// `X-Subuser` where it is accepted.
pub fn slots(spec: &Spec, op: &'static Operation) -> Vec<Slot> {
    let mut slots: Vec<Slot> = op
        .path_params
        .iter()
        .filter(|name| spec.holds(op, name) == Holds::Record)
        .map(|name| Slot::Path(name))
        .collect();
    slots.extend(
        op.query_params
            .iter()
            .filter(|name| spec.holds(op, name) == Holds::Record)
            .map(|name| Slot::Query(name)),
    );
    if op.subuser {
        slots.push(Slot::Subuser);
    }
    slots
}

/// An account of the suite, with the IDs of its records.
pub struct Owner {
    pub email: String,
    pub token: String,
    pub subuser: i64,
    /// By scope and collection (`/v2/apikey/`): the first record listed there.
    records: HashMap<(Scope, String), i64>,
    /// By scope (`proxy_list`, …).
    download_tokens: HashMap<String, String>,
}

impl Owner {
    /// An account with its plan, and `subuser` (0 for none), before its other records are known.
    pub fn new(email: String, token: String, plan_id: i64, subuser: i64) -> Self {
        let plan = (Scope::Account, collection_at(operations::LIST_PLANS.path));
        Self {
            email,
            token,
            subuser,
            records: HashMap::from([(plan, plan_id)]),
            download_tokens: HashMap::new(),
        }
    }

    /// Records `id` as the owner's record in `collection`, seen in `scope` (the first one stays).
    pub fn add_record(&mut self, scope: Scope, collection: String, id: i64) {
        self.records.entry((scope, collection)).or_insert(id);
    }

    /// Records the owner's download token of `scope`.
    pub fn add_download_token(&mut self, scope: String, key: String) {
        self.download_tokens.insert(scope, key);
    }

    /// The ID of the owner's record in `collection`, as seen in `scope`: a sub-user sees the account's
    /// records, but its own of the kinds listed with `X-Subuser`.
    pub fn record(&self, scope: Scope, collection: &str) -> Option<i64> {
        let own_kind = operations::ALL.iter().any(|list| {
            list.subuser && list.method.is_safe() && collection_at(list.path) == collection
        });
        let seen_in = if own_kind { scope } else { Scope::Account };
        self.records.get(&(seen_in, collection.to_owned())).copied()
    }

    /// What must never reach another account.
    pub fn secrets(&self) -> Vec<&str> {
        let mut secrets = vec![self.token.as_str(), self.email.as_str()];
        secrets.extend(self.download_tokens.values().map(String::as_str));
        secrets
    }

    fn credential(&self, op: &Operation, name: &str) -> Result<String, String> {
        let (_, _, scope) = CREDENTIALS
            .iter()
            .find(|(o, n, _)| o.id == op.id && *n == name)
            .ok_or_else(|| format!("{}: no download scope known for `{name}`", op.name))?;
        self.download_tokens
            .get(*scope)
            .cloned()
            .ok_or_else(|| format!("{}: no `{scope}` download token", op.name))
    }
}

/// Where each slot's value comes from: slots in `from_a` take `a`'s, the others `b`'s, all as seen in
/// `scope` (`X-Subuser` is sent only in the sub-user scope).
pub struct Fill<'a> {
    pub a: &'a Owner,
    pub b: &'a Owner,
    pub from_a: &'a [Slot],
    pub scope: Scope,
}

impl Fill<'_> {
    /// Every slot from `owner`.
    pub fn own(owner: &Owner, scope: Scope) -> Fill<'_> {
        Fill {
            a: owner,
            b: owner,
            from_a: &[],
            scope,
        }
    }

    fn value(&self, op: &Operation, slot: Slot) -> Result<Option<String>, String> {
        let owner = if self.from_a.contains(&slot) {
            self.a
        } else {
            self.b
        };
        match collection(op, slot)? {
            None => Ok((self.scope == Scope::Subuser).then(|| owner.subuser.to_string())),
            Some(collection) => owner
                .record(self.scope, &collection)
                .map(|id| Some(id.to_string()))
                .ok_or_else(|| {
                    format!(
                        "{}: {} has no record at {collection} to fill {slot:?}",
                        op.name, owner.email
                    )
                }),
        }
    }
}

/// A request ready to send.
#[derive(Debug, Clone)]
pub struct Request {
    pub op: &'static Operation,
    /// The path and query below the base URL.
    pub target: String,
    pub subuser: Option<String>,
    pub body: Option<Body>,
}

/// What came back.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    /// JSON when the body is JSON, else its text.
    pub body: Value,
}

/// The path and query that the generated `Endpoint` writes from parameters as a server reads them.
struct Encode<'a>(&'a RawParams);

impl OperationVisitor for Encode<'_> {
    type Output = Result<(String, String, Option<i64>), String>;

    fn visit<E: Endpoint>(self) -> Self::Output {
        let params = E::parse(self.0).map_err(|e| format!("{}: {e}", E::OPERATION.name))?;
        let mut path = String::new();
        params.write_path(&mut path);
        let mut query = Query::new();
        params.write_query(&mut query, None);
        Ok((path, query.as_str().to_owned(), params.subuser()))
    }
}

/// `op`'s request with its slots filled by `fill`, its credentials `caller`'s, its other required
/// parameters plain values, and its body the spec's example.
pub fn build(
    spec: &Spec,
    op: &'static Operation,
    fill: &Fill<'_>,
    caller: &Owner,
) -> Result<Request, String> {
    let mut raw = RawParams::default();
    for name in op.path_params {
        let value = match spec.holds(op, name) {
            Holds::Record => fill.value(op, Slot::Path(name))?.expect("a record ID"),
            Holds::Credential => caller.credential(op, name)?,
            Holds::Plain => spec.plain_value(op, name),
        };
        raw.path.push(((*name).to_owned(), value));
    }
    for name in op.query_params {
        let value = match spec.holds(op, name) {
            Holds::Record => fill.value(op, Slot::Query(name))?,
            Holds::Credential => Some(caller.credential(op, name)?),
            Holds::Plain => spec.required(op, name).then(|| spec.plain_value(op, name)),
        };
        if let Some(value) = value {
            raw.query.push(((*name).to_owned(), value));
        }
    }
    if op.subuser {
        raw.subuser = fill.value(op, Slot::Subuser)?;
    }
    let (path, query, subuser) = op.id.visit(Encode(&raw))?;
    let target = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    Ok(Request {
        op,
        target,
        subuser: subuser.map(|id| id.to_string()),
        body: spec.body(op),
    })
}
