//! Water use as the usage page shows it (issue 19): the scales (the hours of a day, the
//! days of a billing period, the months of two years), the unit (gallons, or HCF: hundreds
//! of cubic feet, as many utilities bill), and the periods a page steps through. Use is in
//! hundredths of a gallon, exact; a bucket without reads is `None`, never zero.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

/// Gallons in one HCF (100 cubic feet), as utilities bill it.
pub const GALLONS_PER_HCF: i64 = 748;
/// Months on the monthly chart.
pub const MONTHS_SHOWN: usize = 24;
/// Days of a period when an account has no bills to give one.
pub const DAYS_WITHOUT_BILLS: i64 = 30;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scale {
    Hour,
    #[default]
    Day,
    Month,
}

impl Scale {
    pub const ALL: [Self; 3] = [Self::Hour, Self::Day, Self::Month];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hour => "hour",
            Self::Day => "day",
            Self::Month => "month",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw.trim())
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    #[default]
    Gallons,
    Hcf,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gallons => "gallons",
            Self::Hcf => "hcf",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Gallons, Self::Hcf].into_iter().find(|u| u.as_str() == raw.trim())
    }

    /// The amount in this unit, for a chart's scale (never for sums: those add hundredths).
    pub fn value(self, centigallons: i64) -> f64 {
        let gallons = centigallons as f64 / 100.0;
        match self {
            Self::Gallons => gallons,
            Self::Hcf => gallons / GALLONS_PER_HCF as f64,
        }
    }

    /// The amount as a number to read: whole gallons, or HCF to two decimals (rounded half
    /// up, from the exact hundredths).
    pub fn number(self, centigallons: i64) -> (i64, Option<i64>) {
        match self {
            Self::Gallons => ((centigallons + 50) / 100, None),
            Self::Hcf => {
                // Hundredths of an HCF = centigallons / 748, rounded.
                let hundredths = (centigallons + GALLONS_PER_HCF / 2) / GALLONS_PER_HCF;
                (hundredths / 100, Some(hundredths % 100))
            }
        }
    }
}

/// An amount to read: "6,200 gallons", "8.29 HCF".
pub fn amount(centigallons: i64, unit: Unit, lang: super::Lang) -> String {
    match unit.number(centigallons) {
        (gallons, None) => super::format::gallons(gallons, lang),
        (whole, Some(hundredths)) => {
            format!("{}.{hundredths:02} HCF", super::format::grouped(whole))
        }
    }
}

/// "November 20, 2026, 10:00": a local time counted in seconds since 1970 (as the alerts
/// keep the local hour a reading started).
pub fn local_time(local: i64, lang: super::Lang) -> String {
    let hour = local.rem_euclid(86_400) / 3600;
    let date = local_day(local);
    date.map(|d| format!("{}, {hour:02}:00", super::format::long_date(d, lang))).unwrap_or_default()
}

/// The day of a local time counted in seconds since 1970.
pub fn local_day(local: i64) -> Option<Date> {
    let epoch = time::macros::date!(1970 - 01 - 01).to_julian_day();
    let day = i32::try_from(local.div_euclid(86_400)).ok()?;
    Date::from_julian_day(epoch + day).ok()
}

/// The same day a year before (the 28th for the 29th of February).
pub fn a_year_before(day: Date) -> Date {
    let year = day.year() - 1;
    day.replace_year(year).unwrap_or_else(|_| {
        Date::from_calendar_date(year, day.month(), 28).expect("the 28th exists")
    })
}

/// The first day of the month `months` after `day`'s (before, when negative).
pub fn month_start(day: Date, months: i32) -> Date {
    let index = day.year() * 12 + i32::from(u8::from(day.month())) - 1 + months;
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).expect("1 to 12");
    Date::from_calendar_date(index.div_euclid(12), month, 1).expect("the 1st exists")
}

/// A stretch of days: `from` to `until`, `until` not included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Days {
    pub from: Date,
    pub until: Date,
}

impl Days {
    pub fn len(self) -> i64 {
        (self.until - self.from).whole_days()
    }

    pub fn is_empty(self) -> bool {
        self.len() <= 0
    }

    pub fn contains(self, day: Date) -> bool {
        self.from <= day && day < self.until
    }

    pub fn iter(self) -> impl Iterator<Item = Date> {
        (0..self.len()).map(move |n| self.from + Duration::days(n))
    }
}

