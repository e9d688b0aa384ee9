//! One AutoPay run over many enrolled accounts (issue: AutoPay).
//!
//! `cargo bench -p server --features app/ssr --bench autopay_run` enrolls 10,000 and then
//! 100,000 accounts in fresh SQLite files (9 in 10 by bank account, 1 in 10 by card, every
//! bill due on the run date), runs AutoPay for that date, and prints for each size the run's
//! time and the process's peak memory before and during the run. Each size runs in its own
//! process, so one size's peak does not hide the other's. The goals: under 10 seconds for
//! 100,000, and peak memory that does not grow with the count. Figures, not a test.
//!
//! `AUTOPAY_BENCH_SIZES=1000,5000` chooses other sizes.

use app::autopay::run::{self, RunContext};
use app::domain::{CustomerId, MethodId};
use app::email::Mailer;
use app::gateway::Gateway;
use app::platform::vault::Vault;
use app::platform::{Config, Db};
use std::time::Instant;
use time::macros::date;

mod common;
use common::peak_mib;

const RUN_DATE: time::Date = date!(2027 - 06 - 20);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(size) = args.iter().position(|a| a == "--size").and_then(|i| args.get(i + 1)) {
        let size: usize = size.parse().expect("a number of accounts");
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(one_size(size));
        return;
    }
    let sizes = std::env::var("AUTOPAY_BENCH_SIZES").unwrap_or_else(|_| "10000,100000".into());
    println!("| accounts | seed | run | payments | file entries | peak memory before the run | peak memory after |");
    println!("|---|---|---|---|---|---|---|");
    for size in sizes.split(',') {
        let status = std::process::Command::new(std::env::current_exe().expect("this benchmark"))
            .args(["--size", size.trim(), "--bench"])
            .status()
            .expect("run one size");
        assert!(status.success(), "size {size} failed");
    }
}

async fn one_size(size: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display());
    let db = Db::connect(&url).await.expect("database");
    db.migrate().await.expect("migrate");
    let mut config = Config { database_url: url, dev_mode: true, ..Config::default() };
    config.autopay.nacha_folder = dir.path().join("nacha");
    config.autopay.prenotes = false;
    let vault = Vault::from_config(&config).expect("vault");
    let mailer = Mailer::from_config(&config).expect("mailer");

    let seeding = Instant::now();
    seed(&db, &vault, size).await;
    let seed_secs = seeding.elapsed().as_secs_f64();
    let before = peak_mib();
    // On stderr, so that a profiler can be attached to the run alone.
    eprintln!("seeded {size} accounts in {seed_secs:.1} s; the run starts");

    let gateway = Gateway::sandbox();
    let ctx = RunContext {
        db: &db,
        mailer: &mailer,
        vault: &vault,
        gateway: &gateway,
        config: &config.autopay,
    };
    let started = Instant::now();
    let report = run::run(&ctx, RUN_DATE).await.expect("the run");
    let run_secs = started.elapsed().as_secs_f64();
    let entries: usize = report.files.iter().map(|f| f.entries).sum();
    let steps: Vec<String> =
        report.timings.iter().map(|(step, secs)| format!("{step} {secs:.2}")).collect();
    println!(
        "| {size} | {seed_secs:.1} s | {run_secs:.2} s ({}) | {} ({} by card) | {entries} | {before:.0} MiB | {:.0} MiB |",
        steps.join(", "),
        report.payments_created,
        report.cards_paid,
        peak_mib()
    );
}

/// Customers, accounts, one bill each due on the run date, a saved method and an active
/// enrollment: written straight into the tables, in large transactions, because going
/// through the portal 100,000 times would measure the seeding instead of the run.
async fn seed(db: &Db, vault: &Vault, size: usize) {
    let due = "2027-06-20";
    let card_token = "sbx_tok_bench";
    for chunk_start in (0..size).step_by(5000) {
        let mut tx = db.pool.begin().await.expect("begin");
        for i in chunk_start..(chunk_start + 5000).min(size) {
            let id = i as i64 + 1;
            let customer = format!("{:08}", 10_000_000 + i);
            let account = format!("{:07}", 1_000_000 + i);
            sqlx::query("INSERT INTO customers (id, customer_number, name, created_at, updated_at) VALUES ($1, $2, $3, 0, 0)")
                .bind(id)
                .bind(&customer)
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
            .bind(&account)
            .execute(&mut *tx)
            .await
            .expect("account");
            sqlx::query(
                "INSERT INTO bills (account_id, bill_date, due_date, amount_cents, balance_cents, usage_gallons, created_at, updated_at) \
                 VALUES ($1, '2027-06-01', $2, $3, $3, 3000, 0, 0)",
            )
            .bind(id)
            .bind(due)
            .bind(4000 + (i as i64 % 5000))
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
            if i % 10 == 9 {
                sqlx::query(
                    "INSERT INTO payment_methods (id, customer_id, kind, last4, holder_name, card_brand, exp_month, exp_year, \
                     gateway_token, is_default, created_at) VALUES ($1, $1, 'credit', '1111', 'Bench', 'visa', 4, 2029, $2, 1, 0)",
                )
                .bind(id)
                .bind(card_token)
                .execute(&mut *tx)
                .await
                .expect("card");
            } else {
                let sealed = vault.seal(
                    &format!("{:09}", 100_000_000 + i),
                    &app::platform::vault::Binding {
                        method_id: MethodId(id),
                        customer_id: CustomerId(id),
                    },
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
            }
            sqlx::query(
                "INSERT INTO autopay_enrollments (account_id, payment_method_id, amount_rule, days_before_due, authorization_text, \
                 authorization_channel, reference, idempotency_key, active, created_at) \
                 VALUES ($1, $1, 'full', 0, 'bench', 'WEB', $2, $2, 1, 0)",
            )
            .bind(id)
            .bind(format!("AP-BENCH{i}"))
            .execute(&mut *tx)
            .await
            .expect("enrollment");
        }
        tx.commit().await.expect("commit");
    }
}
