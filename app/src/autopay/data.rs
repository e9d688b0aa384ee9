//! SQL for AutoPay: enrollments (the customer's side) and runs (the collection side).
//! Every customer query names the customer, so another customer's ids find nothing.

use crate::email::Composed;
use crate::platform::db::{now, Db};
use crate::platform::vault::{Binding, Sealed};

async fn queue_with(conn: &mut sqlx::AnyConnection, m: &Composed) -> Result<i64, sqlx::Error> {
    crate::email::data::insert_with(conn, &m.to, m.locale, m.kind, &m.subject, &m.text, &m.html)
        .await
}

// ---------------------------------------------------------------------------------------
// Enrollments

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub account_id: i64,
    pub number: String,
}

pub async fn accounts(db: &Db, customer_id: i64) -> Result<Vec<AccountRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id AS account_id, c.customer_number || '-' || a.account_number AS number \
         FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.customer_id = $1 ORDER BY a.account_number",
    )
    .bind(customer_id)
    .fetch_all(&db.pool)
    .await
}

pub async fn account(
    db: &Db,
    customer_id: i64,
    account_id: i64,
) -> Result<Option<AccountRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id AS account_id, c.customer_number || '-' || a.account_number AS number \
         FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.customer_id = $1 AND a.id = $2",
    )
    .bind(customer_id)
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await
}

/// A saved method as a label needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MethodRow {
    pub id: i64,
    pub kind: String,
    pub last4: String,
    pub bank_account_type: Option<String>,
    pub card_brand: Option<String>,
    pub exp_month: Option<i64>,
    pub exp_year: Option<i64>,
}

pub async fn method(
    db: &Db,
    customer_id: i64,
    method_id: i64,
) -> Result<Option<MethodRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, last4, bank_account_type, card_brand, exp_month, exp_year FROM payment_methods \
         WHERE id = $1 AND customer_id = $2 AND removed_at IS NULL",
    )
    .bind(method_id)
    .bind(customer_id)
    .fetch_optional(&db.pool)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EnrollmentRow {
    pub id: i64,
    pub account_id: i64,
    pub number: String,
    pub payment_method_id: i64,
    pub amount_rule: String,
    pub fixed_amount_cents: Option<i64>,
    pub days_before_due: i64,
    pub max_amount_cents: Option<i64>,
    pub authorization_text: String,
    pub reference: String,
    pub active: i64,
    pub created_at: i64,
}

const ENROLLMENT: &str = "SELECT e.id, e.account_id, c.customer_number || '-' || a.account_number AS number, \
     e.payment_method_id, e.amount_rule, e.fixed_amount_cents, e.days_before_due, e.max_amount_cents, \
     e.authorization_text, e.reference, e.active, e.created_at \
     FROM autopay_enrollments e JOIN accounts a ON a.id = e.account_id JOIN customers c ON c.id = a.customer_id";

pub async fn active_enrollment(
    db: &Db,
    customer_id: i64,
    account_id: i64,
) -> Result<Option<EnrollmentRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{ENROLLMENT} WHERE a.customer_id = $1 AND e.account_id = $2 AND e.active = 1"
    ))
    .bind(customer_id)
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await
}

pub async fn enrollment_by_reference(
    db: &Db,
    customer_id: i64,
    reference: &str,
) -> Result<Option<EnrollmentRow>, sqlx::Error> {
    sqlx::query_as(&format!("{ENROLLMENT} WHERE a.customer_id = $1 AND e.reference = $2"))
        .bind(customer_id)
        .bind(reference)
        .fetch_optional(&db.pool)
        .await
}

/// The oldest open bill the enrollment would pay: still owing, not yet past due, not yet paid.
pub async fn first_open_bill(
    db: &Db,
    account_id: i64,
    today: &str,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT b.due_date, b.balance_cents FROM bills b WHERE b.account_id = $1 AND b.balance_cents > 0 AND b.due_date >= $2 \
         AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.bill_id = b.id) ORDER BY b.due_date LIMIT 1",
    )
    .bind(account_id)
    .bind(today)
    .fetch_optional(&db.pool)
    .await
}

