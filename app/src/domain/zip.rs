//! US ZIP codes: 5 digits or ZIP+4; accounts are matched on the first five digits.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ZipError {
    #[error("the ZIP code is empty")]
    Empty,
    #[error("a ZIP code has 5 digits, or 5 + 4 digits")]
    Malformed,
}

/// The five-digit ZIP code; a ZIP+4 suffix is accepted and dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Zip([u8; 5]);

impl Zip {
    pub fn parse(raw: &str) -> Result<Self, ZipError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(ZipError::Empty);
        }
        let (five, plus_four) = match raw.split_once(['-', ' ', '\u{2013}']) {
            Some((five, four)) => (five.trim(), Some(four.trim())),
            // Slicing by bytes is safe only once the input is known to be ASCII digits.
            None if raw.len() == 9 && raw.bytes().all(|b| b.is_ascii_digit()) => {
                (&raw[..5], Some(&raw[5..]))
            }
            None => (raw, None),
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(five, 5) || plus_four.is_some_and(|four| !digits(four, 4)) {
            return Err(ZipError::Malformed);
        }
        let mut out = [0u8; 5];
        out.copy_from_slice(five.as_bytes());
        Ok(Self(out))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("00000")
    }
}

impl fmt::Display for Zip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_digits_and_zip_plus_four() {
        assert_eq!(Zip::parse("97501").unwrap().as_str(), "97501");
        assert_eq!(Zip::parse(" 97501-1234 ").unwrap().as_str(), "97501");
        assert_eq!(Zip::parse("975011234").unwrap().as_str(), "97501");
        assert_eq!(Zip::parse("97501 1234").unwrap().as_str(), "97501");
    }

    #[test]
    fn refuses_malformed() {
        assert_eq!(Zip::parse(""), Err(ZipError::Empty));
        for bad in ["9750", "975012", "ABCDE", "97501-12", "97501-ABCD", "9750١", "97501-"] {
            assert_eq!(Zip::parse(bad), Err(ZipError::Malformed), "{bad}");
        }
    }

    #[test]
    fn multi_byte_input_is_refused_not_a_panic() {
        assert_eq!(Zip::parse("abcdéfgh"), Err(ZipError::Malformed));
        assert_eq!(Zip::parse("9750é12"), Err(ZipError::Malformed));
    }
}
