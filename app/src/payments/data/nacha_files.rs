//! SQL for the NACHA files: claiming payments (and prenotes) into a recorded file, reading
//! its lines back, and withdrawing lines that cannot go to the bank before it is written.
//! A payment joins a file only once, and a written file never changes.

use crate::domain::autopay::calendar;
use crate::domain::{BillId, CustomerId, MethodId, NachaFileId, PaymentId};
use crate::platform::db::{now, numbered, Backend, Db, IsoDate};
use crate::platform::vault::{Binding, Sealed};

/// A NACHA file as recorded.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NachaFileRow {
    pub id: NachaFileId,
    pub file_name: String,
    #[sqlx(try_from = "IsoDate")]
    pub run_date: time::Date,
    /// The one effective entry date of every batch of the file: a banking day. A file
    /// recorded before effective dates were (none stored) carries its run date.
    #[sqlx(try_from = "IsoDate")]
    pub effective_date: time::Date,
    pub entry_count: i64,
    pub total_debit_cents: i64,
    pub created_at: i64,
    pub written_at: Option<i64>,
}

/// The e-checks a file takes: those drafted after `drafted_after` (when given) and before
/// `drafted_before`, all with one effective entry date (see `bank_file::windows`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated {
    pub effective: time::Date,
    pub drafted_after: Option<time::Date>,
    pub drafted_before: time::Date,
}

/// Claims for one new file of effective date `dated.effective`, in one transaction: every
/// e-check payment still pending and drafted in `dated`'s window (whose bank account's
/// prenote, when prenotes are used, has had time to come back), and every new bank account
/// of an active enrollment that needs its prenote. None when there is nothing to send. Two
/// runs at once each claim different payments: a payment joins a file only while its
/// `nacha_file_id` is empty. Each claimed payment takes the file's effective date: the one
/// it was given when created, or a later one when that day has passed.
///
/// A file holds at most `max_entries` debits (and as many prenotes), so that the run's
/// memory stays flat however many accounts pay by bank: a bigger day makes more files.
pub async fn claim_file(
    db: &Db,
    run_date: time::Date,
    dated: Dated,
    prenotes: Option<(i64, i64)>,
    max_entries: i64,
) -> Result<Option<NachaFileRow>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let at = now();
    let placeholder = format!("claiming-{}", crate::platform::tokens::random_token());
    let effective = calendar::iso(dated.effective);
    let (file_id,): (NachaFileId,) = sqlx::query_as(
        "INSERT INTO nacha_files (file_name, run_date, effective_date, entry_count, total_debit_cents, created_at) VALUES ($1, $2, $3, 0, 0, $4) RETURNING id",
    )
    .bind(&placeholder)
    .bind(calendar::iso(run_date))
    .bind(&effective)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    // prenotes: (the file's banking date, the latest prenote date a debit may follow).
    let maturity = match prenotes {
        // Only AutoPay's bank accounts get prenotes: a one-time debit waits for none.
        Some((_, matured_by)) => format!(
            "AND (p.channel <> 'autopay' OR (m.prenote_sent_at IS NOT NULL AND m.prenote_sent_at <= {matured_by}))"
        ),
        None => String::new(),
    };
    let debits = sqlx::query(&format!(
        "UPDATE payments SET nacha_file_id = $1, status = 'submitted', effective_date = $4, updated_at = $2 \
         WHERE status = 'pending' AND nacha_file_id IS NULL AND id IN \
         (SELECT p.id FROM payments p JOIN accounts a ON a.id = p.account_id \
          JOIN payment_methods m ON m.id = p.payment_method_id AND m.customer_id = a.customer_id AND m.removed_at IS NULL \
          WHERE p.status = 'pending' AND p.nacha_file_id IS NULL AND m.kind = 'echeck' AND m.unusable_code IS NULL \
          AND p.draft_date > $5 AND p.draft_date < $6 {maturity} ORDER BY p.id LIMIT $3)"
    ))
    .bind(file_id)
    .bind(at)
    .bind(max_entries)
    .bind(&effective)
    // ISO dates compare as text; every date is after the empty text.
    .bind(dated.drafted_after.map(calendar::iso).unwrap_or_default())
    .bind(calendar::iso(dated.drafted_before))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let prenoted = match prenotes {
        Some((banking_date, _)) => {
            claim_prenotes(&mut tx, file_id, banking_date, max_entries).await?
        }
        None => 0,
    };
    if debits + prenoted == 0 {
        return Ok(None);
    }
    // The bill shows the payment as made from the moment the debit goes to the bank.
    sqlx::query(
        "UPDATE bills SET balance_cents = balance_cents - (SELECT CAST(SUM(p.amount_cents) AS BIGINT) FROM payments p \
         WHERE p.bill_id = bills.id AND p.nacha_file_id = $1), \
         updated_at = $2 WHERE id IN (SELECT bill_id FROM payments WHERE nacha_file_id = $1)",
    )
    .bind(file_id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let (count, total): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(amount_cents + fee_cents), 0) AS BIGINT) FROM payments WHERE nacha_file_id = $1",
    )
    .bind(file_id)
    .fetch_one(&mut *tx)
    .await?;
    let file_name = format!("aqueduct-{}-{:06}.ach", calendar::iso(run_date), file_id.0);
    sqlx::query("UPDATE nacha_files SET file_name = $1, entry_count = $2, total_debit_cents = $3 WHERE id = $4")
        .bind(&file_name)
        .bind(count + prenoted as i64)
        .bind(total)
        .bind(file_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(NachaFileRow {
        id: file_id,
        file_name,
        run_date,
        effective_date: dated.effective,
        entry_count: count + prenoted as i64,
        total_debit_cents: total,
        created_at: at,
        written_at: None,
    }))
}

