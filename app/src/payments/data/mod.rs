//! SQL for payments: creating them, reading them, and withdrawing those not yet sent. The
//! other ways a payment moves are in the submodules (into a bank file, through the card
//! processor, its receipt), the routing directory (the bank of each routing number) and the
//! list of a customer's saved methods to pay with.

pub mod cards;
pub mod directory;
pub mod enrollments;
pub mod export;
pub mod history;
pub mod methods;
pub mod monitor;
pub mod nacha_files;
pub mod one_time;
pub mod receipts;
pub mod returns;
pub mod saved;

use crate::domain::{AccountId, BillId, EnrollmentId, MethodId};
use crate::email::Composed;
use crate::platform::db::{now, numbered, placeholders, Db};
use std::collections::HashMap;

pub struct NewPayment<'a> {
    pub bill_id: BillId,
    pub account_id: AccountId,
    /// The AutoPay enrollment that decided it.
    pub enrollment_id: Option<EnrollmentId>,
    pub method_id: MethodId,
    pub amount_cents: i64,
    pub draft_date: &'a str,
    /// An e-check's effective entry date (`banking_days::effective_entry_date`); none for a
    /// card or wallet, charged on its draft date.
    pub effective_date: Option<&'a str>,
    /// Over the customer's maximum: recorded as skipped, with the email that says so
    /// (none when the customer has no login to write to).
    pub skipped: bool,
    pub skipped_email: Option<Composed>,
}

