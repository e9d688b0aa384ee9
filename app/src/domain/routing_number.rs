//! ABA routing numbers (the 9 digits at the bottom left of a check): a Federal Reserve
//! prefix and a 3-7-1 check digit, so most typos are caught before the bank sees them.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RoutingNumberError {
    #[error("the routing number is empty")]
    Empty,
    #[error("a routing number has only digits, without spaces or hyphens")]
    NotDigits,
    #[error("a routing number has exactly 9 digits")]
    WrongLength,
    #[error("this is not a valid routing number")]
    UnknownPrefix,
    #[error("this routing number has a typo: its check digit does not match")]
    BadChecksum,
}

/// A 9-digit routing number with a Federal Reserve prefix and a correct check digit.
/// Not secret (it is printed on every check), so it serializes; deserializing re-parses.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RoutingNumber(String);

impl RoutingNumber {
    pub fn parse(raw: &str) -> Result<Self, RoutingNumberError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(RoutingNumberError::Empty);
        }
        if !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RoutingNumberError::NotDigits);
        }
        if raw.len() != 9 {
            return Err(RoutingNumberError::WrongLength);
        }
        let d: Vec<u32> = raw.bytes().map(|b| u32::from(b - b'0')).collect();
        if !valid_prefix(d[0] * 10 + d[1]) {
            return Err(RoutingNumberError::UnknownPrefix);
        }
        if !weighted_sum(&d).is_multiple_of(10) {
            return Err(RoutingNumberError::BadChecksum);
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 01–12 Federal Reserve banks, 21–32 thrifts, 61–72 electronic, 80 traveler's checks.
/// 00 (US government) is refused: customers never pay from it.
fn valid_prefix(prefix: u32) -> bool {
    matches!(prefix, 1..=12 | 21..=32 | 61..=72 | 80)
}

/// The ABA 3-7-1 weighted sum over as many of the nine digits as are given.
fn weighted_sum(digits: &[u32]) -> u32 {
    const WEIGHTS: [u32; 9] = [3, 7, 1, 3, 7, 1, 3, 7, 1];
    digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum()
}

impl fmt::Display for RoutingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RoutingNumber {
    type Error = RoutingNumberError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<RoutingNumber> for String {
    fn from(number: RoutingNumber) -> Self {
        number.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const VALID_PREFIXES: [&str; 37] = [
        "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "21", "22", "23",
        "24", "25", "26", "27", "28", "29", "30", "31", "32", "61", "62", "63", "64", "65", "66",
        "67", "68", "69", "70", "71", "72", "80",
    ];

    /// Appends the check digit that makes the 3-7-1 sum a multiple of ten.
    fn with_check_digit(first8: &str) -> String {
        let d: Vec<u32> = first8.bytes().map(|b| u32::from(b - b'0')).collect();
        let check = (10 - weighted_sum(&d) % 10) % 10;
        format!("{first8}{check}")
    }

    #[test]
    fn accepts_real_routing_numbers() {
        for ok in ["021000021", "111000025", "011000015", " 021000021 "] {
            assert_eq!(RoutingNumber::parse(ok).unwrap().as_str(), ok.trim(), "{ok}");
        }
    }

    #[test]
    fn check_digit_helper_matches_known_numbers() {
        assert_eq!(with_check_digit("02100002"), "021000021");
        assert_eq!(with_check_digit("11100002"), "111000025");
    }

    #[test]
    fn refuses_a_typo() {
        assert_eq!(RoutingNumber::parse("123456789"), Err(RoutingNumberError::BadChecksum));
        assert_eq!(RoutingNumber::parse("021000012"), Err(RoutingNumberError::BadChecksum));
    }

    #[test]
    fn refuses_malformed() {
        use RoutingNumberError::*;
        assert_eq!(RoutingNumber::parse(""), Err(Empty));
        assert_eq!(RoutingNumber::parse("   "), Err(Empty));
        for bad in ["02100002", "0210000211", "1"] {
            assert_eq!(RoutingNumber::parse(bad), Err(WrongLength), "{bad}");
        }
        for bad in
            ["02100002A", "abcdefghi", "021 000 021", "021-000-021", "٠٢١٠٠٠٠٢١", "-21000021"]
        {
            assert_eq!(RoutingNumber::parse(bad), Err(NotDigits), "{bad}");
        }
    }

    #[test]
    fn refuses_unknown_prefixes_even_with_a_valid_check_digit() {
        // Each has a correct 3-7-1 check digit.
        for bad in [
            "131000021",
            "001000009",
            "901000002",
            "201000003",
            "331000009",
            "601000001",
            "731000007",
            "810000009",
        ] {
            assert_eq!(
                weighted_sum(&bad.bytes().map(|b| u32::from(b - b'0')).collect::<Vec<_>>()) % 10,
                0
            );
            assert_eq!(RoutingNumber::parse(bad), Err(RoutingNumberError::UnknownPrefix), "{bad}");
        }
        for ok in ["121000002", "211000006", "611000004", "721000004", "801000005"] {
            assert!(RoutingNumber::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn serde_round_trips_and_re_parses() {
        let n = RoutingNumber::parse("021000021").unwrap();
        assert_eq!(String::from(n.clone()), "021000021");
        assert_eq!(RoutingNumber::try_from("021000021".to_string()), Ok(n));
        assert_eq!(
            RoutingNumber::try_from("123456789".to_string()),
            Err(RoutingNumberError::BadChecksum)
        );
    }

    proptest! {
        #[test]
        fn any_valid_prefix_with_its_check_digit_parses(p in 0usize..VALID_PREFIXES.len(), body in "[0-9]{6}") {
            let number = with_check_digit(&format!("{}{body}", VALID_PREFIXES[p]));
            prop_assert_eq!(RoutingNumber::parse(&number).map(|n| n.as_str().to_string()), Ok::<_, RoutingNumberError>(number.clone()));
        }

        #[test]
        fn any_single_digit_change_is_caught(
            p in 0usize..VALID_PREFIXES.len(),
            body in "[0-9]{6}",
            pos in 0usize..9,
            delta in 1u8..10
        ) {
            let number = with_check_digit(&format!("{}{body}", VALID_PREFIXES[p]));
            let mut bytes = number.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            let result = RoutingNumber::parse(&changed);
            prop_assert!(
                matches!(result, Err(RoutingNumberError::BadChecksum | RoutingNumberError::UnknownPrefix)),
                "{} gave {:?}", changed, result
            );
        }
    }
}
