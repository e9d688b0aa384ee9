//! Posting payments to the billing system (CIS) and ACH return-rate monitoring: the export
//! holds every kind of payment once it is sent and a reversal for a return, each in one
//! export only — run twice, run at once on two pools, or killed (SIGKILL) at a failpoint and
//! run again; `server ach report`'s rates, and the operations alert once a day.
//! Returns are made here by setting `status = 'returned'`, `return_code` and `returned_at`
//! directly (the bank's return file is another part's).

use crate::helpers::{
    account_id, bank, bill, card, count, database_url, enroll, portal, Portal, TestApp,
};
use app::domain::autopay::RuleForm;
use app::domain::{AccountId, BillId, MethodId, PaymentId};
use app::payments::export::{export_payments, Destination, ExportReport};
use app::payments::monitor::{self, Checked};
use app::platform::Db;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use time::macros::date;

/// A banking day (a Tuesday): the e-checks' effective date is their draft date.
const DAY: time::Date = date!(2027 - 06 - 22);

/// The portal after one AutoPay run: Alex's e-check (bill 1234567, $61.20) went to the bank
/// in a written file and María's card (2345678, $44.10) was charged.
struct Books {
    p: Portal,
    bank_method: MethodId,
    card_method: MethodId,
    bank_account: AccountId,
    card_account: AccountId,
    bank_bill: BillId,
    card_bill: BillId,
    autopay_echeck: PaymentId,
    autopay_card: PaymentId,
    folder: tempfile::TempDir,
}

async fn books() -> Books {
    let p = portal(false).await;
    let alex = p.app.register("12345678-1234567", "97501").await.customer_id;
    let bank_method = p.app.add_method(alex, &bank()).await.unwrap();
    let bank_account = account_id(&p.app, "1234567").await;
    enroll(&p, alex, bank_account, bank_method, &RuleForm::default()).await;
    let maria = p.app.register("23456789-2345678", "97502").await.customer_id;
    let card_method =
        p.app.add_method(maria, &card("credit", "4111111111111111", "04/29", "123")).await.unwrap();
    let card_account = account_id(&p.app, "2345678").await;
    enroll(&p, maria, card_account, card_method, &RuleForm::default()).await;
    let bank_bill = bill(&p.app, "1234567", "2027-06-01", "2027-06-22", 6120).await;
    let card_bill = bill(&p.app, "2345678", "2027-06-01", "2027-06-22", 4410).await;
    p.run(DAY).await;
    let autopay_echeck = payment_of(&p.app, bank_bill, "autopay").await;
    let autopay_card = payment_of(&p.app, card_bill, "autopay").await;
    Books {
        p,
        bank_method,
        card_method,
        bank_account,
        card_account,
        bank_bill,
        card_bill,
        autopay_echeck,
        autopay_card,
        folder: tempfile::tempdir().unwrap(),
    }
}

async fn payment_of(app: &TestApp, bill_id: BillId, channel: &str) -> PaymentId {
    let (id,): (PaymentId,) =
        sqlx::query_as("SELECT id FROM payments WHERE bill_id = $1 AND channel = $2")
            .bind(bill_id)
            .bind(channel)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    id
}

/// A payment as Pay Now, Quick Pay or a retry records it (their own paths are tested in
/// their own files): `file` is the NACHA file an e-check went out in.
struct Made<'a> {
    bill: BillId,
    account: AccountId,
    method: MethodId,
    channel: &'a str,
    status: &'a str,
    amount: i64,
    fee: i64,
    draft: &'a str,
    file: Option<i64>,
    retry_of: Option<PaymentId>,
}

impl Books {
    fn echeck<'a>(&self, channel: &'a str, status: &'a str, amount: i64) -> Made<'a> {
        Made {
            bill: self.bank_bill,
            account: self.bank_account,
            method: self.bank_method,
            channel,
            status,
            amount,
            fee: 0,
            draft: "2027-06-22",
            file: None,
            retry_of: None,
        }
    }

    fn card<'a>(&self, channel: &'a str, status: &'a str, amount: i64, fee: i64) -> Made<'a> {
        Made {
            bill: self.card_bill,
            account: self.card_account,
            method: self.card_method,
            channel,
            status,
            amount,
            fee,
            draft: "2027-06-21",
            file: None,
            retry_of: None,
        }
    }

