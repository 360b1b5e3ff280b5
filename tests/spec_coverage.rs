//! The spec covers the whole API, and the `webshare` crate reaches all of it:
//! - every operation of `operations.tsv` (the documentation's list, from the official SDK's source plus
//!   the two documented operations it lacks) is in `openapi/webshare.yaml` with its method and exact
//!   path, and nothing else is;
//! - the generated `webshare::operations::ALL` holds each operation of the spec once;
//! - every operation is sent by the hand-written methods of `webshare::Client` that [`methods_sending`]
//!   names for it, in an exhaustive `match` on [`OperationId`] (no wildcard arm): a new operation does not
//!   compile here until its arm names a method, a method removed or renamed does not compile, and each
//!   method named is called against the mock server, which must answer it as that operation.

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;

use futures_core::Stream;
use webshare::chrono::Utc;
use webshare::operations::{
    ALL, DownloadProxyActivity, DownloadProxyList, DownloadReplacedProxies, GetAggregateStats,
    ListAbuseReports, ListApiKeys, ListIpAuthorizations, ListNotifications, ListPaymentMethods,
    ListPendingPayments, ListPlans, ListProxies, ListProxyActivity, ListProxyReplacements,
    ListReferralCredits, ListReferralEarnouts, ListReplacedProxies, ListStats, ListSubusers,
    ListTransactions, ListVerificationAppeals, ListVerificationFlows, ListVerificationQuestions,
    OperationId,
};
use webshare::types::{
    BillingInfoUpdateRequest, DownloadTokenScope, PlanUpgradeRequest, PricingQuery,
    ProfilePreferencesUpdateRequest, ProfileUpdateRequest, ProxyAuthenticationMethod,
    ProxyConfigUpdateRequest, ProxyMode, ProxyReplacementCreateRequest, ProxySelector,
    ReferralConfigUpdateRequest, ReplacementSource, SubscriptionPurchaseRequest,
    SubscriptionRenewRequest, SubuserCreateRequest, SubuserUpdateRequest,
};
use webshare::{
    Client, Error, Polling, Registration, RetryPolicy, Secret, SocialProvider, SocialRegistration,
    Upload,
};
use webshare_mock_server::{DEFAULT_SOCIAL_REDIRECT_URI as REDIRECT, MockServer};
use webshare_tests::{spec_json, workspace_root};

/// The committed copy of the documentation's `operations.tsv` (checked against it: [`documentation_dir`]).
const OPERATIONS_TSV: &str = "tests/data/operations.tsv";

/// `(METHOD, path)` with `{}` for every path parameter, as the file writes them.
fn listed() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(workspace_root().join(OPERATIONS_TSV)).unwrap();
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let mut columns = line.split('\t');
            let method = columns.next().unwrap().to_owned();
            let path = columns.next().expect("a path column").to_owned();
            (method, path)
        })
        .collect()
}

/// The spec's operations as `(METHOD, /api-prefixed path with {} parameters)`.
fn in_spec() -> BTreeSet<(String, String)> {
    let spec = spec_json();
    let server = spec["servers"][0]["url"].as_str().unwrap();
    let prefix = server.trim_start_matches("https://proxy.webshare.io");
    let mut operations = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        let mut generic = String::new();
        let mut in_braces = false;
        for c in path.chars() {
            match c {
                '{' => {
                    in_braces = true;
                    generic.push_str("{}");
                }
                '}' => in_braces = false,
                _ if in_braces => {}
                _ => generic.push(c),
            }
        }
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                operations.insert((method.to_uppercase(), format!("{prefix}{generic}")));
            }
        }
    }
    operations
}

/// The documentation this project is checked against (`webshare-docs`: every page, `operations.tsv`):
/// `WEBSHARE_DOCS_DIR` when set, else `../shared/webshare-docs` beside this checkout, else beside the
/// checkout this one was cloned from (a CI clone's `origin`). Missing, the tests that compare with it fail
/// with this message rather than pass on the committed copies alone.
fn documentation_dir() -> std::path::PathBuf {
    const ASK: &str = "the Webshare documentation pages (`webshare-docs`) are not found: set \
                       WEBSHARE_DOCS_DIR to their folder, or put `shared/webshare-docs` beside this checkout";
    if let Some(dir) = std::env::var_os("WEBSHARE_DOCS_DIR") {
        let dir = std::path::PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "WEBSHARE_DOCS_DIR={} is not a folder",
            dir.display()
        );
        return dir;
    }
    let root = workspace_root();
    let beside = |checkout: &std::path::Path| checkout.join("../shared/webshare-docs");
    if beside(&root).is_dir() {
        return beside(&root);
    }
    let origin = std::process::Command::new("git")
        .args(["config", "--get", "remote.origin.url"])
        .current_dir(&root)
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_default();
    let origin = std::path::Path::new(origin.trim_start_matches("file://"));
    if origin.is_absolute() && beside(origin).is_dir() {
        return beside(origin);
    }
    panic!("{ASK}");
}

