//! When the live API differs from the spec: every read-only operation of the spec, called typed through the
//! `webshare` client, against a mock server whose answers drift in each way live APIs drift. A harmless
//! drift (an unknown enum value or selector kind, extra fields, `null` or absent nullable fields) must not
//! break a call; a harmful one (a wrong type, a missing required field) must fail naming the operation and
//! the exact JSON path the server changed — never the value. `check-api` must find nothing on the mock
//! and exactly what was planted on a drifting one.

use std::future::Future;
use std::pin::Pin;

use webshare::operations::{OperationId, OperationVisitor};
use webshare::{Client, Error, Outcome, ReadOnlyCall};
use webshare_api::{Endpoint, RawParams, ResponseKind};
use webshare_mock_server::{Drift, MockServer, VerificationRequest};

const EMAIL: &str = "drift@example.com";

/// A mock server whose account has one of everything a test can create, and a client of it.
async fn populated() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let seeded = server.seed_account(EMAIL, "Correct-Horse-9").unwrap();
    let client = Client::builder()
        .base_url(server.base_url())
        .api_key(seeded.token)
        .build()
        .unwrap();
    server.authorize_ip(EMAIL, "10.0.0.1").unwrap();
    server.add_subuser(EMAIL).unwrap();
    server
        .notify(EMAIL, "question_is_added", Default::default(), true)
        .unwrap();
    server
        .open_verification(EMAIL, &VerificationRequest::new("abuse"))
        .unwrap();
    assert!(server.request_id_verification(EMAIL));
    client.api_keys().create("drift").await.unwrap();
    client
        .replacements()
        .create(&webshare::types::ProxyReplacementCreateRequest {
            to_replace: webshare::types::ProxySelector::ip_ranges(["10.0.0.0/8"]).count(1),
            replace_with: vec![webshare::types::ReplacementSource::any(1)],
            dry_run: Some(true),
        })
        .await
        .unwrap();
    (server, client)
}

/// The operations whose lists a test cannot fill on the mock server, with why: they are skipped by the
/// planner, and this list says so explicitly (a new skip fails the test).
const NOT_SEEDABLE: &[(&str, &str)] = &[
    (
        "get_payment_method",
        "no payment method without a card setup in the browser",
    ),
    (
        "get_pending_payment",
        "no pending payment without a checkout",
    ),
    (
        "get_transaction",
        "no transaction without a confirmed payment",
    ),
    ("download_invoice", "no transaction to invoice"),
    (
        "get_referral_credit",
        "no credit without a referred account",
    ),
    ("get_referral_earnout", "no earn-out without a credit"),
];

/// The operations that answer 404 for this account, with why (checked: they do, and nothing else does).
const ABSENT_HERE: &[(&str, &str)] = &[
    ("get_two_factor_method", "two-factor authentication is off"),
    (
        "get_verification_suspension",
        "the account is not suspended",
    ),
];

/// Sends one planned call, typed, and gives its outcome.
struct SendTyped<'a> {
    client: &'a Client,
    raw: &'a RawParams,
}

type Sending<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>;

impl<'a> OperationVisitor for SendTyped<'a> {
    type Output = Sending<'a>;

    fn visit<E: Endpoint>(self) -> Self::Output {
        let params = E::parse(self.raw).expect("the planner's parameters parse");
        let client = self.client;
        Box::pin(async move { client.request(&params).await.map(|_| ()) })
    }
}

/// The JSON operations the planner could call, and checks that every skip is an expected one.
fn json_calls(calls: &[ReadOnlyCall]) -> Vec<(&'static webshare_api::Operation, RawParams)> {
    let mut out = Vec::new();
    for call in calls {
        match &call.params {
            Ok(raw) if call.operation.response == ResponseKind::Json => {
                out.push((call.operation, raw.clone()));
            }
            Ok(_) => {}
            Err(reason) => assert!(
                NOT_SEEDABLE
                    .iter()
                    .any(|(name, _)| *name == call.operation.name),
                "{} was skipped ({reason}) but is not in NOT_SEEDABLE",
                call.operation.name
            ),
        }
    }
    out
}

