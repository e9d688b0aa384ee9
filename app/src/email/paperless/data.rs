//! SQL for an account's bill delivery. Account queries name the customer, so another
//! customer's account id finds nothing.

use crate::auth::data::owned_account;
use crate::domain::{AccountId, BillId, CustomerId};
use crate::platform::db::{now, Db};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub account_id: AccountId,
    pub number: String,
    pub delivery_method: String,
    pub delivery_email: Option<String>,
}

/// The columns a customer's accounts add for their delivery.
pub const DELIVERY: &str = ", a.delivery_method, a.delivery_email";

pub async fn account(
    db: &Db,
    customer_id: CustomerId,
    account_id: AccountId,
) -> Result<Option<DeliveryRow>, sqlx::Error> {
    owned_account(db, customer_id, account_id, DELIVERY).await
}

/// The address waiting for verification on an account, if its link is still good.
pub async fn pending_email(db: &Db, account_id: AccountId) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT email FROM one_time_tokens WHERE purpose = 'delivery-email' AND account_id = $1 \
         AND used_at IS NULL AND expires_at >= $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(account_id)
    .bind(now())
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.and_then(|r| r.0))
}

pub async fn set_paper(db: &Db, account_id: AccountId) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET delivery_method = 'paper', delivery_email = NULL, updated_at = $1 WHERE id = $2")
        .bind(now())
        .bind(account_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A new bill of an account on email delivery, with where and in which language to say so.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BillToAnnounce {
    pub bill_id: BillId,
    pub number: String,
    pub email: String,
    pub locale: String,
    pub amount_cents: i64,
    #[sqlx(try_from = "crate::platform::db::IsoDate")]
    pub due_date: time::Date,
}

pub async fn bill_to_announce(
    db: &Db,
    bill_id: BillId,
) -> Result<Option<BillToAnnounce>, sqlx::Error> {
    sqlx::query_as(
        "SELECT b.id AS bill_id, c.customer_number || '-' || a.account_number AS number, a.delivery_email AS email, \
         COALESCE((SELECT l.locale FROM logins l WHERE l.customer_id = a.customer_id), 'en') AS locale, \
         b.amount_cents, b.due_date \
         FROM bills b JOIN accounts a ON a.id = b.account_id JOIN customers c ON c.id = a.customer_id \
         WHERE b.id = $1 AND a.delivery_method = 'email' AND a.delivery_email IS NOT NULL",
    )
    .bind(bill_id)
    .fetch_optional(&db.pool)
    .await
}

/// Queues the bill's one "your bill is ready" email; false when it was queued before.
pub async fn queue_bill_email(
    db: &Db,
    bill_id: BillId,
    m: &crate::email::Composed,
) -> Result<bool, sqlx::Error> {
    use crate::email::data::{queue_once, OncePerBill};
    queue_once(db, OncePerBill::BillReady, bill_id, m).await
}
