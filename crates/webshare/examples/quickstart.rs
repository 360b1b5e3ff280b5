//! Starts the mock Webshare server and walks the account flow with the `webshare` crate, printing each
//! step. `cargo run -p webshare --example quickstart`
//!
//! Against the real API, drop the mock server and use `Client::unauthenticated()` (register and login need
//! a recaptcha token from the dashboard) or `Client::new(api_key)`.

use webshare::{Client, Error, Registration};
use webshare_mock_server::{EmailKind, MockServer};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let server = MockServer::start().await;
    println!("mock Webshare API at {}", server.base_url());
    let anonymous = Client::builder().base_url(server.base_url()).build()?;

    let email = "jane@example.com";
    let registered = anonymous
        .register(
            &Registration::new(email, "Correct-Horse-Battery-9", "recaptcha")
                .accept_terms_of_service(),
        )
        .await?;
    println!(
        "1. registered {email}: token {} (existing user: {})",
        registered.token, registered.logged_in_existing_user
    );

    let jane = anonymous.with_token(&registered.token)?;
    let status = jane.activation().status().await?;
    println!(
        "2. activation status: verified = {}",
        status
            .email_is_verified
            .map_or_else(|| "not said".to_owned(), |v| v.to_string())
    );

    let status = jane.activation().resend().await?;
    println!(
        "3. activation email sent at {}",
        status
            .last_time_email_verification_email_sent
            .map_or_else(|| "never".to_owned(), |t| t.to_rfc3339())
    );

    let code = server
        .last_email(email, EmailKind::Activation)
        .expect("the mock's outbox has it")
        .token;
    let activated = anonymous.activation().complete(code).await?;
    let status = anonymous
        .with_token(&activated)?
        .activation()
        .status()
        .await?;
    println!(
        "4. activated with the emailed code: verified = {}",
        status
            .email_is_verified
            .map_or_else(|| "not said".to_owned(), |v| v.to_string())
    );

    let token = anonymous
        .login(email, "Correct-Horse-Battery-9", "recaptcha")
        .await?;
    println!("5. logged in: token {token}");

    anonymous
        .password()
        .request_reset(email, "recaptcha")
        .await?;
    println!("6. password reset requested");

    let reset = server
        .last_email(email, EmailKind::PasswordReset)
        .expect("the mock's outbox has it")
        .token;
    let new_token = anonymous
        .password()
        .complete_reset(reset, "Another-Strong-Pass-7", "recaptcha")
        .await?;
    println!("7. password reset with the emailed code: new token {new_token}");

    match jane.activation().status().await {
        Err(e @ Error::Unauthorized { .. }) => println!("8. the old token no longer works: {e}"),
        Err(e) => println!("8. unexpected: {e}"),
        Ok(_) => println!("8. unexpected: the old token still works"),
    }
    Ok(())
}
