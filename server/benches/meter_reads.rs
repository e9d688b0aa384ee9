//! Meter reads at a utility's scale (issue 19, Proof).
//!
//! `cargo bench -p server --features app/ssr --bench meter_reads` imports 10,000 accounts,
//! writes a file of 7,200,000 hourly reads (10,000 meters × 30 days × 24 hours; every
//! hundredth meter runs at 4 gallons an hour all month: a leak), imports it the way
//! `server import reads` does (checked whole, then written in one transaction), runs the
//! alerts over every account it touched, then asks Water Use for 300 random accounts' days,
//! and prints the import's reads a second, the detection's time, the peak memory after each
//! step and the usage view's p50 and p99. A fresh SQLite file, or, when `TEST_DATABASE_URL`
//! names a PostgreSQL server, a fresh database there (dropped at the end). Figures, not a
//! test; `METER_READS_BENCH_ACCOUNTS` and `METER_READS_BENCH_DAYS` choose the size.

use app::import::reads::import_reads;
use app::usage::{service, UsageQuery};
use app::water::alerts::{after_import, AlertContext};
use std::io::Write;
use std::time::{Duration, Instant};

mod common;
use common::{fresh_database, peak_mib};

const USAGE_QUERIES: usize = 300;

fn main() {
    let size = |name: &str, default: usize| {
        std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
    };
    let (accounts, days) =
        (size("METER_READS_BENCH_ACCOUNTS", 10_000), size("METER_READS_BENCH_DAYS", 30));
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(bench(accounts, days));
}

async fn bench(accounts: usize, days: usize) {
    let (db, label, cleanup, dir) = fresh_database().await;
    let config = app::platform::Config { dev_mode: true, ..Default::default() };
    let head = app::email::Letterhead::from_config(&config);
    let accounts_csv = accounts_file(accounts);
    app::import::import_accounts(&db, &head, accounts_csv.as_bytes()).await.expect("accounts");
    let folder = tempfile::tempdir().expect("temp dir");
    let path = folder.path().join("reads.csv");
    let rows = reads_file(&path, accounts, days);
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "{label}: {accounts} accounts; a file of {rows} reads ({:.0} MB) written; peak memory {:.0} MiB",
        bytes as f64 / 1e6,
        peak_mib()
    );

    let started = Instant::now();
    let open = || std::fs::File::open(&path);
    // When the writing pass began: the checking pass's time.
    let mut checked: Option<f64> = None;
    let mut heard = |pass: app::import::reads::Pass, _| {
        if pass == app::import::reads::Pass::Writing && checked.is_none() {
            checked = Some(started.elapsed().as_secs_f64());
        }
    };
    let report = import_reads(&db, open, &mut heard).await.expect("import");
    let secs = started.elapsed().as_secs_f64();
    let check_secs = checked.unwrap_or(0.0);
    println!(
        "import: {} reads in {secs:.1} s = {:.0} reads a second (both passes: checking {check_secs:.1} s, \
         writing {:.1} s); peak memory {:.0} MiB",
        report.rows,
        report.rows as f64 / secs,
        secs - check_secs,
        peak_mib()
    );

    let mailer = app::email::Mailer::from_config(&config).expect("mailer");
    let texter = app::sms::Texter::disabled();
    let ctx = AlertContext { db: &db, mailer: &mailer, texter: &texter, rules: Default::default() };
    let started = Instant::now();
    let found = after_import(&ctx, report.accounts.iter().copied()).await.expect("alerts");
    println!(
        "detection: {} accounts in {:.1} s, {} alerts started; peak memory {:.0} MiB",
        report.accounts.len(),
        started.elapsed().as_secs_f64(),
        found.started,
        peak_mib()
    );

    usage_views(&db, accounts, days).await;
    db.pool.close().await;
    drop(dir);
    if let Some(cleanup) = cleanup {
        cleanup.drop_database().await;
    }
}

/// Water Use's day view of random accounts, as their owners would open it.
async fn usage_views(db: &app::platform::Db, accounts: usize, days: usize) {
    let ids: Vec<(i64, i64)> = sqlx::query_as("SELECT id, customer_id FROM accounts")
        .fetch_all(&db.pool)
        .await
        .expect("accounts");
    let today = first_day() + time::Duration::days(days as i64);
    let mut times: Vec<Duration> = Vec::with_capacity(USAGE_QUERIES);
    for i in 0..USAGE_QUERIES {
        let (account, customer) = ids[(i * 7919) % ids.len().max(1)];
        let query = UsageQuery { account: Some(account.to_string()), ..Default::default() };
        let started = Instant::now();
        let view = service::usage(db, app::domain::CustomerId(customer), &query, today).await;
        times.push(started.elapsed());
        assert!(view.expect("view").is_some());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "usage view (a billing period of days, beside a year before), {USAGE_QUERIES} of {accounts} accounts: p50 {:.1} ms, p99 {:.1} ms",
        ms(at(0.50)),
        ms(at(0.99))
    );
}

fn first_day() -> time::Date {
    time::macros::date!(2026 - 10 - 01)
}

/// `accounts` customers with one account each.
fn accounts_file(accounts: usize) -> String {
    let mut out = String::from("customer_number,customer_name,account_number,service_address,service_city,service_state,service_zip,mailing_address,mailing_city,mailing_state,mailing_zip\n");
    for n in 0..accounts {
        let street = format!("{} Bench St", n + 1);
        out.push_str(&format!(
            "{},Customer {n},{},{street},Medford,OR,97501,{street},Medford,OR,97501\n",
            10_000_000 + n,
            1_000_000 + n
        ));
    }
    out
}

/// The reads file: each account's meter, every hour of `days` from `first_day`, in Pacific
/// Standard Time; every hundredth meter leaks 4 gallons an hour all the time.
fn reads_file(path: &std::path::Path, accounts: usize, days: usize) -> u64 {
    let file = std::fs::File::create(path).expect("reads file");
    let mut out = std::io::BufWriter::new(file);
    writeln!(out, "account_number,meter_id,read_at,gallons,interval_minutes").expect("write");
    let mut rows = 0;
    for n in 0..accounts {
        let leak = n % 100 == 0;
        for d in 0..days {
            let day = app::domain::format::iso_date(first_day() + time::Duration::days(d as i64));
            for hour in 0..24 {
                let base = if (6..9).contains(&hour) || (17..21).contains(&hour) { 12 } else { 0 };
                let gallons = base + if leak { 4 } else { (n + hour) % 2 };
                writeln!(
                    out,
                    "{},M{n},{day}T{hour:02}:00:00-08:00,{gallons}.{:02},60",
                    1_000_000 + n,
                    (n * 7 + hour) % 100
                )
                .expect("write");
                rows += 1;
            }
        }
    }
    out.flush().expect("flush");
    rows
}
