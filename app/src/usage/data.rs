//! SQL of the usage page: the customer's accounts and their bills' dates and usage, the
//! reads summed by local day or local hour (per meter, to tell a day read whole from one
//! with gaps), and the unit the customer reads in.

use crate::domain::water_use::Unit;
use crate::domain::{AccountId, CustomerId};
use crate::platform::db::parse_date;
use crate::platform::Db;
use std::collections::BTreeMap;
use time::Date;

/// Seconds either side of a UTC day that a local day can reach (offsets run from -12 to
/// +14 hours).
const OFFSET_REACH: i64 = 14 * 3600;
const DAY: i64 = 86_400;

/// The customer's accounts, `customer-account` as on the bill, in the bill's order.
pub async fn accounts(
    db: &Db,
    customer: CustomerId,
) -> Result<Vec<(AccountId, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, c.customer_number || '-' || a.account_number FROM accounts a \
         JOIN customers c ON c.id = a.customer_id WHERE a.customer_id = $1 ORDER BY a.account_number",
    )
    .bind(customer)
    .fetch_all(&db.pool)
    .await
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
    let last: Option<(i64,)> = sqlx::query_as(
        "SELECT read_at + utc_offset_minutes * 60 FROM meter_reads \
         WHERE account_id = $1 ORDER BY read_at DESC LIMIT 1",
    )
    .bind(account)
    .fetch_optional(&db.pool)
    .await?;
    Ok(last.and_then(|(local,)| day_of(local.div_euclid(DAY))))
}

/// Use summed per meter over a local bucket: (bucket, meter, hundredths, minutes read).
type Sums = Vec<(i64, String, i64, i64)>;

/// The account's use by local day over `from`..`until` (a day number since 1970, as Unix
/// days): for each day read at all, its hundredths of a gallon and whether every meter
/// read that day was read the whole day.
pub async fn daily(
    db: &Db,
    account: AccountId,
    from: Date,
    until: Date,
) -> Result<BTreeMap<Date, (i64, bool)>, sqlx::Error> {
    let sums = sums(db, account, unix_day(from), unix_day(until), DAY, false).await?;
    Ok(combine(sums, 1440).into_iter().filter_map(|(d, v)| Some((day_of(d)?, v))).collect())
}

/// The account's use by local hour on `day`: hour of the day (0–23) to hundredths and
/// whether it was read whole. Daily reads have no hours and are left out.
pub async fn hourly(
    db: &Db,
    account: AccountId,
    day: Date,
) -> Result<BTreeMap<i64, (i64, bool)>, sqlx::Error> {
    let first = unix_day(day) * 24;
    let sums = sums(db, account, unix_day(day), unix_day(day) + 1, 3600, true).await?;
    Ok(combine(sums, 60).into_iter().map(|(hour, v)| (hour - first, v)).collect())
}

/// Whether the account's reads are daily only (no hourly chart to give).
pub async fn has_hourly_reads(db: &Db, account: AccountId) -> Result<bool, sqlx::Error> {
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT 1 FROM meter_reads WHERE account_id = $1 AND interval_minutes < 1440 LIMIT 1",
    )
    .bind(account)
    .fetch_optional(&db.pool)
    .await?;
    Ok(found.is_some())
}

/// Reads of local days `from_day`..`until_day` summed per meter over local buckets of
/// `seconds` (a day or an hour).
async fn sums(
    db: &Db,
    account: AccountId,
    from_day: i64,
    until_day: i64,
    seconds: i64,
    hourly_only: bool,
) -> Result<Sums, sqlx::Error> {
    let only = if hourly_only { "AND interval_minutes < 1440" } else { "" };
    let sql = format!(
        "SELECT (read_at + utc_offset_minutes * 60) / {seconds} AS bucket, meter_id, \
         CAST(SUM(centigallons) AS BIGINT), CAST(SUM(interval_minutes) AS BIGINT) \
         FROM meter_reads WHERE account_id = $1 AND read_at >= $2 AND read_at < $3 {only} \
         GROUP BY (read_at + utc_offset_minutes * 60) / {seconds}, meter_id"
    );
    let rows: Sums = sqlx::query_as(&sql)
        .bind(account)
        .bind(from_day * DAY - OFFSET_REACH)
        .bind(until_day * DAY + OFFSET_REACH)
        .fetch_all(&db.pool)
        .await?;
    // The reach either side brings neighbouring local days: only the asked ones stay.
    let per_day = DAY / seconds;
    let asked = from_day * per_day..until_day * per_day;
    Ok(rows.into_iter().filter(|r| asked.contains(&r.0)).collect())
}

/// One total per bucket, complete when each of its meters was read `minutes` in it.
fn combine(sums: Sums, minutes: i64) -> BTreeMap<i64, (i64, bool)> {
    let mut out: BTreeMap<i64, (i64, bool)> = BTreeMap::new();
    for (bucket, _meter, centigallons, read) in sums {
        let entry = out.entry(bucket).or_insert((0, true));
        entry.0 += centigallons;
        entry.1 &= read >= minutes;
    }
    out
}

fn unix_day(day: Date) -> i64 {
    i64::from(day.to_julian_day() - time::macros::date!(1970 - 01 - 01).to_julian_day())
}

fn day_of(unix_day: i64) -> Option<Date> {
    let julian = i64::from(time::macros::date!(1970 - 01 - 01).to_julian_day()) + unix_day;
    Date::from_julian_day(i32::try_from(julian).ok()?).ok()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_days_count_from_1970() {
        let day = time::macros::date!(2026 - 11 - 01);
        assert_eq!(unix_day(day), (1_793_520_000 - 8 * 3600) / DAY);
        assert_eq!(day_of(unix_day(day)), Some(day));
    }

    #[test]
    fn a_bucket_is_whole_only_when_each_meter_read_all_of_it() {
        let sums = vec![
            (5, "A".to_string(), 100, 60),
            (5, "B".to_string(), 50, 60),
            (6, "A".to_string(), 100, 45),
        ];
        let combined = combine(sums, 60);
        assert_eq!(combined[&5], (150, true));
        assert_eq!(combined[&6], (100, false));
    }
}
