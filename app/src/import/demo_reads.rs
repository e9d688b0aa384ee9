//! Demo meter reads: an hour-by-hour year and more for each demo account, whose days add up
//! exactly to the gallons of each demo bill (as a utility's meter data and billing agree),
//! with a few hours missing in the period not billed yet (so the page shows a gap). The
//! demo meter data system writes Pacific Standard Time all year, as many do.

use super::demo::demo_bills;
use super::reads::{import_reads, ReadsReport};
use super::ImportError;
use crate::domain::water_use::{month_start, Days};
use crate::platform::Db;
use time::{Date, Duration};

/// Months of reads before today's: enough for a year-before beside every billed period.
const MONTHS_BACK: i32 = 15;
/// Relative use of the hours of a day: none in the small hours (no demo account looks like
/// a leak), the morning and the evening highest.
const HOUR_WEIGHTS: [i64; 24] =
    [1, 0, 0, 0, 0, 3, 25, 30, 25, 10, 10, 10, 12, 10, 10, 10, 12, 20, 25, 25, 20, 15, 8, 4];
/// The account whose reads have a gap, and the hours missing two days before today.
const GAP_ACCOUNT: &str = "2345678";
const GAP_HOURS: std::ops::Range<u8> = 2..7;
const PST: time::UtcOffset = time::macros::offset!(-8);

/// Loads the demo reads (`None`: they already reach yesterday, as a start of the same day
/// left them).
#[tracing::instrument(skip_all, fields(%today))]
pub async fn load(db: &Db, today: Date) -> Result<Option<ReadsReport>, ImportError> {
    let last: Option<(i64,)> = sqlx::query_as(
        "SELECT read_at FROM meter_reads WHERE meter_id = $1 ORDER BY read_at DESC LIMIT 1",
    )
    .bind("MTR-1234567")
    .fetch_optional(&db.pool)
    .await?;
    let last_hour = |day: Date| (day.midnight().assume_offset(PST).unix_timestamp()) - 3600;
    if last.is_some_and(|(at,)| at >= last_hour(today)) {
        return Ok(None);
    }
    let csv = csv(today);
    let report = import_reads(db, || Ok(csv.as_bytes()), &mut |_, _| {}).await?;
    Ok(Some(report))
}

/// The reads as the import file: one row per account and hour, from the start of the month
/// `MONTHS_BACK` before today's up to the end of yesterday.
pub fn csv(today: Date) -> String {
    let mut out = String::from("account_number,meter_id,read_at,gallons,interval_minutes\n");
    let bills = demo_bills(today);
    // The bills come account by account.
    let mut accounts: Vec<String> = bills.iter().map(|b| b.account_number.as_padded()).collect();
    accounts.dedup();
    let start = month_start(today, -MONTHS_BACK);
    // Two days ago, when that is after the newest bill (its period must add up).
    let gap = Some(today - Duration::days(2)).filter(|d| *d >= month_start(today, 0));
    for (n, account) in accounts.iter().enumerate() {
        let billed: Vec<(Date, i64)> = bills
            .iter()
            .filter(|b| b.account_number.as_padded() == *account)
            .map(|b| (b.bill_date, b.usage_gallons))
            .collect();
        for (days, centigallons) in periods(start, today, &billed, n as i64) {
            for (day, hours) in spread(days, centigallons) {
                let gap = gap.filter(|g| *g == day && account == GAP_ACCOUNT);
                write_day(&mut out, account, day, &hours, gap.is_some());
            }
        }
    }
    out
}

/// The stretches to fill and the hundredths of a gallon each holds: each billed period its
/// bill's gallons exactly; the time before and after, a usual amount a day.
fn periods(start: Date, today: Date, billed: &[(Date, i64)], n: i64) -> Vec<(Days, i64)> {
    // Hundredths of a gallon: 150 gallons a day, 40 more for each further account.
    let usual_day = 15_000 + n * 4_000;
    let mut out = Vec::new();
    let mut from = start;
    for (i, (bill_date, gallons)) in billed.iter().enumerate() {
        let period_from = if i == 0 { month_start(*bill_date, -1) } else { billed[i - 1].0 };
        if from < period_from {
            let days = Days { from, until: period_from };
            out.push((days, usual_day * days.len()));
        }
        out.push((Days { from: period_from, until: *bill_date }, gallons * 100));
        from = *bill_date;
    }
    let open = Days { from, until: today };
    out.push((open, usual_day * open.len()));
    out
}

/// `centigallons` over the hours of `days` by the weights of the hours (a little more on
/// some days than others), exact: what rounding leaves goes to the busiest hours.
fn spread(days: Days, centigallons: i64) -> Vec<(Date, [i64; 24])> {
    let weight = |day: Date, hour: usize| {
        let busy = 8 + (day.to_julian_day() as i64 * 7 + hour as i64).rem_euclid(5);
        HOUR_WEIGHTS[hour] * busy
    };
    let total_weight: i64 = days.iter().map(|d| (0..24).map(|h| weight(d, h)).sum::<i64>()).sum();
    if total_weight == 0 {
        return Vec::new();
    }
    let mut out: Vec<(Date, [i64; 24])> = days
        .iter()
        .map(|d| {
            let mut hours = [0i64; 24];
            for (h, value) in hours.iter_mut().enumerate() {
                *value = centigallons * weight(d, h) / total_weight;
            }
            (d, hours)
        })
        .collect();
    let given: i64 = out.iter().map(|(_, h)| h.iter().sum::<i64>()).sum();
    let mut left = centigallons - given;
    // Fewer than one hundredth per hour is left: one each to the morning peaks in turn.
    'days: while left > 0 {
        for (_, hours) in out.iter_mut() {
            if left == 0 {
                break 'days;
            }
            hours[7] += 1;
            left -= 1;
        }
    }
    out
}

/// One day's rows; `gap` leaves out `GAP_HOURS`.
fn write_day(out: &mut String, account: &str, day: Date, hours: &[i64; 24], gap: bool) {
    for (hour, centigallons) in hours.iter().enumerate() {
        if gap && GAP_HOURS.contains(&(hour as u8)) {
            continue;
        }
        let at = crate::domain::format::iso_date(day);
        let (whole, hundredths) = (centigallons / 100, centigallons % 100);
        out.push_str(&format!(
            "{account},MTR-{account},{at}T{hour:02}:00:00-08:00,{whole}.{hundredths:02},60\n"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_spread_over_its_hours_exactly() {
        let days = Days {
            from: time::macros::date!(2026 - 10 - 01),
            until: time::macros::date!(2026 - 11 - 01),
        };
        let spread = spread(days, 1_224_000);
        assert_eq!(spread.len(), 31);
        let sum: i64 = spread.iter().map(|(_, h)| h.iter().sum::<i64>()).sum();
        assert_eq!(sum, 1_224_000);
        let night = spread.iter().map(|(_, h)| h[3]).max().unwrap();
        assert_eq!(night, 0, "no use in the small hours: {night}");
    }
}
