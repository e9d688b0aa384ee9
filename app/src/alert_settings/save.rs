//! The alert choices form's server function: one argument per field of the plain HTML
//! form (a checkbox is sent only when ticked), so more than clippy's usual seven; the
//! macro's generated code carries the count too, hence the file-wide allow.
#![allow(clippy::too_many_arguments)]

use super::AlertSettingsOutcome;
#[cfg(feature = "ssr")]
use super::{service, AlertSettingsProblem, KEY};
#[cfg(feature = "ssr")]
use crate::forms::{finish, internal};
use leptos::prelude::*;

/// Saves an account's choices, then back to the page with a notice; a problem is shown at
/// its field and nothing is saved.
#[server(endpoint = "save_alert_settings")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(account = %account)))]
pub async fn save_alert_settings(
    account: String,
    email_continuous: Option<String>,
    email_burst: Option<String>,
    email_high_use: Option<String>,
    email_vacation: Option<String>,
    text_continuous: Option<String>,
    text_burst: Option<String>,
    text_high_use: Option<String>,
    text_vacation: Option<String>,
    declared_gph: Option<String>,
    away_from: Option<String>,
    away_until: Option<String>,
    away_gallons: Option<String>,
    text_phone: Option<String>,
    text_consent: Option<String>,
) -> Result<AlertSettingsOutcome, ServerFnError> {
    use crate::domain::alert_choices::ChoicesForm;
    use crate::domain::leak::AlertKind;
    let ticked = |boxes: [(AlertKind, &Option<String>); 4]| -> Vec<AlertKind> {
        boxes.into_iter().filter(|(_, b)| b.is_some()).map(|(k, _)| k).collect()
    };
    let form = ChoicesForm {
        email: ticked([
            (AlertKind::Continuous, &email_continuous),
            (AlertKind::Burst, &email_burst),
            (AlertKind::HighUse, &email_high_use),
            (AlertKind::Vacation, &email_vacation),
        ]),
        text: ticked([
            (AlertKind::Continuous, &text_continuous),
            (AlertKind::Burst, &text_burst),
            (AlertKind::HighUse, &text_high_use),
            (AlertKind::Vacation, &text_vacation),
        ]),
        declared_gph: declared_gph.unwrap_or_default(),
        away_from: away_from.unwrap_or_default(),
        away_until: away_until.unwrap_or_default(),
        away_gallons: away_gallons.unwrap_or_default(),
        text_phone: text_phone.unwrap_or_default(),
        text_consent: text_consent.is_some(),
        consented: None,
    };
    let mut outcome = service::kept(&account, &form);
    let db = expect_context::<crate::platform::Db>();
    let Some(customer) = crate::auth::current_customer().await else {
        outcome.problems.push(AlertSettingsProblem::SignInNeeded);
        return finish(KEY, outcome, "").await;
    };
    let today = time::OffsetDateTime::now_utc().date();
    let saved = service::save(&db, customer, &account, &form, today).await.map_err(internal)?;
    let done = match saved {
        Ok(id) => format!("{}?account={id}&saved=1", crate::paths::WATER_ALERTS),
        Err(problems) => {
            outcome.problems = problems;
            String::new()
        }
    };
    finish(KEY, outcome, &done).await
}
