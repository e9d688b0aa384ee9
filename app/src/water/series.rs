//! An account's meter reads summed over local buckets (an hour or a day of the place they
//! were read, as the meter data system wrote their offset), per meter so that a bucket read
//! whole can be told from one with gaps. What the usage page charts and the alerts watch.

use crate::domain::AccountId;
use crate::platform::db::{numbered, placeholders, Backend};
use crate::platform::Db;
use std::collections::{BTreeMap, HashMap};
use time::Date;

/// Seconds either side of a UTC day that a local day can reach (offsets run from -12 to
/// +14 hours).
const OFFSET_REACH: i64 = 14 * 3600;
/// Meters whose days are summed by one statement (each is a term of an `OR`, and SQLite
/// allows an expression 1,000 deep).
const METERS_PER_SUM: usize = 100;
/// Day totals added by one statement.
const DAYS_PER_STATEMENT: usize = 500;
pub const DAY: i64 = 86_400;
pub const HOUR: i64 = 3_600;

/// Use summed per meter over a local bucket: (bucket, meter, hundredths, minutes read).
type Sums = Vec<(i64, String, i64, i64)>;

/// The account's use by local day over the days of `spans` (days since 1970, each `(from,
/// until)`, `until` not included): hundredths of a gallon, and whether each meter read in
/// it was read the whole day. From the day totals the reads import keeps, in one statement.
pub async fn days(
    db: &Db,
    account: AccountId,
    spans: &[(i64, i64)],
) -> Result<BTreeMap<i64, (i64, bool)>, sqlx::Error> {
    let within: Vec<String> = (0..spans.len())
        .map(|i| format!("(local_day >= ${} AND local_day < ${})", 2 * i + 2, 2 * i + 3))
        .collect();
    let sql = format!(
        "SELECT local_day, meter_id, centigallons, minutes FROM meter_read_days \
         WHERE account_id = $1 AND ({})",
        within.join(" OR ")
    );
    let mut query = sqlx::query_as::<_, (i64, String, i64, i64)>(&sql).bind(account);
    for (from, until) in spans {
        query = query.bind(*from).bind(*until);
    }
    Ok(combine(query.fetch_all(&db.pool).await?, DAY / 60))
}

/// `days` of several accounts, each over its own span of days `(account, from, until)`:
/// one statement for up to `METERS_PER_SUM` accounts (a term of an `OR` each), for a page
/// that shows each of a customer's accounts.
pub async fn days_of_accounts(
    db: &Db,
    spans: &[(AccountId, i64, i64)],
) -> Result<HashMap<AccountId, BTreeMap<i64, (i64, bool)>>, sqlx::Error> {
    let mut found: HashMap<AccountId, Sums> = HashMap::new();
    for chunk in spans.chunks(METERS_PER_SUM) {
        let params = numbered(db.backend, chunk.len() * 3);
        let within: Vec<String> = params
            .chunks(3)
            .map(|p| {
                format!(
                    "(account_id = {} AND local_day >= {} AND local_day < {})",
                    p[0], p[1], p[2]
                )
            })
            .collect();
        let sql = format!(
            "SELECT account_id, local_day, meter_id, centigallons, minutes FROM meter_read_days WHERE {}",
            within.join(" OR ")
        );
        let mut query = sqlx::query_as::<_, (AccountId, i64, String, i64, i64)>(&sql);
        for (account, from, until) in chunk {
            query = query.bind(*account).bind(*from).bind(*until);
        }
        for (account, day, meter, centigallons, minutes) in query.fetch_all(&db.pool).await? {
            found.entry(account).or_default().push((day, meter, centigallons, minutes));
        }
    }
    Ok(found.into_iter().map(|(account, sums)| (account, combine(sums, DAY / 60))).collect())
}

