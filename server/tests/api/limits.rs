//! The limits of the security review (issue 14): password spraying from one address,
//! registrations per address, new cards per customer and per address, the cap on saved
//! methods, a full password-hashing queue answered "busy" (429), old counters purged, and
//! development mode's outbox for this machine only.

use crate::helpers::{
    caller, card, echeck, login, spawn_app, spawn_app_with, test_config, unique_email, with_demo,
    TestApp, PASSWORD,
};
use app::payments::entry::service::Enterer;
use app::payments::entry::{MethodForm, MethodProblem};
use app::platform::config::LimitsConfig;
use app::platform::throttle::{self, Admission, Caller, Limit, Scope};
use app::registration::service as registration;
use app::registration::Problem;

async fn sign_in_from(
    app: &TestApp,
    address: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    app.client
        .post(format!("{}/api/sign_in", app.base))
        .header("x-forwarded-for", address)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
}

fn behind_proxy() -> app::platform::Config {
    app::platform::Config { trusted_proxies: vec!["127.0.0.1".parse().unwrap()], ..test_config() }
}

#[tokio::test]
async fn one_address_guessing_across_many_emails_is_stopped() {
    let app = spawn_app_with(behind_proxy()).await;
    let limit = LimitsConfig::default().sign_in_failures_per_address;
    for n in 0..limit {
        let answer =
            sign_in_from(&app, "203.0.113.7", &format!("person{n}@example.com"), "Summer2026!")
                .await
                .text()
                .await
                .unwrap();
        assert!(answer.contains("SignInFailed"), "guess {n}: {answer}");
    }
    let over = sign_in_from(&app, "203.0.113.7", "someone.else@example.com", "Summer2026!")
        .await
        .text()
        .await
        .unwrap();
    assert!(over.contains("TryLater"), "the address is stopped, whatever the email: {over}");
    let other = sign_in_from(&app, "203.0.113.8", "someone.else@example.com", "Summer2026!")
        .await
        .text()
        .await
        .unwrap();
    assert!(other.contains("SignInFailed"), "another address is not: {other}");
    // An IPv6 client counts by its /64: another address of the same /64 is stopped too.
    for n in 0..limit {
        sign_in_from(
            &app,
            &format!("2001:db8:5:6::{n:x}"),
            &format!("v6person{n}@example.com"),
            "Summer2026!",
        )
        .await;
    }
    let same_64 = sign_in_from(&app, "2001:db8:5:6:ffff::1", "v6.other@example.com", "Summer2026!")
        .await
        .text()
        .await
        .unwrap();
    assert!(same_64.contains("TryLater"), "{same_64}");
}

#[tokio::test]
async fn registrations_from_one_address_are_limited_so_emails_cannot_be_tested_fast() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let taken = unique_email("taken");
    let alex = registration::find_account(&app.db, "192.0.2.9", "12345678-1234567", "97501")
        .await
        .unwrap()
        .unwrap();
    registration::create_login(&app.db, &caller(), alex, login(&taken, PASSWORD))
        .await
        .unwrap()
        .unwrap();
    let maria = registration::find_account(&app.db, "192.0.2.9", "23456789-2345678", "97502")
        .await
        .unwrap()
        .unwrap();
    let limits = LimitsConfig::default();
    let prober = Caller { client: "198.51.100.20", limits: &limits };
    for n in 0..limits.registrations_per_address {
        let answer = registration::create_login(&app.db, &prober, maria, login(&taken, PASSWORD))
            .await
            .unwrap();
        assert_eq!(answer, Err(vec![Problem::EmailTaken]), "attempt {n}");
    }
    let over =
        registration::create_login(&app.db, &prober, maria, login(&taken, PASSWORD)).await.unwrap();
    assert!(
        matches!(over.as_ref().map_err(Vec::as_slice), Err([Problem::TryLater(m)]) if *m >= 1),
        "{over:?}"
    );
    let elsewhere = Caller { client: "198.51.100.21", limits: &limits };
    let created = registration::create_login(
        &app.db,
        &elsewhere,
        maria,
        login(&unique_email("maria"), PASSWORD),
    )
    .await
    .unwrap();
    assert!(created.is_ok(), "another address registers: {created:?}");
}

fn visa() -> MethodForm {
    card("debit", "4111 1111 1111 1111", "04/29", "123")
}

