//! Isolation between accounts, for every operation whose facts name something an account owns: a record
//! ID in the path, a `plan_id` or other `…_id` in the query, or a sub-user in `X-Subuser`. Account B,
//! sending account A's value in one of them (its own everywhere else), gets the 404 the spec documents,
//! never one of A's secrets, and A's every readable answer is the same afterwards.
//!
//! The operations and their parameters come from `webshare_api::operations::ALL` and the spec (see
//! `isolation/request.rs` for how each parameter gets its value): an operation added to the spec joins the
//! suite, and if the suite has no value of A's for one of its parameters it fails, naming it.
//!
//! Raw HTTP (reqwest) rather than the typed client: the suite is generic over operations, which the
//! generated `Endpoint` (parse, then write the path and query) covers without a method per operation.

#[path = "isolation/request.rs"]
mod request;
#[path = "isolation/spec.rs"]
mod spec;
#[path = "isolation/world.rs"]
mod world;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use request::{Answer, Fill, Owner, Scope, Slot, build, collection_at, slots};
use serde_json::Value;
use webshare_api::Operation;
use webshare_api::operations::{self, ALL};
use webshare_mock_server::{Config, MockServer};
use world::World;

/// Small plans, and replacements that complete at once, so that nothing changes by itself between two
/// reads.
fn config() -> Config {
    Config::default()
        .proxies_per_plan(10)
        .activity_per_plan(3)
        .replacement_step(Duration::ZERO)
}

/// The operations the facts say act on something an account owns.
fn selected() -> Vec<&'static Operation> {
    ALL.iter()
        .copied()
        .filter(|op| {
            !op.path_params.is_empty()
                || op.plan_scoped
                || op.subuser
                || op.query_params.iter().any(|q| q.ends_with("_id"))
        })
        .collect()
}

/// Every read of an account, as itself (and as its sub-user where the read takes `X-Subuser`): status and
/// body, or why the read could not be made.
type Snapshot = BTreeMap<String, Result<Answer, String>>;

async fn snapshot(world: &World, owner: &Owner) -> Snapshot {
    let mut reads = Snapshot::new();
    for op in ALL.iter().filter(|op| op.method.is_safe()) {
        let scopes: &[Scope] = if op.subuser {
            &[Scope::Account, Scope::Subuser]
        } else {
            &[Scope::Account]
        };
        for &scope in scopes {
            let answer = match build(&world.spec, op, &Fill::own(owner, scope), owner) {
                Ok(request) => Ok(world.send(&request, owner).await),
                Err(e) => Err(e),
            };
            reads.insert(format!("{} ({scope:?})", op.name), answer);
        }
    }
    reads
}