pub struct NewEnrollment<'a> {
    pub account_id: i64,
    pub method_id: i64,
    pub rule: &'a crate::domain::autopay::AutopayRule,
    pub authorization_text: &'a str,
    pub channel: &'a str,
    pub reference: &'a str,
    pub idempotency_key: &'a str,
    /// A change: the account's active enrollment ends in the same transaction.
    pub replaces_active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enrolled {
    /// The new enrollment's reference.
    New(String),
    /// This form was submitted before, or another tab enrolled the account first: the
    /// enrollment that exists.
    Existing(String),
}

/// Enrolls (or changes) once per form: the idempotency key and the one-active-enrollment
/// index decide, and the confirmation email is queued in the same transaction. A form sent
/// again after its enrollment exists conflicts on its key, and everything it did is undone.
pub async fn enroll(
    db: &Db,
    e: NewEnrollment<'_>,
    email: Option<&Composed>,
) -> Result<Enrolled, sqlx::Error> {
    // The transaction writes first: on SQLite a transaction that read before writing fails
    // at once, rather than waits, when another writer went first.
    let mut tx = db.pool.begin().await?;
    let at = now();
    if e.replaces_active {
        sqlx::query("UPDATE autopay_enrollments SET active = 0, cancelled_at = $1 WHERE account_id = $2 AND active = 1")
            .bind(at)
            .bind(e.account_id)
            .execute(&mut *tx)
            .await?;
    }
    let (rule, fixed, days, max) = e.rule.columns();
    let inserted = sqlx::query(
        "INSERT INTO autopay_enrollments (account_id, payment_method_id, amount_rule, fixed_amount_cents, days_before_due, \
         max_amount_cents, authorization_text, authorization_channel, reference, idempotency_key, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11) ON CONFLICT DO NOTHING",
    )
    .bind(e.account_id)
    .bind(e.method_id)
    .bind(rule)
    .bind(fixed)
    .bind(days)
    .bind(max)
    .bind(e.authorization_text)
    .bind(e.channel)
    .bind(e.reference)
    .bind(e.idempotency_key)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        drop(tx);
        // Lost a race: to the same form (its key) or to another tab (the account's index).
        let winner: Option<(String,)> = sqlx::query_as(
            "SELECT reference FROM autopay_enrollments WHERE idempotency_key = $1 \
             UNION ALL SELECT reference FROM autopay_enrollments WHERE account_id = $2 AND active = 1",
        )
        .bind(e.idempotency_key)
        .bind(e.account_id)
        .fetch_optional(&db.pool)
        .await?;
        return match winner {
            Some((reference,)) => Ok(Enrolled::Existing(reference)),
            None => Err(sqlx::Error::RowNotFound),
        };
    }
    if let Some(m) = email {
        queue_with(&mut tx, m).await?;
    }
    tx.commit().await?;
    Ok(Enrolled::New(e.reference.to_string()))
}

/// Ends the account's AutoPay; payments not yet sent to the bank or the card processor are
/// withdrawn with it. False when there was nothing to cancel.
pub async fn cancel(
    db: &Db,
    customer_id: i64,
    account_id: i64,
    email: Option<&Composed>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let at = now();
    let ended = sqlx::query(
        "UPDATE autopay_enrollments SET active = 0, cancelled_at = $1 WHERE account_id = $2 AND active = 1 \
         AND account_id IN (SELECT id FROM accounts WHERE customer_id = $3)",
    )
    .bind(at)
    .bind(account_id)
    .bind(customer_id)
    .execute(&mut *tx)
    .await?;
    if ended.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE payments SET status = 'skipped', failure_reason = 'cancelled', updated_at = $1 \
         WHERE account_id = $2 AND status = 'pending' AND nacha_file_id IS NULL \
         AND (claimed_until IS NULL OR claimed_until < $1)",
    )
    .bind(at)
    .bind(account_id)
    .execute(&mut *tx)
    .await?;
    if let Some(m) = email {
        queue_with(&mut tx, m).await?;
    }
    tx.commit().await?;
    Ok(true)
}

// ---------------------------------------------------------------------------------------
// Runs

