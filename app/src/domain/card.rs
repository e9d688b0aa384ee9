//! Payment cards: number (Luhn-checked), brand, expiry date and security code.
//! The number and the code are secret: no `Serialize`, no `Display`, and `Debug` masks
//! them, so they cannot end up in a response or a log.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CardNumberError {
    #[error("the card number is empty")]
    Empty,
    #[error("a card number has only digits")]
    NotDigits,
    #[error("a card number has at least 12 digits")]
    TooShort,
    #[error("a card number has at most 19 digits")]
    TooLong,
    #[error("this card number has a typo: please check it")]
    BadChecksum,
}

pub const MIN_DIGITS: usize = 12;
pub const MAX_DIGITS: usize = 19;

/// Customers type and paste numbers grouped, `4242 4242 4242 4242` or `4242-4242-…`.
fn is_separator(c: char) -> bool {
    c == '-' || c.is_whitespace()
}

/// The Luhn sum: from the right, every second digit is doubled (minus 9 above 9).
/// `digits` holds ASCII digits only.
fn luhn_sum(digits: &str) -> u32 {
    digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            match i % 2 {
                0 => d,
                _ if d * 2 > 9 => d * 2 - 9,
                _ => d * 2,
            }
        })
        .sum()
}

/// A card number of 12 to 19 digits with a valid Luhn check digit, separators removed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CardNumber(String);

impl CardNumber {
    pub fn parse(raw: &str) -> Result<Self, CardNumberError> {
        let digits: String = raw.chars().filter(|c| !is_separator(*c)).collect();
        if digits.is_empty() {
            return Err(CardNumberError::Empty);
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CardNumberError::NotDigits);
        }
        if digits.len() < MIN_DIGITS {
            return Err(CardNumberError::TooShort);
        }
        if digits.len() > MAX_DIGITS {
            return Err(CardNumberError::TooLong);
        }
        if !luhn_sum(&digits).is_multiple_of(10) {
            return Err(CardNumberError::BadChecksum);
        }
        Ok(Self(digits))
    }

    pub fn brand(&self) -> CardBrand {
        CardBrand::detect(&self.0)
    }

    /// "Visa ending in 1111" on the page and on receipts.
    pub fn last4(&self) -> &str {
        // At least 12 ASCII digits are stored.
        &self.0[self.0.len() - 4..]
    }

    /// The full number, digits only, for the payment processor only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CardNumber {
    /// `CardNumber(****1111)`: the last four are what PCI DSS allows to show.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardNumber(****{})", self.last4())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CardBrand {
    Visa,
    Mastercard,
    Amex,
    Discover,
    #[default]
    Unknown,
}

/// `(brand, first, last, digits)`: a number's first `digits` digits lie in `first..=last`.
const BRAND_RANGES: &[(CardBrand, u32, u32, u32)] = &[
    (CardBrand::Visa, 4, 4, 1),
    (CardBrand::Mastercard, 51, 55, 2),
    (CardBrand::Mastercard, 2221, 2720, 4),
    (CardBrand::Amex, 34, 34, 2),
    (CardBrand::Amex, 37, 37, 2),
    (CardBrand::Discover, 6011, 6011, 4),
    (CardBrand::Discover, 644, 649, 3),
    (CardBrand::Discover, 65, 65, 2),
];

impl CardBrand {
    /// The brand of a number as typed so far, separators allowed. A brand is named only
    /// once every number starting with these digits belongs to it: "5" is `Unknown`, "51"
    /// and "23" are `Mastercard`.
    pub fn detect(prefix_digits: &str) -> CardBrand {
        let (mut prefix, mut len) = (0u32, 0u32);
        for c in prefix_digits.chars().filter(|c| !is_separator(*c)) {
            // `to_digit` only knows ASCII digits; four digits decide every brand.
            let Some(d) = c.to_digit(10) else { break };
            if len == 4 {
                break;
            }
            prefix = prefix * 10 + d;
            len += 1;
        }
        if len == 0 {
            return CardBrand::Unknown;
        }
        for &(brand, first, last, digits) in BRAND_RANGES {
            // The range of `digits`-digit prefixes the typed digits can still become.
            let (low, high) = if len >= digits {
                let p = prefix / 10u32.pow(len - digits);
                (p, p)
            } else {
                let scale = 10u32.pow(digits - len);
                (prefix * scale, prefix * scale + scale - 1)
            };
            if first <= low && high <= last {
                return brand;
            }
        }
        CardBrand::Unknown
    }

