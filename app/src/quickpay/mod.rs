//! Quick Pay: paying a bill without a login. The payer finds the bill with the numbers on
//! it and its ZIP code (the same tolerant reading as registration), sees the amount due
//! with the name and service address partly masked, chooses the amount, E-Check or card
//! and an email for the receipt, enters the card or bank account (kept for this payment
//! only, never in anyone's wallet), reviews and submits. The money moves through
//! `payments::one_time`, once per form key, as for Pay Now.
//!
//! What was found and chosen lives in the browser's session (`session`), for half an hour:
//! an edited form can name no other account. Failed look-ups and payment attempts are
//! counted per account number and per client address (`platform::throttle`).

#[cfg(feature = "ssr")]
mod data;
mod pages;
#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
mod session;

pub use pages::{
    QuickPayConfirmationPage, QuickPayDetailsPage, QuickPayMethodPage, QuickPayPage,
    QuickPayReviewPage,
};

use crate::domain::payment::AmountProblem;
use crate::domain::{Cents, SubmissionId};
#[cfg(feature = "ssr")]
use crate::forms::{finish, internal};
use crate::payments::{MethodKind, PayConfirmation, PayLine};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuickPayProblem {
    Number(crate::domain::customer_account::NumberError),
    Zip(crate::domain::zip::ZipError),
    /// No account with that number and ZIP code: one answer, whichever part was wrong.
    NoMatch,
    /// Too many attempts today: minutes to wait.
    TryLater(i64),
    /// Nothing found or chosen in this browser (the session ended, or a page was opened
    /// out of order): start again.
    StartAgain,
    Amount(AmountProblem),
    KindMissing,
    EmailEmpty,
    EmailFormat,
    /// The method to pay with was not entered (or not in this browser).
    MethodMissing,
    AccountNotConfirmed,
    AccountCheckUnavailable,
}

/// A Quick Pay form's answer.
pub type QuickPayOutcome = crate::forms::Outcome<QuickPayProblem>;

/// The bill found, as someone who typed its numbers may see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BillToPay {
    /// `customer-account`, as typed.
    pub number: String,
    /// "R*** D******".
    pub name: String,
    /// "1209 W M*** St, Medford".
    pub address: String,
    /// What is owed now, less what is already on its way.
    pub balance: Cents,
    pub due_date: Option<Date>,
    pub card_fee: Cents,
    pub echeck_fee: Cents,
}

/// The choices made on the details page, kept in the session until the payment is made.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Choices {
    pub other_chosen: bool,
    pub other: String,
    pub kind: Option<MethodKind>,
    pub email: String,
}

/// Review Payment: every fact the payer agrees to with Submit Payment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuickPayReview {
    pub bill: BillToPay,
    pub line: PayLine,
    pub total: Cents,
    /// Today: Quick Pay pays now.
    pub date: Date,
    /// When an e-check is paid on a day that is not a banking day: the day its bank
    /// account is debited.
    pub debited_on: Option<Date>,
    pub method: String,
    pub email: String,
    pub authorization: String,
    /// The one-time key Submit Payment posts.
    pub key: String,
}

/// The review page's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ReviewStep {
    /// Nothing found or chosen in this browser.
    StartAgain,
    /// The choices no longer check out (the balance changed, the method is missing).
    Fix(Vec<QuickPayProblem>),
    Review(Box<QuickPayReview>),
}

/// What the details page shows: the bill, and the choices as last made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DetailsStep {
    pub bill: BillToPay,
    pub choices: Choices,
}

