//! The water-use alerts, run after each reads import for the accounts it touched: each
//! detector (`domain::leak`) reads the account's hours or days after where it last read,
//! and an episode is one alert — written when it starts, left alone while it lasts,
//! resolved when the reads show it stopped.
//!
//! The exactly-once rule: an alert is a row keyed by (account, kind, start), so an episode
//! found again is the same alert; a detector's mark says how far it has read, so the same
//! reads imported again find nothing new; an open alert is replayed from its start, so it
//! resolves only when a read after it shows the condition stopped. A gap in the reads is
//! unknown: it neither starts nor resolves an alert. Continuous flow, bursts and high use
//! are watched; use while away waits for the customer's dates (not kept yet).

use super::series::{self, DAY, HOUR};
use super::texts;
use crate::domain::leak::{self, AlertKind, Change, FlowRules, State};
use crate::domain::water_use::a_year_before;
use crate::domain::AccountId;
use crate::email::{Lang, Mailer};
use crate::platform::{Db, ServiceError};

/// Hours (or days) a first reading looks back: a fortnight.
const FIRST_LOOK_HOURS: i64 = 14 * 24;
/// High use: above this many times the usual day.
const HIGH_USE_FACTOR: i64 = 2;
/// Days that make the usual day.
const USUAL_DAYS: i64 = 30;

pub struct AlertContext<'a> {
    pub db: &'a Db,
    pub mailer: &'a Mailer,
    pub rules: FlowRules,
}

/// What a run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AlertReport {
    pub started: usize,
    pub resolved: usize,
    pub emails: usize,
}

/// Runs every detector over each account's new reads.
#[tracing::instrument(skip_all)]
pub async fn after_import(
    ctx: &AlertContext<'_>,
    accounts: impl IntoIterator<Item = AccountId>,
) -> Result<AlertReport, ServiceError> {
    let mut report = AlertReport::default();
    for account in accounts {
        let Some(last) = series::last_read(ctx.db, account).await? else { continue };
        for kind in [AlertKind::Continuous, AlertKind::Burst, AlertKind::HighUse] {
            detect(ctx, account, kind, last, &mut report).await?;
        }
    }
    Ok(report)
}

/// One detector over one account: from its open alert's start, else after its mark, to the
/// newest read (a day detector: the newest day read through).
async fn detect(
    ctx: &AlertContext<'_>,
    account: AccountId,
    kind: AlertKind,
    last_read: i64,
    report: &mut AlertReport,
) -> Result<(), ServiceError> {
    let (unit, last) = if kind.hourly() {
        (HOUR, last_read.div_euclid(HOUR))
    } else {
        (DAY, (last_read + HOUR).div_euclid(DAY) - 1)
    };
    let open = data::open_alert(ctx.db, account, kind).await?;
    let mark = data::mark(ctx.db, account, kind).await?;
    let first_look = if kind.hourly() { FIRST_LOOK_HOURS } else { FIRST_LOOK_HOURS / 24 };
    let from =
        open.map(|(_, start)| start / unit).or(mark.map(|m| m + 1)).unwrap_or(last - first_look);
    if from > last {
        return Ok(());
    }
    let states = states(ctx, account, kind, from, last).await?;
    let (changes, _) = leak::episodes(&states, open.is_some());
    for change in changes {
        match change {
            Change::Started(i) => {
                let at = (from + i as i64) * unit;
                if data::start(ctx.db, account, kind, at).await? {
                    report.started += 1;
                    report.emails += notify(ctx, account, kind, at, false).await?;
                }
            }
            Change::Resolved(i) => {
                let at = (from + i as i64) * unit;
                if let Some((id, started)) = open.or(data::open_alert(ctx.db, account, kind).await?)
                {
                    if data::resolve(ctx.db, id, at).await? {
                        report.resolved += 1;
                        report.emails += notify(ctx, account, kind, started, true).await?;
                    }
                }
            }
        }
    }
    data::set_mark(ctx.db, account, kind, last).await?;
    Ok(())
}

/// The detector's answer for each hour (or day) `from..=last`, from the reads of those and
/// of the hours before that its window needs.
async fn states(
    ctx: &AlertContext<'_>,
    account: AccountId,
    kind: AlertKind,
    from: i64,
    last: i64,
) -> Result<Vec<State>, sqlx::Error> {
    let rules = &ctx.rules;
    if kind.hourly() {
        let lookback = rules.continuous_hours.max(rules.burst_hours) as i64;
        let start = from - lookback;
        let found =
            series::buckets(ctx.db, account, start.div_euclid(24), last / 24 + 1, HOUR).await?;
        let hours: Vec<Option<i64>> = (start..=last)
            .map(|h| found.get(&h).filter(|(_, whole)| *whole).map(|(c, _)| *c))
            .collect();
        let states = match kind {
            AlertKind::Continuous => leak::continuous_flow(&hours, rules, 0),
            _ => leak::burst(&hours, rules),
        };
        return Ok(states[lookback as usize..].to_vec());
    }
    let days = series::buckets(ctx.db, account, from, last + 1, DAY).await?;
    let daily: Vec<Option<i64>> =
        (from..=last).map(|d| days.get(&d).filter(|(_, whole)| *whole).map(|(c, _)| *c)).collect();
    let usual = usual_day(ctx.db, account, from).await?;
    Ok(leak::high_use(&daily, usual, HIGH_USE_FACTOR))
}