/// An open bill of an enrolled account, with everything the run decides with.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Candidate {
    pub bill_id: i64,
    pub account_id: i64,
    pub number: String,
    pub due_date: String,
    pub balance_cents: i64,
    pub enrollment_id: i64,
    pub payment_method_id: i64,
    pub amount_rule: String,
    pub fixed_amount_cents: Option<i64>,
    pub days_before_due: i64,
    pub max_amount_cents: Option<i64>,
    pub kind: String,
    pub last4: String,
    pub bank_account_type: Option<String>,
    pub card_brand: Option<String>,
    pub email: Option<String>,
    pub locale: Option<String>,
}

/// Open, unpaid bills of enrolled accounts due on one date, in pages by bill id so that
/// memory stays flat however many accounts are enrolled. Only a method of the account's
/// current customer, not removed, pays: an account that changed hands never drafts the
/// former customer's bank account or card. (This and every query of the run below.)
pub async fn candidates(
    db: &Db,
    due_date: &str,
    after_bill: i64,
    limit: i64,
    unreminded: bool,
) -> Result<Vec<Candidate>, sqlx::Error> {
    let reminder = if unreminded {
        "AND NOT EXISTS (SELECT 1 FROM autopay_reminders r WHERE r.bill_id = b.id)"
    } else {
        ""
    };
    sqlx::query_as(&format!(
        "SELECT b.id AS bill_id, b.account_id, c.customer_number || '-' || a.account_number AS number, b.due_date, \
         b.balance_cents, e.id AS enrollment_id, e.payment_method_id, e.amount_rule, e.fixed_amount_cents, \
         e.days_before_due, e.max_amount_cents, m.kind, m.last4, m.bank_account_type, m.card_brand, l.email, l.locale \
         FROM bills b JOIN autopay_enrollments e ON e.account_id = b.account_id AND e.active = 1 \
         JOIN accounts a ON a.id = b.account_id JOIN customers c ON c.id = a.customer_id \
         JOIN payment_methods m ON m.id = e.payment_method_id AND m.customer_id = a.customer_id AND m.removed_at IS NULL \
         LEFT JOIN logins l ON l.customer_id = a.customer_id \
         WHERE b.due_date = $1 AND b.id > $2 AND b.balance_cents > 0 \
         AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.bill_id = b.id) {reminder} \
         ORDER BY b.id LIMIT $3"
    ))
    .bind(due_date)
    .bind(after_bill)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

pub struct NewPayment<'a> {
    pub bill_id: i64,
    pub account_id: i64,
    pub enrollment_id: i64,
    pub method_id: i64,
    pub amount_cents: i64,
    pub draft_date: &'a str,
    /// Over the customer's maximum: recorded as skipped, with the email that says so
    /// (none when the customer has no login to write to).
    pub skipped: bool,
    pub skipped_email: Option<Composed>,
}

