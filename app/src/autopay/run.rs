//! The AutoPay run for one date: create each due bill's one payment, send e-checks to the
//! bank in a NACHA file, charge cards and wallets, and email reminders and receipts.
//! Every step can be repeated, run twice at once, or stopped anywhere and run again:
//! the database decides what is already done (`payments.bill_id` is unique, a payment joins
//! a file only once, a card payment is leased before it is charged).

use super::data::{self, Candidate, NewPayment};
use super::texts;
use crate::domain::autopay::{calendar, AutopayRule, Draft, MAX_DAYS_BEFORE_DUE};
use crate::domain::{BankAccountType, Cents, RoutingNumber};
use crate::email::{Lang, Mailer};
use crate::gateway::{ChargeOutcome, Gateway, GatewayError};
use crate::nacha;
use crate::platform::config::AutopayConfig;
use crate::platform::vault::Vault;
use crate::platform::Db;
use std::path::Path;
use time::{Date, Duration};

/// Bills handled per database page: memory stays flat whatever the number of accounts.
const PAGE: i64 = 1000;
/// Debits per NACHA file: a bigger day makes several files (each with its own file id
/// modifier), and the run's memory does not grow with the number of accounts.
const MAX_FILE_ENTRIES: i64 = 10_000;
/// Card charges waiting on the processor at once.
const CONCURRENT_CHARGES: usize = 8;
/// How long a run may hold a card payment before another run may charge it.
const CARD_LEASE_SECS: i64 = 300;

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
    /// Seconds spent in each step, for the operator and the benchmark.
    pub timings: Vec<(&'static str, f64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    pub name: String,
    pub entries: usize,
    pub prenotes: usize,
    pub total_debit_cents: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("writing the bank file {0}: {1}")]
    Io(String, std::io::Error),
    #[error("the bank file {0} could not be made: {1}")]
    Nacha(String, String),
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

fn iso(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

fn midnight(date: Date) -> i64 {
    date.midnight().assume_utc().unix_timestamp()
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
    crate::payments::method_label(
        lang,
        &c.kind,
        c.bank_account_type.as_deref(),
        c.card_brand.as_deref(),
        &c.last4,
        None,
    )
}

/// Runs AutoPay for `today`.
pub async fn run(ctx: &RunContext<'_>, today: Date) -> Result<RunReport, RunError> {
    let bank_routing = RoutingNumber::parse(&ctx.config.bank_routing)
        .map_err(|e| RunError::Config(format!("autopay.bank_routing: {e}")))?;
    let mut report = RunReport::default();
    let mut clock = std::time::Instant::now();
    let mut lap = |report: &mut RunReport, step: &'static str| {
        report.timings.push((step, clock.elapsed().as_secs_f64()));
        clock = std::time::Instant::now();
    };
    // A file recorded by a run that stopped before writing it goes out first, unchanged.
    for file in data::unwritten_files(ctx.db).await? {
        let written = write_file(ctx, &bank_routing, &file, &mut report).await?;
        report.files.extend(written);
    }
    create_payments(ctx, today, &mut report).await?;
    lap(&mut report, "payments");
    let prenotes = ctx.config.prenotes.then(|| {
        (midnight(today), midnight(today - Duration::days(ctx.config.prenote_wait_days.max(0))))
    });
    while let Some(file) = data::claim_file(ctx.db, &iso(today), prenotes, MAX_FILE_ENTRIES).await?
    {
        let written = write_file(ctx, &bank_routing, &file, &mut report).await?;
        report.files.extend(written);
    }
    lap(&mut report, "bank files");
    charge_cards(ctx, &mut report).await?;
    lap(&mut report, "cards");
    send_receipts(ctx, &mut report).await?;
    lap(&mut report, "receipts");
    send_reminders(ctx, today, &mut report).await?;
    lap(&mut report, "reminders");
    ctx.mailer.wake();
    Ok(report)
}

