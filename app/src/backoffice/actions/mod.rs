//! The back office's service actions on one customer's behalf: resend the paperless
//! verification email, send a password reset link, unlock sign-in, cancel AutoPay, switch
//! delivery to paper, remove a payment method, resend a receipt. Each does exactly what the
//! customer's own journey does (the same shared services, so the same emails to the
//! addresses on file), acts only on that customer's own accounts, methods and payments, and
//! answers what it changed, before and after, never a secret (`service`). Each asks for a
//! reason (`domain::Reason`), which the audit log keeps with it.
//!
//! There is no action to set a password, to see a link's token, or to change an email
//! address: staff send the customer their own link.

#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::reason::ReasonError;
use crate::forms::{FormProblem, I18n};
use crate::i18n::*;
use serde::{Deserialize, Serialize};

/// Which action was taken, as the audit log names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    ResendVerification,
    SendPasswordReset,
    UnlockSignIn,
    CancelAutopay,
    SwitchToPaper,
    RemovePaymentMethod,
    ResendReceipt,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ResendVerification => "resend-verification",
            Self::SendPasswordReset => "send-password-reset",
            Self::UnlockSignIn => "unlock-sign-in",
            Self::CancelAutopay => "cancel-autopay",
            Self::SwitchToPaper => "switch-to-paper",
            Self::RemovePaymentMethod => "remove-payment-method",
            Self::ResendReceipt => "resend-receipt",
        }
    }
}

/// Why an action was refused (nothing was done): each said to the staff member in their
/// language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActionProblem {
    /// The reason given does not parse.
    Reason(ReasonError),
    /// The account, payment method or payment is not this customer's (or does not exist).
    NotTheCustomers,
    /// The customer has no login: no email on file, no sign-in to unlock.
    NotRegistered,
    NotLocked,
    /// No verification link waiting for the account (none sent, used, or expired).
    NoPendingVerification,
    NotEnrolled,
    /// The account's bills already come on paper, and no verification is waiting.
    AlreadyOnPaper,
    /// An active AutoPay pays with the method: name the method AutoPay moves to.
    NeedsReplacement,
    /// The replacement is not one of the customer's usable methods (or is the same one).
    ReplacementInvalid,
    /// The payment did not go through (or not yet): it has no receipt.
    NoReceipt,
    /// Too many of these emails lately (the customer's own limit): minutes to wait.
    TryLater(i64),
}

impl From<ReasonError> for ActionProblem {
    fn from(e: ReasonError) -> Self {
        Self::Reason(e)
    }
}

impl FormProblem for ActionProblem {
    /// The reason's input is `reason`, a replacement method's `replacement`.
    fn field(self) -> &'static str {
        match self {
            Self::Reason(_) => "reason",
            Self::NeedsReplacement | Self::ReplacementInvalid => "replacement",
            _ => "",
        }
    }

    fn message(self, i18n: I18n) -> String {
        let text = match self {
            Self::Reason(ReasonError::Empty) => t_string!(i18n, staff_actions.reason_empty),
            Self::Reason(ReasonError::TooLong) => {
                let max = crate::domain::Reason::MAX_CHARS;
                let (before, after) = (
                    t_string!(i18n, staff_actions.reason_too_long_before),
                    t_string!(i18n, staff_actions.reason_too_long_after),
                );
                return format!("{before} {max} {after}");
            }
            Self::NotTheCustomers => t_string!(i18n, staff_actions.not_the_customers),
            Self::NotRegistered => t_string!(i18n, staff_actions.not_registered),
            Self::NotLocked => t_string!(i18n, staff_actions.not_locked),
            Self::NoPendingVerification => t_string!(i18n, staff_actions.no_pending_verification),
            Self::NotEnrolled => t_string!(i18n, staff_actions.not_enrolled),
            Self::AlreadyOnPaper => t_string!(i18n, staff_actions.already_on_paper),
            Self::NeedsReplacement => t_string!(i18n, staff_actions.needs_replacement),
            Self::ReplacementInvalid => t_string!(i18n, staff_actions.replacement_invalid),
            Self::NoReceipt => t_string!(i18n, staff_actions.no_receipt),
            Self::TryLater(minutes) => {
                let (before, after) = (
                    t_string!(i18n, staff_actions.try_later_before),
                    t_string!(i18n, staff_actions.try_later_after),
                );
                return format!("{before} {minutes} {after}");
            }
        };
        text.to_string()
    }
}
