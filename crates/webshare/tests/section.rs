//! The rest of the *Registration and Login* section against the mock server: social accounts, password
//! and email changes, deletion, logout and two-factor answers, with every token invalidation rule.

mod support;

use support::anonymous;
use webshare::{Client, Error, Registration, SocialProvider, SocialRegistration, Token};
use webshare_mock_server::{DEFAULT_SOCIAL_REDIRECT_URI as REDIRECT, EmailKind, MockServer};

const EMAIL: &str = "jane@example.com";
const PASSWORD: &str = "Correct-Horse-Battery-9";

async fn register(server: &MockServer) -> (Client, Token) {
    let anonymous = anonymous(server);
    let token = anonymous
        .register(&Registration::new(EMAIL, PASSWORD, "r").accept_terms_of_service())
        .await
        .unwrap()
        .token;
    (anonymous.with_token(&token).unwrap(), token)
}

async fn works(client: &Client) -> bool {
    client.activation().status().await.is_ok()
}

#[tokio::test]
async fn social_register_login_and_linking() {
    let server = MockServer::start().await;
    let anonymous = anonymous(&server);
    let code = server.mint_social_code("google", EMAIL);
    let registration = SocialRegistration::new(SocialProvider::Google, code.as_str(), REDIRECT)
        .accept_terms_of_service();
    let registered = anonymous.social().register(&registration).await.unwrap();
    assert!(!registered.logged_in_existing_user);
    let user = anonymous.with_token(&registered.token).unwrap();
    assert!(
        user.activation().status().await.unwrap().email_is_verified == Some(true),
        "the provider vouches for the address"
    );

    // Codes are single-use.
    let err = anonymous
        .social()
        .register(&registration)
        .await
        .unwrap_err();
    assert_eq!(
        err.field_errors("code")[0].message,
        "Invalid or expired authorization code."
    );

    let token = anonymous
        .social()
        .login(
            SocialProvider::Google,
            server.mint_social_code("google", EMAIL),
            REDIRECT,
        )
        .await
        .unwrap();
    assert!(works(&anonymous.with_token(&token).unwrap()).await);

    // Registering again with the same identity logs in.
    let again = SocialRegistration::new(
        SocialProvider::Google,
        server.mint_social_code("google", EMAIL),
        REDIRECT,
    )
    .accept_terms_of_service();
    assert!(
        anonymous
            .social()
            .register(&again)
            .await
            .unwrap()
            .logged_in_existing_user
    );
}

#[tokio::test]
async fn social_failures() {
    let server = MockServer::start().await;
    let anonymous = anonymous(&server);
    // No account is linked to this identity yet.
    let err = anonymous
        .social()
        .login(
            SocialProvider::Google,
            server.mint_social_code("google", EMAIL),
            REDIRECT,
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the server rejected the request: No account is linked to this social identity."
    );
    // An unauthorized redirect URI.
    let err = anonymous
        .social()
        .login(
            SocialProvider::Google,
            server.mint_social_code("google", EMAIL),
            "https://evil.example/cb",
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.field_errors("redirect_uri")[0].message,
        "This redirect URI is not authorized."
    );
    // A provider this release does not know is sent as is; the server judges it.
    let err = anonymous
        .social()
        .login(
            SocialProvider::Other("github".into()),
            server.mint_social_code("google", EMAIL),
            REDIRECT,
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.field_errors("code")[0].message,
        "Invalid or expired authorization code."
    );
    // Checked before sending.
    let err = anonymous
        .social()
        .login(SocialProvider::Google, "code", "not a url")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidInput {
                field: "redirect_uri",
                ..
            }
        ),
        "{err:?}"
    );
    let no_tos = SocialRegistration::new(SocialProvider::Google, "code", REDIRECT);
    assert!(matches!(
        anonymous.social().register(&no_tos).await,
        Err(Error::InvalidInput {
            field: "tos_accepted",
            ..
        })
    ));
}

