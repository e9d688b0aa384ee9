//! The usage page's view from the address: the account (one of the customer's own), the
//! scale and the period, its bars beside the same period a year before, and the bill check.

use super::data;
use super::{Bar, BillCheck, ShownAlert, UsageQuery, UsageView};
use crate::domain::leak::AlertKind;
use crate::domain::water_use::{
    a_year_before, billing_period, month_start, whole_total, Bucket, Days, Scale, MONTHS_SHOWN,
};
use crate::domain::{AccountId, CustomerId};
use crate::platform::Db;
use std::collections::BTreeMap;
use time::{Date, Duration};

/// The view the address asks for; `None` without an account.
#[tracing::instrument(skip(db, query))]
pub async fn usage(
    db: &Db,
    customer: CustomerId,
    query: &UsageQuery,
    today: Date,
) -> Result<Option<UsageView>, sqlx::Error> {
    let accounts = data::accounts(db, customer).await?;
    let asked = query.account.as_deref().and_then(|a| a.trim().parse::<i64>().ok());
    let Some(account) = accounts
        .iter()
        .map(|(id, _)| *id)
        .find(|id| Some(id.0) == asked)
        .or_else(|| accounts.first().map(|(id, _)| *id))
    else {
        return Ok(None);
    };
    let scale = query.scale.as_deref().and_then(Scale::parse).unwrap_or_default();
    let last_read = data::last_read_day(db, account).await?;
    let at = query
        .at
        .as_deref()
        .and_then(|a| crate::platform::db::parse_date(a.trim()).ok())
        .filter(|d| *d <= today)
        .or(last_read)
        .unwrap_or(today);
    let unit = data::unit(db, customer).await?;
    let hourly = data::has_hourly_reads(db, account).await?;
    // Days after the newest read are not read yet: not shown as missing.
    let read_until = last_read.map_or(today, |d| d.min(today));
    let mut view = match scale {
        Scale::Hour => hours(db, account, at, today).await?,
        Scale::Day => days(db, account, at, today, read_until).await?,
        Scale::Month => months(db, account, at, today, read_until).await?,
    };
    view.accounts = accounts;
    view.unit = unit;
    view.hourly = hourly;
    view.alerts = alerts(db, account).await?;
    Ok(Some(view))
}

/// The account's alerts not dismissed.
async fn alerts(db: &Db, account: AccountId) -> Result<Vec<ShownAlert>, sqlx::Error> {
    let rows = crate::water::alerts::data::shown(db, account).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, kind, started, resolved)| {
            Some(ShownAlert { id, kind: AlertKind::parse(&kind)?, started, resolved })
        })
        .collect())
}

/// A view without the customer's parts, which `usage` fills in.
fn view(account: AccountId, scale: Scale, days: Days, bars: Vec<Bar>) -> UsageView {
    UsageView {
        accounts: Vec::new(),
        account,
        scale,
        unit: Default::default(),
        days,
        bars,
        previous: days.from,
        next: None,
        bill: None,
        hourly: true,
        alerts: Vec::new(),
    }
}

fn bucket(found: Option<&(i64, bool)>) -> Bucket {
    found.map_or(Bucket::MISSING, |(c, whole)| Bucket { centigallons: Some(*c), complete: *whole })
}

/// The hours of `day`, beside the same day a year before.
async fn hours(
    db: &Db,
    account: AccountId,
    day: Date,
    today: Date,
) -> Result<UsageView, sqlx::Error> {
    let now = data::hourly(db, account, day).await?;
    let before = data::hourly(db, account, a_year_before(day)).await?;
    let bars = (0..24u8)
        .map(|h| Bar {
            day,
            hour: Some(h),
            now: bucket(now.get(&i64::from(h))),
            year_before: bucket(before.get(&i64::from(h))),
        })
        .collect();
    let one = Days { from: day, until: day + Duration::days(1) };
    let mut view = view(account, Scale::Hour, one, bars);
    view.previous = day - Duration::days(1);
    view.next = Some(day + Duration::days(1)).filter(|d| *d <= today);
    Ok(view)
}

