//! SQL for the bank's returns and notices of change: finding the original entries by trace
//! number, and acting on them in one transaction, each entry at most once (the unique
//! `ach_answers.entry_key`, the file's SHA-256 in `ach_answer_files`).

use crate::domain::{BillId, CustomerId, MethodId, PaymentId};
use crate::email::Composed;
use crate::platform::db::{Db, WriteLock};

/// Traces looked up per statement.
const TRACES_PER_QUERY: usize = 500;

/// A debit the portal sent, found by its trace number.
#[derive(Debug, Clone)]
pub struct TracedPayment {
    pub id: PaymentId,
    pub trace_number: String,
    pub amount_cents: i64,
    pub fee_cents: i64,
    pub bill_id: BillId,
    pub method_id: MethodId,
    pub draft_date: String,
    /// 0 for an original debit, 1 for its first retry, 2 for the second.
    pub retries_before: i64,
    /// The draft date of the original debit of its retries.
    pub original_date: String,
    pub number: String,
    pub method: TracedMethodColumns,
}

/// A method's columns as a notice needs them (shared by payments and prenotes).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TracedMethodColumns {
    pub method_id: MethodId,
    pub customer_id: CustomerId,
    pub last4: String,
    pub bank_account_type: Option<String>,
    /// 1 when its account number is still stored (a saved method, not removed).
    pub correctable: i64,
    pub email: Option<String>,
    pub locale: Option<String>,
}

/// A bank account whose prenote the portal sent, found by its trace number.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TracedPrenote {
    pub trace_number: String,
    #[sqlx(flatten)]
    pub method: TracedMethodColumns,
}

const METHOD_COLUMNS: &str = "m.id AS method_id, m.customer_id, m.last4, m.bank_account_type, \
     CAST(CASE WHEN m.account_ciphertext IS NOT NULL AND m.removed_at IS NULL AND m.kept = 1 THEN 1 ELSE 0 END AS BIGINT) AS correctable, \
     l.email, l.locale";

#[derive(sqlx::FromRow)]
struct PaymentRow {
    id: PaymentId,
    trace_number: String,
    amount_cents: i64,
    fee_cents: i64,
    bill_id: BillId,
    draft_date: String,
    retries_before: i64,
    original_date: String,
    number: String,
    #[sqlx(flatten)]
    method: TracedMethodColumns,
}

fn placeholders(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// The payments sent with any of `traces`, several per trace when a trace number came
/// round again (they are reused after 490 files).
pub async fn payments_by_trace(
    db: &Db,
    traces: &[String],
) -> Result<Vec<TracedPayment>, sqlx::Error> {
    let mut found = Vec::new();
    for chunk in traces.chunks(TRACES_PER_QUERY) {
        let sql = format!(
            "SELECT p.id, p.trace_number, p.amount_cents, p.fee_cents, p.bill_id, p.draft_date, \
             CAST(CASE WHEN p.retry_of IS NULL THEN 0 WHEN r1.retry_of IS NULL THEN 1 ELSE 2 END AS BIGINT) AS retries_before, \
             COALESCE(r2.draft_date, r1.draft_date, p.draft_date) AS original_date, \
             c.customer_number || '-' || a.account_number AS number, {METHOD_COLUMNS} \
             FROM payments p LEFT JOIN payments r1 ON r1.id = p.retry_of LEFT JOIN payments r2 ON r2.id = r1.retry_of \
             JOIN payment_methods m ON m.id = p.payment_method_id \
             JOIN accounts a ON a.id = p.account_id JOIN customers c ON c.id = a.customer_id \
             LEFT JOIN logins l ON l.customer_id = m.customer_id \
             WHERE p.trace_number IN ({})",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query_as::<_, PaymentRow>(&sql);
        for trace in chunk {
            query = query.bind(trace);
        }
        found.extend(query.fetch_all(&db.pool).await?.into_iter().map(|r| TracedPayment {
            id: r.id,
            trace_number: r.trace_number,
            amount_cents: r.amount_cents,
            fee_cents: r.fee_cents,
            bill_id: r.bill_id,
            method_id: r.method.method_id,
            draft_date: r.draft_date,
            retries_before: r.retries_before,
            original_date: r.original_date,
            number: r.number,
            method: r.method,
        }));
    }
    Ok(found)
}

/// The bank accounts whose prenote went with any of `traces`.
pub async fn prenotes_by_trace(
    db: &Db,
    traces: &[String],
) -> Result<Vec<TracedPrenote>, sqlx::Error> {
    let mut found = Vec::new();
    for chunk in traces.chunks(TRACES_PER_QUERY) {
        let sql = format!(
            "SELECT m.prenote_trace AS trace_number, {METHOD_COLUMNS} FROM payment_methods m \
             LEFT JOIN logins l ON l.customer_id = m.customer_id WHERE m.prenote_trace IN ({})",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query_as::<_, TracedPrenote>(&sql);
        for trace in chunk {
            query = query.bind(trace);
        }
        found.extend(query.fetch_all(&db.pool).await?);
    }
    Ok(found)
}

/// When the file with this SHA-256 was imported, if it was.
pub async fn imported_at(db: &Db, sha256: &str) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT imported_at FROM ach_answer_files WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|r| r.0))
}