#[cfg(feature = "ssr")]
fn context() -> crate::payments::one_time::PayContext {
    crate::payments::one_time::PayContext {
        db: expect_context::<crate::platform::Db>(),
        mailer: expect_context::<crate::email::Mailer>(),
        config: expect_context::<crate::platform::Config>(),
        gateway: expect_context::<crate::gateway::Gateway>(),
        vault: expect_context::<crate::platform::vault::Vault>(),
        validator: expect_context::<crate::gateway::Validator>(),
        lang: crate::domain::Lang::from_locale(&crate::platform::request::request_locale()),
        today: time::OffsetDateTime::now_utc().date(),
        // Quick Pay pays only with the method its session state names (see `session`).
        entered: Vec::new(),
    }
}

/// Finds the bill by its numbers and ZIP code, then goes on to the details.
#[server(endpoint = "find_bill_to_pay")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn find_bill_to_pay(
    number: String,
    zip: String,
) -> Result<QuickPayOutcome, ServerFnError> {
    let ctx = context();
    let client = crate::platform::request::client_address().await;
    let mut outcome = QuickPayOutcome::keeping([("number", number.clone()), ("zip", zip.clone())]);
    match service::find(&ctx, &client, &number, &zip).await.map_err(internal)? {
        Ok(found) => session::start(found).await?,
        Err(problems) => outcome.problems = problems,
    }
    finish("quick_pay_find", outcome, crate::paths::QUICK_PAY_DETAILS).await
}

#[server(endpoint = "take_find_bill_outcome")]
pub async fn take_find_bill_outcome() -> Result<Option<QuickPayOutcome>, ServerFnError> {
    crate::forms::take_outcome("quick_pay_find").await
}

/// The bill found in this browser, with the choices as last made; None: start again.
#[server(endpoint = "quick_pay_details")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn quick_pay_details() -> Result<Option<DetailsStep>, ServerFnError> {
    let Some(state) = session::current().await else { return Ok(None) };
    service::details(&context(), &state).await.map_err(internal)
}

/// The amount, the kind of method and the receipt's email; then the method's page.
#[server(endpoint = "choose_quick_payment")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn choose_quick_payment(
    amount: Option<String>,
    other: Option<String>,
    kind: Option<String>,
    email: Option<String>,
) -> Result<QuickPayOutcome, ServerFnError> {
    let choices = Choices {
        other_chosen: amount.as_deref() == Some("other"),
        other: other.unwrap_or_default().chars().take(40).collect(),
        kind: kind.as_deref().and_then(MethodKind::parse),
        email: email.unwrap_or_default().chars().take(254).collect(),
    };
    let mut outcome = QuickPayOutcome::keeping([
        ("amount", if choices.other_chosen { "other" } else { "balance" }.to_string()),
        ("other", choices.other.clone()),
        ("kind", choices.kind.map(|k| k.as_str().to_string()).unwrap_or_default()),
        ("email", choices.email.clone()),
    ]);
    let Some(mut state) = session::current().await else {
        outcome.problems.push(QuickPayProblem::StartAgain);
        return finish("quick_pay", outcome, "").await;
    };
    match service::choose(&context(), &mut state, choices).await.map_err(internal)? {
        Ok(()) => session::save(&state).await?,
        Err(problems) => outcome.problems = problems,
    }
    finish("quick_pay", outcome, crate::paths::QUICK_PAY_METHOD).await
}

#[server(endpoint = "take_quick_pay_outcome")]
pub async fn take_quick_pay_outcome() -> Result<Option<QuickPayOutcome>, ServerFnError> {
    crate::forms::take_outcome("quick_pay").await
}

/// What the method's page shows: the bill, the kind chosen, and what the entry form needs;
/// None: start again.
#[server(endpoint = "quick_pay_entry")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn quick_pay_entry(
) -> Result<Option<(BillToPay, MethodKind, crate::payments::entry::EntrySetup)>, ServerFnError> {
    let Some(state) = session::current().await else { return Ok(None) };
    let ctx = context();
    let Some(step) = service::details(&ctx, &state).await.map_err(internal)? else {
        return Ok(None);
    };
    let setup = crate::payments::entry::EntrySetup::new(&ctx.gateway, ctx.today);
    Ok(step.choices.kind.map(|kind| (step.bill, kind, setup)))
}