/// Each bill due for drafting today gets its one payment: pending, or skipped over the
/// customer's maximum (with the email that says so).
async fn create_payments(
    ctx: &RunContext<'_>,
    today: Date,
    report: &mut RunReport,
) -> Result<(), RunError> {
    let draft_date = iso(today);
    for days_ahead in 0..=MAX_DAYS_BEFORE_DUE {
        create_payments_due(
            ctx,
            today,
            &iso(today + Duration::days(days_ahead)),
            &draft_date,
            report,
        )
        .await?;
    }
    Ok(())
}

/// The payments of the bills due on one date.
async fn create_payments_due(
    ctx: &RunContext<'_>,
    today: Date,
    due_date: &str,
    draft_date: &str,
    report: &mut RunReport,
) -> Result<(), RunError> {
    let mut after = 0;
    loop {
        let page = data::candidates(ctx.db, due_date, after, PAGE, false).await?;
        let Some(last) = page.last() else { break };
        after = last.bill_id;
        let mut payments = Vec::with_capacity(page.len());
        for c in &page {
            let rule = rule_of(c);
            let Some(due) = calendar::parse_iso(&c.due_date) else { continue };
            if !calendar::drafts_on(&rule, due, today) {
                continue;
            }
            let (amount, skipped_email) = match rule.decide(Cents(c.balance_cents)) {
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
                            &c.due_date,
                        )
                    });
                    // Skipped without an email address still records the decision.
                    (amount, Some(email))
                }
            };
            payments.push((c, amount, skipped_email));
        }
        let rows: Vec<NewPayment<'_>> = payments
            .iter()
            .map(|(c, amount, skipped)| NewPayment {
                bill_id: c.bill_id,
                account_id: c.account_id,
                enrollment_id: c.enrollment_id,
                method_id: c.payment_method_id,
                amount_cents: amount.0,
                draft_date,
                skipped: skipped.is_some(),
                skipped_email: skipped.clone().flatten(),
            })
            .collect();
        let (created, skipped) = data::create_payments(ctx.db, &rows).await?;
        report.payments_created += created;
        report.skipped_over_maximum += skipped;
    }
    Ok(())
}

/// Why a debit that cannot go to the bank is withdrawn, as its payment records it.
const UNDECRYPTABLE: &str = "bank account could not be decrypted";
const NOT_THE_CUSTOMERS: &str = "payment method removed or no longer the account customer's";
/// Rounds of withdrawing lines before a file is given up: one is enough unless another run
/// is writing the same file at the same moment.
const WITHDRAW_ROUNDS: usize = 3;

