//! Banking days in the runs and the files: every e-check debit is dated a banking day (its
//! draft date, or the next banking day), a NACHA file carries one effective date, and the
//! run of the banking day before a weekend or a holiday sends the debits drafted on it.
//! The files the runs write are read back from the folder.

use crate::helpers::{
    account_id, bank, bill, card, enroll, inbox, portal, Portal, Registered, TestApp,
};
use app::domain::autopay::RuleForm;
use app::domain::banking_days::is_banking_day;
use app::domain::{AccountId, BillId, Cents, CustomerId, MethodId};
use app::payments::data::one_time::{record_submission, NewLine, NewSubmission, Recorded};
use time::macros::date;
use time::Date;

/// Every file in the folder: (the effective date of its batches, YYMMDD, its entries).
/// A file's batches all carry the same date.
fn dated_files(p: &Portal) -> Vec<(String, usize)> {
    let mut paths: Vec<_> = std::fs::read_dir(&p.config.autopay.nacha_folder)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.sort();
    let mut files: Vec<(String, usize)> = paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            // Columns 70-75 of each batch header ('5' record).
            let mut dates: Vec<&str> =
                text.lines().filter(|l| l.starts_with('5')).map(|l| &l[69..75]).collect();
            dates.dedup();
            assert_eq!(dates.len(), 1, "one effective date per file: {text}");
            let entries = text.lines().filter(|l| l.starts_with('6')).count();
            (dates[0].to_string(), entries)
        })
        .collect();
    files.sort();
    files
}

fn yymmdd_date(text: &str) -> Date {
    let n = |r: std::ops::Range<usize>| text[r].parse::<u8>().unwrap();
    let month = time::Month::try_from(n(2..4)).unwrap();
    Date::from_calendar_date(2000 + n(0..2) as i32, month, n(4..6)).unwrap()
}

fn assert_banking_days_only(p: &Portal) {
    for (date, _) in dated_files(p) {
        assert!(is_banking_day(yymmdd_date(&date)), "a file dated {date}, not a banking day");
    }
}

