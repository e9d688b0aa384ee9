//! AutoPay: enroll an account (choose a saved method and a rule, review the authorization,
//! create), change or cancel it, and the daily run that collects the payments (`run`).
//! Pages work without JavaScript: each step is a form whose answer is the next page.

// The form functions take each field of their HTML form as an argument, by its name; the
// rule's six fields come as one `RuleForm`, flattened, so the names stay the form's.

#[cfg(feature = "ssr")]
pub mod data;
mod pages;
#[cfg(feature = "ssr")]
pub mod run;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod texts;

pub use pages::{AutopayConfirmationPage, AutopayReviewPage, AutopaySection, EnrollAutopayPage};

#[cfg(feature = "ssr")]
use crate::auth::current_customer;
use crate::domain::autopay::{RuleForm, RuleProblem};
#[cfg(feature = "ssr")]
use crate::domain::CustomerId;
use crate::domain::{AccountId, Cents, MethodId};
#[cfg(feature = "ssr")]
use crate::forms::{finish, internal};
use crate::paths;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::Date;

/// An account's AutoPay as Bill Settings shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountAutopay {
    pub account_id: AccountId,
    /// `customer-account`, as on the bill.
    pub number: String,
    pub current: Option<CurrentEnrollment>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurrentEnrollment {
    pub reference: String,
    pub method_id: MethodId,
    /// Masked, in the customer's language.
    pub method: String,
    pub rule: RuleForm,
    pub rule_summary: String,
    /// The return reason code that suspended it (the bank returned a debit): nothing is
    /// drafted until the customer chooses another method or authorizes this one again.
    pub suspended_code: Option<String>,
}

/// The enroll (or change) page: the account, My Wallet, and the rule as last chosen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnrollChoices {
    pub account_id: AccountId,
    pub number: String,
    pub methods: Vec<crate::payments::SavedMethod>,
    pub selected: Option<MethodId>,
    pub rule: RuleForm,
    pub changing: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub account_id: AccountId,
    pub number: String,
    pub method_id: MethodId,
    pub method: String,
    pub rule: RuleForm,
    pub rule_summary: String,
    /// Due date and balance of the first bill AutoPay would pay.
    pub first_bill: Option<(Date, Cents)>,
    pub authorization: String,
    pub idempotency_key: String,
    pub changing: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Confirmation {
    pub reference: String,
    pub number: String,
    pub method: String,
    pub rule_summary: String,
    pub authorization: String,
    pub first_bill: Option<(Date, Cents)>,
    pub enrolled_on: Date,
    pub active: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AutopayProblem {
    MethodMissing,
    /// The bank returned a debit from the chosen bank account (closed, invalid, not
    /// authorized): choose another method, or authorize it again in My Wallet.
    MethodUnusable,
    Rule(RuleProblem),
    NotFound,
    NotEnrolled,
    SignInNeeded,
}

/// A form's answer after a redirect: what was chosen (`account_id`, `method_id` and the
/// rule's fields) and what is wrong.
pub type AutopayOutcome = crate::forms::Outcome<AutopayProblem>;

/// An answer keeping what an AutoPay form chose.
#[cfg(feature = "ssr")]
fn chosen(account_id: AccountId, method_id: Option<MethodId>, rule: &RuleForm) -> AutopayOutcome {
    let method = method_id.map(|m| ("method_id", m.to_string()));
    let rule = rule.fields().map(|(name, value)| (name, value.to_string()));
    AutopayOutcome::keeping(
        [("account_id", account_id.to_string())].into_iter().chain(method).chain(rule),
    )
}

#[cfg(feature = "ssr")]
fn lang() -> crate::email::Lang {
    crate::email::Lang::from_locale(&crate::platform::request::request_locale())
}

/// The answer to an AutoPay form (Continue, Create): what it chose, and where to go once the
/// signed-in customer's choice checks out (`then`); back to the form with the problems when
/// it does not.
#[cfg(feature = "ssr")]
async fn answer_checked<Then, Next>(
    account_id: AccountId,
    method_id: Option<MethodId>,
    rule: RuleForm,
    then: Then,
) -> Result<AutopayOutcome, ServerFnError>
where
    Then: FnOnce(CustomerId, service::Checked) -> Next,
    Next: std::future::Future<Output = Result<String, ServerFnError>>,
{
    let db = expect_context::<crate::platform::Db>();
    let mut outcome = chosen(account_id, method_id, &rule);
    let Some(customer_id) = current_customer().await else {
        outcome.problems.push(AutopayProblem::SignInNeeded);
        return finish("autopay", outcome, "").await;
    };
    match service::check(&db, customer_id, account_id, method_id, &rule).await.map_err(internal)? {
        Ok(c) => {
            let next = then(customer_id, c).await?;
            finish("autopay", outcome, &next).await
        }
        Err(problems) => {
            outcome.problems = problems;
            finish("autopay", outcome, "").await
        }
    }
}

/// The review page's address for a checked rule (whose form holds only letters, digits and
/// dots, so nothing needs escaping).
pub fn review_path(
    account_id: AccountId,
    method_id: MethodId,
    rule: &RuleForm,
    changing: bool,
) -> String {
    let rule: String =
        rule.fields().iter().map(|(name, value)| format!("&{name}={value}")).collect();
    format!(
        "{}?account={account_id}&method={method_id}{rule}{}",
        paths::AUTOPAY_REVIEW,
        if changing { "&change=1" } else { "" }
    )
}

/// Every account of the signed-in customer with its AutoPay; None when signed out.
#[server(endpoint = "autopay_accounts")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]

pub async fn autopay_accounts() -> Result<Option<Vec<AccountAutopay>>, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let Some(customer_id) = current_customer().await else { return Ok(None) };
    service::accounts(&db, customer_id, lang()).await.map(Some).map_err(internal)
}