/// The account's use by local hour (numbered from 1970) over days `from_day..until_day`, as
/// `days` gives it. Daily reads have no hours: they are left out.
///
/// The reads come back as one text (`local start, meter, hundredths, minutes` a read) and
/// are summed here: the database driver hands over each row for about 1.5 µs, which made
/// the row-a-read (or row-an-hour) form of this query most of the alerts' time.
pub async fn hours(
    db: &Db,
    account: AccountId,
    from_day: i64,
    until_day: i64,
) -> Result<BTreeMap<i64, (i64, bool)>, sqlx::Error> {
    let (packed,): (Option<String>,) = sqlx::query_as(
        "SELECT string_agg(CAST(read_at + utc_offset_minutes * 60 AS TEXT) || ' ' || meter_id \
         || ' ' || CAST(centigallons AS TEXT) || ' ' || CAST(interval_minutes AS TEXT), ',') \
         FROM meter_reads WHERE account_id = $1 AND read_at >= $2 AND read_at < $3 \
         AND interval_minutes < 1440",
    )
    .bind(account)
    .bind(from_day * DAY - OFFSET_REACH)
    .bind(until_day * DAY + OFFSET_REACH)
    .fetch_one(&db.pool)
    .await?;
    let mut sums: BTreeMap<(i64, &str), (i64, i64)> = BTreeMap::new();
    // The reach either side brings neighbouring local days: only the asked ones stay.
    let asked = from_day * 24..until_day * 24;
    for read in packed.as_deref().unwrap_or_default().split(',').filter(|r| !r.is_empty()) {
        let (local, meter, centigallons, minutes) = unpack(read)?;
        if asked.contains(&(local / HOUR)) {
            let sum = sums.entry((local / HOUR, meter)).or_default();
            *sum = (sum.0 + centigallons, sum.1 + minutes);
        }
    }
    let rows = sums.into_iter().map(|((hour, meter), (c, m))| (hour, meter.to_string(), c, m));
    Ok(combine(rows.collect(), HOUR / 60))
}

/// One read of `hours`' text.
fn unpack(read: &str) -> Result<(i64, &str, i64, i64), sqlx::Error> {
    let mut parts = read.split(' ');
    let number =
        |parts: &mut std::str::Split<'_, char>| -> Option<i64> { parts.next()?.parse().ok() };
    let bad = || sqlx::Error::Decode(format!("a packed read: {read}").into());
    let local = number(&mut parts).ok_or_else(bad)?;
    let meter = parts.next().ok_or_else(bad)?;
    let centigallons = number(&mut parts).ok_or_else(bad)?;
    let minutes = number(&mut parts).ok_or_else(bad)?;
    Ok((local, meter, centigallons, minutes))
}

/// The local day (since 1970) of a read starting at `read_at` where the clock was
/// `utc_offset_minutes` from UTC, divided as the SQL that sums days divides (truncating).
pub fn local_day(read_at: i64, utc_offset_minutes: i64) -> i64 {
    (read_at + utc_offset_minutes * 60) / DAY
}

/// Adds new reads' use to the day totals: (account, meter, local day, hundredths, minutes).
pub async fn add_to_days(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    days: &[(AccountId, &str, i64, i64, i64)],
) -> Result<(), sqlx::Error> {
    for chunk in days.chunks(DAYS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO meter_read_days (account_id, meter_id, local_day, centigallons, minutes) \
             VALUES {} ON CONFLICT (account_id, local_day, meter_id) DO UPDATE SET \
             centigallons = meter_read_days.centigallons + excluded.centigallons, \
             minutes = meter_read_days.minutes + excluded.minutes",
            placeholders(backend, chunk.len(), 5)
        );
        let mut insert = sqlx::query(&sql).persistent(chunk.len() == DAYS_PER_STATEMENT);
        for (account, meter, day, centigallons, minutes) in chunk {
            insert =
                insert.bind(*account).bind(*meter).bind(*day).bind(*centigallons).bind(*minutes);
        }
        insert.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Replaces the day totals of each meter's days `first..=last`: deleted, then summed again
/// from the reads (a read that moved to another account or day leaves nothing behind),
/// `METERS_PER_SUM` meters a statement.
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

/// `last_read` of each of `accounts` that has reads, in one statement (an index seek each).
pub async fn last_reads(
    db: &Db,
    accounts: &[AccountId],
) -> Result<HashMap<AccountId, i64>, sqlx::Error> {
    if accounts.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT a.id, (SELECT r.read_at + r.utc_offset_minutes * 60 FROM meter_reads r \
         WHERE r.account_id = a.id ORDER BY r.read_at DESC LIMIT 1) \
         FROM accounts a WHERE a.id IN {}",
        placeholders(db.backend, 1, accounts.len())
    );
    let mut query = sqlx::query_as::<_, (AccountId, Option<i64>)>(&sql);
    for account in accounts {
        query = query.bind(*account);
    }
    let found = query.fetch_all(&db.pool).await?;
    Ok(found.into_iter().filter_map(|(account, last)| Some((account, last?))).collect())
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
    fn a_packed_read_unpacks_and_a_damaged_one_is_an_error() {
        let read = unpack("1793491200 MTR-1 450 60").unwrap();
        assert_eq!(read, (1_793_491_200, "MTR-1", 450, 60));
        assert!(unpack("1793491200 MTR-1 lots 60").is_err());
        assert!(unpack("1793491200 MTR-1 450").is_err());
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
