//! Importing the bank's returns (issue 17): `cargo bench -p server --features app/ssr
//! --bench ach_returns` seeds 100,000 e-check payments sent to the bank (each with its
//! trace number) in a fresh SQLite file, builds a return/NOC file of 10,000 entries with
//! the project's NACHA writer (returns of every class, NSF retried, and notices of change
//! C01), imports it, and prints the import's time and the process's peak memory (VmHWM)
//! before and after, and the import's own peak (VmHWM reset when it starts). The goals:
//! under 10 seconds, memory that does not grow with the payments or the entries. Figures,
//! not a test. `ACH_RETURNS_BENCH=payments,entries` chooses sizes.

use app::domain::ach_return::{ChangeCode, ReturnCode};
use app::domain::{BankAccountNumber, CustomerId, MethodId, RoutingNumber};
use app::email::Mailer;
use app::nacha::{Answer, AnswerBatch, AnswerEntry, AnswerFile, Correction};
use app::payments::returns::{self, ReturnsContext};
use app::platform::config::AchConfig;
use app::platform::vault::{Binding, Vault};
use app::platform::{Config, Db};
use std::time::Instant;
use time::macros::date;

mod common;
use common::peak_mib;

fn trace(i: usize) -> String {
    format!("09100001{:07}", i + 1)
}

fn main() {
    let sizes = std::env::var("ACH_RETURNS_BENCH").unwrap_or_else(|_| "100000,10000".into());
    let mut sizes = sizes.split(',').map(|s| s.trim().parse::<usize>().expect("a number"));
    let (payments, entries) = (sizes.next().unwrap_or(100_000), sizes.next().unwrap_or(10_000));
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(bench(payments, entries));
}

async fn bench(payments: usize, entries: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display());
    let db = Db::connect(&url).await.expect("database");
    db.migrate().await.expect("migrate");
    let config = Config { database_url: url, dev_mode: true, ..Config::default() };
    let vault = Vault::from_config(&config).expect("vault");
    let mailer = Mailer::from_config(&config).expect("mailer");
    let seeding = Instant::now();
    seed(&db, &vault, payments).await;
    let seed_secs = seeding.elapsed().as_secs_f64();
    let text = file(payments, entries);
    let before = peak_mib();
    // The peak from here on is the import's own: building the file above may have peaked
    // higher than the import does, and would hide it.
    let at_start = reset_peak();
    let ach = AchConfig { retry_nsf: true };
    let ctx = ReturnsContext { db: &db, vault: &vault, mailer: &mailer, config: &ach };
    let started = Instant::now();
    let report = returns::import(&ctx, "bench.ach", text.as_bytes(), date!(2027 - 06 - 24))
        .await
        .expect("the import");
    let secs = started.elapsed().as_secs_f64();
    let during = peak_mib();
    println!(
        "| payments | entries | seed | import | peak memory before | after | the import's own: resident at its start / peak |"
    );
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| {payments} | {entries} | {seed_secs:.1} s | {secs:.2} s | {before:.0} MiB | {:.0} MiB | {at_start:.0} / {during:.0} MiB |",
        before.max(during)
    );
    println!("{}", report.text());
}

