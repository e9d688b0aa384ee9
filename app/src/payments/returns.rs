//! The bank's answers to the portal's debits: `server import ach-returns FILE`. The whole
//! file is read and checked, and every entry matched to what the portal sent by its
//! original trace number (a debit: the most recent payment of that trace whose amount
//! matches; a prenote: its bank account), before anything is written. A file that is not
//! valid NACHA, or any entry that matches nothing, changes nothing. Then every entry is
//! acted on in one transaction (issue 17's table), a page of entries at a time: a few
//! multi-row statements per page, and only that page's originals and emails held, so that
//! neither the time nor the memory grows by a statement or an email per entry. A return
//! marks the payment returned and gives its bill the amount back; its class may make the
//! bank account unusable and suspend the AutoPay using it, or (NSF, `ach.retry_nsf`)
//! schedule a retry; a notice of change corrects the stored bank account. The customer is
//! emailed in their language. The same file again, or an entry an earlier file acted on,
//! changes nothing.

use super::data::returns::{
    self as data, Action, AnswerRecord, Applied, Entry, ReturnAction, TracedMethodColumns,
    TracedPayment,
};
use super::{lang_of, method_label, return_texts};
use crate::domain::ach_return::{ChangeCode, ReturnClass, ReturnCode};
use crate::domain::{banking_days, Cents};
use crate::email::Mailer;
use crate::nacha::{self, Answer, Answered, ReadError};
use crate::platform::config::AchConfig;
use crate::platform::db::{now, parse_date};
use crate::platform::vault::{Binding, Vault};
use crate::platform::Db;
use std::collections::HashMap;
use time::{Date, Duration};

/// Entries read, acted on and written together: big enough that a page is a handful of
/// statements, small enough that its originals and emails (about 5 KB each) stay small.
const PAGE: usize = 500;

/// Retries of one debit, and the days after the original within which they may be drafted.
const MAX_RETRIES: i64 = 2;
const RETRY_WINDOW_DAYS: i64 = 180;

pub struct ReturnsContext<'a> {
    pub db: &'a Db,
    pub vault: &'a Vault,
    pub mailer: &'a Mailer,
    pub config: &'a AchConfig,
}

/// An entry that names nothing the portal sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    pub line: usize,
    pub trace: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ReturnsError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("not a valid NACHA return or notice-of-change file: {0}")]
    NotNacha(ReadError),
    #[error("{}", unmatched_text(.0))]
    Unmatched(Vec<Unmatched>),
}

fn unmatched_text(entries: &[Unmatched]) -> String {
    let lines: Vec<String> =
        entries.iter().map(|u| format!("line {} (trace {})", u.line, u.trace)).collect();
    format!(
        "{} entries match no payment or prenote the portal sent: {}",
        entries.len(),
        lines.join(", ")
    )
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub entries: usize,
    /// The same file (by SHA-256) was imported before: nothing was done.
    pub already_imported: bool,
    pub returns: usize,
    pub notices: usize,
    pub applied: Applied,
}

impl ImportReport {
    /// The command's report, one line.
    pub fn text(&self) -> String {
        if self.already_imported {
            return format!("{} entries: already imported, nothing changed.", self.entries);
        }
        let a = &self.applied;
        format!(
            "{} entries ({} returns, {} notices of change): {} payments returned, {} retries scheduled, \
             {} bank accounts made unusable, {} AutoPay enrollments suspended, {} bank accounts corrected, \
             {} notices recorded only, {} entries already acted on by an earlier file; {} emails queued.",
            self.entries, self.returns, self.notices, a.returned, a.retries, a.methods_unusable,
            a.enrollments_suspended, a.corrected, a.noted, a.already_done, a.emails
        )
    }
}

