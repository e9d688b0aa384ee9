//! The back office's one search box (issue 18): what a call-centre agent types while a
//! customer reads something out, read as what it is — both numbers of a bill, a customer or
//! an account number (with or without the hyphen, with or without leading zeros), a phone
//! number, an email address, or words of a name or of a service address. And the one way names and addresses
//! are folded for searching ([`Folded`]), used where they are written and where they are
//! searched alike, so that "nunez" finds "Ñúñez" and "123 main street" finds "123 Main St".

use super::customer_account::{AccountNumber, CustomerAccountNumber, CustomerNumber, SEPARATORS};
use super::email::Email;
use super::phone::Phone;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The most characters read from the box.
pub const MAX_CHARS: usize = 200;
/// Words after this many are not searched: they would only narrow what the first ones find.
pub const MAX_WORDS: usize = 8;
/// Letters and digits a search by words needs at least: one would match nearly everyone.
pub const MIN_CHARS: usize = 2;

/// Why a search was not made. Each has its message in both languages on the page.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize,
)]
pub enum SearchQueryError {
    #[error("type a name, a number, an email address or a service address")]
    Empty,
    #[error("the search is too long")]
    TooLong,
    #[error("type at least two letters or digits")]
    TooShort,
    #[error("type the whole email address, like name@example.com")]
    Email,
    #[error("a phone number has 10 digits, like (541) 774-2430")]
    Phone,
    #[error("a customer number has up to 8 digits, an account number up to 7: 12345678-1234567")]
    Number,
}

/// What to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchQuery {
    /// Both numbers of a bill: one account.
    Bill(CustomerAccountNumber),
    /// Digits alone: a customer number, or an account number when they fit one (seven
    /// significant digits or fewer). Callers read out either.
    Number { customer: CustomerNumber, account: Option<AccountNumber> },
    /// An email address: a login's, or the one an account's bills are emailed to.
    Email(Email),
    /// The customer's phone number, as the accounts file gives it.
    Phone(Phone),
    /// Words that start with a house number: a service address.
    Address(Words),
    /// Other words: a customer's name, or words of a service address ("Pear Blossom").
    NameOrAddress { name: Words, address: Words },
}

impl SearchQuery {
    pub fn parse(raw: &str) -> Result<Self, SearchQueryError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(SearchQueryError::Empty);
        }
        if text.chars().count() > MAX_CHARS {
            return Err(SearchQueryError::TooLong);
        }
        if text.contains('@') {
            let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            return Email::parse(&compact).map(Self::Email).map_err(|_| SearchQueryError::Email);
        }
        if numeric(text) {
            return number(text);
        }
        let name = Folded::name(text);
        let address = Folded::address_words(text);
        let chars: usize = name.words().map(|w| w.chars().count()).sum();
        if chars < MIN_CHARS {
            return Err(SearchQueryError::TooShort);
        }
        let house_number_first =
            address.words().next().is_some_and(|w| w.bytes().all(|b| b.is_ascii_digit()));
        Ok(if house_number_first {
            Self::Address(Words::of(&address))
        } else {
            Self::NameOrAddress { name: Words::of(&name), address: Words::of(&address) }
        })
    }

    /// The kind of search, as logs and the benchmark name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Bill(_) => "bill",
            Self::Number { .. } => "number",
            Self::Email(_) => "email",
            Self::Phone(_) => "phone",
            Self::Address(_) => "address",
            Self::NameOrAddress { .. } => "name",
        }
    }
}

/// Digits with what people put between them when they read numbers out or paste them:
/// spaces, dashes, and a phone number's brackets, dots and plus.
fn numeric(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
        && text.chars().all(|c| {
            c.is_ascii_digit()
                || c.is_whitespace()
                || SEPARATORS.contains(&c)
                || matches!(c, '(' | ')' | '.' | '+')
        })
}

