//! Forgotten passwords: the same answer for known and unknown addresses, a link that works
//! once for one hour, every other session ended, and the emails behind it.

use crate::helpers::{
    browser, caller, inbox, location, session_pair, spawn_app, spawn_app_with, test_config,
    with_demo, SmtpSink, TestApp, PASSWORD,
};
use app::registration::{service, Problem};

/// A registered login for the demo account 12345678-1234567, signed in on `app.client`.
async fn signed_in_customer(app: &TestApp) -> String {
    with_demo(&app.db).await;
    let email = app.register("12345678-1234567", "97501").await.email;
    let r = app.sign_in(&email, PASSWORD).await;
    assert_eq!(location(&r), "/account");
    assert_eq!(app.get("/account").await.status().as_u16(), 200);
    email
}

#[tokio::test]
async fn a_reset_link_works_once_ends_other_sessions_and_tells_the_owner() {
    let app = spawn_app().await;
    let email = signed_in_customer(&app).await;
    let browser = browser();

    // Known and unknown addresses get the same answer.
    let known = app
        .post_form_as(&browser, "request_password_reset", "/forgot-password", &[("email", &email)])
        .await;
    let unknown = app
        .post_form_as(
            &browser,
            "request_password_reset",
            "/forgot-password",
            &[("email", "nobody.here@example.com")],
        )
        .await;
    assert_eq!(location(&known), "/forgot-password?sent=1");
    assert_eq!(location(&unknown), location(&known));

    let mail = inbox(&app.db, &email, 1).await;
    assert_eq!(mail.len(), 1);
    assert!(mail[0].subject.starts_with("Reset your password"));
    let link =
        mail[0].link(&format!("{}?token=", app::paths::RESET_PASSWORD)).expect("a reset link");
    assert!(mail[0].html.contains("reset-password?token="), "the HTML part links too");
    let token = link.split("token=").nth(1).unwrap().to_string();
    // Only the token's hash is stored.
    let (stored,): (String,) = sqlx::query_as("SELECT token_hash FROM one_time_tokens")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_ne!(stored, token);
    assert_eq!(stored.len(), 64);

    let page = browser
        .get(format!("{}{link}", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("Choose a New Password") && page.contains("name=\"token\""));

    // A weak password is refused and the link still works.
    let r = app
        .post_form_as(
            &browser,
            "reset_password",
            &link,
            &[("token", &token), ("password", "short"), ("password_confirm", "short")],
        )
        .await;
    assert!(location(&r).ends_with(&link), "back to the form: {}", location(&r));
    let shown = app.page_as(&browser, &link).await;
    assert!(shown.contains("at least 12 characters"), "the reason is shown");

    let r = app
        .post_form_as(
            &browser,
            "reset_password",
            &link,
            &[
                ("token", &token),
                ("password", "a brand new river song"),
                ("password_confirm", "a brand new river song"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/sign-in?password_changed=1");

    // The session signed in before the reset has ended.
    assert_eq!(app.get(app::paths::ACCOUNT).await.status().as_u16(), 302);
    // The link is spent.
    assert_eq!(
        service::reset_link_problem(&app.db, &token).await.unwrap(),
        Some(Problem::ResetLinkUsed)
    );
    let m = app.mailer.clone();
    let again = service::reset_password(
        &app.db,
        &m,
        &token,
        "another long password",
        "another long password",
    );
    assert_eq!(again.await.unwrap(), Err(vec![Problem::ResetLinkUsed]));

    let mail = inbox(&app.db, &email, 2).await;
    assert_eq!(mail.len(), 2);
    assert!(mail[1].subject.starts_with("Your password was changed"));

    // Only the new password opens the login.
    let r = app.sign_in(&email, "river stones at dawn").await;
    assert_ne!(location(&r), "/account");
    let r = app.sign_in(&email, "a brand new river song").await;
    assert_eq!(location(&r), "/account");
    assert!(session_pair(&r).is_some());
}

#[tokio::test]
async fn expired_unknown_and_replaced_links_say_what_happened() {
    let app = spawn_app().await;
    let email = signed_in_customer(&app).await;
    let m = app.mailer.clone();
    service::request_password_reset(&app.db, &m, "10.1.1.1", &email).await.unwrap().unwrap();
    service::request_password_reset(&app.db, &m, "10.1.1.1", &email).await.unwrap().unwrap();
    let mail = inbox(&app.db, &email, 2).await;
    let first = mail[0]
        .link(&format!("{}?token=", app::paths::RESET_PASSWORD))
        .unwrap()
        .split("token=")
        .nth(1)
        .unwrap()
        .to_string();
    let second = mail[1]
        .link(&format!("{}?token=", app::paths::RESET_PASSWORD))
        .unwrap()
        .split("token=")
        .nth(1)
        .unwrap()
        .to_string();
    assert_eq!(
        service::reset_link_problem(&app.db, &first).await.unwrap(),
        Some(Problem::ResetLinkUsed),
        "a newer link replaces it"
    );
    assert_eq!(service::reset_link_problem(&app.db, &second).await.unwrap(), None);

    sqlx::query("UPDATE one_time_tokens SET expires_at = expires_at - 3601")
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        service::reset_link_problem(&app.db, &second).await.unwrap(),
        Some(Problem::ResetLinkExpired)
    );
    let r = service::reset_password(
        &app.db,
        &m,
        &second,
        "a brand new river song",
        "a brand new river song",
    );
    assert_eq!(r.await.unwrap(), Err(vec![Problem::ResetLinkExpired]));
    assert_eq!(
        service::reset_link_problem(&app.db, "not-a-token").await.unwrap(),
        Some(Problem::ResetLinkInvalid)
    );

    // The page says so, with the way to a new link, and no form.
    let page = app.page(&format!("{}?token={second}", app::paths::RESET_PASSWORD)).await;
    assert!(
        page.contains("has expired")
            && page.contains(&format!("href=\"{}\"", app::paths::FORGOT_PASSWORD))
            && !page.contains("name=\"token\"")
    );
    // The old password still works: nothing changed.
    assert!(service::sign_in(&app.db, &m, &caller(), &email, "river stones at dawn")
        .await
        .unwrap()
        .is_ok());
}

#[tokio::test]
async fn reset_requests_are_throttled_per_address() {
    let app = spawn_app().await;
    let email = signed_in_customer(&app).await;
    let m = app.mailer.clone();
    for _ in 0..3 {
        service::request_password_reset(&app.db, &m, "10.2.2.2", &email).await.unwrap().unwrap();
    }
    let refused = service::request_password_reset(&app.db, &m, "10.2.2.3", &email).await.unwrap();
    assert!(matches!(refused.as_ref().map_err(Vec::as_slice), Err([Problem::ResetTryLater(_)])));
    // Unknown addresses are throttled alike, so the throttle tells nothing either.
    for _ in 0..3 {
        service::request_password_reset(&app.db, &m, "10.2.2.4", "ghost@example.com")
            .await
            .unwrap()
            .unwrap();
    }
    let refused = service::request_password_reset(&app.db, &m, "10.2.2.5", "ghost@example.com")
        .await
        .unwrap();
    assert!(matches!(refused.as_ref().map_err(Vec::as_slice), Err([Problem::ResetTryLater(_)])));
    assert_eq!(inbox(&app.db, &email, 3).await.len(), 3);
}

#[tokio::test]
async fn without_smtp_the_development_outbox_shows_every_email_and_production_has_no_such_page() {
    let config = app::platform::Config { smtp: None, ..test_config() };
    let app = spawn_app_with(config).await;
    let email = signed_in_customer(&app).await;
    service::request_password_reset(&app.db, &app.mailer, "10.7.7.7", &email)
        .await
        .unwrap()
        .unwrap();
    inbox(&app.db, &email, 1).await;
    let page = app.get("/dev/outbox").await;
    assert_eq!(page.status().as_u16(), 200);
    let page = page.text().await.unwrap();
    assert!(
        page.contains(&email) && page.contains("Reset your password") && page.contains("delivered")
    );
    assert!(
        page.contains("<li><a href=\"http:") && page.contains("reset-password?token="),
        "its link is clickable"
    );

    let production =
        app::platform::Config { dev_mode: false, texts: Default::default(), ..test_config() };
    let mut production_app_config = production.clone();
    production_app_config.secrets.payment_keys = [(
        "k1".to_string(),
        app::platform::config::Secret("MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=".into()),
    )]
    .into();
    production_app_config.secrets.payment_key_id = "k1".into();
    production_app_config.smtp = Some(app::platform::config::SmtpConfig::default());
    let prod = spawn_app_with(production_app_config).await;
    assert_eq!(prod.get("/dev/outbox").await.status().as_u16(), 404);
    // Production refuses to start on the demo key or without SMTP.
    assert!(app::platform::vault::Vault::from_config(&production).is_err());
    assert!(app::email::Mailer::from_config(&app::platform::Config { smtp: None, ..production })
        .is_err());
}

/// With SMTP, a delivered reset email keeps no usable link in the `emails` table (a copy
/// of the database opens no account), and the link the customer got still works.
#[tokio::test]
async fn a_delivered_reset_email_leaves_no_usable_link_in_the_database() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(sink.config()).await;
    let email = signed_in_customer(&app).await;
    let browser = browser();
    app.post_form_as(&browser, "request_password_reset", "/forgot-password", &[("email", &email)])
        .await;

    let mail = sink.inbox(&email, 1).await;
    let link = mail
        .first()
        .and_then(|m| m.link(&format!("{}?token=", app::paths::RESET_PASSWORD)))
        .expect("the reset link arrived over SMTP");
    let token = link.split("token=").nth(1).unwrap().to_string();
    app.outbox_settled().await;
    let stored = app.stored_emails().await;
    assert!(!stored.contains(&token), "the token is stored");
    assert!(!stored.contains(&link), "the link is stored");
    assert!(
        stored.contains(&format!(
            "{}?token={}",
            app::paths::RESET_PASSWORD,
            app::email::SECRET_REMOVED
        )),
        "the stored copy says what was there"
    );

    let r = app
        .post_form_as(
            &browser,
            "reset_password",
            &link,
            &[
                ("token", &token),
                ("password", "a brand new river song"),
                ("password_confirm", "a brand new river song"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/sign-in?password_changed=1", "the emailed link works");
}
