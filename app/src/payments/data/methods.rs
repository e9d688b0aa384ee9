//! SQL for entering a payment method (`payments::entry`): storing it, saved in My Wallet or
//! kept for one payment, and wiping the methods kept for one payment once they are spent.
//! Every query that reads or changes a method names its customer, but the wipe, which
//! works over all of them.

use crate::domain::{BankAccountType, CustomerId, MethodId, RoutingNumber};
use crate::gateway::Tokenized;
use crate::payments::entry::Keep;
use crate::payments::MethodKind;
use crate::platform::db::{now, Db, WriteLock};
use crate::platform::vault::{Binding, Sealed};

/// A method kept for one payment that nothing paid with is wiped this long after it was
/// entered (the customer left at the review).
pub const UNUSED_KEPT_SECS: i64 = 3600;

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

/// Stores a method. Saved (`Keep::Saved`): `None` when the wallet already holds
/// `max_methods` (counted under the customer's lock, so adds at once cannot pass it
/// together); the customer's first method is the default whatever was asked, and a new
/// default takes the mark from the old one in the same transaction. Kept for one payment:
/// `kept = 0`, never the default, and not counted against the wallet.
pub async fn insert(
    db: &Db,
    customer_id: CustomerId,
    method: NewMethod<'_>,
    keep: Keep,
    max_methods: i64,
) -> Result<Option<MethodId>, sqlx::Error> {
    // Under the customer's lock: adds at once agree on the count and the default.
    let mut tx = db.begin_write(WriteLock::Customer(customer_id)).await?;
    let is_default = match keep {
        Keep::ForOnePayment => false,
        Keep::Saved { make_default } => {
            let (others,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM payment_methods WHERE customer_id = $1 AND removed_at IS NULL AND kept = 1",
            )
            .bind(customer_id)
            .fetch_one(&mut *tx)
            .await?;
            if others >= max_methods {
                return Ok(None);
            }
            make_default || others == 0
        }
    };
    if is_default {
        sqlx::query("UPDATE payment_methods SET is_default = 0 WHERE customer_id = $1")
            .bind(customer_id)
            .execute(&mut *tx)
            .await?;
    }
    let kept = i64::from(matches!(keep, Keep::Saved { .. }));
    let at = now();
    let (id,): (MethodId,) = match method {
        NewMethod::Bank(b) => {
            let (id,): (MethodId,) = sqlx::query_as(
                "INSERT INTO payment_methods (customer_id, kind, last4, bank_account_type, routing_number, bank_name, \
                 holder_name, is_default, created_at, kept) \
                 VALUES ($1, 'echeck', $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(customer_id)
            .bind(b.last4)
            .bind(b.account_type.as_str())
            .bind(b.routing.as_str())
            .bind(b.bank_name)
            .bind(b.holder_name)
            .bind(i64::from(is_default))
            .bind(at)
            .bind(kept)
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
                 billing_zip, gateway_token, is_default, created_at, kept) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
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
            .bind(kept)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    tx.commit().await?;
    Ok(Some(id))
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

/// Wipes the methods kept for one payment that are spent: their account number and
/// gateway token are dropped and they are marked removed (kind, last four, brand and type
/// stay, so history and receipts still name them). Spent: nothing paid with it is still
/// scheduled, pending or in a bank file not yet written (the file reads the account number
/// when it is written), and something was paid with it, or it was entered more than
/// `UNUSED_KEPT_SECS` ago. Returns how many were wiped. Safe to run at any time, by any
/// number of instances.
pub async fn wipe_spent(db: &Db) -> Result<u64, sqlx::Error> {
    let at = now();
    let done = sqlx::query(
        "UPDATE payment_methods SET account_ciphertext = NULL, gateway_token = NULL, removed_at = $1, is_default = 0 \
         WHERE kept = 0 AND removed_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.payment_method_id = payment_methods.id \
           AND (p.status IN ('scheduled', 'pending') OR p.nacha_file_id IN \
             (SELECT f.id FROM nacha_files f WHERE f.written_at IS NULL))) \
         AND (created_at < $2 OR EXISTS (SELECT 1 FROM payments p WHERE p.payment_method_id = payment_methods.id))",
    )
    .bind(at)
    .bind(at - UNUSED_KEPT_SECS)
    .execute(&db.pool)
    .await?;
    let wiped = done.rows_affected();
    if wiped > 0 {
        tracing::info!(wiped, "methods kept for one payment wiped");
    }
    Ok(wiped)
}