/// The bill's AutoPay payments: (status, draft date, effective date).
async fn autopay_payments(app: &TestApp, bill_id: BillId) -> Vec<(String, String, Option<String>)> {
    sqlx::query_as(
        "SELECT status, draft_date, effective_date FROM payments WHERE bill_id = $1 AND channel = 'autopay'",
    )
    .bind(bill_id)
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

async fn one_time_of(app: &TestApp, account: AccountId) -> Vec<(String, Option<String>)> {
    sqlx::query_as(
        "SELECT status, effective_date FROM payments WHERE account_id = $1 AND channel = 'one_time' ORDER BY id",
    )
    .bind(account)
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

/// A one-time payment of $5.00 of the account's newest bill, recorded as Pay Now records
/// it: scheduled for a later date, or pending for today.
async fn one_time(
    app: &TestApp,
    customer_id: CustomerId,
    account: AccountId,
    method_id: MethodId,
    (status, draft, effective): (&str, Date, Option<Date>),
) {
    let (bill_id,): (BillId,) = sqlx::query_as(
        "SELECT id FROM bills WHERE account_id = $1 ORDER BY bill_date DESC, id DESC LIMIT 1",
    )
    .bind(account)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let iso = app::domain::autopay::calendar::iso;
    let (draft, effective) = (iso(draft), effective.map(iso));
    let key = format!("banking-days-{}", app::platform::tokens::random_token());
    let s = NewSubmission {
        form_key: &key,
        customer_id,
        channel: "one_time",
        receipt_email: None,
        locale: "en",
        method_id,
        draft_date: &draft,
        effective_date: effective.as_deref(),
        status,
        charging_now: false,
        overpayment_limit: Cents(0),
        lines: vec![NewLine { account_id: account, bill_id, amount: Cents(500), fee: Cents(0) }],
        receipt: None,
    };
    assert!(matches!(record_submission(&app.db, &s).await.unwrap(), Recorded::New(..)));
}

async fn file_dates(app: &TestApp) -> Vec<(String, String)> {
    sqlx::query_as("SELECT run_date, effective_date FROM nacha_files ORDER BY id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
}

/// Labor Day 2026 is Monday, September 7. Friday's run sends the bills drafted Friday in a
/// file dated Friday, and those drafted Saturday, Sunday and Monday (AutoPay, and a
/// scheduled Pay Now e-check) in a file dated Tuesday; a card drafted Saturday is charged
/// Saturday, a bill already past due is never drafted, and each bill is paid once.
#[tokio::test]
async fn a_run_on_the_friday_before_a_monday_holiday_dates_the_weekends_debits_tuesday() {
    let p = portal(false).await;
    let Registered { customer_id: alex, .. } = p.app.register("12345678-1234567", "97501").await;
    let alex_account = account_id(&p.app, "1234567").await;
    let alex_bank = p.app.add_method(alex, &bank()).await.unwrap();
    enroll(&p, alex, alex_account, alex_bank, &RuleForm::default()).await;
    // Due (and drafted, on the due date) Thursday to Tuesday.
    let mut bills = Vec::new();
    for (day, cents) in [(3, 1003), (4, 1004), (5, 1005), (6, 1006), (7, 1007), (8, 1008)] {
        let (billed, due) = (format!("2026-08-{:02}", day + 10), format!("2026-09-{day:02}"));
        bills.push(bill(&p.app, "1234567", &billed, &due, cents).await);
    }
    let [thursday, friday, saturday, sunday, monday, tuesday] = bills[..] else { unreachable!() };

    let maria = p.app.register("23456789-2345678", "97502").await.customer_id;
    let maria_account = account_id(&p.app, "2345678").await;
    let maria_card = card("credit", "4111111111111111", "04/29", "123");
    let maria_card = p.app.add_method(maria, &maria_card).await.unwrap();
    enroll(&p, maria, maria_account, maria_card, &RuleForm::default()).await;
    let maria_bill = bill(&p.app, "2345678", "2026-08-20", "2026-09-05", 2000).await;

    // Sam schedules (on September 1) an e-check and a card payment for Sunday.
    let sam = p.app.register("00345678-0034567", "97501").await.customer_id;
    let sam_account = account_id(&p.app, "0034567").await;
    let sam_bank = p.app.add_method(sam, &bank()).await.unwrap();
    let sam_card = card("credit", "4111111111111111", "04/29", "123");
    let sam_card = p.app.add_method(sam, &sam_card).await.unwrap();
    let sunday_date = date!(2026 - 09 - 06);
    let debited =
        app::domain::banking_days::effective_entry_date(sunday_date, date!(2026 - 09 - 01));
    assert_eq!(debited, date!(2026 - 09 - 08));
    one_time(&p.app, sam, sam_account, sam_bank, ("scheduled", sunday_date, Some(debited))).await;
    one_time(&p.app, sam, sam_account, sam_card, ("scheduled", sunday_date, None)).await;

    let run = p.run(date!(2026 - 09 - 04)).await;
    assert_eq!(run.payments_created, 4, "Friday to Monday's bank drafts: {run:?}");
    assert_eq!(run.cards_paid, 0, "Saturday's card waits for Saturday");
    assert_eq!(
        dated_files(&p),
        vec![("260904".to_string(), 1), ("260908".to_string(), 4)],
        "Friday's debit dated Friday; Saturday's, Sunday's, Monday's and Sam's dated Tuesday"
    );
    let mut stored = file_dates(&p.app).await;
    stored.sort();
    assert_eq!(
        stored,
        vec![
            ("2026-09-04".to_string(), "2026-09-04".to_string()),
            ("2026-09-04".to_string(), "2026-09-08".to_string()),
        ]
    );
    let sent = |draft: &str, effective: &str| {
        vec![("submitted".to_string(), draft.to_string(), Some(effective.to_string()))]
    };
    assert_eq!(autopay_payments(&p.app, thursday).await, vec![], "past due: never drafted");
    assert_eq!(autopay_payments(&p.app, friday).await, sent("2026-09-04", "2026-09-04"));
    assert_eq!(autopay_payments(&p.app, saturday).await, sent("2026-09-05", "2026-09-08"));
    assert_eq!(autopay_payments(&p.app, sunday).await, sent("2026-09-06", "2026-09-08"));
    assert_eq!(autopay_payments(&p.app, monday).await, sent("2026-09-07", "2026-09-08"));
    assert_eq!(autopay_payments(&p.app, tuesday).await, vec![], "Tuesday's run drafts it");
    assert_eq!(autopay_payments(&p.app, maria_bill).await, vec![]);
    assert_eq!(
        one_time_of(&p.app, sam_account).await,
        vec![
            ("submitted".to_string(), Some("2026-09-08".to_string())),
            ("scheduled".to_string(), None),
        ],
        "the e-check went with Friday's files, the card waits for Sunday"
    );

    // The weekend's and the holiday's runs find the debits sent; cards charge on their day.
    let saturday_run = p.run(date!(2026 - 09 - 05)).await;
    assert_eq!((saturday_run.payments_created, saturday_run.cards_paid), (1, 1));
    assert_eq!(autopay_payments(&p.app, maria_bill).await[0].0, "paid");
    assert_eq!(autopay_payments(&p.app, maria_bill).await[0].2, None, "no banking day for a card");
    let sunday_run = p.run(date!(2026 - 09 - 06)).await;
    assert_eq!((sunday_run.payments_created, sunday_run.cards_paid), (0, 1), "Sam's card");
    let monday_run = p.run(date!(2026 - 09 - 07)).await;
    assert_eq!(monday_run.payments_created, 0);
    assert!(
        saturday_run.files.is_empty() && sunday_run.files.is_empty() && monday_run.files.is_empty()
    );
    let tuesday_run = p.run(date!(2026 - 09 - 08)).await;
    assert_eq!(tuesday_run.payments_created, 1);
    assert_eq!(autopay_payments(&p.app, tuesday).await, sent("2026-09-08", "2026-09-08"));
    assert_eq!(
        dated_files(&p),
        vec![("260904".to_string(), 1), ("260908".to_string(), 1), ("260908".to_string(), 4)]
    );
    for bill_id in [friday, saturday, sunday, monday, tuesday] {
        assert_eq!(autopay_payments(&p.app, bill_id).await.len(), 1, "each bill paid once");
    }
    assert_banking_days_only(&p);
}

/// A debit that missed its day (a Pay Now e-check of Friday whose run did not happen) goes
/// with the next run, dated the next banking day: never a Saturday, a Sunday or a holiday,
/// and never before its file is sent.
#[tokio::test]
async fn no_file_is_dated_on_a_weekend_or_a_holiday_or_before_it_is_sent() {
    let p = portal(false).await;
    let Registered { customer_id: alex, .. } = p.app.register("12345678-1234567", "97501").await;
    let alex_account = account_id(&p.app, "1234567").await;
    let alex_bank = p.app.add_method(alex, &bank()).await.unwrap();
    let friday = date!(2026 - 09 - 04);
    one_time(&p.app, alex, alex_account, alex_bank, ("pending", friday, Some(friday))).await;
    // Paid on Saturday: dated Tuesday from the start.
    let tuesday = date!(2026 - 09 - 08);
    let saturday = date!(2026 - 09 - 05);
    one_time(&p.app, alex, alex_account, alex_bank, ("pending", saturday, Some(tuesday))).await;

    let sunday_run = p.run(date!(2026 - 09 - 06)).await;
    assert_eq!(sunday_run.files.len(), 1);
    assert_eq!(dated_files(&p), vec![("260908".to_string(), 2)]);
    assert_eq!(
        one_time_of(&p.app, alex_account).await,
        vec![("submitted".to_string(), Some("2026-09-08".to_string())); 2],
        "Friday's debit, sent on Sunday, is dated Tuesday"
    );

    // A month of daily runs with bills due every day, by bank and by card: every file is
    // dated a banking day, every e-check its file's date.
    let maria = p.app.register("23456789-2345678", "97502").await.customer_id;
    let maria_account = account_id(&p.app, "2345678").await;
    let maria_bank = p.app.add_method(maria, &bank()).await.unwrap();
    enroll(&p, maria, maria_account, maria_bank, &RuleForm::default()).await;
    let mut day = date!(2026 - 11 - 01);
    while day <= date!(2026 - 11 - 30) {
        let iso = app::domain::autopay::calendar::iso;
        let (billed, due) = (iso(day - time::Duration::days(365)), iso(day));
        bill(&p.app, "2345678", &billed, &due, 1000 + day.day() as i64).await;
        day = day.next_day().unwrap();
    }
    let mut day = date!(2026 - 10 - 30);
    while day <= date!(2026 - 11 - 30) {
        p.run(day).await;
        day = day.next_day().unwrap();
    }
    assert_banking_days_only(&p);
    let (drafted, mismatched): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN p.effective_date = f.effective_date THEN 0 ELSE 1 END), 0) AS BIGINT) \
         FROM payments p JOIN nacha_files f ON f.id = p.nacha_file_id JOIN accounts a ON a.id = p.account_id \
         WHERE a.account_number = '2345678'",
    )
    .fetch_one(&p.app.db.pool)
    .await
    .unwrap();
    assert_eq!((drafted, mismatched), (30, 0), "every bill of November once, dated as its file");
    // Thanksgiving (Thursday, November 26) is no banking day: Wednesday's run sends its
    // bill, dated Friday.
    let (effective,): (String,) = sqlx::query_as(
        "SELECT p.effective_date FROM payments p JOIN bills b ON b.id = p.bill_id WHERE b.due_date = '2026-11-26'",
    )
    .fetch_one(&p.app.db.pool)
    .await
    .unwrap();
    assert_eq!(effective, "2026-11-27");
}

