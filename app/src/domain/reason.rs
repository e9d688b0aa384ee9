//! The reason a staff member gives for an action on a customer's behalf ("customer called:
//! the verification email went to spam"). The audit log keeps it beside the action, so it is
//! one line of readable text: never empty, never a novel.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ReasonError {
    #[error("say why: the reason is empty")]
    Empty,
    #[error("the reason is longer than {} characters", Reason::MAX_CHARS)]
    TooLong,
}

/// A reason as the audit log keeps it: trimmed, each run of white space (new lines, tabs)
/// one space, at least one visible character and at most `MAX_CHARS` characters.
/// Deserializing parses again, so a value of this type is always one of these.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reason(String);

impl Reason {
    /// Enough for "what the customer asked and why", short enough to read in a list.
    pub const MAX_CHARS: usize = 500;

    pub fn parse(raw: &str) -> Result<Self, ReasonError> {
        // Control characters other than white space (a NUL, an escape) say nothing: dropped.
        let visible = raw.chars().filter(|c| !c.is_control() || c.is_whitespace());
        let words: Vec<String> =
            visible.collect::<String>().split_whitespace().map(str::to_string).collect();
        let one_line = words.join(" ");
        if one_line.is_empty() {
            return Err(ReasonError::Empty);
        }
        if one_line.chars().count() > Self::MAX_CHARS {
            return Err(ReasonError::TooLong);
        }
        Ok(Self(one_line))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Reason {
    type Error = ReasonError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Reason> for String {
    fn from(reason: Reason) -> Self {
        reason.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_trimmed_to_one_line() {
        let r = Reason::parse("  Customer called:\r\n\tthe link\u{0}  went to spam  ").unwrap();
        assert_eq!(r.as_str(), "Customer called: the link went to spam");
    }

    #[test]
    fn an_empty_or_blank_reason_is_refused() {
        for raw in ["", "   ", "\n\t ", "\u{0}\u{1b}"] {
            assert_eq!(Reason::parse(raw), Err(ReasonError::Empty), "{raw:?}");
        }
    }

    #[test]
    fn the_limit_counts_characters_not_bytes() {
        let at_limit = "ñ".repeat(Reason::MAX_CHARS);
        assert_eq!(Reason::parse(&at_limit).unwrap().as_str().chars().count(), Reason::MAX_CHARS);
        let over = "a".repeat(Reason::MAX_CHARS + 1);
        assert_eq!(Reason::parse(&over), Err(ReasonError::TooLong));
        // White space collapsed first: a long run of spaces is not "too long".
        let spaced = format!("a{}b", " ".repeat(Reason::MAX_CHARS * 2));
        assert_eq!(Reason::parse(&spaced).unwrap().as_str(), "a b");
    }

    #[test]
    fn deserializing_parses_again() {
        let ok: Reason = serde_json::from_str("\" called \"").unwrap();
        assert_eq!(ok.as_str(), "called");
        assert!(serde_json::from_str::<Reason>("\"  \"").is_err());
    }
}
