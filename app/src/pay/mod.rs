//! Pay Now: a signed-in customer pays one or more accounts once, today or on a later date up
//! to the due date, with a saved method. The Pay page's form goes (by GET, so Back and a
//! reload keep it) to the review, which shows the form again with its problems or the
//! payment to submit; Submit Payment records it once per form key and charges a card at
//! once; the confirmation prints. The money moves through `payments`.

mod form;
mod pages;
#[cfg(feature = "ssr")]
mod service;

pub use form::{LineForm, NewMethod, PayForm};
pub use pages::{PayConfirmationPage, PayPage, PayReviewPage};

use crate::domain::payment::{AmountProblem, DateProblem, PaymentState};
use crate::domain::{AccountId, Cents, PaymentId, SubmissionId};
#[cfg(feature = "ssr")]
use crate::forms::internal;
pub use crate::payments::{ConfirmedLine, PayConfirmation, PayLine};
use crate::payments::{MethodKind, OnItsWay, SavedMethod};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::Date;

/// What the Pay page offers: the accounts, the saved methods, the fees, and the form as
/// last filled in (or its defaults, with a fresh form key).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PayChoices {
    pub accounts: Vec<PayableAccount>,
    pub methods: Vec<SavedMethod>,
    pub card_fee: Cents,
    pub echeck_fee: Cents,
    pub today: Date,
    /// The last date a payment may be scheduled for.
    pub latest_date: Date,
    pub form: PayForm,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PayableAccount {
    pub account_id: AccountId,
    /// `customer-account`, as on the bill.
    pub number: String,
    pub service_address: String,
    /// What is owed now, less what is already on its way but not yet applied.
    pub balance: Cents,
    pub due_date: Option<Date>,
    pub on_its_way: Vec<OnItsWay>,
}

/// The review: every fact the customer agrees to with Submit Payment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PayReview {
    pub lines: Vec<PayLine>,
    pub date: Date,
    /// When an e-check's date is not a banking day: the day its bank account is debited.
    pub debited_on: Option<Date>,
    pub scheduled: bool,
    pub kind: MethodKind,
    pub method: String,
    pub total: Cents,
    pub authorization: String,
    /// The form, as the hidden field Submit Payment posts.
    pub form_query: String,
}

/// The review page's answer: the review, or the form again with its problems.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PayStep {
    SignedOut,
    /// The form was submitted already (Back after Submit Payment): that payment.
    Submitted(SubmissionId),
    Fix(PayChoices, Vec<PayProblem>),
    /// A new method was chosen and the rest checks out: its entry form, with the form's
    /// query to carry on with.
    Enter(NewMethod, crate::payments::entry::EntrySetup, String),
    Review(PayReview),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PayProblem {
    NoAccount,
    Amount(AccountId, AmountProblem),
    /// An account in the form is not the customer's (an edited address).
    AccountUnknown,
    Date(DateProblem),
    MethodMissing,
    /// The chosen bank account was returned by the bank (closed, invalid, not authorized):
    /// My Wallet says why and what to do.
    MethodUnusable,
    /// A payment is already on its way: paying again needs the second confirmation.
    OnItsWay,
    SignInNeeded,
    /// The bank account validation service says the e-check's account is not debitable.
    AccountNotConfirmed,
    /// The validation service could not be reached: nothing is paid, try again later.
    AccountCheckUnavailable,
}

impl PayProblem {
    /// The id of the field the problem is about (the error summary links to it).
    pub fn field(self) -> String {
        match self {
            Self::NoAccount | Self::AccountUnknown => "accounts".into(),
            Self::Amount(id, _) => format!("other_{id}"),
            Self::Date(_) => "date".into(),
            Self::MethodMissing | Self::MethodUnusable => "method-list".into(),
            Self::OnItsWay => "again".into(),
            Self::SignInNeeded | Self::AccountNotConfirmed | Self::AccountCheckUnavailable => {
                String::new()
            }
        }
    }
}

/// The answer to Submit Payment when the payment could not be made as reviewed.
pub type PayOutcome = crate::forms::Outcome<PayProblem>;

#[cfg(feature = "ssr")]
async fn context() -> service::PayContext {
    service::PayContext {
        entered: crate::payments::entry::entered_in_session().await,
        db: expect_context::<crate::platform::Db>(),
        mailer: expect_context::<crate::email::Mailer>(),
        config: expect_context::<crate::platform::Config>(),
        gateway: expect_context::<crate::gateway::Gateway>(),
        vault: expect_context::<crate::platform::vault::Vault>(),
        validator: expect_context::<crate::gateway::Validator>(),
        lang: crate::domain::Lang::from_locale(&crate::platform::request::request_locale()),
        today: time::OffsetDateTime::now_utc().date(),
    }
}

/// The Pay page: `pairs` is its address's query (an account to pay, from Pay Now).
#[server(endpoint = "choices_to_pay")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn choices_to_pay(
    pairs: Vec<(String, String)>,
) -> Result<Option<PayChoices>, ServerFnError> {
    let Some(customer_id) = crate::auth::current_customer().await else { return Ok(None) };
    let only = pairs.iter().find(|(k, _)| k == "account").and_then(|(_, v)| v.parse().ok());
    // Back from the review ("Change"): the form as it was filled in, with its key.
    let form = pairs
        .iter()
        .any(|(k, _)| k == "key")
        .then(|| PayForm::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))));
    service::choices(&context().await, customer_id, form, only).await.map(Some).map_err(internal)
}

