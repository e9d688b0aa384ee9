//! The back office's dashboard (issue 18): each figure exact for data the test seeds, its
//! trend made of the days the database knows (events by their timestamps, present states
//! by the daily readings, a day without one left out), the page on `/staff` for staff, and
//! the server function refused to visitors and customers.

use crate::helpers::{browser, portal, spawn_app, with_demo, Portal, PASSWORD};
use crate::staff::signed_in_staff;
use app::backoffice::dashboard::{self, DashboardFigures, ImportKind, Unit, TREND_DAYS};
use app::domain::staff::StaffRole;
use app::platform::db::now;
use app::platform::Db;
use time::Duration;

const DAY: i64 = 86_400;
const NO_FIELDS: [(&str, &str); 0] = [];
/// The trend's index of today.
const TODAY: usize = TREND_DAYS as usize - 1;

async fn exec(db: &Db, sql: &str, values: &[i64]) {
    let mut query = sqlx::query(sql);
    for v in values {
        query = query.bind(*v);
    }
    query.execute(&db.pool).await.unwrap();
}

async fn ids(db: &Db, sql: &str) -> Vec<i64> {
    let rows: Vec<(i64,)> = sqlx::query_as(sql).fetch_all(&db.pool).await.unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

/// A payment of Alex's newest bill, made at `at` with `method`.
async fn payment(db: &Db, method: i64, status: &str, cents: i64, at: i64, channel: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO payments (bill_id, account_id, payment_method_id, amount_cents, draft_date, \
         status, created_at, updated_at, channel) \
         SELECT b.id, b.account_id, $1, $2, '2026-11-26', $3, $4, $4, $5 FROM bills b \
         JOIN accounts a ON a.id = b.account_id WHERE a.account_number = '1234567' \
         ORDER BY b.bill_date DESC LIMIT 1 RETURNING id",
    )
    .bind(method)
    .bind(cents)
    .bind(status)
    .bind(at)
    .bind(channel)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    id
}

/// Four e-check debits effective 10 days ago in a written bank file, made 50 days ago (out
/// of the payments' trend): one returned R01 five days ago, one R10 today.
async fn seed_returns(db: &Db, bank: i64, now: i64) {
    let effective = dashboard::data::day_of(now - 10 * DAY);
    let effective = app::domain::format::iso_date(effective);
    sqlx::query(
        "INSERT INTO nacha_files (file_name, run_date, entry_count, total_debit_cents, created_at, \
         written_at, effective_date) VALUES ('dash.ach', $1, 4, 4000, $2, $2, $1)",
    )
    .bind(&effective)
    .bind(now - 10 * DAY)
    .execute(&db.pool)
    .await
    .unwrap();
    for _ in 0..4 {
        payment(db, bank, "submitted", 1000, now - 50 * DAY, "one_time").await;
    }
    exec(db, "UPDATE payments SET nacha_file_id = (SELECT id FROM nacha_files) WHERE status = 'submitted'", &[]).await;
    let debits =
        ids(db, "SELECT id FROM payments WHERE nacha_file_id IS NOT NULL ORDER BY id").await;
    let returned =
        "UPDATE payments SET status = 'returned', return_code = $1, returned_at = $2 WHERE id = $3";
    for (id, code, at) in [(debits[0], "R01", now - 5 * DAY), (debits[1], "R10", now)] {
        sqlx::query(returned).bind(code).bind(at).bind(id).execute(&db.pool).await.unwrap();
    }
}

/// Two emails given up on (one today, one long ago: both still failing) and one delivered.
async fn seed_emails(db: &Db, now: i64) {
    let insert = "INSERT INTO emails (to_address, locale, kind, subject, body_text, body_html, \
         created_at, sent_at, last_error, attempts) \
         VALUES ('x@example.org', 'en', 'test', 's', 't', 'h', $1, $2, $3, 100)";
    for (created, sent, error) in [
        (now, None, Some("550 no such user")),
        (now - 40 * DAY, None, Some("timeout")),
        (now, Some(now), None),
    ] {
        sqlx::query(insert).bind(created).bind(sent).bind(error).execute(&db.pool).await.unwrap();
    }
}

