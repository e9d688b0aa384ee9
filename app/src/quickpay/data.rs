//! SQL for Quick Pay: the account a bill's numbers name, with what its masked heading needs.

use crate::domain::{AccountId, CustomerAccountNumber, CustomerId};
use crate::platform::Db;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NamedAccount {
    pub account_id: AccountId,
    pub customer_id: CustomerId,
    pub number: String,
    pub name: String,
    pub service_address: String,
    pub service_city: String,
    pub service_zip: String,
    pub mailing_zip: String,
}

const NAMED: &str = "SELECT a.id AS account_id, a.customer_id, \
     c.customer_number || '-' || a.account_number AS number, c.name, a.service_address, \
     a.service_city, a.service_zip, a.mailing_zip \
     FROM accounts a JOIN customers c ON c.id = a.customer_id";

pub async fn account_by_numbers(
    db: &Db,
    number: &CustomerAccountNumber,
) -> Result<Option<NamedAccount>, sqlx::Error> {
    sqlx::query_as(&format!("{NAMED} WHERE c.customer_number = $1 AND a.account_number = $2"))
        .bind(number.customer.as_padded())
        .bind(number.account.as_padded())
        .fetch_optional(&db.pool)
        .await
}

pub async fn account(db: &Db, account_id: AccountId) -> Result<Option<NamedAccount>, sqlx::Error> {
    sqlx::query_as(&format!("{NAMED} WHERE a.id = $1"))
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await
}
