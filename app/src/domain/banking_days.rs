//! Banking days: the days the Federal Reserve settles ACH entries. Weekends and the Fed's
//! holidays are not. The holidays are computed by rule (no table to keep up to date): a
//! holiday on a Sunday is observed the Monday after; on a Saturday the Fed stays open the
//! Friday before, so that Saturday is simply not a banking day.

use time::{Date, Duration, Month, Weekday};

/// The `n`th (1-based) `weekday` of a month.
fn nth_weekday(year: i32, month: Month, weekday: Weekday, n: u8) -> Date {
    let first = Date::from_calendar_date(year, month, 1).expect("the first of a month exists");
    let offset = (7 + weekday.number_days_from_monday() as i64
        - first.weekday().number_days_from_monday() as i64)
        % 7;
    first + Duration::days(offset + 7 * (n as i64 - 1))
}

/// The last `weekday` of a month.
fn last_weekday(year: i32, month: Month, weekday: Weekday) -> Date {
    let next_month_first = match month {
        Month::December => Date::from_calendar_date(year + 1, Month::January, 1),
        _ => Date::from_calendar_date(year, month.next(), 1),
    }
    .expect("the first of a month exists");
    let mut day = next_month_first - Duration::days(1);
    while day.weekday() != weekday {
        day -= Duration::days(1);
    }
    day
}

fn fixed(year: i32, month: Month, day: u8) -> Date {
    Date::from_calendar_date(year, month, day).expect("a fixed holiday is a real date")
}

/// The Fed's holidays of a year as it observes them on weekdays. A holiday that falls on a
/// Saturday is left out (the Fed is open the Friday before, and Saturday is no banking day).
pub fn fed_holidays(year: i32) -> Vec<Date> {
    use Month::*;
    use Weekday::*;
    let by_date = [
        fixed(year, January, 1),
        fixed(year, June, 19),
        fixed(year, July, 4),
        fixed(year, November, 11),
        fixed(year, December, 25),
    ];
    let by_rule = [
        nth_weekday(year, January, Monday, 3), // Martin Luther King Jr.'s Birthday
        nth_weekday(year, February, Monday, 3), // Washington's Birthday
        last_weekday(year, May, Monday),       // Memorial Day
        nth_weekday(year, September, Monday, 1), // Labor Day
        nth_weekday(year, October, Monday, 2), // Columbus Day
        nth_weekday(year, November, Thursday, 4), // Thanksgiving Day
    ];
    let mut days: Vec<Date> = by_date
        .into_iter()
        .filter_map(|d| match d.weekday() {
            Sunday => Some(d + Duration::days(1)),
            Saturday => None,
            _ => Some(d),
        })
        .chain(by_rule)
        .collect();
    days.sort();
    days
}

pub fn is_banking_day(date: Date) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
        && !fed_holidays(date.year()).contains(&date)
}

/// `date` when it is a banking day, otherwise the next one.
pub fn on_or_after(date: Date) -> Date {
    let mut day = date;
    while !is_banking_day(day) {
        day += Duration::days(1);
    }
    day
}

/// The first banking day after `date`.
pub fn after(date: Date) -> Date {
    on_or_after(date + Duration::days(1))
}

