//! The utility's staff as the back office knows them: their role, and the second factor
//! they type at sign-in (a code from their authenticator, or one of their recovery codes).

use serde::{Deserialize, Serialize};

/// What a staff member may do. Agents serve customers; admins also enroll staff, import
/// files and read the audit log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffRole {
    Agent,
    Admin,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a role is \"agent\" or \"admin\"")]
pub struct UnknownRole;

impl StaffRole {
    pub fn parse(text: &str) -> Result<Self, UnknownRole> {
        match text.trim().to_ascii_lowercase().as_str() {
            "agent" => Ok(Self::Agent),
            "admin" => Ok(Self::Admin),
            _ => Err(UnknownRole),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agent => "agent",
            Self::Admin => "admin",
        }
    }
}

/// Characters of a recovery code: RFC 4648 base32, 16 of them (80 bits), shown in groups
/// of four.
pub const RECOVERY_CODE_CHARS: usize = 16;
const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The second factor as typed. Spaces and hyphens are ignored, case too for a recovery
/// code. Its `Debug` hides the value: it never reaches a log.
#[derive(Clone, PartialEq, Eq)]
pub enum SecondFactor {
    /// Six digits from the authenticator app.
    Code(String),
    /// A recovery code, in its canonical form (16 upper-case base32 characters).
    Recovery(String),
}

impl std::fmt::Debug for SecondFactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Code(_) => f.write_str("SecondFactor::Code(…)"),
            Self::Recovery(_) => f.write_str("SecondFactor::Recovery(…)"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SecondFactorError {
    #[error("enter the code from your authenticator app")]
    Empty,
    #[error("a code is 6 digits, a recovery code 16 letters and digits")]
    Shape,
}

impl SecondFactor {
    pub fn parse(text: &str) -> Result<Self, SecondFactorError> {
        let compact: String =
            text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>();
        if compact.is_empty() {
            return Err(SecondFactorError::Empty);
        }
        if compact.len() == 6 && compact.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Self::Code(compact));
        }
        let upper = compact.to_ascii_uppercase();
        if upper.len() == RECOVERY_CODE_CHARS && upper.bytes().all(|b| BASE32.contains(&b)) {
            return Ok(Self::Recovery(upper));
        }
        Err(SecondFactorError::Shape)
    }
}

/// A recovery code as shown to its owner: groups of four.
pub fn recovery_code_display(canonical: &str) -> String {
    canonical
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_six_digit_code_is_read_with_or_without_spaces() {
        assert_eq!(SecondFactor::parse("123456"), Ok(SecondFactor::Code("123456".into())));
        assert_eq!(SecondFactor::parse(" 123 456 "), Ok(SecondFactor::Code("123456".into())));
        assert_eq!(SecondFactor::parse(""), Err(SecondFactorError::Empty));
        assert_eq!(SecondFactor::parse("12345"), Err(SecondFactorError::Shape));
        assert_eq!(SecondFactor::parse("1234567"), Err(SecondFactorError::Shape));
    }

    #[test]
    fn a_recovery_code_is_read_in_any_case_with_or_without_hyphens() {
        let canonical = "ABCD2345EFGH6777";
        for typed in ["ABCD-2345-EFGH-6777", "abcd2345efgh6777", "abcd 2345 efgh 6777"] {
            assert_eq!(SecondFactor::parse(typed), Ok(SecondFactor::Recovery(canonical.into())));
        }
        assert_eq!(SecondFactor::parse("ABCD-2345-EFGH-6771"), Err(SecondFactorError::Shape));
        assert_eq!(recovery_code_display(canonical), "ABCD-2345-EFGH-6777");
    }

    #[test]
    fn roles_are_read_by_name_only() {
        assert_eq!(StaffRole::parse("Admin"), Ok(StaffRole::Admin));
        assert_eq!(StaffRole::parse("agent"), Ok(StaffRole::Agent));
        assert_eq!(StaffRole::parse("root"), Err(UnknownRole));
    }
}
