//! SQL for saved payment methods (those in My Wallet: `kept = 1`; storing a new one is
//! `payments::data::methods`). Every query that reads or changes a method names its
//! customer, so another customer's id finds nothing.

use crate::domain::{CustomerId, MethodId};
use crate::platform::db::{now, Db, WriteLock};
use crate::platform::vault::{Binding, Sealed};

pub use crate::payments::data::saved::methods;

/// False when the method is not one of this customer's saved methods.
pub async fn set_default(
    db: &Db,
    customer_id: CustomerId,
    method_id: MethodId,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write(WriteLock::Customer(customer_id)).await?;
    let found: Option<(MethodId,)> = sqlx::query_as(
        "SELECT id FROM payment_methods WHERE id = $1 AND customer_id = $2 AND removed_at IS NULL AND kept = 1",
    )
    .bind(method_id)
    .bind(customer_id)
    .fetch_optional(&mut *tx)
    .await?;
    if found.is_none() {
        return Ok(false);
    }
    sqlx::query("UPDATE payment_methods SET is_default = CASE WHEN id = $1 THEN 1 ELSE 0 END WHERE customer_id = $2")
        .bind(method_id)
        .bind(customer_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

pub enum Removal {
    Removed,
    NotFound,
    /// An active AutoPay pays with it and no (valid) replacement was named.
    NeedsReplacement,
    ReplacementInvalid,
}

/// Removes a method (kept as removed, for the payments that name it). Active AutoPay
/// enrollments move to `replacement` first; the default mark moves to the newest method left.
pub async fn remove(
    db: &Db,
    customer_id: CustomerId,
    method_id: MethodId,
    replacement: Option<MethodId>,
) -> Result<Removal, sqlx::Error> {
    let mut tx = db.begin_write(WriteLock::Customer(customer_id)).await?;
    let owned = |id: MethodId| {
        sqlx::query_as::<_, (MethodId,)>(
            "SELECT id FROM payment_methods WHERE id = $1 AND customer_id = $2 AND removed_at IS NULL AND kept = 1",
        )
        .bind(id)
        .bind(customer_id)
    };
    if owned(method_id).fetch_optional(&mut *tx).await?.is_none() {
        return Ok(Removal::NotFound);
    }
    let (uses,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM autopay_enrollments WHERE payment_method_id = $1 AND active = 1",
    )
    .bind(method_id)
    .fetch_one(&mut *tx)
    .await?;
    if uses > 0 {
        match replacement {
            None => return Ok(Removal::NeedsReplacement),
            Some(r) if r == method_id => return Ok(Removal::ReplacementInvalid),
            Some(r) => {
                if owned(r).fetch_optional(&mut *tx).await?.is_none() {
                    return Ok(Removal::ReplacementInvalid);
                }
                sqlx::query("UPDATE autopay_enrollments SET payment_method_id = $1 WHERE payment_method_id = $2 AND active = 1")
                    .bind(r)
                    .bind(method_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
    }
    sqlx::query("UPDATE payment_methods SET removed_at = $1, is_default = 0 WHERE id = $2")
        .bind(now())
        .bind(method_id)
        .execute(&mut *tx)
        .await?;
    let (defaults,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM payment_methods WHERE customer_id = $1 AND removed_at IS NULL AND kept = 1 AND is_default = 1",
    )
    .bind(customer_id)
    .fetch_one(&mut *tx)
    .await?;
    if defaults == 0 {
        sqlx::query(
            "UPDATE payment_methods SET is_default = 1 WHERE id = \
             (SELECT MAX(id) FROM payment_methods WHERE customer_id = $1 AND removed_at IS NULL AND kept = 1)",
        )
        .bind(customer_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Removal::Removed)
}

/// Bank accounts to re-seal (key rotation): sealed under another key than
/// `current_key_id`, or not yet bound to their row.
pub async fn sealed_needing_reseal(
    db: &Db,
    current_key_id: &str,
) -> Result<Vec<(Binding, Sealed)>, sqlx::Error> {
    let rows: Vec<SealedRow> = sqlx::query_as(&format!(
        "{SEALED} WHERE account_ciphertext IS NOT NULL AND (account_key_id <> $1 OR account_bound = 0)"
    ))
    .bind(current_key_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(SealedRow::split).collect())
}

const SEALED: &str = "SELECT id, customer_id, account_key_id, account_ciphertext, account_bound \
                      FROM payment_methods";

/// A bank account's sealed number and the row it is bound to.
#[derive(sqlx::FromRow)]
struct SealedRow {
    id: MethodId,
    customer_id: CustomerId,
    account_key_id: String,
    account_ciphertext: Vec<u8>,
    account_bound: i64,
}

impl SealedRow {
    fn split(self) -> (Binding, Sealed) {
        let binding = Binding { method_id: self.id, customer_id: self.customer_id };
        let sealed =
            Sealed::stored(&self.account_key_id, &self.account_ciphertext, self.account_bound);
        (binding, sealed)
    }
}

pub async fn replace_sealed(
    db: &Db,
    binding: &Binding,
    sealed: &Sealed,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE payment_methods SET account_ciphertext = $1, account_key_id = $2, account_bound = $3 \
         WHERE id = $4 AND customer_id = $5",
    )
    .bind(&sealed.bytes)
    .bind(&sealed.key_id)
    .bind(i64::from(sealed.bound))
    .bind(binding.method_id)
    .bind(binding.customer_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The sealed account number of a bank account, with the row it must open for.
pub async fn sealed_account(
    db: &Db,
    method_id: MethodId,
) -> Result<Option<(Binding, Sealed)>, sqlx::Error> {
    let row: Option<SealedRow> =
        sqlx::query_as(&format!("{SEALED} WHERE id = $1 AND account_ciphertext IS NOT NULL"))
            .bind(method_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(SealedRow::split))
}
