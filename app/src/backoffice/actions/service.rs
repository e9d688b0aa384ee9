//! The service actions as plain functions over the database and the mailer. Each calls
//! the same shared service the customer's journey calls (identity: `auth::service`;
//! paperless billing: `email::paperless`; AutoPay, methods and receipts: `payments`), so
//! the customer gets the same emails at the addresses on file and the same state results.
//! Each is given the customer it acts for and refuses anything that is not theirs.

use super::{Action, ActionProblem};
use crate::auth::data::LoginContact;
use crate::domain::{AccountId, CustomerId, MethodId, PaymentId, Reason};
use crate::email::paperless::{self, LinkRefused, LinkRequest};
use crate::email::{Lang, Mailer};
use crate::payments::data::history::{self, HistoryFilter};
use crate::payments::data::saved::{self, Removal};
use crate::payments::enrollments::{self, Cancelled};
use crate::platform::throttle::{self, Admission, Scope, RESET_EMAIL_LIMIT};
use crate::platform::{Config, Db, ServiceError};

/// What every action needs: the server's resources, and the reason the staff member gave
/// (an action cannot be called without one; the audit log keeps it).
pub struct ActionContext<'a> {
    pub db: &'a Db,
    pub mailer: &'a Mailer,
    pub config: &'a Config,
    pub reason: &'a Reason,
}

/// One thing an action changed, before and after, for the audit log: masked labels,
/// states and the customer's own addresses; never a token, a password or a full number.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

impl Change {
    fn new(field: &'static str, before: impl Into<String>, after: impl Into<String>) -> Self {
        Self { field, before: before.into(), after: after.into() }
    }
}

/// What an action did.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Done {
    pub action: Action,
    pub changes: Vec<Change>,
}

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// Refused: nothing was done (the staff member is told why).
    #[error("refused: {0:?}")]
    Refused(ActionProblem),
    #[error(transparent)]
    Failed(#[from] ServiceError),
}

impl From<sqlx::Error> for ActionError {
    fn from(e: sqlx::Error) -> Self {
        Self::Failed(e.into())
    }
}

fn refused<T>(problem: ActionProblem) -> Result<T, ActionError> {
    Err(ActionError::Refused(problem))
}

/// The customer's login: where their emails go and in which language.
async fn login_of(db: &Db, customer: CustomerId) -> Result<LoginContact, ActionError> {
    match crate::auth::data::login_of_customer(db, customer).await? {
        Some(login) => Ok(login),
        None => refused(ActionProblem::NotRegistered),
    }
}

/// Emails the account's waiting paperless verification link again, to the address the
/// customer asked for (never one the staff member types), as the page's Resend button does:
/// a new link replaces the old, within the same limit per account.
#[tracing::instrument(skip_all, fields(customer_id = %customer, account_id = %account))]
pub async fn resend_verification(
    ctx: &ActionContext<'_>,
    customer: CustomerId,
    account: AccountId,
) -> Result<Done, ActionError> {
    if paperless::data::account(ctx.db, customer, account).await?.is_none() {
        return refused(ActionProblem::NotTheCustomers);
    }
    let login = login_of(ctx.db, customer).await?;
    let Some(pending) = paperless::data::pending_email(ctx.db, account).await? else {
        return refused(ActionProblem::NoPendingVerification);
    };
    let request = LinkRequest {
        login_id: login.id,
        customer_id: customer,
        account_id: account,
        email: &pending,
        locale: &login.locale,
    };
    match paperless::send_link(ctx.db, ctx.mailer, request).await? {
        Ok(()) => {}
        Err(LinkRefused::NotFound) => return refused(ActionProblem::NotTheCustomers),
        Err(LinkRefused::TryLater(minutes)) => return refused(ActionProblem::TryLater(minutes)),
        // The address was accepted when the customer asked for it.
        Err(LinkRefused::EmailEmpty | LinkRefused::EmailFormat) => {
            return refused(ActionProblem::NoPendingVerification)
        }
    }
    let change = Change::new(
        "paperless_verification",
        format!("link pending for {pending}"),
        format!("new link emailed to {pending}"),
    );
    Ok(Done { action: Action::ResendVerification, changes: vec![change] })
}

/// Emails a password reset link to the login's own address (the only one it ever goes
/// to), as Forgot Password does, counted against the same limit per address.
#[tracing::instrument(skip_all, fields(customer_id = %customer))]
pub async fn send_password_reset(
    ctx: &ActionContext<'_>,
    customer: CustomerId,
) -> Result<Done, ActionError> {
    let login = login_of(ctx.db, customer).await?;
    if let Admission::Blocked { minutes } =
        throttle::attempt(ctx.db, Scope::ResetByEmail, &login.email, RESET_EMAIL_LIMIT).await?
    {
        return refused(ActionProblem::TryLater(minutes));
    }
    crate::auth::service::send_reset_link(ctx.db, ctx.mailer, &login).await?;
    let change = Change::new("password_reset_link", "", format!("emailed to {}", login.email));
    Ok(Done { action: Action::SendPasswordReset, changes: vec![change] })
}