/// One entry's record: what makes it happen once.
pub struct AnswerRecord {
    pub line: i64,
    pub entry_key: String,
    pub kind: &'static str,
    pub code: String,
    pub original_trace: String,
    pub payment_id: Option<PaymentId>,
    pub method_id: MethodId,
    pub amount_cents: i64,
    pub corrected: Option<String>,
}

/// What to do to a returned debit.
pub struct ReturnAction {
    pub payment_id: PaymentId,
    pub code: String,
    /// Mark the method unusable and suspend the AutoPay that uses it.
    pub method_unusable: bool,
    /// The retry's draft date, when the debit is retried.
    pub retry_on: Option<String>,
}

/// The corrected details of a method, its account number sealed again.
pub struct Correction {
    pub routing_number: Option<String>,
    pub bank_account_type: Option<&'static str>,
    /// (ciphertext, key id, last four).
    pub account: Option<(Vec<u8>, String, String)>,
}

pub enum Action {
    Return(ReturnAction),
    /// A prenote returned: its method unusable (and AutoPay suspended) with this code, or
    /// only recorded (None).
    PrenoteReturned(Option<String>),
    Correct(Correction),
    /// A notice recorded only (nothing the portal stores, or the number was wiped).
    Noted,
}

/// What applying a file did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    pub returned: usize,
    pub retries: usize,
    pub methods_unusable: usize,
    pub enrollments_suspended: usize,
    pub corrected: usize,
    pub noted: usize,
    /// Entries acted on by an earlier file (the same entry sent again).
    pub already_done: usize,
    pub emails: usize,
}

/// Applies a whole file in one transaction: the file recorded by its SHA-256 (None when it
/// was already: nothing is done), then each entry once, with its email.
pub async fn apply(
    db: &Db,
    sha256: &str,
    file_name: &str,
    entries: &[(AnswerRecord, Action, Option<Composed>)],
    at: i64,
) -> Result<Option<Applied>, sqlx::Error> {
    let mut tx = db.begin_write(WriteLock::Database).await?;
    let file: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO ach_answer_files (sha256, file_name, entries, imported_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (sha256) DO NOTHING RETURNING id",
    )
    .bind(sha256)
    .bind(file_name)
    .bind(entries.len() as i64)
    .bind(at)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((file_id,)) = file else { return Ok(None) };
    let mut applied = Applied::default();
    let mut emails = Vec::new();
    for (record, action, email) in entries {
        if !record_answer(&mut tx, file_id, record, at).await? {
            applied.already_done += 1;
            continue;
        }
        let acted = match action {
            Action::Return(r) => return_payment(&mut tx, r, at, &mut applied).await?,
            Action::PrenoteReturned(Some(code)) => {
                unusable(&mut tx, record.method_id, code, at, &mut applied).await?;
                true
            }
            Action::PrenoteReturned(None) | Action::Noted => {
                applied.noted += 1;
                false
            }
            Action::Correct(c) => {
                correct(&mut tx, record.method_id, c).await?;
                applied.corrected += 1;
                true
            }
        };
        if let (true, Some(email)) = (acted, email) {
            emails.push(email);
        }
    }
    applied.emails = emails.len();
    crate::email::data::insert_many_with(&mut tx, &emails).await?;
    tx.commit().await?;
    Ok(Some(applied))
}

/// Records the entry; false when an earlier entry did the same (its key is taken).
async fn record_answer(
    conn: &mut sqlx::AnyConnection,
    file_id: i64,
    r: &AnswerRecord,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO ach_answers (file_id, line, entry_key, kind, code, original_trace, payment_id, payment_method_id, \
         amount_cents, corrected, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (entry_key) DO NOTHING RETURNING id",
    )
    .bind(file_id)
    .bind(r.line)
    .bind(&r.entry_key)
    .bind(r.kind)
    .bind(&r.code)
    .bind(&r.original_trace)
    .bind(r.payment_id)
    .bind(r.method_id)
    .bind(r.amount_cents)
    .bind(r.corrected.as_deref())
    .bind(at)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(inserted.is_some())
}