    async fn make(&self, m: Made<'_>) -> PaymentId {
        let (id,): (PaymentId,) = sqlx::query_as(
            "INSERT INTO payments (bill_id, account_id, payment_method_id, amount_cents, fee_cents, draft_date, status, \
             channel, nacha_file_id, retry_of, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, 0) RETURNING id",
        )
        .bind(m.bill)
        .bind(m.account)
        .bind(m.method)
        .bind(m.amount)
        .bind(m.fee)
        .bind(m.draft)
        .bind(m.status)
        .bind(m.channel)
        .bind(m.file)
        .bind(m.retry_of)
        .fetch_one(&self.p.app.db.pool)
        .await
        .unwrap();
        id
    }

    /// The file the AutoPay run wrote.
    async fn written_file(&self) -> i64 {
        let (id,): (i64,) = sqlx::query_as(
            "SELECT nacha_file_id FROM payments WHERE id = $1 AND nacha_file_id IS NOT NULL",
        )
        .bind(self.autopay_echeck)
        .fetch_one(&self.p.app.db.pool)
        .await
        .unwrap();
        id
    }

    /// A NACHA file of `day` that went to the bank.
    async fn written_file_on(&self, day: &str) -> i64 {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO nacha_files (file_name, run_date, entry_count, total_debit_cents, created_at, written_at) \
             VALUES ($1, $2, 1, 700, 0, 1) RETURNING id",
        )
        .bind(format!("written-{day}.ach"))
        .bind(day)
        .fetch_one(&self.p.app.db.pool)
        .await
        .unwrap();
        id
    }

    /// A NACHA file recorded but not written yet (a run stopped before writing it).
    async fn unwritten_file(&self) -> i64 {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO nacha_files (file_name, run_date, entry_count, total_debit_cents, created_at) \
             VALUES ('unwritten.ach', '2027-06-22', 1, 500, 0) RETURNING id",
        )
        .fetch_one(&self.p.app.db.pool)
        .await
        .unwrap();
        id
    }

    async fn export(&self) -> ExportReport {
        let to = Destination::Folder(self.folder.path().to_path_buf());
        export_payments(&self.p.app.db, &to, DAY).await.unwrap()
    }
}

/// The bank returned a payment (what the return import records).
async fn returned(db: &Db, payment: PaymentId, code: &str) {
    sqlx::query(
        "UPDATE payments SET status = 'returned', return_code = $1, returned_at = $2 WHERE id = $3",
    )
    .bind(code)
    .bind(1_813_752_000_i64) // 2027-06-23 12:00 UTC
    .bind(payment)
    .execute(&db.pool)
    .await
    .unwrap();
}

/// Every finished CSV in the folder (temporaries start with a dot): (name, its lines).
fn csv_files(folder: &Path) -> Vec<(String, Vec<String>)> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    names.sort();
    names
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            assert!(text.ends_with("\r\n"), "a finished file: {path:?}");
            let lines: Vec<String> = text.lines().map(String::from).collect();
            assert_eq!(lines[0], app::payments::export::HEADER.join(","));
            (path.file_name().unwrap().to_string_lossy().into_owned(), lines[1..].to_vec())
        })
        .collect()
}

/// How many times each (payment id, reversal_of) line is in the folder's files.
fn appearances(folder: &Path) -> BTreeMap<(String, String), usize> {
    let mut seen = BTreeMap::new();
    for (_, lines) in csv_files(folder) {
        for line in lines {
            let cells: Vec<&str> = line.split(',').collect();
            *seen.entry((cells[2].to_string(), cells[10].to_string())).or_default() += 1;
        }
    }
    seen
}

fn line(account: &str, customer: &str, id: PaymentId, rest: &str) -> String {
    format!("{account},{customer},{},P{:08},{rest}", id.0, id.0)
}