/// Creates the payments of one page in one transaction, several rows per statement. A bill
/// that already has its payment (another run got there first) is left alone:
/// `payments.bill_id` is unique. Returns (created, skipped).
pub async fn create_payments(
    db: &Db,
    payments: &[NewPayment<'_>],
) -> Result<(usize, usize), sqlx::Error> {
    const ROWS_PER_STATEMENT: usize = 50;
    let mut tx = db.pool.begin().await?;
    let at = now();
    let mut created_bills = std::collections::HashSet::new();
    for chunk in payments.chunks(ROWS_PER_STATEMENT) {
        // Eight values per payment, then the time, bound once after all of them.
        let at_param = chunk.len() * 8 + 1;
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let n = i * 8;
                let own: Vec<String> = (1..=8).map(|k| format!("${}", n + k)).collect();
                format!("({}, ${at_param}, ${at_param})", own.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO payments (bill_id, account_id, enrollment_id, payment_method_id, amount_cents, draft_date, status, \
             failure_reason, created_at, updated_at) VALUES {} ON CONFLICT (bill_id) DO NOTHING RETURNING bill_id",
            values.join(", ")
        );
        let mut query = sqlx::query_as::<_, (i64,)>(&sql);
        for p in chunk {
            query = query
                .bind(p.bill_id)
                .bind(p.account_id)
                .bind(p.enrollment_id)
                .bind(p.method_id)
                .bind(p.amount_cents)
                .bind(p.draft_date)
                .bind(if p.skipped { "skipped" } else { "pending" })
                .bind(p.skipped.then_some("over the customer's maximum"));
        }
        for (bill_id,) in query.bind(at).fetch_all(&mut *tx).await? {
            created_bills.insert(bill_id);
        }
    }
    let created: Vec<&NewPayment<'_>> =
        payments.iter().filter(|p| created_bills.contains(&p.bill_id)).collect();
    let skipped = created.iter().filter(|p| p.skipped).count();
    let emails: Vec<&Composed> = created.iter().filter_map(|p| p.skipped_email.as_ref()).collect();
    crate::email::data::insert_many_with(&mut tx, &emails).await?;
    tx.commit().await?;
    Ok((created.len(), skipped))
}

/// The bill's one reminder; false when it was sent before.
pub async fn queue_reminder(db: &Db, bill_id: i64, m: &Composed) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let claimed = sqlx::query("INSERT INTO autopay_reminders (bill_id, sent_at) VALUES ($1, $2) ON CONFLICT (bill_id) DO NOTHING")
        .bind(bill_id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    if claimed.rows_affected() != 1 {
        return Ok(false);
    }
    let email_id = queue_with(&mut tx, m).await?;
    sqlx::query("UPDATE autopay_reminders SET email_id = $1 WHERE bill_id = $2")
        .bind(email_id)
        .bind(bill_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// A NACHA file as recorded.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NachaFileRow {
    pub id: i64,
    pub file_name: String,
    pub run_date: String,
    pub entry_count: i64,
    pub total_debit_cents: i64,
    pub created_at: i64,
    pub written_at: Option<i64>,
}

/// Claims for one new file, in one transaction: every e-check payment still pending (whose
/// bank account's prenote, when prenotes are used, has had time to come back), and every
/// new bank account of an active enrollment that needs its prenote. None when there is
/// nothing to send. Two runs at once each claim different payments: a payment joins a file
/// only while its `nacha_file_id` is empty.
///
/// A file holds at most `max_entries` debits (and as many prenotes), so that the run's
/// memory stays flat however many accounts pay by bank: a bigger day makes more files.
pub async fn claim_file(
    db: &Db,
    run_date: &str,
    prenotes: Option<(i64, i64)>,
    max_entries: i64,
) -> Result<Option<NachaFileRow>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let at = now();
    let placeholder = format!("claiming-{}", crate::platform::tokens::random_token());
    let (file_id,): (i64,) = sqlx::query_as(
        "INSERT INTO nacha_files (file_name, run_date, entry_count, total_debit_cents, created_at) VALUES ($1, $2, 0, 0, $3) RETURNING id",
    )
    .bind(&placeholder)
    .bind(run_date)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    // prenotes: (the file's banking date, the latest prenote date a debit may follow).
    let maturity = match prenotes {
        Some((_, matured_by)) => {
            format!("AND (m.prenote_sent_at IS NOT NULL AND m.prenote_sent_at <= {matured_by})")
        }
        None => String::new(),
    };
    let debits = sqlx::query(&format!(
        "UPDATE payments SET nacha_file_id = $1, status = 'submitted', updated_at = $2 \
         WHERE status = 'pending' AND nacha_file_id IS NULL AND id IN \
         (SELECT p.id FROM payments p JOIN accounts a ON a.id = p.account_id \
          JOIN payment_methods m ON m.id = p.payment_method_id AND m.customer_id = a.customer_id AND m.removed_at IS NULL \
          WHERE p.status = 'pending' AND p.nacha_file_id IS NULL AND m.kind = 'echeck' {maturity} ORDER BY p.id LIMIT $3)"
    ))
    .bind(file_id)
    .bind(at)
    .bind(max_entries)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let mut prenoted = 0;
    if let Some((banking_date, _)) = prenotes {
        prenoted = sqlx::query(
            "UPDATE payment_methods SET prenote_file_id = $1, prenote_sent_at = $2 \
             WHERE prenote_file_id IS NULL AND id IN (SELECT m.id FROM payment_methods m \
             WHERE m.kind = 'echeck' AND m.prenote_sent_at IS NULL AND m.prenote_file_id IS NULL AND m.removed_at IS NULL \
             AND m.id IN (SELECT e.payment_method_id FROM autopay_enrollments e JOIN accounts a ON a.id = e.account_id \
             WHERE e.active = 1 AND a.customer_id = m.customer_id) ORDER BY m.id LIMIT $3)",
        )
        .bind(file_id)
        .bind(banking_date)
        .bind(max_entries)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    if debits + prenoted == 0 {
        return Ok(None);
    }
    // The bill shows the payment as made from the moment the debit goes to the bank.
    sqlx::query(
        "UPDATE bills SET balance_cents = balance_cents - (SELECT p.amount_cents FROM payments p WHERE p.bill_id = bills.id), \
         updated_at = $2 WHERE id IN (SELECT bill_id FROM payments WHERE nacha_file_id = $1)",
    )
    .bind(file_id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let (count, total): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM payments WHERE nacha_file_id = $1",
    )
    .bind(file_id)
    .fetch_one(&mut *tx)
    .await?;
    let file_name = format!("aqueduct-{run_date}-{file_id:06}.ach");
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
        run_date: run_date.to_string(),
        entry_count: count + prenoted as i64,
        total_debit_cents: total,
        created_at: at,
        written_at: None,
    }))
}

