//! What a reviewer should see change: the table of operations, and the JSON Schema that the generated types
//! derive, checked against the spec's components.

use std::collections::BTreeMap;

use schemars::schema_for;
use serde_json::{Map, Value, json};
use webshare_api::types;
use webshare_tests::{resolve, spec_json};

/// A reviewable table: one row per operation.
fn operations_table(spec: &Value) -> String {
    let mut rows = vec![
        "| operationId | method | path | auth | request | responses |".to_string(),
        "|---|---|---|---|---|---|".to_string(),
    ];
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let auth = match op["security"].as_array().map(Vec::as_slice) {
                Some([]) => "none".to_string(),
                Some(reqs)
                    if reqs
                        .iter()
                        .any(|r| r.as_object().is_some_and(|o| o.is_empty())) =>
                {
                    "optional token".to_string()
                }
                Some(_) => "token".to_string(),
                None => "global".to_string(),
            };
            let request = op["requestBody"]["content"]
                .as_object()
                .map(|content| {
                    content
                        .iter()
                        .map(|(media, body)| format!("{media} {}", schema_name(&body["schema"])))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_else(|| "-".into());
            let responses = op["responses"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(status, response)| {
                    let response = resolve(spec, response);
                    match response["content"]["application/json"]["schema"].as_object() {
                        Some(_) => format!(
                            "{status} {}",
                            schema_name(&response["content"]["application/json"]["schema"])
                        ),
                        None => format!("{status} (empty)"),
                    }
                })
                .collect::<Vec<_>>()
                .join(", ");
            rows.push(format!(
                "| {} | {} | {path} | {auth} | {request} | {responses} |",
                op["operationId"].as_str().unwrap(),
                method.to_uppercase()
            ));
        }
    }
    rows.join("\n")
}

fn schema_name(schema: &Value) -> String {
    match schema["$ref"].as_str() {
        Some(r) => r.rsplit('/').next().unwrap().to_string(),
        None => "(inline)".to_string(),
    }
}

#[test]
fn operations_table_snapshot() {
    insta::assert_snapshot!("operations", operations_table(&spec_json()));
}

