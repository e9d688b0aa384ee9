//! The bank's returns and notices of change (`server import ach-returns`): real debits
//! made by the AutoPay run, answered with files built by the project's NACHA writer, then
//! imported: every code of the table, a late return, the same file twice, a corrupt file,
//! an unmatched trace, notices of change carried by the next file, NSF retries, the CLI.

use crate::helpers::{account_id, bank, bill, database_url, enroll, portal, Portal, Registered};
use app::domain::ach_return::{ChangeCode, ReturnCode};
use app::domain::autopay::RuleForm;
use app::domain::{BankAccountNumber, BankAccountType, BillId, MethodId, PaymentId, RoutingNumber};
use app::nacha::{self, Answer, AnswerBatch, AnswerEntry, AnswerFile, Correction};
use app::payments::returns::{self, ImportReport, ReturnsContext, ReturnsError};
use app::platform::config::AchConfig;
use time::macros::date;
use time::Date;

struct Alex {
    method: MethodId,
    email: String,
}

/// Alex with a bank account on AutoPay for account 1234567 (no prenotes).
async fn alex(p: &Portal) -> Alex {
    let Registered { customer_id, email, .. } = p.app.register("12345678-1234567", "97501").await;
    let method = p.app.add_method(customer_id, &bank()).await.unwrap();
    enroll(p, customer_id, account_id(&p.app, "1234567").await, method, &RuleForm::default()).await;
    Alex { method, email }
}

struct Debit {
    payment: PaymentId,
    bill: BillId,
    trace: String,
    cents: i64,
}

/// A bill due on `due`, paid by the AutoPay run of that day: a debit in a written file.
async fn debit(p: &Portal, cents: i64, due: Date) -> Debit {
    let due_iso = app::domain::autopay::calendar::iso(due);
    let billed = app::domain::autopay::calendar::iso(due - time::Duration::days(21));
    let bill_id = bill(&p.app, "1234567", &billed, &due_iso, cents).await;
    p.run(due).await;
    let (payment, trace): (PaymentId, Option<String>) = sqlx::query_as(
        "SELECT id, trace_number FROM payments WHERE bill_id = $1 AND retry_of IS NULL",
    )
    .bind(bill_id)
    .fetch_one(&p.app.db.pool)
    .await
    .unwrap();
    Debit { payment, bill: bill_id, trace: trace.expect("the debit's trace is stored"), cents }
}

fn routing(r: &str) -> RoutingNumber {
    RoutingNumber::parse(r).unwrap()
}

fn ret(code: &str) -> Answer {
    Answer::Return { code: ReturnCode::parse(code).unwrap() }
}

/// A file of the bank's answers: (transaction code, amount, original trace, answer) each;
/// returns in a WEB batch, notices in a COR batch. `modifier` tells files apart.
fn answers(entries: &[(u8, i64, &str, Answer)], modifier: char) -> String {
    let entry = |(code, cents, trace, answer): &(u8, i64, &str, Answer)| AnswerEntry {
        transaction_code: *code,
        routing: routing("091000019"),
        account_number: "123456789".into(),
        amount_cents: *cents as u64,
        individual_id: "123456781234567".into(),
        individual_name: "Alex Rivera".into(),
        original_trace: trace.to_string(),
        answer: answer.clone(),
    };
    let batch = |sec: &str, cor: bool| AnswerBatch {
        sec: sec.into(),
        company_name: "Medford Water".into(),
        company_id: "1930000000".into(),
        entry_description: "WATER BILL".into(),
        effective_date: "270622".into(),
        entries: entries
            .iter()
            .filter(|e| matches!(e.3, Answer::Change { .. }) == cor)
            .map(entry)
            .collect(),
    };
    let batches = [batch("WEB", false), batch("COR", true)]
        .into_iter()
        .filter(|b| !b.entries.is_empty())
        .collect();
    nacha::write_answers(&AnswerFile {
        odfi: routing("091000019"),
        rdfi: routing("021000021"),
        created_date: "270624".into(),
        created_time: "0600".into(),
        file_id_modifier: modifier,
        batches,
    })
}

async fn import(
    p: &Portal,
    text: &str,
    today: Date,
    retry_nsf: bool,
) -> Result<ImportReport, ReturnsError> {
    let vault = p.vault();
    let config = AchConfig { retry_nsf };
    let ctx =
        ReturnsContext { db: &p.app.db, vault: &vault, mailer: &p.app.mailer, config: &config };
    returns::import(&ctx, "returns.ach", text.as_bytes(), today).await
}

