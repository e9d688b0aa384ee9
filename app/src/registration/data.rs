//! SQL for registration and signing in.

use crate::domain::{AccountId, CustomerAccountNumber, CustomerId, Email, LoginId, TokenId};
use crate::platform::db::{is_unique_violation, now, Db};
use crate::platform::passwords::PasswordHashString;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FoundAccount {
    pub account_id: AccountId,
    pub customer_id: CustomerId,
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

/// The account a registration found: whose it is, and its `customer-account` as printed
/// on the bill.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountDisplay {
    pub customer_id: CustomerId,
    pub number: String,
}

pub async fn account_display(
    db: &Db,
    account_id: AccountId,
) -> Result<Option<AccountDisplay>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.customer_id, c.customer_number || '-' || a.account_number AS number \
         FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.id = $1",
    )
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await
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
    customer_id: CustomerId,
    email: &Email,
    hash: &PasswordHashString,
    locale: &str,
    terms_version: &str,
) -> Result<LoginId, CreateLoginError> {
    let at = now();
    let inserted: Result<(LoginId,), sqlx::Error> = sqlx::query_as(
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

async fn customer_has_login(db: &Db, customer_id: CustomerId) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM logins WHERE customer_id = $1")
        .bind(customer_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

pub struct LoginRecord {
    pub id: LoginId,
    pub hash: PasswordHashString,
}

#[derive(sqlx::FromRow)]
struct LoginRow {
    id: LoginId,
    password_hash: String,
}

pub async fn login_by_email(db: &Db, email: &str) -> Result<Option<LoginRecord>, sqlx::Error> {
    let row: Option<LoginRow> =
        sqlx::query_as("SELECT id, password_hash FROM logins WHERE email = $1")
            .bind(email)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row
        .map(|r| LoginRecord { id: r.id, hash: PasswordHashString::from_stored(r.password_hash) }))
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
    login_id: LoginId,
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
    token_id: TokenId,
    login_id: LoginId,
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