/// The JSON pointers at which `after` differs from `before` (`/status` for the status). Written here
/// rather than taken from a JSON-diff crate: the suite needs only the set of differing pointers (to leave
/// out the ones that change by themselves), which is this walk, and no new dependency.
fn differences(before: &Snapshot, after: &Snapshot) -> BTreeSet<(String, String)> {
    fn walk(before: &Value, after: &Value, at: String, out: &mut Vec<String>) {
        match (before, after) {
            (Value::Object(x), Value::Object(y)) => {
                for key in x.keys().chain(y.keys()).collect::<BTreeSet<_>>() {
                    let (x, y) = (&x.get(key), &y.get(key));
                    let (x, y) = (x.unwrap_or(&Value::Null), y.unwrap_or(&Value::Null));
                    walk(x, y, format!("{at}/{key}"), out);
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (i, (x, y)) in x.iter().zip(y).enumerate() {
                    walk(x, y, format!("{at}/{i}"), out);
                }
            }
            _ if before != after => out.push(at),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    for (read, was) in before {
        let now = &after[read];
        let mut at = Vec::new();
        match (was, now) {
            (Ok(x), Ok(y)) if x.status != y.status => at.push("/status".into()),
            (Ok(x), Ok(y)) => walk(&x.body, &y.body, "/body".into(), &mut at),
            (x, y) if x != y => at.push(String::new()),
            _ => {}
        }
        out.extend(at.into_iter().map(|p| (read.clone(), p)));
    }
    out
}

/// What one operation's run found wrong, and how many requests of B's it checked.
#[derive(Default)]
struct Outcome {
    problems: Vec<String>,
    attempts: usize,
}

/// B's requests with A's values for `op`: each record slot alone (the `X-Subuser` test: the header
/// with the records of A's sub-user), then B's own request; then A's reads compared.
async fn run(world: &World, op: &'static Operation, n: usize, header: bool) -> Outcome {
    let mut outcome = Outcome::default();
    let a = world.owner(&format!("a{n}-{}", op.name)).await;
    let b = world.owner(&format!("b{n}-{}", op.name)).await;
    let own_slots = slots(&world.spec, op);
    let variants: Vec<(Vec<Slot>, Scope)> = if header {
        let mut from_a: Vec<Slot> = own_slots
            .iter()
            .copied()
            .filter(|s| matches!(s, Slot::Path(_)))
            .collect();
        from_a.push(Slot::Subuser);
        vec![(from_a, Scope::Subuser)]
    } else {
        own_slots
            .iter()
            .filter(|s| **s != Slot::Subuser)
            .map(|s| (vec![*s], Scope::Account))
            .collect()
    };
    // Whatever changes between two reads with nothing sent in between changes by itself (a date computed
    // from now): it is left out of the comparison.
    let first = snapshot(world, &a).await;
    let before = snapshot(world, &a).await;
    let volatile = differences(&first, &before);
    // A read of one of A's records by its ID that fails would make "unchanged" say nothing about it.
    for read in ALL.iter().filter(|read| {
        read.method.is_safe()
            && slots(&world.spec, read)
                .iter()
                .any(|s| matches!(s, Slot::Path(_)))
    }) {
        match &before[&format!("{} ({:?})", read.name, Scope::Account)] {
            Ok(answer) if answer.status == 200 => {}
            other => outcome.problems.push(format!(
                "setup: A cannot read its record: {}: {other:?}",
                read.name
            )),
        }
    }
    if !variants.is_empty() && !world.spec.documents(op, 404) {
        outcome
            .problems
            .push(format!("{}: the spec documents no 404", op.name));
    }
    let a_secrets = a.secrets();
    let leaked = |answer: &Answer| {
        let text = answer.body.to_string();
        a_secrets.iter().any(|secret| text.contains(secret))
    };
    for (from_a, scope) in &variants {
        let fill = Fill {
            a: &a,
            b: &b,
            from_a,
            scope: *scope,
        };
        let request = match build(&world.spec, op, &fill, &b) {
            Ok(request) => request,
            Err(e) => {
                outcome.problems.push(format!("cannot fill: {e}"));
                continue;
            }
        };
        let answer = world.send(&request, &b).await;
        outcome.attempts += 1;
        if answer.status != 404 {
            outcome.problems.push(format!(
                "{}: B with A's {from_a:?}: {} {answer:?}",
                op.name, request.target
            ));
        }
        if leaked(&answer) {
            outcome.problems.push(format!(
                "{}: B with A's {from_a:?} got A's secrets",
                op.name
            ));
        }
    }
    // B's own request, which the attempts above differ from only by A's values: not a 404 (so theirs was
    // A's values'), and nothing of A's in it.
    let scope = if header {
        Scope::Subuser
    } else {
        Scope::Account
    };
    match build(&world.spec, op, &Fill::own(&b, scope), &b) {
        Ok(request) => {
            let answer = world.send(&request, &b).await;
            outcome.attempts += 1;
            if answer.status == 404 || answer.status >= 500 {
                outcome.problems.push(format!(
                    "{}: B's own request: {} {answer:?}",
                    op.name, request.target
                ));
            }
            if leaked(&answer) {
                outcome
                    .problems
                    .push(format!("{}: B's own request got A's secrets", op.name));
            }
        }
        Err(e) => outcome.problems.push(format!("cannot fill: {e}")),
    }
    let after = snapshot(world, &a).await;
    for (read, at) in differences(&before, &after) {
        if !volatile.contains(&(read.clone(), at.clone())) {
            outcome.problems.push(format!(
                "{}: A's {read} changed at {at}: {:?} -> {:?}",
                op.name, before[&read], after[&read]
            ));
        }
    }
    outcome
}

/// Runs `ops` and fails with every problem found, after printing what was covered.
async fn suite(ops: Vec<&'static Operation>, header: bool) {
    let world = World::new(MockServer::start_with(config()).await);
    let mut problems = Vec::new();
    let mut attempts = 0;
    for (n, op) in ops.iter().enumerate() {
        let outcome = run(&world, op, n, header).await;
        attempts += outcome.attempts;
        problems.extend(outcome.problems);
    }
    let names: Vec<_> = ops.iter().map(|op| op.name).collect();
    eprintln!(
        "{} operations, {attempts} requests of B's: {}",
        ops.len(),
        names.join(", ")
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_accounts_ids_and_plans_are_not_found() {
    suite(selected(), false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_accounts_subuser_is_not_found() {
    let ops = selected().into_iter().filter(|op| op.subuser).collect();
    suite(ops, true).await;
}

/// The guard that keeps an operation from slipping through: a slot with no value of the account's is an
/// error naming the operation and what is missing, not a request left out.
#[tokio::test]
async fn a_slot_without_a_value_is_an_error() {
    let world = World::new(MockServer::start_with(config()).await);
    let bare = world.plain_account("bare").await;
    let error = build(
        &world.spec,
        &operations::GET_API_KEY,
        &Fill::own(&bare, Scope::Account),
        &bare,
    )
    .unwrap_err();
    assert!(
        error.contains("get_api_key")
            && error.contains(&collection_at(operations::LIST_API_KEYS.path)),
        "{error}"
    );
    assert_eq!(
        selected().len(),
        ALL.iter()
            .filter(|op| !slots(&world.spec, op).is_empty() || !op.path_params.is_empty())
            .count(),
        "every operation with a slot is selected by its facts"
    );
}