#[tokio::test]
async fn new_cards_are_limited_per_customer_and_per_address_and_wallets_are_capped() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let alex = app.register("12345678-1234567", "97501").await.customer_id;
    let maria = app.register("23456789-2345678", "97502").await.customer_id;
    let limits = LimitsConfig { saved_methods: 100, ..LimitsConfig::default() };
    let alex_at_home = Enterer { customer_id: alex, client: "198.51.100.30", limits: &limits };
    for n in 0..limits.new_cards_per_customer_hour {
        assert!(app.add_method_as(&alex_at_home, &visa()).await.is_ok(), "card {n}");
    }
    let over = app.add_method_as(&alex_at_home, &visa()).await;
    assert!(
        matches!(over.as_ref().map_err(Vec::as_slice), Err([MethodProblem::CardsTryLater(_)])),
        "{over:?}"
    );
    // A refused card counts too: that is what card testing sends.
    let maria_same_address =
        Enterer { customer_id: maria, client: "198.51.100.30", limits: &limits };
    let per_address = limits.new_cards_per_address_hour - limits.new_cards_per_customer_hour;
    for n in 0..per_address {
        let mut refused = visa();
        refused.card_number = Some("4000 0000 0000 0127".into());
        let answer = app.add_method_as(&maria_same_address, &refused).await;
        assert!(
            matches!(answer.as_ref().map_err(Vec::as_slice), Err([MethodProblem::CardRefused])),
            "card {n}: {answer:?}"
        );
    }
    let over = app.add_method_as(&maria_same_address, &visa()).await;
    assert!(
        matches!(over.as_ref().map_err(Vec::as_slice), Err([MethodProblem::CardsTryLater(_)])),
        "the address is stopped: {over:?}"
    );
    // Bank accounts do not reach the card processor, but a wallet holds only so many methods.
    let capped = LimitsConfig::default();
    let maria_elsewhere = Enterer { customer_id: maria, client: "198.51.100.31", limits: &capped };
    for n in 0..capped.saved_methods {
        let number = format!("8{n:07}");
        let form = echeck("021000021", &number, &number);
        assert!(app.add_method_as(&maria_elsewhere, &form).await.is_ok(), "method {n}");
    }
    let full =
        app.add_method_as(&maria_elsewhere, &echeck("021000021", "99999999", "99999999")).await;
    assert_eq!(full, Err(vec![MethodProblem::TooManyMethods]));
    assert_eq!(
        app::wallet::data::methods(&app.db, maria).await.unwrap().len() as i64,
        capped.saved_methods
    );
}

#[tokio::test]
async fn a_full_password_queue_answers_busy_with_retry_after_in_the_customers_language() {
    let config = app::platform::Config {
        limits: LimitsConfig { password_checks_waiting: 0, ..LimitsConfig::default() },
        ..test_config()
    };
    let app = spawn_app_with(config).await;
    let script = app
        .client
        .post(format!("{}/api/sign_in", app.base))
        .form(&[("email", "a@example.com"), ("password", PASSWORD)]);
    let r = script.send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["retry-after"], "5");
    assert!(r.text().await.unwrap().contains("busy"));
    let form = app
        .client
        .post(format!("{}/api/sign_in", app.base))
        .header("accept", "text/html")
        .header("accept-language", "es")
        .header("referer", format!("{}{}", app.base, app::paths::SIGN_IN))
        .form(&[("email", "a@example.com"), ("password", PASSWORD)]);
    let r = form.send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert!(r.headers().contains_key("retry-after"));
    let page = r.text().await.unwrap();
    assert!(
        page.contains("El portal está ocupado")
            && page.contains(&format!("href=\"{}\"", app::paths::SIGN_IN)),
        "{page}"
    );
    // A busy answer is no failed sign-in: nothing was counted against the email.
    let (hits,): (i64,) = sqlx::query_as("SELECT CAST(COALESCE(SUM(hits), 0) AS BIGINT) FROM throttle_counters WHERE scope = 'sign-in'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(hits, 0);
}

#[tokio::test]
async fn counters_whose_window_ended_are_purged() {
    let app = spawn_app().await;
    let ended = Limit { max: 5, window_secs: 0 };
    let running = Limit { max: 5, window_secs: 3600 };
    assert!(matches!(
        throttle::attempt(&app.db, Scope::SignIn, "old@example.com", ended).await.unwrap(),
        Admission::Allowed { .. }
    ));
    throttle::attempt(&app.db, Scope::SignIn, "now@example.com", running).await.unwrap();
    assert_eq!(throttle::purge_expired(&app.db).await.unwrap(), 1);
    assert_eq!(
        crate::helpers::count(&app.db, "throttle_counters").await,
        1,
        "the running window stays"
    );
}

#[tokio::test]
async fn the_development_outbox_answers_only_this_machine_directly() {
    let app = spawn_app().await;
    assert_eq!(app.get("/dev/outbox").await.status().as_u16(), 200);
    for header in ["x-forwarded-for", "forwarded", "x-real-ip"] {
        let through_proxy = app
            .client
            .get(format!("{}/dev/outbox", app.base))
            .header(header, "203.0.113.9")
            .send()
            .await
            .unwrap();
        assert_eq!(through_proxy.status().as_u16(), 404, "{header}");
    }
}