/// Files recorded but not yet in the folder (a run stopped between the two).
pub async fn unwritten_files(db: &Db) -> Result<Vec<NachaFileRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, file_name, run_date, entry_count, total_debit_cents, created_at, written_at FROM nacha_files \
         WHERE written_at IS NULL AND file_name NOT LIKE 'claiming-%' ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
}

/// A file as recorded now (its counts change when lines are withdrawn).
pub async fn file(db: &Db, file_id: i64) -> Result<Option<NachaFileRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, file_name, run_date, entry_count, total_debit_cents, created_at, written_at FROM nacha_files WHERE id = $1")
        .bind(file_id)
        .fetch_optional(&db.pool)
        .await
}

/// The file's place among the files of its day (0 for the first): its file id modifier.
pub async fn file_index_on_date(db: &Db, file: &NachaFileRow) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM nacha_files WHERE run_date = $1 AND id < $2 AND file_name NOT LIKE 'claiming-%'")
        .bind(&file.run_date)
        .bind(file.id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n)
}

pub async fn mark_written(db: &Db, file_id: i64) -> Result<(), sqlx::Error> {
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
    /// The debit's payment; none for a prenote.
    pub payment_id: Option<i64>,
    pub method_id: i64,
    /// 1 while the method is not removed and (for a debit) belongs to the account's current
    /// customer: an account can change hands between the claim and the writing.
    pub usable: i64,
    /// The method's customer, whom (with `method_id`) the account number is sealed for, and
    /// whether it is bound to them.
    pub customer_id: i64,
    pub account_bound: i64,
}

impl FileLine {
    pub fn sealed(&self) -> Sealed {
        Sealed {
            key_id: self.account_key_id.clone(),
            bytes: self.account_ciphertext.clone(),
            bound: self.account_bound == 1,
        }
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
pub async fn file_lines(db: &Db, file_id: i64) -> Result<Vec<FileLine>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.amount_cents, m.routing_number, m.bank_account_type, m.account_ciphertext, m.account_key_id, m.holder_name, \
         c.customer_number || a.account_number AS number, e.authorization_channel AS channel, \
         p.id AS payment_id, m.id AS method_id, \
         CAST(CASE WHEN m.customer_id = a.customer_id AND m.removed_at IS NULL THEN 1 ELSE 0 END AS BIGINT) AS usable, \
         m.customer_id, m.account_bound \
         FROM payments p JOIN payment_methods m ON m.id = p.payment_method_id JOIN accounts a ON a.id = p.account_id \
         JOIN customers c ON c.id = a.customer_id JOIN autopay_enrollments e ON e.id = p.enrollment_id \
         WHERE p.nacha_file_id = $1 \
         UNION ALL \
         SELECT 0, m.routing_number, m.bank_account_type, m.account_ciphertext, m.account_key_id, m.holder_name, \
         c.customer_number AS number, \
         COALESCE((SELECT MIN(e.authorization_channel) FROM autopay_enrollments e WHERE e.payment_method_id = m.id), 'WEB') AS channel, \
         NULL, m.id, CAST(CASE WHEN m.removed_at IS NULL THEN 1 ELSE 0 END AS BIGINT), m.customer_id, m.account_bound \
         FROM payment_methods m JOIN customers c ON c.id = m.customer_id \
         WHERE m.prenote_file_id = $1 AND m.prenote_sent_at IS NOT NULL \
         ORDER BY 7, 1",
    )
    .bind(file_id)
    .fetch_all(&db.pool)
    .await
}

