//! The utility's back office: what its staff do for a customer who calls. `actions` are the
//! service actions (each with a reason, each described before and after for the audit log).

pub mod actions;