fn number(text: &str) -> Result<SearchQuery, SearchQueryError> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits: String = compact.chars().filter(char::is_ascii_digit).collect();
    let dashes = compact.chars().filter(|c| SEPARATORS.contains(c)).count();
    let phone_marks = compact.contains(['(', ')', '.', '+']);
    if dashes == 1 && !phone_marks {
        if let Ok(bill) = CustomerAccountNumber::parse(&compact) {
            return Ok(SearchQuery::Bill(bill));
        }
    }
    if dashes == 0 && !phone_marks {
        // Fifteen digits: both numbers read out without the hyphen, 8 then 7.
        if digits.len() == 15 {
            if let (Ok(customer), Ok(account)) =
                (CustomerNumber::parse(&digits[..8]), AccountNumber::parse(&digits[8..]))
            {
                return Ok(SearchQuery::Bill(CustomerAccountNumber { customer, account }));
            }
        }
        if let Ok(customer) = CustomerNumber::parse(&digits) {
            let account = AccountNumber::parse(&digits).ok();
            return Ok(SearchQuery::Number { customer, account });
        }
    }
    if digits.len() == 10 || (digits.len() == 11 && digits.starts_with('1')) || phone_marks {
        return Phone::parse(text).map(SearchQuery::Phone).map_err(|_| SearchQueryError::Phone);
    }
    Err(SearchQueryError::Number)
}

/// Folded words to look for: each matches the start of a word ("riv" finds "Rivera"), a
/// number only a whole word ("12" finds "12 Oak Ave", not "1200 Oak Ave"). They hold only
/// letters and digits, so they go into a LIKE pattern as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words(Vec<String>);

impl Words {
    /// The folded text's words, each once, at most [`MAX_WORDS`].
    fn of(folded: &Folded) -> Self {
        let mut words: Vec<String> = Vec::new();
        for word in folded.words() {
            if words.len() == MAX_WORDS {
                break;
            }
            if !words.iter().any(|w| w == word) {
                words.push(word.to_string());
            }
        }
        Self(words)
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// One LIKE pattern per word over a [`Folded`] column (which has a space before every
    /// word): all of them match exactly the texts that have every word.
    pub fn like_patterns(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|w| {
                if w.bytes().all(|b| b.is_ascii_digit()) {
                    format!("% {w} %")
                } else {
                    format!("% {w}%")
                }
            })
            .collect()
    }
}

/// Text folded for searching: lower case, without accents, its words of letters and
/// digits each with a space before and after (" maria lopez "), so that " lop" is the start
/// of a word wherever the word stands. Apostrophes join ("O'Brien" is "obrien"); every other
/// mark separates words ("Smith-Jones" is "smith jones"). Stored folded columns are this
/// function's output: a change to it sets them to NULL in a migration, and the next start
/// folds them again (`platform::db::Db::fold_missing`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Folded(String);

impl Folded {
    /// A customer's name.
    pub fn name(name: &str) -> Self {
        Self::join(words(name))
    }

    /// A service address: its street, city, state and ZIP code, street types and
    /// directions as the Postal Service abbreviates them ("Street" is "st", "North" "n"),
    /// so that an address is found however the caller says it.
    pub fn service_address(street: &str, city: &str, state: &str, zip: &str) -> Self {
        Self::join([street, city, state, zip].into_iter().flat_map(words).map(abbreviated))
    }

    /// Words typed to find an address, folded as addresses are.
    fn address_words(text: &str) -> Self {
        Self::join(words(text).into_iter().map(abbreviated))
    }

    fn join(words: impl IntoIterator<Item = String>) -> Self {
        let mut text = String::from(" ");
        for word in words {
            text.push_str(&word);
            text.push(' ');
        }
        Self(text)
    }

    /// As stored in a folded column.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.0.split_whitespace()
    }
}

/// Marks that join the letters around them rather than separate words.
const APOSTROPHES: &[char] = &['\'', '\u{2019}', '\u{2018}', '\u{02BC}', '`', '\u{00B4}'];

/// The words of a text, lower case and without accents. Compatibility decomposition (NFKD)
/// splits "ñ" into "n" and a combining tilde, which is dropped, and reads full-width and
/// ligature forms as the plain letters; the letters it leaves whole are spelled out.
fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in text.chars().filter(|c| !APOSTROPHES.contains(c)).nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        if let Some(plain) = spelled_out(c) {
            word.push_str(plain);
        } else if c.is_alphanumeric() {
            word.extend(c.to_lowercase().filter(|l| !is_combining_mark(*l)));
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Letters no decomposition takes apart.
fn spelled_out(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' | 'ẞ' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ø' | 'Ø' => "o",
        'ł' | 'Ł' => "l",
        'đ' | 'Đ' | 'ð' | 'Ð' => "d",
        'þ' | 'Þ' => "th",
        'ħ' | 'Ħ' => "h",
        'ı' => "i",
        _ => return None,
    })
}

