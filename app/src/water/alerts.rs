//! The water-use alerts, run after each reads import for the accounts it touched: each
//! account's new hours and days are read once and given to every detector it wants
//! (`domain::leak`), and an episode is one alert — written when it starts, left alone while
//! it lasts, resolved when the reads show it stopped — sent by email and text as the
//! customer chose (`choices`).
//!
//! The exactly-once rule: an alert is a row keyed by (account, kind, start), so an episode
//! found again is the same alert; a detector's mark says how far it has read, so the same
//! reads imported again find nothing new; an open alert is replayed from its start, so it
//! resolves only when a read after it shows the condition stopped. A gap in the reads is
//! unknown: it neither starts nor resolves an alert.

use super::series::{self, DAY, HOUR};
use super::{choices, texts};
use crate::domain::alert_choices::AlertChoices;
use crate::domain::leak::{self, AlertKind, Change, ClassRules, FlowRules, State};
use crate::domain::water_use::a_year_before;
use crate::domain::AccountId;
use crate::email::{Lang, Mailer};
use crate::platform::{Db, ServiceError};
use crate::sms::Texter;
use futures::{StreamExt, TryStreamExt};
use std::ops::Range;

/// Hours (or days) a first reading looks back: a fortnight.
const FIRST_LOOK_HOURS: i64 = 14 * 24;
/// High use: above this many times the usual day.
const HIGH_USE_FACTOR: i64 = 2;
/// Days that make the usual day.
const USUAL_DAYS: i64 = 30;
/// Accounts watched at once: each mostly waits on the database.
const CONCURRENT_ACCOUNTS: usize = 4;
/// Accounts whose choices and marks are read and written together.
const BATCH: usize = 500;

pub struct AlertContext<'a> {
    pub db: &'a Db,
    pub mailer: &'a Mailer,
    pub texter: &'a Texter,
    pub rules: ClassRules,
}

/// What a run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AlertReport {
    pub started: usize,
    pub resolved: usize,
    pub emails: usize,
    pub texts: usize,
}

impl AlertReport {
    fn add(mut self, other: Self) -> Self {
        self.started += other.started;
        self.resolved += other.resolved;
        self.emails += other.emails;
        self.texts += other.texts;
        self
    }
}

/// Runs every detector over each account's new reads.
#[tracing::instrument(skip_all)]
pub async fn after_import(
    ctx: &AlertContext<'_>,
    accounts: impl IntoIterator<Item = AccountId>,
) -> Result<AlertReport, ServiceError> {
    let accounts: Vec<AccountId> = accounts.into_iter().collect();
    let mut total = AlertReport::default();
    for batch in accounts.chunks(BATCH) {
        total = total.add(watch_batch(ctx, batch).await?);
    }
    Ok(total)
}

/// A batch of accounts: their choices, marks, open alerts and newest reads read together,
/// each account with reads watched (a few at once), then every mark written in one
/// statement.
async fn watch_batch(
    ctx: &AlertContext<'_>,
    batch: &[AccountId],
) -> Result<AlertReport, ServiceError> {
    let mut choices = choices::load_many(ctx.db, batch).await?;
    let mut known = data::known_many(ctx.db, batch).await?;
    let last_reads = series::last_reads(ctx.db, batch).await?;
    // Made first, so that the stream holds futures alone (a closure's borrows would make
    // the handler's future not provably Send).
    let accounts: Vec<_> = batch
        .iter()
        .filter_map(|a| Some((*a, *last_reads.get(a)?)))
        .map(|(a, last_read)| {
            let (choices, class) = choices.remove(&a).unwrap_or_default();
            let known = known.remove(&a).unwrap_or_default();
            watch_account(ctx, a, last_read, choices, ctx.rules.of(class), known)
        })
        .collect();
    let watched: Vec<(AlertReport, Marks)> =
        futures::stream::iter(accounts).buffer_unordered(CONCURRENT_ACCOUNTS).try_collect().await?;
    let marks: Vec<Marks> = watched.iter().map(|(_, m)| *m).collect();
    data::set_marks(ctx.db, &marks).await?;
    Ok(watched.into_iter().fold(AlertReport::default(), |total, (one, _)| total.add(one)))
}

