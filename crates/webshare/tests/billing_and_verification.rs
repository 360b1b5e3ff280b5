//! Subscription, billing, referral and account verification, end to end against the mock; and the money
//! rule: a checkout is sent once, whatever the server answers.

mod support;

use futures_util::TryStreamExt;
use serde_json::json;
use support::{EMAIL, Fault, FaultServer, anonymous, signed_in};
use webshare::operations::{ListProxies, ListTransactions, ListVerificationQuestions};
use webshare::types::{PricingQuery, ProxyMode, SubscriptionPurchaseRequest};
use webshare::{Client, Decimal, Error, Upload};
use webshare_mock_server::{Config, MockServer, VerificationRequest};

fn plan_of(proxies: i64) -> PricingQuery {
    serde_json::from_value(json!({
        "proxy_type": "shared", "proxy_subtype": "default",
        "proxy_countries": {"US": proxies}, "bandwidth_limit": 250, "term": "monthly"
    }))
    .unwrap()
}

fn purchase_of(proxies: i64) -> SubscriptionPurchaseRequest {
    serde_json::from_value(json!({
        "proxy_type": "shared", "proxy_subtype": "default",
        "proxy_countries": {"US": proxies}, "bandwidth_limit": 250, "term": "monthly"
    }))
    .unwrap()
}

