//! New-password rules after NIST SP 800-63B-4: length is what counts (at least 12
//! characters, up to 128, any Unicode), no composition rules, and a password that is
//! commonly used or contains the email's name part is refused.

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("use at least 12 characters")]
    TooShort,
    #[error("use at most 128 characters")]
    TooLong,
    #[error("this password is too common")]
    Common,
    #[error("the password must not contain the name part of your email address")]
    ContainsEmailName,
    #[error("the two passwords are not the same")]
    Mismatch,
}

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;

/// A password that passed the rules. Deliberately not `Serialize`, not `Display`, and its
/// `Debug` hides the value, so it cannot end up in a response or a log.
#[derive(Clone)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

impl NewPassword {
    /// `is_common` answers whether a (lower-cased) password is on the common-password list;
    /// the list lives on the server only.
    pub fn parse(
        password: &str,
        confirmation: &str,
        email_local_part: &str,
        is_common: impl Fn(&str) -> bool,
    ) -> Result<Self, PasswordError> {
        check_shape(password, email_local_part)?;
        if is_common(&password.to_lowercase()) {
            return Err(PasswordError::Common);
        }
        if password != confirmation {
            return Err(PasswordError::Mismatch);
        }
        Ok(Self(password.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The rules the browser can check as the customer types (all but the common list).
pub fn check_shape(password: &str, email_local_part: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordError::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PasswordError::TooLong);
    }
    let name = email_local_part.trim().to_lowercase();
    if name.chars().count() >= 3 && password.to_lowercase().contains(&name) {
        return Err(PasswordError::ContainsEmailName);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never_common(_: &str) -> bool {
        false
    }

    #[test]
    fn length_is_what_counts() {
        assert!(NewPassword::parse("correct horse", "correct horse", "alex", never_common).is_ok());
        assert_eq!(
            NewPassword::parse("short", "short", "alex", never_common).unwrap_err(),
            PasswordError::TooShort
        );
        // Eleven characters, some of them multi-byte: still too short.
        assert_eq!(check_shape("ñandú ñandú", ""), Err(PasswordError::TooShort));
        assert!(check_shape("ñandú ñandú!", "").is_ok());
        assert!(check_shape("🌊🌊🌊🌊🌊🌊🌊🌊🌊🌊🌊🌊", "").is_ok());
        assert!(check_shape(&"x".repeat(64), "").is_ok());
        assert!(check_shape(&"x".repeat(128), "").is_ok());
        assert_eq!(check_shape(&"x".repeat(129), ""), Err(PasswordError::TooLong));
    }

    #[test]
    fn refuses_common_and_email_name_and_mismatch() {
        let common = |p: &str| p == "password1234";
        assert_eq!(
            NewPassword::parse("PassWord1234", "PassWord1234", "x", common).unwrap_err(),
            PasswordError::Common
        );
        assert_eq!(
            check_shape("my-Alex.Rivera-pass", "alex.rivera"),
            Err(PasswordError::ContainsEmailName)
        );
        assert_eq!(
            NewPassword::parse("a long passphrase", "a long passphrasE", "bob", never_common)
                .unwrap_err(),
            PasswordError::Mismatch
        );
    }

    #[test]
    fn debug_never_shows_the_password() {
        let p = NewPassword::parse("a long passphrase", "a long passphrase", "bob", never_common)
            .unwrap();
        assert!(!format!("{p:?}").contains("passphrase"));
    }
}
