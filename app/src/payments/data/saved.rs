//! SQL for listing a customer's saved payment methods (My Wallet changes them in
//! `wallet::data`). Every query names the customer.

use crate::domain::{CustomerId, MethodId};
use crate::payments::{brand_name, expiry_text, MethodKind, SavedMethod};
use crate::platform::Db;

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
