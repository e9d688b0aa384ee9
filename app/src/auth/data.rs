//! SQL about logins and whom they belong to: what a session is checked against, and where
//! a login's emails go. Registration's own SQL (finding an account, creating a login,
//! passwords) stays in `registration::data`.

use crate::domain::{AccountId, CustomerId, LoginId};
use crate::platform::db::{now, Db};
use sqlx::any::AnyRow;

/// What a session of a login is checked against: the login's epoch (a password reset
/// moves it on) and whose login it is, with the customer's name for the header (one query
/// for both, as every signed-in page needs both).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoginSession {
    pub epoch: i64,
    pub customer_id: CustomerId,
    pub name: String,
}

/// `None` when the login is gone.
pub async fn login_session(db: &Db, login: LoginId) -> Result<Option<LoginSession>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.session_epoch AS epoch, l.customer_id, c.name FROM logins l \
         JOIN customers c ON c.id = l.customer_id WHERE l.id = $1",
    )
    .bind(login)
    .fetch_optional(&db.pool)
    .await
}

/// Records that the login signed in now (the back office shows when it last did).
pub async fn record_sign_in(db: &Db, login: LoginId) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE logins SET last_sign_in_at = $1 WHERE id = $2")
        .bind(now())
        .bind(login)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A customer's login as the back office shows it: never its password hash.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoginFacts {
    pub id: LoginId,
    pub email: String,
    pub locale: String,
    pub created_at: i64,
    pub last_sign_in_at: Option<i64>,
}

/// The customer's login, if they registered one.
pub async fn login_facts(db: &Db, customer: CustomerId) -> Result<Option<LoginFacts>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, email, locale, created_at, last_sign_in_at FROM logins WHERE customer_id = $1",
    )
    .bind(customer)
    .fetch_optional(&db.pool)
    .await
}

/// Where a login's emails go, and in which language.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoginContact {
    pub id: LoginId,
    pub email: String,
    pub locale: String,
}

const CONTACT: &str = "SELECT id, email, locale FROM logins";

pub async fn contact_by_email(db: &Db, email: &str) -> Result<Option<LoginContact>, sqlx::Error> {
    sqlx::query_as(&format!("{CONTACT} WHERE email = $1"))
        .bind(email)
        .fetch_optional(&db.pool)
        .await
}

pub async fn contact_by_id(db: &Db, login: LoginId) -> Result<Option<LoginContact>, sqlx::Error> {
    sqlx::query_as(&format!("{CONTACT} WHERE id = $1")).bind(login).fetch_optional(&db.pool).await
}

/// The login of a customer (one per customer), for its address and language.
pub async fn login_of_customer(
    db: &Db,
    customer: CustomerId,
) -> Result<Option<LoginContact>, sqlx::Error> {
    sqlx::query_as(&format!("{CONTACT} WHERE customer_id = $1"))
        .bind(customer)
        .fetch_optional(&db.pool)
        .await
}

/// The accounts a customer owns, each as `account_id` and `number` (as printed), then the
/// columns of `accounts a` a feature adds (`more`, each after a comma). Only this customer's:
/// another customer's account id finds nothing.
fn owned(more: &str) -> String {
    format!(
        "SELECT a.id AS account_id, c.customer_number || '-' || a.account_number AS number{more} \
         FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.customer_id = $1"
    )
}

/// Every account of the customer, in the order of their numbers (see `owned`).
pub async fn owned_accounts<T>(
    db: &Db,
    customer_id: CustomerId,
    more: &str,
) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin,
{
    sqlx::query_as(&format!("{} ORDER BY a.account_number", owned(more)))
        .bind(customer_id)
        .fetch_all(&db.pool)
        .await
}

/// One account, if the customer owns it (see `owned`).
pub async fn owned_account<T>(
    db: &Db,
    customer_id: CustomerId,
    account_id: AccountId,
    more: &str,
) -> Result<Option<T>, sqlx::Error>
where
    T: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin,
{
    sqlx::query_as(&format!("{} AND a.id = $2", owned(more)))
        .bind(customer_id)
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await
}
