//! Payment History: the signed-in customer's own payments (Pay Now, AutoPay), filtered by
//! account and year through the address, receipts printable again by their owner only, and
//! the same list as a CSV file whose cells a spreadsheet cannot run.

use crate::helpers::{browser, card, echeck, location, spawn_app, with_demo, TestApp, PASSWORD};
use app::domain::{AccountId, CustomerId, MethodId};
use app::pay::{LineForm, PayForm};
use time::{Date, Duration};

fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// Alex signed in on `app.client` with a card payment of the first account made through
/// Pay Now and an AutoPay debit of the second account dated last year; Maria signed in on
/// a browser of her own, with a payment of her own.
struct Payments {
    app: TestApp,
    alex: CustomerId,
    accounts: [AccountId; 2],
    autopay: i64,
    last_year: i32,
    maria: reqwest::Client,
    maria_account: AccountId,
}

async fn accounts_of(app: &TestApp, customer: CustomerId) -> Vec<AccountId> {
    let rows: Vec<(AccountId,)> =
        sqlx::query_as("SELECT id FROM accounts WHERE customer_id = $1 ORDER BY account_number")
            .bind(customer)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    rows.into_iter().map(|(id,)| id).collect()
}

/// A payment of `account` on its newest bill, as AutoPay's run records one.
async fn autopay_payment(
    app: &TestApp,
    account: AccountId,
    method: MethodId,
    amount: i64,
    date: &str,
) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO payments (bill_id, account_id, payment_method_id, amount_cents, draft_date, \
         status, created_at, updated_at) \
         SELECT b.id, $1, $2, $3, $4, 'submitted', 0, 0 FROM bills b WHERE b.account_id = $1 \
         AND b.id = (SELECT MAX(b2.id) FROM bills b2 WHERE b2.account_id = $1) RETURNING id",
    )
    .bind(account)
    .bind(method)
    .bind(amount)
    .bind(date)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    id
}

/// A digital wallet whose stored name a spreadsheet would run as a formula.
async fn hostile_wallet(app: &TestApp, customer: CustomerId) -> MethodId {
    let (id,): (MethodId,) = sqlx::query_as(
        "INSERT INTO payment_methods (customer_id, kind, last4, card_brand, holder_name, \
         gateway_token, created_at) VALUES ($1, 'wallet', '4242', '=1+2', 'Alex', 'tok', 0) \
         RETURNING id",
    )
    .bind(customer)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    id
}

async fn payments() -> Payments {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let due = (today() + Duration::days(20)).to_string();
    sqlx::query("UPDATE bills SET due_date = $1 WHERE balance_cents > 0")
        .bind(&due)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let alex = app.register("12345678-1234567", "97501").await;
    let accounts = accounts_of(&app, alex.customer_id).await;
    let card = card("credit", "4111111111111111", "04/30", "123");
    let card = app.add_method(alex.customer_id, &card).await.unwrap();
    let bank = echeck("021000021", "11112222", "11112222");
    let bank = app.add_method(alex.customer_id, &bank).await.unwrap();
    let last_year = today().year() - 1;
    let autopay =
        autopay_payment(&app, accounts[1], bank, 4321, &format!("{last_year}-06-15")).await;

    let maria = app.register("23456789-2345678", "97502").await;
    let maria_account = accounts_of(&app, maria.customer_id).await[0];
    let her_card = card_of(&app, maria.customer_id).await;
    autopay_payment(&app, maria_account, her_card, 9999, &today().to_string()).await;
    let her_browser = browser();
    let fields = [("email", maria.email.as_str()), ("password", PASSWORD)];
    let r = app.post_form_as(&her_browser, "sign_in", "/sign-in", &fields).await;
    assert_eq!(r.status().as_u16(), 302);

    assert_eq!(app.sign_in(&alex.email, PASSWORD).await.status().as_u16(), 302);
    pay_now(&app, card, accounts[0]).await;
    Payments {
        app,
        alex: alex.customer_id,
        accounts: [accounts[0], accounts[1]],
        autopay,
        last_year,
        maria: her_browser,
        maria_account,
    }
}

async fn card_of(app: &TestApp, customer: CustomerId) -> MethodId {
    let card = card("debit", "5555555555554444", "04/30", "123");
    app.add_method(customer, &card).await.unwrap()
}

