//! One meter read as the utility's meter data system exports it (issue 19): which meter,
//! the interval it covers (its start, written in ISO 8601 with the offset of the place it
//! was read, and its length), and the gallons used in it. Parsed whole or refused with
//! the column at fault.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::format_description::well_known::Iso8601;
use time::OffsetDateTime;

/// The meter's own identifier, as the utility's systems print it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MeterId(String);

/// Characters a meter id may have at most.
pub const METER_ID_MAX: usize = 32;

impl MeterId {
    pub fn parse(raw: &str) -> Result<Self, ReadError> {
        let raw = raw.trim();
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        if raw.is_empty() || raw.len() > METER_ID_MAX || !raw.chars().all(allowed) {
            return Err(ReadError::MeterId);
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MeterId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Water in hundredths of a gallon: exact, as meters report fractions of a gallon.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct CentiGallons(pub i64);

/// The most one interval may hold: a day of a large commercial meter is far below it.
const MAX_CENTIGALLONS: i64 = 100_000_000 * 100;

impl CentiGallons {
    /// "12", "12.5", "0.25": whole or with up to two decimals, never negative.
    pub fn parse(raw: &str) -> Result<Self, ReadError> {
        let raw = raw.trim();
        let (whole, fraction) = match raw.split_once('.') {
            Some((_, "")) => return Err(ReadError::Gallons),
            Some(parts) => parts,
            None => (raw, ""),
        };
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || whole.len() > 12
            || fraction.len() > 2
            || !digits(whole)
            || !digits(fraction)
        {
            return Err(ReadError::Gallons);
        }
        let whole: i64 = whole.parse().map_err(|_| ReadError::Gallons)?;
        let hundredths: i64 = format!("{fraction:0<2}").parse().map_err(|_| ReadError::Gallons)?;
        let value = whole.checked_mul(100).and_then(|w| w.checked_add(hundredths));
        match value {
            Some(v) if v <= MAX_CENTIGALLONS => Ok(Self(v)),
            _ => Err(ReadError::Gallons),
        }
    }

    /// Gallons, for charts and rates (never for sums: those add the hundredths).
    pub fn gallons(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl fmt::Display for CentiGallons {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 % 100 {
            0 => write!(f, "{}", self.0 / 100),
            h => write!(f, "{}.{:02}", self.0 / 100, h),
        }
    }
}

/// How long an interval a read covers, in minutes: hourly AMI reads, 15-minute AMI reads,
/// or one read a day.
pub const INTERVALS: [i64; 4] = [15, 30, 60, 1440];

/// The start of a read's interval, in Unix seconds, from ISO 8601 with its offset
/// ("2026-11-01T07:00:00-07:00"); it must fall on a boundary of its interval in the local
/// time it was written in (an hourly read starts on the hour).
pub fn read_at(raw: &str, interval_minutes: i64) -> Result<i64, ReadError> {
    local_start(raw, interval_minutes).map(|(at, _)| at)
}

/// `read_at`, with the offset from UTC (in minutes) of the place it was read: the local day
/// and hour a read belongs to, as the meter data system wrote them, daylight saving included.
pub fn local_start(raw: &str, interval_minutes: i64) -> Result<(i64, i64), ReadError> {
    let at = OffsetDateTime::parse(raw.trim(), &Iso8601::DEFAULT).map_err(|_| ReadError::ReadAt)?;
    let local_minutes = i64::from(at.hour()) * 60 + i64::from(at.minute());
    if at.second() != 0 || at.nanosecond() != 0 || local_minutes % interval_minutes != 0 {
        return Err(ReadError::Boundary);
    }
    Ok((at.unix_timestamp(), i64::from(at.offset().whole_minutes())))
}

pub fn interval(raw: &str) -> Result<i64, ReadError> {
    raw.trim().parse::<i64>().ok().filter(|m| INTERVALS.contains(m)).ok_or(ReadError::Interval)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("meter_id: 1 to 32 letters, digits, '-', '_' or '.'")]
    MeterId,
    #[error("gallons: a number of gallons, 0 or more, with at most two decimals")]
    Gallons,
    #[error("interval_minutes: 15, 30, 60 or 1440")]
    Interval,
    #[error("read_at: a date and time with its offset, like 2026-11-01T07:00:00-07:00")]
    ReadAt,
    #[error(
        "read_at: must start its interval (an hourly read on the hour, a daily one at midnight)"
    )]
    Boundary,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gallons_are_exact_hundredths() {
        assert_eq!(CentiGallons::parse("12"), Ok(CentiGallons(1200)));
        assert_eq!(CentiGallons::parse("12.5"), Ok(CentiGallons(1250)));
        assert_eq!(CentiGallons::parse(" 0.25 "), Ok(CentiGallons(25)));
        assert_eq!(CentiGallons::parse("0"), Ok(CentiGallons(0)));
        assert_eq!(CentiGallons(1250).to_string(), "12.50");
        assert_eq!(CentiGallons(1200).to_string(), "12");
        for bad in ["", "-1", "1.234", "1e3", ".5", "12.", "NaN", "1,000", "9999999999999"] {
            assert_eq!(CentiGallons::parse(bad), Err(ReadError::Gallons), "{bad}");
        }
    }

    #[test]
    fn a_read_starts_its_interval_in_local_time() {
        // Midnight in Oregon in November is 08:00 UTC.
        assert_eq!(read_at("2026-11-01T00:00:00-08:00", 1440), Ok(1_793_520_000));
        assert_eq!(read_at("2026-11-01T07:00-08:00", 60), Ok(1_793_520_000 + 7 * 3600));
        assert_eq!(read_at("2026-11-01T07:15:00-08:00", 15), Ok(1_793_520_000 + 7 * 3600 + 900));
        assert_eq!(read_at("2026-11-01T07:15:00-08:00", 60), Err(ReadError::Boundary));
        assert_eq!(read_at("2026-11-01T07:00:30-08:00", 60), Err(ReadError::Boundary));
        assert_eq!(read_at("2026-11-01T07:00:00", 60), Err(ReadError::ReadAt), "no offset");
        assert_eq!(read_at("yesterday", 60), Err(ReadError::ReadAt));
        let summer = local_start("2026-07-01T07:00:00-07:00", 60);
        assert_eq!(summer.map(|(_, offset)| offset), Ok(-420), "daylight saving time");
    }

    #[test]
    fn meters_and_intervals() {
        assert_eq!(MeterId::parse(" MTR-0001 ").unwrap().as_str(), "MTR-0001");
        assert_eq!(MeterId::parse(""), Err(ReadError::MeterId));
        assert_eq!(MeterId::parse("meter 1"), Err(ReadError::MeterId));
        assert_eq!(MeterId::parse(&"9".repeat(33)), Err(ReadError::MeterId));
        assert_eq!(interval("60"), Ok(60));
        assert_eq!(interval("1440"), Ok(1440));
        assert_eq!(interval("45"), Err(ReadError::Interval));
    }
}