/// Enters the card or bank account for this payment only (never in a wallet), then the
/// review.
#[server(endpoint = "enter_quick_pay_method")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn enter_quick_pay_method(
    #[server(flatten)] form: crate::payments::entry::MethodForm,
) -> Result<crate::payments::entry::EntryOutcome, ServerFnError> {
    use crate::payments::entry::{values_to_keep, EntryOutcome};
    const FORM: &str = "quick_pay_entry";
    let Some(mut state) = session::current().await else {
        // The method's page says to start again.
        leptos_axum::redirect(crate::paths::QUICK_PAY_METHOD);
        return Ok(EntryOutcome::default());
    };
    let client = crate::platform::request::client_address().await;
    match service::enter(&context(), &client, &mut state, &form).await.map_err(internal)? {
        Ok(()) => {
            session::save(&state).await?;
            finish(FORM, EntryOutcome::default(), crate::paths::QUICK_PAY_REVIEW).await
        }
        Err(problems) => {
            let outcome = EntryOutcome { values: values_to_keep(&form), problems };
            finish(FORM, outcome, "").await
        }
    }
}

#[server(endpoint = "take_quick_pay_entry_outcome")]
pub async fn take_quick_pay_entry_outcome(
) -> Result<Option<crate::payments::entry::EntryOutcome>, ServerFnError> {
    crate::forms::take_outcome("quick_pay_entry").await
}

/// The review of the payment chosen in this browser.
#[server(endpoint = "review_quick_payment")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn review_quick_payment() -> Result<ReviewStep, ServerFnError> {
    let Some(state) = session::current().await else { return Ok(ReviewStep::StartAgain) };
    Ok(match service::review(&context(), &state).await.map_err(internal)? {
        Ok(review) => ReviewStep::Review(Box::new(review)),
        Err(problems) if problems == [QuickPayProblem::StartAgain] => ReviewStep::StartAgain,
        Err(problems) => ReviewStep::Fix(problems),
    })
}

/// Submit Payment: pays once per key, then shows the confirmation.
#[server(endpoint = "submit_quick_payment")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn submit_quick_payment(key: String) -> Result<QuickPayOutcome, ServerFnError> {
    const FORM: &str = "quick_pay_review";
    if let Some(submission) = session::paid_with_key(&key).await {
        let done = crate::paths::quick_pay_done(submission);
        return finish(FORM, QuickPayOutcome::default(), &done).await;
    }
    let Some(mut state) = session::current().await else {
        return finish(FORM, QuickPayOutcome::problem(QuickPayProblem::StartAgain), "").await;
    };
    let client = crate::platform::request::client_address().await;
    match service::submit(&context(), &client, &mut state, &key).await.map_err(internal)? {
        Ok(submission) => {
            session::paid(&state, submission).await?;
            let done = crate::paths::quick_pay_done(submission);
            finish(FORM, QuickPayOutcome::default(), &done).await
        }
        Err(problems) => {
            session::save(&state).await?;
            finish(FORM, QuickPayOutcome { problems, ..QuickPayOutcome::default() }, "").await
        }
    }
}

#[server(endpoint = "take_quick_pay_review_outcome")]
pub async fn take_quick_pay_review_outcome() -> Result<Option<QuickPayOutcome>, ServerFnError> {
    crate::forms::take_outcome("quick_pay_review").await
}

/// The confirmation of a payment made in this browser; None for any other.
#[server(endpoint = "quick_pay_confirmation")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(submission = %submission)))]
pub async fn quick_pay_confirmation(
    submission: SubmissionId,
) -> Result<Option<PayConfirmation>, ServerFnError> {
    let Some(owner) = session::paid_in_this_browser(submission).await else { return Ok(None) };
    crate::payments::one_time::confirmation(&context(), owner, submission).await.map_err(internal)
}
