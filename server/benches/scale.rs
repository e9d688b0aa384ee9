//! The portal at a utility's size (issue 20, point 5): a million accounts.
//!
//! `cargo bench -p server --features app/ssr --bench scale` starts the portal on a fresh
//! SQLite file (or, when `TEST_DATABASE_URL` names a PostgreSQL server, a fresh database on
//! it), loads the demo data, registers and signs in Alex, and measures at 1,000 accounts:
//! the overview and Bill Settings (`SCALE_PAGES` requests each, one at a time), sign-in (the
//! whole form post, Argon2 included) and the registration lookup (a bill's numbers and ZIP).
//! Then it grows the same database to `SCALE_ACCOUNTS` (1,000,000) accounts, each with its
//! customer and 24 monthly bills, one customer in five with a login, and measures again.
//! Last, it times `import accounts` and `import bills` on files of `SCALE_IMPORT_ROWS`
//! (100,000) rows each: new accounts, and a new month's bills. Figures, not a test.
//!
//! The generated rows are written straight into the tables, many to a statement, because
//! going through the import 25 million times would measure the import instead; the import's
//! own rate is the last figure.

mod common;
#[allow(dead_code)]
#[path = "../tests/api/helpers.rs"]
mod helpers;

use app::platform::Db;
use common::peak_mib;
use std::fmt::Write;
use std::time::{Duration, Instant};

const MONTHS: usize = 24;
/// Generated ids start here, far above what the demo data and the test's own rows take.
const FIRST_ID: usize = 10_000_000;
const SMALL: usize = 1_000;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(bench());
}

async fn bench() {
    let (large, pages, import_rows) = (
        env_or("SCALE_ACCOUNTS", 1_000_000),
        env_or("SCALE_PAGES", 300),
        env_or("SCALE_IMPORT_ROWS", 100_000),
    );
    let app = helpers::spawn_app().await;
    let label = match app.db.backend {
        app::platform::Backend::Sqlite => "SQLite",
        app::platform::Backend::Postgres => "PostgreSQL",
    };
    helpers::with_demo(&app.db).await;
    let alex = app.register("12345678-1234567", "97501").await;
    println!("{label}; peak memory is the bench process's, server and seeding included");
    println!("{pages} page requests and lookups a figure, 30 sign-ins, one at a time");
    println!("| accounts | bills | logins | seeding | figure | p50 | p99 |");
    println!("|---|---|---|---|---|---|---|");

    let started = Instant::now();
    seed(&app.db, 0, SMALL).await;
    settle(&app.db).await;
    let small = measure(&app, &alex, SMALL, started.elapsed(), pages).await;

    let started = Instant::now();
    seed(&app.db, SMALL, large).await;
    settle(&app.db).await;
    let big = measure(&app, &alex, large, started.elapsed(), pages).await;
    println!();
    println!("| figure | {SMALL} accounts p50 / p99 | {large} accounts p50 / p99 | p99 ratio |");
    println!("|---|---|---|---|");
    for ((name, a), (_, b)) in small.iter().zip(&big) {
        println!(
            "| {name} | {:.2} / {:.2} ms | {:.2} / {:.2} ms | {:.2} |",
            ms(a.0),
            ms(a.1),
            ms(b.0),
            ms(b.1),
            b.1.as_secs_f64() / a.1.as_secs_f64()
        );
    }
    println!();
    imports(&app.db, large, import_rows).await;
    println!("peak memory {:.0} MiB", peak_mib());
    drop_database(&app).await;
}

/// A PostgreSQL database of this size takes gigabytes: it goes when the figures are out.
async fn drop_database(app: &helpers::TestApp) {
    use sqlx::{Connection, Executor};
    let Some(admin) = std::env::var("TEST_DATABASE_URL").ok().filter(|u| u.starts_with("postgres"))
    else {
        return;
    };
    app.db.pool.close().await;
    let url = helpers::database_url(app);
    let name = url.rsplit('/').next().unwrap_or_default();
    let mut conn = sqlx::PgConnection::connect(&admin).await.expect("admin connection");
    conn.execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str()).await.expect("drop");
}

/// Customer `i`'s numbers: the customer's 8 digits and the account's 7.
fn numbers(i: usize) -> (String, String) {
    (format!("{:08}", 40_000_000 + i), format!("{:07}", 3_000_000 + i))
}

