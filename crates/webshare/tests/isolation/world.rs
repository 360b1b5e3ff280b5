//! The accounts of the isolation suite, over raw HTTP: an account with one record of every kind the
//! API's IDs name, and the IDs it got.

use serde_json::{Value, json};
use webshare_api::operations;
use webshare_api::operations::GetDownloadToken;
use webshare_api::types::DownloadTokenScope;
use webshare_api::{Auth, Endpoint, Operation, Pagination};
use webshare_mock_server::{MockServer, VerificationRequest};

use crate::request::{Answer, Fill, Owner, Request, Scope, build, collection_at};
use crate::spec::{Body, Spec};

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
        let mut owner = Owner::new(email.clone(), seeded.token, seeded.plan_id, subuser);
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
        owner.add_record(
            Scope::Account,
            collection_at(operations::CHANGE_TWO_FACTOR_METHOD.path),
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
            let params = GetDownloadToken::new(scope.parse::<DownloadTokenScope>().unwrap());
            let mut target = String::new();
            params.write_path(&mut target);
            let request = Request {
                op: &operations::GET_DOWNLOAD_TOKEN,
                target,
                subuser: None,
                body: None,
            };
            let token = ok(self.send(&request, &owner).await, "a download token");
            let key = token["key"].as_str().expect("a download token key");
            owner.add_download_token(scope, key.to_owned());
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
        Owner::new(email, seeded.token, seeded.plan_id, 0)
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
            op.method.is_safe() && op.pagination != Pagination::None && op.path_params.is_empty()
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
                    owner.add_record(scope, collection_at(op.path), id);
                }
            }
        }
    }
}
