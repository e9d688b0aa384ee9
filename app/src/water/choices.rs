//! SQL of an account's alert choices (`domain::alert_choices`) and its class: what the
//! settings page saves and the detectors read.

use crate::domain::alert_choices::{AlertChoices, Away, Channels};
use crate::domain::format::iso_date;
use crate::domain::leak::{AlertKind, ServiceClass};
use crate::domain::meter_read::CentiGallons;
use crate::domain::{AccountId, Phone};
use crate::platform::db::{now, parse_date, placeholders};
use crate::platform::Db;
use std::collections::HashMap;

/// An account's row: its class, then its settings, if it has any.
type SettingsRow =
    (AccountId, String, Option<i64>, Option<String>, Option<String>, Option<i64>, Option<String>);

/// The account's choices: the defaults until the customer saved theirs.
pub async fn load(db: &Db, account: AccountId) -> Result<AlertChoices, sqlx::Error> {
    let mut found = load_many(db, &[account]).await?;
    Ok(found.remove(&account).map(|(choices, _)| choices).unwrap_or_default())
}

/// Each account's choices and class, in two reads for them all.
pub async fn load_many(
    db: &Db,
    accounts: &[AccountId],
) -> Result<HashMap<AccountId, (AlertChoices, ServiceClass)>, sqlx::Error> {
    if accounts.is_empty() {
        return Ok(HashMap::new());
    }
    let list = placeholders(db.backend, 1, accounts.len());
    let sql = format!(
        "SELECT a.id, a.service_class, s.declared_centi_gph, s.away_from, s.away_until, \
         s.away_centigallons, s.text_phone FROM accounts a \
         LEFT JOIN usage_alert_settings s ON s.account_id = a.id WHERE a.id IN {list}"
    );
    let rows: Vec<SettingsRow> =
        bind_all(sqlx::query_as(&sql), accounts).fetch_all(&db.pool).await?;
    let sql = format!(
        "SELECT account_id, kind, by_email, by_text FROM usage_alert_channels WHERE account_id IN {list}"
    );
    let channels: Vec<(AccountId, String, i64, i64)> =
        bind_all(sqlx::query_as(&sql), accounts).fetch_all(&db.pool).await?;
    let mut out = HashMap::new();
    for (account, class, declared, from, until, allowed, phone) in rows {
        let away = match (from, until, allowed) {
            (Some(from), Some(until), Some(allowed)) => Some(Away {
                from: parse_date(&from)?,
                until: parse_date(&until)?,
                allowed: CentiGallons(allowed),
            }),
            _ => None,
        };
        let choices = AlertChoices {
            channels: Vec::new(),
            declared: CentiGallons(declared.unwrap_or(0)),
            away,
            text_phone: phone.and_then(|p| Phone::parse(&p).ok()),
        };
        out.insert(account, (choices, ServiceClass::parse(&class).unwrap_or_default()));
    }
    for (account, kind, email, text) in channels {
        let (Some((choices, _)), Some(kind)) = (out.get_mut(&account), AlertKind::parse(&kind))
        else {
            continue;
        };
        choices.channels.push((kind, Channels { email: email == 1, text: text == 1 }));
    }
    Ok(out)
}

/// Binds each account in turn (the `IN` list's parameters).
fn bind_all<'q, O>(
    mut query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    accounts: &[AccountId],
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    for account in accounts {
        query = query.bind(*account);
    }
    query
}

/// Saves the account's choices whole; consent is dated when the number is new.
pub async fn save(db: &Db, account: AccountId, choices: &AlertChoices) -> Result<(), sqlx::Error> {
    let at = now();
    let mut tx = db.pool.begin().await?;
    let away = choices.away.as_ref();
    sqlx::query(
        "INSERT INTO usage_alert_settings (account_id, declared_centi_gph, away_from, away_until, \
         away_centigallons, text_phone, text_consented_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6 IS NULL THEN NULL ELSE $7 END, $7) \
         ON CONFLICT (account_id) DO UPDATE SET declared_centi_gph = excluded.declared_centi_gph, \
         away_from = excluded.away_from, away_until = excluded.away_until, \
         away_centigallons = excluded.away_centigallons, text_phone = excluded.text_phone, \
         text_consented_at = CASE WHEN excluded.text_phone IS NULL THEN NULL \
         WHEN usage_alert_settings.text_phone = excluded.text_phone THEN usage_alert_settings.text_consented_at \
         ELSE excluded.text_consented_at END, updated_at = excluded.updated_at",
    )
    .bind(account)
    .bind(choices.declared.0)
    .bind(away.map(|a| iso_date(a.from)))
    .bind(away.map(|a| iso_date(a.until)))
    .bind(away.map(|a| a.allowed.0))
    .bind(choices.text_phone.map(|p| p.digits().to_string()))
    .bind(at)
    .execute(&mut *tx)
    .await?;
    for kind in AlertKind::ALL {
        let c = choices.channels(kind);
        sqlx::query(
            "INSERT INTO usage_alert_channels (account_id, kind, by_email, by_text) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (account_id, kind) DO UPDATE SET by_email = excluded.by_email, by_text = excluded.by_text",
        )
        .bind(account)
        .bind(kind.as_str())
        .bind(i64::from(c.email))
        .bind(i64::from(c.text))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

pub async fn class(db: &Db, account: AccountId) -> Result<ServiceClass, sqlx::Error> {
    let mut found = load_many(db, &[account]).await?;
    Ok(found.remove(&account).map(|(_, class)| class).unwrap_or_default())
}
