//! The CIS payment export over many payments (issue 17).
//!
//! `cargo bench -p server --features app/ssr --bench cis_export` records 100,000 payments
//! in a fresh SQLite file (9 in 10 e-checks in written NACHA files, 1 in 10 card payments
//! paid, 1 in 100 e-checks returned), then runs `server export payments` once (the claim and
//! the file) and prints its time, the lines written, the file's size and the process's peak
//! memory (VmHWM) before and after. The goals: under 10 seconds, and memory that does not
//! grow with the number of payments (lines are read and written 1,000 at a time). Then a
//! second run, which finds nothing new. Figures, not a test.
//!
//! `CIS_BENCH_PAYMENTS=10000` chooses another count.

use app::payments::export::{export_payments, Destination};
use app::platform::Db;
use std::time::Instant;
use time::macros::date;

mod common;
use common::peak_mib;

fn main() {
    let size: i64 =
        std::env::var("CIS_BENCH_PAYMENTS").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(bench(size));
}

async fn bench(size: i64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display());
    let db = Db::connect(&url).await.expect("database");
    db.migrate().await.expect("migrate");
    let seeding = Instant::now();
    seed(&db, size).await;
    let seed_secs = seeding.elapsed().as_secs_f64();
    let before = peak_mib();

    let folder = Destination::Folder(dir.path().join("cis"));
    let started = Instant::now();
    let report = export_payments(&db, &folder, date!(2027 - 06 - 22)).await.expect("export");
    let secs = started.elapsed().as_secs_f64();
    let written = report.new.expect("an export");
    let bytes = std::fs::metadata(&written.path).map(|m| m.len()).unwrap_or(0);
    let again = Instant::now();
    let second = export_payments(&db, &folder, date!(2027 - 06 - 22)).await.expect("again");
    assert!(second.new.is_none(), "nothing new the second time");
    println!("| payments | seed | export | lines (payments + reversals) | file | peak memory before | peak memory after | second run |");
    println!("|---|---|---|---|---|---|---|---|");
    println!(
        "| {size} | {seed_secs:.1} s | {secs:.2} s | {} + {} | {:.1} MB | {before:.0} MiB | {:.0} MiB | {:.2} s |",
        written.payments,
        written.reversals,
        bytes as f64 / 1e6,
        peak_mib(),
        again.elapsed().as_secs_f64()
    );
}

/// `size` customers with one account, bill, method and payment each, written with a few
/// statements (SQLite's recursive counting), because going through the portal would measure
/// the seeding instead of the export.
async fn seed(db: &Db, size: i64) {
    let numbers = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)";
    let statements = [
        "INSERT INTO nacha_files (id, file_name, run_date, entry_count, total_debit_cents, created_at, written_at) \
         SELECT i, 'bench-' || i || '.ach', '2027-06-22', 0, 0, 0, 1 FROM n WHERE i <= 10",
        "INSERT INTO customers (id, customer_number, name, created_at, updated_at) \
         SELECT i, printf('%08d', 10000000 + i), 'Customer ' || i, 0, 0 FROM n",
        "INSERT INTO accounts (id, account_number, customer_id, service_address, service_city, service_state, service_zip, \
         mailing_address, mailing_city, mailing_state, mailing_zip, created_at, updated_at) \
         SELECT i, printf('%07d', 1000000 + i), i, '1 Main St', 'Medford', 'OR', '97501', '1 Main St', 'Medford', 'OR', '97501', 0, 0 FROM n",
        "INSERT INTO bills (id, account_id, bill_date, due_date, amount_cents, balance_cents, usage_gallons, created_at, updated_at) \
         SELECT i, i, '2027-06-01', '2027-06-22', 4000 + i % 5000, 0, 3000, 0, 0 FROM n",
        "INSERT INTO payment_methods (id, customer_id, kind, last4, holder_name, is_default, created_at) \
         SELECT i, i, CASE WHEN i % 10 = 0 THEN 'credit' ELSE 'echeck' END, '6789', 'Bench', 1, 0 FROM n",
        "INSERT INTO payments (id, bill_id, account_id, payment_method_id, amount_cents, fee_cents, draft_date, status, \
         channel, nacha_file_id, return_code, returned_at, created_at, updated_at) \
         SELECT i, i, i, i, 4000 + i % 5000, CASE WHEN i % 10 = 0 THEN 195 ELSE 0 END, '2027-06-22', \
         CASE WHEN i % 10 = 0 THEN 'paid' WHEN i % 100 = 1 THEN 'returned' ELSE 'submitted' END, \
         CASE WHEN i % 3 = 0 THEN 'one_time' ELSE 'autopay' END, \
         CASE WHEN i % 10 = 0 THEN NULL ELSE 1 + i % 10 END, \
         CASE WHEN i % 100 = 1 THEN 'R01' END, CASE WHEN i % 100 = 1 THEN 1813752000 END, 0, 0 FROM n",
    ];
    for statement in statements {
        sqlx::query(&format!("{numbers} {statement}"))
            .bind(size)
            .execute(&db.pool)
            .await
            .expect("seed");
    }
}
