//! SQL for bill delivery. Account queries name the customer, so another customer's account
//! id finds nothing.

use crate::auth::data::owned_accounts;
use crate::domain::{AccountId, CustomerId, TokenId};
use crate::platform::db::{now, Db};

use crate::email::paperless::data::DELIVERY;
pub use crate::email::paperless::data::{account, pending_email, DeliveryRow};

pub async fn accounts(db: &Db, customer_id: CustomerId) -> Result<Vec<DeliveryRow>, sqlx::Error> {
    owned_accounts(db, customer_id, DELIVERY).await
}

/// Uses the token and switches the account to email in one transaction; false when the
/// token was used meanwhile.
pub async fn verify(
    db: &Db,
    token_id: TokenId,
    account_id: AccountId,
    email: &str,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    if !crate::platform::tokens::use_up(&mut tx, token_id).await? {
        return Ok(false);
    }
    sqlx::query("UPDATE accounts SET delivery_method = 'email', delivery_email = $1, updated_at = $2 WHERE id = $3")
        .bind(email)
        .bind(now())
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn account_number(db: &Db, account_id: AccountId) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT c.customer_number || '-' || a.account_number FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.id = $1",
    )
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| r.0))
}
