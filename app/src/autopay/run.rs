//! The AutoPay run for one date: create each due bill's one payment, send e-checks to the
//! bank in a NACHA file, charge cards and wallets, and email reminders and receipts.
//! Every step can be repeated, run twice at once, or stopped anywhere and run again:
//! the database decides what is already done (a bill has one AutoPay payment: `payments.bill_id` is unique for them; a payment joins
//! a file only once, a card payment is leased before it is charged).
//! AutoPay decides what is due and reminds; `payments` moves the money.

use super::data::{self, Candidate};
use super::texts;
use crate::domain::autopay::{calendar, AutopayRule, Draft, MAX_DAYS_BEFORE_DUE};
use crate::domain::{banking_days, BillId, Cents, RoutingNumber};
use crate::email::{Lang, Mailer};
use crate::gateway::Gateway;
use crate::payments::bank_file::{BankFiles, WrittenFile};
use crate::payments::data::nacha_files::NachaFileRow;
use crate::payments::data::NewPayment;
use crate::payments::{self, PaymentError};
use crate::platform::config::AutopayConfig;
use crate::platform::vault::Vault;
use crate::platform::Db;
use time::{Date, Duration};

/// Bills handled per database page: memory stays flat whatever the number of accounts.
const PAGE: i64 = 1000;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct RunReport {
    pub payments_created: usize,
    pub skipped_over_maximum: usize,
    pub files: Vec<WrittenFile>,
    pub cards_paid: usize,
    pub cards_declined: usize,
    /// The processor could not be reached: these stay pending for the next run.
    pub cards_to_retry: usize,
    pub reminders: usize,
    pub receipts: usize,
    /// Bank lines taken out of their file because the bank account could not be decrypted
    /// (a payment key is missing or the row is damaged): the operator must look. Each is
    /// logged with its payment (or, for a prenote, its method).
    pub failed_undecryptable: usize,
    /// Bank lines taken out of their file because the method was removed or no longer
    /// belongs to the account's customer (the account changed hands after the claim).
    pub withdrawn_not_the_customers: usize,
    /// Payments not sent because the bank returned their bank account since they were
    /// made (closed, invalid, not authorized): skipped, with the return code.
    pub withdrawn_returned_methods: u64,
    /// Seconds spent in each step, for the operator and the benchmark.
    pub timings: Vec<(&'static str, f64)>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Payments(#[from] PaymentError),
    #[error("AutoPay configuration: {0}")]
    Config(String),
}

pub struct RunContext<'a> {
    pub db: &'a Db,
    pub mailer: &'a Mailer,
    pub vault: &'a Vault,
    pub gateway: &'a Gateway,
    pub config: &'a AutopayConfig,
}

fn rule_of(c: &Candidate) -> AutopayRule {
    AutopayRule::from_columns(
        &c.amount_rule,
        c.fixed_amount_cents,
        c.days_before_due,
        c.max_amount_cents,
    )
}

fn lang_of(locale: Option<&str>) -> Lang {
    Lang::from_locale(locale.unwrap_or("en"))
}

fn label_of(c: &Candidate, lang: Lang) -> String {
    payments::method_label(
        lang,
        &c.kind,
        c.bank_account_type.as_deref(),
        c.card_brand.as_deref(),
        &c.last4,
        None,
    )
}

/// Runs AutoPay for `today`.
#[tracing::instrument(skip_all, fields(today = %today))]
pub async fn run(ctx: &RunContext<'_>, today: Date) -> Result<RunReport, RunError> {
    let bank_routing = RoutingNumber::parse(&ctx.config.bank_routing)
        .map_err(|e| RunError::Config(format!("autopay.bank_routing: {e}")))?;
    let bank = BankFiles { db: ctx.db, vault: ctx.vault, config: ctx.config, bank_routing };
    let mut report = RunReport::default();
    let mut clock = std::time::Instant::now();
    let mut lap = |report: &mut RunReport, step: &'static str| {
        report.timings.push((step, clock.elapsed().as_secs_f64()));
        clock = std::time::Instant::now();
    };
    // A file recorded by a run that stopped before writing it goes out first, unchanged.
    for file in bank.unwritten().await? {
        write_file(&bank, &file, &mut report).await?;
    }
    // Scheduled e-checks of the coming days that are not banking days go with today's files.
    let horizon = calendar::iso(banking_days::after(today));
    payments::data::one_time::release_scheduled(ctx.db, &calendar::iso(today), &horizon).await?;
    create_payments(ctx, today, &mut report).await?;
    lap(&mut report, "payments");
    report.withdrawn_returned_methods += payments::data::withdraw_unusable(ctx.db).await?;
    while let Some(file) = bank.claim(today).await? {
        write_file(&bank, &file, &mut report).await?;
    }
    lap(&mut report, "bank files");
    charge_cards(ctx, &mut report).await?;
    lap(&mut report, "cards");
    // Methods entered for one payment whose payments are now in a written file or charged,
    // or that were never used, are wiped (the daily sweep: Pay Now wipes a charged one).
    payments::data::methods::wipe_spent(ctx.db).await?;
    send_receipts(ctx, &mut report).await?;
    lap(&mut report, "receipts");
    send_reminders(ctx, today, &mut report).await?;
    lap(&mut report, "reminders");
    ctx.mailer.wake();
    Ok(report)
}

