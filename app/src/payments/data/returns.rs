//! SQL for the bank's returns and notices of change: finding the original entries by trace
//! number, and acting on them in one transaction, a page of entries at a time in a few
//! multi-row statements, each entry at most once (the unique `ach_answers.entry_key`, the
//! file's SHA-256 in `ach_answer_files`). Per-row values go in as `WITH v (...) AS
//! (VALUES ...)`, which SQLite and PostgreSQL both read.

use crate::domain::{BillId, CustomerId, MethodId, PaymentId};
use crate::email::Composed;
use crate::platform::db::{Db, WriteLock};
use std::collections::{BTreeMap, HashMap, HashSet};

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

/// `n` placeholders numbered from `first`: "$3, $4, $5".
fn placeholders(n: usize, first: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
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
            placeholders(chunk.len(), 1)
        );
        let mut query = sqlx::query_as::<_, PaymentRow>(&sql).persistent(false);
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
            placeholders(chunk.len(), 1)
        );
        let mut query = sqlx::query_as::<_, TracedPrenote>(&sql).persistent(false);
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

/// An entry to apply: its record, what it does, and the email it sends when it acts.
pub type Entry = (AnswerRecord, Action, Option<Composed>);

/// The multi-row statements here are not kept prepared (`persistent(false)`): sqlx keeps
/// up to 100 prepared statements per connection, each of these the size of hundreds of
/// placeholders, and the import's memory grew with the file's pages until they filled
/// (+14–19 MiB for 10,000 entries, against +8 MiB without). Preparing each statement again
/// costs about 0.8 s per 10,000 entries, well within the import's budget.
///
/// Rows per statement when applying a page: 11 columns of `ach_answers` × 500 stays far
/// below both databases' limit on bound values (SQLite 32,766, PostgreSQL 65,535).
const ROWS_PER_STATEMENT: usize = 500;

/// A file being applied: one transaction, opened by recording the file, then a page of
/// entries at a time, each page in a handful of statements whatever its size (one
/// statement per entry and per table was most of a big file's time). Nothing is visible
/// to anyone else until `commit`; dropped without it, nothing happened.
pub struct FileImport {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    file_id: i64,
    at: i64,
    applied: Applied,
}

impl FileImport {
    /// Opens the transaction and records the file by its SHA-256; None when it was
    /// recorded already (the same file again: nothing is done).
    pub async fn start(
        db: &Db,
        sha256: &str,
        file_name: &str,
        entries: usize,
        at: i64,
    ) -> Result<Option<Self>, sqlx::Error> {
        let mut tx = db.begin_write(WriteLock::Database).await?;
        let file: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO ach_answer_files (sha256, file_name, entries, imported_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (sha256) DO NOTHING RETURNING id",
        )
        .bind(sha256)
        .bind(file_name)
        .bind(entries as i64)
        .bind(at)
        .fetch_optional(&mut *tx)
        .await?;
        Ok(file.map(|(file_id,)| Self { tx, file_id, at, applied: Applied::default() }))
    }

    /// Applies a page of entries (in the file's order, as if one after another): each
    /// entry once, then the payments it returns, the bills they give back to, the methods
    /// made unusable and AutoPay suspended, the retries, the corrections, the emails.
    #[tracing::instrument(skip_all, fields(entries = entries.len()))]
    pub async fn apply(&mut self, entries: &[Entry]) -> Result<(), sqlx::Error> {
        let Self { tx, file_id, at, applied } = self;
        let (conn, at) = (&mut **tx, *at);
        let fresh = record_answers(conn, *file_id, entries, at).await?;
        applied.already_done += fresh.iter().filter(|f| !**f).count();
        let fresh: Vec<&Entry> =
            entries.iter().zip(fresh).filter_map(|(e, fresh)| fresh.then_some(e)).collect();

        let returns: Vec<(PaymentId, &str)> = fresh
            .iter()
            .filter_map(|(_, action, _)| match action {
                Action::Return(r) => Some((r.payment_id, r.code.as_str())),
                _ => None,
            })
            .collect();
        let taken = take_payments(conn, &returns, at).await?;
        applied.returned += taken.len();
        let mut to_bills: BTreeMap<BillId, i64> = BTreeMap::new();
        for t in taken.values() {
            *to_bills.entry(t.bill_id).or_default() += t.amount_cents;
        }
        super::give_back_many(conn, &to_bills, at).await?;

        // What the entries set off, in the file's order (the first code for a method stays).
        let (mut unusable, mut retries, mut corrections, mut emails) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (record, action, email) in &fresh {
            let acted = match action {
                Action::Return(r) => match taken.get(&r.payment_id) {
                    // Not on its way (returned already, or never sent): nothing to do.
                    None => false,
                    Some(t) => {
                        if r.method_unusable {
                            unusable.push((t.method_id, r.code.as_str()));
                        }
                        if let Some(draft_date) = &r.retry_on {
                            retries.push((r.payment_id, draft_date.as_str()));
                        }
                        true
                    }
                },
                Action::PrenoteReturned(Some(code)) => {
                    unusable.push((record.method_id, code.as_str()));
                    true
                }
                Action::PrenoteReturned(None) | Action::Noted => {
                    applied.noted += 1;
                    false
                }
                Action::Correct(c) => {
                    corrections.push((record.method_id, c));
                    applied.corrected += 1;
                    true
                }
            };
            if let (true, Some(email)) = (acted, email) {
                emails.push(email);
            }
        }
        make_unusable(conn, &unusable, at, applied).await?;
        applied.retries += schedule_retries(conn, &retries, at).await?;
        correct(conn, &corrections).await?;
        applied.emails += emails.len();
        crate::email::data::insert_many_with(conn, &emails).await?;
        Ok(())
    }