/// Resets the peak (VmHWM) to the current resident size (Linux's `clear_refs`), which it
/// returns in MiB (VmRSS); 0 where that is not possible.
fn reset_peak() -> f64 {
    if std::fs::write("/proc/self/clear_refs", "5").is_err() {
        return 0.0;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// `entries` answers to every (payments / entries)-th payment: 4 in 10 R01 (retried), then
/// R02, R03, R10, R08, R06, and 1 in 10 a C01 notice.
fn file(payments: usize, entries: usize) -> String {
    let step = (payments / entries).max(1);
    let codes = ["R01", "R01", "R01", "R01", "R02", "R03", "R10", "R08", "R06"];
    let routing = RoutingNumber::parse("021000021").expect("routing");
    let (mut returned, mut changed) = (Vec::new(), Vec::new());
    for k in 0..entries {
        let i = k * step;
        let notice = k % 10 == 9;
        let answer = if notice {
            let number = BankAccountNumber::parse(&format!("{:09}", 500_000_000 + i)).expect("n");
            Answer::Change {
                code: ChangeCode::C01,
                correction: Correction { account_number: Some(number), ..Default::default() },
            }
        } else {
            Answer::Return { code: ReturnCode::parse(codes[k % 9]).expect("code") }
        };
        let entry = AnswerEntry {
            transaction_code: 26,
            routing: routing.clone(),
            account_number: format!("{:09}", 100_000_000 + i),
            amount_cents: if notice { 0 } else { 4000 + (i as u64 % 5000) },
            individual_id: format!("{i}"),
            individual_name: "Bench Customer".into(),
            original_trace: trace(i),
            answer,
        };
        if notice {
            changed.push(entry)
        } else {
            returned.push(entry)
        }
    }
    let batch = |sec: &str, entries| AnswerBatch {
        sec: sec.into(),
        company_name: "Medford Water".into(),
        company_id: "1930000000".into(),
        entry_description: "WATER BILL".into(),
        effective_date: "270620".into(),
        entries,
    };
    app::nacha::write_answers(&AnswerFile {
        odfi: RoutingNumber::parse("091000019").expect("odfi"),
        rdfi: routing.clone(),
        created_date: "270624".into(),
        created_time: "0600".into(),
        file_id_modifier: 'A',
        batches: vec![batch("WEB", returned), batch("COR", changed)],
    })
}

/// Customers, accounts, bills, a login, a bank account, an enrollment and one submitted
/// debit with its trace number each: written straight into the tables.
async fn seed(db: &Db, vault: &Vault, size: usize) {
    sqlx::query("INSERT INTO nacha_files (id, file_name, run_date, entry_count, total_debit_cents, created_at, written_at) VALUES (1, 'bench.ach', '2027-06-20', 0, 0, 0, 0)")
        .execute(&db.pool)
        .await
        .expect("file");
    for chunk_start in (0..size).step_by(5000) {
        let mut tx = db.pool.begin().await.expect("begin");
        for i in chunk_start..(chunk_start + 5000).min(size) {
            let id = i as i64 + 1;
            let cents = 4000 + (i as i64 % 5000);
            sqlx::query("INSERT INTO customers (id, customer_number, name, created_at, updated_at) VALUES ($1, $2, $3, 0, 0)")
                .bind(id)
                .bind(format!("{:08}", 10_000_000 + i))
                .bind(format!("Customer {i}"))
                .execute(&mut *tx)
                .await
                .expect("customer");
            sqlx::query(
                "INSERT INTO accounts (id, account_number, customer_id, service_address, service_city, service_state, service_zip, \
                 mailing_address, mailing_city, mailing_state, mailing_zip, created_at, updated_at) \
                 VALUES ($1, $2, $1, '1 Main St', 'Medford', 'OR', '97501', '1 Main St', 'Medford', 'OR', '97501', 0, 0)",
            )
            .bind(id)
            .bind(format!("{:07}", 1_000_000 + i))
            .execute(&mut *tx)
            .await
            .expect("account");
            sqlx::query(
                "INSERT INTO bills (id, account_id, bill_date, due_date, amount_cents, balance_cents, usage_gallons, created_at, updated_at) \
                 VALUES ($1, $1, '2027-06-01', '2027-06-20', $2, 0, 3000, 0, 0)",
            )
            .bind(id)
            .bind(cents)
            .execute(&mut *tx)
            .await
            .expect("bill");
            sqlx::query(
                "INSERT INTO logins (customer_id, email, password_hash, terms_version, terms_accepted_at, created_at, updated_at) \
                 VALUES ($1, $2, 'not-a-hash', 't', 0, 0, 0)",
            )
            .bind(id)
            .bind(format!("customer{i}@example.org"))
            .execute(&mut *tx)
            .await
            .expect("login");
            let sealed = vault.seal(
                &format!("{:09}", 100_000_000 + i),
                &Binding { method_id: MethodId(id), customer_id: CustomerId(id) },
            );
            sqlx::query(
                "INSERT INTO payment_methods (id, customer_id, kind, last4, bank_account_type, routing_number, bank_name, \
                 holder_name, account_ciphertext, account_key_id, account_bound, is_default, created_at) \
                 VALUES ($1, $1, 'echeck', '6789', 'checking', '021000021', 'Bench Bank', 'Bench Customer', $2, $3, 1, 1, 0)",
            )
            .bind(id)
            .bind(sealed.bytes)
            .bind(sealed.key_id)
            .execute(&mut *tx)
            .await
            .expect("bank account");
            sqlx::query(
                "INSERT INTO autopay_enrollments (id, account_id, payment_method_id, amount_rule, days_before_due, authorization_text, \
                 authorization_channel, reference, idempotency_key, active, created_at) \
                 VALUES ($1, $1, $1, 'full', 0, 'bench', 'WEB', $2, $2, 1, 0)",
            )
            .bind(id)
            .bind(format!("AP-BENCH{i}"))
            .execute(&mut *tx)
            .await
            .expect("enrollment");
            sqlx::query(
                "INSERT INTO payments (bill_id, account_id, enrollment_id, payment_method_id, amount_cents, draft_date, status, \
                 nacha_file_id, trace_number, created_at, updated_at) VALUES ($1, $1, $1, $1, $2, '2027-06-20', 'submitted', 1, $3, 0, 0)",
            )
            .bind(id)
            .bind(cents)
            .bind(trace(i))
            .execute(&mut *tx)
            .await
            .expect("payment");
        }
        tx.commit().await.expect("commit");
    }
}