    /// The stored and serialized form.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Visa => "visa",
            Self::Mastercard => "mastercard",
            Self::Amex => "amex",
            Self::Discover => "discover",
            Self::Unknown => "unknown",
        }
    }

    /// The brand's own name, the same in every language.
    pub fn display_name(&self) -> &'static str {
        match self {
            Self::Visa => "Visa",
            Self::Mastercard => "Mastercard",
            Self::Amex => "American Express",
            Self::Discover => "Discover",
            Self::Unknown => "Card",
        }
    }

    /// Inverse of `as_str`; anything else (a brand dropped later, a typo) is `Unknown`.
    pub fn from_str_lossy(raw: &str) -> CardBrand {
        let raw = raw.trim();
        [Self::Visa, Self::Mastercard, Self::Amex, Self::Discover]
            .into_iter()
            .find(|brand| raw.eq_ignore_ascii_case(brand.as_str()))
            .unwrap_or(Self::Unknown)
    }

    /// American Express prints 4 digits on the front; the others 3 on the back.
    pub fn security_code_digits(&self) -> usize {
        match self {
            Self::Amex => 4,
            _ => 3,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExpiryError {
    #[error("the expiration date is empty")]
    Empty,
    #[error("an expiration date is written MM/YY")]
    Malformed,
    #[error("the month must be between 01 and 12")]
    BadMonth,
    #[error("this card has expired")]
    Expired,
    #[error("the expiration year is too far ahead")]
    TooFarAhead,
}

/// No card is issued for longer; a later year is a typo.
pub const MAX_YEARS_AHEAD: u16 = 20;

/// The month and year printed on a card. The card is valid through the end of that month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "ExpiryParts")]
pub struct Expiry {
    month: u8,
    year: u16,
}

/// What `Expiry` deserializes from, so a stored month 13 is refused too.
#[derive(Deserialize)]
struct ExpiryParts {
    month: u8,
    year: u16,
}

impl TryFrom<ExpiryParts> for Expiry {
    type Error = ExpiryError;
    fn try_from(parts: ExpiryParts) -> Result<Self, Self::Error> {
        Self::from_parts(parts.month, parts.year)
    }
}

impl Expiry {
    /// Accepts `MM/YY`, `MM / YY`, `MMYY`, `M/YY`, `MM/YYYY` (also with `-` or a space
    /// between). `today_*` is the current month, passed in so this stays pure.
    pub fn parse(input: &str, today_year: u16, today_month: u8) -> Result<Self, ExpiryError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(ExpiryError::Empty);
        }
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        let (mm, yy) = match s.split_once(['/', '-']) {
            Some((mm, yy)) => (mm.trim(), yy.trim()),
            None => {
                let mut parts = s.split_whitespace();
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(mm), Some(yy), None) => (mm, yy),
                    // Checked ASCII first, so splitting at byte 2 cannot cut a character.
                    (Some(mmyy), None, None) if mmyy.len() == 4 && digits(mmyy) => mmyy.split_at(2),
                    _ => return Err(ExpiryError::Malformed),
                }
            }
        };
        if !digits(mm) || mm.len() > 2 || !digits(yy) || ![2, 4].contains(&yy.len()) {
            return Err(ExpiryError::Malformed);
        }
        // At most four ASCII digits each: these parses cannot fail.
        let month: u8 = mm.parse().map_err(|_| ExpiryError::Malformed)?;
        let year: i32 = yy.parse().map_err(|_| ExpiryError::Malformed)?;
        if !(1..=12).contains(&month) {
            return Err(ExpiryError::BadMonth);
        }
        let today = i32::from(today_year);
        let year = if yy.len() == 2 { full_year(year, today) } else { year };
        if (year, month) < (today, today_month) {
            return Err(ExpiryError::Expired);
        }
        if year > today + i32::from(MAX_YEARS_AHEAD) {
            return Err(ExpiryError::TooFarAhead);
        }
        let year = u16::try_from(year).map_err(|_| ExpiryError::TooFarAhead)?;
        Ok(Self { month, year })
    }

    /// A stored expiry, which may be in the past; only the month is checked.
    pub fn from_parts(month: u8, year: u16) -> Result<Self, ExpiryError> {
        if !(1..=12).contains(&month) {
            return Err(ExpiryError::BadMonth);
        }
        Ok(Self { month, year })
    }

    pub fn month(&self) -> u8 {
        self.month
    }

    /// The four-digit year.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// Whether the card can no longer be charged: its month is over.
    pub fn is_expired(&self, today_year: u16, today_month: u8) -> bool {
        (self.year, self.month) < (today_year, today_month)
    }

    /// `04/29`, as printed on the card.
    pub fn display(&self) -> String {
        format!("{:02}/{:02}", self.month, self.year % 100)
    }
}