/// Street types and directions, as the Postal Service abbreviates them.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("street", "st"),
    ("avenue", "ave"),
    ("av", "ave"),
    ("road", "rd"),
    ("drive", "dr"),
    ("lane", "ln"),
    ("boulevard", "blvd"),
    ("court", "ct"),
    ("place", "pl"),
    ("highway", "hwy"),
    ("parkway", "pkwy"),
    ("circle", "cir"),
    ("terrace", "ter"),
    ("trail", "trl"),
    ("square", "sq"),
    ("apartment", "apt"),
    ("suite", "ste"),
    ("north", "n"),
    ("south", "s"),
    ("east", "e"),
    ("west", "w"),
    ("northeast", "ne"),
    ("northwest", "nw"),
    ("southeast", "se"),
    ("southwest", "sw"),
];

fn abbreviated(word: String) -> String {
    match ABBREVIATIONS.iter().find(|(full, _)| *full == word) {
        Some((_, short)) => (*short).to_string(),
        None => word,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(raw: &str) -> SearchQuery {
        SearchQuery::parse(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"))
    }

    fn bill(raw: &str) -> String {
        match parse(raw) {
            SearchQuery::Bill(b) => b.to_string(),
            other => panic!("{raw:?} read as {other:?}"),
        }
    }

    fn words(raw: &str) -> (Vec<String>, Vec<String>) {
        match parse(raw) {
            SearchQuery::NameOrAddress { name, address } => {
                (name.as_slice().to_vec(), address.as_slice().to_vec())
            }
            other => panic!("{raw:?} read as {other:?}"),
        }
    }

    #[test]
    fn names_fold_accents_case_and_marks() {
        assert_eq!(Folded::name("María Ñúñez").as_str(), " maria nunez ");
        assert_eq!(Folded::name("  JOSÉ   o'brien-SMITH ").as_str(), " jose obrien smith ");
        assert_eq!(
            Folded::name("Ævar Øster Łukasz Straße").as_str(),
            " aevar oster lukasz strasse "
        );
        assert_eq!(Folded::name("Zoë Ça Ğül Ｆｕｌｌ ﬁne").as_str(), " zoe ca gul full fine ");
        assert_eq!(Folded::name("D´Angelo D’Arcy").as_str(), " dangelo darcy ");
        assert_eq!(Folded::name("").as_str(), " ");
        assert_eq!(Folded::name("...").words().count(), 0);
        assert_eq!(Folded::name("Nguyễn Văn Đức").as_str(), " nguyen van duc ");
    }

    #[test]
    fn addresses_fold_street_types_and_directions() {
        let stored =
            Folded::service_address("1209 West Main Street, Apt. 4B", "Medford", "OR", "97501");
        assert_eq!(stored.as_str(), " 1209 w main st apt 4b medford or 97501 ");
        assert_eq!(
            Folded::service_address("9 Pear Blossom Ln", "Médford", "OR", "97502").as_str(),
            " 9 pear blossom ln medford or 97502 "
        );
    }

    #[test]
    fn both_numbers_in_any_spoken_form() {
        assert_eq!(bill("12345678-1234567"), "12345678-1234567");
        assert_eq!(bill(" 345678-34567 "), "00345678-0034567");
        assert_eq!(bill("345678 – 34567"), "00345678-0034567");
        assert_eq!(bill("1234 5678 - 123 4567"), "12345678-1234567");
        assert_eq!(bill("123456781234567"), "12345678-1234567");
        assert_eq!(bill("12345678 1234567"), "12345678-1234567");
        assert_eq!(bill("003456780034567"), "00345678-0034567");
    }

    #[test]
    fn one_number_is_a_customer_or_an_account_number() {
        let number = |raw: &str| match parse(raw) {
            SearchQuery::Number { customer, account } => {
                (customer.as_padded(), account.map(|a| a.as_padded()))
            }
            other => panic!("{raw:?} read as {other:?}"),
        };
        assert_eq!(number("34567"), ("00034567".into(), Some("0034567".into())));
        assert_eq!(number("0034567"), ("00034567".into(), Some("0034567".into())));
        assert_eq!(number("1234 5678"), ("12345678".into(), None));
        assert_eq!(number("00345678"), ("00345678".into(), Some("0345678".into())));
        assert_eq!(number("7"), ("00000007".into(), Some("0000007".into())));
    }

    #[test]
    fn emails_are_whole_addresses_in_lower_case() {
        match parse("  Maria.Lopez@Example.COM ") {
            SearchQuery::Email(e) => assert_eq!(e.as_str(), "maria.lopez@example.com"),
            other => panic!("{other:?}"),
        }
        match parse("maria @ example.com") {
            SearchQuery::Email(e) => assert_eq!(e.as_str(), "maria@example.com"),
            other => panic!("{other:?}"),
        }
        assert_eq!(SearchQuery::parse("maria@"), Err(SearchQueryError::Email));
        assert_eq!(SearchQuery::parse("@example.com"), Err(SearchQueryError::Email));
    }

    #[test]
    fn words_are_a_name_or_an_address_and_a_house_number_first_an_address() {
        assert_eq!(words("Ñúñez"), (vec!["nunez".into()], vec!["nunez".into()]));
        assert_eq!(
            words("Pear Blossom Lane"),
            (
                vec!["pear".into(), "blossom".into(), "lane".into()],
                vec!["pear".into(), "blossom".into(), "ln".into()]
            )
        );
        match parse("123 Main Street") {
            SearchQuery::Address(w) => {
                assert_eq!(w.as_slice(), ["123", "main", "st"]);
                assert_eq!(w.like_patterns(), ["% 123 %", "% main%", "% st%"]);
            }
            other => panic!("{other:?}"),
        }
        match parse("#4B") {
            SearchQuery::NameOrAddress { name, .. } => assert_eq!(name.as_slice(), ["4b"]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn words_are_searched_once_and_at_most_eight() {
        let (name, _) = words("rivera Rivera RIVERA alex");
        assert_eq!(name, ["rivera", "alex"]);
        let (name, _) = words("a b c d e f g h i j");
        assert_eq!(name.len(), MAX_WORDS);
        assert_eq!(parse("Li").kind(), "name");
    }

    #[test]
    fn refuses_what_cannot_be_searched_with_its_reason() {
        use SearchQueryError::*;
        let err = |raw: &str| SearchQuery::parse(raw).unwrap_err();
        assert_eq!(err(""), Empty);
        assert_eq!(err("   "), Empty);
        assert_eq!(err(&"a".repeat(MAX_CHARS + 1)), TooLong);
        assert_eq!(err("a"), TooShort);
        assert_eq!(err("é"), TooShort);
        assert_eq!(err("!!"), TooShort);
        assert_eq!(err("(041) 774-2430"), Phone);
        assert_eq!(err("(541) 774-24"), Phone);
        assert_eq!(err("123456789"), Number);
        assert_eq!(err("123456789-1234567"), Number);
        assert_eq!(err("1-2-3"), Number);
        assert_eq!(err("1234567890123456"), Number);
    }

    #[test]
    fn a_phone_number_is_its_ten_digits_however_it_is_written() {
        for raw in
            ["541-774-2430", "(541) 774-2430", "541.774.2430", "+1 541 774 2430", "5417742430"]
        {
            match parse(raw) {
                SearchQuery::Phone(phone) => assert_eq!(phone.digits(), "5417742430", "{raw}"),
                other => panic!("{raw}: {other:?}"),
            }
        }
    }

    #[test]
    fn kinds_are_named() {
        let kinds: Vec<&str> = ["12345678-1234567", "42", "a@b.co", "1 Main", "Rivera"]
            .iter()
            .map(|raw| parse(raw).kind())
            .collect();
        assert_eq!(kinds, ["bill", "number", "email", "address", "name"]);
    }

    proptest! {
        #[test]
        fn any_text_parses_or_is_refused_without_panicking(raw in "\\PC{0,60}") {
            let _ = SearchQuery::parse(&raw);
        }

        #[test]
        fn folded_words_hold_only_letters_and_digits(raw in "\\PC{0,60}") {
            let folded = Folded::name(&raw);
            prop_assert!(folded.as_str().starts_with(' ') && folded.as_str().ends_with(' '));
            for word in folded.words() {
                prop_assert!(word.chars().all(char::is_alphanumeric), "{:?}", word);
                prop_assert!(!word.contains(['%', '_']));
            }
        }

        #[test]
        fn a_name_is_found_by_any_of_its_words_however_it_is_typed(
            first in "[A-Za-zÁÉÍÓÚÑáéíóúñ]{2,10}",
            last in "[A-Za-zÁÉÍÓÚÑáéíóúñ]{2,10}",
        ) {
            let stored = Folded::name(&format!("{first} {last}"));
            let typed = last.to_uppercase();
            if let Ok(SearchQuery::NameOrAddress { name, .. }) = SearchQuery::parse(&typed) {
                for pattern in name.like_patterns() {
                    let word = pattern.trim_matches('%');
                    prop_assert!(stored.as_str().contains(word), "{:?} in {:?}", word, stored);
                }
            }
        }
    }
}