/// Each bill due for drafting today gets its one payment: pending, or skipped over the
/// customer's maximum (with the email that says so). A bill paid by bank account whose
/// draft date falls on the days after today that are not banking days (a weekend, a
/// holiday) is drafted today too, so that its debit goes in today's files dated the next
/// banking day (`bank_file::windows`); cards and wallets are charged on their own day.
#[tracing::instrument(skip_all, fields(today = %today))]
async fn create_payments(
    ctx: &RunContext<'_>,
    today: Date,
    report: &mut RunReport,
) -> Result<(), RunError> {
    let last_echeck_day = banking_days::after(today) - Duration::days(1);
    let look_ahead = (last_echeck_day - today).whole_days();
    for days_ahead in 0..=(MAX_DAYS_BEFORE_DUE + look_ahead) {
        let due_date = today + Duration::days(days_ahead);
        create_payments_due(ctx, today, last_echeck_day, due_date, report).await?;
    }
    Ok(())
}

/// The day a run drafts the bill of `c`, if any from `today` to `last_echeck_day` (for an
/// e-check; today only for a card or wallet): its draft date, or today for a bill a
/// stopped run left behind. Never after its due date.
fn drafted_on(c: &Candidate, today: Date, last_echeck_day: Date) -> Option<Date> {
    let rule = rule_of(c);
    let last = if c.kind == "echeck" { last_echeck_day } else { today };
    let drafts = (0..=(last - today).whole_days())
        .any(|d| calendar::drafts_on(&rule, c.due_date, today + Duration::days(d)));
    drafts.then(|| calendar::draft_date(&rule, c.due_date).max(today))
}

/// The payments of the bills due on one date.
async fn create_payments_due(
    ctx: &RunContext<'_>,
    today: Date,
    last_echeck_day: Date,
    due_date: Date,
    report: &mut RunReport,
) -> Result<(), RunError> {
    let mut after = BillId(0);
    loop {
        let page = data::candidates(ctx.db, due_date, after, PAGE, false).await?;
        let Some(last) = page.last() else { break };
        after = last.bill_id;
        let mut payments = Vec::with_capacity(page.len());
        for c in &page {
            let Some(draft) = drafted_on(c, today, last_echeck_day) else { continue };
            let (amount, skipped_email) = match rule_of(c).decide(Cents(c.balance_cents)) {
                Draft::NothingDue => continue,
                Draft::Pay(amount) => (amount, None),
                Draft::OverMaximum { amount, maximum } => {
                    let email = c.email.as_ref().map(|to| {
                        texts::over_maximum(
                            ctx.mailer.letterhead(),
                            lang_of(c.locale.as_deref()),
                            to,
                            &c.number,
                            amount,
                            maximum,
                            c.due_date,
                        )
                    });
                    // Skipped without an email address still records the decision.
                    (amount, Some(email))
                }
            };
            let effective = (c.kind == "echeck")
                .then(|| calendar::iso(banking_days::effective_entry_date(draft, today)));
            payments.push((c, amount, skipped_email, calendar::iso(draft), effective));
        }
        let rows: Vec<NewPayment<'_>> = payments
            .iter()
            .map(|(c, amount, skipped, draft, effective)| NewPayment {
                bill_id: c.bill_id,
                account_id: c.account_id,
                enrollment_id: Some(c.enrollment_id),
                method_id: c.payment_method_id,
                amount_cents: amount.0,
                draft_date: draft,
                effective_date: effective.as_deref(),
                skipped: skipped.is_some(),
                skipped_email: skipped.clone().flatten(),
            })
            .collect();
        let (created, skipped) = payments::data::create_payments(ctx.db, &rows).await?;
        report.payments_created += created;
        report.skipped_over_maximum += skipped;
    }
    Ok(())
}