/// How far an account's reads were watched: each kind's last hour or day.
type Marks = (AccountId, [(AlertKind, i64); 4]);

/// One detector's work on an account: its buckets `from..=last` (hours or days), and the
/// alert already open.
#[derive(Clone, Copy, Debug)]
struct Watch {
    kind: AlertKind,
    from: i64,
    last: i64,
    open: Option<(i64, i64)>,
}

/// An account read up to `last_read` (local seconds): the detectors it wants, their reads,
/// then the alerts; how far it was read.
async fn watch_account(
    ctx: &AlertContext<'_>,
    account: AccountId,
    last_read: i64,
    choices: AlertChoices,
    rules: FlowRules,
    known: Vec<data::Known>,
) -> Result<(AlertReport, Marks), ServiceError> {
    let mut report = AlertReport::default();
    let last_hour = last_read.div_euclid(HOUR);
    let last_day = (last_read + HOUR).div_euclid(DAY) - 1;
    let watches: Vec<Watch> = AlertKind::ALL
        .into_iter()
        .filter(|kind| choices.wanted(*kind))
        .filter(|kind| *kind != AlertKind::Vacation || choices.away.is_some())
        .filter_map(|kind| {
            let last = if kind.hourly() { last_hour } else { last_day };
            let found = known.iter().find(|k| k.kind == kind);
            watch(kind, found.and_then(|k| k.mark), found.and_then(|k| k.open), last)
        })
        .collect();
    let hourly: Vec<Watch> = watches.iter().copied().filter(|w| w.kind.hourly()).collect();
    let daily: Vec<Watch> = watches.iter().copied().filter(|w| !w.kind.hourly()).collect();
    let mut found = hourly_states(ctx.db, account, &rules, &choices, &hourly).await?;
    found.extend(daily_states(ctx.db, account, &choices, &daily).await?);
    for (watch, states) in found {
        alert(ctx, account, &choices, watch, &states, &mut report).await?;
    }
    // Every kind is read up to here, wanted or not: one chosen later starts from now.
    let marks = AlertKind::ALL.map(|k| (k, if k.hourly() { last_hour } else { last_day }));
    Ok((report, (account, marks)))
}

/// Where a detector reads from: its open alert's start, else after its mark (at most a
/// fortnight back), to `last`; `None` when there is nothing new.
fn watch(kind: AlertKind, mark: Option<i64>, open: Option<(i64, i64)>, last: i64) -> Option<Watch> {
    let unit = if kind.hourly() { HOUR } else { DAY };
    let first_look = if kind.hourly() { FIRST_LOOK_HOURS } else { FIRST_LOOK_HOURS / 24 };
    let earliest = last - first_look;
    let from = match (open, mark) {
        (Some((_, start)), _) => start / unit,
        (None, Some(mark)) => (mark + 1).max(earliest),
        (None, None) => earliest,
    };
    (from <= last).then_some(Watch { kind, from, last, open })
}

/// The buckets the detectors read together: from the first one's start to the last one's
/// end.
fn span(watches: &[Watch]) -> Option<(i64, i64)> {
    Some((watches.iter().map(|w| w.from).min()?, watches.iter().map(|w| w.last).max()?))
}

/// The hourly detectors' answers, from one read of the hours they need.
async fn hourly_states(
    db: &Db,
    account: AccountId,
    rules: &FlowRules,
    choices: &AlertChoices,
    watches: &[Watch],
) -> Result<Vec<(Watch, Vec<State>)>, sqlx::Error> {
    let Some((from, last)) = span(watches) else { return Ok(Vec::new()) };
    let lookback = rules.continuous_hours.max(rules.burst_hours) as i64;
    let start = from - lookback;
    let found = series::hours(db, account, start.div_euclid(24), last / 24 + 1).await?;
    let hours: Vec<Option<i64>> = (start..=last)
        .map(|h| found.get(&h).filter(|(_, whole)| *whole).map(|(c, _)| *c))
        .collect();
    Ok(watches
        .iter()
        .map(|w| {
            let states = match w.kind {
                AlertKind::Continuous => leak::continuous_flow(&hours, rules, choices.declared.0),
                _ => leak::burst(&hours, rules),
            };
            let skip = (w.from - start) as usize;
            (*w, states[skip..=(w.last - start) as usize].to_vec())
        })
        .collect())
}

