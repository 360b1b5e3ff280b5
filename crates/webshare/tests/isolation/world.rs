//! The accounts of the isolation suite, over raw HTTP: an account with one record of every kind the
//! API's IDs name, the IDs it got, and requests built from the facts with values chosen per parameter.

use std::collections::HashMap;

use serde_json::{Value, json};
use webshare_api::operations::{self, OperationVisitor};
use webshare_api::{Auth, Endpoint, Operation, Pagination, Query, RawParams};
use webshare_mock_server::{MockServer, VerificationRequest};

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

/// The record kind a query `…_id` parameter names: the collection it is listed at. A new `…_id`
/// parameter is not here, and the suite fails until it is.
const QUERY_RECORDS: &[(&str, &str)] = &[
    ("plan_id", "/v2/subscription/plan/"),
    ("subscription_transaction_id", "/v2/payment/transaction/"),
];

/// The download token scope each credential parameter takes (its description says which). A new
/// credential parameter is not here, and the suite fails until it is.
const CREDENTIALS: &[(&str, &str, &str)] = &[
    ("download_proxy_list", "token", "proxy_list"),
    (
        "download_replaced_proxies",
        "download_token",
        "replaced_proxy",
    ),
    ("download_proxy_activity", "download_token", "activity"),
];

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
            Ok(Some(op.path[..at].to_owned()))
        }
        Slot::Query(name) => QUERY_RECORDS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| Some((*c).to_owned()))
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
    /// The ID of the owner's record in `collection`, as seen in `scope`.
    pub fn record(&self, scope: Scope, collection: &str) -> Option<i64> {
        self.records
            .get(&(scope, collection.to_owned()))
            .or_else(|| self.records.get(&(Scope::Account, collection.to_owned())))
            .copied()
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
            .find(|(o, n, _)| *o == op.name && *n == name)
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

/// The suite's HTTP side: a server, and a client for it.
pub struct World {
    pub server: MockServer,
    pub spec: Spec,
    http: reqwest::Client,
}

impl World {
    pub fn new(server: MockServer) -> Self {
        Self {
            server,
            spec: Spec::load(),
            http: reqwest::Client::new(),
        }
    }

    /// Sends `request` with `caller`'s token where the operation takes one.
    pub async fn send(&self, request: &Request, caller: &Owner) -> Answer {
        let op = request.op;
        let method = reqwest::Method::from_bytes(op.method.as_str().as_bytes()).unwrap();
        let url = format!("{}{}", self.server.base_url(), request.target);
        let mut builder = self.http.request(method, url);
        if op.auth != Auth::None {
            builder = builder.header("Authorization", format!("Token {}", caller.token));
        }
        if let Some(id) = &request.subuser {
            builder = builder.header(operations::SUBUSER_HEADER, id);
        }
        builder = match &request.body {
            None => builder,
            Some(Body::Json(body)) => builder.json(body),
            Some(Body::Form(fields)) => {
                let mut form = reqwest::multipart::Form::new();
                for (name, value) in fields {
                    let text = value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_owned);
                    form = form.text(name.clone(), text);
                }
                builder.multipart(form)
            }
        };
        let response = builder.send().await.expect("the mock server answers");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("the whole body");
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        Answer { status, body }
    }

    /// `op` sent by `owner` with a JSON body (none when `body` is null), every slot its own.
    async fn call(
        &self,
        owner: &Owner,
        op: &'static Operation,
        scope: Scope,
        body: Value,
    ) -> Answer {
        let mut request = build(&self.spec, op, &Fill::own(owner, scope), owner)
            .unwrap_or_else(|e| panic!("setup: {e}"));
        if !body.is_null() {
            request.body = Some(Body::Json(body));
        }
        self.send(&request, owner).await
    }

    /// A new account named `name` with one record of every kind an ID names, and the IDs they got.
    pub async fn owner(&self, name: &str) -> Owner {
        let email = format!("{name}@example.com");
        let seeded = self
            .server
            .seed_account(&email, "Correct-Horse-Battery-9")
            .expect("a new email");
        let subuser = self.server.add_subuser(&email).expect("the account exists");
        let mut owner = Owner {
            email: email.clone(),
            token: seeded.token,
            subuser,
            records: HashMap::from([(
                (Scope::Account, "/v2/subscription/plan/".to_owned()),
                seeded.plan_id,
            )]),
            download_tokens: HashMap::new(),
        };
        let ok = |answer: Answer, what: &str| {
            assert!(answer.status < 300, "setup: {what}: {answer:?}");
            answer.body
        };
        self.server.authorize_ip(&email, "192.0.2.10");
        ok(
            self.call(
                &owner,
                &operations::CREATE_IP_AUTHORIZATION,
                Scope::Subuser,
                Value::Null,
            )
            .await,
            "a sub-user's IP authorization",
        );
        for (op, what) in [
            (&operations::CREATE_API_KEY, "an API key"),
            (&operations::CREATE_PROXY_REPLACEMENT, "a proxy replacement"),
        ] {
            ok(
                self.call(&owner, op, Scope::Account, Value::Null).await,
                what,
            );
        }
        let method = ok(
            self.call(
                &owner,
                &operations::CHANGE_TWO_FACTOR_METHOD,
                Scope::Account,
                json!({"type": "device_totp"}),
            )
            .await,
            "a two-factor device",
        );
        // Not listed anywhere: the create answer holds its ID.
        owner.records.insert(
            (Scope::Account, "/v2/twofactorauth/method/".into()),
            method["id"].as_i64().expect("a method ID"),
        );
        // A saved card (a payment method), then a card setup left pending (a pending payment).
        for confirm in [true, false] {
            let setup = ok(
                self.call(
                    &owner,
                    &operations::CREATE_PAYMENT_METHOD,
                    Scope::Account,
                    Value::Null,
                )
                .await,
                "a card setup",
            );
            if confirm {
                let id = setup["pending_payment"]
                    .as_i64()
                    .expect("a pending payment");
                assert!(self.server.confirm_payment(&email, id, true));
            }
        }
        self.pay_a_renewal(&owner).await;
        // A referral credit (another account pays with this one's code) and its earn-out.
        let config = ok(
            self.call(
                &owner,
                &operations::GET_REFERRAL_CONFIG,
                Scope::Account,
                Value::Null,
            )
            .await,
            "the referral config",
        );
        let referee = self.plain_account(&format!("{name}-referee")).await;
        ok(
            self.call(
                &referee,
                &operations::APPLY_REFERRAL_COUPON_CODE,
                Scope::Account,
                json!({"code": config["referral_code"]}),
            )
            .await,
            "the referee applies the code",
        );
        self.pay_a_renewal(&referee).await;
        assert!(self.server.earn_out(&email) > 0, "setup: an earn-out");
        self.server.open_verification(
            &email,
            &VerificationRequest::new("abuse_report")
                .needs_evidence()
                .question("What do you use the proxies for?"),
        );
        for scope in self.spec.choices("DownloadTokenScope") {
            let mut request = build(
                &self.spec,
                &operations::GET_DOWNLOAD_TOKEN,
                &Fill::own(&owner, Scope::Account),
                &owner,
            )
            .unwrap();
            request.target = request.target.replace("proxy_list", &scope);
            let token = ok(self.send(&request, &owner).await, "a download token");
            let key = token["key"].as_str().expect("a download token key");
            owner.download_tokens.insert(scope, key.to_owned());
        }
        self.list_records(&mut owner).await;
        owner
    }

    /// An account with no records beyond what every account starts with.
    pub async fn plain_account(&self, name: &str) -> Owner {
        let email = format!("{name}@example.com");
        let seeded = self
            .server
            .seed_account(&email, "Correct-Horse-Battery-9")
            .expect("a new email");
        Owner {
            email,
            token: seeded.token,
            subuser: 0,
            records: HashMap::from([(
                (Scope::Account, "/v2/subscription/plan/".to_owned()),
                seeded.plan_id,
            )]),
            download_tokens: HashMap::new(),
        }
    }

    /// Renews `owner`'s subscription until a payment is charged (the starting credits pay the first),
    /// and confirms it: a transaction.
    async fn pay_a_renewal(&self, owner: &Owner) {
        for _ in 0..10 {
            let answer = self
                .call(
                    owner,
                    &operations::RENEW_SUBSCRIPTION,
                    Scope::Account,
                    json!({"term": "monthly"}),
                )
                .await;
            assert_eq!(answer.status, 200, "setup: a renewal: {answer:?}");
            if let Some(id) = answer.body["pending_payment"].as_i64() {
                assert!(self.server.confirm_payment(&owner.email, id, true));
                return;
            }
        }
        panic!("setup: the starting credits paid ten renewals");
    }

    /// The first record of every list the account can read (as the sub-user too, where a list takes
    /// `X-Subuser`).
    async fn list_records(&self, owner: &mut Owner) {
        let lists = operations::ALL.iter().filter(|op| {
            op.method.as_str() == "GET"
                && op.pagination != Pagination::None
                && op.path_params.is_empty()
        });
        for op in lists {
            let scopes: &[Scope] = if op.subuser {
                &[Scope::Account, Scope::Subuser]
            } else {
                &[Scope::Account]
            };
            for &scope in scopes {
                let answer = self.call(owner, op, scope, Value::Null).await;
                let items = answer.body.get("results").unwrap_or(&answer.body);
                if let Some(id) = items.pointer("/0/id").and_then(Value::as_i64) {
                    let collection = format!("{}/", op.path.trim_end_matches('/'));
                    owner.records.entry((scope, collection)).or_insert(id);
                }
            }
        }
    }
}