async fn proxy_count(client: &Client) -> i64 {
    client
        .proxies()
        .list(&ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap()
        .count
}

#[tokio::test]
async fn a_purchase_charges_what_pricing_said_and_a_confirmed_payment_changes_the_plan() {
    let (server, client) = signed_in(Config::default()).await;
    let before = proxy_count(&client).await;
    let subscription = client.subscription().get().await.unwrap();
    let credits = subscription.free_credits.unwrap().value();
    assert_eq!(credits, Decimal::from(25));

    // 1000 proxies cost more than the credits: pricing says what is paid today, in exact decimals.
    let pricing = client.subscription().pricing(plan_of(1000)).await.unwrap();
    let price = pricing.price.unwrap().value();
    assert_eq!(pricing.discount_percentage, Some(15));
    assert_eq!(pricing.credits_used.unwrap().value(), credits);
    assert_eq!(pricing.paid_today.unwrap().value(), price - credits);

    let checkout = client
        .subscription()
        .purchase(&purchase_of(1000))
        .await
        .unwrap();
    assert_eq!(checkout.payment_required, Some(true));
    let pending_id = checkout.pending_payment.unwrap();
    assert!(
        format!("{checkout:?}").contains("[redacted]"),
        "the Stripe client secret is redacted"
    );
    let pending = client.billing().pending_payment(pending_id).await.unwrap();
    assert_eq!(pending.status.as_deref(), Some("pending"));
    // Nothing changed before Stripe confirms.
    assert_eq!(proxy_count(&client).await, before);

    assert!(server.confirm_payment(EMAIL, pending_id, true));
    assert!(
        !server.confirm_payment(EMAIL, pending_id, true),
        "a payment settles once"
    );
    let pending = client.billing().pending_payment(pending_id).await.unwrap();
    assert_eq!(pending.status.as_deref(), Some("successful"));
    assert_eq!(
        proxy_count(&client).await,
        1000,
        "the bigger plan gives a longer list"
    );
    let subscription = client.subscription().get().await.unwrap();
    assert_eq!(subscription.plan, checkout.plan);
    assert_eq!(subscription.free_credits.unwrap().value(), Decimal::ZERO);

    // One transaction, for what was paid beyond the credits; its invoice is a PDF.
    let transactions: Vec<_> = client
        .billing()
        .all_transactions(ListTransactions::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(transactions.len(), 1);
    assert_eq!(transactions[0].amount.unwrap().value(), price - credits);
    assert_eq!(transactions[0].credits_used.unwrap().value(), credits);
    let pdf: Vec<u8> = client
        .billing()
        .invoice(transactions[0].id)
        .await
        .unwrap()
        .map_ok(|b| b.to_vec())
        .try_concat()
        .await
        .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let missing = client
        .billing()
        .invoice(transactions[0].id + 1000)
        .await
        .err()
        .unwrap();
    assert!(matches!(missing, Error::NotFound { .. }), "{missing:?}");
}

#[tokio::test]
async fn credits_pay_small_purchases_at_once_and_a_declined_payment_changes_nothing() {
    let (server, client) = signed_in(Config::default()).await;
    let checkout = client
        .subscription()
        .purchase(&purchase_of(50))
        .await
        .unwrap();
    assert!(checkout.payment_required == Some(false) && checkout.pending_payment.is_none());
    assert_eq!(proxy_count(&client).await, 50);
    let price = client.subscription().pricing(plan_of(50)).await.unwrap();
    let left = client
        .subscription()
        .get()
        .await
        .unwrap()
        .free_credits
        .unwrap()
        .value();
    assert_eq!(left, Decimal::from(25) - price.price.unwrap().value());

    let renewal = client
        .subscription()
        .renew(&serde_json::from_value(json!({"term": "yearly"})).unwrap())
        .await
        .unwrap();
    assert_eq!(renewal.payment_required, Some(true));
    assert!(server.confirm_payment(EMAIL, renewal.pending_payment.unwrap(), false));
    let pending = client
        .billing()
        .pending_payment(renewal.pending_payment.unwrap())
        .await
        .unwrap();
    assert_eq!(pending.status.as_deref(), Some("failed"));
    assert_eq!(
        client.subscription().get().await.unwrap().renewals_paid,
        Some(0)
    );

    let off = client.subscription().cancel_auto_renewal().await.unwrap();
    assert_eq!(off.renewals_enabled, Some(false));
    assert_eq!(
        client
            .subscription()
            .enable_auto_renewal()
            .await
            .unwrap()
            .renewals_enabled,
        Some(true)
    );
}

#[tokio::test]
async fn a_checkout_is_sent_once_even_when_the_server_fails() {
    for status in [500, 502, 503] {
        let server = FaultServer::start(vec![Fault::json(status, json!({"detail": "down"}))]).await;
        let client = Client::builder()
            .base_url(&server.base_url)
            .api_key("k")
            .build()
            .unwrap();
        let err = client
            .subscription()
            .purchase(&purchase_of(10))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(
            server.request_count(),
            1,
            "a purchase is never retried ({status})"
        );
        let err = client
            .subscription()
            .renew(&serde_json::from_value(json!({})).unwrap())
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(
            server.request_count(),
            2,
            "a renewal is never retried ({status})"
        );
    }
}

#[tokio::test]
async fn billing_info_and_cards() {
    let (server, client) = signed_in(Config::default()).await;
    let info = client
        .billing()
        .update_info(
            &serde_json::from_value(
                json!({"name": "Jane Doe", "billing_email": "bills@example.com"}),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(info.name.as_deref(), Some("Jane Doe"));
    let bad = client
        .billing()
        .update_info(&serde_json::from_value(json!({"billing_email": "not an email"})).unwrap())
        .await
        .unwrap_err();
    assert!(matches!(bad, Error::Validation { .. }));
    let setup = client
        .billing()
        .add_payment_method("recaptcha")
        .await
        .unwrap();
    assert!(server.confirm_payment(EMAIL, setup.pending_payment.unwrap(), true));
    let cards = client
        .billing()
        .payment_methods(&Default::default())
        .await
        .unwrap();
    assert_eq!(cards.count, 1);
    let card = client
        .billing()
        .payment_method(cards.results[0].id)
        .await
        .unwrap();
    assert_eq!(card.last4.as_deref(), Some("4242"));
    assert_eq!(
        client.subscription().get().await.unwrap().payment_method,
        Some(card.id)
    );
}

#[tokio::test]
async fn a_referred_accounts_payment_earns_its_referrer_a_credit_paid_out_as_credits() {
    let server = MockServer::start().await;
    let register = |email: &'static str| {
        let anonymous = anonymous(&server);
        async move {
            let r = anonymous
                .register(
                    &webshare::Registration::new(email, "Correct-Horse-Battery-9", "x")
                        .accept_terms_of_service(),
                )
                .await
                .unwrap();
            anonymous.with_token(&r.token).unwrap()
        }
    };
    let referrer = register("ref@example.com").await;
    let referred = register("new@example.com").await;
    let code = referrer
        .referral()
        .config()
        .await
        .unwrap()
        .referral_code
        .unwrap();
    assert_eq!(
        anonymous(&server)
            .referral()
            .code_info(&code)
            .await
            .unwrap()
            .referral_code,
        Some(code.clone())
    );
    let own = referrer
        .referral()
        .apply_coupon_code(&code)
        .await
        .unwrap_err();
    assert!(matches!(own, Error::Validation { .. }), "{own:?}");
    referred
        .referral()
        .apply_coupon_code(&code.to_uppercase())
        .await
        .unwrap();
    assert_eq!(
        referred.referral().coupon_code().await.unwrap().code,
        Some(code.clone())
    );

    let checkout = referred
        .subscription()
        .purchase(&purchase_of(1000))
        .await
        .unwrap();
    assert!(server.confirm_payment("new@example.com", checkout.pending_payment.unwrap(), true));
    let paid = referred
        .billing()
        .transactions(&ListTransactions::new())
        .await
        .unwrap()
        .results[0]
        .amount
        .unwrap()
        .value();
    let credits = referrer
        .referral()
        .credits(&Default::default())
        .await
        .unwrap();
    assert_eq!(credits.count, 1);
    let credit = referrer
        .referral()
        .credit(credits.results[0].id)
        .await
        .unwrap();
    assert_eq!(
        credit.amount.unwrap().value(),
        (paid * Decimal::new(25, 2)).round_dp(2)
    );
    assert_eq!(credit.status.as_deref(), Some("pending"));
    assert_eq!(
        referrer.referral().channels().await.unwrap()[0].total_uses,
        Some(1)
    );

    let before = referrer
        .subscription()
        .get()
        .await
        .unwrap()
        .free_credits
        .unwrap()
        .value();
    assert_eq!(server.earn_out("ref@example.com"), 1);
    let earnouts = referrer
        .referral()
        .earnouts(&Default::default())
        .await
        .unwrap();
    let earnout = referrer
        .referral()
        .earnout(earnouts.results[0].id)
        .await
        .unwrap();
    assert_eq!(earnout.amount, credit.amount);
    let after = referrer
        .subscription()
        .get()
        .await
        .unwrap()
        .free_credits
        .unwrap()
        .value();
    assert_eq!(after, before + credit.amount.unwrap().value());
    referred.referral().remove_coupon_code().await.unwrap();
    assert_eq!(referred.referral().coupon_code().await.unwrap().code, None);
}

#[tokio::test]
async fn a_suspended_account_is_refused_until_its_verification_passes() {
    let (server, client) = signed_in(Config::default()).await;
    let flow = server
        .open_verification(
            EMAIL,
            &VerificationRequest::new("acceptable_use_violation")
                .needs_evidence()
                .suspends()
                .question("What do you use the proxies for?"),
        )
        .unwrap();
    let refused = client
        .proxies()
        .list(&ListProxies::new(ProxyMode::Direct))
        .await
        .unwrap_err();
    assert!(refused.is_account_suspended(), "{refused:?}");
    assert_eq!(
        client
            .verification()
            .suspension()
            .await
            .unwrap()
            .reason
            .as_deref(),
        Some("acceptable_use_violation")
    );
    assert_eq!(
        client
            .verification()
            .limits()
            .await
            .unwrap()
            .proxy_state
            .as_deref(),
        Some("paused")
    );

    // Evidence: a text and a file streamed from disk, with the file's media type.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("evidence.png");
    std::fs::write(&file, [0x89, b'P', b'N', b'G', 0, 1, 2, 3]).unwrap();
    let evidence = Upload::new()
        .text("explanation", "Price monitoring.")
        .file("files", &file)
        .unwrap();
    let after = client
        .verification()
        .submit_evidence(flow, &evidence)
        .await
        .unwrap();
    let stored = after.evidence.unwrap();
    assert_eq!(stored.explanation.as_deref(), Some("Price monitoring."));
    assert_eq!(
        stored.files.unwrap()[0].file.as_deref(),
        Some("verificationevidence/evidence.png")
    );
    assert_eq!(after.needs_evidence, Some(false));
    let again = client
        .verification()
        .submit_evidence(flow, &evidence)
        .await
        .unwrap_err();
    assert!(
        matches!(again, Error::Validation { .. }),
        "evidence is taken once: {again:?}"
    );

    let questions = client
        .verification()
        .questions(&ListVerificationQuestions::new())
        .await
        .unwrap();
    let answer = Upload::new().text("answer", "Price monitoring of shops.");
    let answered = client
        .verification()
        .answer(questions.results[0].id, &answer)
        .await
        .unwrap();
    assert_eq!(
        answered.answer.as_deref(),
        Some("Price monitoring of shops.")
    );
    let open = ListVerificationQuestions {
        answer_isnull: Some(true),
        ..ListVerificationQuestions::new()
    };
    assert_eq!(
        client.verification().questions(&open).await.unwrap().count,
        0
    );

    // An appeal, rejected; then the decision on the evidence lifts the suspension.
    let appeal = client
        .verification()
        .appeal("I comply with the terms.")
        .await
        .unwrap();
    assert_eq!(appeal.state.as_deref(), Some("submitted"));
    assert!(
        client.verification().appeal("again").await.is_err(),
        "one appeal at a time"
    );
    assert!(server.decide_appeal(EMAIL, false));
    assert!(
        client
            .proxies()
            .list(&ListProxies::new(ProxyMode::Direct))
            .await
            .unwrap_err()
            .is_account_suspended()
    );
    assert!(server.decide_verification(EMAIL, flow, true));
    assert!(
        client
            .proxies()
            .list(&ListProxies::new(ProxyMode::Direct))
            .await
            .is_ok()
    );
    assert_eq!(
        client
            .verification()
            .flow(flow)
            .await
            .unwrap()
            .state
            .as_deref(),
        Some("successful_verification")
    );
    assert!(matches!(
        client.verification().suspension().await.unwrap_err(),
        Error::NotFound { .. }
    ));
    assert_eq!(client.verification().categories().await.unwrap().0.len(), 2);
    assert_eq!(client.verification().thresholds().await.unwrap().0.len(), 2);
    assert_eq!(
        client
            .verification()
            .abuse_reports(&Default::default())
            .await
            .unwrap()
            .count,
        0
    );
}

#[tokio::test]
async fn a_fraudulent_payment_flow_passes_with_its_security_code() {
    let (server, client) = signed_in(Config::default()).await;
    let flow = server
        .open_verification(
            EMAIL,
            &VerificationRequest::new("fraudulent_payment").security_code("K7"),
        )
        .unwrap();
    let wrong = client
        .verification()
        .submit_code(flow, "AA")
        .await
        .unwrap_err();
    assert!(matches!(wrong, Error::Validation { .. }));
    assert!(!format!("{wrong:?} {wrong}").contains("K7"));
    let passed = client.verification().submit_code(flow, "k7").await.unwrap();
    assert_eq!(passed.state.as_deref(), Some("successful_verification"));
    let flows = client
        .verification()
        .flows(&Default::default())
        .await
        .unwrap();
    assert_eq!(flows.count, 1);
}

#[tokio::test]
async fn a_checkout_is_not_retried_even_by_a_policy_that_retries_everything() {
    let server = FaultServer::start(vec![Fault::json(503, json!({"detail": "down"}))]).await;
    let policy = webshare::RetryPolicy::default().retry_non_idempotent(true);
    let client = Client::builder()
        .base_url(&server.base_url)
        .api_key("k")
        .retry_policy(policy.clone())
        .build()
        .unwrap();
    client
        .subscription()
        .purchase(&purchase_of(10))
        .await
        .unwrap_err();
    assert_eq!(server.request_count(), 1);
    // An upgrade charges the plan's new price: sent once too.
    let upgrade: webshare::types::PlanUpgradeRequest =
        serde_json::from_value(json!({"proxy_countries": {"US": 10}})).unwrap();
    client.plans().upgrade(5, &upgrade).await.unwrap_err();
    assert_eq!(server.request_count(), 2);
    // A policy given to one call does not change that either, for any charging operation.
    let purchase = purchase_of(10);
    client
        .request(&webshare::operations::PurchasePlan)
        .body(&purchase)
        .retry_policy(policy.clone().max_retries(5))
        .await
        .unwrap_err();
    assert_eq!(server.request_count(), 3);
    let renewal: webshare::types::SubscriptionRenewRequest =
        serde_json::from_value(json!({})).unwrap();
    client
        .request(&webshare::operations::RenewSubscription)
        .body(&renewal)
        .retry_policy(policy.clone().max_retries(5))
        .await
        .unwrap_err();
    assert_eq!(server.request_count(), 4);
    // The same policy does retry another POST.
    client.billing().add_payment_method("r").await.unwrap_err();
    assert!(server.request_count() > 5, "{}", server.request_count());
}
