//! SQL for registration and signing in.

use crate::domain::{CustomerAccountNumber, Email};
use crate::platform::db::{is_unique_violation, now, Db};
use crate::platform::passwords::PasswordHashString;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FoundAccount {
    pub account_id: i64,
    pub customer_id: i64,
    pub service_zip: String,
    pub mailing_zip: String,
    pub has_login: i64,
}

pub async fn account_by_numbers(
    db: &Db,
    number: &CustomerAccountNumber,
) -> Result<Option<FoundAccount>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id AS account_id, a.customer_id, a.service_zip, a.mailing_zip, \
         (SELECT COUNT(*) FROM logins l WHERE l.customer_id = a.customer_id) AS has_login \
         FROM accounts a JOIN customers c ON c.id = a.customer_id \
         WHERE c.customer_number = $1 AND a.account_number = $2",
    )
    .bind(number.customer.as_padded())
    .bind(number.account.as_padded())
    .fetch_optional(&db.pool)
    .await
}

/// `customer-account` as printed on the bill, for the account a registration found.
pub async fn account_display(
    db: &Db,
    account_id: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT a.customer_id, c.customer_number, a.account_number FROM accounts a \
         JOIN customers c ON c.id = a.customer_id WHERE a.id = $1",
    )
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(customer_id, c, a)| (customer_id, format!("{c}-{a}"))))
}

#[derive(Debug, thiserror::Error)]
pub enum CreateLoginError {
    #[error("the email address already has a login")]
    EmailTaken,
    #[error("the customer already has a login")]
    AlreadyRegistered,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub async fn create_login(
    db: &Db,
    customer_id: i64,
    email: &Email,
    hash: &PasswordHashString,
    locale: &str,
    terms_version: &str,
) -> Result<i64, CreateLoginError> {
    let at = now();
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO logins (customer_id, email, password_hash, locale, terms_version, terms_accepted_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6, $6) RETURNING id",
    )
    .bind(customer_id)
    .bind(email.as_str())
    .bind(hash.as_stored())
    .bind(locale)
    .bind(terms_version)
    .bind(at)
    .fetch_one(&db.pool)
    .await;
    match inserted {
        Ok((id,)) => Ok(id),
        // The unique constraints (one login per customer, one per email) decide races
        // between two tabs or two people; the database then says which one it was.
        Err(e) if is_unique_violation(&e) => {
            if customer_has_login(db, customer_id).await? {
                Err(CreateLoginError::AlreadyRegistered)
            } else {
                Err(CreateLoginError::EmailTaken)
            }
        }
        Err(e) => Err(e.into()),
    }
}

async fn customer_has_login(db: &Db, customer_id: i64) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM logins WHERE customer_id = $1")
        .bind(customer_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

pub struct LoginRecord {
    pub id: i64,
    pub hash: PasswordHashString,
}

pub async fn login_by_email(db: &Db, email: &str) -> Result<Option<LoginRecord>, sqlx::Error> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, password_hash FROM logins WHERE email = $1")
            .bind(email)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(id, hash)| LoginRecord { id, hash: PasswordHashString::from_stored(hash) }))
}

pub async fn email_exists(db: &Db, email: &Email) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM logins WHERE email = $1")
        .bind(email.as_str())
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

pub async fn replace_hash(
    db: &Db,
    login_id: i64,
    hash: &PasswordHashString,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE logins SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash.as_stored())
        .bind(now())
        .bind(login_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Uses the reset token and sets the new password in one transaction, moving the session
/// epoch on so that every earlier session ends. False when the token was used meanwhile.
pub async fn reset_password(
    db: &Db,
    token_id: i64,
    login_id: i64,
    hash: &PasswordHashString,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    if !crate::platform::tokens::use_up(&mut tx, token_id).await? {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE logins SET password_hash = $1, session_epoch = session_epoch + 1, updated_at = $2 WHERE id = $3",
    )
    .bind(hash.as_stored())
    .bind(now())
    .bind(login_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}