#[tokio::test]
async fn every_read_only_operation_survives_every_drift_or_names_the_path() {
    let (server, client) = populated().await;
    let calls = client.read_only_calls().await.unwrap();
    let json = json_calls(&calls);
    let read_only_json = webshare::operations::ALL
        .iter()
        .filter(|o| o.method == reqwest::Method::GET && o.response == ResponseKind::Json)
        .count();
    let skipped = NOT_SEEDABLE
        .iter()
        .filter(|(name, _)| {
            webshare::operations::ALL
                .iter()
                .any(|o| o.name == *name && o.response == ResponseKind::Json)
        })
        .count();
    assert_eq!(
        json.len() + skipped,
        read_only_json,
        "every read-only JSON operation is called"
    );

    // Without drift, every call succeeds but the 404s this account is expected to get.
    let mut json_present = Vec::new();
    for (operation, raw) in json {
        let outcome = operation
            .id
            .visit(SendTyped {
                client: &client,
                raw: &raw,
            })
            .await;
        let absent = ABSENT_HERE.iter().any(|(name, _)| *name == operation.name);
        match outcome {
            Ok(()) if !absent => json_present.push((operation, raw)),
            Err(Error::NotFound { .. }) if absent => {}
            other => panic!(
                "{} without drift: {:?}",
                operation.name,
                other.map_err(|e| e.to_string())
            ),
        }
    }
    let json = json_present;
    let mut failures = Vec::new();
    let mut planted_somewhere = [0usize; Drift::ALL.len()];
    for (k, drift) in Drift::ALL.into_iter().enumerate() {
        server.set_drift(Some(drift));
        for (operation, raw) in &json {
            let before = server.drifted().len();
            let outcome = operation
                .id
                .visit(SendTyped {
                    client: &client,
                    raw,
                })
                .await;
            let log = server.drifted();
            let planted: Vec<String> = log[before..]
                .iter()
                .filter(|(id, _)| *id == operation.id)
                .flat_map(|(_, paths)| paths.clone())
                .collect();
            planted_somewhere[k] += usize::from(!planted.is_empty());
            let name = operation.name;
            match (drift.is_harmless(), planted.first(), outcome) {
                (true, _, Ok(())) | (false, None, Ok(())) => {}
                (
                    false,
                    Some(path),
                    Err(Error::SpecMismatch {
                        operation,
                        status,
                        difference,
                    }),
                ) if operation == name && status == 200 && difference.path == *path => {
                    let text = Error::SpecMismatch {
                        operation,
                        status,
                        difference,
                    }
                    .to_string();
                    if text.contains(webshare_mock_server::drift::UNKNOWN_VALUE)
                        || text.contains("a value of another type")
                    {
                        failures.push(format!(
                            "{drift} {name}: the error quotes the value: {text}"
                        ));
                    }
                }
                (_, planted, outcome) => failures.push(format!(
                    "{drift} {name}: planted {planted:?}, got {:?}",
                    outcome.map_err(|e| e.to_string())
                )),
            }
        }
    }
    server.set_drift(None);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Each kind planted something in many answers (the suite is not vacuous); the spec's answers hold
    // four open enums, in the replacements and the download tokens.
    for (drift, count) in Drift::ALL.into_iter().zip(planted_somewhere) {
        let least = if drift == Drift::UnknownEnumValues {
            3
        } else {
            20
        };
        assert!(count >= least, "{drift} planted in only {count} answers");
    }
}

#[tokio::test]
async fn unknown_values_round_trip_through_the_types() {
    let (server, client) = populated().await;
    let id = client
        .replacements()
        .list(&Default::default())
        .await
        .unwrap()
        .results[0]
        .id;
    server.set_drift(Some(Drift::UnknownEnumValues));
    let replacement = client.replacements().get(id).await.unwrap();
    let state = replacement.state.clone().unwrap();
    assert!(state.is_unknown());
    assert_eq!(
        state.to_string(),
        webshare_mock_server::drift::UNKNOWN_VALUE
    );
    assert_ne!(state, webshare::types::ProxyReplacementState::Completed);
    let back = serde_json::to_value(&replacement).unwrap();
    assert_eq!(back["state"], webshare_mock_server::drift::UNKNOWN_VALUE);
    assert!(matches!(
        replacement.to_replace,
        Some(webshare::types::ProxySelector::Unknown(_))
    ));
    assert_eq!(
        back["to_replace"]["type"],
        webshare_mock_server::drift::UNKNOWN_VALUE
    );
    assert_eq!(
        back["to_replace"]["ip_ranges"][0], "10.0.0.0/8",
        "the unknown kind keeps its object"
    );
    let token = client
        .download_tokens()
        .get(webshare::types::DownloadTokenScope::ProxyList)
        .await
        .unwrap();
    assert!(token.scope.unwrap().is_unknown());
}

#[tokio::test]
async fn unknown_fields_are_ignored_and_maps_keep_new_keys() {
    let (server, client) = populated().await;
    server.set_drift(Some(Drift::ExtraFields));
    let plan = server.plan_id(EMAIL);
    let status = client.proxy_config().status(plan).await.unwrap();
    let countries = status.countries.expect("the mock's status lists countries");
    assert!(
        countries.contains_key(webshare_mock_server::drift::EXTRA_FIELD),
        "a map keeps a key it did not know: {countries:?}"
    );
}