/// The JSON Schema schemars derives for the generated type of each spec component.
fn derived_schemas() -> BTreeMap<&'static str, Value> {
    let to_value = |s: schemars::schema::RootSchema| serde_json::to_value(s).unwrap();
    BTreeMap::from([
        (
            "ActivationCompleteRequest",
            to_value(schema_for!(types::ActivationCompleteRequest)),
        ),
        (
            "ActivationStatus",
            to_value(schema_for!(types::ActivationStatus)),
        ),
        (
            "ChangeEmailCompleteRequest",
            to_value(schema_for!(types::ChangeEmailCompleteRequest)),
        ),
        (
            "ChangeEmailRequest",
            to_value(schema_for!(types::ChangeEmailRequest)),
        ),
        (
            "ChangePasswordRequest",
            to_value(schema_for!(types::ChangePasswordRequest)),
        ),
        (
            "DeleteAccountRequest",
            to_value(schema_for!(types::DeleteAccountRequest)),
        ),
        ("Error", to_value(schema_for!(types::Error))),
        ("Subuser", to_value(schema_for!(types::Subuser))),
        ("SubuserPage", to_value(schema_for!(types::SubuserPage))),
        (
            "SubuserCreateRequest",
            to_value(schema_for!(types::SubuserCreateRequest)),
        ),
        (
            "SubuserUpdateRequest",
            to_value(schema_for!(types::SubuserUpdateRequest)),
        ),
        ("Profile", to_value(schema_for!(types::Profile))),
        (
            "ProfileUpdateRequest",
            to_value(schema_for!(types::ProfileUpdateRequest)),
        ),
        (
            "ProfilePreferences",
            to_value(schema_for!(types::ProfilePreferences)),
        ),
        (
            "ProfilePreferencesUpdateRequest",
            to_value(schema_for!(types::ProfilePreferencesUpdateRequest)),
        ),
        ("Notification", to_value(schema_for!(types::Notification))),
        (
            "NotificationPage",
            to_value(schema_for!(types::NotificationPage)),
        ),
        (
            "TwoFactorMethodType",
            to_value(schema_for!(types::TwoFactorMethodType)),
        ),
        (
            "TwoFactorMethod",
            to_value(schema_for!(types::TwoFactorMethod)),
        ),
        (
            "TwoFactorMethodRequest",
            to_value(schema_for!(types::TwoFactorMethodRequest)),
        ),
        (
            "TwoFactorActivateRequest",
            to_value(schema_for!(types::TwoFactorActivateRequest)),
        ),
        (
            "TwoFactorCodeRequest",
            to_value(schema_for!(types::TwoFactorCodeRequest)),
        ),
        (
            "TwoFactorEmailResend",
            to_value(schema_for!(types::TwoFactorEmailResend)),
        ),
        (
            "IdVerification",
            to_value(schema_for!(types::IdVerification)),
        ),
        ("ErrorCode", to_value(schema_for!(types::ErrorCode))),
        ("FieldError", to_value(schema_for!(types::FieldError))),
        (
            "FieldErrorDetail",
            to_value(schema_for!(types::FieldErrorDetail)),
        ),
        ("LoginRequest", to_value(schema_for!(types::LoginRequest))),
        ("DownloadToken", to_value(schema_for!(types::DownloadToken))),
        (
            "DownloadTokenScope",
            to_value(schema_for!(types::DownloadTokenScope)),
        ),
        (
            "IpAuthorization",
            to_value(schema_for!(types::IpAuthorization)),
        ),
        (
            "IpAuthorizationPage",
            to_value(schema_for!(types::IpAuthorizationPage)),
        ),
        (
            "IpAuthorizationCreateRequest",
            to_value(schema_for!(types::IpAuthorizationCreateRequest)),
        ),
        ("WhatsMyIp", to_value(schema_for!(types::WhatsMyIp))),
        ("AbuseReport", to_value(schema_for!(types::AbuseReport))),
        (
            "AbuseReportPage",
            to_value(schema_for!(types::AbuseReportPage)),
        ),
        (
            "AvailableAssetInfo",
            to_value(schema_for!(types::AvailableAssetInfo)),
        ),
        (
            "AvailableAssets",
            to_value(schema_for!(types::AvailableAssets)),
        ),
        (
            "AvailableAssetsByType",
            to_value(schema_for!(types::AvailableAssetsByType)),
        ),
        (
            "BandwidthDiscountTier",
            to_value(schema_for!(types::BandwidthDiscountTier)),
        ),
        ("BillingInfo", to_value(schema_for!(types::BillingInfo))),
        (
            "BillingInfoUpdateRequest",
            to_value(schema_for!(types::BillingInfoUpdateRequest)),
        ),
        (
            "CustomizationOptions",
            to_value(schema_for!(types::CustomizationOptions)),
        ),
        ("FeaturePrice", to_value(schema_for!(types::FeaturePrice))),
        ("PaymentMethod", to_value(schema_for!(types::PaymentMethod))),
        (
            "PaymentMethodCreateRequest",
            to_value(schema_for!(types::PaymentMethodCreateRequest)),
        ),
        (
            "PaymentMethodPage",
            to_value(schema_for!(types::PaymentMethodPage)),
        ),
        (
            "PaymentMethodSetup",
            to_value(schema_for!(types::PaymentMethodSetup)),
        ),
        (
            "PendingPayment",
            to_value(schema_for!(types::PendingPayment)),
        ),
        (
            "PendingPaymentPage",
            to_value(schema_for!(types::PendingPaymentPage)),
        ),
        ("PricingQuery", to_value(schema_for!(types::PricingQuery))),
        (
            "ProxyCountDiscountTier",
            to_value(schema_for!(types::ProxyCountDiscountTier)),
        ),
        (
            "ReferralChannel",
            to_value(schema_for!(types::ReferralChannel)),
        ),
        (
            "ReferralCodeInfo",
            to_value(schema_for!(types::ReferralCodeInfo)),
        ),
        (
            "ReferralConfig",
            to_value(schema_for!(types::ReferralConfig)),
        ),
        (
            "ReferralConfigUpdateRequest",
            to_value(schema_for!(types::ReferralConfigUpdateRequest)),
        ),
        (
            "ReferralCouponCode",
            to_value(schema_for!(types::ReferralCouponCode)),
        ),
        (
            "ReferralCouponCodeRequest",
            to_value(schema_for!(types::ReferralCouponCodeRequest)),
        ),
        (
            "ReferralCredit",
            to_value(schema_for!(types::ReferralCredit)),
        ),
        (
            "ReferralCreditPage",
            to_value(schema_for!(types::ReferralCreditPage)),
        ),
        (
            "ReferralCreditStatus",
            to_value(schema_for!(types::ReferralCreditStatus)),
        ),
        (
            "ReferralEarnout",
            to_value(schema_for!(types::ReferralEarnout)),
        ),
        (
            "ReferralEarnoutPage",
            to_value(schema_for!(types::ReferralEarnoutPage)),
        ),
        ("ReferralMode", to_value(schema_for!(types::ReferralMode))),
        ("Subscription", to_value(schema_for!(types::Subscription))),
        (
            "SubscriptionPricing",
            to_value(schema_for!(types::SubscriptionPricing)),
        ),
        (
            "SubscriptionPurchaseRequest",
            to_value(schema_for!(types::SubscriptionPurchaseRequest)),
        ),
        (
            "SubscriptionRenewRequest",
            to_value(schema_for!(types::SubscriptionRenewRequest)),
        ),
        ("Suspension", to_value(schema_for!(types::Suspension))),
        (
            "TaxBreakdownEntry",
            to_value(schema_for!(types::TaxBreakdownEntry)),
        ),
        ("Transaction", to_value(schema_for!(types::Transaction))),
        (
            "TransactionPage",
            to_value(schema_for!(types::TransactionPage)),
        ),
        (
            "VerificationAnswer",
            to_value(schema_for!(types::VerificationAnswer)),
        ),
        (
            "VerificationAppeal",
            to_value(schema_for!(types::VerificationAppeal)),
        ),
        (
            "VerificationAppealPage",
            to_value(schema_for!(types::VerificationAppealPage)),
        ),
        (
            "VerificationAppealRequest",
            to_value(schema_for!(types::VerificationAppealRequest)),
        ),
        (
            "VerificationAppealState",
            to_value(schema_for!(types::VerificationAppealState)),
        ),
        (
            "VerificationCategories",
            to_value(schema_for!(types::VerificationCategories)),
        ),
        (
            "VerificationCategory",
            to_value(schema_for!(types::VerificationCategory)),
        ),
        (
            "VerificationCodeRequest",
            to_value(schema_for!(types::VerificationCodeRequest)),
        ),
        (
            "VerificationEvidence",
            to_value(schema_for!(types::VerificationEvidence)),
        ),
        (
            "VerificationFile",
            to_value(schema_for!(types::VerificationFile)),
        ),
        (
            "VerificationFlow",
            to_value(schema_for!(types::VerificationFlow)),
        ),
        (
            "VerificationFlowPage",
            to_value(schema_for!(types::VerificationFlowPage)),
        ),
        (
            "VerificationFlowState",
            to_value(schema_for!(types::VerificationFlowState)),
        ),
        (
            "VerificationFlowType",
            to_value(schema_for!(types::VerificationFlowType)),
        ),
        (
            "VerificationLimits",
            to_value(schema_for!(types::VerificationLimits)),
        ),
        (
            "VerificationQuestion",
            to_value(schema_for!(types::VerificationQuestion)),
        ),
        (
            "VerificationQuestionPage",
            to_value(schema_for!(types::VerificationQuestionPage)),
        ),
        (
            "VerificationThreshold",
            to_value(schema_for!(types::VerificationThreshold)),
        ),
        (
            "VerificationThresholds",
            to_value(schema_for!(types::VerificationThresholds)),
        ),
        ("ErrorReason", to_value(schema_for!(types::ErrorReason))),
        ("AsnEntry", to_value(schema_for!(types::AsnEntry))),
        ("ApiKey", to_value(schema_for!(types::ApiKey))),
        ("ApiKeyPage", to_value(schema_for!(types::ApiKeyPage))),
        ("ApiKeyRequest", to_value(schema_for!(types::ApiKeyRequest))),
        ("AnySelector", to_value(schema_for!(types::AnySelector))),
        ("AsnSelector", to_value(schema_for!(types::AsnSelector))),
        (
            "CheckoutResponse",
            to_value(schema_for!(types::CheckoutResponse)),
        ),
        (
            "CountrySelector",
            to_value(schema_for!(types::CountrySelector)),
        ),
        (
            "IpAddressSelector",
            to_value(schema_for!(types::IpAddressSelector)),
        ),
        (
            "IpRangeSelector",
            to_value(schema_for!(types::IpRangeSelector)),
        ),
        ("Plan", to_value(schema_for!(types::Plan))),
        (
            "PlanCancelResponse",
            to_value(schema_for!(types::PlanCancelResponse)),
        ),
        ("PlanPage", to_value(schema_for!(types::PlanPage))),
        (
            "PlanUpdateRequest",
            to_value(schema_for!(types::PlanUpdateRequest)),
        ),
        (
            "PlanUpgradeRequest",
            to_value(schema_for!(types::PlanUpgradeRequest)),
        ),
        (
            "ProxyReplacement",
            to_value(schema_for!(types::ProxyReplacement)),
        ),
        (
            "ProxyReplacementCreateRequest",
            to_value(schema_for!(types::ProxyReplacementCreateRequest)),
        ),
        (
            "ProxyReplacementPage",
            to_value(schema_for!(types::ProxyReplacementPage)),
        ),
        (
            "ProxyReplacementState",
            to_value(schema_for!(types::ProxyReplacementState)),
        ),
        ("ProxySelector", to_value(schema_for!(types::ProxySelector))),
        ("ReplacedProxy", to_value(schema_for!(types::ReplacedProxy))),
        (
            "ReplacedProxyPage",
            to_value(schema_for!(types::ReplacedProxyPage)),
        ),
        (
            "ReplacementSource",
            to_value(schema_for!(types::ReplacementSource)),
        ),
        ("ProxyConfig", to_value(schema_for!(types::ProxyConfig))),
        (
            "ProxyConfigUpdateRequest",
            to_value(schema_for!(types::ProxyConfigUpdateRequest)),
        ),
        (
            "AllocateCountriesRequest",
            to_value(schema_for!(types::AllocateCountriesRequest)),
        ),
        (
            "ProxyListStats",
            to_value(schema_for!(types::ProxyListStats)),
        ),
        (
            "ProxyListStatus",
            to_value(schema_for!(types::ProxyListStatus)),
        ),
        ("ProxyStat", to_value(schema_for!(types::ProxyStat))),
        (
            "AggregateStats",
            to_value(schema_for!(types::AggregateStats)),
        ),
        ("CountryCode", to_value(schema_for!(types::CountryCode))),
        ("Proxy", to_value(schema_for!(types::Proxy))),
        ("ProxyPage", to_value(schema_for!(types::ProxyPage))),
        ("ProxyMode", to_value(schema_for!(types::ProxyMode))),
        (
            "ProxyAuthenticationMethod",
            to_value(schema_for!(types::ProxyAuthenticationMethod)),
        ),
        (
            "ProxyListConfig",
            to_value(schema_for!(types::ProxyListConfig)),
        ),
        ("ProxyActivity", to_value(schema_for!(types::ProxyActivity))),
        (
            "ProxyActivityPage",
            to_value(schema_for!(types::ProxyActivityPage)),
        ),
        (
            "PasswordResetCompleteRequest",
            to_value(schema_for!(types::PasswordResetCompleteRequest)),
        ),
        (
            "PasswordResetRequest",
            to_value(schema_for!(types::PasswordResetRequest)),
        ),
        (
            "RegisterRequest",
            to_value(schema_for!(types::RegisterRequest)),
        ),
        (
            "RegisterResponse",
            to_value(schema_for!(types::RegisterResponse)),
        ),
        (
            "SocialLoginRequest",
            to_value(schema_for!(types::SocialLoginRequest)),
        ),
        (
            "SocialProvider",
            to_value(schema_for!(webshare_api::SocialProvider)),
        ),
        (
            "SocialRegisterRequest",
            to_value(schema_for!(types::SocialRegisterRequest)),
        ),
        ("TokenResponse", to_value(schema_for!(types::TokenResponse))),
    ])
}