/// Every figure for the seeded data, as of `now`.
async fn seeded(p: &Portal, now: i64) -> DashboardFigures {
    let db = &p.app.db;
    // Alex registered (2 of 4 accounts) with AutoPay on 1234567 (1 of 4); María paperless.
    p.app.signed_in_with_autopay().await;
    exec(
        db,
        "UPDATE accounts SET delivery_method = 'email', delivery_email = 'm@example.org' \
         WHERE account_number = '2345678'",
        &[],
    )
    .await;
    let bank = ids(db, "SELECT id FROM payment_methods WHERE kind = 'echeck'").await[0];
    let card = ids(db, "SELECT id FROM payment_methods WHERE kind = 'debit'").await[0];
    // Today: two e-checks paid, a card declined, an AutoPay e-check pending; one yesterday.
    payment(db, bank, "paid", 1000, now, "one_time").await;
    payment(db, bank, "paid", 2500, now, "one_time").await;
    payment(db, card, "failed", 700, now, "one_time").await;
    payment(db, bank, "pending", 6120, now, "autopay").await;
    payment(db, card, "paid", 300, now - DAY, "quick_pay").await;
    seed_returns(db, bank, now).await;
    seed_emails(db, now).await;
    // Two CIS exports written (three days ago, yesterday), one recorded but not written.
    for (path, lines, cents, written) in [
        ("/srv/cis/a.csv", 3, 4500, Some(now - 3 * DAY)),
        ("/srv/cis/b.csv", 2, 1200, Some(now - DAY)),
        ("/srv/cis/c.csv", 9, 9900, None),
    ] {
        sqlx::query(
            "INSERT INTO cis_exports (path, line_count, total_cents, created_at, written_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(path)
        .bind(lines)
        .bind(cents)
        .bind(now - 3 * DAY)
        .bind(written)
        .execute(&db.pool)
        .await
        .unwrap();
    }
    // An ACH returns file of 7 entries, the newest import.
    exec(
        db,
        "INSERT INTO ach_answer_files (sha256, file_name, entries, imported_at) \
         VALUES ('abc', 'returns.ach', 7, $1)",
        &[now],
    )
    .await;
    // Readings of past days: 3 days ago 1 account of 4 registered, 2 emails failing.
    let three_days_ago = app::domain::format::iso_date(dashboard::data::day_of(now - 3 * DAY));
    sqlx::query(
        "INSERT INTO dashboard_days (day, accounts, registered, paperless, autopay, \
         emails_failing, recorded_at) VALUES ($1, 4, 1, 0, 0, 5, $2)",
    )
    .bind(three_days_ago)
    .bind(now - 3 * DAY)
    .execute(&db.pool)
    .await
    .unwrap();
    dashboard::figures(db, now).await.unwrap()
}

#[tokio::test]
async fn each_figure_counts_exactly_what_the_database_holds() {
    let p = portal(false).await;
    let now = now() + 2;
    let f = seeded(&p, now).await;
    assert_eq!((f.registered.part, f.registered.whole), (2, 4));
    assert_eq!(f.registered.percent(), "50.00%");
    assert_eq!((f.paperless.part, f.autopay.part), (1, 1));
    assert_eq!(f.autopay.percent(), "25.00%");

    let groups: Vec<(&str, &str, i64, i64)> = f
        .payments_today
        .iter()
        .map(|g| (g.method.as_str(), g.status.as_str(), g.count, g.amount.0))
        .collect();
    assert_eq!(
        groups,
        [("debit", "failed", 1, 700), ("echeck", "paid", 2, 3500), ("echeck", "pending", 1, 6120)]
    );
    assert_eq!(f.payments_trend.values[TODAY], Some(4));
    assert_eq!(f.payments_trend.values[TODAY - 1], Some(1));
    assert_eq!(f.payments_trend.values[0], Some(0), "a day without payments had none");

    // The daily check's own figures: 2 of 4 debits returned, 1 unauthorized (R10).
    let monitor = app::payments::monitor::report(&p.app.db, f.today, 60).await.unwrap();
    assert_eq!((f.returns.debits, f.returns.returned), (monitor.debits, monitor.returned));
    assert_eq!((f.returns.debits, f.returns.returned), (4, 2));
    let returns: Vec<u64> = f.returns.rates.iter().map(|r| r.returns).collect();
    assert_eq!(returns, [1, 0, 2]);
    assert_eq!(f.returns.rates[2].rate().percent(), "50.00%");
    // The window ending each day, as that day knew it.
    let rate = &f.returns_trend;
    assert_eq!(rate.unit, Unit::Percent);
    assert_eq!(rate.values[TODAY - 11], Some(0), "before the debits: nothing sent");
    assert_eq!(rate.values[TODAY - 6], Some(0), "sent, none returned yet");
    assert_eq!(rate.values[TODAY - 5], Some(2500), "the R01 recorded");
    assert_eq!(rate.values[TODAY - 1], Some(2500));
    assert_eq!(rate.values[TODAY], Some(5000), "and today's R10");

    assert_eq!(f.emails_failing, 2);
    assert_eq!(f.emails_trend.values[TODAY], Some(2));
    assert_eq!(f.emails_trend.values[TODAY - 3], Some(5), "the reading of that day");
    assert_eq!(f.emails_trend.values[TODAY - 2], None, "no reading: not invented");
    assert_eq!(f.registered_trend.values[TODAY - 3], Some(2500));
    assert_eq!(f.registered_trend.values[TODAY], Some(5000));
    let known = f.registered_trend.values.iter().flatten().count();
    assert_eq!(known, 2, "only the days with a reading");

    let export = f.last_export.expect("an export");
    assert_eq!((export.file_name.as_str(), export.lines, export.total.0), ("b.csv", 2, 1200));
    assert_eq!(f.export_trend.values[TODAY - 1], Some(2));
    assert_eq!(f.export_trend.values[TODAY - 3], Some(3));
    assert_eq!(f.export_trend.values[TODAY], Some(0));

    let import = f.last_import.expect("an import");
    assert_eq!((import.kind, import.rows, import.at), (ImportKind::AchReturns, 7, now));
    // Today: the demo's 4 accounts and 12 bills, and the file's 7 entries.
    assert_eq!(f.import_trend.values[TODAY], Some(4 + 12 + 7));
    assert_eq!(f.import_trend.values[TODAY - 1], Some(0));

    assert_eq!(f.last_autopay_run, None, "no run recorded");
    assert_eq!(f.autopay_run_trend.values[TODAY], Some(1), "AutoPay payments made today");
}

#[tokio::test]
async fn a_reading_a_day_and_the_last_autopay_run_are_recorded_once_per_day() {
    let p = portal(false).await;
    let db = &p.app.db;
    let now = now();
    dashboard::record_today(db, now).await.unwrap();
    dashboard::record_today(db, now + 1).await.unwrap();
    dashboard::figures(db, now + 2).await.unwrap();
    assert_eq!(crate::helpers::count(db, "dashboard_days").await, 1, "one row a day");

    // A run that has nothing to do is recorded all the same; again the same day, twice.
    let day = time::macros::date!(2020 - 01 - 06);
    let (vault, gateway) = (p.vault(), app::gateway::Gateway::sandbox());
    let run =
        || server::scheduler::run_autopay(db, &p.app.mailer, &vault, &gateway, &p.config, day);
    let first = run().await.unwrap();
    run().await.unwrap();
    let f = dashboard::figures(db, now).await.unwrap();
    let last = f.last_autopay_run.expect("recorded");
    assert_eq!((last.day, last.runs), (day, 2));
    assert_eq!(last.payments_created, first.payments_created as i64);
    assert_eq!(last.bank_files, first.files.len() as i64);
    assert!(last.finished_at >= now);
    assert_eq!(f.today - Duration::days(TREND_DAYS - 1), f.payments_trend.first_day);
}

#[tokio::test]
async fn staff_see_the_dashboard_on_their_home_page_and_no_one_else_reaches_it() {
    let app = spawn_app().await;
    with_demo(&app.db).await;
    let (staff, _) = signed_in_staff(&app, StaffRole::Agent).await;
    let page = app.page_as(&staff.client, "/staff").await;
    for expected in [
        "<h2 id=\"dashboard-title\">Today at a glance</h2>",
        "Registered accounts",
        "0 of 4 accounts",
        "role=\"img\"",
        "over the last 30 days",
        "<caption>E-check debits of the last 60 days returned",
        "No payment has been made today.",
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }

    let customer = app.register("12345678-1234567", "97501").await;
    let signed_in = browser();
    let fields = [("email", customer.email.as_str()), ("password", PASSWORD)];
    app.post_form_as(&signed_in, "sign_in", "/sign-in", &fields).await;
    for client in [&browser(), &signed_in] {
        let r = client
            .post(format!("{}/api/staff_dashboard", app.base))
            .form(&NO_FIELDS)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403);
    }
    let r = staff
        .client
        .post(format!("{}/api/staff_dashboard", app.base))
        .form(&NO_FIELDS)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body = r.text().await.unwrap();
    assert!(body.contains("\"whole\":4"), "{body}");
}
