//! SQL for saved payment methods (those in My Wallet: `kept = 1`; storing a new one is
//! `payments::data::methods`, listing and removing them `payments::data::saved`). Every
//! query that reads or changes a method names its customer, so another customer's id finds
//! nothing.

use crate::domain::{CustomerId, MethodId};
use crate::platform::db::{now, Db, WriteLock};
use crate::platform::vault::{Binding, Sealed};

pub use crate::payments::data::saved::{methods, remove, Removal};

/// What making a method the default found.
pub enum DefaultSet {
    Set,
    NotFound,
    /// The bank returned it: it is offered for nothing, so it is no default either.
    Unusable,
}

pub async fn set_default(
    db: &Db,
    customer_id: CustomerId,
    method_id: MethodId,
) -> Result<DefaultSet, sqlx::Error> {
    let mut tx = db.begin_write(WriteLock::Customer(customer_id)).await?;
    let found = unusable_code_of(&mut tx, customer_id, method_id).await?;
    match found {
        None => return Ok(DefaultSet::NotFound),
        Some((Some(_),)) => return Ok(DefaultSet::Unusable),
        Some((None,)) => {}
    }
    sqlx::query("UPDATE payment_methods SET is_default = CASE WHEN id = $1 THEN 1 ELSE 0 END WHERE customer_id = $2")
        .bind(method_id)
        .bind(customer_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(DefaultSet::Set)
}

/// What authorizing a bank account again found.
#[derive(Debug, PartialEq, Eq)]
pub enum AuthorizedAgain {
    /// Authorized now: the method is usable again and the AutoPay enrollments suspended
    /// for it drafts again (how many).
    Done(u64),
    /// This form (its key) was sent before: nothing more is done.
    AlreadyDone,
    /// No such method of the customer's.
    NotFound,
    /// The method is usable already (another form authorized it meanwhile).
    NotNeeded,
    /// The bank returned it for a reason that another authorization does not cure.
    NotAuthorizable,
}

/// A new authorization of one of the customer's bank accounts returned as not authorized,
/// once per form key, in one transaction under the customer's lock: the authorization is
/// kept with its text, the method is usable again, and the AutoPay enrollments suspended
/// for it resume. `authorizable` says which return codes another authorization cures.
pub async fn authorize_again(
    db: &Db,
    customer_id: CustomerId,
    method_id: MethodId,
    form_key: &str,
    text: &str,
    authorizable: fn(&str) -> bool,
) -> Result<AuthorizedAgain, sqlx::Error> {
    let mut tx = db.begin_write(WriteLock::Customer(customer_id)).await?;
    let sent: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM method_authorizations WHERE form_key = $1")
            .bind(form_key)
            .fetch_optional(&mut *tx)
            .await?;
    if sent.is_some() {
        return Ok(AuthorizedAgain::AlreadyDone);
    }
    let found = unusable_code_of(&mut tx, customer_id, method_id).await?;
    let code = match found {
        None => return Ok(AuthorizedAgain::NotFound),
        Some((None,)) => return Ok(AuthorizedAgain::NotNeeded),
        Some((Some(code),)) if !authorizable(&code) => return Ok(AuthorizedAgain::NotAuthorizable),
        Some((Some(code),)) => code,
    };
    let at = now();
    let inserted = sqlx::query(
        "INSERT INTO method_authorizations (form_key, customer_id, payment_method_id, return_code, \
         authorization_text, channel, created_at) VALUES ($1, $2, $3, $4, $5, 'WEB', $6) ON CONFLICT (form_key) DO NOTHING",
    )
    .bind(form_key)
    .bind(customer_id)
    .bind(method_id)
    .bind(&code)
    .bind(text)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Ok(AuthorizedAgain::AlreadyDone);
    }
    sqlx::query(
        "UPDATE payment_methods SET unusable_code = NULL, unusable_at = NULL WHERE id = $1",
    )
    .bind(method_id)
    .execute(&mut *tx)
    .await?;
    let resumed = sqlx::query(
        "UPDATE autopay_enrollments SET suspended_code = NULL, suspended_at = NULL \
         WHERE payment_method_id = $1 AND active = 1 AND suspended_code IS NOT NULL",
    )
    .bind(method_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(AuthorizedAgain::Done(resumed))
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

/// A saved method of the customer's, by its bank return code (None inside: usable); None
/// when it is not theirs, removed, or kept for one payment only.
async fn unusable_code_of(
    conn: &mut sqlx::AnyConnection,
    customer_id: CustomerId,
    method_id: MethodId,
) -> Result<Option<(Option<String>,)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT unusable_code FROM payment_methods WHERE id = $1 AND customer_id = $2 AND removed_at IS NULL AND kept = 1",
    )
    .bind(method_id)
    .bind(customer_id)
    .fetch_optional(conn)
    .await
}