/// Accounts `from..to` with their customers, bills and (one in five) logins, in
/// transactions of 20,000 accounts.
async fn seed(db: &Db, from: usize, to: usize) {
    const PER_STATEMENT: usize = 200;
    const PER_TRANSACTION: usize = 20_000;
    for start in (from..to).step_by(PER_TRANSACTION) {
        let end = (start + PER_TRANSACTION).min(to);
        let mut tx = db.pool.begin().await.expect("begin");
        for chunk in (start..end).step_by(PER_STATEMENT) {
            let rows = chunk..(chunk + PER_STATEMENT).min(end);
            for sql in [customers(rows.clone()), accounts(rows.clone()), bills(rows.clone())] {
                sqlx::query(&sql).execute(&mut *tx).await.expect("seed");
            }
            if let Some(sql) = logins(rows) {
                sqlx::query(&sql).execute(&mut *tx).await.expect("logins");
            }
        }
        tx.commit().await.expect("commit");
    }
}

// The rows are the bench's own numbers and fixed words, so they are written as literals:
// 200 accounts' 4,800 bills would need more parameters than SQLite allows a statement.

fn customers(rows: std::ops::Range<usize>) -> String {
    let mut sql = String::from(
        "INSERT INTO customers (id, customer_number, name, name_folded, created_at, updated_at) VALUES ",
    );
    for i in rows {
        let (customer, _) = numbers(i);
        let sep = if sql.ends_with(' ') { "" } else { ", " };
        let _ = write!(
            sql,
            "{sep}({}, '{customer}', 'Customer {i}', 'customer {i}', 0, 0)",
            FIRST_ID + i
        );
    }
    sql
}

fn accounts(rows: std::ops::Range<usize>) -> String {
    let mut sql = String::from(
        "INSERT INTO accounts (id, account_number, customer_id, service_address, service_city, service_state, \
         service_zip, mailing_address, mailing_city, mailing_state, mailing_zip, service_address_folded, \
         created_at, updated_at) VALUES ",
    );
    for i in rows {
        let (_, account) = numbers(i);
        let id = FIRST_ID + i;
        let street = format!("{} Main St", 1 + i % 9999);
        let sep = if sql.ends_with(' ') { "" } else { ", " };
        let _ = write!(
            sql,
            "{sep}({id}, '{account}', {id}, '{street}', 'Medford', 'OR', '97501', '{street}', 'Medford', 'OR', \
             '97501', '{} main st medford or 97501', 0, 0)",
            1 + i % 9999
        );
    }
    sql
}

/// Months 2025-01 to 2026-12: paid but for the last, due on the 20th.
fn bills(rows: std::ops::Range<usize>) -> String {
    let mut sql = String::from(
        "INSERT INTO bills (account_id, bill_date, due_date, amount_cents, balance_cents, usage_gallons, \
         created_at, updated_at) VALUES ",
    );
    for i in rows {
        for m in 0..MONTHS {
            let (year, month) = (2025 + m / 12, 1 + m % 12);
            let amount = 3_000 + (i * 7 + m * 13) % 9_000;
            let balance = if m == MONTHS - 1 { amount } else { 0 };
            let sep = if sql.ends_with(' ') { "" } else { ", " };
            let _ = write!(
                sql,
                "{sep}({}, '{year}-{month:02}-01', '{year}-{month:02}-20', {amount}, {balance}, {}, 0, 0)",
                FIRST_ID + i,
                amount / 2
            );
        }
    }
    sql
}

fn logins(rows: std::ops::Range<usize>) -> Option<String> {
    let mut sql = String::from(
        "INSERT INTO logins (customer_id, email, password_hash, terms_version, terms_accepted_at, \
         created_at, updated_at) VALUES ",
    );
    let mut any = false;
    for i in rows.filter(|i| i.is_multiple_of(5)) {
        let sep = if any { ", " } else { "" };
        let _ = write!(
            sql,
            "{sep}({}, 'c{i}@scale.example', 'not-a-hash', 't', 0, 0, 0)",
            FIRST_ID + i
        );
        any = true;
    }
    any.then_some(sql)
}

/// Statistics for the planner, as a running database keeps them.
async fn settle(db: &Db) {
    let statement = match db.backend {
        app::platform::Backend::Sqlite => "ANALYZE",
        app::platform::Backend::Postgres => "VACUUM ANALYZE",
    };
    sqlx::raw_sql(statement).execute(&db.pool).await.expect("analyse");
}

