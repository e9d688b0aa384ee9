//! The utility's back office (issue 18): staff sign in with a second factor, find a
//! customer, see everything about them on one page, act on their behalf with a reason,
//! and every step is written to the audit log. Staff are the second kind of signed-in
//! person (`auth::Principal::Staff`); no customer page opens for them, and no page here
//! for a customer. One folder per part, each with its types (browser-safe), its SQL
//! (`data`, server only) and its markup.

pub mod access;
pub mod actions;
pub mod audit_log;
pub mod customer;
pub mod dashboard;
pub mod imports;
mod layout;
#[cfg(feature = "ssr")]
pub mod request;
pub mod search;

pub use access::{StaffEnrollPage, StaffEnrolledPage, StaffSignInPage};
pub use audit_log::AuditLogPage;
pub use customer::StaffCustomerPage;
pub use imports::StaffImportsPage;
pub use layout::{StaffHomePage, StaffPage};
pub use search::StaffSearchPage;
