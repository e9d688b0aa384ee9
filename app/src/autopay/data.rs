//! SQL for AutoPay: enrollments (the customer's side), and what a run decides with: the
//! bills due and their reminders (the payments themselves are `payments`').
//! Every customer query names the customer, so another customer's ids find nothing.

use crate::auth::data::{owned_account, owned_accounts};
use crate::domain::autopay::calendar;
use crate::domain::{AccountId, BillId, Cents, CustomerId, EnrollmentId, MethodId};
use crate::email::data::{insert_with, queue_once, OncePerBill};
use crate::email::Composed;
use crate::platform::db::{now, Db, IsoDate};
use time::Date;

// ---------------------------------------------------------------------------------------
// Enrollments

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub account_id: AccountId,
    pub number: String,
}

pub async fn accounts(db: &Db, customer_id: CustomerId) -> Result<Vec<AccountRow>, sqlx::Error> {
    owned_accounts(db, customer_id, "").await
}

pub async fn account(
    db: &Db,
    customer_id: CustomerId,
    account_id: AccountId,
) -> Result<Option<AccountRow>, sqlx::Error> {
    owned_account(db, customer_id, account_id, "").await
}

/// A saved method as a label needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MethodRow {
    pub id: MethodId,
    pub kind: String,
    pub last4: String,
    pub bank_account_type: Option<String>,
    pub card_brand: Option<String>,
    pub exp_month: Option<i64>,
    pub exp_year: Option<i64>,
    /// Set while the bank's return makes it unusable (`payment_methods.unusable_code`).
    pub unusable_code: Option<String>,
}

pub async fn method(
    db: &Db,
    customer_id: CustomerId,
    method_id: MethodId,
) -> Result<Option<MethodRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, last4, bank_account_type, card_brand, exp_month, exp_year, unusable_code FROM payment_methods \
         WHERE id = $1 AND customer_id = $2 AND removed_at IS NULL AND kept = 1",
    )
    .bind(method_id)
    .bind(customer_id)
    .fetch_optional(&db.pool)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EnrollmentRow {
    pub id: EnrollmentId,
    pub account_id: AccountId,
    pub number: String,
    pub payment_method_id: MethodId,
    pub amount_rule: String,
    pub fixed_amount_cents: Option<i64>,
    pub days_before_due: i64,
    pub max_amount_cents: Option<i64>,
    pub authorization_text: String,
    pub reference: String,
    pub active: i64,
    pub created_at: i64,
    /// The return reason code that suspended it; none while it drafts.
    pub suspended_code: Option<String>,
}

const ENROLLMENT: &str = "SELECT e.id, e.account_id, c.customer_number || '-' || a.account_number AS number, \
     e.payment_method_id, e.amount_rule, e.fixed_amount_cents, e.days_before_due, e.max_amount_cents, \
     e.authorization_text, e.reference, e.active, e.created_at, e.suspended_code \
     FROM autopay_enrollments e JOIN accounts a ON a.id = e.account_id JOIN customers c ON c.id = a.customer_id";

pub async fn active_enrollment(
    db: &Db,
    customer_id: CustomerId,
    account_id: AccountId,
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
    customer_id: CustomerId,
    reference: &str,
) -> Result<Option<EnrollmentRow>, sqlx::Error> {
    sqlx::query_as(&format!("{ENROLLMENT} WHERE a.customer_id = $1 AND e.reference = $2"))
        .bind(customer_id)
        .bind(reference)
        .fetch_optional(&db.pool)
        .await
}

/// A bill AutoPay would pay next.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenBill {
    #[sqlx(try_from = "IsoDate")]
    pub due_date: Date,
    pub balance_cents: Cents,
}

/// The oldest open bill the enrollment would pay: still owing, not yet past due, not yet paid.
pub async fn first_open_bill(
    db: &Db,
    account_id: AccountId,
    today: Date,
) -> Result<Option<OpenBill>, sqlx::Error> {
    sqlx::query_as(
        "SELECT b.due_date, b.balance_cents FROM bills b WHERE b.account_id = $1 AND b.balance_cents > 0 AND b.due_date >= $2 \
         AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.bill_id = b.id AND p.channel = 'autopay') ORDER BY b.due_date LIMIT 1",
    )
    .bind(account_id)
    .bind(calendar::iso(today))
    .fetch_optional(&db.pool)
    .await
}

pub struct NewEnrollment<'a> {
    pub account_id: AccountId,
    pub method_id: MethodId,
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
        insert_with(&mut tx, m).await?;
    }
    tx.commit().await?;
    Ok(Enrolled::New(e.reference.to_string()))
}

// ---------------------------------------------------------------------------------------
// Runs

/// An open bill of an enrolled account, with everything the run decides with.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Candidate {
    pub bill_id: BillId,
    pub account_id: AccountId,
    pub number: String,
    #[sqlx(try_from = "IsoDate")]
    pub due_date: Date,
    pub balance_cents: i64,
    pub enrollment_id: EnrollmentId,
    pub payment_method_id: MethodId,
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
/// former customer's bank account or card. (This, and every query of `payments` that
/// sends or charges a payment.) An enrollment suspended by a return, or whose method the
/// bank returned, is no candidate: no payment, no reminder, until the customer acts.
/// One-time payments of the bill's account that are scheduled or pending: not yet taken off
/// the balance, and AutoPay pays only what they leave.
const UNAPPLIED: &str =
    "CAST(COALESCE((SELECT SUM(q.amount_cents) FROM payments q WHERE q.account_id = b.account_id \
     AND q.channel <> 'autopay' AND q.status IN ('scheduled', 'pending')), 0) AS BIGINT)";

pub async fn candidates(
    db: &Db,
    due_date: Date,
    after_bill: BillId,
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
         b.balance_cents - {UNAPPLIED} AS balance_cents, e.id AS enrollment_id, e.payment_method_id, e.amount_rule, e.fixed_amount_cents, \
         e.days_before_due, e.max_amount_cents, m.kind, m.last4, m.bank_account_type, m.card_brand, l.email, l.locale \
         FROM bills b JOIN autopay_enrollments e ON e.account_id = b.account_id AND e.active = 1 AND e.suspended_code IS NULL \
         JOIN accounts a ON a.id = b.account_id JOIN customers c ON c.id = a.customer_id \
         JOIN payment_methods m ON m.id = e.payment_method_id AND m.customer_id = a.customer_id AND m.removed_at IS NULL \
         AND m.unusable_code IS NULL \
         LEFT JOIN logins l ON l.customer_id = a.customer_id \
         WHERE b.due_date = $1 AND b.id > $2 AND b.balance_cents - {UNAPPLIED} > 0 \
         AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.bill_id = b.id AND p.channel = 'autopay') {reminder} \
         ORDER BY b.id LIMIT $3"
    ))
    .bind(calendar::iso(due_date))
    .bind(after_bill)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// The bill's one reminder; false when it was sent before.
pub async fn queue_reminder(db: &Db, bill_id: BillId, m: &Composed) -> Result<bool, sqlx::Error> {
    queue_once(db, OncePerBill::AutopayReminder, bill_id, m).await
}
