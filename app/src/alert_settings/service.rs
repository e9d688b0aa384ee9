//! The alert choices page's view and save: only the customer's own accounts, the form read
//! whole (`domain::alert_choices`) before anything is written.

use super::{AlertSettingsOutcome, AlertSettingsProblem, AlertSettingsView};
use crate::domain::alert_choices::ChoicesForm;
use crate::domain::{AccountId, CustomerId};
use crate::platform::Db;
use crate::sms::Texter;
use crate::water::{alerts, choices};
use time::Date;

/// The account `asked` names if it is the customer's, else their first.
async fn own_account(
    db: &Db,
    customer: CustomerId,
    asked: Option<&str>,
) -> Result<(Vec<(AccountId, String)>, Option<AccountId>), sqlx::Error> {
    let accounts = crate::auth::data::owned_accounts(db, customer, "").await?;
    let asked = asked.and_then(|a| a.trim().parse::<i64>().ok());
    let chosen = match asked {
        Some(id) => accounts.iter().map(|(a, _)| *a).find(|a: &AccountId| a.0 == id),
        None => accounts.first().map(|(a, _)| *a),
    };
    Ok((accounts, chosen))
}

#[tracing::instrument(skip(db, texter))]
pub async fn view(
    db: &Db,
    texter: &Texter,
    customer: CustomerId,
    asked: Option<&str>,
) -> Result<Option<AlertSettingsView>, sqlx::Error> {
    let (accounts, chosen) = own_account(db, customer, asked).await?;
    let Some(account) = chosen.or_else(|| accounts.first().map(|(a, _)| *a)) else {
        return Ok(None);
    };
    let choices = choices::load(db, account).await?;
    let email = alerts::data::recipient(db, account).await?.and_then(|r| r.email);
    let phone_stopped = match &choices.text_phone {
        Some(phone) => crate::sms::data::stopped(db, phone).await?,
        None => false,
    };
    Ok(Some(AlertSettingsView {
        accounts,
        account,
        choices,
        email,
        texts_offered: texter.enabled(),
        phone_stopped,
    }))
}

/// Saves the form's choices for the customer's account `asked`: the account's id, or what
/// is wrong (nothing saved).
#[tracing::instrument(skip(db, form))]
pub async fn save(
    db: &Db,
    customer: CustomerId,
    asked: &str,
    form: &ChoicesForm,
    today: Date,
) -> Result<Result<AccountId, Vec<AlertSettingsProblem>>, sqlx::Error> {
    let Some(account) = own_account(db, customer, Some(asked)).await?.1 else {
        return Ok(Err(vec![AlertSettingsProblem::NotFound]));
    };
    let consented = choices::load(db, account).await?.text_phone;
    let form = ChoicesForm { consented, ..form.clone() };
    match form.parse(today) {
        Ok(parsed) => {
            choices::save(db, account, &parsed).await?;
            Ok(Ok(account))
        }
        Err(problems) => Ok(Err(problems.into_iter().map(AlertSettingsProblem::Invalid).collect())),
    }
}

/// What the form shows again after a problem (never the consent: it is given anew).
pub fn kept(account: &str, form: &ChoicesForm) -> AlertSettingsOutcome {
    let ticked = |kinds: &[crate::domain::leak::AlertKind]| -> String {
        kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",")
    };
    AlertSettingsOutcome::keeping([
        ("account", account.trim().to_string()),
        ("email", ticked(&form.email)),
        ("text", ticked(&form.text)),
        ("declared_gph", form.declared_gph.clone()),
        ("away_from", form.away_from.clone()),
        ("away_until", form.away_until.clone()),
        ("away_gallons", form.away_gallons.clone()),
        ("text_phone", form.text_phone.clone()),
    ])
}