/// A line of a file, to withdraw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineRef {
    Debit(i64),
    Prenote(i64),
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
    file_id: i64,
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
    file_id: i64,
    payment_id: i64,
    status: &str,
    reason: &str,
    at: i64,
) -> Result<usize, sqlx::Error> {
    let taken: Option<(i64, i64)> = sqlx::query_as(&format!(
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
    sqlx::query(
        "UPDATE bills SET balance_cents = balance_cents + $1, updated_at = $2 WHERE id = $3",
    )
    .bind(amount)
    .bind(at)
    .bind(bill_id)
    .execute(&mut *conn)
    .await?;
    Ok(1)
}

async fn withdraw_prenote(
    conn: &mut sqlx::AnyConnection,
    file_id: i64,
    method_id: i64,
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
async fn recount_file(conn: &mut sqlx::AnyConnection, file_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE nacha_files SET \
         entry_count = (SELECT COUNT(*) FROM payments WHERE nacha_file_id = $1) \
           + (SELECT COUNT(*) FROM payment_methods WHERE prenote_file_id = $1 AND prenote_sent_at IS NOT NULL), \
         total_debit_cents = (SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM payments WHERE nacha_file_id = $1) \
         WHERE id = $1 AND written_at IS NULL",
    )
    .bind(file_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A card or wallet payment waiting to be charged, with what its emails say and to whom.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CardPayment {
    pub id: i64,
    pub bill_id: i64,
    pub amount_cents: i64,
    pub gateway_token: Option<String>,
    pub number: String,
    pub email: Option<String>,
    pub locale: Option<String>,
    pub kind: String,
    pub card_brand: Option<String>,
    pub last4: String,
    pub draft_date: String,
    pub due_date: String,
}

pub async fn pending_card_payments(
    db: &Db,
    after: i64,
    limit: i64,
) -> Result<Vec<CardPayment>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, p.bill_id, p.amount_cents, m.gateway_token, c.customer_number || '-' || a.account_number AS number, \
         l.email, l.locale, m.kind, m.card_brand, m.last4, p.draft_date, b.due_date FROM payments p \
         JOIN bills b ON b.id = p.bill_id JOIN accounts a ON a.id = p.account_id JOIN customers c ON c.id = a.customer_id \
         JOIN payment_methods m ON m.id = p.payment_method_id AND m.customer_id = a.customer_id AND m.removed_at IS NULL \
         LEFT JOIN logins l ON l.customer_id = a.customer_id \
         WHERE p.status = 'pending' AND m.kind <> 'echeck' AND p.id > $1 AND (p.claimed_until IS NULL OR p.claimed_until < $2) \
         ORDER BY p.id LIMIT $3",
    )
    .bind(after)
    .bind(now())
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// Takes the pending card and wallet payments with ids in `(after, last]` for charging, for
/// `lease_secs`, in one statement; returns the ids this run got (another run holds the rest,
/// or they are no longer pending).
pub async fn claim_card_payments(
    db: &Db,
    after: i64,
    last: i64,
    lease_secs: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let at = now();
    let rows: Vec<(i64,)> = sqlx::query_as(
        "UPDATE payments SET claimed_until = $1 WHERE id > $2 AND id <= $3 AND status = 'pending' \
         AND (claimed_until IS NULL OR claimed_until < $4) \
         AND EXISTS (SELECT 1 FROM payment_methods m JOIN accounts a ON a.id = payments.account_id \
         WHERE m.id = payments.payment_method_id AND m.kind <> 'echeck' AND m.customer_id = a.customer_id AND m.removed_at IS NULL) \
         RETURNING id",
    )
    .bind(at + lease_secs)
    .bind(after)
    .bind(last)
    .bind(at)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The processor's answer to one charge.
pub enum CardAnswer {
    Approved(String),
    Declined(String),
    /// Not reached: the payment stays pending for the next run.
    Retry,
}

/// Records a page of the processor's answers in one transaction: each payment's state, the
/// bill's new balance when approved, and the email that tells the customer.
pub async fn finish_card_payments(
    db: &Db,
    answers: &[(&CardPayment, CardAnswer, Option<Composed>)],
) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let at = now();
    let mut emails = Vec::new();
    for (payment, answer, email) in answers {
        let (status, reference, reason) = match answer {
            CardAnswer::Approved(r) => ("paid", Some(r.as_str()), None),
            CardAnswer::Declined(r) => ("failed", None, Some(r.as_str())),
            CardAnswer::Retry => {
                sqlx::query(
                    "UPDATE payments SET claimed_until = NULL WHERE id = $1 AND status = 'pending'",
                )
                .bind(payment.id)
                .execute(&mut *tx)
                .await?;
                continue;
            }
        };
        let done = sqlx::query(
            "UPDATE payments SET status = $1, gateway_reference = $2, failure_reason = $3, claimed_until = NULL, \
             receipt_sent_at = $4, updated_at = $4 WHERE id = $5 AND status = 'pending'",
        )
        .bind(status)
        .bind(reference)
        .bind(reason)
        .bind(at)
        .bind(payment.id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            continue;
        }
        if reference.is_some() {
            sqlx::query("UPDATE bills SET balance_cents = balance_cents - $1, updated_at = $2 WHERE id = $3")
                .bind(payment.amount_cents)
                .bind(at)
                .bind(payment.bill_id)
                .execute(&mut *tx)
                .await?;
        }
        emails.extend(email.as_ref());
    }
    crate::email::data::insert_many_with(&mut tx, &emails).await?;
    tx.commit().await?;
    Ok(())
}

/// An e-check payment sent to the bank whose receipt is not yet queued.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReceiptDue {
    pub id: i64,
    pub amount_cents: i64,
    pub draft_date: String,
    pub last4: String,
    pub bank_account_type: Option<String>,
    pub number: String,
    pub email: Option<String>,
    pub locale: Option<String>,
}

/// Bank files with payments whose receipt is not yet queued.
pub async fn files_owing_receipts(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT f.id FROM nacha_files f WHERE f.written_at IS NOT NULL AND EXISTS \
         (SELECT 1 FROM payments p WHERE p.nacha_file_id = f.id AND p.status = 'submitted' AND p.receipt_sent_at IS NULL) ORDER BY f.id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

pub async fn receipts_due(
    db: &Db,
    file_id: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<ReceiptDue>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, p.amount_cents, p.draft_date, m.last4, m.bank_account_type, \
         c.customer_number || '-' || a.account_number AS number, l.email, l.locale FROM payments p \
         JOIN payment_methods m ON m.id = p.payment_method_id \
         JOIN accounts a ON a.id = p.account_id JOIN customers c ON c.id = a.customer_id \
         LEFT JOIN logins l ON l.customer_id = a.customer_id \
         WHERE p.nacha_file_id = $1 AND p.id > $2 AND p.status = 'submitted' AND p.receipt_sent_at IS NULL \
         ORDER BY p.id LIMIT $3",
    )
    .bind(file_id)
    .bind(after)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// Queues the receipts of one page of a file, each payment's at most once: the page is
/// marked in one statement, and only what this run marked gets its email.
pub async fn queue_receipts(
    db: &Db,
    file_id: i64,
    after: i64,
    last: i64,
    receipts: &[(i64, Option<Composed>)],
) -> Result<usize, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let marked: Vec<(i64,)> = sqlx::query_as(
        "UPDATE payments SET receipt_sent_at = $1 WHERE nacha_file_id = $2 AND id > $3 AND id <= $4 \
         AND status = 'submitted' AND receipt_sent_at IS NULL RETURNING id",
    )
    .bind(now())
    .bind(file_id)
    .bind(after)
    .bind(last)
    .fetch_all(&mut *tx)
    .await?;
    let marked: std::collections::HashSet<i64> = marked.into_iter().map(|r| r.0).collect();
    let emails: Vec<&Composed> = receipts
        .iter()
        .filter(|(id, _)| marked.contains(id))
        .filter_map(|(_, m)| m.as_ref())
        .collect();
    crate::email::data::insert_many_with(&mut tx, &emails).await?;
    tx.commit().await?;
    Ok(emails.len())
}