/// The days of the billing period holding `day`, and the bill check of a billed one. The
/// period not billed yet ends with the newest read (`read_until`).
async fn days(
    db: &Db,
    account: AccountId,
    day: Date,
    today: Date,
    read_until: Date,
) -> Result<UsageView, sqlx::Error> {
    let bills = data::bills(db, account).await?;
    let dates: Vec<Date> = bills.iter().map(|(d, _)| *d).collect();
    let mut period = billing_period(day, &dates, today);
    if !dates.contains(&period.until) {
        period.until = period.until.min(read_until.max(period.from) + Duration::days(1));
    }
    let now = data::daily(db, account, period.from, period.until).await?;
    let (from, until) = (a_year_before(period.from), a_year_before(period.until));
    let before = data::daily(db, account, from, until).await?;
    let bars: Vec<Bar> = period
        .iter()
        .map(|d| Bar {
            day: d,
            hour: None,
            now: bucket(now.get(&d)),
            year_before: bucket(before.get(&a_year_before(d))),
        })
        .collect();
    let billed = bills.iter().find(|(d, _)| *d == period.until).map(|(_, gallons)| *gallons);
    let check = billed.map(|gallons| bill_check(&bars, gallons));
    let mut view = view(account, Scale::Day, period, bars);
    view.previous = period.from - Duration::days(1);
    view.next = Some(period.until).filter(|d| *d <= today);
    view.bill = check;
    Ok(view)
}

/// Whether the period's days add up to the bill's gallons.
fn bill_check(bars: &[Bar], gallons: i64) -> BillCheck {
    let now: Vec<Bucket> = bars.iter().map(|b| b.now).collect();
    match whole_total(&now) {
        (Some(total), _) if total == gallons * 100 => BillCheck::AddsUp { gallons },
        (Some(read_centigallons), _) => BillCheck::Differs { read_centigallons, gallons },
        (None, days) => BillCheck::Missing { days, gallons },
    }
}

/// The 24 months up to `day`'s, each the sum of its days up to the newest read.
async fn months(
    db: &Db,
    account: AccountId,
    day: Date,
    today: Date,
    read_until: Date,
) -> Result<UsageView, sqlx::Error> {
    let last = month_start(day, 0);
    let first = month_start(last, 1 - MONTHS_SHOWN as i32);
    let until = month_start(last, 1);
    // Two years and the year before them, in one reading.
    let daily = data::daily(db, account, month_start(first, -12), until).await?;
    let bars = (0..MONTHS_SHOWN as i32)
        .map(|m| {
            let start = month_start(first, m);
            Bar {
                day: start,
                hour: None,
                now: month_bucket(&daily, start, read_until),
                year_before: month_bucket(&daily, month_start(start, -12), read_until),
            }
        })
        .collect();
    let mut view = view(account, Scale::Month, Days { from: first, until }, bars);
    view.previous = month_start(last, -12);
    view.next = Some(month_start(last, 12)).filter(|d| *d <= today);
    Ok(view)
}

/// A month's days summed: complete when each of its days up to `read_until` was read whole.
fn month_bucket(daily: &BTreeMap<Date, (i64, bool)>, start: Date, read_until: Date) -> Bucket {
    let until = month_start(start, 1).min(read_until + Duration::days(1));
    let month = Days { from: start, until };
    let days: Vec<Bucket> = month.iter().map(|d| bucket(daily.get(&d))).collect();
    if days.iter().all(|b| b.centigallons.is_none()) {
        return Bucket::MISSING;
    }
    let (total, _) = whole_total(&days);
    let sum = days.iter().filter_map(|b| b.centigallons).sum();
    Bucket { centigallons: Some(total.unwrap_or(sum)), complete: total.is_some() }
}
