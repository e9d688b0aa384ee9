//! The numbers printed near the top right of a bill: `XXXXXXXX-YYYYYYY`, an 8-digit
//! customer number (it follows the person) and a 7-digit account number (it follows the
//! service address).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a customer or account number was refused. Each maps to a message key the
/// pages translate; none reveals anything about existing accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum NumberError {
    #[error("the number is empty")]
    Empty,
    #[error("the customer and account numbers must be separated by a hyphen")]
    MissingHyphen,
    #[error("only digits are allowed")]
    NotDigits,
    #[error("the customer number has more than 8 digits")]
    CustomerTooLong,
    #[error("the account number has more than 7 digits")]
    AccountTooLong,
    #[error("one of the two parts is empty")]
    EmptyPart,
}

/// Parses a run of digits that may omit leading zeros, into a value of at most `max` digits.
fn parse_digits(raw: &str, max: usize, too_long: NumberError) -> Result<u32, NumberError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(NumberError::EmptyPart);
    }
    if !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumberError::NotDigits);
    }
    let significant = raw.trim_start_matches('0');
    if significant.len() > max {
        return Err(too_long);
    }
    // At most 8 significant digits: always fits a u32.
    Ok(significant.parse::<u32>().unwrap_or(0))
}

/// An 8-digit customer number; leading zeros are optional when typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CustomerNumber(u32);

impl CustomerNumber {
    pub fn parse(raw: &str) -> Result<Self, NumberError> {
        if raw.trim().is_empty() {
            return Err(NumberError::Empty);
        }
        parse_digits(raw, 8, NumberError::CustomerTooLong).map(Self)
    }
    /// The canonical, zero-padded form stored in the database and printed on bills.
    pub fn as_padded(&self) -> String {
        format!("{:08}", self.0)
    }
}

impl fmt::Display for CustomerNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08}", self.0)
    }
}

/// A 7-digit account number; leading zeros are optional when typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AccountNumber(u32);

impl AccountNumber {
    pub fn parse(raw: &str) -> Result<Self, NumberError> {
        if raw.trim().is_empty() {
            return Err(NumberError::Empty);
        }
        parse_digits(raw, 7, NumberError::AccountTooLong).map(Self)
    }
    pub fn as_padded(&self) -> String {
        format!("{:07}", self.0)
    }
}

impl fmt::Display for AccountNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:07}", self.0)
    }
}

/// The pair as the customer types it from the bill: `12345678-1234567`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CustomerAccountNumber {
    pub customer: CustomerNumber,
    pub account: AccountNumber,
}

/// Hyphen, en dash, em dash, minus sign and the other dashes people paste from documents.
pub(crate) const SEPARATORS: &[char] = &[
    '-', '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2212}', '\u{FE63}',
    '\u{FF0D}',
];

impl CustomerAccountNumber {
    pub fn parse(raw: &str) -> Result<Self, NumberError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(NumberError::Empty);
        }
        let mut parts = raw.split(SEPARATORS);
        let (Some(customer), Some(account), None) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(if raw.contains(SEPARATORS) {
                NumberError::NotDigits
            } else {
                NumberError::MissingHyphen
            });
        };
        if customer.trim().is_empty() || account.trim().is_empty() {
            return Err(NumberError::EmptyPart);
        }
        Ok(Self {
            customer: parse_digits(customer, 8, NumberError::CustomerTooLong)
                .map(CustomerNumber)?,
            account: parse_digits(account, 7, NumberError::AccountTooLong).map(AccountNumber)?,
        })
    }
}

impl fmt::Display for CustomerAccountNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.customer, self.account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> String {
        CustomerAccountNumber::parse(raw).unwrap().to_string()
    }

    #[test]
    fn accepts_the_printed_form() {
        assert_eq!(ok("12345678-1234567"), "12345678-1234567");
    }

    #[test]
    fn tolerates_spaces_dashes_and_leading_zeros() {
        assert_eq!(ok("  12345678 - 1234567 "), "12345678-1234567");
        assert_eq!(ok("12345678\u{2013}1234567"), "12345678-1234567");
        assert_eq!(ok("12345678\u{2014}1234567"), "12345678-1234567");
        assert_eq!(ok("345678-34567"), "00345678-0034567");
        assert_eq!(ok("00345678-0034567"), "00345678-0034567");
        assert_eq!(ok("000000000345678-034567"), "00345678-0034567");
    }

    #[test]
    fn refuses_what_is_not_a_bill_number() {
        use NumberError::*;
        let err = |raw: &str| CustomerAccountNumber::parse(raw).unwrap_err();
        assert_eq!(err(""), Empty);
        assert_eq!(err("   "), Empty);
        assert_eq!(err("123456781234567"), MissingHyphen);
        assert_eq!(err("12345678 1234567"), MissingHyphen);
        assert_eq!(err("1234567A-1234567"), NotDigits);
        assert_eq!(err("12345678-"), EmptyPart);
        assert_eq!(err("-1234567"), EmptyPart);
        assert_eq!(err("1-2-3"), NotDigits);
        assert_eq!(err("123456789-1234567"), CustomerTooLong);
        assert_eq!(err("12345678-12345678"), AccountTooLong);
        assert_eq!(err("١٢٣-٤٥٦"), NotDigits);
    }

    #[test]
    fn single_numbers_parse_alone() {
        assert_eq!(CustomerNumber::parse("42").unwrap().as_padded(), "00000042");
        assert_eq!(AccountNumber::parse("0000042").unwrap().as_padded(), "0000042");
        assert_eq!(AccountNumber::parse("12345678"), Err(NumberError::AccountTooLong));
        assert_eq!(CustomerNumber::parse(""), Err(NumberError::Empty));
    }
}
