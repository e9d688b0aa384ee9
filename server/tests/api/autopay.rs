//! AutoPay: enrollment once per form, the run's exactly-once payments (concurrent runs,
//! a run stopped halfway, the same date twice), the rules (fixed, days before, maximum),
//! prenotes, declined cards, reminders and receipts. Every NACHA file a test writes is read
//! back and its totals checked.

use crate::helpers::{
    account_id, bank, bill, card, count, database_url, enroll, inbox, letterhead, location, portal,
    Portal, Registered, TestApp,
};
use app::autopay::data;
use app::domain::autopay::RuleForm;
use app::domain::{AccountId, BillId, CustomerId, LoginId, MethodId, PaymentId};
use app::gateway::{ChargeOutcome, Gateway, GatewayError, PaymentGateway};
use app::wallet::MethodForm;
use std::sync::{Arc, Mutex};
use time::macros::date;

async fn balance(app: &TestApp, bill_id: BillId) -> i64 {
    let (b,): (i64,) = sqlx::query_as("SELECT balance_cents FROM bills WHERE id = $1")
        .bind(bill_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    b
}

async fn payments_of(app: &TestApp, bill_id: BillId) -> Vec<(String, i64, Option<String>)> {
    sqlx::query_as(
        "SELECT status, amount_cents, gateway_reference FROM payments WHERE bill_id = $1",
    )
    .bind(bill_id)
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

fn rule(amount_rule: &str, fixed: &str, days_before: &str, maximum: Option<&str>) -> RuleForm {
    RuleForm {
        amount_rule: amount_rule.into(),
        fixed_amount: fixed.into(),
        timing: if days_before.is_empty() { "due".into() } else { "before".into() },
        days_before: days_before.into(),
        use_maximum: if maximum.is_some() { "on".into() } else { String::new() },
        maximum: maximum.unwrap_or_default().into(),
    }
}

#[tokio::test]
async fn each_bill_is_paid_once_whatever_the_runs() {
    let p = portal(false).await;
    let Registered { customer_id: alex, email, .. } =
        p.app.register("12345678-1234567", "97501").await;
    let method = p.app.add_method(alex, &bank()).await.unwrap();
    enroll(&p, alex, account_id(&p.app, "1234567").await, method, &RuleForm::default()).await;
    let bill_id = bill(&p.app, "1234567", "2027-06-01", "2027-06-20", 6120).await;

    // Two runs at once, then the same date again.
    let day = date!(2027 - 06 - 20);
    let (a, b) = tokio::join!(p.run(day), p.run(day));
    let again = p.run(day).await;
    assert_eq!(a.payments_created + b.payments_created + again.payments_created, 1);
    assert_eq!(payments_of(&p.app, bill_id).await, vec![("submitted".to_string(), 6120, None)]);
    assert_eq!(p.files(), vec![(1, 0, 6120)], "one file, one debit");
    assert_eq!(balance(&p.app, bill_id).await, 0, "the bill shows the payment");
    let receipts = inbox(&p.app.db, &email, 2).await;
    let receipts: Vec<_> =
        receipts.iter().filter(|m| m.subject.starts_with("AutoPay receipt")).collect();
    assert_eq!(receipts.len(), 1, "one receipt");
    assert!(receipts[0].text.contains("$61.20") && receipts[0].text.contains("Checking *****6789"));
}

#[tokio::test]
async fn a_run_stopped_halfway_is_finished_by_the_next_without_paying_twice() {
    let p = portal(false).await;
    let alex = p.app.register("12345678-1234567", "97501").await.customer_id;
    let bank_method = p.app.add_method(alex, &bank()).await.unwrap();
    let card_method =
        p.app.add_method(alex, &card("credit", "4111111111111111", "04/29", "123")).await.unwrap();
    enroll(&p, alex, account_id(&p.app, "1234567").await, bank_method, &RuleForm::default()).await;
    enroll(&p, alex, account_id(&p.app, "7654321").await, card_method, &RuleForm::default()).await;
    let bank_bill = bill(&p.app, "1234567", "2027-06-01", "2027-06-20", 4500).await;
    let card_bill = bill(&p.app, "7654321", "2027-06-01", "2027-06-20", 3300).await;

    // A run that recorded its file and leased the card payment, then died.
    let recording = Recording::default();
    let gateway = Gateway(Arc::new(recording.clone()));
    let down = Gateway(Arc::new(Unavailable));
    let first = p.run_with(&down, date!(2027 - 06 - 20)).await;
    assert_eq!(first.payments_created, 2);
    assert_eq!(first.cards_to_retry, 1, "the processor was down: the card payment waits");
    sqlx::query("UPDATE nacha_files SET written_at = NULL").execute(&p.app.db.pool).await.unwrap();
    for entry in std::fs::read_dir(&p.config.autopay.nacha_folder).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    sqlx::query("UPDATE payments SET claimed_until = 1 WHERE bill_id = $1")
        .bind(card_bill)
        .execute(&p.app.db.pool)
        .await
        .unwrap();

    let second = p.run_with(&gateway, date!(2027 - 06 - 20)).await;
    assert_eq!(second.payments_created, 0);
    assert_eq!(second.files.len(), 1, "the lost file is written again");
    assert_eq!(second.cards_paid, 1);
    let third = p.run_with(&gateway, date!(2027 - 06 - 21)).await;
    assert_eq!((third.payments_created, third.cards_paid, third.files.len()), (0, 0, 0));
    assert_eq!(p.files(), vec![(1, 0, 4500)]);
    assert_eq!(
        recording.charges(),
        vec![format!("AUTOPAY-{}:3300", payment_id(&p.app, card_bill).await)]
    );
    assert_eq!(payments_of(&p.app, bank_bill).await.len(), 1);
    assert_eq!(payments_of(&p.app, card_bill).await[0].0, "paid");
}

async fn payment_id(app: &TestApp, bill_id: BillId) -> PaymentId {
    let (id,): (PaymentId,) = sqlx::query_as("SELECT id FROM payments WHERE bill_id = $1")
        .bind(bill_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn fixed_amount_days_before_and_the_maximum() {
    let p = portal(false).await;
    let Registered { customer_id: alex, email, .. } =
        p.app.register("12345678-1234567", "97501").await;
    let method =
        p.app.add_method(alex, &card("credit", "4111111111111111", "04/29", "123")).await.unwrap();
    enroll(
        &p,
        alex,
        account_id(&p.app, "1234567").await,
        method,
        &rule("fixed", "50.00", "3", None),
    )
    .await;
    enroll(
        &p,
        alex,
        account_id(&p.app, "7654321").await,
        method,
        &rule("full", "", "", Some("20.00")),
    )
    .await;
    let fixed_bill = bill(&p.app, "1234567", "2027-06-01", "2027-06-20", 6120).await;
    let capped_bill = bill(&p.app, "7654321", "2027-06-01", "2027-06-20", 6120).await;

    let early = p.run(date!(2027 - 06 - 16)).await;
    assert_eq!(early.payments_created, 0, "4 days before: nothing yet");
    let on_draft_day = p.run(date!(2027 - 06 - 17)).await;
    assert_eq!(on_draft_day.payments_created, 1);
    assert_eq!(payments_of(&p.app, fixed_bill).await[0].1, 5000, "the fixed amount, 3 days before");
    assert_eq!(balance(&p.app, fixed_bill).await, 1120);
    let due_day = p.run(date!(2027 - 06 - 20)).await;
    assert_eq!((due_day.payments_created, due_day.skipped_over_maximum), (1, 1));
    assert_eq!(
        payments_of(&p.app, capped_bill).await[0].0,
        "skipped",
        "above the maximum nothing is drafted"
    );
    assert_eq!(balance(&p.app, capped_bill).await, 6120);
    // Two enrollments, the reminder, the receipt, and the bill above the maximum.
    let mail = inbox(&p.app.db, &email, 5).await;
    assert!(
        mail.iter()
            .any(|m| m.subject.starts_with("AutoPay did not pay your bill")
                && m.text.contains("$20.00")),
        "{mail:?}"
    );
}

#[tokio::test]
async fn a_declined_card_keeps_the_bill_open_and_tells_the_customer() {
    let p = portal(false).await;
    let Registered { customer_id: alex, email, .. } =
        p.app.register("12345678-1234567", "97501").await;
    let method =
        p.app.add_method(alex, &card("credit", "4000000000000002", "04/29", "123")).await.unwrap();
    enroll(&p, alex, account_id(&p.app, "1234567").await, method, &RuleForm::default()).await;
    let bill_id = bill(&p.app, "1234567", "2027-06-01", "2027-06-20", 6120).await;
    let report = p.run(date!(2027 - 06 - 20)).await;
    assert_eq!(report.cards_declined, 1);
    assert_eq!(payments_of(&p.app, bill_id).await[0].0, "failed");
    assert_eq!(balance(&p.app, bill_id).await, 6120, "the bill stays open");
    assert_eq!(p.run(date!(2027 - 06 - 20)).await.cards_declined, 0, "not charged again");
    let mail = inbox(&p.app.db, &email, 2).await;
    assert!(
        mail.iter().any(|m| m.subject.starts_with("Your AutoPay payment was declined")),
        "{mail:?}"
    );
    // The overview shows the payment and its state.
    p.app.sign_in(&email, "river stones at dawn").await;
    let overview = p.app.page("/account").await;
    assert!(
        overview.contains("Recent payments")
            && overview.contains("Declined")
            && overview.contains("June 20, 2027"),
        "{overview}"
    );
}

#[tokio::test]
async fn a_new_bank_account_gets_its_prenote_first_and_reminders_go_once() {
    let p = portal(true).await;
    let Registered { customer_id: alex, email, .. } =
        p.app.register("12345678-1234567", "97501").await;
    let method = p.app.add_method(alex, &bank()).await.unwrap();
    enroll(&p, alex, account_id(&p.app, "1234567").await, method, &RuleForm::default()).await;
    let bill_id = bill(&p.app, "1234567", "2027-06-01", "2027-06-20", 6120).await;

    let first = p.run(date!(2027 - 06 - 10)).await;
    assert_eq!(first.files.len(), 1);
    assert_eq!(
        (first.files[0].entries, first.files[0].prenotes, first.files[0].total_debit_cents),
        (1, 1, 0)
    );
    let reminder_day = p.run(date!(2027 - 06 - 17)).await;
    assert_eq!(reminder_day.reminders, 1);
    // The bill is drafted on Sunday, June 20, 2027: Friday's run sends its debit, dated
    // Monday, June 21, the next banking day.
    let friday = p.run(date!(2027 - 06 - 18)).await;
    assert_eq!(friday.reminders, 0, "one reminder per bill");
    assert_eq!(friday.files.len(), 1);
    assert_eq!(
        (friday.files[0].prenotes, friday.files[0].total_debit_cents),
        (0, 6120),
        "the prenote is not repeated"
    );
    assert!(p.run(date!(2027 - 06 - 20)).await.files.is_empty(), "sent on Friday");
    assert_eq!(p.files(), vec![(1, 1, 0), (1, 0, 6120)]);
    assert_eq!(payments_of(&p.app, bill_id).await.len(), 1);
    let mail = inbox(&p.app.db, &email, 3).await;
    assert!(
        mail.iter().any(|m| m.subject.starts_with("AutoPay will pay your bill soon")
            && m.text.contains("On June 21, 2027, AutoPay will pay")),
        "{mail:?}"
    );
}

#[tokio::test]
async fn a_debit_waits_for_its_prenote_when_enrolled_on_the_due_date() {
    let p = portal(true).await;
    let alex = p.app.register("12345678-1234567", "97501").await.customer_id;
    let method = p.app.add_method(alex, &bank()).await.unwrap();
    enroll(&p, alex, account_id(&p.app, "1234567").await, method, &RuleForm::default()).await;
    let bill_id = bill(&p.app, "1234567", "2027-06-01", "2027-06-20", 6120).await;
    let due = p.run(date!(2027 - 06 - 20)).await;
    assert_eq!(due.payments_created, 1);
    assert_eq!(
        (due.files[0].prenotes, due.files[0].total_debit_cents),
        (1, 0),
        "only the prenote goes today"
    );
    assert_eq!(payments_of(&p.app, bill_id).await[0].0, "pending");
    let later = p.run(date!(2027 - 06 - 23)).await;
    assert_eq!(
        later.files[0].total_debit_cents, 6120,
        "the debit follows once the prenote had its 3 days"
    );
    assert_eq!(payments_of(&p.app, bill_id).await[0].0, "submitted");
}

#[tokio::test]
async fn create_autopay_twice_or_from_two_tabs_enrolls_once_and_change_and_cancel_email() {
    let p = portal(false).await;
    let Registered { customer_id: alex, email, .. } =
        p.app.register("12345678-1234567", "97501").await;
    let method = p.app.add_method(alex, &bank()).await.unwrap();
    let r = p.app.sign_in(&email, "river stones at dawn").await;
    assert_eq!(location(&r), "/account");
    let account = account_id(&p.app, "1234567").await.to_string();
    let method = method.to_string();
    let create = |key: &'static str| {
        let (account, method) = (account.clone(), method.clone());
        let app = &p.app;
        async move {
            let fields = [
                ("account_id", account.as_str()),
                ("method_id", method.as_str()),
                ("idempotency_key", key),
                ("amount_rule", "full"),
                ("timing", "due"),
            ];
            location(&app.post_form("create_autopay", "/billing/autopay/review", &fields).await)
        }
    };
    let (first, double_click) = tokio::join!(create("tab-one-key"), create("tab-one-key"));
    let other_tab = create("tab-two-key").await;
    assert!(first.starts_with(&format!("{}?ref=AP-", app::paths::AUTOPAY_DONE)), "{first}");
    assert_eq!(first, double_click);
    assert_eq!(first, other_tab, "the other tab is shown the enrollment that exists");
    assert_eq!(count(&p.app.db, "autopay_enrollments").await, 1);
    let page = p.app.page(&first).await;
    assert!(
        page.contains(first.trim_start_matches(&format!("{}?ref=", app::paths::AUTOPAY_DONE)))
            && page.contains("I authorize")
    );
    // It prints with the utility's name and contact, and the day it was printed.
    let printed = app::domain::format::long_date(
        time::OffsetDateTime::now_utc().date(),
        app::domain::Lang::En,
    );
    assert!(page.contains("class=\"print-header print-only\"") && page.contains("Medford Water"));
    assert!(page.contains(&format!("Printed on {printed}")), "{printed}");

    // Another customer's account: refused, nothing stored.
    let maria_account = account_id(&p.app, "2345678").await.to_string();
    let fields = [
        ("account_id", maria_account.as_str()),
        ("method_id", method.as_str()),
        ("idempotency_key", "x"),
    ];
    let refused = p.app.post_form("create_autopay", "/billing/autopay/review", &fields).await;
    assert!(!location(&refused).contains("/done"));
    assert_eq!(count(&p.app.db, "autopay_enrollments").await, 1);

    // Change: a new authorization replaces the old one.
    let fields = [
        ("account_id", account.as_str()),
        ("method_id", method.as_str()),
        ("change", "1"),
        ("idempotency_key", "change-key"),
        ("amount_rule", "fixed"),
        ("fixed_amount", "40.00"),
        ("timing", "before"),
        ("days_before", "2"),
    ];
    let changed =
        location(&p.app.post_form("create_autopay", "/billing/autopay/review", &fields).await);
    assert!(changed.starts_with("/billing/autopay/done?ref=AP-") && changed != first);
    let active =
        data::active_enrollment(&p.app.db, alex, account.parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(
        (active.amount_rule.as_str(), active.fixed_amount_cents, active.days_before_due),
        ("fixed", Some(4000), 2)
    );
    let cancelled = p
        .app
        .post_form(
            "cancel_autopay",
            "/billing/settings/autopay",
            &[("account_id", account.as_str())],
        )
        .await;
    assert_eq!(location(&cancelled), "/billing/settings/autopay?cancelled=1");
    assert!(data::active_enrollment(&p.app.db, alex, account.parse().unwrap())
        .await
        .unwrap()
        .is_none());
    let mail = inbox(&p.app.db, &email, 3).await;
    for subject in
        ["You are enrolled in AutoPay", "Your AutoPay was changed", "Your AutoPay was cancelled"]
    {
        assert!(mail.iter().any(|m| m.subject.starts_with(subject)), "{subject} missing: {mail:?}");
    }
    // Nothing is drafted after a cancel.
    bill(&p.app, "1234567", "2027-06-01", "2027-06-20", 6120).await;
    assert_eq!(p.run(date!(2027 - 06 - 20)).await.payments_created, 0);
}

#[tokio::test]
async fn bad_rules_are_named_and_store_nothing() {
    let p = portal(false).await;
    let email = p.app.register("12345678-1234567", "97501").await.email;
    p.app.sign_in(&email, "river stones at dawn").await;
    let account = account_id(&p.app, "1234567").await.to_string();
    let fields = [
        ("account_id", account.as_str()),
        ("amount_rule", "fixed"),
        ("fixed_amount", "lots"),
        ("timing", "before"),
        ("days_before", "99"),
    ];
    let form_page = format!("/billing/autopay/enroll?account={account}");
    let r = p.app.post_form("continue_autopay", &form_page, &fields).await;
    assert!(location(&r).ends_with(&form_page), "back to the form: {}", location(&r));
    let page = p.app.page(&format!("{}?account={account}", app::paths::AUTOPAY_ENROLL)).await;
    for message in
        ["Choose a payment method", "Enter an amount in dollars", "Choose between 1 and 10 days"]
    {
        assert!(page.contains(message), "{message} missing");
    }
    assert_eq!(count(&p.app.db, "autopay_enrollments").await, 0);
}

/// A processor that records what it charged and answers each reference once.
#[derive(Clone, Default)]
struct Recording(Arc<Mutex<Vec<String>>>);

impl Recording {
    fn charges(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl PaymentGateway for Recording {
    fn name(&self) -> &str {
        "recording"
    }
    async fn tokenize_card(
        &self,
        _: app::gateway::CardDetails<'_>,
    ) -> Result<app::gateway::Tokenized, GatewayError> {
        Err(GatewayError::Unavailable("not in this test".into()))
    }
    fn wallets(&self) -> Vec<app::gateway::WalletOption> {
        vec![]
    }
    async fn tokenize_wallet(&self, _: &str) -> Result<app::gateway::Tokenized, GatewayError> {
        Err(GatewayError::UnknownWallet)
    }
    async fn charge(
        &self,
        _token: &str,
        cents: i64,
        reference: &str,
    ) -> Result<ChargeOutcome, GatewayError> {
        self.0.lock().unwrap().push(format!("{reference}:{cents}"));
        Ok(ChargeOutcome::Approved { reference: format!("rec-{reference}") })
    }
}

struct Unavailable;

#[async_trait::async_trait]
impl PaymentGateway for Unavailable {
    fn name(&self) -> &str {
        "down"
    }
    async fn tokenize_card(
        &self,
        _: app::gateway::CardDetails<'_>,
    ) -> Result<app::gateway::Tokenized, GatewayError> {
        Err(GatewayError::Unavailable("down".into()))
    }
    fn wallets(&self) -> Vec<app::gateway::WalletOption> {
        vec![]
    }
    async fn tokenize_wallet(&self, _: &str) -> Result<app::gateway::Tokenized, GatewayError> {
        Err(GatewayError::Unavailable("down".into()))
    }
    async fn charge(&self, _: &str, _: i64, _: &str) -> Result<ChargeOutcome, GatewayError> {
        Err(GatewayError::Unavailable("down".into()))
    }
}

#[tokio::test]
async fn the_command_line_runs_a_date_and_says_what_it_did() {
    let p = portal(false).await;
    let alex = p.app.register("12345678-1234567", "97501").await.customer_id;
    let method = p.app.add_method(alex, &bank()).await.unwrap();
    enroll(&p, alex, account_id(&p.app, "1234567").await, method, &RuleForm::default()).await;
    bill(&p.app, "1234567", "2027-06-01", "2027-06-20", 6120).await;
    let server = |args: &[&str]| command_line(&p, args).output().unwrap();
    let bad = server(&["autopay", "run", "--date", "2027-13-01"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a date like 2026-12-01"));
    let ran = server(&["autopay", "run", "--date", "2027-06-20"]);
    let out = String::from_utf8_lossy(&ran.stdout);
    assert!(ran.status.success(), "{out}{}", String::from_utf8_lossy(&ran.stderr));
    assert!(
        out.contains("AutoPay for 2027-06-20: 1 payments created")
            && out.contains("$61.20 in debits"),
        "{out}"
    );
    let again = server(&["autopay", "run", "--date", "2027-06-20"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 payments created"));
    assert_eq!(p.files(), vec![(1, 0, 6120)]);
}

/// The server binary on the portal's database and bank file folder.
fn command_line(p: &Portal, args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .args(args)
        .env("DATABASE_URL", database_url(&p.app))
        .env("AQUEDUCT_AUTOPAY__NACHA_FOLDER", &p.config.autopay.nacha_folder)
        .env("AQUEDUCT_AUTOPAY__PRENOTES", "false")
        .env("AQUEDUCT_DEV_MODE", "true")
        .env("RUST_LOG", "error");
    command
}

/// Two machines run the same date at the same moment (two processes, two pools, nothing
/// shared but the database), then one runs it again: each bill is paid once, by one file
/// or one charge.
#[tokio::test]
async fn two_machines_running_the_same_date_at_once_pay_each_bill_once() {
    let p = portal(false).await;
    let alex = p.app.register("12345678-1234567", "97501").await.customer_id;
    let bank_method = p.app.add_method(alex, &bank()).await.unwrap();
    enroll(&p, alex, account_id(&p.app, "1234567").await, bank_method, &RuleForm::default()).await;
    let maria = p.app.register("23456789-2345678", "97502").await.customer_id;
    let card_method =
        p.app.add_method(maria, &card("credit", "4111111111111111", "04/29", "123")).await.unwrap();
    enroll(&p, maria, account_id(&p.app, "2345678").await, card_method, &RuleForm::default()).await;
    let bank_bill = bill(&p.app, "1234567", "2027-06-01", "2027-06-20", 6120).await;
    let card_bill = bill(&p.app, "2345678", "2027-06-01", "2027-06-20", 4410).await;

    let machines: Vec<_> = (0..2)
        .map(|_| command_line(&p, &["autopay", "run", "--date", "2027-06-20"]).spawn().unwrap())
        .collect();
    for mut machine in machines {
        assert!(machine.wait().unwrap().success());
    }
    let again = p.run(date!(2027 - 06 - 20)).await;
    assert_eq!(again.payments_created, 0);
    assert_eq!(payments_of(&p.app, bank_bill).await.len(), 1, "one payment for the bank bill");
    let card_payments = payments_of(&p.app, card_bill).await;
    assert_eq!(card_payments.len(), 1, "one payment for the card bill: {card_payments:?}");
    assert_eq!(card_payments[0].0, "paid", "{card_payments:?}");
    assert_eq!(p.files(), vec![(1, 0, 6120)], "one file, one debit");
}

// ---------------------------------------------------------------------------------------
// Issue 14, point 1: an account that changes customer (move-out / move-in).

/// An accounts file that gives account 1234567 to a new customer, Jordan Park (87654321).
const MOVE_1234567: &str = "\
customer_number,customer_name,account_number,service_address,service_city,service_state,service_zip,mailing_address,mailing_city,mailing_state,mailing_zip
87654321,Jordan Park,1234567,123 Main St,Medford,OR,97501,123 Main St,Medford,OR,97501
";

async fn move_1234567_to_a_new_customer(p: &Portal) -> app::import::ImportReport {
    app::import::import_accounts(&p.app.db, &letterhead(), MOVE_1234567.as_bytes())
        .await
        .expect("the move imports")
}

async fn login_of(app: &TestApp, customer_id: CustomerId) -> LoginId {
    let (id,): (LoginId,) = sqlx::query_as("SELECT id FROM logins WHERE customer_id = $1")
        .bind(customer_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    id
}

async fn failure_of(app: &TestApp, bill_id: BillId) -> (String, Option<String>) {
    sqlx::query_as("SELECT status, failure_reason FROM payments WHERE bill_id = $1")
        .bind(bill_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// What the new customer finds: paper bills and no AutoPay on the account.
async fn assert_new_customer_starts_clean(p: &Portal, account: AccountId) {
    let jordan = p.app.register("87654321-1234567", "97501").await.customer_id;
    let delivery = app::delivery::data::account(&p.app.db, jordan, account)
        .await
        .unwrap()
        .expect("the new customer's account");
    assert_eq!(
        (delivery.delivery_method.as_str(), delivery.delivery_email),
        ("paper", None),
        "bills go back to paper"
    );
    assert!(
        data::active_enrollment(&p.app.db, jordan, account).await.unwrap().is_none(),
        "no AutoPay of the former customer"
    );
}

/// Fails on the old import and run: the former customer's bank account was drafted for the
/// new customer's bill, their paperless address kept getting the bills, and a verification
/// link sent before the move still worked.
#[tokio::test]
async fn an_account_that_changes_hands_no_longer_drafts_the_former_customers_bank_account() {
    let p = portal(false).await;
    let Registered { customer_id: alex, email, .. } =
        p.app.register("12345678-1234567", "97501").await;
    let account = account_id(&p.app, "1234567").await;
    let method = p.app.add_method(alex, &bank()).await.unwrap();
    enroll(&p, alex, account, method, &RuleForm::default()).await;
    // Paperless to Alex's address, and a link Alex asked for to change it, still unused.
    sqlx::query("UPDATE accounts SET delivery_method = 'email', delivery_email = $1 WHERE id = $2")
        .bind(&email)
        .bind(account)
        .execute(&p.app.db.pool)
        .await
        .unwrap();
    let purpose = app::platform::tokens::Purpose::DeliveryEmail;
    let link = app::platform::tokens::issue(
        &p.app.db,
        purpose,
        login_of(&p.app, alex).await,
        Some(account),
        Some("alex.new@example.com"),
        86_400,
    )
    .await
    .unwrap();
    let bill_id = bill(&p.app, "1234567", "2027-06-01", "2027-06-20", 6120).await;

    let report = move_1234567_to_a_new_customer(&p).await;
    assert_eq!((report.updated, report.changed_hands, report.autopay_ended), (1, 1, 1));
    let run = p.run(date!(2027 - 06 - 20)).await;
    assert_eq!(
        (run.payments_created, run.files.len(), run.cards_paid),
        (0, 0, 0),
        "nothing is drafted"
    );
    assert!(p.files().is_empty(), "no debit in any bank file");
    assert!(payments_of(&p.app, bill_id).await.is_empty());
    assert_eq!(balance(&p.app, bill_id).await, 6120);
    assert!(
        matches!(
            app::platform::tokens::check(&p.app.db, purpose, &link).await.unwrap(),
            app::platform::tokens::TokenState::Used
        ),
        "the link sent before the move no longer works"
    );

    let mail = inbox(&p.app.db, &email, 2).await;
    let ended: Vec<_> =
        mail.iter().filter(|m| m.subject.starts_with("Your AutoPay has ended")).collect();
    assert_eq!(ended.len(), 1, "{mail:?}");
    assert!(
        ended[0].text.contains("12345678-1234567") && ended[0].text.contains("changed hands"),
        "{}",
        ended[0].text
    );
    assert!(
        !ended[0].text.contains("Jordan") && !ended[0].text.contains("87654321"),
        "the new customer is not named"
    );
    assert_new_customer_starts_clean(&p, account).await;
}

/// Fails on the old import and run: the payment created before the move was charged to
/// the former customer's card.
#[tokio::test]
async fn an_account_that_changes_hands_no_longer_charges_the_former_customers_card_and_tells_them_in_their_language(
) {
    let p = portal(false).await;
    let Registered { customer_id: alex, email, .. } =
        p.app.register("12345678-1234567", "97501").await;
    sqlx::query("UPDATE logins SET locale = 'es' WHERE customer_id = $1")
        .bind(alex)
        .execute(&p.app.db.pool)
        .await
        .unwrap();
    let account = account_id(&p.app, "1234567").await;
    let method =
        p.app.add_method(alex, &card("credit", "4111111111111111", "04/29", "123")).await.unwrap();
    enroll(&p, alex, account, method, &RuleForm::default()).await;
    let bill_id = bill(&p.app, "1234567", "2027-06-01", "2027-06-20", 6120).await;
    // The processor was down on the draft date: the payment waits for the next run.
    let first = p.run_with(&Gateway(Arc::new(Unavailable)), date!(2027 - 06 - 20)).await;
    assert_eq!((first.payments_created, first.cards_to_retry), (1, 1));

    move_1234567_to_a_new_customer(&p).await;
    let recording = Recording::default();
    let next = p.run_with(&Gateway(Arc::new(recording.clone())), date!(2027 - 06 - 21)).await;
    assert_eq!((next.cards_paid, next.cards_declined), (0, 0));
    assert!(recording.charges().is_empty(), "no charge to the former customer's card");
    assert_eq!(
        failure_of(&p.app, bill_id).await,
        ("skipped".to_string(), Some("account changed hands".to_string()))
    );
    assert_eq!(balance(&p.app, bill_id).await, 6120);

    let mail = inbox(&p.app.db, &email, 2).await;
    let ended: Vec<_> =
        mail.iter().filter(|m| m.subject.starts_with("Su pago automático terminó")).collect();
    assert_eq!(ended.len(), 1, "in Spanish, the former customer's language: {mail:?}");
    assert!(
        ended[0].text.contains("12345678-1234567") && ended[0].text.contains("cambió de titular"),
        "{}",
        ended[0].text
    );
    assert_new_customer_starts_clean(&p, account).await;
}

/// The run itself never pays with another customer's method, whatever moved the account
/// (here a direct write, as the old import did): fails on the old run, which drafted and
/// charged them.
#[tokio::test]
async fn the_run_pays_only_with_a_method_of_the_accounts_current_customer() {
    let p = portal(false).await;
    let alex = p.app.register("12345678-1234567", "97501").await.customer_id;
    let bank_method = p.app.add_method(alex, &bank()).await.unwrap();
    let card_method =
        p.app.add_method(alex, &card("credit", "4111111111111111", "04/29", "123")).await.unwrap();
    enroll(&p, alex, account_id(&p.app, "1234567").await, bank_method, &RuleForm::default()).await;
    enroll(&p, alex, account_id(&p.app, "7654321").await, card_method, &RuleForm::default()).await;
    bill(&p.app, "1234567", "2027-06-01", "2027-06-20", 6120).await;
    bill(&p.app, "7654321", "2027-06-01", "2027-06-20", 3300).await;
    sqlx::query("UPDATE accounts SET customer_id = (SELECT id FROM customers WHERE customer_number = '23456789')")
        .execute(&p.app.db.pool)
        .await
        .unwrap();
    let recording = Recording::default();
    let run = p.run_with(&Gateway(Arc::new(recording.clone())), date!(2027 - 06 - 20)).await;
    assert_eq!((run.payments_created, run.files.len(), run.cards_paid), (0, 0, 0));
    assert!(p.files().is_empty() && recording.charges().is_empty());
}

/// A debit claimed into a file before the move, and the file not yet written (the run
/// stopped): the next run takes the line out and gives the bill its balance back. Fails on
/// the old run, which wrote the former customer's bank account into the file.
#[tokio::test]
async fn a_debit_whose_account_changed_hands_after_the_claim_is_taken_out_of_the_file() {
    let p = portal(false).await;
    let alex = p.app.register("12345678-1234567", "97501").await.customer_id;
    let method = p.app.add_method(alex, &bank()).await.unwrap();
    enroll(&p, alex, account_id(&p.app, "1234567").await, method, &RuleForm::default()).await;
    let bill_id = bill(&p.app, "1234567", "2027-06-01", "2027-06-20", 6120).await;
    p.run(date!(2027 - 06 - 20)).await;
    // The run recorded the file, then stopped before writing it.
    sqlx::query("UPDATE nacha_files SET written_at = NULL").execute(&p.app.db.pool).await.unwrap();
    for entry in std::fs::read_dir(&p.config.autopay.nacha_folder).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    move_1234567_to_a_new_customer(&p).await;
    let next = p.run(date!(2027 - 06 - 20)).await;
    assert_eq!(
        (next.files.len(), next.withdrawn_not_the_customers),
        (0, 1),
        "nothing left to send"
    );
    assert!(p.files().is_empty());
    assert_eq!(failure_of(&p.app, bill_id).await.0, "skipped");
    assert_eq!(
        balance(&p.app, bill_id).await,
        6120,
        "the bill owes again what the file no longer takes"
    );
    assert!(
        app::payments::data::nacha_files::unwritten_files(&p.app.db).await.unwrap().is_empty(),
        "the emptied file is done"
    );
}

// ---------------------------------------------------------------------------------------
// Issue 14, point 13: NACHA files.

/// Alex (bank, $61.20) and María (bank, $44.10) enrolled, both bills due 2027-06-20.
async fn two_bank_enrollments(p: &Portal) -> (MethodId, BillId, MethodId, BillId) {
    let alex = p.app.register("12345678-1234567", "97501").await.customer_id;
    let alex_method = p.app.add_method(alex, &bank()).await.unwrap();
    enroll(p, alex, account_id(&p.app, "1234567").await, alex_method, &RuleForm::default()).await;
    let maria = p.app.register("23456789-2345678", "97502").await.customer_id;
    let maria_method = p
        .app
        .add_method(maria, &MethodForm { holder_name: Some("Maria Lopez".into()), ..bank() })
        .await
        .unwrap();
    enroll(p, maria, account_id(&p.app, "2345678").await, maria_method, &RuleForm::default()).await;
    let alex_bill = bill(&p.app, "1234567", "2027-06-01", "2027-06-20", 6120).await;
    let maria_bill = bill(&p.app, "2345678", "2027-06-01", "2027-06-20", 4410).await;
    (alex_method, alex_bill, maria_method, maria_bill)
}

/// Fails on the old run: the file was 0644, and Alex's bank account, whose key was
/// dropped, failed the whole file (and every later run on it).
#[tokio::test]
async fn a_bank_account_that_cannot_be_decrypted_is_taken_out_and_the_rest_is_written_readable_by_the_owner_only(
) {
    let p = portal(false).await;
    let (alex_method, alex_bill, _, maria_bill) = two_bank_enrollments(&p).await;
    sqlx::query("UPDATE payment_methods SET account_key_id = 'dropped-key' WHERE id = $1")
        .bind(alex_method)
        .execute(&p.app.db.pool)
        .await
        .unwrap();

    let run = p.run(date!(2027 - 06 - 20)).await;
    assert_eq!((run.payments_created, run.failed_undecryptable, run.files.len()), (2, 1, 1));
    assert_eq!(p.files(), vec![(1, 0, 4410)], "María's debit only, totals read back");
    assert_eq!(
        failure_of(&p.app, alex_bill).await,
        ("failed".to_string(), Some("bank account could not be decrypted".to_string()))
    );
    assert_eq!(balance(&p.app, alex_bill).await, 6120, "the bill still owes it");
    assert_eq!(balance(&p.app, maria_bill).await, 0);
    let (entries, total): (i64, i64) =
        sqlx::query_as("SELECT entry_count, total_debit_cents FROM nacha_files")
            .fetch_one(&p.app.db.pool)
            .await
            .unwrap();
    assert_eq!((entries, total), (1, 4410), "the record says what the file holds");
    #[cfg(unix)]
    for entry in std::fs::read_dir(&p.config.autopay.nacha_folder).unwrap() {
        use std::os::unix::fs::PermissionsExt;
        let mode = entry.unwrap().metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "bank files hold account numbers");
    }

    let again = p.run(date!(2027 - 06 - 20)).await;
    assert_eq!((again.payments_created, again.failed_undecryptable, again.files.len()), (0, 0, 0));
    assert_eq!(p.files(), vec![(1, 0, 4410)]);
}

/// The same with prenotes: Alex's prenote is not sent (and his debits wait), María's is.
/// Fails on the old run, which failed the whole file.
#[tokio::test]
async fn a_prenote_that_cannot_be_decrypted_is_not_sent_and_not_claimed_again() {
    let p = portal(true).await;
    let (alex_method, alex_bill, _, _) = two_bank_enrollments(&p).await;
    sqlx::query("UPDATE payment_methods SET account_ciphertext = $1 WHERE id = $2")
        .bind(vec![0u8; 40])
        .bind(alex_method)
        .execute(&p.app.db.pool)
        .await
        .unwrap();
    let first = p.run(date!(2027 - 06 - 10)).await;
    assert_eq!((first.failed_undecryptable, first.files.len()), (1, 1));
    assert_eq!(p.files(), vec![(1, 1, 0)], "María's prenote only");
    let later = p.run(date!(2027 - 06 - 20)).await;
    assert_eq!((later.failed_undecryptable, later.files.len()), (0, 1), "not claimed again");
    assert_eq!(
        p.files(),
        vec![(1, 1, 0), (1, 0, 4410)],
        "María's debit; Alex's waits for a prenote"
    );
    assert_eq!(payments_of(&p.app, alex_bill).await[0].0, "pending");
}

/// The trace numbers of the entry records in the folder's files (the last 15 characters).
fn traces_in_files(p: &Portal) -> Vec<String> {
    let mut paths: Vec<_> = std::fs::read_dir(&p.config.autopay.nacha_folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .flat_map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            text.lines()
                .filter(|l| l.starts_with('6'))
                .map(|l| l[79..].to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test]
async fn each_entry_is_stored_with_its_trace_number_unique_across_files() {
    let p = portal(true).await;
    let (method_a, bill_a, method_b, bill_b) = two_bank_enrollments(&p).await;
    p.run(date!(2027 - 06 - 10)).await;
    p.run(date!(2027 - 06 - 20)).await;
    let traces = traces_in_files(&p);
    assert_eq!(traces.len(), 4, "two prenotes, then two debits in another file: {traces:?}");
    let mut unique = traces.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 4, "no trace number repeats across files: {traces:?}");
    let odfi = &p.config.autopay.bank_routing[..8];
    assert!(traces.iter().all(|t| t.starts_with(odfi)), "the ODFI's routing prefix");
    for bill_id in [bill_a, bill_b] {
        let (trace,): (Option<String>,) =
            sqlx::query_as("SELECT trace_number FROM payments WHERE bill_id = $1")
                .bind(bill_id)
                .fetch_one(&p.app.db.pool)
                .await
                .unwrap();
        assert!(traces[2..].contains(&trace.unwrap()), "the debit's trace is the one in its file");
    }
    for method in [method_a, method_b] {
        let (trace,): (Option<String>,) =
            sqlx::query_as("SELECT prenote_trace FROM payment_methods WHERE id = $1")
                .bind(method)
                .fetch_one(&p.app.db.pool)
                .await
                .unwrap();
        assert!(traces[..2].contains(&trace.unwrap()), "the prenote's trace is stored too");
    }
}