#[tokio::test]
async fn every_kind_of_payment_is_exported_once_sent_and_a_return_is_reversed() {
    let b = books().await;
    let file = b.written_file().await;
    let one_time_card = b.make(b.card("one_time", "paid", 2500, 195)).await;
    let quick_pay_echeck = b
        .make(Made { file: Some(file), fee: 50, ..b.echeck("quick_pay", "submitted", 1000) })
        .await;
    let retry = b
        .make(Made {
            file: Some(file),
            retry_of: Some(b.autopay_echeck),
            ..b.echeck("autopay", "submitted", 6120)
        })
        .await;
    // Not received by the CIS yet: scheduled, pending, in a file not yet written, declined.
    let scheduled =
        b.make(Made { draft: "2027-07-01", ..b.echeck("one_time", "scheduled", 700) }).await;
    b.make(b.echeck("one_time", "pending", 800)).await;
    let unwritten = b.unwritten_file().await;
    b.make(Made { file: Some(unwritten), ..b.echeck("one_time", "submitted", 500) }).await;
    b.make(b.card("quick_pay", "failed", 900, 0)).await;

    let first = b.export().await;
    let new = first.new.clone().expect("a new export");
    assert!(first.rewritten.is_empty());
    assert_eq!((new.payments, new.reversals), (5, 0));
    let files = csv_files(b.folder.path());
    assert_eq!(files.len(), 1);
    assert!(files[0].0.starts_with("payments-2027-06-22-"), "{}", files[0].0);
    assert_eq!(
        files[0].1,
        vec![
            line(
                "1234567",
                "12345678",
                b.autopay_echeck,
                "61.20,0.00,echeck,2027-06-22,submitted,,"
            ),
            line("2345678", "23456789", b.autopay_card, "44.10,0.00,credit,2027-06-22,paid,,"),
            line("2345678", "23456789", one_time_card, "25.00,1.95,credit,2027-06-21,paid,,"),
            line(
                "1234567",
                "12345678",
                quick_pay_echeck,
                "10.00,0.50,echeck,2027-06-22,submitted,,"
            ),
            line("1234567", "12345678", retry, "61.20,0.00,echeck,2027-06-22,submitted,,"),
        ]
    );

    // Run again: nothing new, no file.
    let again = b.export().await;
    assert!(again.new.is_none() && again.rewritten.is_empty());
    assert_eq!(csv_files(b.folder.path()).len(), 1);

    // The AutoPay debit comes back (R01) and the scheduled payment goes out: the next export
    // has the reversal and the newly sent payment, and nothing already exported.
    returned(&b.p.app.db, b.autopay_echeck, "R01").await;
    sqlx::query("UPDATE payments SET status = 'submitted', nacha_file_id = $1 WHERE id = $2")
        .bind(b.written_file_on("2027-07-01").await)
        .bind(scheduled)
        .execute(&b.p.app.db.pool)
        .await
        .unwrap();
    let second = b.export().await.new.expect("the return and the sent payment");
    assert_eq!((second.payments, second.reversals), (1, 1));
    assert_eq!(second.total.0, 700 - 6120);
    let files = csv_files(b.folder.path());
    assert_eq!(
        files[1].1,
        vec![
            line(
                "1234567",
                "12345678",
                b.autopay_echeck,
                &format!("-61.20,0.00,echeck,2027-06-23,returned,R01,{}", b.autopay_echeck.0)
            ),
            line("1234567", "12345678", scheduled, "7.00,0.00,echeck,2027-07-01,submitted,,"),
        ]
    );
    assert!(appearances(b.folder.path()).values().all(|n| *n == 1));
    assert!(b.export().await.new.is_none(), "a third run exports nothing new");
}

#[tokio::test]
async fn a_payment_returned_before_its_first_export_goes_with_its_reversal() {
    let b = books().await;
    returned(&b.p.app.db, b.autopay_echeck, "R10").await;
    b.export().await;
    let files = csv_files(b.folder.path());
    let id = b.autopay_echeck;
    assert_eq!(
        files[0].1,
        vec![
            line("1234567", "12345678", id, "61.20,0.00,echeck,2027-06-22,submitted,,"),
            line(
                "1234567",
                "12345678",
                id,
                &format!("-61.20,0.00,echeck,2027-06-23,returned,R10,{}", id.0)
            ),
            line("2345678", "23456789", b.autopay_card, "44.10,0.00,credit,2027-06-22,paid,,"),
        ]
    );
}

/// Two machines export at once (two pools on one database): each line is in one file.
#[tokio::test]
async fn two_exports_at_once_export_each_payment_once() {
    let b = books().await;
    let file = b.written_file().await;
    for i in 0..40 {
        b.make(Made { file: Some(file), ..b.echeck("one_time", "submitted", 100 + i) }).await;
        b.make(b.card("quick_pay", "paid", 200 + i, 0)).await;
    }
    let other = Db::connect(&database_url(&b.p.app)).await.unwrap();
    let to = Destination::Folder(b.folder.path().to_path_buf());
    let (x, y) =
        tokio::join!(export_payments(&b.p.app.db, &to, DAY), export_payments(&other, &to, DAY));
    let (x, y) = (x.unwrap(), y.unwrap());
    let exported = [x.new, y.new].iter().flatten().map(|w| w.payments).sum::<usize>();
    assert_eq!(exported, 82, "two AutoPay payments and 80 more, each once");
    let seen = appearances(b.folder.path());
    assert_eq!(seen.len(), 82);
    assert!(seen.values().all(|n| *n == 1), "{seen:?}");
    assert_eq!(count(&b.p.app.db, "cis_export_lines").await, 82);
}