/// The reminder names the day the bank account is debited, and the day to change AutoPay
/// by, in English and in Spanish.
#[tokio::test]
async fn the_reminder_of_a_debit_drafted_on_a_holiday_names_the_day_the_bank_account_is_debited() {
    let p = portal(false).await;
    let alex = p.app.register("12345678-1234567", "97501").await;
    let maria = p.app.register("23456789-2345678", "97502").await;
    sqlx::query("UPDATE logins SET locale = 'es' WHERE customer_id = $1")
        .bind(maria.customer_id)
        .execute(&p.app.db.pool)
        .await
        .unwrap();
    for (who, number, account) in [(&alex, "1234567", "1234567"), (&maria, "2345678", "2345678")] {
        let method = p.app.add_method(who.customer_id, &bank()).await.unwrap();
        let account_id = account_id(&p.app, account).await;
        enroll(&p, who.customer_id, account_id, method, &RuleForm::default()).await;
        bill(&p.app, number, "2026-08-20", "2026-09-07", 6120).await;
    }
    // Drafted on Labor Day: sent by Friday's run; reminded three days before that.
    assert_eq!(p.run(date!(2026 - 08 - 31)).await.reminders, 0);
    assert_eq!(p.run(date!(2026 - 09 - 01)).await.reminders, 2);

    let mail = inbox(&p.app.db, &alex.email, 2).await;
    let reminder = mail
        .iter()
        .find(|m| m.subject.starts_with("AutoPay will pay your bill soon"))
        .expect("Alex's reminder");
    for part in [
        "On September 8, 2026, AutoPay will pay $61.20",
        "Its draft date, September 7, 2026, is not a banking day: your bank account is debited on September 8, 2026",
        "do so before September 4, 2026",
    ] {
        assert!(reminder.text.contains(part), "{part} missing from {}", reminder.text);
    }
    let mail = inbox(&p.app.db, &maria.email, 2).await;
    let reminder = mail
        .iter()
        .find(|m| m.subject.starts_with("El pago automático pagará su factura pronto"))
        .expect("María's reminder");
    for part in [
        "El 8 de septiembre de 2026, el pago automático pagará $61.20",
        "no es un día hábil bancario: su cuenta bancaria se debita el 8 de septiembre de 2026",
        "antes del 4 de septiembre de 2026",
    ] {
        assert!(reminder.text.contains(part), "{part} missing from {}", reminder.text);
    }
}