/// `schema` with its references to definitions that are not spec components (typify's names for inline
/// schemas, such as a variant's one-valued `type` tag) replaced by the definitions themselves, as the spec
/// writes them inline.
fn inline_unnamed(schema: &Value, definitions: &Value, components: &Map<String, Value>) -> Value {
    match schema {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/definitions/"))
                .filter(|name| !components.contains_key(*name))
                && let Some(definition) = definitions.get(name)
            {
                return inline_unnamed(definition, definitions, components);
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), inline_unnamed(v, definitions, components)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| inline_unnamed(v, definitions, components))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The spec's `$ref`s to components that are bare maps (only `additionalProperties`), inlined: schemars
/// derives such a newtype (`struct AvailableAssetsByType(HashMap<..>)`) in place, not by reference.
fn inline_maps(schema: &Value, components: &Map<String, Value>) -> Value {
    match schema {
        Value::Object(map) => {
            if let Some(target) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .and_then(|name| components.get(name))
                .filter(|t| t.get("properties").is_none() && t["additionalProperties"].is_object())
            {
                return inline_maps(target, components);
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), inline_maps(v, components)))
                    .collect(),
            )
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| inline_maps(v, components)).collect())
        }
        other => other.clone(),
    }
}

/// The shape of a schema that both dialects (OpenAPI 3.0 and JSON Schema draft 7) must agree on.
fn shape(schema: &Value) -> Value {
    if let Some(reference) = schema["$ref"].as_str() {
        return json!({ "ref": reference.rsplit('/').next().unwrap() });
    }
    // OpenAPI 3.0's nullable reference: `nullable: true` beside `allOf: [{$ref}]`.
    if let Some([only]) = schema["allOf"].as_array().map(Vec::as_slice)
        && only["$ref"].is_string()
    {
        let mut inner = shape(only);
        inner["nullable"] = json!(schema["nullable"] == true);
        return inner;
    }
    // JSON Schema's `anyOf: [X, {type: null}]` (an `Option` of a named type) is OpenAPI's nullable X.
    if let Some([a, b]) = schema["anyOf"].as_array().map(Vec::as_slice)
        && let Some(other) = [(a, b), (b, a)]
            .into_iter()
            .find_map(|(x, y)| (y["type"] == "null").then_some(x))
    {
        let mut inner = shape(other);
        inner["nullable"] = json!(true);
        return inner;
    }
    if let Some(variants) = schema["oneOf"]
        .as_array()
        .or_else(|| schema["anyOf"].as_array())
    {
        return json!({ "one_of": variants.iter().map(shape).collect::<Vec<_>>() });
    }
    // OpenAPI says `nullable: true`; JSON Schema says `type: [T, "null"]`.
    let (ty, nullable) = match &schema["type"] {
        Value::Array(types) => (
            types
                .iter()
                .find(|t| *t != "null")
                .cloned()
                .unwrap_or(Value::Null),
            types.iter().any(|t| t == "null"),
        ),
        ty => (ty.clone(), schema["nullable"] == true),
    };
    let mut out = json!({ "type": ty, "nullable": nullable });
    if let Some(format) = schema["format"]
        .as_str()
        .filter(|f| !FORMATS_WITHOUT_A_RUST_TYPE.contains(f))
        // A string decimal is `rust_decimal::Decimal`, whose schemars impl writes no format.
        .filter(|f| !(*f == "decimal" && ty == "string"))
    {
        // typify makes an int64 with a minimum of 1 a `NonZeroU64`, which schemars writes `uint64`.
        let positive = schema["minimum"] == 1 && schema["maximum"].is_null();
        out["format"] = json!(if format == "int64" && positive {
            "uint64"
        } else {
            format
        });
    }
    if ty == "array" {
        out["items"] = shape(&schema["items"]);
    }
    if ty == "object" {
        let mut required: Vec<_> = schema["required"].as_array().cloned().unwrap_or_default();
        // An optional field is an `Option` that also accepts null; for optional fields absent and null
        // mean the same, so nullability is compared on required fields only.
        let properties: BTreeMap<_, _> = schema["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, prop)| {
                let mut prop_shape = shape(prop);
                // A required nullable field reads an absent key as null (the generator's tolerant
                // reading), so it is as optional as a field not required; schemars derives it so.
                if prop_shape["nullable"] == true {
                    required.retain(|r| r != name);
                }
                if !required.contains(&json!(name)) {
                    prop_shape.as_object_mut().unwrap().remove("nullable");
                }
                (name.clone(), prop_shape)
            })
            .collect();
        required.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
        out["properties"] = json!(properties);
        out["required"] = json!(required);
        if schema["additionalProperties"].is_object() {
            out["additional_properties"] = shape(&schema["additionalProperties"]);
        }
    }
    out
}

