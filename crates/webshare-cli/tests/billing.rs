//! The billing commands of the `webshare` binary against a started mock server: `subscription` (show,
//! pricing, auto-renew), `billing`, `payments`, `invoices`, `referral` and `verification`.
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

    // A purchase beyond the credits waits for Stripe; the client secret is withheld.
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
            .contains(r#""stripe_client_secret":"[withheld]""#),
        "{}",
        bought.stdout
    );
    assert!(!bought.stdout.contains("_secret_"), "{}", bought.stdout);
    let checkout: serde_json::Value = serde_json::from_str(bought.stdout.trim()).unwrap();
    let pending = checkout["pending_payment"].as_i64().unwrap();
    assert!(server.server.confirm_payment(EMAIL, pending, true));
    let payment = run(&["payments", "pending", &pending.to_string()], 0);
    assert!(
        payment.stdout.contains(r#"status: "successful""#),
        "{}",
        payment.stdout
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

    let transactions = run(&["payments", "transactions", "--json"], 0);
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

    let info = run(&["billing", "set", "--name", "Jane Doe"], 0);
    assert!(info.stdout.contains("Jane Doe"), "{}", info.stdout);
    run(&["billing", "set"], 2);
    let off = run(&["subscription", "auto-renew", "off"], 0);
    assert!(
        off.stdout.contains("renewals_enabled: false"),
        "{}",
        off.stdout
    );

    let referral = run(&["referral", "show", "--json"], 0);
    let code =
        serde_json::from_str::<serde_json::Value>(referral.stdout.trim()).unwrap()["referral_code"]
            .as_str()
            .unwrap()
            .to_owned();
    let info = server.run(&["referral", "code-info", &code], None, 0);
    assert!(info.stdout.contains(&code), "{}", info.stdout);
    run(&["referral", "coupon", "--apply", &code], 3);
    assert!(run(&["referral", "channels"], 0).stdout.contains(&code));

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