/// Claims for the file the prenotes of new bank accounts of active enrollments; returns
/// how many.
async fn claim_prenotes(
    conn: &mut sqlx::AnyConnection,
    file_id: NachaFileId,
    banking_date: i64,
    max_entries: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE payment_methods SET prenote_file_id = $1, prenote_sent_at = $2 \
         WHERE prenote_file_id IS NULL AND id IN (SELECT m.id FROM payment_methods m \
         WHERE m.kind = 'echeck' AND m.prenote_sent_at IS NULL AND m.prenote_file_id IS NULL AND m.removed_at IS NULL \
         AND m.unusable_code IS NULL \
         AND m.id IN (SELECT e.payment_method_id FROM autopay_enrollments e JOIN accounts a ON a.id = e.account_id \
         WHERE e.active = 1 AND a.customer_id = m.customer_id) ORDER BY m.id LIMIT $3)",
    )
    .bind(file_id)
    .bind(banking_date)
    .bind(max_entries)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Files recorded but not yet in the folder (a run stopped between the two).
pub async fn unwritten_files(db: &Db) -> Result<Vec<NachaFileRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, file_name, run_date, COALESCE(effective_date, run_date) AS effective_date, entry_count, total_debit_cents, created_at, written_at FROM nacha_files \
         WHERE written_at IS NULL AND file_name NOT LIKE 'claiming-%' ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
}

/// A file as recorded now (its counts change when lines are withdrawn).
pub async fn file(db: &Db, file_id: NachaFileId) -> Result<Option<NachaFileRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, file_name, run_date, COALESCE(effective_date, run_date) AS effective_date, entry_count, total_debit_cents, created_at, written_at FROM nacha_files WHERE id = $1")
        .bind(file_id)
        .fetch_optional(&db.pool)
        .await
}

/// The file's place among the files of its day (0 for the first): its file id modifier.
pub async fn file_index_on_date(db: &Db, file: &NachaFileRow) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM nacha_files WHERE run_date = $1 AND id < $2 AND file_name NOT LIKE 'claiming-%'")
        .bind(calendar::iso(file.run_date))
        .bind(file.id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n)
}

/// Lines whose trace numbers one statement stores: three parameters a line.
const TRACES_PER_STATEMENT: usize = 500;

/// Marks the file written and stores each line's trace number with its payment (or its
/// bank account's prenote), in one transaction: a file written again after a crash carries
/// the same numbers.
pub async fn mark_written_with_traces(
    db: &Db,
    file_id: NachaFileId,
    traces: &[(LineRef, String)],
) -> Result<(), sqlx::Error> {
    let mut debits = Vec::new();
    let mut prenotes = Vec::new();
    for (line, trace) in traces {
        match *line {
            LineRef::Debit(p) => debits.push((p.0, trace.as_str())),
            LineRef::Prenote(m) => prenotes.push((m.0, trace.as_str())),
        }
    }
    let mut tx = db.pool.begin().await?;
    for chunk in debits.chunks(TRACES_PER_STATEMENT) {
        let sql =
            traces_update(db.backend, "payments", "trace_number", "nacha_file_id", chunk.len());
        bind_traces(sqlx::query(&sql), chunk, file_id).execute(&mut *tx).await?;
    }
    for chunk in prenotes.chunks(TRACES_PER_STATEMENT) {
        let sql = traces_update(
            db.backend,
            "payment_methods",
            "prenote_trace",
            "prenote_file_id",
            chunk.len(),
        );
        bind_traces(sqlx::query(&sql), chunk, file_id).execute(&mut *tx).await?;
    }
    sqlx::query("UPDATE nacha_files SET written_at = $1 WHERE id = $2 AND written_at IS NULL")
        .bind(now())
        .bind(file_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// `UPDATE table SET column = CASE id WHEN … THEN … END WHERE file = … AND id IN (…)` for
/// `lines` rows: one statement per page of a file's lines rather than one a line (a
/// million-line run spent half its time on those statements). Bound by `bind_traces`.
fn traces_update(backend: Backend, table: &str, column: &str, file: &str, lines: usize) -> String {
    let params = numbered(backend, lines * 3 + 1);
    let (cases, rest) = params.split_at(lines * 2);
    let whens: Vec<String> =
        cases.chunks(2).map(|p| format!("WHEN {} THEN {}", p[0], p[1])).collect();
    let (file_param, ids) = rest.split_first().expect("one parameter for the file");
    format!(
        "UPDATE {table} SET {column} = CASE id {} END WHERE {file} = {file_param} AND id IN ({})",
        whens.join(" "),
        ids.join(", ")
    )
}

fn bind_traces<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    lines: &'q [(i64, &'q str)],
    file_id: NachaFileId,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for (id, trace) in lines {
        query = query.bind(*id).bind(*trace);
    }
    query = query.bind(file_id);
    for (id, _) in lines {
        query = query.bind(*id);
    }
    query.persistent(false)
}