#[test]
fn generated_types_derive_the_schemas_the_spec_declares() {
    let spec = spec_json();
    let components = spec["components"]["schemas"].as_object().unwrap();
    let derived = derived_schemas();
    let mut differing = Vec::new();
    assert_eq!(
        components.keys().map(String::as_str).collect::<Vec<_>>(),
        derived.keys().copied().collect::<Vec<_>>(),
        "every spec component needs an entry in derived_schemas()"
    );
    for (name, schema) in &derived {
        let schema = &inline_unnamed(schema, &schema["definitions"], components);
        let derived_shape = shape(schema);
        let mut spec_shape = shape(&inline_maps(&components[*name], components));
        if FLATTENED_MAPS.contains(name) {
            assert!(
                derived_shape.get("additional_properties").is_none(),
                "schemars now derives additionalProperties for {name}: remove it from FLATTENED_MAPS"
            );
            assert!(
                spec_shape["additional_properties"].is_object(),
                "{name} has no additionalProperties"
            );
            spec_shape
                .as_object_mut()
                .unwrap()
                .remove("additional_properties");
        }
        if derived_shape != spec_shape {
            differing.push(format!(
                "component {name}:\n  derived: {derived_shape}\n  spec:    {spec_shape}"
            ));
        }
    }
    assert!(differing.is_empty(), "{}", differing.join("\n"));
}

