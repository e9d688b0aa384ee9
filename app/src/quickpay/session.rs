//! What Quick Pay keeps in the browser's session: the account found (for half an hour
//! after the look-up), the choices, the form key and the method entered; and the payments
//! made in this browser, whose confirmations it may show.

use super::Choices;
use crate::auth::session::session;
use crate::domain::{AccountId, CustomerId, MethodId, SubmissionId};
use crate::platform::db::now;
use leptos::prelude::ServerFnError;
use serde::{Deserialize, Serialize};

const STATE: &str = "quick_pay.state";
const PAID: &str = "quick_pay.paid";
/// How long a look-up stays good: a shared computer forgets the account soon.
const FOUND_FOR_SECS: i64 = 30 * 60;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuickPayState {
    pub account_id: AccountId,
    /// The account's customer: the payment and the method entered are recorded as theirs.
    pub owner: CustomerId,
    /// `customer-account`, as found.
    pub number: String,
    pub found_at: i64,
    pub choices: Option<Choices>,
    /// The payment form's one-time key, made when the choices are made.
    pub key: Option<String>,
    /// The card or bank account entered for this payment.
    pub method: Option<MethodId>,
}

impl QuickPayState {
    pub fn new(account_id: AccountId, owner: CustomerId, number: String) -> Self {
        Self { account_id, owner, number, found_at: now(), choices: None, key: None, method: None }
    }
}

fn failed(e: impl std::fmt::Display) -> ServerFnError {
    ServerFnError::new(e.to_string())
}

/// Forgets any earlier look-up and keeps this one.
pub async fn start(state: QuickPayState) -> Result<(), ServerFnError> {
    session().await?.insert(STATE, state).await.map_err(failed)
}

pub async fn save(state: &QuickPayState) -> Result<(), ServerFnError> {
    session().await?.insert(STATE, state).await.map_err(failed)
}

/// The look-up of this browser, unless it is older than half an hour.
pub async fn current() -> Option<QuickPayState> {
    let state: QuickPayState = session().await.ok()?.get(STATE).await.ok().flatten()?;
    (now() - state.found_at < FOUND_FOR_SECS).then_some(state)
}

/// A payment made in this browser.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Paid {
    submission: SubmissionId,
    owner: CustomerId,
    key: String,
}

async fn all_paid() -> Option<Vec<Paid>> {
    session().await.ok()?.get(PAID).await.ok().flatten()
}

/// Remembers a payment made here, and forgets the look-up: a second payment starts over.
pub async fn paid(state: &QuickPayState, submission: SubmissionId) -> Result<(), ServerFnError> {
    let s = session().await?;
    let mut paid = all_paid().await.unwrap_or_default();
    if !paid.iter().any(|p| p.submission == submission) {
        let key = state.key.clone().unwrap_or_default();
        paid.push(Paid { submission, owner: state.owner, key });
    }
    s.insert(PAID, paid).await.map_err(failed)?;
    s.remove::<QuickPayState>(STATE).await.map_err(failed)?;
    Ok(())
}

/// Whose a payment made in this browser is; None for one made elsewhere.
pub async fn paid_in_this_browser(submission: SubmissionId) -> Option<CustomerId> {
    all_paid().await?.into_iter().find(|p| p.submission == submission).map(|p| p.owner)
}

/// The payment this browser made with `key` (a second click, or Back and submit again).
pub async fn paid_with_key(key: &str) -> Option<SubmissionId> {
    all_paid().await?.into_iter().find(|p| p.key == key).map(|p| p.submission)
}