pub async fn mark_written(db: &Db, file_id: NachaFileId) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE nacha_files SET written_at = $1 WHERE id = $2")
        .bind(now())
        .bind(file_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// One line of a bank file: a debit, or a prenote (amount 0).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileLine {
    pub amount_cents: i64,
    pub routing_number: String,
    pub bank_account_type: String,
    pub account_ciphertext: Vec<u8>,
    pub account_key_id: String,
    pub holder_name: String,
    pub number: String,
    pub channel: String,
    /// 1 for a debit the customer authorized once (Pay Now): a single WEB entry.
    pub single: i64,
    /// 1 for a retry of a debit returned for insufficient funds: its own batch, `RETRY PYMT`.
    pub retry: i64,
    /// The debit's payment; none for a prenote.
    pub payment_id: Option<PaymentId>,
    pub method_id: MethodId,
    /// 1 while the method is not removed and (for a debit) belongs to the account's current
    /// customer: an account can change hands between the claim and the writing.
    pub usable: i64,
    /// The method's customer, whom (with `method_id`) the account number is sealed for, and
    /// whether it is bound to them.
    pub customer_id: CustomerId,
    pub account_bound: i64,
}

impl FileLine {
    pub fn sealed(&self) -> Sealed {
        Sealed::stored(&self.account_key_id, &self.account_ciphertext, self.account_bound)
    }

    pub fn binding(&self) -> Binding {
        Binding { method_id: self.method_id, customer_id: self.customer_id }
    }

    pub fn line_ref(&self) -> LineRef {
        match self.payment_id {
            Some(id) => LineRef::Debit(id),
            None => LineRef::Prenote(self.method_id),
        }
    }
}

/// The lines of a recorded file: the payments that name it, and the prenotes of the bank
/// accounts it claimed, less those withdrawn (see `withdraw_lines`).
pub async fn file_lines(db: &Db, file_id: NachaFileId) -> Result<Vec<FileLine>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.amount_cents + p.fee_cents AS amount_cents, m.routing_number, m.bank_account_type, m.account_ciphertext, \
         m.account_key_id, m.holder_name, c.customer_number || a.account_number AS number, \
         COALESCE(e.authorization_channel, 'WEB') AS channel, \
         CAST(CASE WHEN p.channel = 'autopay' THEN 0 ELSE 1 END AS BIGINT) AS single, \
         CAST(CASE WHEN p.retry_of IS NULL THEN 0 ELSE 1 END AS BIGINT) AS retry, \
         p.id AS payment_id, m.id AS method_id, \
         CAST(CASE WHEN m.customer_id = a.customer_id AND m.removed_at IS NULL THEN 1 ELSE 0 END AS BIGINT) AS usable, \
         m.customer_id, m.account_bound \
         FROM payments p JOIN payment_methods m ON m.id = p.payment_method_id JOIN accounts a ON a.id = p.account_id \
         JOIN customers c ON c.id = a.customer_id LEFT JOIN autopay_enrollments e ON e.id = p.enrollment_id \
         WHERE p.nacha_file_id = $1 \
         UNION ALL \
         SELECT 0, m.routing_number, m.bank_account_type, m.account_ciphertext, m.account_key_id, m.holder_name, \
         c.customer_number AS number, \
         COALESCE((SELECT MIN(e.authorization_channel) FROM autopay_enrollments e WHERE e.payment_method_id = m.id), 'WEB') AS channel, \
         CAST(0 AS BIGINT), CAST(0 AS BIGINT), NULL, m.id, CAST(CASE WHEN m.removed_at IS NULL THEN 1 ELSE 0 END AS BIGINT), m.customer_id, m.account_bound \
         FROM payment_methods m JOIN customers c ON c.id = m.customer_id \
         WHERE m.prenote_file_id = $1 AND m.prenote_sent_at IS NOT NULL \
         ORDER BY 7, 1, 11, 12",
    )
    .bind(file_id)
    .fetch_all(&db.pool)
    .await
}