#[tokio::test]
async fn a_social_only_account_has_no_password_until_a_reset() {
    let server = MockServer::start().await;
    let anonymous = anonymous(&server);
    let registration = SocialRegistration::new(
        SocialProvider::Google,
        server.mint_social_code("google", EMAIL),
        REDIRECT,
    )
    .accept_terms_of_service();
    let user = anonymous
        .with_token(
            &anonymous
                .social()
                .register(&registration)
                .await
                .unwrap()
                .token,
        )
        .unwrap();
    let err = user
        .password()
        .change("anything-at-all", "Brand-New-Password-1")
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("This account has no password"),
        "{err}"
    );
    assert!(
        anonymous
            .login(EMAIL, "anything-at-all", "r")
            .await
            .is_err()
    );

    anonymous
        .password()
        .request_reset(EMAIL, "r")
        .await
        .unwrap();
    let code = server
        .last_email(EMAIL, EmailKind::PasswordReset)
        .unwrap()
        .token;
    anonymous
        .password()
        .complete_reset(code, "First-Password-Set-2", "r")
        .await
        .unwrap();
    assert!(
        anonymous
            .login(EMAIL, "First-Password-Set-2", "r")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn changing_the_password_revokes_every_other_token() {
    let server = MockServer::start().await;
    let (first, _) = register(&server).await;
    let second = anonymous(&server)
        .with_token(
            &anonymous(&server)
                .login(EMAIL, PASSWORD, "r")
                .await
                .unwrap(),
        )
        .unwrap();

    let err = second
        .password()
        .change("Not-The-Password-1", "Brand-New-Password-1")
        .await
        .unwrap_err();
    assert_eq!(err.field_errors("password")[0].message, "Wrong password.");
    let err = second
        .password()
        .change(PASSWORD, "password1")
        .await
        .unwrap_err();
    assert_eq!(
        err.field_errors("new_password")[0].message,
        "This password is too common."
    );

    second
        .password()
        .change(PASSWORD, "Brand-New-Password-1")
        .await
        .unwrap();
    assert!(works(&second).await, "the token of the request stays valid");
    assert!(
        matches!(
            first.activation().status().await,
            Err(Error::Unauthorized { .. })
        ),
        "other tokens stop working"
    );
    assert!(
        anonymous(&server)
            .login(EMAIL, PASSWORD, "r")
            .await
            .is_err()
    );
    assert!(
        anonymous(&server)
            .login(EMAIL, "Brand-New-Password-1", "r")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn changing_the_email_takes_effect_on_completion() {
    let server = MockServer::start().await;
    let (user, _) = register(&server).await;
    let new_email = "jane.new@example.com";
    let err = user
        .email()
        .change("Wrong-Password-1", new_email)
        .await
        .unwrap_err();
    assert_eq!(err.field_errors("password")[0].message, "Wrong password.");
    user.email().change(PASSWORD, new_email).await.unwrap();
    let email = server
        .last_email(new_email, EmailKind::EmailChange)
        .expect("the code goes to the new address");
    // Nothing changes before completion.
    assert!(anonymous(&server).login(EMAIL, PASSWORD, "r").await.is_ok());

    // Another account cannot use the code, and a taken address is refused.
    let other = anonymous(&server)
        .register(&Registration::new("other@example.com", PASSWORD, "r").accept_terms_of_service())
        .await
        .unwrap()
        .token;
    let other = anonymous(&server).with_token(&other).unwrap();
    let err = other
        .email()
        .complete_change(email.token.clone())
        .await
        .unwrap_err();
    assert_eq!(
        err.field_errors("confirmation_code")[0].message,
        "Invalid or expired confirmation code."
    );
    let err = other.email().change(PASSWORD, EMAIL).await.unwrap_err();
    assert_eq!(
        err.field_errors("new_email")[0].message,
        "A user with this email address already exists."
    );

    user.email().complete_change(email.token).await.unwrap();
    assert!(
        anonymous(&server)
            .login(new_email, PASSWORD, "r")
            .await
            .is_ok()
    );
    assert!(
        anonymous(&server)
            .login(EMAIL, PASSWORD, "r")
            .await
            .is_err()
    );
    assert!(works(&user).await, "tokens survive an email change");
}

#[tokio::test]
async fn a_deleted_account_answers_403_account_deleted_everywhere() {
    let server = MockServer::start().await;
    let (user, token) = register(&server).await;
    let other_token = anonymous(&server)
        .login(EMAIL, PASSWORD, "r")
        .await
        .unwrap();
    let err = user
        .account()
        .delete("Wrong-Password-1", "r")
        .await
        .unwrap_err();
    assert_eq!(err.field_errors("password")[0].message, "Wrong password.");
    user.account().delete(PASSWORD, "r").await.unwrap();

    for token in [&token, &other_token] {
        let client = anonymous(&server).with_token(token).unwrap();
        let err = client.activation().status().await.unwrap_err();
        assert!(err.is_account_deleted(), "{err:?}");
        assert!(
            client
                .activation()
                .resend()
                .await
                .unwrap_err()
                .is_account_deleted()
        );
        assert!(client.logout().await.unwrap_err().is_account_deleted());
    }
    let err = anonymous(&server)
        .login(EMAIL, PASSWORD, "r")
        .await
        .unwrap_err();
    assert!(err.is_account_deleted(), "{err:?}");
    assert_eq!(
        err.to_string(),
        "forbidden (account_deleted): the account is deleted"
    );
}

#[tokio::test]
async fn a_social_account_is_deleted_with_a_fresh_code() {
    let server = MockServer::start().await;
    let anonymous = anonymous(&server);
    let registration = SocialRegistration::new(
        SocialProvider::Google,
        server.mint_social_code("google", EMAIL),
        REDIRECT,
    )
    .accept_terms_of_service();
    let user = anonymous
        .with_token(
            &anonymous
                .social()
                .register(&registration)
                .await
                .unwrap()
                .token,
        )
        .unwrap();
    let someone_else = server.mint_social_code("google", "someone@example.com");
    let err = user
        .account()
        .delete_social(SocialProvider::Google, someone_else, REDIRECT)
        .await
        .unwrap_err();
    assert_eq!(
        err.field_errors("code")[0].message,
        "This authorization code is not for this account."
    );
    user.account()
        .delete_social(
            SocialProvider::Google,
            server.mint_social_code("google", EMAIL),
            REDIRECT,
        )
        .await
        .unwrap();
    assert!(
        user.activation()
            .status()
            .await
            .unwrap_err()
            .is_account_deleted()
    );
}

#[tokio::test]
async fn logout_revokes_only_the_token_used() {
    let server = MockServer::start().await;
    let (first, _) = register(&server).await;
    let second = anonymous(&server)
        .with_token(
            &anonymous(&server)
                .login(EMAIL, PASSWORD, "r")
                .await
                .unwrap(),
        )
        .unwrap();
    first.logout().await.unwrap();
    assert!(matches!(
        first.activation().status().await,
        Err(Error::Unauthorized { .. })
    ));
    assert!(works(&second).await);
}

#[tokio::test]
async fn two_factor_holds_new_login_tokens_until_their_emailed_code() {
    let server = MockServer::start().await;
    let (user, _) = register(&server).await;
    assert!(server.require_two_factor(EMAIL, true));
    assert!(!server.require_two_factor("nobody@example.com", true));
    let token = anonymous(&server)
        .login(EMAIL, PASSWORD, "r")
        .await
        .unwrap();
    let held = anonymous(&server).with_token(&token).unwrap();
    let err = held.activation().status().await.unwrap_err();
    assert!(err.is_two_factor_required(), "{err:?}");
    assert!(
        err.to_string().contains("submit the code"),
        "the error says what to do: {err}"
    );
    assert!(
        works(&user).await,
        "tokens issued before two-factor was on keep working"
    );
    let code = server
        .last_email(EMAIL, EmailKind::TwoFactor)
        .expect("the login emailed a code");
    held.two_factor()
        .submit_code(code.token.expose(), "r")
        .await
        .unwrap();
    assert!(works(&held).await, "the same token works after its code");
    server.require_two_factor(EMAIL, false);
    let token = anonymous(&server)
        .login(EMAIL, PASSWORD, "r")
        .await
        .unwrap();
    assert!(works(&anonymous(&server).with_token(&token).unwrap()).await);
}

#[tokio::test]
async fn token_operations_need_a_token() {
    let server = MockServer::start().await;
    let anonymous = anonymous(&server);
    for result in [
        anonymous.logout().await,
        anonymous
            .password()
            .change(PASSWORD, "Brand-New-Password-1")
            .await,
        anonymous.email().change(PASSWORD, "x@example.com").await,
        anonymous.account().delete(PASSWORD, "r").await,
    ] {
        assert!(matches!(result, Err(Error::Config { .. })), "{result:?}");
    }
}

/// `send` and `paginate` against the mock server, for each response kind: JSON, empty, paginated; a
/// streamed answer (text, a PDF) is refused with the reason, before anything is sent.
#[tokio::test]
async fn any_operation_is_sent_typed_for_each_response_kind() {
    use futures_util::TryStreamExt;
    use webshare::operations::{
        DownloadInvoice, DownloadProxyList, GetProfile, ListIpAuthorizations, ListNotifications,
        RestoreNotification,
    };
    use webshare::types::{ProxyAuthenticationMethod, ProxyMode};

    let (_server, client) = support::signed_in(Default::default()).await;
    // JSON.
    let profile = client.send(&GetProfile).await.unwrap();
    assert_eq!(profile.email.as_deref(), Some(support::EMAIL));
    // Paginated: one page, and every item as a stream.
    let page = client.send(&ListNotifications::new()).await.unwrap();
    let all: Vec<_> = client
        .paginate(ListNotifications::new().page_size(1))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len() as i64, page.count);
    let none: Vec<_> = client
        .paginate(ListIpAuthorizations::new())
        .try_collect()
        .await
        .unwrap();
    assert!(none.is_empty());
    // Empty (a 204) or an answer without content: `()`.
    if let Some(first) = all.first() {
        client
            .send(&RestoreNotification::new(first.id))
            .await
            .unwrap();
    }
    // Streamed answers have their own methods.
    let text = client
        .send(&DownloadProxyList::new(
            "t",
            ProxyAuthenticationMethod::Username,
            ProxyMode::Direct,
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            text,
            webshare::Error::InvalidInput {
                field: "operation",
                ..
            }
        ),
        "{text}"
    );
    let pdf = client.send(&DownloadInvoice::new("1")).await.unwrap_err();
    assert!(
        matches!(
            pdf,
            webshare::Error::InvalidInput {
                field: "operation",
                ..
            }
        ),
        "{pdf}"
    );
}