async fn scalar<T>(p: &Portal, sql: &str, id: i64) -> T
where
    T: Send + Unpin + for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    let (v,): (T,) = sqlx::query_as(sql).bind(id).fetch_one(&p.app.db.pool).await.unwrap();
    v
}

async fn payment_state(p: &Portal, d: &Debit) -> (String, Option<String>, bool) {
    let (status, code, at): (String, Option<String>, Option<i64>) =
        sqlx::query_as("SELECT status, return_code, returned_at FROM payments WHERE id = $1")
            .bind(d.payment)
            .fetch_one(&p.app.db.pool)
            .await
            .unwrap();
    (status, code, at.is_some())
}

async fn balance(p: &Portal, bill: BillId) -> i64 {
    scalar(p, "SELECT balance_cents FROM bills WHERE id = $1", bill.0).await
}

async fn method_and_autopay(p: &Portal, method: MethodId) -> (Option<String>, Option<String>) {
    let unusable: Option<String> =
        scalar(p, "SELECT unusable_code FROM payment_methods WHERE id = $1", method.0).await;
    let suspended: Option<String> = scalar(
        p,
        "SELECT MAX(suspended_code) FROM autopay_enrollments WHERE payment_method_id = $1",
        method.0,
    )
    .await;
    (unusable, suspended)
}

async fn emails_to(p: &Portal, to: &str) -> Vec<(String, String)> {
    app::email::data::to_address(&p.app.db, to)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.subject, e.body_text))
        .collect()
}

async fn payments_of_bill(p: &Portal, bill: BillId) -> i64 {
    scalar(p, "SELECT COUNT(*) FROM payments WHERE bill_id = $1", bill.0).await
}

const DUE: Date = date!(2027 - 06 - 22);
const TODAY: Date = date!(2027 - 06 - 24);

#[tokio::test]
async fn every_code_of_the_table_returns_the_payment_and_acts_by_its_class() {
    // (code, method unusable and AutoPay suspended, what the email asks)
    let table = [
        ("R01", false, "Please pay the bill"),
        ("R09", false, "Please pay the bill"),
        ("R02", true, "choose another payment method"),
        ("R03", true, "choose another payment method"),
        ("R04", true, "choose another payment method"),
        ("R16", true, "choose another payment method"),
        ("R20", true, "choose another payment method"),
        ("R05", true, "until you authorize it again"),
        ("R07", true, "until you authorize it again"),
        ("R10", true, "until you authorize it again"),
        ("R11", true, "until you authorize it again"),
        ("R29", true, "until you authorize it again"),
        ("R51", true, "until you authorize it again"),
        ("R08", false, "will not be tried again"),
        ("R06", false, "will not be tried again"),
        ("R24", false, "will not be tried again"),
    ];
    let p = portal(false).await;
    let a = alex(&p).await;
    for (week, (code, unusable, asks)) in table.into_iter().enumerate() {
        // A Tuesday a week apart for each code; returned two days later.
        let due = DUE + time::Duration::weeks(week as i64);
        let d = debit(&p, 6120, due).await;
        assert_eq!(balance(&p, d.bill).await, 0, "{code}: the debit took the balance off");
        let file = answers(&[(26, d.cents, &d.trace, ret(code))], 'A');
        let report = import(&p, &file, due + time::Duration::days(2), false).await.unwrap();
        assert_eq!((report.applied.returned, report.applied.retries), (1, 0), "{code}");
        assert_eq!(
            payment_state(&p, &d).await,
            ("returned".into(), Some(code.into()), true),
            "{code}"
        );
        assert_eq!(balance(&p, d.bill).await, 6120, "{code}: the bill has its balance back");
        let expected = unusable.then(|| code.to_string());
        assert_eq!(method_and_autopay(&p, a.method).await, (expected.clone(), expected), "{code}");
        assert_eq!(payments_of_bill(&p, d.bill).await, 1, "{code}: no retry");
        let emails = emails_to(&p, &a.email).await;
        let marker = format!("(return code {code})");
        let returned: Vec<_> = emails
            .iter()
            .filter(|(s, t)| s.contains("returned by your bank") && t.contains(&marker))
            .collect();
        assert_eq!(returned.len(), 1, "{code}: one email");
        let text = &returned[0].1;
        assert!(text.contains("$61.20") && text.contains(asks), "{code}: {text}");
        assert!(!text.contains("123456789"), "never the full account number");
        // The customer authorizes again (D's pages): the next code starts from a usable method.
        for sql in [
            "UPDATE payment_methods SET unusable_code = NULL, unusable_at = NULL WHERE id = $1",
            "UPDATE autopay_enrollments SET suspended_code = NULL, suspended_at = NULL WHERE payment_method_id = $1",
        ] {
            sqlx::query(sql).bind(a.method).execute(&p.app.db.pool).await.unwrap();
        }
    }
}

