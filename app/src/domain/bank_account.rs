//! Bank account numbers for automatic payments (ACH). Banks use 4 to 17 digits and
//! leading zeros matter, so the number stays a string. It is secret: no `Serialize`, no
//! `Display`, and `Debug` masks it, so it cannot end up in a response or a log.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BankAccountError {
    #[error("the account number is empty")]
    Empty,
    #[error("an account number has only digits, without spaces or hyphens")]
    NotDigits,
    #[error("an account number has at least 4 digits")]
    TooShort,
    #[error("an account number has at most 17 digits")]
    TooLong,
    #[error("the two account numbers are not the same")]
    Mismatch,
}

pub const MIN_DIGITS: usize = 4;
pub const MAX_DIGITS: usize = 17;

/// A bank account number of 4 to 17 ASCII digits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BankAccountNumber(String);

impl BankAccountNumber {
    pub fn parse(raw: &str) -> Result<Self, BankAccountError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(BankAccountError::Empty);
        }
        if !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BankAccountError::NotDigits);
        }
        if raw.len() < MIN_DIGITS {
            return Err(BankAccountError::TooShort);
        }
        if raw.len() > MAX_DIGITS {
            return Err(BankAccountError::TooLong);
        }
        Ok(Self(raw.to_string()))
    }

    /// The number typed twice, as on a paper form: a typo here sends money elsewhere.
    /// The first entry's own error comes first, so the customer fixes that field first.
    pub fn confirm(first: &str, again: &str) -> Result<Self, BankAccountError> {
        let number = Self::parse(first)?;
        if first.trim() != again.trim() {
            return Err(BankAccountError::Mismatch);
        }
        Ok(number)
    }

    /// "ending in 6789" on the page and on receipts.
    pub fn last4(&self) -> &str {
        // At least 4 ASCII digits are stored.
        &self.0[self.0.len() - 4..]
    }

    /// The full number, for the payment processor only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BankAccountNumber {
    /// `BankAccountNumber(*****6789)`. A number shorter than 8 digits shows no digit:
    /// its last four would be most of it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tail = if self.0.len() >= 8 { self.last4() } else { "" };
        write!(f, "BankAccountNumber(*****{tail})")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("choose checking or savings")]
pub struct UnknownAccountType;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BankAccountType {
    Checking,
    Savings,
}

impl BankAccountType {
    /// Accepts the `as_str` forms, ignoring case and surrounding spaces.
    pub fn parse(raw: &str) -> Result<Self, UnknownAccountType> {
        let raw = raw.trim();
        if raw.eq_ignore_ascii_case("checking") {
            Ok(Self::Checking)
        } else if raw.eq_ignore_ascii_case("savings") {
            Ok(Self::Savings)
        } else {
            Err(UnknownAccountType)
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Checking => "checking",
            Self::Savings => "savings",
        }
    }
}

impl fmt::Display for BankAccountType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_4_to_17_digits_keeping_leading_zeros() {
        assert_eq!(BankAccountNumber::parse(" 000123456789 ").unwrap().expose(), "000123456789");
        assert_eq!(BankAccountNumber::parse("1234").unwrap().expose(), "1234");
        assert_eq!(
            BankAccountNumber::parse("12345678901234567").unwrap().expose(),
            "12345678901234567"
        );
    }

    #[test]
    fn refuses_malformed() {
        use BankAccountError::*;
        let err = |raw: &str| BankAccountNumber::parse(raw).unwrap_err();
        assert_eq!(err(""), Empty);
        assert_eq!(err("  "), Empty);
        assert_eq!(err("123"), TooShort);
        assert_eq!(err("123456789012345678"), TooLong);
        for bad in ["1234 5678", "1234-5678", "12345678A", "-12345", "١٢٣٤٥", "12.34"] {
            assert_eq!(err(bad), NotDigits, "{bad}");
        }
    }

    #[test]
    fn last4_and_masked_debug() {
        let n = BankAccountNumber::parse("123456789").unwrap();
        assert_eq!(n.last4(), "6789");
        assert_eq!(format!("{n:?}"), "BankAccountNumber(*****6789)");
        let short = BankAccountNumber::parse("98765").unwrap();
        assert_eq!(short.last4(), "8765");
        assert_eq!(format!("{short:?}"), "BankAccountNumber(*****)");
        // Inside other types' Debug too.
        assert!(!format!("{:?}", Some(n)).contains("12345"));
    }

    #[test]
    fn confirm_needs_the_same_number_twice() {
        use BankAccountError::*;
        assert_eq!(
            BankAccountNumber::confirm("123456789", " 123456789 ").unwrap().expose(),
            "123456789"
        );
        assert_eq!(BankAccountNumber::confirm("123456789", "123456780"), Err(Mismatch));
        assert_eq!(BankAccountNumber::confirm("123456789", ""), Err(Mismatch));
        // Leading zeros are significant.
        assert_eq!(BankAccountNumber::confirm("0123456789", "123456789"), Err(Mismatch));
        // The first field's own problem is reported first.
        assert_eq!(BankAccountNumber::confirm("12", "13"), Err(TooShort));
        assert_eq!(BankAccountNumber::confirm("", "123456789"), Err(Empty));
    }

    #[test]
    fn account_types() {
        assert_eq!(BankAccountType::parse("checking"), Ok(BankAccountType::Checking));
        assert_eq!(BankAccountType::parse(" Savings "), Ok(BankAccountType::Savings));
        assert_eq!(BankAccountType::parse("brokerage"), Err(UnknownAccountType));
        assert_eq!(BankAccountType::parse(""), Err(UnknownAccountType));
        for t in [BankAccountType::Checking, BankAccountType::Savings] {
            assert_eq!(BankAccountType::parse(t.as_str()), Ok(t));
        }
    }

    proptest! {
        #[test]
        fn debug_never_shows_a_long_number(number in "[0-9]{8,17}") {
            let parsed = BankAccountNumber::parse(&number).unwrap();
            let debug = format!("{parsed:?}");
            prop_assert!(!debug.contains(&number), "{}", debug);
            let pretty = format!("{:#?}", Some(parsed));
            prop_assert!(!pretty.contains(&number), "{}", pretty);
        }
    }
}
