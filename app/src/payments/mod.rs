//! Payments: every way money moves, whoever asks for it: AutoPay's run (one payment per
//! bill: a unique index on `payments.bill_id` for the `autopay` channel) and Pay Now (the
//! `one_time` channel: one payment per account of a submitted form, once per form key).
//! A payment goes through these states:
//!
//! - `scheduled`: a one-time payment for a later date, cancellable until the run releases
//!   it on its date;
//! - `pending`: created, not yet on its way;
//! - `submitted`: an e-check in a NACHA file for the bank (the bill's balance already shows
//!   it paid);
//! - `paid`: a card or wallet charge the processor approved;
//! - `failed`: the processor declined it, or its bank account could not be decrypted;
//! - `cancelled`: a scheduled payment the customer cancelled;
//! - `returned`: the bank returned the debit (`return_code`, `returned_at`; see `returns`); a retry of an
//!   insufficient-funds return is a payment of its own naming it (`retry_of`);
//! - `skipped`: never sent (over the customer's maximum, cancelled, the account changed
//!   hands, the method is no longer the customer's); `failure_reason` says why.
//!
//! Here are the payments table (`data`), ending an AutoPay (`enrollments`), the NACHA files (`data::nacha_files` claims them,
//! `bank_file` writes them), card charging (`cards`), receipts (`receipts`), their emails
//! (`texts`), the CIS cash-receipts export (`export`, its SQL in `data::export`), the ACH
//! return-rate monitoring (`monitor`, `data::monitor`), the routing directory
//! (`data::directory`) and the one label of a payment
//! method (`label`, browser-safe: the pages show it too) and the saved methods to pay with
//! (`SavedMethod`, listed by `data::saved`).

mod confirmation;
pub mod entry;
mod label;
mod lines;
mod saved;
mod state;

pub use confirmation::ConfirmationBody;
pub use label::{brand_name, expiry_text, MethodKind, MethodLabel};
pub use lines::{ConfirmedLine, PayConfirmation, PayLine};
pub use saved::SavedMethod;
pub use state::{
    amount_problem_text, on_its_way_text, return_reason_text, state_label, state_text, DebitedOn,
    OnItsWay, OnItsWayNotices,
};

#[cfg(feature = "ssr")]
pub use label::method_label;

#[cfg(feature = "ssr")]
pub mod bank_file;
#[cfg(feature = "ssr")]
pub mod cards;
#[cfg(feature = "ssr")]
pub mod data;
#[cfg(feature = "ssr")]
pub mod enrollments;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod monitor;
#[cfg(feature = "ssr")]
pub mod one_time;
#[cfg(feature = "ssr")]
pub mod receipts;
#[cfg(feature = "ssr")]
pub mod return_texts;
#[cfg(feature = "ssr")]
pub mod returns;
#[cfg(feature = "ssr")]
pub mod texts;

/// What can stop a payment step. Each step can be run again: what it finished is recorded.
#[cfg(feature = "ssr")]
#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("writing the bank file {0}: {1}")]
    Io(String, std::io::Error),
    #[error("the bank file {0} could not be made: {1}")]
    Nacha(String, String),
}

/// Rows handled per database page: memory stays flat whatever the number of payments.
#[cfg(feature = "ssr")]
const PAGE: i64 = 1000;

#[cfg(feature = "ssr")]
fn lang_of(locale: Option<&str>) -> crate::email::Lang {
    crate::email::Lang::from_locale(locale.unwrap_or("en"))
}