/// A two-digit year means the one within 50 years of today (cards never live that long).
fn full_year(yy: i32, today: i32) -> i32 {
    let year = today - today.rem_euclid(100) + yy;
    if year > today + 50 {
        year - 100
    } else if year <= today - 50 {
        year + 100
    } else {
        year
    }
}

impl fmt::Display for Expiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SecurityCodeError {
    #[error("the security code is empty")]
    Empty,
    #[error("the security code has only digits")]
    NotDigits,
    #[error("the security code has 3 digits, on the back of the card")]
    NeedsThreeDigits,
    #[error("an American Express security code has 4 digits, on the front of the card")]
    NeedsFourDigits,
}

/// The CVV/CVC: 3 digits, 4 for American Express. Never stored after authorization.
#[derive(Clone, PartialEq, Eq)]
pub struct SecurityCode(String);

impl SecurityCode {
    pub fn parse(input: &str, brand: CardBrand) -> Result<Self, SecurityCodeError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(SecurityCodeError::Empty);
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SecurityCodeError::NotDigits);
        }
        match brand.security_code_digits() {
            4 if s.len() != 4 => Err(SecurityCodeError::NeedsFourDigits),
            n if s.len() != n => Err(SecurityCodeError::NeedsThreeDigits),
            _ => Ok(Self(s.to_string())),
        }
    }

    /// The code, for the payment processor only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecurityCode {
    /// Always three stars: not even the length is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecurityCode(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Appends the Luhn check digit to `body` (ASCII digits).
    fn with_luhn(body: &str) -> String {
        let check = (10 - luhn_sum(&format!("{body}0")) % 10) % 10;
        format!("{body}{check}")
    }

    fn brand_of(raw: &str) -> CardBrand {
        CardNumber::parse(raw).unwrap().brand()
    }

    #[test]
    fn accepts_test_cards_of_each_brand() {
        use CardBrand::*;
        assert_eq!(brand_of("4111111111111111"), Visa);
        assert_eq!(brand_of("4012888888881881"), Visa);
        assert_eq!(brand_of("378282246310005"), Amex);
        assert_eq!(brand_of("371449635398431"), Amex);
        assert_eq!(brand_of("5555555555554444"), Mastercard);
        assert_eq!(brand_of("5105105105105100"), Mastercard);
        assert_eq!(brand_of("2223003122003222"), Mastercard);
        assert_eq!(brand_of("6011111111111117"), Discover);
        assert_eq!(brand_of("6445644564456445"), Discover);
        assert_eq!(brand_of("6500000000000002"), Discover);
        assert_eq!(brand_of(&with_luhn("12345678901")), Unknown);
    }

    #[test]
    fn strips_spaces_and_hyphens() {
        for typed in [
            "4242 4242 4242 4242",
            " 4242-4242-4242-4242 ",
            "4242\u{a0}4242\t4242 4242",
            "4242424242424242",
        ] {
            assert_eq!(CardNumber::parse(typed).unwrap().expose(), "4242424242424242", "{typed:?}");
        }
    }

    #[test]
    fn refuses_malformed() {
        use CardNumberError::*;
        let err = |raw: &str| CardNumber::parse(raw).unwrap_err();
        assert_eq!(err("4111111111111112"), BadChecksum);
        assert_eq!(err("4242 4242 4242 4241"), BadChecksum);
        assert_eq!(err(""), Empty);
        assert_eq!(err(" - - "), Empty);
        assert_eq!(err("41111111111"), TooShort);
        assert_eq!(err("41111111111111111111"), TooLong);
        for bad in [
            "4111 1111 1111 111a",
            "4111.1111.1111.1111",
            "٤١١١١١١١١١١١١١١١",
            "4111/1111/1111/1111",
        ] {
            assert_eq!(err(bad), NotDigits, "{bad}");
        }
    }

    #[test]
    fn last4_and_masked_debug() {
        let n = CardNumber::parse("4111 1111 1111 1111").unwrap();
        assert_eq!(n.last4(), "1111");
        assert_eq!(format!("{n:?}"), "CardNumber(****1111)");
        assert_eq!(
            format!("{:?}", CardNumber::parse("378282246310005").unwrap()),
            "CardNumber(****0005)"
        );
    }

    #[test]
    fn detects_the_brand_while_typing() {
        use CardBrand::*;
        for (typed, brand) in [
            ("4", Visa),
            ("4111 11", Visa),
            ("51", Mastercard),
            ("55", Mastercard),
            ("2221", Mastercard),
            ("23", Mastercard),
            ("2720", Mastercard),
            ("34", Amex),
            ("37", Amex),
            ("6011", Discover),
            ("6011 1111", Discover),
            ("644", Discover),
            ("649", Discover),
            ("65", Discover),
            ("", Unknown),
            ("5", Unknown),
            ("56", Unknown),
            ("2", Unknown),
            ("22", Unknown),
            ("2220", Unknown),
            ("27", Unknown),
            ("2721", Unknown),
            ("3", Unknown),
            ("35", Unknown),
            ("6", Unknown),
            ("601", Unknown),
            ("6012", Unknown),
            ("64", Unknown),
            ("643", Unknown),
            ("x4", Unknown),
        ] {
            assert_eq!(CardBrand::detect(typed), brand, "{typed:?}");
        }
    }

    #[test]
    fn brand_names_round_trip() {
        use CardBrand::*;
        for brand in [Visa, Mastercard, Amex, Discover, Unknown] {
            assert_eq!(CardBrand::from_str_lossy(brand.as_str()), brand);
        }
        assert_eq!(CardBrand::from_str_lossy(" VISA "), Visa);
        assert_eq!(CardBrand::from_str_lossy("jcb"), Unknown);
        assert_eq!(Amex.display_name(), "American Express");
        assert_eq!(Unknown.display_name(), "Card");
    }

    const TODAY: (u16, u8) = (2025, 6);

    fn expiry(input: &str) -> Result<Expiry, ExpiryError> {
        Expiry::parse(input, TODAY.0, TODAY.1)
    }

    #[test]
    fn expiry_formats() {
        let april_2029 = Expiry { month: 4, year: 2029 };
        for typed in ["04/29", "04 / 29", "0429", "4/29", "04/2029", " 4 / 2029 ", "04-29", "04 29"]
        {
            assert_eq!(expiry(typed), Ok(april_2029), "{typed:?}");
        }
        assert_eq!(april_2029.display(), "04/29");
        assert_eq!(april_2029.to_string(), "04/29");
        assert_eq!((april_2029.month(), april_2029.year()), (4, 2029));
    }

    #[test]
    fn expiry_is_valid_through_its_month() {
        use ExpiryError::*;
        assert_eq!(expiry("06/25"), Ok(Expiry { month: 6, year: 2025 }));
        assert_eq!(expiry("07/25"), Ok(Expiry { month: 7, year: 2025 }));
        assert_eq!(expiry("05/25"), Err(Expired));
        assert_eq!(expiry("12/24"), Err(Expired));
        assert_eq!(expiry("06/2020"), Err(Expired));
        let june = Expiry { month: 6, year: 2025 };
        assert!(!june.is_expired(2025, 6));
        assert!(june.is_expired(2025, 7));
        assert!(june.is_expired(2026, 1));
    }

    #[test]
    fn expiry_too_far_ahead() {
        use ExpiryError::*;
        assert_eq!(expiry("12/45"), Ok(Expiry { month: 12, year: 2045 }));
        assert_eq!(expiry("01/46"), Err(TooFarAhead));
        assert_eq!(expiry("01/2046"), Err(TooFarAhead));
        assert_eq!(expiry("12/60"), Err(TooFarAhead));
        assert_eq!(expiry("01/9999"), Err(TooFarAhead));
    }

    #[test]
    fn two_digit_years_cross_the_century() {
        assert_eq!(Expiry::parse("03/01", 2095, 6), Ok(Expiry { month: 3, year: 2101 }));
        assert_eq!(Expiry::parse("03/99", 2095, 6), Ok(Expiry { month: 3, year: 2099 }));
    }

    #[test]
    fn expiry_refuses_malformed_and_bad_months() {
        use ExpiryError::*;
        assert_eq!(expiry(""), Err(Empty));
        assert_eq!(expiry("   "), Err(Empty));
        for bad in ["13/29", "00/29", "1329", "0/29", "13/2029"] {
            assert_eq!(expiry(bad), Err(BadMonth), "{bad}");
        }
        for bad in [
            "abc",
            "04/2",
            "04/202",
            "04/20290",
            "0429x",
            "04//29",
            "/29",
            "04/",
            "1/2/29",
            "٠٤/٢٩",
            "429",
            "042029",
            "123/29",
            "04 29 30",
            "04/29/30",
            "éé29",
            "a4/29",
        ] {
            assert_eq!(expiry(bad), Err(Malformed), "{bad:?}");
        }
        assert_eq!(Expiry::from_parts(13, 2029), Err(BadMonth));
        assert_eq!(Expiry::from_parts(12, 2001), Ok(Expiry { month: 12, year: 2001 }));
    }

    #[test]
    fn security_codes() {
        use SecurityCodeError::*;
        assert_eq!(SecurityCode::parse(" 123 ", CardBrand::Visa).unwrap().expose(), "123");
        assert_eq!(SecurityCode::parse("1234", CardBrand::Amex).unwrap().expose(), "1234");
        assert_eq!(SecurityCode::parse("012", CardBrand::Unknown).unwrap().expose(), "012");
        assert_eq!(SecurityCode::parse("1234", CardBrand::Visa), Err(NeedsThreeDigits));
        assert_eq!(SecurityCode::parse("12", CardBrand::Mastercard), Err(NeedsThreeDigits));
        assert_eq!(SecurityCode::parse("123", CardBrand::Amex), Err(NeedsFourDigits));
        assert_eq!(SecurityCode::parse("", CardBrand::Visa), Err(Empty));
        assert_eq!(SecurityCode::parse("12a", CardBrand::Visa), Err(NotDigits));
        assert_eq!(SecurityCode::parse("1 23", CardBrand::Visa), Err(NotDigits));
        let amex = SecurityCode::parse("1234", CardBrand::Amex).unwrap();
        assert_eq!(format!("{amex:?}"), "SecurityCode(***)");
        assert_eq!(
            format!("{:?}", SecurityCode::parse("987", CardBrand::Visa).unwrap()),
            "SecurityCode(***)"
        );
    }

    proptest! {
        #[test]
        fn a_correct_check_digit_parses(body in "[0-9]{11,18}") {
            let number = with_luhn(&body);
            prop_assert_eq!(
                CardNumber::parse(&number).map(|n| n.expose().to_string()),
                Ok::<_, CardNumberError>(number.clone())
            );
        }

        #[test]
        fn any_single_digit_change_breaks_luhn(body in "[0-9]{11,18}", pos in 0usize..19, delta in 1u8..10) {
            let mut bytes = with_luhn(&body).into_bytes();
            let pos = pos % bytes.len();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(
                CardNumber::parse(&changed).map(|n| n.expose().to_string()),
                Err::<String, _>(CardNumberError::BadChecksum)
            );
        }

        #[test]
        fn debug_shows_only_the_last_four(body in "[0-9]{11,18}") {
            let number = with_luhn(&body);
            let debug = format!("{:?}", CardNumber::parse(&number).unwrap());
            prop_assert_eq!(debug, format!("CardNumber(****{})", &number[number.len() - 4..]));
        }

        #[test]
        fn expiry_display_parses_back(month in 1u8..=12, ahead in 1u16..=20) {
            let e = Expiry::parse(&format!("{month}/{}", TODAY.0 + ahead), TODAY.0, TODAY.1).unwrap();
            prop_assert_eq!(Expiry::parse(&e.display(), TODAY.0, TODAY.1), Ok(e));
        }
    }
}
