//! Money in integer cents. Never floats.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub struct Cents(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an amount is written like 123.45")]
pub struct MoneyError;

impl Cents {
    /// Parses a dollar amount as printed in a file: `123`, `123.4`, `123.45`, `-5.00`,
    /// `$1,234.56`. Exact decimal arithmetic: no float is ever involved.
    pub fn parse_dollars(raw: &str) -> Result<Self, MoneyError> {
        let mut s = raw.trim();
        let negative = s.starts_with('-');
        if negative {
            s = &s[1..];
        }
        let s = s.strip_prefix('$').unwrap_or(s).replace(',', "");
        let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
        if whole.is_empty() || whole.len() > 12 || frac.len() > 2 {
            return Err(MoneyError);
        }
        if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError);
        }
        let whole: i64 = whole.parse().map_err(|_| MoneyError)?;
        let frac: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| MoneyError)? * 10,
            _ => frac.parse().map_err(|_| MoneyError)?,
        };
        let cents = whole * 100 + frac;
        Ok(Self(if negative { -cents } else { cents }))
    }
}

impl fmt::Display for Cents {
    /// `$1,234.56`, or `-$5.00` for a credit.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let dollars = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, ch) in dollars.chars().enumerate() {
            if i > 0 && (dollars.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        write!(f, "{sign}${grouped}.{:02}", abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exact_cents() {
        assert_eq!(Cents::parse_dollars("123.45"), Ok(Cents(12345)));
        assert_eq!(Cents::parse_dollars("0.1"), Ok(Cents(10)));
        assert_eq!(Cents::parse_dollars("7"), Ok(Cents(700)));
        assert_eq!(Cents::parse_dollars("$1,234.56"), Ok(Cents(123456)));
        assert_eq!(Cents::parse_dollars("-5.00"), Ok(Cents(-500)));
        for bad in ["", "abc", "1.234", ".5", "1e3", "12.3.4", "--1"] {
            assert_eq!(Cents::parse_dollars(bad), Err(MoneyError), "{bad}");
        }
    }

    #[test]
    fn displays_dollars() {
        assert_eq!(Cents(123456).to_string(), "$1,234.56");
        assert_eq!(Cents(5).to_string(), "$0.05");
        assert_eq!(Cents(-500).to_string(), "-$5.00");
        assert_eq!(Cents(100000000).to_string(), "$1,000,000.00");
    }
}