/// The enroll or change page; None when signed out or the account is not the customer's.
#[server(endpoint = "enroll_setup")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(account_id = %account_id, changing)))]

pub async fn enroll_setup(
    account_id: AccountId,
    method: Option<MethodId>,
    changing: bool,
) -> Result<Option<EnrollChoices>, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let Some(customer_id) = current_customer().await else { return Ok(None) };
    let Some(account) = data::account(&db, customer_id, account_id).await.map_err(internal)? else {
        return Ok(None);
    };
    let mut methods =
        crate::payments::data::saved::methods(&db, customer_id).await.map_err(internal)?;
    // A bank account the bank returned is not offered (My Wallet says why).
    methods.retain(|m| m.usable());
    let current = data::active_enrollment(&db, customer_id, account_id).await.map_err(internal)?;
    let rule = current
        .as_ref()
        .filter(|_| changing)
        .map(|e| {
            crate::domain::autopay::AutopayRule::from_columns(
                &e.amount_rule,
                e.fixed_amount_cents,
                e.days_before_due,
                e.max_amount_cents,
            )
            .to_form()
        })
        .unwrap_or_default();
    // The method just added, else the current one, else the default (of those offered).
    let offered = |id: &MethodId| methods.iter().any(|m| m.id == *id);
    let selected = method
        .filter(offered)
        .or_else(|| current.as_ref().filter(|_| changing).map(|e| e.payment_method_id))
        .filter(offered)
        .or_else(|| methods.iter().find(|m| m.is_default).map(|m| m.id));
    Ok(Some(EnrollChoices {
        account_id,
        number: account.number,
        methods,
        selected,
        rule,
        changing,
    }))
}

/// Continue: checks the choice and opens the review.
#[server(endpoint = "continue_autopay")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(account_id = %account_id)))]
pub async fn continue_autopay(
    account_id: AccountId,
    method_id: Option<MethodId>,
    change: Option<String>,
    #[server(flatten)] rule: RuleForm,
) -> Result<AutopayOutcome, ServerFnError> {
    let changing = change.is_some_and(|c| !c.is_empty());
    answer_checked(account_id, method_id, rule, |_, c| async move {
        Ok(review_path(account_id, c.method.id, &c.rule.to_form(), changing))
    })
    .await
}

/// The review: Err with the problems when the address was edited by hand.
#[server(endpoint = "autopay_review")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(account_id = %account_id, changing)))]
pub async fn autopay_review(
    account_id: AccountId,
    method_id: Option<MethodId>,
    changing: bool,
    #[server(flatten)] rule: RuleForm,
) -> Result<Result<Review, Vec<AutopayProblem>>, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let config = expect_context::<crate::platform::Config>();
    let Some(customer_id) = current_customer().await else {
        return Ok(Err(vec![AutopayProblem::SignInNeeded]));
    };
    match service::check(&db, customer_id, account_id, method_id, &rule).await.map_err(internal)? {
        Ok(c) => {
            service::review(&db, &config, lang(), &c, changing).await.map(Ok).map_err(internal)
        }
        Err(problems) => Ok(Err(problems)),
    }
}

/// Create AutoPay: enrolls once per review page (its key), then shows the confirmation.
#[server(endpoint = "create_autopay")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(account_id = %account_id)))]
pub async fn create_autopay(
    account_id: AccountId,
    method_id: Option<MethodId>,
    change: Option<String>,
    idempotency_key: Option<String>,
    #[server(flatten)] rule: RuleForm,
) -> Result<AutopayOutcome, ServerFnError> {
    let changing = change.is_some_and(|c| !c.is_empty());
    answer_checked(account_id, method_id, rule, |customer_id, c| async move {
        let db = expect_context::<crate::platform::Db>();
        let config = expect_context::<crate::platform::Config>();
        let mailer = expect_context::<crate::email::Mailer>();
        let key = idempotency_key.unwrap_or_default();
        let enrollment = service::Enrollment {
            customer_id,
            lang: lang(),
            checked: &c,
            idempotency_key: &key,
            changing,
        };
        let reference =
            service::enroll(&db, &mailer, &config, enrollment).await.map_err(internal)?;
        Ok(format!("{}?ref={reference}", paths::AUTOPAY_DONE))
    })
    .await
}

/// The confirmation of an enrollment of the signed-in customer.
#[server(endpoint = "autopay_confirmation")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]

pub async fn autopay_confirmation(
    reference: String,
) -> Result<Option<Confirmation>, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let Some(customer_id) = current_customer().await else { return Ok(None) };
    service::confirmation(&db, customer_id, lang(), &reference).await.map_err(internal)
}

#[server(endpoint = "cancel_autopay")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(account_id = %account_id)))]

pub async fn cancel_autopay(account_id: AccountId) -> Result<AutopayOutcome, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let mailer = expect_context::<crate::email::Mailer>();
    let mut outcome = AutopayOutcome::keeping([("account_id", account_id.to_string())]);
    let Some(customer_id) = current_customer().await else {
        outcome.problems.push(AutopayProblem::SignInNeeded);
        return finish("autopay", outcome, "").await;
    };
    if let Err(p) =
        service::cancel(&db, &mailer, customer_id, account_id).await.map_err(internal)?
    {
        outcome.problems.push(p);
    }
    finish("autopay", outcome, &format!("{}?cancelled=1", paths::AUTOPAY_SETTINGS)).await
}

#[server(endpoint = "take_autopay_outcome")]
pub async fn take_autopay_outcome() -> Result<Option<AutopayOutcome>, ServerFnError> {
    crate::forms::take_outcome("autopay").await
}