    /// Makes the whole file visible at once; what it did.
    pub async fn commit(self) -> Result<Applied, sqlx::Error> {
        self.tx.commit().await?;
        Ok(self.applied)
    }
}

/// `rows` rows of `columns` placeholders each, numbered from `first`: "($2, $3), ($4, $5)".
fn rows(rows: usize, columns: usize, first: usize) -> String {
    (0..rows)
        .map(|r| {
            let from = first + r * columns;
            let row: Vec<String> = (from..from + columns).map(|n| format!("${n}")).collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Records the entries; for each, false when it was done already: by an earlier file, an
/// earlier page, or an earlier entry of this page (its key is taken; the first stands).
async fn record_answers(
    conn: &mut sqlx::AnyConnection,
    file_id: i64,
    entries: &[Entry],
    at: i64,
) -> Result<Vec<bool>, sqlx::Error> {
    let mut first_of: HashMap<&str, usize> = HashMap::new();
    for (i, (record, _, _)) in entries.iter().enumerate() {
        first_of.entry(record.entry_key.as_str()).or_insert(i);
    }
    let mut firsts: Vec<usize> = first_of.values().copied().collect();
    firsts.sort_unstable();
    let mut fresh = vec![false; entries.len()];
    for chunk in firsts.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO ach_answers (file_id, line, entry_key, kind, code, original_trace, payment_id, payment_method_id, \
             amount_cents, corrected, created_at) VALUES {} ON CONFLICT (entry_key) DO NOTHING RETURNING entry_key",
            rows(chunk.len(), 11, 1)
        );
        let mut insert = sqlx::query_as::<_, (String,)>(&sql).persistent(false);
        for &i in chunk {
            let r = &entries[i].0;
            insert = insert
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
                .bind(at);
        }
        for (key,) in insert.fetch_all(&mut *conn).await? {
            if let Some(&i) = first_of.get(key.as_str()) {
                fresh[i] = true;
            }
        }
    }
    Ok(fresh)
}

/// A debit marked returned: what its return gives back and acts on.
struct Taken {
    bill_id: BillId,
    amount_cents: i64,
    method_id: MethodId,
}

/// Marks the debits returned with their codes (once: only a debit on its way is); the
/// ones it marked. The payments are distinct (a payment's return has one entry key).
async fn take_payments(
    conn: &mut sqlx::AnyConnection,
    returns: &[(PaymentId, &str)],
    at: i64,
) -> Result<HashMap<PaymentId, Taken>, sqlx::Error> {
    let mut taken = HashMap::new();
    for chunk in returns.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "WITH v (id, code) AS (VALUES {}) \
             UPDATE payments SET status = 'returned', return_code = (SELECT v.code FROM v WHERE v.id = payments.id), \
             returned_at = $1, updated_at = $1 \
             WHERE id IN (SELECT v.id FROM v) AND status IN ('submitted', 'paid') AND return_code IS NULL \
             RETURNING id, bill_id, amount_cents, payment_method_id",
            rows(chunk.len(), 2, 2)
        );
        let mut update = sqlx::query_as::<_, (PaymentId, BillId, i64, MethodId)>(&sql)
            .persistent(false)
            .bind(at);
        for (id, code) in chunk {
            update = update.bind(*id).bind(*code);
        }
        for (id, bill_id, amount_cents, method_id) in update.fetch_all(&mut *conn).await? {
            taken.insert(id, Taken { bill_id, amount_cents, method_id });
        }
    }
    Ok(taken)
}