/// The billing period holding `day`: from one bill's date to the next one's (`bill_dates`,
/// any order). Before the first bill, the month before it; after the last one, from it to
/// `today` (the period not billed yet, `today` included). Without bills, the 30 days up to
/// `day`.
pub fn billing_period(day: Date, bill_dates: &[Date], today: Date) -> Days {
    let mut dates = bill_dates.to_vec();
    dates.sort_unstable();
    dates.dedup();
    let (Some(&first), Some(&last)) = (dates.first(), dates.last()) else {
        let until = day + Duration::days(1);
        return Days { from: until - Duration::days(DAYS_WITHOUT_BILLS), until };
    };
    if day < first {
        let from =
            month_start(first, -1).replace_day(first.day()).unwrap_or(month_start(first, -1));
        return Days { from, until: first };
    }
    if day >= last {
        let until = today.max(last) + Duration::days(1);
        return Days { from: last, until };
    }
    let next = dates.iter().position(|d| *d > day).expect("day is before the last bill");
    Days { from: dates[next - 1], until: dates[next] }
}

/// The total of `buckets` when every one was read whole; otherwise `None` and how many
/// were not.
pub fn whole_total(buckets: &[Bucket]) -> (Option<i64>, usize) {
    let missing = buckets.iter().filter(|b| !b.complete).count();
    let total = buckets.iter().filter_map(|b| b.centigallons).sum();
    (if missing == 0 { Some(total) } else { None }, missing)
}

/// One bar of a chart: its use (`None`: no read at all) and whether every interval of it
/// was read (`false`: the value, if any, is short of the truth).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    pub centigallons: Option<i64>,
    pub complete: bool,
}

impl Bucket {
    pub const MISSING: Self = Self { centigallons: None, complete: false };
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn hcf_and_gallons_are_rounded_from_exact_hundredths() {
        assert_eq!(Unit::Gallons.number(620_049), (6_200, None));
        assert_eq!(Unit::Gallons.number(620_050), (6_201, None));
        // 748 gallons = 1 HCF; 6,200 gallons = 8.288… HCF.
        assert_eq!(Unit::Hcf.number(74_800), (1, Some(0)));
        assert_eq!(Unit::Hcf.number(620_000), (8, Some(29)));
        assert_eq!(Unit::parse("hcf"), Some(Unit::Hcf));
        assert_eq!(Unit::parse("liters"), None);
        assert_eq!(amount(620_000, Unit::Hcf, crate::domain::Lang::Es), "8.29 HCF");
        assert_eq!(amount(620_000, Unit::Gallons, crate::domain::Lang::Es), "6,200 galones");
    }

    #[test]
    fn a_billing_period_runs_from_one_bill_to_the_next() {
        let bills = [date!(2026 - 11 - 01), date!(2026 - 09 - 01), date!(2026 - 10 - 01)];
        let today = date!(2026 - 11 - 29);
        let october = Days { from: date!(2026 - 10 - 01), until: date!(2026 - 11 - 01) };
        assert_eq!(billing_period(date!(2026 - 10 - 15), &bills, today), october);
        assert_eq!(billing_period(date!(2026 - 10 - 01), &bills, today), october);
        let open = billing_period(date!(2026 - 11 - 03), &bills, today);
        assert_eq!(open, Days { from: date!(2026 - 11 - 01), until: date!(2026 - 11 - 30) });
        let before = billing_period(date!(2026 - 08 - 20), &bills, today);
        assert_eq!(before, Days { from: date!(2026 - 08 - 01), until: date!(2026 - 09 - 01) });
        let none = billing_period(date!(2026 - 11 - 29), &[], today);
        assert_eq!((none.len(), none.until), (30, date!(2026 - 11 - 30)));
        assert_eq!(october.iter().count(), 31);
    }

    #[test]
    fn a_local_time_reads_as_its_day_and_hour() {
        let local = (1_793_520_000 - 8 * 3600) + 10 * 3600;
        assert_eq!(local_time(local, crate::domain::Lang::En), "November 1, 2026, 10:00");
        assert_eq!(local_day(local), Some(time::macros::date!(2026 - 11 - 01)));
    }

    #[test]
    fn months_and_years_step_across_their_ends() {
        assert_eq!(month_start(date!(2026 - 01 - 15), -1), date!(2025 - 12 - 01));
        assert_eq!(month_start(date!(2026 - 11 - 29), -23), date!(2024 - 12 - 01));
        assert_eq!(month_start(date!(2026 - 12 - 31), 1), date!(2027 - 01 - 01));
        assert_eq!(a_year_before(date!(2028 - 02 - 29)), date!(2027 - 02 - 28));
        assert_eq!(a_year_before(date!(2026 - 11 - 29)), date!(2025 - 11 - 29));
    }

    #[test]
    fn a_total_is_given_only_when_every_bucket_was_read_whole() {
        let whole = Bucket { centigallons: Some(100), complete: true };
        let short = Bucket { centigallons: Some(40), complete: false };
        assert_eq!(whole_total(&[whole, whole]), (Some(200), 0));
        assert_eq!(whole_total(&[whole, short, Bucket::MISSING]), (None, 2));
    }
}
