//! A one-time payment as its pages show it, whichever form made it (Pay Now or Quick Pay):
//! its lines as reviewed, and the confirmation with a reference per account. Browser-safe.

use crate::domain::payment::PaymentState;
use crate::domain::{AccountId, Cents, PaymentId, SubmissionId};
use serde::{Deserialize, Serialize};
use time::Date;

/// One account's line of a checked payment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PayLine {
    pub account_id: AccountId,
    pub number: String,
    pub amount: Cents,
    pub fee: Cents,
}

/// A submitted payment as its confirmation (and a reprint of it) shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PayConfirmation {
    pub submission: SubmissionId,
    pub lines: Vec<ConfirmedLine>,
    pub method: String,
    pub date: Date,
    pub total: Cents,
    pub submitted_on: Date,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfirmedLine {
    pub payment_id: PaymentId,
    pub reference: String,
    pub account_id: AccountId,
    pub number: String,
    pub amount: Cents,
    pub fee: Cents,
    pub state: PaymentState,
    /// Why a card payment did not go through: the processor declined it, or could not be
    /// reached (then nothing was charged and the customer may simply try again).
    pub unreachable: bool,
}