/// Creates the payments of one page in one transaction, several rows per statement. A bill
/// that already has its payment (another run got there first) is left alone:
/// `payments.bill_id` is unique among AutoPay's payments. Returns (created, skipped).
pub async fn create_payments(
    db: &Db,
    payments: &[NewPayment<'_>],
) -> Result<(usize, usize), sqlx::Error> {
    const ROWS_PER_STATEMENT: usize = 50;
    let mut tx = db.pool.begin().await?;
    let at = now();
    let mut created_bills = std::collections::HashSet::new();
    for chunk in payments.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO payments (bill_id, account_id, enrollment_id, payment_method_id, amount_cents, draft_date, effective_date, status, \
             failure_reason, created_at, updated_at) VALUES {} ON CONFLICT (bill_id) WHERE channel = 'autopay' AND retry_of IS NULL DO NOTHING RETURNING bill_id",
            placeholders(db.backend, chunk.len(), 11)
        );
        let mut query = sqlx::query_as::<_, (BillId,)>(&sql);
        for p in chunk {
            query = query
                .bind(p.bill_id)
                .bind(p.account_id)
                .bind(p.enrollment_id)
                .bind(p.method_id)
                .bind(p.amount_cents)
                .bind(p.draft_date)
                .bind(p.effective_date)
                .bind(if p.skipped { "skipped" } else { "pending" })
                .bind(p.skipped.then_some("over the customer's maximum"))
                .bind(at)
                .bind(at);
        }
        for (bill_id,) in query.fetch_all(&mut *tx).await? {
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

/// Withdraws the account's payments not yet sent, in the caller's transaction, as
/// `skipped` with `reason`. A payment in a bank file, or leased by a run charging it right
/// now, is already on its way; everything else is withdrawn.
pub async fn withdraw_unsent(
    conn: &mut sqlx::AnyConnection,
    account_id: AccountId,
    reason: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE payments SET status = 'skipped', failure_reason = $1, updated_at = $2 \
         WHERE account_id = $3 AND status = 'pending' AND nacha_file_id IS NULL \
         AND (claimed_until IS NULL OR claimed_until < $2)",
    )
    .bind(reason)
    .bind(at)
    .bind(account_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Withdraws, as `skipped`, every payment not yet sent whose method the bank has since
/// returned (closed, invalid, not authorized: `payment_methods.unusable_code`), naming the
/// return code; returns how many. Like `withdraw_unsent`, a payment in a bank file or
/// leased by a run charging it is already on its way and left alone. Nothing was taken off
/// the bill for a pending payment, so no balance changes.
pub async fn withdraw_unusable(db: &Db) -> Result<u64, sqlx::Error> {
    let at = now();
    let done = sqlx::query(
        "UPDATE payments SET status = 'skipped', updated_at = $1, failure_reason = \
         'bank account returned by the bank (' || (SELECT m.unusable_code FROM payment_methods m \
         WHERE m.id = payments.payment_method_id) || ')' \
         WHERE status = 'pending' AND nacha_file_id IS NULL AND (claimed_until IS NULL OR claimed_until < $1) \
         AND EXISTS (SELECT 1 FROM payment_methods m WHERE m.id = payments.payment_method_id \
         AND m.unusable_code IS NOT NULL)",
    )
    .bind(at)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected())
}

/// A payment of an account as the overview lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaymentRow {
    pub draft_date: String,
    pub due_date: String,
    pub amount_cents: i64,
    pub status: String,
    pub last4: String,
}

/// A payment with the account it belongs to.
#[derive(sqlx::FromRow)]
struct OfAccount {
    account_id: AccountId,
    #[sqlx(flatten)]
    payment: PaymentRow,
}

/// Each account's latest `limit` payments, newest first, each dated as the history dates it
/// (an e-check's effective entry date once it has one): one statement for all of a
/// customer's accounts. An account without payments is left out.
pub async fn recent_by_account(
    db: &Db,
    accounts: &[AccountId],
    limit: i64,
) -> Result<HashMap<AccountId, Vec<PaymentRow>>, sqlx::Error> {
    if accounts.is_empty() {
        return Ok(HashMap::new());
    }
    let params = numbered(db.backend, accounts.len() + 1);
    let (ids, last) = params.split_at(accounts.len());
    let sql = format!(
        "SELECT account_id, draft_date, due_date, amount_cents, status, last4 FROM \
         (SELECT p.account_id, COALESCE(p.effective_date, p.draft_date) AS draft_date, b.due_date, p.amount_cents, \
         p.status, m.last4, ROW_NUMBER() OVER (PARTITION BY p.account_id \
         ORDER BY COALESCE(p.effective_date, p.draft_date) DESC, p.id DESC) AS place \
         FROM payments p JOIN bills b ON b.id = p.bill_id JOIN payment_methods m ON m.id = p.payment_method_id \
         WHERE p.account_id IN ({})) AS latest WHERE place <= {} ORDER BY account_id, place",
        ids.join(", "),
        last[0]
    );
    let mut query = sqlx::query_as::<_, OfAccount>(&sql);
    for account in accounts {
        query = query.bind(*account);
    }
    let mut found: HashMap<AccountId, Vec<PaymentRow>> = HashMap::new();
    for row in query.bind(limit).fetch_all(&db.pool).await? {
        found.entry(row.account_id).or_default().push(row.payment);
    }
    Ok(found)
}

/// A bill gets back an amount a payment took off it (a debit taken out of its file, or
/// returned by the bank): the bill shows it owed again.
pub(super) async fn give_back(
    conn: &mut sqlx::AnyConnection,
    bill_id: BillId,
    amount_cents: i64,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE bills SET balance_cents = balance_cents + $1, updated_at = $2 WHERE id = $3",
    )
    .bind(amount_cents)
    .bind(at)
    .bind(bill_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// `give_back` for many bills at once, (bill, cents) each bill once: a return file gives
/// thousands of bills their amounts back, one statement for a page of them.
pub(super) async fn give_back_many(
    conn: &mut sqlx::AnyConnection,
    amounts: &std::collections::BTreeMap<BillId, i64>,
    at: i64,
) -> Result<(), sqlx::Error> {
    let amounts: Vec<(&BillId, &i64)> = amounts.iter().collect();
    for chunk in amounts.chunks(500) {
        let values: Vec<String> =
            (0..chunk.len()).map(|i| format!("(${}, ${})", 2 * i + 2, 2 * i + 3)).collect();
        let sql = format!(
            "WITH v (id, cents) AS (VALUES {}) UPDATE bills SET balance_cents = balance_cents + \
             (SELECT v.cents FROM v WHERE v.id = bills.id), updated_at = $1 WHERE id IN (SELECT v.id FROM v)",
            values.join(", ")
        );
        // Not kept prepared: its text changes with its row count (see `returns`).
        let mut update = sqlx::query(&sql).persistent(false).bind(at);
        for (bill_id, cents) in chunk {
            update = update.bind(**bill_id).bind(**cents);
        }
        update.execute(&mut *conn).await?;
    }
    Ok(())
}
