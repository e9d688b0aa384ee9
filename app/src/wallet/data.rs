//! SQL for saved payment methods. Every query that reads or changes a method names its
//! customer, so another customer's id finds nothing.

use super::MethodKind;
use crate::domain::{BankAccountType, CustomerId, MethodId, RoutingNumber};
use crate::gateway::Tokenized;
use crate::platform::db::{now, Db, WriteLock};
use crate::platform::vault::{Binding, Sealed};

pub use crate::payments::data::saved::methods;

/// A new bank account. Its number is sealed bound to the new row, whose id the INSERT
/// makes: `seal` is called with the row's binding inside the transaction.
pub struct NewBankAccount<'a> {
    pub account_type: BankAccountType,
    pub routing: &'a RoutingNumber,
    pub bank_name: &'a str,
    pub holder_name: &'a str,
    pub seal: &'a (dyn Fn(&Binding) -> Sealed + Send + Sync),
    pub last4: &'a str,
}

/// A new card or wallet, as the gateway's token.
pub struct NewTokenized<'a> {
    pub kind: MethodKind,
    pub tokenized: &'a Tokenized,
    /// For a wallet, its display name.
    pub label: Option<&'a str>,
    pub holder_name: &'a str,
    pub billing_zip: Option<&'a str>,
}

pub enum NewMethod<'a> {
    Bank(NewBankAccount<'a>),
    Tokenized(NewTokenized<'a>),
}

/// Saves a method; `None` when the wallet already holds `max_methods` (counted under the
/// customer's lock, so adds at once cannot pass it together). The customer's first method is
/// the default whatever was asked, and a new default takes the mark from the old one in the
/// same transaction.
pub async fn insert(
    db: &Db,
    customer_id: CustomerId,
    method: NewMethod<'_>,
    make_default: bool,
    max_methods: i64,
) -> Result<Option<MethodId>, sqlx::Error> {
    // Under the customer's lock: adds at once agree on the count and the default.
    let mut tx = db.begin_write(WriteLock::Customer(customer_id)).await?;
    let (others,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM payment_methods WHERE customer_id = $1 AND removed_at IS NULL",
    )
    .bind(customer_id)
    .fetch_one(&mut *tx)
    .await?;
    if others >= max_methods {
        return Ok(None);
    }
    let is_default = make_default || others == 0;
    if is_default {
        sqlx::query("UPDATE payment_methods SET is_default = 0 WHERE customer_id = $1")
            .bind(customer_id)
            .execute(&mut *tx)
            .await?;
    }
    let at = now();
    let (id,): (MethodId,) = match method {
        NewMethod::Bank(b) => {
            let (id,): (MethodId,) = sqlx::query_as(
                "INSERT INTO payment_methods (customer_id, kind, last4, bank_account_type, routing_number, bank_name, \
                 holder_name, is_default, created_at) \
                 VALUES ($1, 'echeck', $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(customer_id)
            .bind(b.last4)
            .bind(b.account_type.as_str())
            .bind(b.routing.as_str())
            .bind(b.bank_name)
            .bind(b.holder_name)
            .bind(i64::from(is_default))
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            // The row exists without its number only inside this transaction.
            let sealed = (b.seal)(&Binding { method_id: id, customer_id });
            store_sealed(&mut tx, id, &sealed).await?;
            (id,)
        }
        NewMethod::Tokenized(t) => {
            let brand = t
                .label
                .map(str::to_string)
                .unwrap_or_else(|| t.tokenized.brand.as_str().to_string());
            sqlx::query_as(
                "INSERT INTO payment_methods (customer_id, kind, last4, holder_name, card_brand, exp_month, exp_year, \
                 billing_zip, gateway_token, is_default, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(customer_id)
            .bind(t.kind.as_str())
            .bind(&t.tokenized.last4)
            .bind(t.holder_name)
            .bind(brand)
            .bind(t.tokenized.expiry.map(|e| i64::from(e.month())))
            .bind(t.tokenized.expiry.map(|e| i64::from(e.year())))
            .bind(t.billing_zip)
            .bind(&t.tokenized.token)
            .bind(i64::from(is_default))
            .bind(at)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    tx.commit().await?;
    Ok(Some(id))
}

/// False when the method is not one of this customer's saved methods.
pub async fn set_default(
    db: &Db,
    customer_id: CustomerId,
    method_id: MethodId,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write(WriteLock::Customer(customer_id)).await?;
    let found: Option<(MethodId,)> = sqlx::query_as(
        "SELECT id FROM payment_methods WHERE id = $1 AND customer_id = $2 AND removed_at IS NULL",
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
            "SELECT id FROM payment_methods WHERE id = $1 AND customer_id = $2 AND removed_at IS NULL",
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
        "SELECT COUNT(*) FROM payment_methods WHERE customer_id = $1 AND removed_at IS NULL AND is_default = 1",
    )
    .bind(customer_id)
    .fetch_one(&mut *tx)
    .await?;
    if defaults == 0 {
        sqlx::query(
            "UPDATE payment_methods SET is_default = 1 WHERE id = \
             (SELECT MAX(id) FROM payment_methods WHERE customer_id = $1 AND removed_at IS NULL)",
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

async fn store_sealed(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    method_id: MethodId,
    sealed: &Sealed,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE payment_methods SET account_ciphertext = $1, account_key_id = $2, account_bound = $3 WHERE id = $4")
        .bind(&sealed.bytes)
        .bind(&sealed.key_id)
        .bind(i64::from(sealed.bound))
        .bind(method_id)
        .execute(&mut **tx)
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
