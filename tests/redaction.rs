//! Every generated type that holds a secret (a `format: password` field, at any depth) prints
//! `[redacted]` for it in `Debug`. The types are found in the spec, not listed by hand: a new secret-bearing
//! schema without an entry in `debug_of` fails this test by name.

use serde_json::{Map, Value, json};
use webshare_api::types;
use webshare_tests::{resolve, spec_json};

/// A value for `schema` with every secret set to a marked string (and every other field to a valid
/// stand-in), so the secrets can be looked for in the output.
fn instance(spec: &Value, schema: &Value, path: &str, secrets: &mut Vec<String>) -> Value {
    let schema = resolve(spec, schema);
    if let Some(values) = schema["enum"].as_array() {
        return values[0].clone();
    }
    match schema["type"].as_str() {
        Some("object") => {
            let mut out = Map::new();
            for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
                out.insert(
                    name.clone(),
                    instance(spec, prop, &format!("{path}.{name}"), secrets),
                );
            }
            Value::Object(out)
        }
        Some("array") => json!([instance(
            spec,
            &schema["items"],
            &format!("{path}[]"),
            secrets
        )]),
        Some("integer") => json!(7),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        Some("string") => match schema["format"].as_str() {
            Some("password") => {
                let secret = format!("SECRET-{}-{}", secrets.len(), path.replace('.', "-"));
                secrets.push(secret.clone());
                json!(secret)
            }
            Some("date-time") => json!("2020-01-02T03:04:05Z"),
            Some("email") => json!("jane@example.com"),
            Some("uri") => json!("https://example.com/cb"),
            // A stand-in within the schema's length bounds.
            _ => {
                let min = schema["minLength"].as_u64().unwrap_or(2).max(2) as usize;
                json!("X".repeat(min))
            }
        },
        _ => json!("XY"),
    }
}

fn holds_secret(spec: &Value, schema: &Value, depth: usize) -> bool {
    let schema = resolve(spec, schema);
    depth < 8
        && (schema["format"] == "password"
            || schema["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .any(|(_, p)| holds_secret(spec, p, depth + 1))
            || (schema["type"] == "array" && holds_secret(spec, &schema["items"], depth + 1)))
}

/// The generated type of a spec component, decoded from `value` and printed with `Debug`.
fn debug_of(name: &str, value: Value) -> Option<String> {
    fn debug<T: serde::de::DeserializeOwned + std::fmt::Debug>(value: Value) -> String {
        format!(
            "{:?}",
            serde_json::from_value::<T>(value).expect("the instance decodes")
        )
    }
    Some(match name {
        "RegisterRequest" => debug::<types::RegisterRequest>(value),
        "RegisterResponse" => debug::<types::RegisterResponse>(value),
        "LoginRequest" => debug::<types::LoginRequest>(value),
        "TokenResponse" => debug::<types::TokenResponse>(value),
        "PasswordResetRequest" => debug::<types::PasswordResetRequest>(value),
        "PasswordResetCompleteRequest" => debug::<types::PasswordResetCompleteRequest>(value),
        "ActivationCompleteRequest" => debug::<types::ActivationCompleteRequest>(value),
        "SocialRegisterRequest" => debug::<types::SocialRegisterRequest>(value),
        "SocialLoginRequest" => debug::<types::SocialLoginRequest>(value),
        "ChangePasswordRequest" => debug::<types::ChangePasswordRequest>(value),
        "ChangeEmailRequest" => debug::<types::ChangeEmailRequest>(value),
        "ChangeEmailCompleteRequest" => debug::<types::ChangeEmailCompleteRequest>(value),
        "DeleteAccountRequest" => debug::<types::DeleteAccountRequest>(value),
        "Proxy" => debug::<types::Proxy>(value),
        "ProxyPage" => debug::<types::ProxyPage>(value),
        "ProxyListConfig" => debug::<types::ProxyListConfig>(value),
        "DownloadToken" => debug::<types::DownloadToken>(value),
        "ProxyListStatus" => debug::<types::ProxyListStatus>(value),
        "ProxyConfig" => debug::<types::ProxyConfig>(value),
        "ProxyConfigUpdateRequest" => debug::<types::ProxyConfigUpdateRequest>(value),
        "PlanUpgradeRequest" => debug::<types::PlanUpgradeRequest>(value),
        "CheckoutResponse" => debug::<types::CheckoutResponse>(value),
        "ApiKey" => debug::<types::ApiKey>(value),
        "ApiKeyPage" => debug::<types::ApiKeyPage>(value),
        "Profile" => debug::<types::Profile>(value),
        "TwoFactorMethod" => debug::<types::TwoFactorMethod>(value),
        "TwoFactorActivateRequest" => debug::<types::TwoFactorActivateRequest>(value),
        "TwoFactorCodeRequest" => debug::<types::TwoFactorCodeRequest>(value),
        "IdVerification" => debug::<types::IdVerification>(value),
        "PaymentMethodCreateRequest" => debug::<types::PaymentMethodCreateRequest>(value),
        "PaymentMethodSetup" => debug::<types::PaymentMethodSetup>(value),
        "SubscriptionPurchaseRequest" => debug::<types::SubscriptionPurchaseRequest>(value),
        "SubscriptionRenewRequest" => debug::<types::SubscriptionRenewRequest>(value),
        "VerificationCodeRequest" => debug::<types::VerificationCodeRequest>(value),
        _ => return None,
    })
}

#[test]
fn every_secret_bearing_type_redacts_its_secrets() {
    let spec = spec_json();
    let mut checked = Vec::new();
    let mut missing = Vec::new();
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        if !holds_secret(&spec, schema, 0) {
            continue;
        }
        let mut secrets = Vec::new();
        let value = instance(&spec, schema, name, &mut secrets);
        match debug_of(name, value) {
            Some(printed) => {
                assert!(!secrets.is_empty());
                for secret in &secrets {
                    assert!(
                        !printed.contains(secret.as_str()),
                        "{name}: {secret} in {printed}"
                    );
                }
                assert!(printed.contains("[redacted]"), "{name}: {printed}");
                checked.push(name.clone());
            }
            None => missing.push(name.clone()),
        }
    }
    assert!(
        missing.is_empty(),
        "secret-bearing components without an entry in debug_of(): {missing:?}"
    );
    // Today's set, so that the spec walk itself is known to find them.
    assert_eq!(checked.len(), 34, "{checked:?}");
}
