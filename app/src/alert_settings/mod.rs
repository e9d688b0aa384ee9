//! Water-use alert choices (Billing → Water Use → Alert choices), per account: which
//! alerts come by email and by text, a continuous use that is normal for the home (a water
//! softener, which the continuous-flow alert then looks above), the days the customer is
//! away with the use they allow, and the mobile number texts go to, with their consent.
//! A plain form: it works before, or without, the WebAssembly.

mod page;
mod save;
#[cfg(feature = "ssr")]
pub mod service;

pub use page::AlertSettingsPage;
pub use save::{save_alert_settings, SaveAlertSettings};

use crate::domain::alert_choices::{AlertChoices, ChoiceProblem};
use crate::domain::AccountId;
#[cfg(feature = "ssr")]
use crate::forms::internal;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the page shows for one of the customer's accounts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertSettingsView {
    pub accounts: Vec<(AccountId, String)>,
    pub account: AccountId,
    pub choices: AlertChoices,
    /// The verified address email alerts go to, when the account's bills come by email.
    pub email: Option<String>,
    /// Whether the utility sends texts at all.
    pub texts_offered: bool,
    /// The saved number replied STOP: nothing is texted to it until it replies START.
    pub phone_stopped: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlertSettingsProblem {
    Invalid(ChoiceProblem),
    NotFound,
    SignInNeeded,
}

/// The form's answer: what was typed, and what is wrong.
pub type AlertSettingsOutcome = crate::forms::Outcome<AlertSettingsProblem>;

/// The signed-in customer's choices for the account the address names (else their first);
/// `None` when nobody is signed in or they have no account.
#[server(endpoint = "alert_settings")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn alert_settings(
    account: Option<String>,
) -> Result<Option<AlertSettingsView>, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let texter = expect_context::<crate::sms::Texter>();
    let Some(customer) = crate::auth::current_customer().await else { return Ok(None) };
    service::view(&db, &texter, customer, account.as_deref()).await.map_err(internal)
}

/// The flash key of the form's answer.
#[cfg(feature = "ssr")]
const KEY: &str = "alert_settings";

#[server(endpoint = "take_alert_settings_outcome")]
pub async fn take_alert_settings_outcome() -> Result<Option<AlertSettingsOutcome>, ServerFnError> {
    crate::forms::take_outcome(KEY).await
}