/// What an entry answers.
enum Target<'a> {
    Payment(&'a TracedPayment),
    Prenote(&'a TracedMethodColumns),
}

impl Target<'_> {
    fn method(&self) -> &TracedMethodColumns {
        match self {
            Self::Payment(p) => &p.method,
            Self::Prenote(m) => m,
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Imports a return/NOC file: `file_name` is only recorded, `today` dates the retries.
#[tracing::instrument(skip_all, fields(file = %file_name, bytes = bytes.len()))]
pub async fn import(
    ctx: &ReturnsContext<'_>,
    file_name: &str,
    bytes: &[u8],
    today: Date,
) -> Result<ImportReport, ReturnsError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        ReturnsError::NotNacha(ReadError { line, reason: crate::nacha::NachaFault::NotAscii })
    })?;
    let answers = nacha::read_answers(text).map_err(ReturnsError::NotNacha)?;
    let returns = answers.iter().filter(|a| matches!(a.answer, Answer::Return { .. })).count();
    let mut report = ImportReport {
        entries: answers.len(),
        returns,
        notices: answers.len() - returns,
        ..Default::default()
    };
    let sha256 = sha256_hex(bytes);
    if data::imported_at(ctx.db, &sha256).await?.is_some() {
        report.already_imported = true;
        return Ok(report);
    }
    // 1. Check: every entry names something the portal sent, before anything is written.
    let unmatched = unmatched(ctx.db, &answers).await?;
    if !unmatched.is_empty() {
        return Err(ReturnsError::Unmatched(unmatched));
    }
    // 2. Act: one transaction, a page of entries at a time; a page's originals, actions
    // and emails are all that is held, whatever the file's size.
    let Some(mut file) =
        data::FileImport::start(ctx.db, &sha256, file_name, answers.len(), now()).await?
    else {
        report.already_imported = true;
        return Ok(report);
    };
    for page in answers.chunks(PAGE) {
        let originals = Originals::find(ctx.db, page).await?;
        let mut entries = Vec::with_capacity(page.len());
        for answered in page {
            // Matched in step 1; an original cannot go away since (payments and
            // prenotes keep their trace), but if it did the file is refused whole.
            let Some(target) = originals.target(answered) else {
                return Err(ReturnsError::Unmatched(vec![unmatched_entry(answered)]));
            };
            entries.push(act(ctx, answered, &target, today)?);
        }
        file.apply(&entries).await?;
    }
    report.applied = file.commit().await?;
    ctx.mailer.wake();
    Ok(report)
}

fn unmatched_entry(a: &Answered) -> Unmatched {
    Unmatched { line: a.line, trace: a.original_trace.clone() }
}

/// The entries that match nothing the portal sent, looked up a page at a time and kept
/// no longer than the page.
async fn unmatched(db: &Db, answers: &[Answered]) -> Result<Vec<Unmatched>, sqlx::Error> {
    let mut unmatched = Vec::new();
    for page in answers.chunks(PAGE) {
        let originals = Originals::find(db, page).await?;
        unmatched
            .extend(page.iter().filter(|a| originals.target(a).is_none()).map(unmatched_entry));
    }
    Ok(unmatched)
}

/// The debits and prenotes a page of entries may answer, by trace number. Read outside
/// the import's transaction, so as the portal stood before the file (earlier pages'
/// changes are not committed yet): an email names the account as the bank knew it when
/// it sent the file, as when the whole file was matched first.
struct Originals {
    payments: HashMap<String, Vec<TracedPayment>>,
    prenotes: HashMap<String, Vec<TracedMethodColumns>>,
}

impl Originals {
    async fn find(db: &Db, page: &[Answered]) -> Result<Self, sqlx::Error> {
        let mut traces: Vec<String> = page.iter().map(|a| a.original_trace.clone()).collect();
        traces.sort_unstable();
        traces.dedup();
        let mut payments: HashMap<String, Vec<TracedPayment>> = HashMap::new();
        for p in data::payments_by_trace(db, &traces).await? {
            payments.entry(p.trace_number.clone()).or_default().push(p);
        }
        let mut prenotes: HashMap<String, Vec<TracedMethodColumns>> = HashMap::new();
        for p in data::prenotes_by_trace(db, &traces).await? {
            prenotes.entry(p.trace_number).or_default().push(p.method);
        }
        Ok(Self { payments, prenotes })
    }

    fn target(&self, a: &Answered) -> Option<Target<'_>> {
        target(a, &self.payments, &self.prenotes)
    }
}

/// The original entry an answer names: a debit's return, the most recent payment of its
/// trace for that amount; a prenote's return (amount 0), its bank account; a notice, the
/// debit or prenote of its trace (prenote first for prenote codes 28/38).
fn target<'a>(
    a: &Answered,
    payments: &'a HashMap<String, Vec<TracedPayment>>,
    prenotes: &'a HashMap<String, Vec<TracedMethodColumns>>,
) -> Option<Target<'a>> {
    let of_trace = payments.get(&a.original_trace).map(Vec::as_slice).unwrap_or_default();
    let latest_payment = |amount: Option<u64>| {
        of_trace
            .iter()
            .filter(|p| amount.is_none_or(|c| (p.amount_cents + p.fee_cents) as u64 == c))
            .max_by_key(|p| p.id.0)
            .map(Target::Payment)
    };
    let prenote = || {
        prenotes
            .get(&a.original_trace)
            .and_then(|m| m.iter().max_by_key(|m| m.method_id.0))
            .map(Target::Prenote)
    };
    match &a.answer {
        Answer::Return { .. } if a.amount_cents > 0 && !a.is_prenote() => {
            latest_payment(Some(a.amount_cents))
        }
        Answer::Return { .. } => prenote(),
        Answer::Change { .. } if a.is_prenote() => prenote().or_else(|| latest_payment(None)),
        Answer::Change { .. } => latest_payment(None).or_else(prenote),
    }
}