/// Pays the balance of `account` today by `method` through Submit Payment.
async fn pay_now(app: &TestApp, method: MethodId, account: AccountId) {
    let form = PayForm {
        key: format!("history-{}", app::platform::tokens::random_token()),
        date: today().to_string(),
        method: Some(method),
        new: None,
        again: false,
        lines: vec![LineForm {
            account_id: account,
            pay: true,
            other_chosen: false,
            other: String::new(),
        }],
    };
    let referer = format!("/billing/pay/review?{}", form.query());
    let r = app.post_form("submit_payment", &referer, &[("form", &form.query())]).await;
    assert_eq!(r.status().as_u16(), 302);
    assert!(location(&r).starts_with("/billing/pay/done?ref="));
}

/// A page's text, without the markers leptos leaves between the text nodes it renders.
async fn text(r: reqwest::Response) -> String {
    r.text().await.unwrap().replace("<!>", "")
}

async fn get_as(app: &TestApp, client: &reqwest::Client, path: &str) -> reqwest::Response {
    client.get(format!("{}{path}", app.base)).header("accept", "text/html").send().await.unwrap()
}

async fn one_time(app: &TestApp) -> (i64, i64) {
    sqlx::query_as("SELECT id, submission_id FROM payments WHERE channel = 'one_time'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

fn reference(id: i64) -> String {
    app::domain::payment::reference(id)
}

#[tokio::test]
async fn the_history_lists_the_customers_own_payments_newest_first() {
    let p = payments().await;
    let (paid, submission) = one_time(&p.app).await;
    let r = p.app.get(app::paths::PAYMENT_HISTORY).await;
    assert_eq!(r.status(), 200);
    let html = text(r).await;
    assert!(html.contains("<h1>Payment History</h1>"), "{html}");
    assert!(html.contains("<caption>Payments, newest first</caption>"));
    assert!(html.contains("<th scope=\"col\">Reference number</th>"));
    let (new, old) = (reference(paid), reference(p.autopay));
    let (at_new, at_old) = (html.find(&new).expect(&new), html.find(&old).expect(&old));
    assert!(at_new < at_old, "newest first");
    for part in ["Visa *****1111", "Checking *****2222", "Paid", "Sent to your bank", "$43.21"] {
        assert!(html.contains(part), "the history shows {part}");
    }
    let autopay_day = Date::from_calendar_date(p.last_year, time::Month::June, 15).unwrap();
    let day = app::domain::format::long_date(autopay_day, app::domain::Lang::En);
    assert!(html.contains(&format!("<th scope=\"row\">{day}</th>")), "{day}");
    assert!(!html.contains("$99.99") && !html.contains("23456789-2345678"), "Maria's payment");
    let pay_done = app::paths::pay_done(app::domain::SubmissionId(submission));
    assert!(html.contains(&format!("href=\"{pay_done}\"")), "the confirmation prints again");
    let receipt = app::paths::payment_receipt(app::domain::PaymentId(p.autopay));
    assert!(html.contains(&format!("href=\"{receipt}\"")), "AutoPay's own receipt");
    assert!(html.contains(&format!("href=\"{}\"", app::paths::PAYMENT_HISTORY_CSV)));
    assert!(html.contains("Download CSV") && html.contains("Payment History</a>"));

    let overview = text(p.app.get(app::paths::ACCOUNT).await).await;
    let of_account = app::paths::payment_history_of(p.accounts[0]);
    assert!(overview.contains(&format!("href=\"{of_account}\"")), "the overview links to it");
    let stranger = get_as(&p.app, &browser(), app::paths::PAYMENT_HISTORY).await;
    assert_eq!(location(&stranger), app::paths::SIGN_IN);
    let hers = text(get_as(&p.app, &p.maria, app::paths::PAYMENT_HISTORY).await).await;
    assert!(hers.contains("$99.99") && !hers.contains(&new) && !hers.contains(&old));

    // Maria's account changes hands to Alex: her payment of it stays hers.
    sqlx::query("UPDATE accounts SET customer_id = $1 WHERE id = $2")
        .bind(p.alex)
        .bind(p.maria_account)
        .execute(&p.app.db.pool)
        .await
        .unwrap();
    let html = text(p.app.get(app::paths::PAYMENT_HISTORY).await).await;
    assert!(html.contains("12345678-2345678"), "the account is Alex's now: {html}");
    assert!(!html.contains("$99.99"), "a former owner's payment is not the new owner's");
}

#[tokio::test]
async fn the_filters_keep_an_account_or_a_year_and_a_bad_value_shows_all() {
    let p = payments().await;
    let (paid, _) = one_time(&p.app).await;
    let (new, old) = (reference(paid), reference(p.autopay));
    let shows = |html: &str| (html.contains(&new), html.contains(&old));

    let path = format!("{}?account={}", app::paths::PAYMENT_HISTORY, p.accounts[1]);
    let html = text(p.app.get(&path).await).await;
    assert_eq!(shows(&html), (false, true), "the second account only");
    assert!(html.contains(&format!("value=\"{}\" selected", p.accounts[1])), "kept chosen");
    let path = format!("{}?account=&year={}", app::paths::PAYMENT_HISTORY, p.last_year);
    let html = text(p.app.get(&path).await).await;
    assert_eq!(shows(&html), (false, true), "last year only");
    assert!(html.contains(&format!("value=\"{}\" selected", p.last_year)));
    let path = format!("{}?year={}", app::paths::PAYMENT_HISTORY, today().year());
    assert_eq!(shows(&text(p.app.get(&path).await).await), (true, false), "this year only");
    let path =
        format!("{}?account={}&year={}", app::paths::PAYMENT_HISTORY, p.accounts[0], p.last_year);
    let html = text(p.app.get(&path).await).await;
    assert_eq!(shows(&html), (false, false));
    assert!(html.contains("No payments to show."));
    let html = text(p.app.get(&format!("{}?year=2001", app::paths::PAYMENT_HISTORY)).await).await;
    assert_eq!(shows(&html), (false, false));
    assert!(html.contains("value=\"2001\" selected"), "a year without payments stays chosen");

    // Not theirs, not a year, not a number: no filter, no error.
    for query in [
        format!("account={}", p.maria_account),
        "year=abcd".to_string(),
        "year=99999&account=x".to_string(),
        "account=%ZZ&year=-1".to_string(),
        "account=1 OR 1=1&year=2026'".to_string(),
        format!("account={}", "9".repeat(40)),
    ] {
        let r = p.app.get(&format!("{}?{query}", app::paths::PAYMENT_HISTORY)).await;
        assert_eq!(r.status(), 200, "{query}");
        assert_eq!(shows(&text(r).await), (true, true), "{query} shows all");
    }
}

#[tokio::test]
async fn the_history_speaks_spanish_when_chosen() {
    let p = payments().await;
    p.app.get("/lang/es?next=/").await;
    let html = text(p.app.get(app::paths::PAYMENT_HISTORY).await).await;
    for part in [
        "<h1>Historial de pagos</h1>",
        "Número de referencia",
        "Cargo por servicio",
        "Pagado",
        "Enviado a su banco",
        "Corriente *****2222",
        "Todas las cuentas",
        "Descargar CSV",
        "Historial de pagos</a>",
    ] {
        assert!(html.contains(part), "the Spanish history shows {part}: {html}");
    }
    let autopay_day = Date::from_calendar_date(p.last_year, time::Month::June, 15).unwrap();
    let day = app::domain::format::long_date(autopay_day, app::domain::Lang::Es);
    assert!(html.contains(&day), "{day}");
    let receipt = app::paths::payment_receipt(app::domain::PaymentId(p.autopay));
    let html = text(p.app.get(&receipt).await).await;
    assert!(html.contains("<h1>Recibo de pago</h1>") && html.contains("Imprimir"), "{html}");
}

#[tokio::test]
async fn the_csv_is_an_uncached_attachment_with_the_pages_filters_and_inert_cells() {
    let p = payments().await;
    let wallet = hostile_wallet(&p.app, p.alex).await;
    let january = format!("{}-01-05", today().year());
    let injected = autopay_payment(&p.app, p.accounts[0], wallet, 500, &january).await;
    let r = p.app.get(app::paths::PAYMENT_HISTORY_CSV).await;
    assert_eq!(r.status(), 200);
    let header = |name: &str| r.headers().get(name).unwrap().to_str().unwrap().to_string();
    assert_eq!(header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(header("content-disposition"), "attachment; filename=\"payments.csv\"");
    assert_eq!(header("cache-control"), "no-store");
    let body = r.text().await.unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(
        lines[0],
        "Payment date,Account,Amount,Convenience fee,Payment method,Reference number,Status"
    );
    assert_eq!(lines.len(), 4, "Alex's three payments: {body}");
    let (paid, _) = one_time(&p.app).await;
    assert!(lines[1].contains(&reference(paid)) && lines[1].ends_with(",Paid"), "{body}");
    let old = format!(
        "{}-06-15,12345678-7654321,43.21,0.00,Checking *****2222,{},Sent to your bank",
        p.last_year,
        reference(p.autopay)
    );
    assert!(lines.contains(&old.as_str()), "{body}");
    let inert = format!(
        "{january},12345678-1234567,5.00,0.00,'=1+2 *****4242,{},Sent to your bank",
        reference(injected)
    );
    assert!(lines.contains(&inert.as_str()), "a formula is made text: {body}");

    // The page's filters; a bad one is no filter.
    let path = format!("{}?year={}", app::paths::PAYMENT_HISTORY_CSV, p.last_year);
    let body = p.app.get(&path).await.text().await.unwrap();
    assert_eq!(body.lines().count(), 2, "{body}");
    let path = format!("{}?account={}", app::paths::PAYMENT_HISTORY_CSV, p.maria_account);
    assert_eq!(p.app.get(&path).await.text().await.unwrap().lines().count(), 4);

    // In the customer's language; signed out, the sign-in page.
    p.app.get("/lang/es?next=/").await;
    let body = p.app.get(app::paths::PAYMENT_HISTORY_CSV).await.text().await.unwrap();
    assert!(body.starts_with("Fecha de pago,Cuenta,Monto,Cargo por servicio,"), "{body}");
    assert!(body.contains(",Pagado") && body.contains("Corriente *****2222"), "{body}");
    let stranger = get_as(&p.app, &browser(), app::paths::PAYMENT_HISTORY_CSV).await;
    assert!(stranger.status().is_redirection());
    assert_eq!(location(&stranger), app::paths::SIGN_IN);
}

#[tokio::test]
async fn a_receipt_prints_for_its_owner_only() {
    let p = payments().await;
    let receipt = app::paths::payment_receipt(app::domain::PaymentId(p.autopay));
    let r = p.app.get(&receipt).await;
    assert_eq!(r.status(), 200);
    let html = text(r).await;
    for part in [
        "<h1>Payment receipt</h1>",
        &reference(p.autopay),
        "12345678-7654321",
        "AutoPay",
        "$43.21",
        "Checking *****2222",
        "Sent to your bank",
        "class=\"print-header print-only\"",
        "Back to Payment History",
    ] {
        assert!(html.contains(part), "the receipt shows {part}");
    }
    let theirs = get_as(&p.app, &p.maria, &receipt).await;
    assert_eq!(theirs.status(), 404, "another customer's payment");
    assert!(!text(theirs).await.contains(&reference(p.autopay)));
    assert_eq!(p.app.get("/billing/payments/999999").await.status(), 404);
    assert_eq!(p.app.get("/billing/payments/abc").await.status(), 404);
    let stranger = get_as(&p.app, &browser(), &receipt).await;
    assert_eq!(location(&stranger), app::paths::SIGN_IN);
}

#[tokio::test]
async fn the_csv_writes_iso_dates_and_plain_amounts_in_both_languages() {
    let p = payments().await;
    let (bank,): (MethodId,) =
        sqlx::query_as("SELECT id FROM payment_methods WHERE customer_id = $1 AND kind = 'echeck'")
            .bind(p.alex)
            .fetch_one(&p.app.db.pool)
            .await
            .unwrap();
    let day = format!("{}-12-02", p.last_year);
    let big = autopay_payment(&p.app, p.accounts[0], bank, 120450, &day).await;
    let december = Date::from_calendar_date(p.last_year, time::Month::December, 2).unwrap();
    for (lang, checking, state) in
        [("en", "Checking", "Sent to your bank"), ("es", "Corriente", "Enviado a su banco")]
    {
        p.app.get(&format!("/lang/{lang}?next=/")).await;
        let body = p.app.get(app::paths::PAYMENT_HISTORY_CSV).await.text().await.unwrap();
        let row = format!(
            "{day},12345678-1234567,1204.50,0.00,{checking} *****2222,{},{state}",
            reference(big)
        );
        assert!(body.lines().any(|l| l == row), "{lang}: {body}");
        for line in body.lines().skip(1) {
            let date = line.split(',').next().unwrap();
            let iso = date.len() == 10
                && date.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            assert!(iso, "{lang}: {date} is YYYY-MM-DD");
            let amounts: Vec<&str> = line.split(',').skip(2).take(2).collect();
            for amount in amounts {
                let (units, cents) = amount.split_once('.').expect("a point");
                assert!(units.bytes().all(|b| b.is_ascii_digit()) && cents.len() == 2, "{amount}");
            }
        }
        // The page keeps the dates written out, the way each language writes them.
        let written =
            app::domain::format::long_date(december, app::domain::Lang::from_locale(lang));
        let page = text(p.app.get(app::paths::PAYMENT_HISTORY).await).await;
        assert!(page.contains(&written) && !body.contains(&written), "{lang}: {written}");
        assert!(page.contains("$1,204.50") && !body.contains('$'), "{lang}");
    }
}