type Figures = Vec<(&'static str, (Duration, Duration))>;

/// The pages, sign-in and the registration lookup at `accounts` accounts: (p50, p99) each.
async fn measure(
    app: &helpers::TestApp,
    alex: &helpers::Registered,
    accounts: usize,
    seeding: Duration,
    pages: usize,
) -> Figures {
    let (bills, logins) = (accounts * MONTHS, accounts / 5);
    let mut figures = Figures::new();
    let signing_in = times(30, move || async move {
        let r = app.sign_in(&alex.email, helpers::PASSWORD).await;
        assert_eq!(r.status().as_u16(), 302, "signed in");
    })
    .await;
    figures.push(("sign-in (Argon2 included)", signing_in));
    for path in ["/account", "/billing/settings"] {
        let got = times(pages, move || async move {
            let r = app.get(path).await;
            assert_eq!(r.status().as_u16(), 200, "{path}");
            r.text().await.expect("page");
        })
        .await;
        figures.push((path, got));
    }
    let mut k = 0usize;
    let lookups = times(pages, move || {
        k += 1;
        let i = (k * 7919) % accounts;
        async move {
            let (customer, account) = numbers(i);
            let client = format!("10.{}.{}.{}", k / 65536 % 256, k / 256 % 256, k % 256);
            let found = app::registration::service::find_account(
                &app.db,
                &client,
                &format!("{customer}-{account}"),
                "97501",
            )
            .await
            .expect("lookup");
            assert!(found.is_ok() || i.is_multiple_of(5), "account {i} found");
        }
    })
    .await;
    figures.push(("registration lookup", lookups));
    let secs = seeding.as_secs_f64();
    for (name, (p50, p99)) in &figures {
        println!(
            "| {accounts} | {bills} | {logins} | {secs:.0} s | {name} | {:.2} ms | {:.2} ms |",
            ms(*p50),
            ms(*p99)
        );
    }
    figures
}

/// Runs `once` `count` times one after another (after a tenth as many to warm up): p50, p99.
async fn times<F, Fut>(count: usize, mut once: F) -> (Duration, Duration)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..count / 10 {
        once().await;
    }
    let mut all = Vec::with_capacity(count);
    for _ in 0..count {
        let start = Instant::now();
        once().await;
        all.push(start.elapsed());
    }
    all.sort();
    let at = |p: f64| all[((all.len() - 1) as f64 * p / 100.0).round() as usize];
    (at(50.0), at(99.0))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `server import accounts` and `import bills` as the command runs them, on files of
/// `rows` new accounts and of the next month's bills of as many existing accounts.
async fn imports(db: &Db, existing: usize, rows: usize) {
    let mut accounts = String::from(
        "customer_number,customer_name,account_number,service_address,service_city,service_state,\
         service_zip,mailing_address,mailing_city,mailing_state,mailing_zip\n",
    );
    for i in existing..existing + rows {
        let (customer, account) = numbers(i);
        let _ = writeln!(
            accounts,
            "{customer},Customer {i},{account},{n} Oak St,Medford,OR,97501,{n} Oak St,Medford,OR,97501",
            n = 1 + i % 9999
        );
    }
    let mut bills =
        String::from("account_number,bill_date,due_date,amount,balance,usage_gallons\n");
    for i in 0..rows.min(existing) {
        let (_, account) = numbers(i);
        let _ = writeln!(
            bills,
            "{account},2027-01-01,2027-01-20,{}.{:02},0.00,{}",
            30 + i % 90,
            i % 100,
            1000 + i % 5000
        );
    }
    let letterhead = helpers::letterhead();
    let started = Instant::now();
    let report =
        app::import::import_accounts(db, &letterhead, accounts.as_bytes()).await.expect("accounts");
    let took = started.elapsed().as_secs_f64();
    println!(
        "import accounts: {} rows ({} new) in {took:.1} s, {:.0} rows a second",
        report.rows,
        report.inserted,
        report.rows as f64 / took
    );
    let started = Instant::now();
    let report = app::import::import_bills(db, bills.as_bytes()).await.expect("bills");
    let took = started.elapsed().as_secs_f64();
    println!(
        "import bills: {} rows ({} new) in {took:.1} s, {:.0} rows a second",
        report.rows,
        report.inserted,
        report.rows as f64 / took
    );
}