#[test]
fn the_committed_list_is_the_documentations_list() {
    let shared = documentation_dir().join("operations.tsv");
    let source =
        std::fs::read_to_string(&shared).unwrap_or_else(|e| panic!("{}: {e}", shared.display()));
    assert_eq!(
        std::fs::read_to_string(workspace_root().join(OPERATIONS_TSV)).unwrap(),
        source,
        "{OPERATIONS_TSV} differs from {}: copy it again",
        shared.display()
    );
}

#[test]
fn every_documented_operation_is_in_the_spec_and_nothing_else() {
    let listed = listed();
    assert_eq!(listed.len(), 114, "operations.tsv lists the whole API v2");
    let spec = in_spec();
    let missing: Vec<String> = listed
        .iter()
        .filter(|op| !spec.contains(op))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        missing.is_empty(),
        "not in openapi/webshare.yaml:\n  {}",
        missing.join("\n  ")
    );
    let listed: BTreeSet<_> = listed.into_iter().collect();
    let extra: Vec<String> = spec
        .difference(&listed)
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        extra.is_empty(),
        "in the spec but not documented:\n  {}",
        extra.join("\n  ")
    );
}

#[test]
fn the_generated_list_holds_each_operation_of_the_spec_once() {
    let spec = spec_json();
    let in_spec: BTreeSet<&str> = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| op.get("operationId").and_then(|v| v.as_str()))
        .collect();
    let generated: BTreeSet<&str> = ALL.iter().map(|op| op.name).collect();
    assert_eq!(
        generated, in_spec,
        "operations::ALL against the spec's operationIds"
    );
    let ids: BTreeSet<OperationId> = ALL.iter().map(|op| op.id).collect();
    assert_eq!(ids.len(), ALL.len(), "an OperationId listed twice in ALL");
    for op in ALL {
        assert_eq!(op.id.operation().name, op.name, "{:?}", op.id);
    }
}

/// The status of the fault queued for the operation under test: no operation of the spec answers it,
/// the client never retries it, and it reads as [`Error::Api`] with the mock server's code.
const FAULT: u16 = 418;
const EMAIL: &str = "coverage@example.com";
const PASSWORD: &str = "Coverage-Password-9";
const RECAPTCHA: &str = "coverage-recaptcha";
/// Any id: the fault answers before the server looks anything up.
const ID: i64 = 1;

/// One method's call, its answer dropped.
type Call<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + 'a>>;