#[tokio::test]
async fn check_api_finds_nothing_on_the_mock_server() {
    let (_server, client) = populated().await;
    let report = client.check_api().await.unwrap();
    let [ok, differs, unavailable, skipped, failed] = report.counts();
    let problems: Vec<String> = report
        .operations
        .iter()
        .filter(|o| matches!(o.outcome, Outcome::Differs { .. } | Outcome::Failed { .. }))
        .map(|o| format!("{}: {:?}", o.operation, o.outcome))
        .collect();
    assert_eq!((differs, failed), (0, 0), "{}", problems.join("\n"));
    assert!(!report.differs());
    let reads = webshare::operations::ALL
        .iter()
        .filter(|o| o.method == reqwest::Method::GET)
        .count();
    assert_eq!(
        ok + unavailable,
        reads - NOT_SEEDABLE.len(),
        "every read-only operation answered"
    );
    assert_eq!(
        skipped,
        webshare::operations::ALL.len() - reads + NOT_SEEDABLE.len()
    );
    // Nothing that writes was sent: every other operation is skipped with its reason.
    for operation in &report.operations {
        if let Outcome::Skipped { reason } = &operation.outcome {
            assert!(
                reason.contains("may change state")
                    || reason.contains("costs money")
                    || NOT_SEEDABLE
                        .iter()
                        .any(|(name, _)| *name == operation.operation),
                "{}: {reason}",
                operation.operation
            );
        }
    }
}

#[tokio::test]
async fn check_api_reports_exactly_what_drifted_and_never_the_value() {
    let (server, client) = populated().await;
    for drift in [
        Drift::WrongType,
        Drift::MissingRequired,
        Drift::UnknownEnumValues,
    ] {
        server.set_drift(Some(drift));
        let before = server.drifted().len();
        let report = client.check_api().await.unwrap();
        let log = server.drifted();
        assert!(report.differs(), "{drift}");
        let json = serde_json::to_string(&report).unwrap();
        assert!(
            !json.contains(webshare_mock_server::drift::UNKNOWN_VALUE),
            "{drift}: {json}"
        );
        assert!(!json.contains("a value of another type"), "{drift}: {json}");
        for entry in &report.operations {
            let id = webshare::operations::ALL
                .iter()
                .find(|o| o.name == entry.operation)
                .unwrap()
                .id;
            // The planted paths of this operation's last answer (the planner's own lists come first).
            let planted: Vec<String> = log[before..]
                .iter()
                .rev()
                .find(|(op, _)| *op == id)
                .map(|(_, paths)| paths.clone())
                .unwrap_or_default();
            let reported: Vec<String> = match &entry.outcome {
                Outcome::Differs { differences } => {
                    differences.iter().map(|d| d.path.clone()).collect()
                }
                Outcome::Ok => Vec::new(),
                // Not called by the check itself (its ids or token could not be read): no answer of
                // its own to compare.
                _ => continue,
            };
            let mut planted_sorted = planted.clone();
            planted_sorted.sort();
            let mut reported_sorted = reported.clone();
            reported_sorted.sort();
            reported_sorted.dedup();
            assert_eq!(
                reported_sorted, planted_sorted,
                "{drift} {}: reported {reported:?}, planted {planted:?}",
                entry.operation
            );
        }
    }
}

/// An operation id is all a caller needs to reach its typed parameters.
#[test]
fn the_visitor_reaches_every_operation() {
    struct Name;
    impl OperationVisitor for Name {
        type Output = &'static str;
        fn visit<E: Endpoint>(self) -> &'static str {
            E::OPERATION.name
        }
    }
    for operation in webshare::operations::ALL {
        assert_eq!(operation.id.visit(Name), operation.name);
    }
    let _: OperationId = webshare::operations::ALL[0].id;
}

/// The client's open types can send what they keep; the server refuses kinds and values it does not serve.
#[tokio::test]
async fn the_server_refuses_unknown_values_in_requests() {
    let (_server, client) = populated().await;
    let mut object = serde_json::Map::new();
    object.insert("type".into(), "by_moon_phase".into());
    let refused = client
        .replacements()
        .create(&webshare::types::ProxyReplacementCreateRequest {
            to_replace: webshare::types::ProxySelector::Unknown(object),
            replace_with: vec![webshare::types::ReplacementSource::any(1)],
            dry_run: Some(true),
        })
        .await
        .unwrap_err();
    assert!(
        !refused.field_errors("to_replace").is_empty(),
        "{refused:?}"
    );
    let unknown_scope = client
        .download_tokens()
        .get(webshare::types::DownloadTokenScope::Unknown(
            "everything".into(),
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(unknown_scope, Error::NotFound { .. }),
        "{unknown_scope:?}"
    );
    let unknown_state = client
        .replacements()
        .list(&webshare::operations::ListProxyReplacements::new().state(
            webshare::types::ProxyReplacementState::Unknown("paused".into()),
        ))
        .await
        .unwrap_err();
    assert!(
        !unknown_state.field_errors("state").is_empty(),
        "{unknown_state:?}"
    );
}
