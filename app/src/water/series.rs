//! An account's meter reads summed over local buckets (an hour or a day of the place they
//! were read, as the meter data system wrote their offset), per meter so that a bucket read
//! whole can be told from one with gaps. What the usage page charts and the alerts watch.

use crate::domain::AccountId;
use crate::platform::Db;
use std::collections::BTreeMap;
use time::Date;

/// Seconds either side of a UTC day that a local day can reach (offsets run from -12 to
/// +14 hours).
const OFFSET_REACH: i64 = 14 * 3600;
pub const DAY: i64 = 86_400;
pub const HOUR: i64 = 3_600;

/// Use summed per meter over a local bucket: (bucket, meter, hundredths, minutes read).
type Sums = Vec<(i64, String, i64, i64)>;

/// The account's use over local days `from_day`..`until_day` (days since 1970), by local
/// bucket of `seconds` (a day or an hour, numbered from 1970): hundredths of a gallon and
/// whether each meter read in it was read the whole bucket. Daily reads have no hours: with
/// `seconds` an hour they are left out.
pub async fn buckets(
    db: &Db,
    account: AccountId,
    from_day: i64,
    until_day: i64,
    seconds: i64,
) -> Result<BTreeMap<i64, (i64, bool)>, sqlx::Error> {
    let only = if seconds < DAY { "AND interval_minutes < 1440" } else { "" };
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
    let rows = rows.into_iter().filter(|r| asked.contains(&r.0)).collect();
    Ok(combine(rows, seconds / 60))
}

/// One total per bucket, whole when each of its meters was read `minutes` in it.
fn combine(sums: Sums, minutes: i64) -> BTreeMap<i64, (i64, bool)> {
    let mut out: BTreeMap<i64, (i64, bool)> = BTreeMap::new();
    for (bucket, _meter, centigallons, read) in sums {
        let entry = out.entry(bucket).or_insert((0, true));
        entry.0 += centigallons;
        entry.1 &= read >= minutes;
    }
    out
}

/// The local time (seconds since 1970, local) of the account's newest read's start.
pub async fn last_read(db: &Db, account: AccountId) -> Result<Option<i64>, sqlx::Error> {
    let last: Option<(i64,)> = sqlx::query_as(
        "SELECT read_at + utc_offset_minutes * 60 FROM meter_reads \
         WHERE account_id = $1 ORDER BY read_at DESC LIMIT 1",
    )
    .bind(account)
    .fetch_optional(&db.pool)
    .await?;
    Ok(last.map(|(local,)| local))
}

/// One interval as read (all the account's meters added): its start in Unix seconds, its
/// length, its offset from UTC and its use in hundredths of a gallon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Interval {
    pub read_at: i64,
    pub minutes: i64,
    pub utc_offset_minutes: i64,
    pub centigallons: i64,
}

impl Interval {
    /// The local day it belongs to, counted from 1970.
    pub fn local_day(&self) -> i64 {
        (self.read_at + self.utc_offset_minutes * 60).div_euclid(DAY)
    }
}

/// The account's intervals of local days `from_day`..`until_day`, in time order: what a
/// Green Button file carries.
pub async fn intervals(
    db: &Db,
    account: AccountId,
    from_day: i64,
    until_day: i64,
) -> Result<Vec<Interval>, sqlx::Error> {
    let rows: Vec<Interval> = sqlx::query_as(
        "SELECT read_at, CAST(interval_minutes AS BIGINT) AS minutes, \
         CAST(utc_offset_minutes AS BIGINT) AS utc_offset_minutes, \
         CAST(SUM(centigallons) AS BIGINT) AS centigallons FROM meter_reads \
         WHERE account_id = $1 AND read_at >= $2 AND read_at < $3 \
         GROUP BY read_at, interval_minutes, utc_offset_minutes ORDER BY read_at",
    )
    .bind(account)
    .bind(from_day * DAY - OFFSET_REACH)
    .bind(until_day * DAY + OFFSET_REACH)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().filter(|r| (from_day..until_day).contains(&r.local_day())).collect())
}

/// Days since 1970 of a date.
pub fn unix_day(day: Date) -> i64 {
    i64::from(day.to_julian_day() - time::macros::date!(1970 - 01 - 01).to_julian_day())
}

/// The date of a day counted since 1970.
pub fn day_of(unix_day: i64) -> Option<Date> {
    let julian = i64::from(time::macros::date!(1970 - 01 - 01).to_julian_day()) + unix_day;
    Date::from_julian_day(i32::try_from(julian).ok()?).ok()
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