/// The effective entry date of a debit drafted on `draft` and sent to the bank on `sent`:
/// the draft date when it is a banking day, otherwise the next one, and never a day before
/// the file is sent (a debit a stopped run sends late is dated the next banking day).
pub fn effective_entry_date(draft: Date, sent: Date) -> Date {
    on_or_after(draft.max(sent))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// The Federal Reserve's published holiday schedule, 2025–2030: the weekdays it is
    /// closed (its Saturday holidays, when it stays open the Friday before, are not listed).
    const PUBLISHED: [Date; 61] = [
        date!(2025 - 01 - 01),
        date!(2025 - 01 - 20),
        date!(2025 - 02 - 17),
        date!(2025 - 05 - 26),
        date!(2025 - 06 - 19),
        date!(2025 - 07 - 04),
        date!(2025 - 09 - 01),
        date!(2025 - 10 - 13),
        date!(2025 - 11 - 11),
        date!(2025 - 11 - 27),
        date!(2025 - 12 - 25),
        date!(2026 - 01 - 01),
        date!(2026 - 01 - 19),
        date!(2026 - 02 - 16),
        date!(2026 - 05 - 25),
        date!(2026 - 06 - 19),
        date!(2026 - 09 - 07),
        date!(2026 - 10 - 12),
        date!(2026 - 11 - 11),
        date!(2026 - 11 - 26),
        date!(2026 - 12 - 25),
        date!(2027 - 01 - 01),
        date!(2027 - 01 - 18),
        date!(2027 - 02 - 15),
        date!(2027 - 05 - 31),
        date!(2027 - 07 - 05),
        date!(2027 - 09 - 06),
        date!(2027 - 10 - 11),
        date!(2027 - 11 - 11),
        date!(2027 - 11 - 25),
        date!(2028 - 01 - 17),
        date!(2028 - 02 - 21),
        date!(2028 - 05 - 29),
        date!(2028 - 06 - 19),
        date!(2028 - 07 - 04),
        date!(2028 - 09 - 04),
        date!(2028 - 10 - 09),
        date!(2028 - 11 - 23),
        date!(2028 - 12 - 25),
        date!(2029 - 01 - 01),
        date!(2029 - 01 - 15),
        date!(2029 - 02 - 19),
        date!(2029 - 05 - 28),
        date!(2029 - 06 - 19),
        date!(2029 - 07 - 04),
        date!(2029 - 09 - 03),
        date!(2029 - 10 - 08),
        date!(2029 - 11 - 12),
        date!(2029 - 11 - 22),
        date!(2029 - 12 - 25),
        date!(2030 - 01 - 01),
        date!(2030 - 01 - 21),
        date!(2030 - 02 - 18),
        date!(2030 - 05 - 27),
        date!(2030 - 06 - 19),
        date!(2030 - 07 - 04),
        date!(2030 - 09 - 02),
        date!(2030 - 10 - 14),
        date!(2030 - 11 - 11),
        date!(2030 - 11 - 28),
        date!(2030 - 12 - 25),
    ];

    #[test]
    fn the_holidays_by_rule_are_the_feds_published_ones() {
        let computed: Vec<Date> = (2025..=2030).flat_map(fed_holidays).collect();
        assert_eq!(computed, PUBLISHED.to_vec());
    }

    #[test]
    fn a_sunday_holiday_is_observed_monday_and_a_saturday_one_leaves_friday_open() {
        // July 4, 2027 is a Sunday; Christmas 2027 and New Year's Day 2028 are Saturdays.
        assert!(!is_banking_day(date!(2027 - 07 - 05)));
        assert!(is_banking_day(date!(2027 - 12 - 24)));
        assert!(is_banking_day(date!(2027 - 12 - 31)));
        assert!(!is_banking_day(date!(2027 - 12 - 25)));
    }

    #[test]
    fn a_debit_is_dated_its_draft_day_or_the_next_banking_day() {
        // Labor Day 2026 is Monday, September 7.
        let friday = date!(2026 - 09 - 04);
        assert_eq!(effective_entry_date(friday, friday), friday);
        for draft in [date!(2026 - 09 - 05), date!(2026 - 09 - 06), date!(2026 - 09 - 07)] {
            assert_eq!(effective_entry_date(draft, friday), date!(2026 - 09 - 08));
        }
        assert_eq!(after(friday), date!(2026 - 09 - 08));
        // Sent late, after its draft date: the next banking day from the day it is sent.
        assert_eq!(effective_entry_date(friday, date!(2026 - 09 - 05)), date!(2026 - 09 - 08));
        // Thanksgiving 2026 (Thursday) to the Friday after it.
        assert_eq!(on_or_after(date!(2026 - 11 - 26)), date!(2026 - 11 - 27));
    }
}
