//! Quick Pay: a bill paid without a login. The look-up answers a wrong number and a wrong
//! ZIP code alike and is limited per account and per address; the bill shows masked; every
//! step refuses bad input in the payer's language and stores nothing; what was found lives
//! in this browser only.

use crate::helpers::{browser, count, location, spawn_app_with, test_config, with_demo, TestApp};
use app::platform::Config;

const ALEX: &str = "12345678-1234567";

async fn quick_pay_app(config: impl FnOnce(&mut Config)) -> TestApp {
    let mut c = test_config();
    config(&mut c);
    let app = spawn_app_with(c).await;
    with_demo(&app.db).await;
    app
}

impl TestApp {
    /// Quick Pay's look-up form, posted without JavaScript from `client`.
    async fn find_bill(&self, client: &reqwest::Client, number: &str, zip: &str) -> String {
        let r = self
            .post_form_as(client, "find_bill_to_pay", "/pay", &[("number", number), ("zip", zip)])
            .await;
        assert_eq!(r.status().as_u16(), 302, "a plain form post is sent on");
        location(&r)
    }

    /// The choices of the details page, posted from `client`; where the browser is sent.
    async fn choose(&self, client: &reqwest::Client, fields: &[(&str, &str)]) -> String {
        let r = self.post_form_as(client, "choose_quick_payment", "/pay/details", fields).await;
        assert_eq!(r.status().as_u16(), 302);
        location(&r)
    }
}

#[tokio::test]
async fn a_bill_is_found_by_its_numbers_as_people_type_them_and_shown_masked() {
    let app = quick_pay_app(|_| {}).await;
    let payer = browser();
    let sent = app.find_bill(&payer, " 12345678 – 1234567 ", "97501-1234").await;
    assert!(sent.ends_with("/pay/details"), "{sent}");
    let details = app.page_as(&payer, "/pay/details").await;
    assert!(details.contains("A*** R*****"), "the name, masked");
    assert!(details.contains("123 M*** St, Medford"), "the service address, masked");
    assert!(!details.contains("Rivera") && !details.contains("Main St"), "never in full");
    assert!(details.contains("Amount due") && details.contains("Email for the receipt"));
    let es = app.page_in("/pay", "es").await;
    assert!(es.contains("Pago rápido") && es.contains("Buscar mi factura"));
    assert!(app.page("/").await.contains("href=\"/pay\""), "linked from the home page");
    assert!(app.page("/sign-in").await.contains("href=\"/pay\""), "and the sign-in page");
}

#[tokio::test]
async fn a_wrong_number_and_a_wrong_zip_get_the_same_answer() {
    let app = quick_pay_app(|_| {}).await;
    let answer = |number: &'static str, zip: &'static str| {
        let app = &app;
        async move {
            let payer = browser();
            app.find_bill(&payer, number, zip).await;
            app.page_as(&payer, "/pay").await
        }
    };
    let no_such_account = answer("12345678-7777777", "97501").await;
    let wrong_zip = answer(ALEX, "97999").await;
    let message = "We could not find a bill with that Customer Number-Account Number and ZIP code";
    assert!(no_such_account.contains(message) && wrong_zip.contains(message));
    let bad_format = answer("12345678", "9750").await;
    assert!(
        bad_format.contains("Separate the customer number and the account number with a hyphen")
    );
    assert!(bad_format.contains("A ZIP code has 5 digits"));
    assert!(app.page_as(&browser(), "/pay/details").await.contains("Please start again"));
}

#[tokio::test]
async fn look_ups_are_limited_per_account_and_per_address() {
    let app = quick_pay_app(|c| {
        c.limits.quick_pay_per_account_day = 3;
        c.limits.quick_pay_per_address_day = 5;
    })
    .await;
    let payer = browser();
    for _ in 0..3 {
        app.find_bill(&payer, ALEX, "97999").await;
    }
    app.find_bill(&payer, ALEX, "97501").await;
    let page = app.page_as(&payer, "/pay").await;
    assert!(page.contains("Too many attempts"), "the right ZIP after 3 wrong ones waits");
    assert!(app.page_as(&payer, "/pay/details").await.contains("Please start again"));
    // Another account from the same address: the address's own limit (5) ends it.
    app.find_bill(&payer, "23456789-2345678", "97999").await;
    app.find_bill(&payer, "23456789-2345678", "97502").await;
    assert!(app.page_as(&payer, "/pay").await.contains("Too many attempts"));
}

#[tokio::test]
async fn bad_choices_are_refused_in_the_payers_language_and_store_nothing() {
    let app = quick_pay_app(|_| {}).await;
    let payer = browser();
    app.find_bill(&payer, ALEX, "97501").await;
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[
                ("amount", "other"),
                ("other", "84,17"),
                ("kind", "debit"),
                ("email", "a@example.com"),
            ],
            "Write the cents after a point",
        ),
        (
            &[
                ("amount", "other"),
                ("other", "0.50"),
                ("kind", "debit"),
                ("email", "a@example.com"),
            ],
            "at least $1.00",
        ),
        (&[("amount", "balance"), ("email", "a@example.com")], "Choose how to pay."),
        (
            &[("amount", "balance"), ("kind", "echeck"), ("email", "not an email")],
            "An email address looks like name@example.com.",
        ),
        (&[("amount", "balance"), ("kind", "echeck")], "Enter an email for the receipt."),
    ];
    for (fields, message) in cases {
        let sent = app.choose(&payer, fields).await;
        assert!(!sent.ends_with("/pay/method"), "{fields:?} goes no further");
        let page = app.page_as(&payer, "/pay/details").await;
        assert!(page.contains(message), "{fields:?}: {message}");
    }
    let es = browser();
    app.find_bill(&es, ALEX, "97501").await;
    let r = es
        .post(format!("{}/api/choose_quick_payment", app.base))
        .header("accept", "text/html")
        .header("accept-language", "es")
        .header("referer", format!("{}/pay/details", app.base))
        .form(&[("amount", "balance"), ("kind", "credit"), ("email", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 302);
    let page = es
        .get(format!("{}/pay/details", app.base))
        .header("accept", "text/html")
        .header("accept-language", "es")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("nombre@ejemplo.com"), "the message in Spanish");
    assert_eq!(count(&app.db, "payments").await, 0);
    assert_eq!(count(&app.db, "payment_submissions").await, 0);
    let good = [("amount", "balance"), ("kind", "debit"), ("email", "payer@example.com")];
    assert!(app.choose(&payer, &good).await.ends_with("/pay/method"));
}

#[tokio::test]
async fn without_a_look_up_in_this_browser_nothing_is_shown_or_paid() {
    let app = quick_pay_app(|_| {}).await;
    let payer = browser();
    app.find_bill(&payer, ALEX, "97501").await;
    let stranger = browser();
    for path in ["/pay/details", "/pay/review"] {
        let page = app.page_as(&stranger, path).await;
        assert!(page.contains("Please start again"), "{path}");
        assert!(!page.contains("A*** R*****"), "{path}");
    }
    let r = app
        .post_form_as(
            &stranger,
            "submit_quick_payment",
            "/pay/review",
            &[("key", "k".repeat(32).as_str())],
        )
        .await;
    assert_eq!(r.status().as_u16(), 302);
    assert!(app.page_as(&stranger, "/pay/done?ref=1").await.contains("not made in this browser"));
    assert_eq!(count(&app.db, "payment_submissions").await, 0);
}