#[tokio::test]
async fn a_late_return_matches_and_a_file_imported_twice_changes_nothing() {
    let p = portal(false).await;
    let a = alex(&p).await;
    let d = debit(&p, 4410, DUE).await;
    // Sixty days and more after the debit (R10 may come that late).
    let late = date!(2027 - 08 - 23);
    let file = answers(&[(26, d.cents, &d.trace, ret("R10"))], 'A');
    let first = import(&p, &file, late, true).await.unwrap();
    assert_eq!(first.applied.returned, 1);
    assert_eq!(payment_state(&p, &d).await.1.as_deref(), Some("R10"));
    assert_eq!(method_and_autopay(&p, a.method).await, (Some("R10".into()), Some("R10".into())));
    let emails = emails_to(&p, &a.email).await.len();

    let again = import(&p, &file, late, true).await.unwrap();
    assert!(again.already_imported, "{again:?}");
    assert!(again.text().contains("already imported"));
    // The same entry in another file (the bank sent it twice): recognised, not acted on.
    let resent = import(&p, &answers(&[(26, d.cents, &d.trace, ret("R10"))], 'B'), late, true)
        .await
        .unwrap();
    assert_eq!((resent.applied.returned, resent.applied.already_done), (0, 1));
    assert_eq!(balance(&p, d.bill).await, 4410, "the balance came back once");
    assert_eq!(emails_to(&p, &a.email).await.len(), emails, "no second email");
}

/// `n` more debits like `like` (same method, file and draft date), each of its own bill
/// and trace, written by SQL: the run would take a week of days to make this many.
async fn more_debits(p: &Portal, like: &Debit, n: i64) -> Vec<(String, i64, BillId)> {
    let mut tx = p.app.db.pool.begin().await.unwrap();
    let mut made = Vec::new();
    for i in 1..=n {
        let cents = 1000 + i;
        let (bill,): (BillId,) = sqlx::query_as(
            "INSERT INTO bills (account_id, bill_date, due_date, amount_cents, balance_cents, usage_gallons, created_at, updated_at) \
             SELECT account_id, $1, due_date, $2, 0, 1000, 0, 0 FROM bills WHERE id = $3 RETURNING id",
        )
        // One bill a date: earlier days than any the tests bill.
        .bind(app::domain::autopay::calendar::iso(date!(2020 - 01 - 01) + time::Duration::days(i)))
        .bind(cents)
        .bind(like.bill)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        let trace = format!("{}{:07}", &like.trace[..8], 5_000_000 + i);
        sqlx::query(
            "INSERT INTO payments (bill_id, account_id, enrollment_id, payment_method_id, amount_cents, draft_date, status, \
             nacha_file_id, trace_number, created_at, updated_at) \
             SELECT $1, account_id, enrollment_id, payment_method_id, $2, draft_date, status, nacha_file_id, $3, 0, 0 \
             FROM payments WHERE id = $4",
        )
        .bind(bill)
        .bind(cents)
        .bind(&trace)
        .bind(like.payment)
        .execute(&mut *tx)
        .await
        .unwrap();
        made.push((trace, cents, bill));
    }
    tx.commit().await.unwrap();
    made
}