/// Marks the debit returned (once: only a debit on its way is), gives its bill back what
/// `claim_file` took off, and sets off what its code asks. False when it was not on its
/// way (returned already, or never sent).
async fn return_payment(
    conn: &mut sqlx::AnyConnection,
    r: &ReturnAction,
    at: i64,
    applied: &mut Applied,
) -> Result<bool, sqlx::Error> {
    let taken: Option<(BillId, i64, MethodId)> = sqlx::query_as(
        "UPDATE payments SET status = 'returned', return_code = $1, returned_at = $2, updated_at = $2 \
         WHERE id = $3 AND status IN ('submitted', 'paid') AND return_code IS NULL \
         RETURNING bill_id, amount_cents, payment_method_id",
    )
    .bind(&r.code)
    .bind(at)
    .bind(r.payment_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((bill_id, amount, method_id)) = taken else { return Ok(false) };
    applied.returned += 1;
    super::give_back(conn, bill_id, amount, at).await?;
    if r.method_unusable {
        unusable(conn, method_id, &r.code, at, applied).await?;
    }
    if let Some(draft_date) = &r.retry_on {
        // Scheduled for its banking day: the run releases it then, never the same day.
        // `payments.retry_of` is unique: a debit is retried once.
        let retried = sqlx::query(
            "INSERT INTO payments (bill_id, account_id, enrollment_id, payment_method_id, amount_cents, fee_cents, draft_date, \
             status, channel, submission_id, retry_of, created_at, updated_at) \
             SELECT bill_id, account_id, enrollment_id, payment_method_id, amount_cents, fee_cents, $1, 'scheduled', channel, \
             submission_id, id, $2, $2 FROM payments WHERE id = $3 ON CONFLICT (retry_of) DO NOTHING",
        )
        .bind(draft_date)
        .bind(at)
        .bind(r.payment_id)
        .execute(&mut *conn)
        .await?;
        applied.retries += retried.rows_affected() as usize;
    }
    Ok(true)
}

/// The method unusable with the return's code, and the AutoPay enrollments that use it
/// suspended, until the customer acts (the first code stays).
async fn unusable(
    conn: &mut sqlx::AnyConnection,
    method_id: MethodId,
    code: &str,
    at: i64,
    applied: &mut Applied,
) -> Result<(), sqlx::Error> {
    let marked = sqlx::query(
        "UPDATE payment_methods SET unusable_code = $1, unusable_at = $2 WHERE id = $3 AND unusable_code IS NULL",
    )
    .bind(code)
    .bind(at)
    .bind(method_id)
    .execute(&mut *conn)
    .await?;
    applied.methods_unusable += marked.rows_affected() as usize;
    let suspended = sqlx::query(
        "UPDATE autopay_enrollments SET suspended_code = $1, suspended_at = $2 \
         WHERE payment_method_id = $3 AND active = 1 AND suspended_code IS NULL",
    )
    .bind(code)
    .bind(at)
    .bind(method_id)
    .execute(&mut *conn)
    .await?;
    applied.enrollments_suspended += suspended.rows_affected() as usize;
    Ok(())
}

/// Stores the corrected details; its next debit is written from them.
async fn correct(
    conn: &mut sqlx::AnyConnection,
    method_id: MethodId,
    c: &Correction,
) -> Result<(), sqlx::Error> {
    if let Some(routing) = &c.routing_number {
        sqlx::query("UPDATE payment_methods SET routing_number = $1 WHERE id = $2")
            .bind(routing)
            .bind(method_id)
            .execute(&mut *conn)
            .await?;
    }
    if let Some(kind) = c.bank_account_type {
        sqlx::query("UPDATE payment_methods SET bank_account_type = $1 WHERE id = $2")
            .bind(kind)
            .bind(method_id)
            .execute(&mut *conn)
            .await?;
    }
    if let Some((ciphertext, key_id, last4)) = &c.account {
        sqlx::query(
            "UPDATE payment_methods SET account_ciphertext = $1, account_key_id = $2, account_bound = 1, last4 = $3 WHERE id = $4",
        )
        .bind(ciphertext)
        .bind(key_id)
        .bind(last4)
        .bind(method_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