/// The daily detectors' answers, from one read of the days they need, the 30 before them
/// and the same days a year before (the usual day's).
async fn daily_states(
    db: &Db,
    account: AccountId,
    choices: &AlertChoices,
    watches: &[Watch],
) -> Result<Vec<(Watch, Vec<State>)>, sqlx::Error> {
    let Some((from, last)) = span(watches) else { return Ok(Vec::new()) };
    let mut spans = vec![(from - USUAL_DAYS, last + 1)];
    let high_use = watches.iter().filter(|w| w.kind == AlertKind::HighUse);
    spans.extend(high_use.filter_map(|w| year_before(w.from)).map(|r| (r.start, r.end)));
    let found = series::days(db, account, &spans).await?;
    let day = |d: i64| found.get(&d).filter(|(_, whole)| *whole).map(|(c, _)| *c);
    let mut out = Vec::new();
    for w in watches {
        let daily: Vec<Option<i64>> = (w.from..=w.last).map(day).collect();
        let states = match (w.kind, choices.away) {
            (AlertKind::Vacation, Some(away)) => (w.from..=w.last)
                .zip(leak::vacation(&daily, away.allowed.0))
                .map(|(d, state)| {
                    let away = series::day_of(d).is_some_and(|date| away.contains(date));
                    if away {
                        state
                    } else {
                        State::Off
                    }
                })
                .collect(),
            _ => {
                let usual = usual_day(w.from, day);
                leak::high_use(&daily, usual, HIGH_USE_FACTOR)
            }
        };
        out.push((*w, states));
    }
    Ok(out)
}

/// The 30 days from `day` (days since 1970) a year before.
fn year_before(day: i64) -> Option<Range<i64>> {
    let before = series::unix_day(a_year_before(series::day_of(day)?));
    Some(before..before + USUAL_DAYS)
}

/// The usual day before `day` (days since 1970): from the same 30 days a year before when
/// they were read, else from the 30 days before it.
fn usual_day(day: i64, use_on: impl Fn(i64) -> Option<i64>) -> Option<i64> {
    let last_year: Option<Vec<Option<i64>>> = year_before(day).map(|r| r.map(&use_on).collect());
    last_year
        .and_then(|days| leak::usual_day(&days))
        .or_else(|| leak::usual_day(&(day - USUAL_DAYS..day).map(&use_on).collect::<Vec<_>>()))
}

