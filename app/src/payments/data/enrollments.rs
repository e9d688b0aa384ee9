//! SQL for ending an account's AutoPay (whoever asks). Every query names the customer, so
//! another customer's account id finds nothing.

use crate::domain::{AccountId, CustomerId};
use crate::email::data::insert_with;
use crate::email::Composed;
use crate::platform::db::{now, Db};

/// An account's active enrollment, as its cancellation names it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActiveEnrollment {
    pub reference: String,
    /// `customer-account`, as on the bill.
    pub number: String,
}

pub async fn active(
    db: &Db,
    customer_id: CustomerId,
    account_id: AccountId,
) -> Result<Option<ActiveEnrollment>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.reference, c.customer_number || '-' || a.account_number AS number \
         FROM autopay_enrollments e JOIN accounts a ON a.id = e.account_id JOIN customers c ON c.id = a.customer_id \
         WHERE a.customer_id = $1 AND e.account_id = $2 AND e.active = 1",
    )
    .bind(customer_id)
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await
}

/// Ends the account's AutoPay; payments not yet sent to the bank or the card processor are
/// withdrawn with it, and the email that says so is queued in the same transaction. False
/// when there was nothing to cancel.
pub async fn cancel(
    db: &Db,
    customer_id: CustomerId,
    account_id: AccountId,
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
    super::withdraw_unsent(&mut tx, account_id, "cancelled", at).await?;
    if let Some(m) = email {
        insert_with(&mut tx, m).await?;
    }
    tx.commit().await?;
    Ok(true)
}
