//! Paperless billing: Bill Delivery Method. Email delivery starts only once the customer
//! opens the single-use link we email (valid 24 hours) and presses its page's confirmation
//! button (opening the link alone, as mail scanners do, changes nothing); until then the account stays on
//! paper and the page shows it pending. Bills imported for an account on email delivery
//! are announced by email, once per bill.

#[cfg(feature = "ssr")]
pub mod data;
mod pages;
#[cfg(feature = "ssr")]
pub mod service;

pub use pages::{DeliverySection, VerifyDeliveryPage};

#[cfg(feature = "ssr")]
use crate::auth::{current_customer_login, CustomerLogin};
use crate::domain::AccountId;
#[cfg(feature = "ssr")]
use crate::forms::{finish, internal};
#[cfg(feature = "ssr")]
use crate::paths;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One account's delivery, as the page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountDelivery {
    pub account_id: AccountId,
    /// `customer-account`, as on the bill.
    pub number: String,
    pub on_email: bool,
    /// The verified address, while on email.
    pub email: Option<String>,
    /// The address waiting for its link to be opened.
    pub pending: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveryState {
    pub login_email: String,
    pub accounts: Vec<AccountDelivery>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryProblem {
    EmailEmpty,
    EmailFormat,
    TryLater(i64),
    NotFound,
    SignInNeeded,
}

/// A delivery form's answer: the account it was for (`account_id`), the address typed
/// (`email`) and what is wrong.
pub type DeliveryOutcome = crate::forms::Outcome<DeliveryProblem>;

/// What a verification link is, or what confirming it did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Verification {
    /// Valid and unused: the page offers the confirmation button.
    Ready {
        number: String,
        email: String,
    },
    Verified {
        number: String,
        email: String,
    },
    Expired,
    Used,
    Invalid,
}

#[server(endpoint = "delivery_state")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn get_delivery_state() -> Result<Option<DeliveryState>, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let Some(CustomerLogin { login, customer }) = current_customer_login().await else {
        return Ok(None);
    };
    service::state(&db, login, customer).await.map(Some).map_err(internal)
}

/// Chooses how an account's bills come: `method` "email" emails a verification link to
/// `email` (also the resend button); "paper" switches back at once.
#[server(endpoint = "set_delivery")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(account_id = %account_id, method = %method)))]
pub async fn set_delivery(
    account_id: AccountId,
    method: String,
    email: Option<String>,
) -> Result<DeliveryOutcome, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let mailer = expect_context::<crate::email::Mailer>();
    let email = email.unwrap_or_default();
    let mut outcome = DeliveryOutcome::keeping([
        ("account_id", account_id.to_string()),
        ("email", email.clone()),
    ]);
    let Some(CustomerLogin { login: login_id, customer: customer_id }) =
        current_customer_login().await
    else {
        outcome.problems.push(DeliveryProblem::SignInNeeded);
        return finish("delivery", outcome, "").await;
    };
    // The query tells the page what was done.
    let (result, done) = if method == "paper" {
        (service::choose_paper(&db, &mailer, customer_id, account_id).await, "paper=1")
    } else {
        let locale = crate::platform::request::request_locale();
        let request = service::EmailRequest {
            login_id,
            customer_id,
            account_id,
            email: &email,
            locale: &locale,
        };
        (service::request_email(&db, &mailer, request).await, "sent=1")
    };
    if let Err(p) = result.map_err(internal)? {
        outcome.problems.push(p);
    }
    finish("delivery", outcome, &format!("{}?{done}", paths::DELIVERY_SETTINGS)).await
}

#[server(endpoint = "take_delivery_outcome")]
pub async fn take_delivery_outcome() -> Result<Option<DeliveryOutcome>, ServerFnError> {
    crate::forms::take_outcome("delivery").await
}

/// The key of the confirmation's answer, kept for the page it returns to.
#[cfg(feature = "ssr")]
const CONFIRMED: &str = "delivery_verification";

/// What the verification page shows: the answer of the confirmation just posted, else what
/// the link is, checked without using it (opening a link, as mail scanners do, changes
/// nothing).
#[server(endpoint = "delivery_link_state")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn delivery_link_state(token: String) -> Result<Verification, ServerFnError> {
    if let Some(confirmed) = crate::forms::take_kept::<Verification>(CONFIRMED).await {
        return Ok(confirmed);
    }
    let db = expect_context::<crate::platform::Db>();
    service::check(&db, &token).await.map_err(internal)
}

/// The page's "Confirm email delivery" button: uses the link (signed in or not, once, for
/// 24 hours) and comes back to the page, which shows what it did.
#[server(endpoint = "verify_delivery_email")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn verify_delivery_email(token: String) -> Result<Verification, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let result = service::verify(&db, &token).await.map_err(internal)?;
    crate::forms::keep_for_redirect(CONFIRMED, &result).await;
    leptos_axum::redirect(&verification_page(&token));
    Ok(result)
}

/// The verification page of `token`. The link's token is URL-safe base64; anything else
/// (a damaged link) is left out rather than escaped.
#[cfg(feature = "ssr")]
fn verification_page(token: &str) -> String {
    let url_safe = !token.is_empty()
        && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if url_safe {
        format!("{}?token={token}", paths::VERIFY_EMAIL)
    } else {
        paths::VERIFY_EMAIL.into()
    }
}