/// Writes a claimed file into the folder: to a temporary name, flushed, then renamed, so
/// the bank's pickup never sees half a file. The text is made from the database alone and
/// read back before it is moved into place. None when no line was left to send.
async fn write_file(
    ctx: &RunContext<'_>,
    bank_routing: &RoutingNumber,
    file: &data::NachaFileRow,
    report: &mut RunReport,
) -> Result<Option<WrittenFile>, RunError> {
    let Some((file, lines)) = sendable_lines(ctx, file, report).await? else { return Ok(None) };
    let file = &file;
    if lines.is_empty() {
        // Every line was withdrawn: nothing goes to the bank, and the file is done.
        data::mark_written(ctx.db, file.id).await?;
        return Ok(None);
    }
    let created = time::OffsetDateTime::from_unix_timestamp(file.created_at)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let effective = calendar::parse_iso(&file.run_date).unwrap_or(created.date());
    let yymmdd = |d: Date| format!("{:02}{:02}{:02}", d.year() % 100, u8::from(d.month()), d.day());
    let mut batches: Vec<nacha::Batch> = Vec::new();
    for (line, account_number) in lines {
        let sec = if line.channel == "PPD" { nacha::Sec::Ppd } else { nacha::Sec::Web };
        let routing = RoutingNumber::parse(&line.routing_number)
            .map_err(|e| RunError::Nacha(file.file_name.clone(), e.to_string()))?;
        let entry = nacha::Entry {
            account_type: BankAccountType::parse(&line.bank_account_type)
                .unwrap_or(BankAccountType::Checking),
            prenote: line.amount_cents == 0,
            routing,
            account_number,
            amount_cents: line.amount_cents,
            individual_id: line.number.clone(),
            individual_name: line.holder_name.clone(),
        };
        match batches.iter_mut().find(|b| b.sec == sec) {
            Some(b) => b.entries.push(entry),
            None => batches.push(nacha::Batch {
                sec,
                company_name: ctx.config.company_name.clone(),
                company_id: ctx.config.company_id.clone(),
                entry_description: ctx.config.entry_description.clone(),
                effective_date: yymmdd(effective),
                entries: vec![entry],
            }),
        }
    }
    // A–Z, then 0–9: the bank tells apart up to 36 files of one day by it.
    let index = data::file_index_on_date(ctx.db, file).await? % 36;
    let modifier =
        if index < 26 { (b'A' + index as u8) as char } else { (b'0' + (index - 26) as u8) as char };
    let ach = nacha::File {
        bank_routing: bank_routing.clone(),
        bank_name: ctx.config.bank_name.clone(),
        origin_id: ctx.config.company_id.clone(),
        origin_name: ctx.config.company_name.clone(),
        created_date: yymmdd(created.date()),
        created_time: format!("{:02}{:02}", created.hour(), created.minute()),
        file_id_modifier: modifier,
        batches,
    };
    let text =
        nacha::write(&ach).map_err(|e| RunError::Nacha(file.file_name.clone(), e.to_string()))?;
    let summary =
        nacha::read(&text).map_err(|e| RunError::Nacha(file.file_name.clone(), e.to_string()))?;
    if summary.total_debit_cents != file.total_debit_cents as u64
        || summary.entries as i64 != file.entry_count
    {
        return Err(RunError::Nacha(
            file.file_name.clone(),
            "the file does not match what was recorded".into(),
        ));
    }
    let folder = ctx.config.nacha_folder.clone();
    let name = file.file_name.clone();
    tokio::task::spawn_blocking(move || write_atomically(&folder, &name, &text))
        .await
        .map_err(|e| RunError::Io(file.file_name.clone(), std::io::Error::other(e)))?
        .map_err(|e| RunError::Io(file.file_name.clone(), e))?;
    data::mark_written(ctx.db, file.id).await?;
    Ok(Some(WrittenFile {
        name: file.file_name.clone(),
        entries: summary.entries,
        prenotes: summary.prenotes,
        total_debit_cents: summary.total_debit_cents,
    }))
}

/// The file's lines, each with its bank account number opened. A line that cannot go to the
/// bank (its number cannot be decrypted, or its method was removed or is no longer the
/// account customer's) is first withdrawn from the recorded file and the operator alerted,
/// so that the rest is written and the file always matches its record. None when another
/// run wrote the file meanwhile.
async fn sendable_lines(
    ctx: &RunContext<'_>,
    file: &data::NachaFileRow,
    report: &mut RunReport,
) -> Result<Option<(data::NachaFileRow, Vec<(data::FileLine, String)>)>, RunError> {
    let mut file = file.clone();
    for _ in 0..WITHDRAW_ROUNDS {
        let (mut sendable, mut undecryptable, mut not_theirs) =
            (Vec::new(), Vec::new(), Vec::new());
        for line in data::file_lines(ctx.db, file.id).await? {
            if line.usable == 0 {
                tracing::warn!(file = %file.file_name, line = ?line.line_ref(), "bank line withdrawn: {NOT_THE_CUSTOMERS}");
                not_theirs.push(line.line_ref());
                continue;
            }
            match ctx.vault.open(&line.sealed(), &line.binding()) {
                Ok(number) => sendable.push((line, number)),
                Err(e) => {
                    tracing::error!(file = %file.file_name, line = ?line.line_ref(), key = %line.account_key_id, error = %e,
                        "bank line withdrawn: {UNDECRYPTABLE}; check the payment keys");
                    undecryptable.push(line.line_ref());
                }
            }
        }
        if undecryptable.is_empty() && not_theirs.is_empty() {
            return Ok(Some((file, sendable)));
        }
        report.failed_undecryptable +=
            data::withdraw_lines(ctx.db, file.id, &undecryptable, "failed", UNDECRYPTABLE).await?;
        report.withdrawn_not_the_customers +=
            data::withdraw_lines(ctx.db, file.id, &not_theirs, "skipped", NOT_THE_CUSTOMERS)
                .await?;
        // The record as it is now: its counts went down, or another run wrote it meanwhile.
        file = data::file(ctx.db, file.id).await?.ok_or(sqlx::Error::RowNotFound)?;
        if file.written_at.is_some() {
            return Ok(None);
        }
    }
    Err(RunError::Nacha(
        file.file_name.clone(),
        "lines that cannot be sent could not be withdrawn".into(),
    ))
}