/// Review Payment: the review, or the form again with what is wrong.
#[server(endpoint = "review_payment")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn review_payment(pairs: Vec<(String, String)>) -> Result<PayStep, ServerFnError> {
    let Some(customer_id) = crate::auth::current_customer().await else {
        return Ok(PayStep::SignedOut);
    };
    let form = PayForm::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    service::review(&context().await, customer_id, form).await.map_err(internal)
}

/// Submit Payment: pays once per form key, then shows the confirmation.
#[server(endpoint = "submit_payment")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn submit_payment(form: String) -> Result<PayOutcome, ServerFnError> {
    let form = PayForm::from_query(&form);
    let Some(customer_id) = crate::auth::current_customer().await else {
        return crate::forms::finish("pay", PayOutcome::problem(PayProblem::SignInNeeded), "")
            .await;
    };
    match service::submit(&context().await, customer_id, &form).await.map_err(internal)? {
        Ok(submission) => {
            let done = format!("{}?ref={submission}", crate::paths::PAY_DONE);
            crate::forms::finish("pay", PayOutcome::default(), &done).await
        }
        Err(problems) => {
            let outcome = PayOutcome { problems, ..PayOutcome::default() };
            crate::forms::finish("pay", outcome, "").await
        }
    }
}

#[server(endpoint = "take_pay_outcome")]
pub async fn take_pay_outcome() -> Result<Option<PayOutcome>, ServerFnError> {
    crate::forms::take_outcome("pay").await
}

/// The confirmation of one of the signed-in customer's submitted payments.
#[server(endpoint = "payment_confirmation")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(submission = %submission)))]
pub async fn payment_confirmation(
    submission: SubmissionId,
) -> Result<Option<PayConfirmation>, ServerFnError> {
    let Some(customer_id) = crate::auth::current_customer().await else { return Ok(None) };
    crate::payments::one_time::confirmation(&context().await, customer_id, submission)
        .await
        .map_err(internal)
}

/// Cancels a scheduled payment of the signed-in customer, then shows its confirmation.
#[server(endpoint = "cancel_scheduled_payment")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(payment = %payment_id)))]
pub async fn cancel_scheduled_payment(
    payment_id: PaymentId,
    submission: SubmissionId,
) -> Result<bool, ServerFnError> {
    let Some(customer_id) = crate::auth::current_customer().await else { return Ok(false) };
    let db = expect_context::<crate::platform::Db>();
    let done = crate::payments::data::one_time::cancel_scheduled(&db, customer_id, payment_id)
        .await
        .map_err(internal)?;
    // A method entered for that payment only has nothing left to pay.
    crate::payments::data::methods::wipe_spent(&db).await.map_err(internal)?;
    leptos_axum::redirect(&format!("{}?ref={submission}", crate::paths::PAY_DONE));
    Ok(done)
}

/// The entry form of a new method on the review: enters it (saved to My Wallet when
/// `save_to_wallet` is ticked, else for this payment only, remembered in the session),
/// then goes back to the review with it chosen. `pay_form` is the Pay form's query.
#[server(endpoint = "enter_pay_method")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(save = save_to_wallet.is_some())))]
pub async fn enter_pay_method(
    #[server(flatten)] form: crate::payments::entry::MethodForm,
    pay_form: String,
    save_to_wallet: Option<String>,
) -> Result<crate::payments::entry::EntryOutcome, ServerFnError> {
    use crate::payments::entry::{self, service::Enterer, EntryOutcome, Keep};
    let mut pay = PayForm::from_query(&pay_form);
    let review = |pay: &PayForm| format!("{}?{}", crate::paths::PAY_REVIEW, pay.query());
    let Some(customer_id) = crate::auth::current_customer().await else {
        // The review says to sign in.
        leptos_axum::redirect(&review(&pay));
        return Ok(EntryOutcome::default());
    };
    let save = save_to_wallet.is_some_and(|s| !s.is_empty());
    let keep = if save { Keep::Saved { make_default: false } } else { Keep::ForOnePayment };
    let ctx = context().await;
    let config = &ctx.config;
    let client = crate::platform::request::client_address().await;
    let enterer = Enterer { customer_id, client: &client, limits: &config.limits };
    let entered =
        entry::service::enter(&ctx.db, &ctx.vault, &ctx.gateway, &enterer, &form, ctx.today, keep);
    match entered.await.map_err(internal)? {
        Ok(id) => {
            entry::remember_entered(id).await?;
            pay.method = Some(id);
            pay.new = None;
            crate::forms::finish("pay_entry", EntryOutcome::default(), &review(&pay)).await
        }
        Err(problems) => {
            let mut values = entry::values_to_keep(&form);
            values.extend(save.then(|| ("save_to_wallet".to_string(), "yes".to_string())));
            crate::forms::finish("pay_entry", EntryOutcome { values, problems }, "").await
        }
    }
}

#[server(endpoint = "take_pay_entry_outcome")]
pub async fn take_pay_entry_outcome(
) -> Result<Option<crate::payments::entry::EntryOutcome>, ServerFnError> {
    crate::forms::take_outcome("pay_entry").await
}
