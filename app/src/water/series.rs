//! An account's meter reads summed over local buckets (an hour or a day of the place they
//! were read, as the meter data system wrote their offset), per meter so that a bucket read
//! whole can be told from one with gaps. What the usage page charts and the alerts watch.

use crate::domain::AccountId;
use crate::platform::db::{numbered, Backend};
use crate::platform::Db;
use std::collections::BTreeMap;
use time::Date;

/// Seconds either side of a UTC day that a local day can reach (offsets run from -12 to
/// +14 hours).
const OFFSET_REACH: i64 = 14 * 3600;
/// Meters whose days are summed by one statement (each is a term of an `OR`, and SQLite
/// allows an expression 1,000 deep).
const METERS_PER_SUM: usize = 100;
pub const DAY: i64 = 86_400;
pub const HOUR: i64 = 3_600;

/// Use summed per meter over a local bucket: (bucket, meter, hundredths, minutes read).
type Sums = Vec<(i64, String, i64, i64)>;

/// The account's use by local day over days `from_day`..`until_day` (days since 1970):
/// hundredths of a gallon, and whether each meter read in it was read the whole day. From
/// the day totals the reads import keeps.
pub async fn days(
    db: &Db,
    account: AccountId,
    from_day: i64,
    until_day: i64,
) -> Result<BTreeMap<i64, (i64, bool)>, sqlx::Error> {
    let rows: Sums = sqlx::query_as(
        "SELECT local_day, meter_id, centigallons, minutes FROM meter_read_days \
         WHERE account_id = $1 AND local_day >= $2 AND local_day < $3",
    )
    .bind(account)
    .bind(from_day)
    .bind(until_day)
    .fetch_all(&db.pool)
    .await?;
    Ok(combine(rows, DAY / 60))
}

/// The account's use by local hour (numbered from 1970) over days `from_day`..`until_day`,
/// as `days` gives it. Daily reads have no hours: they are left out.
pub async fn hours(
    db: &Db,
    account: AccountId,
    from_day: i64,
    until_day: i64,
) -> Result<BTreeMap<i64, (i64, bool)>, sqlx::Error> {
    let rows: Sums = sqlx::query_as(
        "SELECT (read_at + utc_offset_minutes * 60) / 3600 AS bucket, meter_id, \
         CAST(SUM(centigallons) AS BIGINT), CAST(SUM(interval_minutes) AS BIGINT) \
         FROM meter_reads WHERE account_id = $1 AND read_at >= $2 AND read_at < $3 \
         AND interval_minutes < 1440 \
         GROUP BY (read_at + utc_offset_minutes * 60) / 3600, meter_id",
    )
    .bind(account)
    .bind(from_day * DAY - OFFSET_REACH)
    .bind(until_day * DAY + OFFSET_REACH)
    .fetch_all(&db.pool)
    .await?;
    // The reach either side brings neighbouring local days: only the asked ones stay.
    let asked = from_day * 24..until_day * 24;
    let rows = rows.into_iter().filter(|r| asked.contains(&r.0)).collect();
    Ok(combine(rows, HOUR / 60))
}

/// Replaces the day totals of each meter's days `first..=last`: deleted, then summed again
/// from the reads (a read that moved to another account or day leaves nothing behind). In
/// the reads import's transaction, `METERS_PER_SUM` meters a statement.
pub async fn sum_days(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    meters: &[(&str, (i64, i64))],
) -> Result<(), sqlx::Error> {
    for chunk in meters.chunks(METERS_PER_SUM) {
        let terms = |per: usize, term: &dyn Fn(&[String]) -> String| {
            let params = numbered(backend, chunk.len() * per);
            params.chunks(per).map(term).collect::<Vec<_>>().join(" OR ")
        };
        let delete = format!(
            "DELETE FROM meter_read_days WHERE {}",
            terms(3, &|p| format!(
                "(meter_id = {} AND local_day BETWEEN {} AND {})",
                p[0], p[1], p[2]
            ))
        );
        let mut query = sqlx::query(&delete);
        for (meter, (first, last)) in chunk {
            query = query.bind(*meter).bind(*first).bind(*last);
        }
        query.execute(&mut **tx).await?;
        let insert = format!(
            "INSERT INTO meter_read_days (account_id, local_day, meter_id, centigallons, minutes) \
             SELECT account_id, (read_at + utc_offset_minutes * 60) / 86400, meter_id, \
             SUM(centigallons), SUM(interval_minutes) FROM meter_reads WHERE {} \
             GROUP BY account_id, (read_at + utc_offset_minutes * 60) / 86400, meter_id",
            terms(5, &|p| format!(
                "(meter_id = {} AND read_at >= {} AND read_at < {} \
                 AND (read_at + utc_offset_minutes * 60) / 86400 BETWEEN {} AND {})",
                p[0], p[1], p[2], p[3], p[4]
            ))
        );
        let mut query = sqlx::query(&insert);
        for (meter, (first, last)) in chunk {
            query = query
                .bind(*meter)
                .bind(first * DAY - OFFSET_REACH)
                .bind((last + 1) * DAY + OFFSET_REACH)
                .bind(*first)
                .bind(*last);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
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
