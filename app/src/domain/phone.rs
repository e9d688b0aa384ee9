//! US phone numbers (the North American Numbering Plan): ten digits, the area code and the
//! exchange each starting 2–9, written any way people write them — "(541) 774-2430",
//! "541.774.2430", "+1 541 774 2430". Stored and compared as the ten digits.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PhoneError {
    #[error("the phone number is empty")]
    Empty,
    #[error("a phone number has 10 digits, like (541) 774-2430")]
    Digits,
    #[error("an area code and an exchange start with 2 to 9, like (541) 774-2430")]
    NotAssignable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Phone([u8; 10]);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, PhoneError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(PhoneError::Empty);
        }
        let written =
            |c: char| c.is_ascii_digit() || c.is_whitespace() || "()-.+\u{2013}".contains(c);
        if !raw.chars().all(written) || raw.matches('+').count() > 1 {
            return Err(PhoneError::Digits);
        }
        let digits: Vec<u8> = raw.bytes().filter(u8::is_ascii_digit).collect();
        let ten = match digits.as_slice() {
            [b'1', rest @ ..] if rest.len() == 10 => rest,
            all if all.len() == 10 => all,
            _ => return Err(PhoneError::Digits),
        };
        if ten[0] < b'2' || ten[3] < b'2' {
            return Err(PhoneError::NotAssignable);
        }
        let mut out = [0u8; 10];
        out.copy_from_slice(ten);
        Ok(Self(out))
    }

    /// The ten digits, as stored.
    pub fn digits(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("0000000000")
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.digits();
        write!(f, "({}) {}-{}", &d[..3], &d[3..6], &d[6..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_way_of_writing_it_is_the_same_ten_digits() {
        for written in
            ["5417742430", "(541) 774-2430", "541.774.2430", "+1 541 774 2430", "1-541-774-2430"]
        {
            let phone = Phone::parse(written).unwrap();
            assert_eq!(phone.digits(), "5417742430", "{written}");
            assert_eq!(phone.to_string(), "(541) 774-2430");
        }
    }

    #[test]
    fn what_is_not_a_phone_number_says_why() {
        assert_eq!(Phone::parse(" "), Err(PhoneError::Empty));
        assert_eq!(Phone::parse("774-2430"), Err(PhoneError::Digits));
        assert_eq!(Phone::parse("541 774 2430 ext 5"), Err(PhoneError::Digits));
        assert_eq!(Phone::parse("2 541 774 2430"), Err(PhoneError::Digits));
        assert_eq!(Phone::parse("(041) 774-2430"), Err(PhoneError::NotAssignable));
        assert_eq!(Phone::parse("(541) 174-2430"), Err(PhoneError::NotAssignable));
    }
}
