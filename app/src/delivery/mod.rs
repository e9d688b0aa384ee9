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
#[cfg(feature = "ssr")]
use crate::domain::{CustomerId, LoginId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One account's delivery, as the page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountDelivery {
    pub account_id: i64,
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

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DeliveryOutcome {
    pub account_id: Option<i64>,
    pub email: String,
    pub problems: Vec<DeliveryProblem>,
}

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

#[cfg(feature = "ssr")]
fn internal(e: impl std::fmt::Debug) -> ServerFnError {
    tracing::error!(error = ?e, "delivery server function failed");
    ServerFnError::new("internal error")
}

#[cfg(feature = "ssr")]
async fn finish(
    outcome: DeliveryOutcome,
    success_path: &str,
) -> Result<DeliveryOutcome, ServerFnError> {
    if outcome.problems.is_empty() {
        leptos_axum::redirect(success_path);
    } else {
        crate::forms::keep_for_redirect("delivery", &outcome).await;
    }
    Ok(outcome)
}

#[server(endpoint = "delivery_state")]
pub async fn get_delivery_state() -> Result<Option<DeliveryState>, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let Some(CustomerLogin { login: LoginId(login_id), customer: CustomerId(customer_id) }) =
        current_customer_login().await
    else {
        return Ok(None);
    };
    service::state(&db, login_id, customer_id).await.map(Some).map_err(internal)
}

/// Chooses how an account's bills come: `method` "email" emails a verification link to
/// `email` (also the resend button); "paper" switches back at once.
#[server(endpoint = "set_delivery")]
pub async fn set_delivery(
    account_id: i64,
    method: String,
    email: Option<String>,
) -> Result<DeliveryOutcome, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let mailer = expect_context::<crate::email::Mailer>();
    let email = email.unwrap_or_default();
    let mut outcome =
        DeliveryOutcome { account_id: Some(account_id), email: email.clone(), problems: vec![] };
    let Some(CustomerLogin { login: LoginId(login_id), customer: CustomerId(customer_id) }) =
        current_customer_login().await
    else {
        outcome.problems.push(DeliveryProblem::SignInNeeded);
        return finish(outcome, "").await;
    };
    let (result, success) = if method == "paper" {
        (
            service::choose_paper(&db, &mailer, customer_id, account_id).await,
            "/billing/settings/delivery?paper=1",
        )
    } else {
        let locale = crate::platform::request::request_locale();
        let request = service::EmailRequest {
            login_id,
            customer_id,
            account_id,
            email: &email,
            locale: &locale,
        };
        (service::request_email(&db, &mailer, request).await, "/billing/settings/delivery?sent=1")
    };
    if let Err(p) = result.map_err(internal)? {
        outcome.problems.push(p);
    }
    finish(outcome, success).await
}

#[server(endpoint = "take_delivery_outcome")]
pub async fn take_delivery_outcome() -> Result<Option<DeliveryOutcome>, ServerFnError> {
    Ok(crate::forms::take_kept("delivery").await)
}

/// The key of the confirmation's answer, kept for the page it returns to.
#[cfg(feature = "ssr")]
const CONFIRMED: &str = "delivery_verification";

/// What the verification page shows: the answer of the confirmation just posted, else what
/// the link is, checked without using it (opening a link, as mail scanners do, changes
/// nothing).
#[server(endpoint = "delivery_link_state")]
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
        format!("/billing/verify-email?token={token}")
    } else {
        "/billing/verify-email".into()
    }
}
