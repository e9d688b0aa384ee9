//! What a bank's return reason code means for the customer: its class (the issue's table),
//! from which the portal decides what the customer sees and may do. Pure and browser-safe.
//!
//! Kept minimal on purpose: the import of return files (issue 17, part B) owns the full
//! knowledge of codes (each code's Nacha description, notices of change); this is only the
//! code → class mapping that the pages need, and merges into it.

use serde::{Deserialize, Serialize};

/// The classes of return codes, as the issue's table groups them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReturnClass {
    /// R01, R09: insufficient or uncollected funds (may be retried).
    Nsf,
    /// R02, R03, R04, R16, R20: closed, no account, invalid, frozen, non-transaction.
    Account,
    /// R05, R07, R10, R11, R29, R51: not authorized, revoked, not as authorized.
    Unauthorized,
    /// R08: the account holder stopped the payment.
    StopPayment,
    /// Any other code.
    Other,
}

impl ReturnClass {
    /// The class of a return reason code as the bank writes it (`R01`); surrounding spaces
    /// and lower case are read too, anything unknown is `Other`.
    pub fn of(code: &str) -> Self {
        match code.trim().to_ascii_uppercase().as_str() {
            "R01" | "R09" => Self::Nsf,
            "R02" | "R03" | "R04" | "R16" | "R20" => Self::Account,
            "R05" | "R07" | "R10" | "R11" | "R29" | "R51" => Self::Unauthorized,
            "R08" => Self::StopPayment,
            _ => Self::Other,
        }
    }

    /// After this return the customer may authorize the bank account again in the portal
    /// (the bank said the debit was not authorized); after an `Account` return the account
    /// cannot be debited at all and the customer chooses another method.
    pub fn can_authorize_again(self) -> bool {
        self == Self::Unauthorized
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_of_the_issues_table_has_its_class() {
        for code in ["R01", "R09"] {
            assert_eq!(ReturnClass::of(code), ReturnClass::Nsf, "{code}");
        }
        for code in ["R02", "R03", "R04", "R16", "R20"] {
            assert_eq!(ReturnClass::of(code), ReturnClass::Account, "{code}");
        }
        for code in ["R05", "R07", "R10", "R11", "R29", "R51"] {
            assert_eq!(ReturnClass::of(code), ReturnClass::Unauthorized, "{code}");
            assert!(ReturnClass::of(code).can_authorize_again());
        }
        assert_eq!(ReturnClass::of("R08"), ReturnClass::StopPayment);
        for code in ["R06", "R14", "R99", "", "C01", "R1", "x"] {
            assert_eq!(ReturnClass::of(code), ReturnClass::Other, "{code}");
        }
        assert_eq!(ReturnClass::of(" r10 "), ReturnClass::Unauthorized);
        assert!(!ReturnClass::of("R02").can_authorize_again());
    }
}