/// A line of a file, to withdraw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineRef {
    Debit(PaymentId),
    Prenote(MethodId),
}

/// Takes lines out of a file that is recorded but not yet written, in one transaction, and
/// returns how many this call took out (another run writing the same file may have taken
/// them first; a written file is never changed).
///
/// A debit becomes `status` with `reason`, leaves the file (`nacha_file_id` empty: a
/// file's lines are exactly the payments that name it) and gives its bill back the amount
/// `claim_file` took off. A prenote stays claimed by the file but is marked not sent
/// (`prenote_sent_at` empty): claimed, it is not claimed again by the next file of the same
/// run (which would loop), and not sent, its bank account's debits never mature. Then the
/// file's recorded entry count and total are counted again from what is left, so the file
/// that this run, or any later one, writes from the database matches its record.
pub async fn withdraw_lines(
    db: &Db,
    file_id: NachaFileId,
    lines: &[LineRef],
    status: &str,
    reason: &str,
) -> Result<usize, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let at = now();
    let mut withdrawn = 0;
    for line in lines {
        withdrawn += match *line {
            LineRef::Debit(payment_id) => {
                withdraw_debit(&mut tx, file_id, payment_id, status, reason, at).await?
            }
            LineRef::Prenote(method_id) => withdraw_prenote(&mut tx, file_id, method_id).await?,
        };
    }
    if withdrawn > 0 {
        recount_file(&mut tx, file_id).await?;
    }
    tx.commit().await?;
    Ok(withdrawn)
}

const FILE_UNWRITTEN: &str =
    "EXISTS (SELECT 1 FROM nacha_files f WHERE f.id = $2 AND f.written_at IS NULL)";

async fn withdraw_debit(
    conn: &mut sqlx::AnyConnection,
    file_id: NachaFileId,
    payment_id: PaymentId,
    status: &str,
    reason: &str,
    at: i64,
) -> Result<usize, sqlx::Error> {
    let taken: Option<(BillId, i64)> = sqlx::query_as(&format!(
        "UPDATE payments SET status = $3, failure_reason = $4, nacha_file_id = NULL, updated_at = $5 \
         WHERE id = $1 AND nacha_file_id = $2 AND status = 'submitted' AND {FILE_UNWRITTEN} RETURNING bill_id, amount_cents"
    ))
    .bind(payment_id)
    .bind(file_id)
    .bind(status)
    .bind(reason)
    .bind(at)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((bill_id, amount)) = taken else { return Ok(0) };
    super::give_back(conn, bill_id, amount, at).await?;
    Ok(1)
}

async fn withdraw_prenote(
    conn: &mut sqlx::AnyConnection,
    file_id: NachaFileId,
    method_id: MethodId,
) -> Result<usize, sqlx::Error> {
    let done = sqlx::query(&format!(
        "UPDATE payment_methods SET prenote_sent_at = NULL \
         WHERE id = $1 AND prenote_file_id = $2 AND prenote_sent_at IS NOT NULL AND {FILE_UNWRITTEN}"
    ))
    .bind(method_id)
    .bind(file_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() as usize)
}

/// The file's recorded entries and total, from the lines that name it now.
async fn recount_file(
    conn: &mut sqlx::AnyConnection,
    file_id: NachaFileId,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE nacha_files SET \
         entry_count = (SELECT COUNT(*) FROM payments WHERE nacha_file_id = $1) \
           + (SELECT COUNT(*) FROM payment_methods WHERE prenote_file_id = $1 AND prenote_sent_at IS NOT NULL), \
         total_debit_cents = (SELECT CAST(COALESCE(SUM(amount_cents + fee_cents), 0) AS BIGINT) FROM payments WHERE nacha_file_id = $1) \
         WHERE id = $1 AND written_at IS NULL",
    )
    .bind(file_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_statement_pairs_each_line_with_its_trace_and_names_each_line_once() {
        let sql = traces_update(Backend::Postgres, "payments", "trace_number", "nacha_file_id", 2);
        assert_eq!(
            sql,
            "UPDATE payments SET trace_number = CASE id WHEN $1 THEN $2 WHEN $3 THEN $4 END \
             WHERE nacha_file_id = $5 AND id IN ($6, $7)"
        );
        let sqlite = traces_update(Backend::Sqlite, "payments", "trace_number", "nacha_file_id", 2);
        assert_eq!(sqlite.matches('?').count(), 7, "plain placeholders, bound in order: {sqlite}");
    }
}