/// Formats typify maps to a plain `String`, so schemars derives no format for them. (The `webshare`
/// crate checks email addresses and redirect URIs before sending.)
const FORMATS_WITHOUT_A_RUST_TYPE: &[&str] = &["email", "uri"];

/// Components whose `additionalProperties` typify turns into a `#[serde(flatten)]` map (`Error::extra`, the
/// per-field errors). serde handles it (the 400 tests in `httpmock_helpers.rs` decode both forms), but
/// schemars 0.8 derives no `additionalProperties` for a flattened map.
const FLATTENED_MAPS: &[&str] = &["Error"];

#[test]
fn an_absent_nullable_field_decodes_as_none_and_an_absent_required_one_fails() {
    let without = json!({
        "email_is_verified": false,
        "created_at": "2019-05-09T23:34:00.095501-07:00",
        "updated_at": "2019-05-09T23:34:00.095501-07:00"
    });
    let status = serde_json::from_value::<types::ActivationStatus>(without).unwrap();
    assert_eq!(status.last_time_email_verification_email_sent, None);
    // `IpAuthorization.id` is required and never null: its absence is an error naming it.
    let err = serde_json::from_value::<types::IpAuthorization>(json!({
        "ip_address": "10.0.0.1",
        "created_at": "2019-05-09T23:34:00.095501-07:00"
    }))
    .unwrap_err();
    assert!(err.to_string().contains("missing field `id`"), "{err}");
    let mut with_null = json!({ "last_time_email_verification_email_sent": null });
    with_null.as_object_mut().unwrap().extend(
        json!({
            "email_is_verified": false,
            "created_at": "2019-05-09T23:34:00.095501-07:00",
            "updated_at": "2019-05-09T23:34:00.095501-07:00"
        })
        .as_object()
        .unwrap()
        .clone(),
    );
    let status: types::ActivationStatus = serde_json::from_value(with_null).unwrap();
    assert_eq!(status.last_time_email_verification_email_sent, None);
}

#[test]
fn derived_json_schemas_snapshot() {
    insta::assert_json_snapshot!("derived_json_schemas", derived_schemas());
}
