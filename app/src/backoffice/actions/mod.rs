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

mod form;
#[cfg(feature = "ssr")]
pub mod service;

pub use form::{ActOn, ActionResult, Target};

use crate::domain::reason::ReasonError;
use crate::forms::{FormProblem, I18n};
use crate::i18n::*;
use leptos::prelude::*;
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
    pub const ALL: [Self; 7] = [
        Self::ResendVerification,
        Self::SendPasswordReset,
        Self::UnlockSignIn,
        Self::CancelAutopay,
        Self::SwitchToPaper,
        Self::RemovePaymentMethod,
        Self::ResendReceipt,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// The action's name on its button, in the staff member's language.
    pub fn label(self, i18n: I18n) -> &'static str {
        match self {
            Self::ResendVerification => t_string!(i18n, staff_actions.resend_verification),
            Self::SendPasswordReset => t_string!(i18n, staff_actions.send_password_reset),
            Self::UnlockSignIn => t_string!(i18n, staff_actions.unlock_sign_in),
            Self::CancelAutopay => t_string!(i18n, staff_actions.cancel_autopay),
            Self::SwitchToPaper => t_string!(i18n, staff_actions.switch_to_paper),
            Self::RemovePaymentMethod => t_string!(i18n, staff_actions.remove_payment_method),
            Self::ResendReceipt => t_string!(i18n, staff_actions.resend_receipt),
        }
    }

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

/// The answer to an action's form, kept for the customer's page it returns to: the action
/// (`action`) and, when it was done, `done`; else the problems.
pub type ActionOutcome = crate::forms::Outcome<ActionProblem>;

/// Where the answer waits for the customer's page.
#[cfg(feature = "ssr")]
const OUTCOME_KEY: &str = "staff_action";

/// Takes `action` on the customer's behalf: on `account`, `method` (AutoPay moving to
/// `replacement`) or `payment` as the action needs, with the `reason` the staff member
/// gave. Staff only; what was done is written to the audit log, with the reason and what
/// changed. The browser returns to the customer's page, which says how it went.
#[server(endpoint = "staff_act")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = %action)))]
pub async fn staff_act(
    customer: String,
    action: String,
    account: Option<String>,
    method: Option<String>,
    replacement: Option<String>,
    payment: Option<String>,
    reason: String,
) -> Result<ActionOutcome, ServerFnError> {
    let staff = crate::auth::require_staff().await?;
    let customer: Option<crate::domain::CustomerId> = customer.trim().parse().ok();
    let mut outcome = ActionOutcome::keeping([("action", action.clone())]);
    let request = (customer, Action::parse(action.trim()));
    let (Some(customer), Some(action)) = request else {
        outcome.problems.push(ActionProblem::NotTheCustomers);
        crate::forms::keep_for_redirect(OUTCOME_KEY, &outcome).await;
        leptos_axum::redirect(crate::paths::STAFF_CUSTOMERS);
        return Ok(outcome);
    };
    let target = Target::read(action, [account, method, replacement, payment]);
    match run(staff, customer, target, &reason).await? {
        Ok(()) => outcome.values.push(("done".into(), action.as_str().into())),
        Err(problem) => {
            outcome.values.push(("reason".into(), reason));
            outcome.problems.push(problem);
        }
    }
    crate::forms::keep_for_redirect(OUTCOME_KEY, &outcome).await;
    leptos_axum::redirect(&crate::paths::staff_customer(customer));
    Ok(outcome)
}

/// Does the action with its audit rows: `Err` with why nothing was done.
///
/// The trace is written ahead: a row that the action was asked for (with the reason) before
/// anything is done, then a row of its outcome naming that first row (`asked`) — done with
/// what changed, refused with why, or failed. The shared services an action calls each
/// commit on their own, and send email, so the action and its trace cannot be one
/// transaction; written ahead, no action is ever taken without its trace, and an action
/// whose outcome row is missing (the server stopped in between) shows as asked and not
/// answered.
#[cfg(feature = "ssr")]
async fn run(
    staff: crate::auth::StaffMember,
    customer: crate::domain::CustomerId,
    target: Option<Target>,
    reason: &str,
) -> Result<Result<(), ActionProblem>, ServerFnError> {
    use service::ActionError;
    let reason = match crate::domain::Reason::parse(reason) {
        Ok(reason) => reason,
        Err(e) => return Ok(Err(e.into())),
    };
    let Some(target) = target else { return Ok(Err(ActionProblem::NotTheCustomers)) };
    let action = target.action().as_str();
    let trace = |details: serde_json::Value| {
        let audit = crate::audit::AuditAction::CustomerAction;
        let reason = Some(reason.as_str().to_string());
        async move {
            let reason = reason.as_deref();
            super::audit_log::record(staff, audit, Some(customer), reason, &details.to_string())
                .await
        }
    };
    let asked = trace(serde_json::json!({ "action": action, "stage": "asked" })).await?;
    let db = expect_context::<crate::platform::Db>();
    let mailer = expect_context::<crate::email::Mailer>();
    let config = expect_context::<crate::platform::Config>();
    let ctx = service::ActionContext { db: &db, mailer: &mailer, config: &config, reason: &reason };
    let done = target.act(&ctx, customer).await;
    let (stage, what) = match &done {
        Ok(done) => ("done", serde_json::json!(done.changes)),
        Err(ActionError::Refused(problem)) => ("refused", serde_json::json!(problem)),
        Err(ActionError::Failed(_)) => ("failed", serde_json::Value::Null),
    };
    let answer =
        serde_json::json!({ "action": action, "stage": stage, "asked": asked.0, "outcome": what });
    trace(answer).await?;
    match done {
        Ok(_) => Ok(Ok(())),
        Err(ActionError::Refused(problem)) => Ok(Err(problem)),
        Err(ActionError::Failed(e)) => Err(crate::forms::failed(e)),
    }
}

#[server(endpoint = "take_staff_action_outcome")]
pub async fn take_staff_action_outcome() -> Result<Option<ActionOutcome>, ServerFnError> {
    crate::forms::take_outcome(OUTCOME_KEY).await
}
