//! `webshare demo`: the whole account flow against an embedded mock server, each step printed.

use crate::stdout::outln;
use webshare::operations as ops;
use webshare::{Error, Registration};
use webshare_mock_server::{EmailKind, MockServer};

const EMAIL: &str = "demo@example.com";
const PASSWORD: &str = "Demo-Password-2026";
const NEW_PASSWORD: &str = "Demo-Password-Changed-7";
const RECAPTCHA: &str = "demo-recaptcha";

/// Runs the demo; every line goes to stdout. Tokens and codes print as `[redacted]`.
pub async fn run() -> Result<(), Error> {
    let server = MockServer::start().await;
    outln!(
        "Started a mock Webshare API at {} (in memory, no account needed).\n",
        server.base_url()
    );
    let anonymous = crate::commands::client_builder(server.base_url()).build()?;
    let code_of = |kind| {
        server
            .last_email(EMAIL, kind)
            .map(|email| email.token)
            .ok_or_else(|| Error::Config {
                message: format!("the mock server sent no {} email", kind_name(kind)),
            })
    };

    step(
        1,
        "register",
        &format!("{} as {EMAIL}", call(&ops::REGISTER)),
    );
    let registered = anonymous
        .register(&Registration::new(EMAIL, PASSWORD, RECAPTCHA).accept_terms_of_service())
        .await?;
    outln!(
        "   -> token {} (existing user: {})",
        registered.token,
        registered.logged_in_existing_user
    );
    let user = anonymous.with_token(&registered.token)?;

    step(
        2,
        "activation status",
        &format!("{} with that token", call(&ops::GET_ACTIVATION)),
    );
    let status = user.activation().status().await?;
    outln!(
        "   -> email verified: {}, last activation email: {}",
        verified(status.email_is_verified),
        when(status.last_time_email_verification_email_sent)
    );

    step(3, "resend activation", &call(&ops::RESEND_ACTIVATION));
    let status = user.activation().resend().await?;
    outln!(
        "   -> activation email sent at {}",
        when(status.last_time_email_verification_email_sent)
    );
    match user.activation().resend().await {
        Err(e @ Error::RateLimited { .. }) => outln!("   -> resending again at once: {e}"),
        Err(e) => outln!("   -> resending again at once: {e}"),
        Ok(_) => outln!("   -> resending again at once: sent (no rate limit)"),
    }

    step(
        4,
        "complete activation",
        &format!(
            "{} with the code from the outbox",
            call(&ops::COMPLETE_ACTIVATION)
        ),
    );
    let activated = anonymous
        .activation()
        .complete(code_of(EmailKind::Activation)?)
        .await?;
    let status = anonymous
        .with_token(&activated)?
        .activation()
        .status()
        .await?;
    outln!(
        "   -> new token {activated}; email verified: {}",
        verified(status.email_is_verified)
    );

    step(5, "login", &call(&ops::LOGIN));
    let token = anonymous.login(EMAIL, PASSWORD, RECAPTCHA).await?;
    outln!("   -> token {token}");

    step(6, "request a password reset", &call(&ops::RESET_PASSWORD));
    anonymous.password().request_reset(EMAIL, RECAPTCHA).await?;
    outln!("   -> 204 No Content; a reset email is in the outbox");

    step(
        7,
        "complete the password reset",
        &format!(
            "{} with the emailed code",
            call(&ops::COMPLETE_PASSWORD_RESET)
        ),
    );
    let after_reset = anonymous
        .password()
        .complete_reset(code_of(EmailKind::PasswordReset)?, NEW_PASSWORD, RECAPTCHA)
        .await?;
    outln!("   -> new token {after_reset}");
    match user.activation().status().await {
        Err(e @ Error::Unauthorized { .. }) => {
            outln!("   -> the first token no longer works: {e}")
        }
        Err(e) => outln!("   -> the first token: {e}"),
        Ok(_) => outln!("   -> the first token: still works"),
    }
    anonymous.login(EMAIL, NEW_PASSWORD, RECAPTCHA).await?;
    outln!("   -> logging in with the new password works");

    outln!("\nDone: every step of the account flow answered as the Webshare API does.");
    Ok(())
}

fn step(number: u32, name: &str, what: &str) {
    outln!("{number}. {name}: {what}");
}

/// How a step's request goes out, from the generated facts: `POST /v2/register/`.
fn call(operation: &webshare::Operation) -> String {
    format!("{} {}", operation.method, operation.path)
}

/// Whether the email is verified, as the answer said (`null` is possible).
fn verified(flag: Option<bool>) -> &'static str {
    match flag {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not said",
    }
}

/// A time as printed: RFC 3339, or `never`.
fn when(time: Option<webshare::chrono::DateTime<webshare::chrono::Utc>>) -> String {
    time.map_or_else(|| "never".to_owned(), |t| t.to_rfc3339())
}

/// An email's kind in words.
fn kind_name(kind: EmailKind) -> &'static str {
    match kind {
        EmailKind::Activation => "activation",
        EmailKind::PasswordReset => "password reset",
        EmailKind::EmailChange => "email change",
        EmailKind::TwoFactor => "two-factor",
        _ => "other",
    }
}