/// Writes a claimed file for the bank (see `payments::bank_file`), and reports it with the
/// lines it had to take out.
#[tracing::instrument(skip_all, fields(file_id = %file.id))]
async fn write_file(
    bank: &BankFiles<'_>,
    file: &NachaFileRow,
    report: &mut RunReport,
) -> Result<(), RunError> {
    let outcome = bank.write(file).await?;
    report.failed_undecryptable += outcome.failed_undecryptable;
    report.withdrawn_not_the_customers += outcome.withdrawn_not_the_customers;
    report.files.extend(outcome.written);
    Ok(())
}

/// Charges pending card and wallet payments (see `payments::cards`).
#[tracing::instrument(skip_all)]
async fn charge_cards(ctx: &RunContext<'_>, report: &mut RunReport) -> Result<(), RunError> {
    let charged =
        payments::cards::charge_pending(ctx.db, ctx.gateway, ctx.mailer.letterhead()).await?;
    report.cards_paid += charged.paid;
    report.cards_declined += charged.declined;
    report.cards_to_retry += charged.to_retry;
    Ok(())
}

/// A receipt for each e-check payment once its file is with the bank.
#[tracing::instrument(skip_all)]
async fn send_receipts(ctx: &RunContext<'_>, report: &mut RunReport) -> Result<(), RunError> {
    report.receipts += payments::receipts::queue_due(ctx.db, ctx.mailer.letterhead()).await?;
    Ok(())
}

/// "AutoPay will pay your bill on …", `reminder_days` before each draft, once per bill. An
/// e-check drafted on a day that is not a banking day is drafted by the run of the banking
/// day before (see `create_payments`), so its reminders come before that one, and name the
/// day the bank account is debited.
#[tracing::instrument(skip_all, fields(today = %today))]
async fn send_reminders(
    ctx: &RunContext<'_>,
    today: Date,
    report: &mut RunReport,
) -> Result<(), RunError> {
    let days = ctx.config.reminder_days;
    if days <= 0 {
        return Ok(());
    }
    for days_ahead in 1..=(MAX_DAYS_BEFORE_DUE + days + LONGEST_CLOSURE) {
        send_reminders_due(ctx, today, today + Duration::days(days_ahead), days, report).await?;
    }
    Ok(())
}

/// The most days in a row that are not banking days (a holiday next to a weekend).
const LONGEST_CLOSURE: i64 = 3;

/// The first run that drafts a bill of draft date `draft`: that day, or for an e-check
/// drafted on a day that is not a banking day, the banking day before.
fn first_drafted(draft: Date, echeck: bool) -> Date {
    let mut day = draft;
    while echeck && !banking_days::is_banking_day(day) {
        day -= Duration::days(1);
    }
    day
}

async fn send_reminders_due(
    ctx: &RunContext<'_>,
    today: Date,
    due_date: Date,
    days: i64,
    report: &mut RunReport,
) -> Result<(), RunError> {
    let mut after = BillId(0);
    loop {
        let page = data::candidates(ctx.db, due_date, after, PAGE, true).await?;
        let Some(last) = page.last() else { break };
        after = last.bill_id;
        for c in &page {
            let rule = rule_of(c);
            let Some(to) = c.email.as_deref() else { continue };
            let echeck = c.kind == "echeck";
            let draft = calendar::draft_date(&rule, c.due_date);
            let first = first_drafted(draft, echeck);
            if !(first - Duration::days(days) <= today && today < first) {
                continue;
            }
            let Draft::Pay(amount) = rule.decide(Cents(c.balance_cents)) else { continue };
            let lang = lang_of(c.locale.as_deref());
            let m = texts::reminder(
                ctx.mailer.letterhead(),
                lang,
                to,
                &c.number,
                amount,
                texts::ReminderDates {
                    draft,
                    debited_on: echeck.then(|| banking_days::effective_entry_date(draft, first)),
                    drafted_by_run: first,
                },
                &label_of(c, lang),
            );
            if data::queue_reminder(ctx.db, c.bill_id, &m).await? {
                report.reminders += 1;
            }
        }
    }
    Ok(())
}