/// The methods unusable with their return's code, and the AutoPay enrollments that use
/// them suspended, until the customer acts: the first code stays, whether it came earlier
/// in this page (only a method's first is kept here) or from an earlier file or page
/// (`IS NULL`). Counts what it marked.
async fn make_unusable(
    conn: &mut sqlx::AnyConnection,
    marks: &[(MethodId, &str)],
    at: i64,
    applied: &mut Applied,
) -> Result<(), sqlx::Error> {
    let mut seen = HashSet::new();
    let firsts: Vec<&(MethodId, &str)> = marks.iter().filter(|(m, _)| seen.insert(*m)).collect();
    for chunk in firsts.chunks(ROWS_PER_STATEMENT) {
        let values = rows(chunk.len(), 2, 2);
        let methods = format!(
            "WITH v (id, code) AS (VALUES {values}) \
             UPDATE payment_methods SET unusable_code = (SELECT v.code FROM v WHERE v.id = payment_methods.id), \
             unusable_at = $1 WHERE id IN (SELECT v.id FROM v) AND unusable_code IS NULL"
        );
        let enrollments = format!(
            "WITH v (id, code) AS (VALUES {values}) \
             UPDATE autopay_enrollments SET suspended_code = \
             (SELECT v.code FROM v WHERE v.id = autopay_enrollments.payment_method_id), suspended_at = $1 \
             WHERE payment_method_id IN (SELECT v.id FROM v) AND active = 1 AND suspended_code IS NULL"
        );
        let mut counts = [0; 2];
        for (count, sql) in counts.iter_mut().zip([&methods, &enrollments]) {
            let mut update = sqlx::query(sql).persistent(false).bind(at);
            for (method_id, code) in chunk {
                update = update.bind(*method_id).bind(*code);
            }
            *count = update.execute(&mut *conn).await?.rows_affected() as usize;
        }
        applied.methods_unusable += counts[0];
        applied.enrollments_suspended += counts[1];
    }
    Ok(())
}

/// Schedules the retries (payment, draft date) for their banking day: the run releases
/// them then, never the same day. `payments.retry_of` is unique: a debit is retried once.
/// Returns how many it scheduled.
async fn schedule_retries(
    conn: &mut sqlx::AnyConnection,
    retries: &[(PaymentId, &str)],
    at: i64,
) -> Result<usize, sqlx::Error> {
    // One statement per draft date (all of a file's retries share today's next banking day).
    let mut by_date: BTreeMap<&str, Vec<PaymentId>> = BTreeMap::new();
    for (id, draft_date) in retries {
        by_date.entry(draft_date).or_default().push(*id);
    }
    let mut scheduled = 0;
    for (draft_date, ids) in by_date {
        for chunk in ids.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO payments (bill_id, account_id, enrollment_id, payment_method_id, amount_cents, fee_cents, draft_date, \
                 status, channel, submission_id, retry_of, created_at, updated_at) \
                 SELECT bill_id, account_id, enrollment_id, payment_method_id, amount_cents, fee_cents, $1, 'scheduled', channel, \
                 submission_id, id, $2, $2 FROM payments WHERE id IN ({}) ON CONFLICT (retry_of) DO NOTHING",
                placeholders(chunk.len(), 3)
            );
            let mut insert = sqlx::query(&sql).persistent(false).bind(draft_date).bind(at);
            for id in chunk {
                insert = insert.bind(*id);
            }
            scheduled += insert.execute(&mut *conn).await?.rows_affected() as usize;
        }
    }
    Ok(scheduled)
}

/// Stores the corrected details; each method's next debit is written from them. Several
/// notices for one method apply in the file's order (a later detail replaces an earlier).
async fn correct(
    conn: &mut sqlx::AnyConnection,
    corrections: &[(MethodId, &Correction)],
) -> Result<(), sqlx::Error> {
    let mut routing: BTreeMap<MethodId, &str> = BTreeMap::new();
    let mut kind: BTreeMap<MethodId, &str> = BTreeMap::new();
    let mut account: BTreeMap<MethodId, &(Vec<u8>, String, String)> = BTreeMap::new();
    for (method_id, c) in corrections {
        if let Some(r) = &c.routing_number {
            routing.insert(*method_id, r);
        }
        if let Some(k) = c.bank_account_type {
            kind.insert(*method_id, k);
        }
        if let Some(a) = &c.account {
            account.insert(*method_id, a);
        }
    }
    for (column, values) in [("routing_number", &routing), ("bank_account_type", &kind)] {
        let values: Vec<_> = values.iter().collect();
        for chunk in values.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "WITH v (id, value) AS (VALUES {}) UPDATE payment_methods \
                 SET {column} = (SELECT v.value FROM v WHERE v.id = payment_methods.id) WHERE id IN (SELECT v.id FROM v)",
                rows(chunk.len(), 2, 1)
            );
            let mut update = sqlx::query(&sql).persistent(false);
            for (method_id, value) in chunk {
                update = update.bind(**method_id).bind(**value);
            }
            update.execute(&mut *conn).await?;
        }
    }
    let account: Vec<_> = account.into_iter().collect();
    for chunk in account.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "WITH v (id, ciphertext, key_id, last4) AS (VALUES {}) UPDATE payment_methods SET \
             account_ciphertext = (SELECT v.ciphertext FROM v WHERE v.id = payment_methods.id), \
             account_key_id = (SELECT v.key_id FROM v WHERE v.id = payment_methods.id), account_bound = 1, \
             last4 = (SELECT v.last4 FROM v WHERE v.id = payment_methods.id) WHERE id IN (SELECT v.id FROM v)",
            rows(chunk.len(), 4, 1)
        );
        let mut update = sqlx::query(&sql).persistent(false);
        for (method_id, (ciphertext, key_id, last4)) in chunk {
            update = update.bind(*method_id).bind(ciphertext).bind(key_id).bind(last4);
        }
        update.execute(&mut *conn).await?;
    }
    Ok(())
}
