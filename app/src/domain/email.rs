//! Email addresses as logins use them: trimmed, compared case-insensitively.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("the email address is empty")]
    Empty,
    #[error("the email address is too long")]
    TooLong,
    #[error("an email address looks like name@example.com")]
    Malformed,
}

/// A plausible, normalised (lower-case) email address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(EmailError::Empty);
        }
        if raw.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let lower = raw.to_lowercase();
        let (local, domain) = lower.rsplit_once('@').ok_or(EmailError::Malformed)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && !tld.bytes().all(|b| b.is_ascii_digit()));
        if !local_ok || !domain_ok {
            return Err(EmailError::Malformed);
        }
        Ok(Self(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`, which a password may not contain.
    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or("")
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_spaces() {
        assert_eq!(
            Email::parse("  Alex.Rivera@Example.COM ").unwrap().as_str(),
            "alex.rivera@example.com"
        );
        assert_eq!(Email::parse("a+b@mail.example.org").unwrap().local_part(), "a+b");
    }

    #[test]
    fn refuses_what_cannot_receive_mail() {
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
        for bad in [
            "alex",
            "alex@",
            "@example.com",
            "alex@example",
            "a b@example.com",
            "alex@@example.com",
            "alex@exa_mple.com",
            ".alex@example.com",
            "al..ex@example.com",
            "alex@-example.com",
            "alex@example.123",
            "álex@example.com",
            "alex@example.com\u{0}",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Malformed), "{bad:?}");
        }
        assert_eq!(
            Email::parse(&format!("{}@example.com", "a".repeat(250))),
            Err(EmailError::TooLong)
        );
    }
}
