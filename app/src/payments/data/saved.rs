//! SQL for a customer's saved payment methods: listing them, and removing one (My Wallet,
//! or the utility's staff at the customer's request; My Wallet's other changes are in
//! `wallet::data`). Every query names the customer.

use crate::domain::{CustomerId, MethodId};
use crate::payments::{brand_name, expiry_text, MethodKind, SavedMethod};
use crate::platform::db::{now, Db, WriteLock};

#[derive(sqlx::FromRow)]
struct MethodRow {
    id: MethodId,
    kind: String,
    last4: String,
    bank_account_type: Option<String>,
    bank_name: Option<String>,
    card_brand: Option<String>,
    exp_month: Option<i64>,
    exp_year: Option<i64>,
    is_default: i64,
    autopay_uses: i64,
    unusable_code: Option<String>,
}

impl MethodRow {
    /// `None` for a kind this version does not know.
    fn into_saved(self) -> Option<SavedMethod> {
        let kind = MethodKind::parse(&self.kind)?;
        // An unknown card brand is left out: the page names it in the customer's language.
        let brand = brand_name(kind, self.card_brand.as_deref()).map(str::to_string);
        let expiry = self.exp_month.zip(self.exp_year).map(|(m, y)| expiry_text(m, y));
        Some(SavedMethod {
            id: self.id,
            kind,
            last4: self.last4,
            bank_account_type: self.bank_account_type,
            bank_name: self.bank_name,
            brand,
            expiry,
            is_default: self.is_default == 1,
            autopay_uses: self.autopay_uses,
            unusable_code: self.unusable_code,
        })
    }
}

/// The customer's saved methods (not removed, and kept in My Wallet: not those entered for
/// one payment), the default first; those the bank returned among them, marked (see
/// `usable`), for My Wallet to explain.
pub async fn methods(db: &Db, customer_id: CustomerId) -> Result<Vec<SavedMethod>, sqlx::Error> {
    let rows: Vec<MethodRow> = sqlx::query_as(
        "SELECT m.id, m.kind, m.last4, m.bank_account_type, m.bank_name, m.card_brand, m.exp_month, m.exp_year, \
         m.is_default, \
         (SELECT COUNT(*) FROM autopay_enrollments e WHERE e.payment_method_id = m.id AND e.active = 1) AS autopay_uses, m.unusable_code \
         FROM payment_methods m WHERE m.customer_id = $1 AND m.removed_at IS NULL AND m.kept = 1 \
         ORDER BY m.is_default DESC, m.id",
    )
    .bind(customer_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().filter_map(MethodRow::into_saved).collect())
}

pub enum Removal {
    /// Removed; the active AutoPay enrollments that paid with it now pay with the
    /// replacement (how many).
    Removed {
        autopay_moved: u64,
    },
    NotFound,
    /// An active AutoPay pays with it and no (valid) replacement was named.
    NeedsReplacement,
    ReplacementInvalid,
}

/// Removes a method (kept as removed, for the payments that name it), whoever asks: the
/// customer in My Wallet, or the utility's staff at the customer's request. Active AutoPay
/// enrollments move to `replacement` first (one the bank has not returned), which ends a
/// suspension the removed method's return caused; the default mark moves to the newest
/// method left.
pub async fn remove(
    db: &Db,
    customer_id: CustomerId,
    method_id: MethodId,
    replacement: Option<MethodId>,
) -> Result<Removal, sqlx::Error> {
    let mut tx = db.begin_write(WriteLock::Customer(customer_id)).await?;
    let owned = |id: MethodId| {
        sqlx::query_as::<_, (MethodId, Option<String>)>(
            "SELECT id, unusable_code FROM payment_methods WHERE id = $1 AND customer_id = $2 AND removed_at IS NULL AND kept = 1",
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
    let mut autopay_moved = 0;
    if uses > 0 {
        match replacement {
            None => return Ok(Removal::NeedsReplacement),
            Some(r) if r == method_id => return Ok(Removal::ReplacementInvalid),
            Some(r) => {
                if !matches!(owned(r).fetch_optional(&mut *tx).await?, Some((_, None))) {
                    return Ok(Removal::ReplacementInvalid);
                }
                autopay_moved = sqlx::query(
                    "UPDATE autopay_enrollments SET payment_method_id = $1, suspended_code = NULL, suspended_at = NULL \
                     WHERE payment_method_id = $2 AND active = 1",
                )
                .bind(r)
                .bind(method_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
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
             (SELECT MAX(id) FROM payment_methods WHERE customer_id = $1 AND removed_at IS NULL AND kept = 1 \
             AND unusable_code IS NULL)",
        )
        .bind(customer_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Removal::Removed { autopay_moved })
}
