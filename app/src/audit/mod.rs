//! The audit log of what staff do: every sign-in (and failed one), search, page view of a
//! customer, and action, with who, when, from which address, the customer, the reason and
//! what changed. Append-only, and chained: each row carries the hash of the row before it,
//! so `server audit verify` finds a row edited or removed in the database.

#[cfg(feature = "ssr")]
pub mod data;

use crate::domain::{AuditId, CustomerId, StaffId};
use serde::{Deserialize, Serialize};

/// What a row records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditAction {
    SignIn,
    SignInFailed,
    SignOut,
    Enrolled,
    Search,
    ViewCustomer,
    /// A service action on a customer's behalf (its name is in the details).
    CustomerAction,
    Import,
    ReadAuditLog,
}

impl AuditAction {
    pub const ALL: [Self; 9] = [
        Self::SignIn,
        Self::SignInFailed,
        Self::SignOut,
        Self::Enrolled,
        Self::Search,
        Self::ViewCustomer,
        Self::CustomerAction,
        Self::Import,
        Self::ReadAuditLog,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign-in",
            Self::SignInFailed => "sign-in-failed",
            Self::SignOut => "sign-out",
            Self::Enrolled => "enrolled",
            Self::Search => "search",
            Self::ViewCustomer => "view-customer",
            Self::CustomerAction => "customer-action",
            Self::Import => "import",
            Self::ReadAuditLog => "read-audit-log",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// One row to append. `details` is a short JSON object: what was searched, or what changed
/// (before and after) — never a secret, a token or a full account number.
#[derive(Clone, Debug)]
pub struct NewAuditRow<'a> {
    pub staff: Option<StaffId>,
    /// The staff member's email (as typed, for a failed sign-in).
    pub actor: &'a str,
    pub action: AuditAction,
    pub address: &'a str,
    pub customer: Option<CustomerId>,
    pub reason: Option<&'a str>,
    pub details: String,
}

/// A row as admins read it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AuditRow {
    pub id: AuditId,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub address: String,
    pub customer_id: Option<CustomerId>,
    pub reason: Option<String>,
    pub details: String,
}

/// Which rows an admin asks for; empty fields do not filter.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<AuditAction>,
    pub customer: Option<CustomerId>,
    /// Epoch seconds, inclusive.
    pub from: Option<i64>,
    /// Epoch seconds, exclusive.
    pub until: Option<i64>,
    /// Rows with an id below this one (the next page).
    pub before: Option<AuditId>,
}
