//! Paperless billing: the verification link (its page's button verifies, single use, 24
//! hours, any browser; opening it alone changes nothing), paper
//! again with a notice, throttled resends, other customers' accounts out of reach, and one
//! "your bill is ready" email per bill however often the import runs.

use crate::helpers::{
    browser, count, inbox, location, spawn_app, spawn_app_with, unique_email, with_demo,
    Registered, SmtpSink, TestApp,
};
use app::delivery::service::{self, EmailRequest};
use app::delivery::{DeliveryProblem, Verification};
use app::domain::{AccountId, BillId};

async fn method(app: &TestApp, account_id: AccountId) -> (String, Option<String>) {
    sqlx::query_as("SELECT delivery_method, delivery_email FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).unwrap().to_string()
}

#[tokio::test]
async fn the_emailed_link_switches_delivery_once_from_any_browser() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let Registered { account_id: account, email, .. } =
        app.register("12345678-1234567", "97501").await;
    app.sign_in(&email, "river stones at dawn").await;
    let paperless = unique_email("bills");
    let r = app
        .post_form(
            "set_delivery",
            "/billing/settings/delivery",
            &[("account_id", &account.to_string()), ("method", "email"), ("email", &paperless)],
        )
        .await;
    assert_eq!(location(&r), "/billing/settings/delivery?sent=1");
    // Until the link is opened: still paper, and the page says it is pending.
    assert_eq!(method(&app, account).await, ("paper".into(), None));
    let page = app.page(&format!("{}?sent=1", app::paths::DELIVERY_SETTINGS)).await;
    assert!(page.contains("Pending verification:") && page.contains(&paperless));
    assert!(
        page.contains("Don&#x27;t forget to check your email to complete this process!")
            || page.contains("Don't forget to check your email to complete this process!")
    );

    let mail = inbox(&app.db, &paperless, 1).await;
    assert!(mail[0].subject.starts_with("Confirm paperless billing"));
    assert!(mail[0].text.contains("12345678-1234567"));
    let link =
        mail[0].link(&format!("{}?token=", app::paths::VERIFY_EMAIL)).expect("a verification link");
    // Opened in another browser, signed out: its button confirms.
    let stranger = browser();
    let page =
        stranger.get(format!("{}{link}", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Confirm email delivery") && page.contains(&paperless), "{page}");
    let r = confirm(&app, &stranger, &link).await;
    assert_eq!(location(&r), link, "back to the link's page");
    let page =
        stranger.get(format!("{}{link}", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Paperless billing is on") && page.contains(&paperless), "{page}");
    assert_eq!(method(&app, account).await, ("email".into(), Some(paperless.clone())));
    let again =
        stranger.get(format!("{}{link}", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(again.contains("already used") && !again.contains("Confirm email delivery"));
    assert_eq!(service::verify(&app.db, &token_of(&link)).await.unwrap(), Verification::Used);
    assert_eq!(service::verify(&app.db, "forged-token").await.unwrap(), Verification::Invalid);

    // Back to paper: no link needed; the verified address is told.
    let r = app
        .post_form(
            "set_delivery",
            "/billing/settings/delivery",
            &[("account_id", &account.to_string()), ("method", "paper")],
        )
        .await;
    assert_eq!(location(&r), "/billing/settings/delivery?paper=1");
    assert_eq!(method(&app, account).await, ("paper".into(), None));
    let mail = inbox(&app.db, &paperless, 2).await;
    assert!(mail[1].subject.starts_with("Your bills will come on paper"));
}

/// Presses the verification page's "Confirm email delivery" button, as a browser without
/// JavaScript does.
async fn confirm(app: &TestApp, browser: &reqwest::Client, link: &str) -> reqwest::Response {
    app.post_form_as(browser, "verify_delivery_email", link, &[("token", &token_of(link))]).await
}

/// A mail scanner opens every link it sees: opening the link must not switch the account.
/// (Issue 14, point 8; before: the GET used the token and switched to email delivery.)
#[tokio::test]
async fn opening_the_link_changes_nothing_until_its_button_is_pressed() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let Registered { login_id, customer_id, account_id: account, .. } =
        app.register("12345678-1234567", "97501").await;
    let to = unique_email("bills");
    let request =
        EmailRequest { login_id, customer_id, account_id: account, email: &to, locale: "es" };
    service::request_email(&app.db, &app.mailer, request).await.unwrap().unwrap();
    let link = inbox(&app.db, &to, 1).await[0]
        .link(&format!("{}?token=", app::paths::VERIFY_EMAIL))
        .unwrap();

    // The scanner, then the customer, open it: twice, nothing used, still paper.
    let scanner = reqwest::Client::new();
    for _ in 0..2 {
        let page = scanner
            .get(format!("{}{link}", app.base))
            .header("accept-language", "es")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("Confirmar la entrega por correo electrónico") && page.contains(&to),
            "{page}"
        );
        assert!(page.contains("name=\"token\"") && page.contains(&token_of(&link)));
    }
    assert_eq!(method(&app, account).await, ("paper".into(), None));
    let unused = app::platform::tokens::check(
        &app.db,
        app::platform::tokens::Purpose::DeliveryEmail,
        &token_of(&link),
    )
    .await
    .unwrap();
    assert!(matches!(unused, app::platform::tokens::TokenState::Valid(_)), "{unused:?}");

    // The button verifies, once.
    let browser = browser();
    let r = confirm(&app, &browser, &link).await;
    assert_eq!(r.status().as_u16(), 302);
    assert_eq!(method(&app, account).await, ("email".into(), Some(to.clone())));
    let page = app.page_as(&browser, &location(&r)).await;
    assert!(
        page.contains("Paperless billing is on") && !page.contains("Confirm email delivery"),
        "{page}"
    );
    let r = confirm(&app, &browser, &link).await;
    let page = app.page_as(&browser, &location(&r)).await;
    assert!(page.contains("already used"), "{page}");
    // A damaged link has no button.
    let page = scanner
        .get(format!("{}{}?token=damaged", app.base, app::paths::VERIFY_EMAIL))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("not valid") && !page.contains("Confirm email delivery"), "{page}");
}

#[tokio::test]
async fn expired_links_wrong_accounts_and_resends_are_refused() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let Registered { login_id: alex_login, customer_id: alex, account_id: alex_account, .. } =
        app.register("12345678-1234567", "97501").await;
    let maria_account = app.register("23456789-2345678", "97502").await.account_id;
    let m = app.mailer.clone();
    let to = unique_email("bills");
    let request = |account_id| EmailRequest {
        login_id: alex_login,
        customer_id: alex,
        account_id,
        email: &to,
        locale: "es",
    };

    // Another customer's account: refused, nothing sent, nothing changed.
    assert_eq!(
        service::request_email(&app.db, &m, request(maria_account)).await.unwrap(),
        Err(DeliveryProblem::NotFound)
    );
    assert_eq!(
        service::choose_paper(&app.db, &m, alex, maria_account).await.unwrap(),
        Err(DeliveryProblem::NotFound)
    );
    assert_eq!(count(&app.db, "one_time_tokens").await, 0);
    let bad = EmailRequest { email: "not an address", ..request(alex_account) };
    assert_eq!(
        service::request_email(&app.db, &m, bad).await.unwrap(),
        Err(DeliveryProblem::EmailFormat)
    );

    // Three emails an hour per account, then a clear wait.
    for _ in 0..3 {
        service::request_email(&app.db, &m, request(alex_account)).await.unwrap().unwrap();
    }
    assert!(matches!(
        service::request_email(&app.db, &m, request(alex_account)).await.unwrap(),
        Err(DeliveryProblem::TryLater(_))
    ));
    let mail = inbox(&app.db, &to, 3).await;
    assert!(
        mail[0].subject.starts_with("Confirme la facturación electrónica"),
        "in the customer's language"
    );
    // Only the newest link works; an expired one says so.
    let links: Vec<String> = mail
        .iter()
        .map(|e| token_of(&e.link(&format!("{}?token=", app::paths::VERIFY_EMAIL)).unwrap()))
        .collect();
    assert_eq!(service::verify(&app.db, &links[0]).await.unwrap(), Verification::Used);
    sqlx::query("UPDATE one_time_tokens SET expires_at = expires_at - 86401")
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(service::verify(&app.db, &links[2]).await.unwrap(), Verification::Expired);
    assert_eq!(method(&app, alex_account).await, ("paper".into(), None));
    let page = app.page(&format!("{}?token={}", app::paths::VERIFY_EMAIL, links[2])).await;
    assert!(
        page.contains("has expired")
            && page.contains(&format!("href=\"{}\"", app::paths::DELIVERY_SETTINGS))
    );
}

#[tokio::test]
async fn one_bill_ready_email_per_bill_even_when_the_import_runs_twice() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let Registered { login_id, customer_id, account_id: account, .. } =
        app.register("12345678-1234567", "97501").await;
    let to = unique_email("bills");
    let request =
        EmailRequest { login_id, customer_id, account_id: account, email: &to, locale: "en" };
    service::request_email(&app.db, &app.mailer, request).await.unwrap().unwrap();
    let link = inbox(&app.db, &to, 1).await[0]
        .link(&format!("{}?token=", app::paths::VERIFY_EMAIL))
        .unwrap();
    assert!(matches!(
        service::verify(&app.db, &token_of(&link)).await.unwrap(),
        Verification::Verified { .. }
    ));

    let file = "account_number,bill_date,due_date,amount,balance,usage_gallons\n\
                1234567,2027-01-01,2027-02-01,61.20,61.20,12240\n\
                7654321,2027-01-01,2027-02-01,33.10,33.10,6620\n";
    for _ in 0..2 {
        let report = app::import::import_bills(&app.db, file.as_bytes()).await.unwrap();
        app::email::paperless::announce_bills(&app.db, &app.mailer, &report.new_bill_ids)
            .await
            .unwrap();
    }
    // Even asked again for the same bills, nothing more is queued.
    let (bill_id,): (BillId,) = sqlx::query_as(
        "SELECT id FROM bills WHERE bill_date = '2027-01-01' AND amount_cents = 6120",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        app::email::paperless::announce_bills(&app.db, &app.mailer, &[bill_id, bill_id])
            .await
            .unwrap(),
        0
    );
    let mail = inbox(&app.db, &to, 2).await;
    assert_eq!(mail.len(), 2, "the verification email and one bill email");
    assert!(mail[1].subject.starts_with("Your bill is ready"));
    assert!(
        mail[1].text.contains("$61.20")
            && mail[1].text.contains("due February 1, 2027")
            && mail[1].text.contains("12345678-1234567")
    );
    // The other account is on paper: no email for its bill.
    assert_eq!(count(&app.db, "bill_notifications").await, 1);
}

/// With SMTP, a delivered verification email keeps no usable link in the `emails` table,
/// and the link the customer got still switches the account.
#[tokio::test]
async fn a_delivered_verification_email_leaves_no_usable_link_in_the_database() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(sink.config()).await;
    with_demo(&app.db).await;
    let Registered { account_id: account, email, .. } =
        app.register("12345678-1234567", "97501").await;
    app.sign_in(&email, "river stones at dawn").await;
    let paperless = unique_email("sealed");
    app.post_form(
        "set_delivery",
        app::paths::DELIVERY_SETTINGS,
        &[("account_id", &account.to_string()), ("method", "email"), ("email", &paperless)],
    )
    .await;

    let mail = sink.inbox(&paperless, 1).await;
    let link = mail
        .first()
        .and_then(|m| m.link(&format!("{}?token=", app::paths::VERIFY_EMAIL)))
        .expect("the link arrived over SMTP");
    app.outbox_settled().await;
    let stored = app.stored_emails().await;
    assert!(!stored.contains(&token_of(&link)), "the token is stored");
    assert!(
        stored.contains(&format!("{}?token=", app::paths::VERIFY_EMAIL)) && !stored.contains(&link),
        "the link is stored"
    );

    let browser = browser();
    let page = app.page_as(&browser, &link).await;
    assert!(page.contains("Confirm email delivery"), "the emailed link opens its page");
    confirm(&app, &browser, &link).await;
    assert_eq!(
        method(&app, account).await,
        ("email".into(), Some(paperless)),
        "the emailed link works"
    );
}
