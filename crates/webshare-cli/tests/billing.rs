//! The billing commands of the `webshare` binary against a started mock server: `subscription` (show,
//! pricing, buy, auto-renewal), `billing`, `payments`, `invoices`, `referral` and `verification`.
//!
//! Shared helpers: `common/mod.rs`.

#[macro_use]
mod common;

use common::*;

#[test]
fn subscription_billing_referral_and_verification_commands() {
    let server = Server::start();
    let token = server.register();
    let run = |args: &[&str], code: i32| server.run_with_key(&token, args, None, code);

    let shown = run(&["subscription", "show", "--json"], 0);
    let subscription: serde_json::Value = serde_json::from_str(shown.stdout.trim()).unwrap();
    assert_eq!(subscription["free_credits"], serde_json::json!(25.0));
    let pricing = run(
        &[
            "subscription",
            "pricing",
            "--proxies",
            "US=1000",
            "--bandwidth",
            "250",
            "--json",
        ],
        0,
    );
    let pricing: serde_json::Value = serde_json::from_str(pricing.stdout.trim()).unwrap();
    assert_eq!(pricing["discount_percentage"], 15);
    run(&["subscription", "pricing", "--proxies", "US"], 2);

    // A purchase beyond the credits waits for Stripe; the client secret is withheld unless asked for.
    let bought = run(
        &[
            "subscription",
            "buy",
            "--proxies",
            "US=1000",
            "--bandwidth",
            "250",
            "--json",
        ],
        0,
    );
    assert!(
        bought
            .stdout
            .contains(r#""stripe_client_secret":"[redacted]""#),
        "{}",
        bought.stdout
    );
    assert!(!bought.stdout.contains("_secret_"), "{}", bought.stdout);
    let checkout: serde_json::Value = serde_json::from_str(bought.stdout.trim()).unwrap();
    let pending = checkout["pending_payment"].as_i64().unwrap();
    assert!(server.server.confirm_payment(EMAIL, pending, true));
    let payment = run(&["payments", "pending", "show", &pending.to_string()], 0);
    assert_eq!(
        object_field(&payment.stdout, "status"),
        Some("successful"),
        "{}",
        payment.stdout
    );
    let unknown = run(&["payments", "pending", "show", "999999"], 1);
    assert!(
        unknown
            .stderr
            .contains("not found: no pending payment with id 999999"),
        "{}",
        unknown.stderr
    );
    assert_eq!(
        run(
            &["proxies", "list", "--mode", "direct", "--all", "--json"],
            0
        )
        .stdout
        .lines()
        .count(),
        1000
    );

    let transactions = run(&["payments", "transactions", "list", "--all", "--json"], 0);
    let transaction: serde_json::Value =
        serde_json::from_str(transactions.stdout.lines().next().unwrap()).unwrap();
    let id = transaction["id"].to_string();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("invoice.pdf");
    run(
        &["invoices", "download", &id, "-o", pdf.to_str().unwrap()],
        0,
    );
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    // An existing file is not overwritten; an unknown transaction leaves no file.
    run(
        &["invoices", "download", &id, "-o", pdf.to_str().unwrap()],
        2,
    );
    let missing = dir.path().join("missing.pdf");
    run(
        &[
            "invoices",
            "download",
            "999999",
            "-o",
            missing.to_str().unwrap(),
        ],
        1,
    );
    assert!(!missing.exists());

    let info = run(&["billing", "update", "--name", "Jane Doe"], 0);
    assert_eq!(
        object_field(&info.stdout, "name"),
        Some("Jane Doe"),
        "{}",
        info.stdout
    );
    // Nothing to update: the server refuses an empty body (exit 3), and says why.
    let empty = run(&["billing", "update"], 3);
    assert!(
        empty.stderr.contains("at least one field"),
        "{}",
        empty.stderr
    );
    let off = run(&["subscription", "cancel-auto-renewal"], 0);
    assert_eq!(
        object_field(&off.stdout, "renewals_enabled"),
        Some("no"),
        "{}",
        off.stdout
    );
    let on = run(&["subscription", "enable-auto-renewal"], 0);
    assert_eq!(
        object_field(&on.stdout, "renewals_enabled"),
        Some("yes"),
        "{}",
        on.stdout
    );

    let referral = run(&["referral", "show", "--json"], 0);
    let code =
        serde_json::from_str::<serde_json::Value>(referral.stdout.trim()).unwrap()["referral_code"]
            .as_str()
            .unwrap()
            .to_owned();
    // The code's public information needs no credentials.
    let info = server.run(
        &["referral", "code-info", "--referral-code", &code],
        None,
        0,
    );
    assert_eq!(
        object_field(&info.stdout, "referral_code"),
        Some(code.as_str()),
        "{}",
        info.stdout
    );
    let own = run(&["referral", "coupon", "apply", "--code", &code], 3);
    assert!(
        own.stderr.contains("cannot apply your own code"),
        "{}",
        own.stderr
    );
    let channels = run(&["referral", "channels"], 0).stdout;
    assert!(
        table_rows(&channels).iter().any(|row| row["CODE"] == code),
        "{channels}"
    );

    // Suspended: other commands fail with the API's reason; evidence from a file passes the flow.
    let flow = server
        .server
        .open_verification(
            EMAIL,
            &webshare_mock_server::VerificationRequest::new("acceptable_use_violation")
                .needs_evidence()
                .suspends(),
        )
        .unwrap();
    let refused = run(&["proxies", "list", "--mode", "direct"], 4);
    assert!(refused.stderr.contains("suspended"), "{}", refused.stderr);
    let file = dir.path().join("evidence.txt");
    std::fs::write(&file, "price monitoring").unwrap();
    let sent = run(
        &[
            "verification",
            "evidence",
            &flow.to_string(),
            "--explanation",
            "Prices.",
            "--file",
            file.to_str().unwrap(),
        ],
        0,
    );
    assert!(
        sent.stdout.contains("verificationevidence/evidence.txt"),
        "{}",
        sent.stdout
    );
    run(
        &[
            "verification",
            "evidence",
            &flow.to_string(),
            "--file",
            "/no/such/file",
        ],
        2,
    );
    assert!(
        run(&["verification", "suspension"], 0)
            .stdout
            .contains("acceptable_use_violation")
    );
    assert!(server.server.decide_verification(EMAIL, flow, true));
    run(&["proxies", "list", "--mode", "direct"], 0);
    assert!(
        run(&["verification", "limits"], 0)
            .stdout
            .contains("active")
    );
}