#[tokio::test]
async fn a_file_of_several_pages_is_refused_whole_or_acts_on_each_debit_once() {
    let p = portal(false).await;
    let a = alex(&p).await;
    let first = debit(&p, 5000, DUE).await;
    let mut debits = vec![(first.trace.clone(), first.cents, first.bill)];
    debits.extend(more_debits(&p, &first, 1199).await);
    // 1,202 entries, three pages of 500: every debit returned once, the first one again
    // in its own page and the tenth again in the last page (the bank sent them twice).
    let mut entries: Vec<(u8, i64, &str, Answer)> =
        debits.iter().map(|(trace, cents, _)| (26, *cents, trace.as_str(), ret("R01"))).collect();
    entries.insert(1, entries[0].clone());
    entries.push(entries[10].clone());
    let emails_before = emails_to(&p, &a.email).await.len();

    // One trace the portal never sent, in the last page: the whole file is refused.
    let unknown = format!("{}9999999", &first.trace[..8]);
    let mut refused = entries.clone();
    refused.push((26, 100, &unknown, ret("R01")));
    match import(&p, &answers(&refused, 'A'), TODAY, false).await {
        Err(ReturnsError::Unmatched(lines)) => {
            // The file header and batch header, then an entry and its addenda each.
            assert_eq!(lines.iter().map(|u| u.line).collect::<Vec<_>>(), vec![3 + 2 * 1202]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(crate::helpers::count(&p.app.db, "ach_answers").await, 0);
    let (returned,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM payments WHERE status = 'returned'")
            .fetch_one(&p.app.db.pool)
            .await
            .unwrap();
    assert_eq!(returned, 0);

    let report = import(&p, &answers(&entries, 'B'), TODAY, false).await.unwrap();
    assert_eq!(report.entries, 1202);
    assert_eq!((report.applied.returned, report.applied.already_done), (1200, 2), "{report:?}");
    assert_eq!(report.applied.emails, 1200);
    assert_eq!(crate::helpers::count(&p.app.db, "ach_answers").await, 1200);
    let (returned, given_back): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(SUM(b.balance_cents) AS BIGINT) FROM payments p JOIN bills b ON b.id = p.bill_id \
         WHERE p.status = 'returned' AND p.return_code = 'R01' AND b.balance_cents = p.amount_cents",
    )
    .fetch_one(&p.app.db.pool)
    .await
    .unwrap();
    let owed: i64 = debits.iter().map(|(_, cents, _)| cents).sum();
    assert_eq!((returned, given_back), (1200, owed), "each bill got its debit back once");
    assert_eq!(emails_to(&p, &a.email).await.len(), emails_before + 1200, "an email each");
}

#[tokio::test]
async fn a_corrupt_file_or_an_unmatched_trace_changes_nothing() {
    let p = portal(false).await;
    let a = alex(&p).await;
    let d = debit(&p, 6120, DUE).await;
    let good = answers(&[(26, d.cents, &d.trace, ret("R02"))], 'A');
    // One amount changed: the batch control no longer adds up (line 5: header, batch
    // header, entry, addenda, control).
    let corrupt = good.replacen("0000006120", "0000006121", 1);
    match import(&p, &corrupt, TODAY, false).await {
        Err(ReturnsError::NotNacha(e)) => assert_eq!(e.line, 5, "{e}"),
        other => panic!("{other:?}"),
    }
    // A second entry whose trace the portal never sent.
    let unknown = format!("{}9999999", &d.trace[..8]);
    let unmatched =
        answers(&[(26, d.cents, &d.trace, ret("R02")), (26, 100, &unknown, ret("R01"))], 'A');
    match import(&p, &unmatched, TODAY, false).await {
        Err(e @ ReturnsError::Unmatched(_)) => {
            let ReturnsError::Unmatched(lines) = &e else { unreachable!() };
            assert_eq!(lines.len(), 1);
            assert_eq!(lines[0].line, 5, "{e}");
            assert!(e.to_string().contains("line 5"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // The right trace with another amount matches nothing either.
    let wrong_amount = answers(&[(26, 999, &d.trace, ret("R02"))], 'A');
    assert!(matches!(
        import(&p, &wrong_amount, TODAY, false).await,
        Err(ReturnsError::Unmatched(_))
    ));
    assert_eq!(payment_state(&p, &d).await, ("submitted".into(), None, false));
    assert_eq!(balance(&p, d.bill).await, 0);
    assert_eq!(method_and_autopay(&p, a.method).await, (None, None));
    assert_eq!(crate::helpers::count(&p.app.db, "ach_answer_files").await, 0);
    assert_eq!(crate::helpers::count(&p.app.db, "ach_answers").await, 0);
    // The good file still imports afterwards.
    assert_eq!(import(&p, &good, TODAY, false).await.unwrap().applied.returned, 1);
}

/// The entry records of the newest file in the folder.
fn newest_file(p: &Portal) -> String {
    let mut paths: Vec<_> = std::fs::read_dir(&p.config.autopay.nacha_folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    std::fs::read_to_string(paths.last().unwrap()).unwrap()
}

#[tokio::test]
async fn a_notice_of_change_corrects_the_method_and_the_next_file_carries_it() {
    let p = portal(false).await;
    let a = alex(&p).await;
    let d = debit(&p, 6120, DUE).await;
    let correction = Correction {
        routing: Some(routing("021000021")),
        account_number: Some(BankAccountNumber::parse("99887766").unwrap()),
        account_type: Some(BankAccountType::Savings),
    };
    let notice = Answer::Change { code: ChangeCode::C07, correction };
    let file = answers(&[(26, 0, &d.trace, notice)], 'A');
    let report = import(&p, &file, TODAY, false).await.unwrap();
    assert_eq!((report.notices, report.applied.corrected), (1, 1));
    assert_eq!(payment_state(&p, &d).await.0, "submitted", "a notice returns nothing");
    let (routing_number, kind, last4): (String, String, String) = sqlx::query_as(
        "SELECT routing_number, bank_account_type, last4 FROM payment_methods WHERE id = $1",
    )
    .bind(a.method)
    .fetch_one(&p.app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        (routing_number.as_str(), kind.as_str(), last4.as_str()),
        ("021000021", "savings", "7766")
    );
    let emails = emails_to(&p, &a.email).await;
    let told: Vec<_> =
        emails.iter().filter(|(s, _)| s.contains("updated your account details")).collect();
    assert_eq!(told.len(), 1);
    assert!(
        told[0].1.contains("the account number, the routing number and the account type"),
        "{}",
        told[0].1
    );
    assert!(
        !told[0].1.contains("99887766") && !told[0].1.contains("021000021"),
        "never the numbers"
    );

    // The next debit goes to the corrected account: savings (37), routing, number.
    let next = debit(&p, 5000, date!(2027 - 07 - 22)).await;
    let text = newest_file(&p);
    let entry = text.lines().find(|l| l.starts_with('6')).unwrap();
    assert_eq!(&entry[1..3], "37");
    assert_eq!(&entry[3..12], "021000021");
    assert_eq!(entry[12..29].trim_end(), "99887766");
    assert_eq!(payment_state(&p, &next).await.0, "submitted");
    // The same notice again changes nothing more.
    assert!(import(&p, &file, TODAY, false).await.unwrap().already_imported);
}

#[tokio::test]
async fn a_notice_for_a_method_whose_number_was_wiped_is_recorded_only() {
    let p = portal(false).await;
    let a = alex(&p).await;
    let d = debit(&p, 6120, DUE).await;
    sqlx::query("UPDATE payment_methods SET account_ciphertext = NULL, kept = 0 WHERE id = $1")
        .bind(a.method)
        .execute(&p.app.db.pool)
        .await
        .unwrap();
    let notice = Answer::Change {
        code: ChangeCode::C02,
        correction: Correction { routing: Some(routing("021000021")), ..Default::default() },
    };
    let report =
        import(&p, &answers(&[(26, 0, &d.trace, notice)], 'A'), TODAY, false).await.unwrap();
    assert_eq!((report.applied.corrected, report.applied.noted, report.applied.emails), (0, 1, 0));
    let routing_number: String =
        scalar(&p, "SELECT routing_number FROM payment_methods WHERE id = $1", a.method.0).await;
    assert_eq!(routing_number, "091000019");
    assert_eq!(crate::helpers::count(&p.app.db, "ach_answers").await, 1, "the notice is recorded");
}

#[tokio::test]
async fn nsf_is_retried_twice_at_most_with_retry_pymt_never_the_same_day() {
    let p = portal(false).await;
    let a = alex(&p).await;
    let d = debit(&p, 6120, DUE).await;
    // Off: returned, not retried.
    let off = portal(false).await;
    alex(&off).await;
    let o = debit(&off, 6120, DUE).await;
    import(&off, &answers(&[(26, o.cents, &o.trace, ret("R01"))], 'A'), TODAY, false)
        .await
        .unwrap();
    assert_eq!(payments_of_bill(&off, o.bill).await, 1);

    // On: a retry scheduled for the next banking day, never today.
    let report = import(&p, &answers(&[(26, d.cents, &d.trace, ret("R01"))], 'A'), TODAY, true)
        .await
        .unwrap();
    assert_eq!(report.applied.retries, 1);
    let (retry, draft, status, cents, method): (PaymentId, String, String, i64, MethodId) = sqlx::query_as(
        "SELECT id, draft_date, status, amount_cents, payment_method_id FROM payments WHERE retry_of = $1",
    )
    .bind(d.payment)
    .fetch_one(&p.app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        (draft.as_str(), status.as_str(), cents, method),
        ("2027-06-25", "scheduled", 6120, a.method)
    );
    let emails = emails_to(&p, &a.email).await;
    assert!(emails.iter().any(|(_, t)| t.contains("try the debit again on")), "{emails:?}");
    // Not sent the day of the return; sent on its day, in a RETRY PYMT batch.
    let files = p.files().len();
    p.run(TODAY).await;
    assert_eq!(p.files().len(), files, "nothing sent the day of the return");
    p.run(date!(2027 - 06 - 25)).await;
    let text = newest_file(&p);
    let header = text.lines().find(|l| l.starts_with('5')).unwrap();
    assert_eq!(&header[53..63], "RETRY PYMT", "{header}");
    assert!(text.lines().any(|l| l.starts_with('6') && &l[29..39] == "0000006120"));
    assert_eq!(balance(&p, d.bill).await, 0, "the retry took the balance off again");
    let trace: String =
        scalar(&p, "SELECT trace_number FROM payments WHERE id = $1", retry.0).await;
    let first_retry = Debit { payment: retry, bill: d.bill, trace, cents: 6120 };

    // The retry comes back too: a second and last retry.
    let r2 = import(
        &p,
        &answers(&[(26, 6120, &first_retry.trace, ret("R09"))], 'B'),
        date!(2027 - 06 - 29),
        true,
    )
    .await
    .unwrap();
    assert_eq!((r2.applied.returned, r2.applied.retries), (1, 1));
    let (second, draft): (PaymentId, String) =
        sqlx::query_as("SELECT id, draft_date FROM payments WHERE retry_of = $1")
            .bind(retry)
            .fetch_one(&p.app.db.pool)
            .await
            .unwrap();
    assert_eq!(draft, "2027-06-30");
    p.run(date!(2027 - 06 - 30)).await;
    let trace: String =
        scalar(&p, "SELECT trace_number FROM payments WHERE id = $1", second.0).await;
    let r3 =
        import(&p, &answers(&[(26, 6120, &trace, ret("R01"))], 'C'), date!(2027 - 07 - 02), true)
            .await
            .unwrap();
    assert_eq!((r3.applied.returned, r3.applied.retries), (1, 0), "at most two retries");
    assert_eq!(payments_of_bill(&p, d.bill).await, 3);
    assert_eq!(balance(&p, d.bill).await, 6120);
}

#[tokio::test]
async fn no_retry_beyond_180_days_of_the_original() {
    let p = portal(false).await;
    alex(&p).await;
    let d = debit(&p, 6120, DUE).await;
    let report = import(
        &p,
        &answers(&[(26, d.cents, &d.trace, ret("R01"))], 'A'),
        date!(2027 - 12 - 20),
        true,
    )
    .await
    .unwrap();
    assert_eq!((report.applied.returned, report.applied.retries), (1, 0));
}

#[tokio::test]
async fn the_command_reports_and_refuses_a_bad_file_with_its_line() {
    let p = portal(false).await;
    let a = alex(&p).await;
    let d = debit(&p, 6120, DUE).await;
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("returns.ach");
    std::fs::write(&good, answers(&[(26, d.cents, &d.trace, ret("R03"))], 'A')).unwrap();
    let bad = dir.path().join("bad.ach");
    std::fs::write(
        &bad,
        answers(&[(26, d.cents, &d.trace, ret("R03"))], 'A').replacen("R03", "X03", 1),
    )
    .unwrap();
    let server = |file: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["import", "ach-returns"])
            .arg(file)
            .env("DATABASE_URL", database_url(&p.app))
            .env("AQUEDUCT_DEV_MODE", "true")
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let refused = server(&bad);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("line 4") && err.contains("Nothing from this file was imported"), "{err}");
    assert_eq!(payment_state(&p, &d).await.0, "submitted");

    let ran = server(&good);
    let out = String::from_utf8_lossy(&ran.stdout);
    assert!(ran.status.success(), "{out}{}", String::from_utf8_lossy(&ran.stderr));
    assert!(
        out.contains("1 payments returned") && out.contains("1 bank accounts made unusable"),
        "{out}"
    );
    assert_eq!(method_and_autopay(&p, a.method).await.0.as_deref(), Some("R03"));
    let again = server(&good);
    assert!(String::from_utf8_lossy(&again.stdout).contains("already imported"));
}