/// What to do about one matched entry, and its email.
fn act(
    ctx: &ReturnsContext<'_>,
    a: &Answered,
    target: &Target<'_>,
    today: Date,
) -> Result<Entry, ReturnsError> {
    let method = target.method();
    let mut record = AnswerRecord {
        line: a.line as i64,
        entry_key: String::new(),
        kind: "return",
        code: String::new(),
        original_trace: a.original_trace.clone(),
        payment_id: None,
        method_id: method.method_id,
        amount_cents: a.amount_cents as i64,
        corrected: None,
    };
    let lang = lang_of(method.locale.as_deref());
    let label =
        |last4: &str, kind: Option<&str>| method_label(lang, "echeck", kind, None, last4, None);
    match (&a.answer, target) {
        (Answer::Return { code }, Target::Payment(p)) => {
            record.code = code.to_string();
            record.payment_id = Some(p.id);
            record.entry_key = format!("return:payment:{}", p.id.0);
            let retry_on = retry_date(ctx.config, *code, p, today)?;
            let action = Action::Return(ReturnAction {
                payment_id: p.id,
                code: code.to_string(),
                method_unusable: code.class().makes_method_unusable(),
                retry_on: retry_on.map(crate::domain::autopay::calendar::iso),
            });
            let email = match &method.email {
                Some(to) => {
                    let news = return_texts::Returned {
                        account: &p.number,
                        amount: Cents(p.amount_cents + p.fee_cents),
                        draft_date: parse_date(&p.draft_date)?,
                        method: &label(&method.last4, method.bank_account_type.as_deref()),
                        code: *code,
                        retry_on,
                    };
                    Some(return_texts::returned(ctx.mailer.letterhead(), lang, to, &news))
                }
                None => None,
            };
            Ok((record, action, email))
        }
        (Answer::Return { code }, Target::Prenote(m)) => {
            record.code = code.to_string();
            record.entry_key = format!("return:prenote:{}:{}", m.method_id.0, a.original_trace);
            let unusable = code.class().makes_method_unusable().then(|| code.to_string());
            Ok((record, Action::PrenoteReturned(unusable), None))
        }
        (Answer::Change { code, correction }, _) => {
            record.kind = "change";
            record.code = code.to_string();
            record.entry_key =
                format!("change:{}:{}:{}", a.original_trace, code, method.method_id.0);
            let corrects = code.corrects();
            if matches!(code, ChangeCode::Other(_)) || method.correctable == 0 {
                return Ok((record, Action::Noted, None));
            }
            record.corrected = Some(
                [
                    ("routing", corrects.routing),
                    ("account_number", corrects.account_number),
                    ("account_type", corrects.account_type),
                ]
                .iter()
                .filter(|(_, on)| *on)
                .map(|(name, _)| *name)
                .collect::<Vec<_>>()
                .join(","),
            );
            let binding = Binding { method_id: method.method_id, customer_id: method.customer_id };
            let account = correction.account_number.as_ref().map(|n| {
                let sealed = ctx.vault.seal(n.expose(), &binding);
                (sealed.bytes, sealed.key_id, n.last4().to_string())
            });
            let last4 = account.as_ref().map_or(method.last4.clone(), |a| a.2.clone());
            let kind =
                correction.account_type.map(|t| t.as_str()).or(method.bank_account_type.as_deref());
            let email = method.email.as_deref().map(|to| {
                return_texts::corrected(
                    ctx.mailer.letterhead(),
                    lang,
                    to,
                    &label(&last4, kind),
                    corrects,
                )
            });
            let fix = data::Correction {
                routing_number: correction.routing.as_ref().map(|r| r.as_str().to_string()),
                bank_account_type: correction.account_type.map(|t| t.as_str()),
                account,
            };
            Ok((record, Action::Correct(fix), email))
        }
    }
}

/// When an NSF return is retried: on the next banking day after today, when retries are
/// on, the debit has been retried fewer than twice, and that day is within 180 days of the
/// original debit.
fn retry_date(
    config: &AchConfig,
    code: ReturnCode,
    p: &TracedPayment,
    today: Date,
) -> Result<Option<Date>, sqlx::Error> {
    if !config.retry_nsf || code.class() != ReturnClass::Nsf || p.retries_before >= MAX_RETRIES {
        return Ok(None);
    }
    let on = banking_days::after(today);
    let original = parse_date(&p.original_date)?;
    Ok((on <= original + Duration::days(RETRY_WINDOW_DAYS)).then_some(on))
}