/// The alerts of one detector's answers: each start written and sent once, each end too.
async fn alert(
    ctx: &AlertContext<'_>,
    account: AccountId,
    choices: &AlertChoices,
    watch: Watch,
    states: &[State],
    report: &mut AlertReport,
) -> Result<(), ServiceError> {
    let unit = if watch.kind.hourly() { HOUR } else { DAY };
    let mut open = watch.open;
    for change in leak::episodes(states, open.is_some()).0 {
        match change {
            Change::Started(i) => {
                let at = (watch.from + i as i64) * unit;
                let (id, new) = data::start(ctx.db, account, watch.kind, at).await?;
                open = id.map(|id| (id, at));
                if new {
                    report.started += 1;
                    notify(ctx, account, choices, watch.kind, at, false, report).await?;
                }
            }
            Change::Resolved(i) => {
                let at = (watch.from + i as i64) * unit;
                if let Some((id, started)) = open.take() {
                    if data::resolve(ctx.db, id, at).await? {
                        report.resolved += 1;
                        notify(ctx, account, choices, watch.kind, started, true, report).await?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Tells the customer of the alert (or that it is resolved) as they chose: by email to the
/// account's verified address, by text to the number they agreed to get texts at.
async fn notify(
    ctx: &AlertContext<'_>,
    account: AccountId,
    choices: &AlertChoices,
    kind: AlertKind,
    started: i64,
    resolved: bool,
    report: &mut AlertReport,
) -> Result<(), ServiceError> {
    let Some(to) = data::recipient(ctx.db, account).await? else { return Ok(()) };
    let lang = Lang::from_locale(&to.locale);
    let channels = choices.channels(kind);
    if let (true, Some(email)) = (channels.email, to.email.as_deref()) {
        let message =
            texts::alert(ctx.mailer.letterhead(), lang, email, &to, kind, started, resolved);
        ctx.mailer.queue(ctx.db, &message).await?;
        report.emails += 1;
    }
    if let (true, Some(phone)) = (channels.text, choices.text_phone) {
        let body = texts::alert_text(ctx.mailer.letterhead(), lang, &to, kind, started, resolved);
        if ctx.texter.queue(ctx.db, &phone, &body).await? {
            report.texts += 1;
        }
    }
    Ok(())
}

pub mod data {
    //! SQL of the alerts.
    use crate::domain::leak::AlertKind;
    use crate::domain::AccountId;
    use crate::platform::db::{now, numbered, placeholders};
    use crate::platform::Db;
    use std::collections::HashMap;

    /// A detector's mark on the account, and its open alert (id and start).
    #[derive(Clone, Copy, Debug)]
    pub struct Known {
        pub kind: AlertKind,
        pub mark: Option<i64>,
        pub open: Option<(i64, i64)>,
    }

    /// What every detector knows of each account, in two reads for them all.
    pub async fn known_many(
        db: &Db,
        accounts: &[AccountId],
    ) -> Result<HashMap<AccountId, Vec<Known>>, sqlx::Error> {
        if accounts.is_empty() {
            return Ok(HashMap::new());
        }
        let list = placeholders(db.backend, 1, accounts.len());
        let fresh = || AlertKind::ALL.map(|kind| Known { kind, mark: None, open: None }).to_vec();
        let mut known: HashMap<AccountId, Vec<Known>> =
            accounts.iter().map(|a| (*a, fresh())).collect();
        let sql = format!(
            "SELECT account_id, kind, evaluated_until FROM usage_alert_marks WHERE account_id IN {list}"
        );
        let mut marks = sqlx::query_as::<_, (AccountId, String, i64)>(&sql);
        for account in accounts {
            marks = marks.bind(*account);
        }
        for (account, kind, mark) in marks.fetch_all(&db.pool).await? {
            if let Some(k) = entry(&mut known, account, &kind) {
                k.mark = Some(mark);
            }
        }
        // Oldest first: should two ever be open, the newest is kept.
        let sql = format!(
            "SELECT account_id, kind, id, started_at FROM usage_alerts \
             WHERE account_id IN {list} AND resolved_at IS NULL ORDER BY started_at"
        );
        let mut open = sqlx::query_as::<_, (AccountId, String, i64, i64)>(&sql);
        for account in accounts {
            open = open.bind(*account);
        }
        for (account, kind, id, started) in open.fetch_all(&db.pool).await? {
            if let Some(k) = entry(&mut known, account, &kind) {
                k.open = Some((id, started));
            }
        }
        Ok(known)
    }

    fn entry<'k>(
        known: &'k mut HashMap<AccountId, Vec<Known>>,
        account: AccountId,
        kind: &str,
    ) -> Option<&'k mut Known> {
        known.get_mut(&account)?.iter_mut().find(|k| k.kind.as_str() == kind)
    }

    /// Writes an alert's start: its id, and whether it is new (`false`: that episode was
    /// written already, and its id is given while it is open).
    pub async fn start(
        db: &Db,
        account: AccountId,
        kind: AlertKind,
        at: i64,
    ) -> Result<(Option<i64>, bool), sqlx::Error> {
        let new: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO usage_alerts (account_id, kind, started_at, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (account_id, kind, started_at) DO NOTHING RETURNING id",
        )
        .bind(account)
        .bind(kind.as_str())
        .bind(at)
        .bind(now())
        .fetch_optional(&db.pool)
        .await?;
        if let Some((id,)) = new {
            return Ok((Some(id), true));
        }
        let open: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM usage_alerts WHERE account_id = $1 AND kind = $2 AND started_at = $3 \
             AND resolved_at IS NULL",
        )
        .bind(account)
        .bind(kind.as_str())
        .bind(at)
        .fetch_optional(&db.pool)
        .await?;
        Ok((open.map(|(id,)| id), false))
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

    /// How far each detector has read each account, in one statement.
    pub async fn set_marks(db: &Db, marks: &[super::Marks]) -> Result<(), sqlx::Error> {
        if marks.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "INSERT INTO usage_alert_marks (account_id, kind, evaluated_until) VALUES {} \
             ON CONFLICT (account_id, kind) DO UPDATE SET evaluated_until = excluded.evaluated_until",
            placeholders(db.backend, marks.len() * AlertKind::ALL.len(), 3)
        );
        let mut insert = sqlx::query(&sql);
        for (account, kinds) in marks {
            for (kind, until) in kinds {
                insert = insert.bind(*account).bind(kind.as_str()).bind(*until);
            }
        }
        insert.execute(&db.pool).await?;
        Ok(())
    }

    /// Who an account's alerts are for: its verified paperless address (if any), in its
    /// login's language.
    pub struct Recipient {
        pub email: Option<String>,
        pub locale: String,
        pub account: AccountId,
        /// `customer-account`, as on the bill.
        pub number: String,
    }

    pub async fn recipient(db: &Db, account: AccountId) -> Result<Option<Recipient>, sqlx::Error> {
        let found: Option<(Option<String>, Option<String>, String)> = sqlx::query_as(
            "SELECT CASE WHEN a.delivery_method = 'email' THEN a.delivery_email END, l.locale, \
             c.customer_number || '-' || a.account_number \
             FROM accounts a JOIN customers c ON c.id = a.customer_id \
             LEFT JOIN logins l ON l.customer_id = a.customer_id WHERE a.id = $1",
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

    /// How many of an account's alerts are shown: the newest not dismissed.
    const SHOWN: i64 = 10;

    /// The customer's alerts to show: open or resolved, not dismissed, newest first.
    pub async fn shown(
        db: &Db,
        account: AccountId,
    ) -> Result<Vec<(i64, String, i64, Option<i64>)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, kind, started_at, resolved_at FROM usage_alerts \
             WHERE account_id = $1 AND dismissed_at IS NULL ORDER BY started_at DESC LIMIT $2",
        )
        .bind(account)
        .bind(SHOWN)
        .fetch_all(&db.pool)
        .await
    }

    /// Of each account's alerts `shown`, how many are still open (not resolved), in one
    /// statement for all of a customer's accounts. An account without any is left out.
    pub async fn open_shown(
        db: &Db,
        accounts: &[AccountId],
    ) -> Result<HashMap<AccountId, i64>, sqlx::Error> {
        if accounts.is_empty() {
            return Ok(HashMap::new());
        }
        let params = numbered(db.backend, accounts.len() + 1);
        let (ids, shown) = params.split_at(accounts.len());
        let sql = format!(
            "SELECT account_id, CAST(COUNT(*) AS BIGINT) FROM (SELECT account_id, resolved_at, \
             ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY started_at DESC) AS place \
             FROM usage_alerts WHERE account_id IN ({}) AND dismissed_at IS NULL) AS newest \
             WHERE place <= {} AND resolved_at IS NULL GROUP BY account_id",
            ids.join(", "),
            shown[0]
        );
        let mut query = sqlx::query_as::<_, (AccountId, i64)>(&sql);
        for account in accounts {
            query = query.bind(*account);
        }
        Ok(query.bind(SHOWN).fetch_all(&db.pool).await?.into_iter().collect())
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
