//! SQL for payments.

pub mod directory;