/// Each call as written in the arm (for the failure message), not yet started.
macro_rules! calls {
    ($($call:expr),+ $(,)?) => {
        vec![$((stringify!($call), Box::pin(async move { $call.await.map(drop) }) as Call<'_>)),+]
    };
}

/// The first item of a lazy list (its first page is requested on the first poll), its value dropped;
/// `Ok` when the list ends without an item, which no queued fault allows.
async fn first<T>(stream: impl Stream<Item = Result<T, Error>>) -> Result<(), Error> {
    let mut stream = std::pin::pin!(stream);
    match std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
        Some(item) => item.map(drop),
        None => Ok(()),
    }
}

fn replacement() -> ProxyReplacementCreateRequest {
    ProxyReplacementCreateRequest {
        to_replace: ProxySelector::ip_addresses(["192.0.2.1"]),
        replace_with: vec![ReplacementSource::any(1)],
        dry_run: Some(true),
    }
}

/// The hand-written methods of `client` that send `operation`, each call not yet started. Exhaustive, with
/// no wildcard arm: a new operation fails to compile here until a method sends it. The arguments need
/// only pass the client's own checks: the queued fault answers before the server reads them.
fn methods_sending(client: &Client, operation: OperationId) -> Vec<(&'static str, Call<'_>)> {
    use OperationId as Op;
    let code = || async { Ok::<_, Error>(Secret::from("123456")) };
    match operation {
        Op::Register => calls![
            client
                .register(&Registration::new(EMAIL, PASSWORD, RECAPTCHA).accept_terms_of_service())
        ],
        Op::Login => calls![
            client.login(EMAIL, PASSWORD, RECAPTCHA),
            client.login_and_verify(EMAIL, PASSWORD, RECAPTCHA, code),
        ],
        Op::ResetPassword => calls![client.password().request_reset(EMAIL, RECAPTCHA)],
        Op::CompletePasswordReset => {
            calls![
                client
                    .password()
                    .complete_reset("reset-token", PASSWORD, RECAPTCHA)
            ]
        }
        Op::GetActivation => calls![client.activation().status()],
        Op::ResendActivation => calls![client.activation().resend()],
        Op::CompleteActivation => calls![client.activation().complete("activation-token")],
        Op::SocialRegister => calls![
            client.social().register(
                &SocialRegistration::new(SocialProvider::Google, "code", REDIRECT)
                    .accept_terms_of_service()
            )
        ],
        Op::SocialLogin => calls![
            client
                .social()
                .login(SocialProvider::Google, "code", REDIRECT)
        ],
        Op::ChangePassword => calls![client.password().change(PASSWORD, "Another-Password-9")],
        Op::ChangeEmail => calls![client.email().change(PASSWORD, "new@example.com")],
        Op::CompleteEmailChange => calls![client.email().complete_change("code")],
        Op::DeleteAccount => calls![client.account().delete(PASSWORD, RECAPTCHA)],
        Op::DeleteSocialAccount => {
            calls![
                client
                    .account()
                    .delete_social(SocialProvider::Google, "code", REDIRECT)
            ]
        }
        Op::Logout => calls![client.logout()],
        Op::ListProxies => calls![
            client.proxies().list(&ListProxies::new(ProxyMode::Direct)),
            first(
                client
                    .proxies()
                    .list_all(ListProxies::new(ProxyMode::Direct))
            ),
        ],
        Op::DownloadProxyList => {
            let list = || {
                DownloadProxyList::new(
                    "download-token",
                    ProxyAuthenticationMethod::Username,
                    ProxyMode::Direct,
                )
            };
            calls![
                client.proxies().download(&list()),
                client.proxies().download_bytes(&list()),
            ]
        }
        Op::GetProxyConfigV2 => calls![client.proxy_config().get_v2()],
        Op::UpdateProxyConfig => calls![
            client
                .proxy_config()
                .update(&ProxyConfigUpdateRequest::default())
        ],
        Op::AllocateUnallocatedCountries => calls![
            client
                .proxy_config()
                .allocate_unallocated_countries(&[("US", 1)])
        ],
        Op::GetProxyConfig => calls![client.proxy_config().get(Some(ID))],
        Op::GetProxyListStats => calls![client.proxy_config().stats(Some(ID))],
        Op::GetProxyListStatus => calls![client.proxy_config().status(Some(ID))],
        Op::RefreshProxyList => calls![client.proxies().refresh()],
        Op::ListProxyReplacements => calls![
            client.replacements().list(&ListProxyReplacements::new()),
            first(client.replacements().list_all(ListProxyReplacements::new())),
        ],
        Op::CreateProxyReplacement => calls![
            client.replacements().create(&replacement()),
            client
                .replacements()
                .create_and_wait(&replacement(), Polling::default()),
        ],
        Op::GetProxyReplacement => calls![
            client.replacements().get(ID),
            client.replacements().wait(ID, Polling::default(), |_| {}),
        ],
        Op::ListReplacedProxies => calls![
            client.replacements().replaced(&ListReplacedProxies::new()),
            first(
                client
                    .replacements()
                    .replaced_all(ListReplacedProxies::new())
            ),
        ],
        Op::DownloadReplacedProxies => calls![
            client
                .replacements()
                .download_replaced(&DownloadReplacedProxies::new("download-token")),
            client
                .replacements()
                .download_replaced_bytes(&DownloadReplacedProxies::new("download-token")),
        ],
        Op::ListIpAuthorizations => calls![
            client
                .ip_authorizations()
                .list(&ListIpAuthorizations::new()),
            first(client.ip_authorizations().list_all()),
        ],
        Op::CreateIpAuthorization => calls![
            client.ip_authorizations().create("192.0.2.1"),
            // Asks the server for this machine's address first (answered), then authorizes it.
            client.ip_authorizations().authorize_this_machine(),
        ],
        Op::WhatsMyIp => calls![client.ip_authorizations().whats_my_ip()],
        Op::GetIpAuthorization => calls![client.ip_authorizations().get(ID)],
        Op::DeleteIpAuthorization => calls![client.ip_authorizations().delete(ID)],
        Op::GetDownloadToken => calls![client.download_tokens().get(DownloadTokenScope::ProxyList)],
        Op::ResetDownloadToken => {
            calls![
                client
                    .download_tokens()
                    .reset(DownloadTokenScope::ProxyList)
            ]
        }
        Op::ListStats => calls![client.stats().hourly(&ListStats::new())],
        Op::GetAggregateStats => calls![client.stats().aggregate(&GetAggregateStats::new())],
        Op::DownloadProxyActivity => calls![
            client
                .activity()
                .download(&DownloadProxyActivity::new("download-token")),
            client
                .activity()
                .download_bytes(&DownloadProxyActivity::new("download-token")),
        ],
        Op::ListProxyActivity => calls![
            client.activity().list(&ListProxyActivity::new()),
            first(client.activity().list_all(ListProxyActivity::new())),
        ],
        Op::ListPlans => calls![
            client.plans().list(&ListPlans::new()),
            first(client.plans().list_all()),
        ],
        Op::GetPlan => calls![client.plans().get(ID)],
        Op::UpdatePlan => calls![client.plans().set_next_refresh(ID, Utc::now())],
        Op::UpgradePlan => calls![client.plans().upgrade(ID, &PlanUpgradeRequest::default())],
        Op::CancelPlan => calls![client.plans().cancel(ID)],
        Op::ListApiKeys => calls![
            client.api_keys().list(&ListApiKeys::new()),
            first(client.api_keys().list_all()),
        ],
        Op::CreateApiKey => calls![client.api_keys().create("coverage")],
        Op::GetApiKey => calls![client.api_keys().get(ID)],
        Op::DeleteApiKey => calls![client.api_keys().delete(ID)],
        Op::UpdateApiKey => calls![client.api_keys().rename(ID, "coverage")],
        Op::ListSubusers => calls![
            client.subusers().list(&ListSubusers::new()),
            first(client.subusers().list_all()),
        ],
        Op::CreateSubuser => calls![
            client.subusers().create("coverage", 1.0),
            client
                .subusers()
                .create_with(&SubuserCreateRequest::default()),
        ],
        Op::GetSubuser => calls![client.subusers().get(ID)],
        Op::DeleteSubuser => calls![client.subusers().delete(ID)],
        Op::UpdateSubuser => calls![
            client
                .subusers()
                .update(ID, &SubuserUpdateRequest::default()),
            client.subusers().rename(ID, "coverage"),
        ],
        Op::RefreshSubuserProxyList => calls![client.subusers().refresh_proxy_list(ID)],
        Op::GetProfile => calls![client.profile().get()],
        Op::UpdateProfile => calls![
            client.profile().update(&ProfileUpdateRequest::default()),
            client.profile().set_timezone("Europe/Paris"),
        ],
        Op::GetProfilePreferences => calls![client.profile().preferences()],
        Op::UpdateProfilePreferences => calls![
            client
                .profile()
                .update_preferences(&ProfilePreferencesUpdateRequest::default())
        ],
        Op::ListNotifications => calls![
            client.notifications().list(&ListNotifications::new()),
            first(client.notifications().list_all(ListNotifications::new())),
        ],
        Op::GetNotification => calls![client.notifications().get(ID)],
        Op::DismissNotification => calls![client.notifications().dismiss(ID)],
        Op::RestoreNotification => calls![client.notifications().restore(ID)],
        Op::GetTwoFactorMethod => calls![client.two_factor().current_method()],
        Op::ChangeTwoFactorMethod => calls![
            client.two_factor().use_email(),
            client.two_factor().add_device(),
        ],
        Op::ActivateTwoFactorMethod => {
            calls![client.two_factor().activate_device(ID, "123456", "654321")]
        }
        Op::SubmitTwoFactorCode => calls![client.two_factor().submit_code("123456", RECAPTCHA)],
        Op::ResendTwoFactorEmail => calls![client.two_factor().resend_email()],
        Op::GetIdVerification => calls![client.id_verification().get()],
        Op::StartIdVerification => calls![client.id_verification().start()],
        Op::CompleteIdVerification => calls![client.id_verification().complete()],
        Op::GetSubscription => calls![client.subscription().get()],
        Op::GetAvailableAssets => calls![client.subscription().available_assets()],
        Op::GetCustomizationOptions => calls![
            client
                .subscription()
                .customization_options(PricingQuery::default())
        ],
        Op::GetSubscriptionPricing => {
            calls![client.subscription().pricing(PricingQuery::default())]
        }
        Op::PurchasePlan => calls![
            client
                .subscription()
                .purchase(&SubscriptionPurchaseRequest::default())
        ],
        Op::RenewSubscription => calls![
            client
                .subscription()
                .renew(&SubscriptionRenewRequest::default())
        ],
        Op::EnableAutoRenewal => calls![client.subscription().enable_auto_renewal()],
        Op::CancelAutoRenewal => calls![client.subscription().cancel_auto_renewal()],
        Op::GetBillingInfo => calls![client.billing().info()],
        Op::UpdateBillingInfo => calls![
            client
                .billing()
                .update_info(&BillingInfoUpdateRequest::default())
        ],
        Op::ListPaymentMethods => {
            calls![client.billing().payment_methods(&ListPaymentMethods::new())]
        }
        Op::CreatePaymentMethod => calls![client.billing().add_payment_method(RECAPTCHA)],
        Op::GetPaymentMethod => calls![client.billing().payment_method(ID)],
        Op::ListPendingPayments => {
            calls![
                client
                    .billing()
                    .pending_payments(&ListPendingPayments::new())
            ]
        }
        Op::GetPendingPayment => calls![client.billing().pending_payment(ID)],
        Op::ListTransactions => calls![
            client.billing().transactions(&ListTransactions::new()),
            first(client.billing().all_transactions(ListTransactions::new())),
        ],
        Op::GetTransaction => calls![client.billing().transaction(ID)],
        Op::DownloadInvoice => calls![client.billing().invoice(ID)],
        Op::GetReferralConfig => calls![client.referral().config()],
        Op::UpdateReferralConfig => calls![
            client
                .referral()
                .update_config(&ReferralConfigUpdateRequest::default())
        ],
        Op::GetReferralCouponCode => calls![client.referral().coupon_code()],
        Op::ApplyReferralCouponCode => calls![client.referral().apply_coupon_code("COVERAGE")],
        Op::RemoveReferralCouponCode => calls![client.referral().remove_coupon_code()],
        Op::ListReferralChannels => calls![client.referral().channels()],
        Op::ListReferralCredits => {
            calls![client.referral().credits(&ListReferralCredits::new())]
        }
        Op::GetReferralCredit => calls![client.referral().credit(ID)],
        Op::ListReferralEarnouts => {
            calls![client.referral().earnouts(&ListReferralEarnouts::new())]
        }
        Op::GetReferralEarnout => calls![client.referral().earnout(ID)],
        Op::GetReferralCodeInfo => calls![client.referral().code_info("COVERAGE")],
        Op::ListVerificationFlows => {
            calls![client.verification().flows(&ListVerificationFlows::new())]
        }
        Op::GetVerificationFlow => calls![client.verification().flow(ID)],
        Op::SubmitVerificationEvidence => calls![
            client
                .verification()
                .submit_evidence(ID, &Upload::new().text("explanation", "Price monitoring."))
        ],
        Op::SubmitVerificationCode => calls![client.verification().submit_code(ID, "123456")],
        Op::ListVerificationQuestions => calls![
            client
                .verification()
                .questions(&ListVerificationQuestions::new())
        ],
        Op::AnswerVerificationQuestion => calls![
            client
                .verification()
                .answer(ID, &Upload::new().text("answer", "Price monitoring."))
        ],
        Op::ListVerificationAppeals => {
            calls![
                client
                    .verification()
                    .appeals(&ListVerificationAppeals::new())
            ]
        }
        Op::CreateVerificationAppeal => calls![client.verification().appeal("Please review.")],
        Op::ListAbuseReports => {
            calls![
                client
                    .verification()
                    .abuse_reports(&ListAbuseReports::new())
            ]
        }
        Op::GetVerificationSuspension => calls![client.verification().suspension()],
        Op::GetVerificationCategories => calls![client.verification().categories()],
        Op::GetVerificationLimits => calls![client.verification().limits()],
        Op::GetVerificationThresholds => calls![client.verification().thresholds()],
    }
}

/// For each operation, on a mock server of its own with a signed-in account: each method of its arm in
/// [`methods_sending`], called after one fault is queued for that operation (and no other), gets that
/// fault back. The mock server answers a queued fault only to a request routed to its operation, so the
/// fault proves the method sent that operation; an answer from anything else (another operation, the
/// client refusing to send) fails the test.
#[tokio::test]
async fn every_operation_is_sent_by_the_methods_its_arm_names() {
    let mut failures = Vec::new();
    let mut methods = 0;
    for operation in ALL {
        let server = MockServer::start().await;
        let account = server
            .seed_account(EMAIL, PASSWORD)
            .expect("a fresh server has no account");
        let client = Client::builder()
            .base_url(server.base_url())
            .api_key(account.token)
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap();
        for (method, call) in methods_sending(&client, operation.id) {
            methods += 1;
            server.fail_next(operation, FAULT, None).unwrap();
            match call.await {
                Err(Error::Api {
                    status: FAULT,
                    code: Some(code),
                    ..
                }) if code == "mock_fault" => {}
                other => {
                    failures.push(format!("{}: `{method}` answered {other:?}", operation.name))
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {methods} methods not sent as the operation of their arm:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

/// The operations whose documentation section says they take money, derived from the pages (`charge…`,
/// `purchas…`, `payment_required` in the section of a non-GET operation); checked against the pages
/// ([`documentation_dir`]).
const PAYING_TSV: &str = "tests/data/paying-operations.tsv";

/// The operations of the pages in `dir` whose section says they take money, with the words that say so.
fn paying_operations_of_the_pages(dir: &std::path::Path) -> String {
    let spec = spec_json();
    let mut by_route = std::collections::BTreeMap::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if let Some(id) = operation["operationId"].as_str() {
                by_route.insert((method.to_uppercase(), route(path)), id.to_owned());
            }
        }
    }
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .flat_map(|section| {
            std::fs::read_dir(section.path())
                .unwrap()
                .filter_map(Result::ok)
        })
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    pages.sort();
    let mut paying: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        for section in text.split("\n## ") {
            for line in section.lines() {
                let mut words = line.split_whitespace();
                let (Some(method), Some(url)) = (words.next(), words.next()) else {
                    continue;
                };
                let Some(path) = url.strip_prefix("https://proxy.webshare.io/api") else {
                    continue;
                };
                let path = path.split('?').next().unwrap_or_default();
                let Some(id) = by_route.get(&(method.to_owned(), route(path))) else {
                    continue;
                };
                if method == "GET" {
                    continue;
                }
                let lower = section.to_lowercase();
                let found: BTreeSet<String> = lower
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .filter(|w| {
                        w.starts_with("charg")
                            || w.starts_with("purchas")
                            || *w == "payment_required"
                    })
                    .map(str::to_owned)
                    .collect();
                if !found.is_empty() {
                    paying.entry(id.clone()).or_default().extend(found);
                }
            }
        }
    }
    let mut tsv =
        String::from("operation\twords of its documentation section that say it takes money\n");
    for (id, words) in paying {
        tsv.push_str(&format!(
            "{id}\t{}\n",
            words.into_iter().collect::<Vec<_>>().join(",")
        ));
    }
    tsv
}

/// A path with its parameters written `{}` and no trailing slash: `<ID>` (pages) and `{id}` (spec) alike.
fn route(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '<' | '{' => {
                inside = true;
                out.push_str("{}");
            }
            '>' | '}' => inside = false,
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out.trim_end_matches('/').to_owned()
}

#[test]
fn operations_that_take_money_are_marked_as_charging() {
    let committed = std::fs::read_to_string(workspace_root().join(PAYING_TSV)).unwrap();
    let pages = documentation_dir();
    assert_eq!(
        paying_operations_of_the_pages(&pages),
        committed,
        "{PAYING_TSV} differs from what the pages in {} say",
        pages.display()
    );
    let paying: BTreeSet<&str> = committed
        .lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next())
        .collect();
    assert!(paying.contains("upgrade_plan") && paying.contains("purchase_plan"));
    let spec = spec_json();
    let charging: BTreeSet<&str> = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter(|operation| operation["x-webshare-charges"] == true)
        .filter_map(|operation| operation["operationId"].as_str())
        .collect();
    assert_eq!(
        charging, paying,
        "`x-webshare-charges` must mark exactly the operations whose pages say they take money"
    );
    for id in &paying {
        let operation = ALL.iter().find(|o| o.name == *id).unwrap();
        assert!(operation.charges && !operation.retry_safe, "{id}");
    }
}
