//! The ids of the portal's records, each its own type, so that a method id cannot be passed
//! where an account id belongs. They travel as plain numbers (serde transparent); the data
//! layer binds and reads them directly (`platform::db` implements sqlx's traits for them).

use serde::{Deserialize, Serialize};

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }
    )*};
}

/// Hands every id type (with its doc) to the macro `$m`: `ids!` here declares them, and the
/// data layer's `sql_ids!` binds them. A new id is added here, once.
macro_rules! every_id {
    ($m:ident) => {
        $m! {
            /// A customer of the utility (a person or business with one or more accounts).
            CustomerId,
            /// A customer's login to the portal.
            LoginId,
            /// A service account (what a bill is for).
            AccountId,
            /// A saved payment method in My Wallet.
            MethodId,
            /// A bill of an account.
            BillId,
            /// A payment (one account's share of money moving).
            PaymentId,
            /// An account's AutoPay enrollment.
            EnrollmentId,
            /// An email in the outbox.
            EmailId,
            /// A NACHA file written for the bank.
            NachaFileId,
            /// A one-time link's token (password reset, email verification).
            TokenId,
            /// A submitted payment form (one or more payments, one per account).
            SubmissionId,
            /// A member of the utility's staff (the back office).
            StaffId,
            /// A row of the staff audit log.
            AuditId,
        }
    };
}
// For the data layer, which the browser build leaves out.
#[cfg(feature = "ssr")]
pub(crate) use every_id;

every_id!(ids);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_travels_as_a_plain_number() {
        assert_eq!(serde_json::to_string(&AccountId(42)).unwrap(), "42");
        assert_eq!(serde_json::from_str::<MethodId>("7").unwrap(), MethodId(7));
        assert_eq!("15".parse::<CustomerId>().unwrap(), CustomerId(15));
        assert_eq!(PaymentId(3).to_string(), "3");
    }
}