/// Ends a sign-in lockout (the failed sign-ins are forgotten, as a successful sign-in or a
/// new password forgets them). Refused when sign-in is not locked.
#[tracing::instrument(skip_all, fields(customer_id = %customer))]
pub async fn unlock_sign_in(
    ctx: &ActionContext<'_>,
    customer: CustomerId,
) -> Result<Done, ActionError> {
    let login = login_of(ctx.db, customer).await?;
    let max = ctx.config.limits.sign_in_failures_per_email;
    let lockout = crate::auth::service::lockout(ctx.db, &login.email, max).await?;
    let Some(lockout) = lockout.filter(|l| l.locked) else {
        return refused(ActionProblem::NotLocked);
    };
    crate::auth::service::unlock(ctx.db, &login.email).await?;
    let before = format!(
        "locked ({} sign-in attempts counted), for {} more minutes",
        lockout.failures, lockout.minutes
    );
    let change = Change::new("sign_in", before, "unlocked");
    Ok(Done { action: Action::UnlockSignIn, changes: vec![change] })
}

/// Cancels the account's AutoPay at the customer's request, as Bill Settings does: payments
/// not yet on their way are withdrawn, and the customer gets the same email.
#[tracing::instrument(skip_all, fields(customer_id = %customer, account_id = %account))]
pub async fn cancel_autopay(
    ctx: &ActionContext<'_>,
    customer: CustomerId,
    account: AccountId,
) -> Result<Done, ActionError> {
    match enrollments::cancel(ctx.db, ctx.mailer, customer, account).await? {
        Cancelled::Done { reference, number } => {
            let before = format!("active on {number} (reference {reference})");
            let change = Change::new("autopay", before, "cancelled");
            Ok(Done { action: Action::CancelAutopay, changes: vec![change] })
        }
        Cancelled::NotFound => refused(ActionProblem::NotTheCustomers),
        Cancelled::NotEnrolled => refused(ActionProblem::NotEnrolled),
    }
}

/// Switches the account's bills to paper, as Bill Delivery Method does: the verified
/// address is told, and a verification link still waiting stops working.
#[tracing::instrument(skip_all, fields(customer_id = %customer, account_id = %account))]
pub async fn switch_to_paper(
    ctx: &ActionContext<'_>,
    customer: CustomerId,
    account: AccountId,
) -> Result<Done, ActionError> {
    let Some(paper) = paperless::choose_paper(ctx.db, ctx.mailer, customer, account).await? else {
        return refused(ActionProblem::NotTheCustomers);
    };
    let mut before = match (paper.was_on_email, &paper.was_email) {
        (true, Some(email)) => format!("email to {email}"),
        (true, None) => "email".to_string(),
        (false, _) => "paper".to_string(),
    };
    match &paper.pending {
        Some(pending) => before.push_str(&format!(" (verification pending for {pending})")),
        // Nothing was changed: the bills came on paper and no link was waiting.
        None if !paper.was_on_email => return refused(ActionProblem::AlreadyOnPaper),
        None => {}
    }
    let change = Change::new("bill_delivery", before, "paper");
    Ok(Done { action: Action::SwitchToPaper, changes: vec![change] })
}

/// Removes a payment method at the customer's request, as My Wallet does: an AutoPay that
/// pays with it needs `replacement`, another of the customer's usable methods.
#[tracing::instrument(skip_all, fields(customer_id = %customer, method_id = %method))]
pub async fn remove_payment_method(
    ctx: &ActionContext<'_>,
    customer: CustomerId,
    method: MethodId,
    replacement: Option<MethodId>,
) -> Result<Done, ActionError> {
    // The masked labels, read before the removal (the audit log's words are English).
    let methods = saved::methods(ctx.db, customer).await?;
    let label = |id: MethodId| {
        methods.iter().find(|m| m.id == id).map(|m| m.label(crate::i18n::Locale::en))
    };
    let removed = label(method);
    match saved::remove(ctx.db, customer, method, replacement).await? {
        Removal::Removed { autopay_moved } => {
            let removed = removed.unwrap_or_default();
            let mut changes = vec![Change::new("payment_method", removed.clone(), "removed")];
            if let (true, Some(to)) = (autopay_moved > 0, replacement.and_then(label)) {
                changes.push(Change::new("autopay_method", removed, to));
            }
            Ok(Done { action: Action::RemovePaymentMethod, changes })
        }
        Removal::NotFound => refused(ActionProblem::NotTheCustomers),
        Removal::NeedsReplacement => refused(ActionProblem::NeedsReplacement),
        Removal::ReplacementInvalid => refused(ActionProblem::ReplacementInvalid),
    }
}

/// Emails a payment's receipt again to the customer's login, in its language: the receipt
/// its journey sent (`payments::receipts::receipt_of`). Refused for a payment that has
/// none (it did not go through, or not yet).
#[tracing::instrument(skip_all, fields(customer_id = %customer, payment_id = %payment))]
pub async fn resend_receipt(
    ctx: &ActionContext<'_>,
    customer: CustomerId,
    payment: PaymentId,
) -> Result<Done, ActionError> {
    // Payment History's own query: the customer's accounts, paid with their own methods.
    let filter = HistoryFilter { payment: Some(payment), ..Default::default() };
    let Some(row) = history::payments(ctx.db, customer, filter).await?.into_iter().next() else {
        return refused(ActionProblem::NotTheCustomers);
    };
    let login = login_of(ctx.db, customer).await?;
    let lang = Lang::from_locale(&login.locale);
    let head = ctx.mailer.letterhead();
    let Some(m) = crate::payments::receipts::receipt_of(head, lang, &login.email, &row)? else {
        return refused(ActionProblem::NoReceipt);
    };
    ctx.mailer.queue(ctx.db, &m).await?;
    let reference = crate::domain::payment::reference(payment.0);
    let change = Change::new("receipt", "", format!("{reference} emailed to {}", login.email));
    Ok(Done { action: Action::ResendReceipt, changes: vec![change] })
}