fn write_atomically(folder: &Path, name: &str, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(folder)?;
    // Two runs may write the same (identical) file at once: each uses its own temporary.
    let temporary =
        folder.join(format!(".{name}.{}.partial", crate::platform::tokens::random_token()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    // The file holds bank account numbers: readable by the portal's user only.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(&temporary)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&temporary, folder.join(name))?;
    // The rename itself is made durable by syncing the folder.
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Charges pending card and wallet payments, each under its payment's own reference, so a
/// charge retried after a stop is recognised by the processor. A page is leased in one
/// statement, and its charges go to the processor a few at a time (a processor answers in
/// tenths of a second; one at a time, a big day would take hours).
async fn charge_cards(ctx: &RunContext<'_>, report: &mut RunReport) -> Result<(), RunError> {
    let mut after = 0;
    loop {
        let page = data::pending_card_payments(ctx.db, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        let claimed = data::claim_card_payments(ctx.db, after, last.id, CARD_LEASE_SECS).await?;
        after = last.id;
        let mut charges = tokio::task::JoinSet::new();
        let mut answers = Vec::with_capacity(claimed.len());
        for payment in page.iter().filter(|p| claimed.contains(&p.id)) {
            if charges.len() >= CONCURRENT_CHARGES {
                answers.extend(charges.join_next().await.transpose().map_err(charge_task)?);
            }
            let (gateway, token, id, cents) = (
                ctx.gateway.clone(),
                payment.gateway_token.clone(),
                payment.id,
                payment.amount_cents,
            );
            charges.spawn(async move {
                let outcome = match token {
                    Some(token) => gateway.0.charge(&token, cents, &format!("AUTOPAY-{id}")).await,
                    None => Ok(ChargeOutcome::Declined { reason: "no card on file".into() }),
                };
                (id, outcome)
            });
        }
        while let Some(answer) = charges.join_next().await {
            answers.push(answer.map_err(charge_task)?);
        }
        let mut finished = Vec::with_capacity(answers.len());
        for (id, outcome) in answers {
            let Some(payment) = page.iter().find(|p| p.id == id) else { continue };
            finished.push(answer_of(ctx, payment, outcome, report));
        }
        data::finish_card_payments(ctx.db, &finished).await?;
    }
    Ok(())
}

fn charge_task(e: tokio::task::JoinError) -> RunError {
    RunError::Io("a card charge".into(), std::io::Error::other(e))
}

/// What a charge's answer means for the payment, and the email that says so.
fn answer_of<'p>(
    ctx: &RunContext<'_>,
    payment: &'p data::CardPayment,
    outcome: Result<ChargeOutcome, GatewayError>,
    report: &mut RunReport,
) -> (&'p data::CardPayment, data::CardAnswer, Option<crate::email::Composed>) {
    let lang = lang_of(payment.locale.as_deref());
    let email_for = |approved: bool| {
        let to = payment.email.as_deref()?;
        let method = crate::payments::method_label(
            lang,
            &payment.kind,
            None,
            payment.card_brand.as_deref(),
            &payment.last4,
            None,
        );
        let amount = Cents(payment.amount_cents);
        let head = ctx.mailer.letterhead();
        Some(if approved {
            texts::receipt(head, lang, to, &payment.number, amount, &payment.draft_date, &method)
        } else {
            texts::declined(head, lang, to, &payment.number, amount, &payment.due_date, &method)
        })
    };
    match outcome {
        Ok(ChargeOutcome::Approved { reference }) => {
            report.cards_paid += 1;
            (payment, data::CardAnswer::Approved(reference), email_for(true))
        }
        Ok(ChargeOutcome::Declined { reason }) | Err(GatewayError::Refused(reason)) => {
            report.cards_declined += 1;
            (payment, data::CardAnswer::Declined(reason), email_for(false))
        }
        Err(e) => {
            tracing::warn!(payment = payment.id, error = %e, "card payment left for the next run");
            report.cards_to_retry += 1;
            (payment, data::CardAnswer::Retry, None)
        }
    }
}

/// A receipt for each e-check payment once its file is with the bank.
async fn send_receipts(ctx: &RunContext<'_>, report: &mut RunReport) -> Result<(), RunError> {
    for file_id in data::files_owing_receipts(ctx.db).await? {
        send_receipts_of_file(ctx, file_id, report).await?;
    }
    Ok(())
}

async fn send_receipts_of_file(
    ctx: &RunContext<'_>,
    file_id: i64,
    report: &mut RunReport,
) -> Result<(), RunError> {
    let mut after = 0;
    loop {
        let page = data::receipts_due(ctx.db, file_id, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        let (from, to) = (after, last.id);
        after = last.id;
        let receipts: Vec<_> = page
            .iter()
            .map(|r| {
                let email = r.email.as_deref().map(|to| {
                    let lang = lang_of(r.locale.as_deref());
                    let method = crate::payments::method_label(
                        lang,
                        "echeck",
                        r.bank_account_type.as_deref(),
                        None,
                        &r.last4,
                        None,
                    );
                    texts::receipt(
                        ctx.mailer.letterhead(),
                        lang,
                        to,
                        &r.number,
                        Cents(r.amount_cents),
                        &r.draft_date,
                        &method,
                    )
                });
                (r.id, email)
            })
            .collect();
        report.receipts += data::queue_receipts(ctx.db, file_id, from, to, &receipts).await?;
    }
    Ok(())
}

/// "AutoPay will pay your bill on …", `reminder_days` before each draft, once per bill.
async fn send_reminders(
    ctx: &RunContext<'_>,
    today: Date,
    report: &mut RunReport,
) -> Result<(), RunError> {
    let days = ctx.config.reminder_days;
    if days <= 0 {
        return Ok(());
    }
    for days_ahead in 1..=(MAX_DAYS_BEFORE_DUE + days) {
        send_reminders_due(ctx, today, &iso(today + Duration::days(days_ahead)), days, report)
            .await?;
    }
    Ok(())
}

async fn send_reminders_due(
    ctx: &RunContext<'_>,
    today: Date,
    due_date: &str,
    days: i64,
    report: &mut RunReport,
) -> Result<(), RunError> {
    let mut after = 0;
    loop {
        let page = data::candidates(ctx.db, due_date, after, PAGE, true).await?;
        let Some(last) = page.last() else { break };
        after = last.bill_id;
        for c in &page {
            let rule = rule_of(c);
            let (Some(due), Some(to)) = (calendar::parse_iso(&c.due_date), c.email.as_deref())
            else {
                continue;
            };
            if !calendar::reminds_on(&rule, due, today, days) {
                continue;
            }
            let Draft::Pay(amount) = rule.decide(Cents(c.balance_cents)) else { continue };
            let lang = lang_of(c.locale.as_deref());
            let draft = iso(calendar::draft_date(&rule, due));
            let m = texts::reminder(
                ctx.mailer.letterhead(),
                lang,
                to,
                &c.number,
                amount,
                &draft,
                &label_of(c, lang),
            );
            if data::queue_reminder(ctx.db, c.bill_id, &m).await? {
                report.reminders += 1;
            }
        }
    }
    Ok(())
}