fn export_command(b: &Books, out: &Path, failpoint: Option<&str>) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .args(["export", "payments", "--out"])
        .arg(out)
        .env("DATABASE_URL", database_url(&b.p.app))
        .env("AQUEDUCT_DEV_MODE", "true")
        .env("RUST_LOG", "error")
        .env_remove("AQUEDUCT_FAILPOINT")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    if let Some(point) = failpoint {
        command.env("AQUEDUCT_FAILPOINT", point);
    }
    command
}

/// Runs the export binary until it stops at `point`, then kills it (SIGKILL).
fn kill_at(b: &Books, out: &Path, point: &str) {
    let mut child = export_command(b, out, Some(point)).spawn().unwrap();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let reached = stdout.lines().map_while(Result::ok).any(|l| l == format!("failpoint {point}"));
    assert!(reached, "the export reached {point}");
    child.kill().unwrap();
    child.wait().unwrap();
}

fn run_export(b: &Books, out: &Path) -> String {
    let done = export_command(b, out, None).output().unwrap();
    let text = String::from_utf8_lossy(&done.stdout).into_owned();
    assert!(done.status.success(), "{text}{}", String::from_utf8_lossy(&done.stderr));
    text
}

/// The binary is killed (SIGKILL) while it writes an export, and again after renaming one
/// into place but before recording it: each time the next run writes that export again,
/// the same bytes, before its own, and every payment is in one file once.
#[tokio::test]
async fn an_export_killed_before_it_is_recorded_is_written_again_the_same_by_the_next_run() {
    let b = books().await;
    let dir = b.folder.path();
    let file = b.written_file().await;
    b.make(b.card("one_time", "paid", 2500, 195)).await;

    // Killed with the first rows in its temporary file: no export.csv, a partial beside it.
    kill_at(&b, &dir.join("first.csv"), "cis-export-writing");
    assert!(!dir.join("first.csv").exists());
    let partial: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".partial"))
        .collect();
    assert_eq!(partial.len(), 1, "{partial:?}");
    let before = std::fs::read(&partial[0]).unwrap();
    b.make(Made { file: Some(file), ..b.echeck("quick_pay", "submitted", 1000) }).await;

    let out = run_export(&b, &dir.join("second.csv"));
    assert!(out.contains("Written again") && out.contains("first.csv"), "{out}");
    assert_eq!(std::fs::read(dir.join("first.csv")).unwrap(), before, "the same export");
    let lines = |name: &str| {
        csv_files(dir).into_iter().find(|(n, _)| n == name).map(|(_, l)| l.len()).unwrap()
    };
    assert_eq!((lines("first.csv"), lines("second.csv")), (3, 1));

    // Killed after the rename, before it was recorded as written.
    returned(&b.p.app.db, b.autopay_echeck, "R02").await;
    kill_at(&b, &dir.join("third.csv"), "cis-export-renamed");
    let renamed = std::fs::read(dir.join("third.csv")).unwrap();
    let out = run_export(&b, &dir.join("fourth.csv"));
    assert!(out.contains("third.csv") && out.contains("Nothing new to export"), "{out}");
    assert_eq!(std::fs::read(dir.join("third.csv")).unwrap(), renamed, "the same export");
    assert!(!dir.join("fourth.csv").exists());

    let seen = appearances(dir);
    assert_eq!(seen.len(), 5, "4 payments and 1 reversal: {seen:?}");
    assert!(seen.values().all(|n| *n == 1), "each once across all files: {seen:?}");
    // An export never replaces a file.
    let refused = export_command(&b, &dir.join("first.csv"), None).output().unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("already exists"));
}

