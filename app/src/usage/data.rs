//! SQL of the usage page: the customer's accounts and their bills' dates and usage, the
//! reads by local day or local hour (`water::series`), and the unit the customer reads in.

use crate::domain::water_use::Unit;
use crate::domain::{AccountId, CustomerId};
use crate::platform::db::parse_date;
use crate::platform::Db;
use crate::water::series;
use std::collections::BTreeMap;
use time::Date;

/// The customer's accounts, `customer-account` as on the bill, in the bill's order.
pub async fn accounts(
    db: &Db,
    customer: CustomerId,
) -> Result<Vec<(AccountId, String)>, sqlx::Error> {
    crate::auth::data::owned_accounts(db, customer, "").await
}

/// The account's bills: their dates and the gallons each billed.
pub async fn bills(db: &Db, account: AccountId) -> Result<Vec<(Date, i64)>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT bill_date, usage_gallons FROM bills WHERE account_id = $1 ORDER BY bill_date",
    )
    .bind(account)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(|(date, gallons)| Ok((parse_date(&date)?, gallons))).collect()
}

/// The local day of the account's newest read (`None`: no reads).
pub async fn last_read_day(db: &Db, account: AccountId) -> Result<Option<Date>, sqlx::Error> {
    let last = series::last_read(db, account).await?;
    Ok(last.and_then(|local| series::day_of(local.div_euclid(series::DAY))))
}

/// The account's use by local day over `from`..`until`: for each day read at all, its
/// hundredths of a gallon and whether it was read whole.
pub async fn daily(
    db: &Db,
    account: AccountId,
    from: Date,
    until: Date,
) -> Result<BTreeMap<Date, (i64, bool)>, sqlx::Error> {
    let (from, until) = (series::unix_day(from), series::unix_day(until));
    let days = series::days(db, account, &[(from, until)]).await?;
    Ok(days.into_iter().filter_map(|(d, v)| Some((series::day_of(d)?, v))).collect())
}

/// The account's use by local hour on `day`: hour of the day (0–23) to hundredths and
/// whether it was read whole. Daily reads have no hours and are left out.
pub async fn hourly(
    db: &Db,
    account: AccountId,
    day: Date,
) -> Result<BTreeMap<i64, (i64, bool)>, sqlx::Error> {
    let first = series::unix_day(day);
    let hours = series::hours(db, account, first, first + 1).await?;
    Ok(hours.into_iter().map(|(hour, v)| (hour - first * 24, v)).collect())
}

/// Whether the account's reads are daily only (no hourly chart to give).
pub async fn has_hourly_reads(db: &Db, account: AccountId) -> Result<bool, sqlx::Error> {
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT account_id FROM meter_reads WHERE account_id = $1 AND interval_minutes < 1440 LIMIT 1",
    )
    .bind(account)
    .fetch_optional(&db.pool)
    .await?;
    Ok(found.is_some())
}

/// The unit the customer chose (gallons until they choose).
pub async fn unit(db: &Db, customer: CustomerId) -> Result<Unit, sqlx::Error> {
    let stored: Option<(String,)> =
        sqlx::query_as("SELECT usage_unit FROM logins WHERE customer_id = $1")
            .bind(customer)
            .fetch_optional(&db.pool)
            .await?;
    Ok(stored.and_then(|(u,)| Unit::parse(&u)).unwrap_or_default())
}

pub async fn set_unit(db: &Db, customer: CustomerId, unit: Unit) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE logins SET usage_unit = $1 WHERE customer_id = $2")
        .bind(unit.as_str())
        .bind(customer)
        .execute(&db.pool)
        .await?;
    Ok(())
}