/// The usual day before `day` (days since 1970): the same 30 days a year before when they
/// were read, else the 30 days before it.
async fn usual_day(db: &Db, account: AccountId, day: i64) -> Result<Option<i64>, sqlx::Error> {
    let whole = |days: std::collections::BTreeMap<i64, (i64, bool)>| -> Vec<Option<i64>> {
        days.values().map(|(c, whole)| whole.then_some(*c)).collect()
    };
    if let Some(date) = series::day_of(day) {
        let before = series::unix_day(a_year_before(date));
        let last_year = series::buckets(db, account, before, before + USUAL_DAYS, DAY).await?;
        if let Some(usual) = leak::usual_day(&whole(last_year)) {
            return Ok(Some(usual));
        }
    }
    let recent = series::buckets(db, account, day - USUAL_DAYS, day, DAY).await?;
    Ok(leak::usual_day(&whole(recent)))
}

/// Emails the alert (or that it is resolved) to the account's verified address, if it has
/// one; how many emails were queued.
async fn notify(
    ctx: &AlertContext<'_>,
    account: AccountId,
    kind: AlertKind,
    started: i64,
    resolved: bool,
) -> Result<usize, ServiceError> {
    let Some(to) = data::verified_address(ctx.db, account).await? else { return Ok(0) };
    let lang = Lang::from_locale(&to.locale);
    let message = texts::alert(ctx.mailer.letterhead(), lang, &to, kind, started, resolved);
    ctx.mailer.queue(ctx.db, &message).await?;
    Ok(1)
}

pub mod data {
    //! SQL of the alerts.
    use crate::domain::leak::AlertKind;
    use crate::domain::AccountId;
    use crate::platform::db::now;
    use crate::platform::Db;

    /// The account's open alert of `kind`: its id and start.
    pub async fn open_alert(
        db: &Db,
        account: AccountId,
        kind: AlertKind,
    ) -> Result<Option<(i64, i64)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, started_at FROM usage_alerts \
             WHERE account_id = $1 AND kind = $2 AND resolved_at IS NULL ORDER BY started_at DESC LIMIT 1",
        )
        .bind(account)
        .bind(kind.as_str())
        .fetch_optional(&db.pool)
        .await
    }

    /// Writes an alert's start; `false` when that episode was already written.
    pub async fn start(
        db: &Db,
        account: AccountId,
        kind: AlertKind,
        at: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO usage_alerts (account_id, kind, started_at, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (account_id, kind, started_at) DO NOTHING",
        )
        .bind(account)
        .bind(kind.as_str())
        .bind(at)
        .bind(now())
        .execute(&db.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Resolves an open alert; `false` when it was resolved already.
    pub async fn resolve(db: &Db, id: i64, at: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE usage_alerts SET resolved_at = $2 WHERE id = $1 AND resolved_at IS NULL",
        )
        .bind(id)
        .bind(at)
        .execute(&db.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn mark(
        db: &Db,
        account: AccountId,
        kind: AlertKind,
    ) -> Result<Option<i64>, sqlx::Error> {
        let found: Option<(i64,)> = sqlx::query_as(
            "SELECT evaluated_until FROM usage_alert_marks WHERE account_id = $1 AND kind = $2",
        )
        .bind(account)
        .bind(kind.as_str())
        .fetch_optional(&db.pool)
        .await?;
        Ok(found.map(|(m,)| m))
    }

    pub async fn set_mark(
        db: &Db,
        account: AccountId,
        kind: AlertKind,
        until: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO usage_alert_marks (account_id, kind, evaluated_until) VALUES ($1, $2, $3) \
             ON CONFLICT (account_id, kind) DO UPDATE SET evaluated_until = excluded.evaluated_until",
        )
        .bind(account)
        .bind(kind.as_str())
        .bind(until)
        .execute(&db.pool)
        .await?;
        Ok(())
    }

    /// Where an account's alerts go: its verified paperless address, in its login's language.
    pub struct Recipient {
        pub email: String,
        pub locale: String,
        pub account: AccountId,
        /// `customer-account`, as on the bill.
        pub number: String,
    }

    pub async fn verified_address(
        db: &Db,
        account: AccountId,
    ) -> Result<Option<Recipient>, sqlx::Error> {
        let found: Option<(String, Option<String>, String)> = sqlx::query_as(
            "SELECT a.delivery_email, l.locale, c.customer_number || '-' || a.account_number \
             FROM accounts a JOIN customers c ON c.id = a.customer_id \
             LEFT JOIN logins l ON l.customer_id = a.customer_id \
             WHERE a.id = $1 AND a.delivery_method = 'email' AND a.delivery_email IS NOT NULL",
        )
        .bind(account)
        .fetch_optional(&db.pool)
        .await?;
        Ok(found.map(|(email, locale, number)| Recipient {
            email,
            locale: locale.unwrap_or_default(),
            account,
            number,
        }))
    }

    /// The customer's alerts to show: open or resolved, not dismissed, newest first.
    pub async fn shown(
        db: &Db,
        account: AccountId,
    ) -> Result<Vec<(i64, String, i64, Option<i64>)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, kind, started_at, resolved_at FROM usage_alerts \
             WHERE account_id = $1 AND dismissed_at IS NULL ORDER BY started_at DESC LIMIT 10",
        )
        .bind(account)
        .fetch_all(&db.pool)
        .await
    }

    /// Dismisses one of the account's alerts.
    pub async fn dismiss(db: &Db, account: AccountId, id: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE usage_alerts SET dismissed_at = $3 WHERE id = $1 AND account_id = $2 AND dismissed_at IS NULL",
        )
        .bind(id)
        .bind(account)
        .bind(now())
        .execute(&db.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