/// Debits sent in the window: 200 in a written file of 10 days ago, 50 in one of 90 days
/// ago (outside the 60 days); among the recent ones 1 unauthorized (R10), 2 administrative
/// (R03) and 3 insufficient-funds (R01) returns.
async fn debits_with_returns(b: &Books) {
    let today = time::OffsetDateTime::now_utc().date();
    let file = |days_ago: i64| {
        let db = b.p.app.db.clone();
        async move {
            let day = app::domain::format::iso_date(today - time::Duration::days(days_ago));
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO nacha_files (file_name, run_date, entry_count, total_debit_cents, created_at, written_at) \
                 VALUES ($1, $2, 0, 0, 0, 1) RETURNING id",
            )
            .bind(format!("monitor-{days_ago}.ach"))
            .bind(day)
            .fetch_one(&db.pool)
            .await
            .unwrap();
            id
        }
    };
    let (recent, old) = (file(10).await, file(90).await);
    let mut ids = Vec::new();
    for _ in 0..200 {
        ids.push(
            b.make(Made { file: Some(recent), ..b.echeck("one_time", "submitted", 1000) }).await,
        );
    }
    for _ in 0..50 {
        let id = b.make(Made { file: Some(old), ..b.echeck("one_time", "submitted", 1000) }).await;
        returned(&b.p.app.db, id, "R10").await;
    }
    for (id, code) in ids.iter().zip(["R10", "R03", "R03", "R01", "R01", "R01"]) {
        returned(&b.p.app.db, *id, code).await;
    }
}

#[tokio::test]
async fn the_report_gives_each_rate_against_its_threshold_and_the_alert_goes_once_a_day() {
    let mut b = books().await;
    // Before any return: the AutoPay debit of 2027 is outside the window, nothing to say.
    let today = time::OffsetDateTime::now_utc().date();
    let (quiet, checked) =
        monitor::daily_check(&b.p.app.db, &b.p.app.mailer, &b.p.config, today).await.unwrap();
    assert_eq!((quiet.debits, checked), (0, Checked::Fine));

    debits_with_returns(&b).await;
    let report = monitor::report(&b.p.app.db, today, 60).await.unwrap();
    assert_eq!((report.debits, report.amount.0, report.returned), (200, 200_000, 6));
    let [unauthorized, administrative, overall] = report.rates;
    assert_eq!((unauthorized.returns, unauthorized.percent()), (1, "0.50%".to_string()));
    assert_eq!((administrative.returns, administrative.percent()), (2, "1.00%".to_string()));
    assert_eq!((overall.returns, overall.percent()), (6, "3.00%".to_string()));
    let text = monitor::describe(&report).join("\n");
    assert!(text.contains("200 debits, $2,000.00; 6 returned, $60.00"), "{text}");
    assert!(text.contains("0.50%  (threshold  0.5%)  WATCH"), "{text}");

    // Unauthorized at 0.5%, above half its threshold: no address, no email.
    let (_, checked) =
        monitor::daily_check(&b.p.app.db, &b.p.app.mailer, &b.p.config, today).await.unwrap();
    assert_eq!(checked, Checked::NoAddress);
    b.p.config.utility.operations_email = Some("ops@example-water.org".into());
    let check = || monitor::daily_check(&b.p.app.db, &b.p.app.mailer, &b.p.config, today);
    let (first, second) = (check().await.unwrap().1, check().await.unwrap().1);
    assert_eq!((first, second), (Checked::Alerted, Checked::AlreadyAlerted));
    let other = Db::connect(&database_url(&b.p.app)).await.unwrap();
    let (_, from_another_machine) =
        monitor::daily_check(&other, &b.p.app.mailer, &b.p.config, today).await.unwrap();
    assert_eq!(from_another_machine, Checked::AlreadyAlerted);
    let alerts: Vec<(String, String)> = sqlx::query_as(
        "SELECT subject, body_text FROM emails WHERE to_address = 'ops@example-water.org'",
    )
    .fetch_all(&b.p.app.db.pool)
    .await
    .unwrap();
    assert_eq!(alerts.len(), 1, "one alert a day");
    assert!(alerts[0].0.starts_with("ACH return rates need attention"));
    assert!(alerts[0].1.contains("unauthorized (R05 R07 R10 R11 R29 R51)"), "{}", alerts[0].1);
    // The next day may alert again.
    let tomorrow = today.next_day().unwrap();
    let (_, next_day) =
        monitor::daily_check(&b.p.app.db, &b.p.app.mailer, &b.p.config, tomorrow).await.unwrap();
    assert_eq!(next_day, Checked::Alerted);

    // The command prints the same, over the window it is given.
    let printed = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["ach", "report", "--days", "100"])
        .env("DATABASE_URL", database_url(&b.p.app))
        .env("AQUEDUCT_DEV_MODE", "true")
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&printed.stdout);
    assert!(printed.status.success(), "{out}");
    assert!(out.contains("250 debits, $2,500.00; 56 returned"), "{out}");
    assert!(out.contains("OVER THE THRESHOLD"), "51 unauthorized of 250: {out}");
}
