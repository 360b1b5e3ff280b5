//! The breaking-change gate: the committed document breaks no client built against the released baseline,
//! and the gate does catch the changes that would.

use std::path::Path;

use webshare_tests::workspace_root;
use xtask::compat::{BASELINE_PATH, breaking_changes};
use xtask::{codegen, spec};

fn document(text: &str) -> openapiv3::OpenAPI {
    spec::parse(Path::new("test.yaml"), text).expect("the edited document still parses")
}

fn committed() -> String {
    std::fs::read_to_string(workspace_root().join(codegen::SPEC_PATH)).unwrap()
}

fn baseline() -> openapiv3::OpenAPI {
    spec::load(&workspace_root().join(BASELINE_PATH)).unwrap()
}

/// Applies `edit` to the committed text, checking that it applied.
fn edited(from: &str, to: &str) -> openapiv3::OpenAPI {
    let text = committed();
    assert!(
        text.contains(from),
        "the test's edit does not apply: {from}"
    );
    document(&text.replacen(from, to, 1))
}

#[test]
fn the_committed_document_breaks_no_client_of_the_baseline() {
    let changes = breaking_changes(&baseline(), &document(&committed()));
    assert!(
        changes.is_empty(),
        "breaking changes against {BASELINE_PATH}; if they are intended, raise info.version's major number, \
         note them in openapi/CHANGELOG.md and run `cargo xtask bump-baseline`:\n  {}",
        changes.join("\n  ")
    );
}

#[test]
fn a_removed_response_field_is_caught() {
    let current = edited(
        "      required: [token, logged_in_existing_user]\n      properties:\n        token:\n          type: string\n          format: password\n          nullable: true\n          description: API token for the `Authorization` header.\n        logged_in_existing_user:\n          type: boolean\n          nullable: true\n          description: True when the email address was already registered and this signed in to that account.\n",
        "      required: [token]\n      properties:\n        token:\n          type: string\n          format: password\n          nullable: true\n          description: API token for the `Authorization` header.\n",
    );
    let changes = breaking_changes(&baseline(), &current);
    assert_eq!(
        changes,
        [
            "POST /v2/register/ (register): response field `logged_in_existing_user` of 200 was removed",
            "POST /v2/register/social/ (social_register): response field `logged_in_existing_user` of 200 was removed",
        ]
    );
}

#[test]
fn a_new_required_request_field_is_caught() {
    let current = edited(
        "      description: Credentials of a local account.\n      required: [email, password, recaptcha]\n      properties:\n",
        "      description: Credentials of a local account.\n      required: [email, password, recaptcha, otp]\n      properties:\n        otp:\n          type: string\n          description: A one-time password.\n",
    );
    assert_eq!(
        breaking_changes(&baseline(), &current),
        ["POST /v2/login/ (login): new required request field `otp`"]
    );
}

#[test]
fn removed_operations_and_changed_types_are_caught() {
    let current = edited("  /v2/logout/:\n    post:\n", "  /v2/logout/:\n    get:\n");
    assert_eq!(
        breaking_changes(&baseline(), &current),
        ["POST /v2/logout/ (logout): the operation was removed"]
    );

    let current = edited(
        "        email_is_verified:\n          type: boolean\n          nullable: true\n",
        "        email_is_verified:\n          type: string\n          nullable: true\n",
    );
    let changes = breaking_changes(&baseline(), &current);
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert!(changes[0].ends_with(
        "response field `email_is_verified` of 200 changed type from boolean to string"
    ));
}

#[test]
fn additions_are_not_breaking() {
    // A new optional request field and a new response field break nobody.
    let current = edited(
        "      required: [email, password, recaptcha]\n      properties:\n",
        "      required: [email, password, recaptcha]\n      properties:\n        remember_me:\n          type: boolean\n          description: Keep me signed in.\n",
    );
    assert!(breaking_changes(&baseline(), &current).is_empty());
}
