//! SQL of the dashboard. Days are UTC days counted as `unix_seconds / 86400` (integer
//! division reads the same on SQLite and PostgreSQL); event counts of a day are exact from
//! the rows' timestamps, the present-state figures of past days come from `dashboard_days`.

use super::{
    AutopayRun, DashboardFigures, ExportDone, ImportDone, ImportKind, PaymentGroup, RateLine,
    Returns, Share, Trend, Unit, RETURN_WINDOW_DAYS, TREND_DAYS,
};
use crate::domain::ach_rates;
use crate::domain::format::iso_date;
use crate::domain::Cents;
use crate::payments::MethodKind;
use crate::platform::Db;
use time::{Date, Duration};

const DAY: i64 = 86_400;

/// The UTC day of a moment.
pub fn day_of(unix_seconds: i64) -> Date {
    date_of_number(unix_seconds.div_euclid(DAY))
}

fn day_number(date: Date) -> i64 {
    (date - Date::from_julian_day(2_440_588).expect("1970-01-01")).whole_days()
}

fn date_of_number(number: i64) -> Date {
    Date::from_julian_day(2_440_588 + number as i32).unwrap_or(Date::MIN)
}

/// The present counts whose history is not otherwise kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Counts {
    pub accounts: i64,
    pub registered: i64,
    pub paperless: i64,
    pub autopay: i64,
    pub emails_failing: i64,
}

/// Counts them now: accounts whose customer has a login, on email delivery, with an active
/// AutoPay enrollment; emails not delivered whose last attempt failed.
pub async fn counts(db: &Db) -> Result<Counts, sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM accounts) AS accounts, \
         (SELECT COUNT(*) FROM accounts a WHERE EXISTS \
            (SELECT 1 FROM logins l WHERE l.customer_id = a.customer_id)) AS registered, \
         (SELECT COUNT(*) FROM accounts WHERE delivery_method = 'email') AS paperless, \
         (SELECT COUNT(*) FROM accounts a WHERE EXISTS (SELECT 1 FROM autopay_enrollments e \
            WHERE e.account_id = a.id AND e.active = 1)) AS autopay, \
         (SELECT COUNT(*) FROM emails WHERE sent_at IS NULL AND last_error IS NOT NULL) \
            AS emails_failing",
    )
    .fetch_one(&db.pool)
    .await
}

/// Writes `day`'s reading (the latest of the day wins): safe from any number of instances.
pub async fn record_day(db: &Db, day: Date, now: i64) -> Result<Counts, sqlx::Error> {
    let c = counts(db).await?;
    sqlx::query(
        "INSERT INTO dashboard_days \
         (day, accounts, registered, paperless, autopay, emails_failing, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (day) DO UPDATE SET \
         accounts = excluded.accounts, registered = excluded.registered, \
         paperless = excluded.paperless, autopay = excluded.autopay, \
         emails_failing = excluded.emails_failing, recorded_at = excluded.recorded_at",
    )
    .bind(iso_date(day))
    .bind(c.accounts)
    .bind(c.registered)
    .bind(c.paperless)
    .bind(c.autopay)
    .bind(c.emails_failing)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(c)
}

/// Every figure as of `today`, whose present counts are `now`.
pub async fn figures(db: &Db, today: Date, now: Counts) -> Result<DashboardFigures, sqlx::Error> {
    let days = recorded_days(db, today).await?;
    let snapshot = |pick: fn(&Counts, i64) -> i64, unit| known_days(today, &days, pick, unit);
    let share = |part| Share { part, whole: now.accounts };
    Ok(DashboardFigures {
        today,
        registered: share(now.registered),
        registered_trend: snapshot(
            |c, _| super::hundredths(c.registered, c.accounts),
            Unit::Percent,
        ),
        paperless: share(now.paperless),
        paperless_trend: snapshot(|c, _| super::hundredths(c.paperless, c.accounts), Unit::Percent),
        autopay: share(now.autopay),
        autopay_trend: snapshot(|c, _| super::hundredths(c.autopay, c.accounts), Unit::Percent),
        payments_today: payments_on(db, today).await?,
        payments_trend: per_day(db, today, PAYMENTS_PER_DAY).await?,
        returns: returns(db, today).await?,
        returns_trend: returns_trend(db, today).await?,
        emails_failing: now.emails_failing,
        emails_trend: snapshot(|c, _| c.emails_failing, Unit::Count),
        last_autopay_run: last_autopay_run(db).await?,
        autopay_run_trend: per_day(db, today, AUTOPAY_PAYMENTS_PER_DAY).await?,
        last_export: last_export(db).await?,
        export_trend: per_day(db, today, EXPORT_LINES_PER_DAY).await?,
        last_import: last_import(db).await?,
        import_trend: per_day(db, today, IMPORTED_ROWS_PER_DAY).await?,
    })
}

/// The first day of the trend ending `today`, as a day number.
fn first_day(today: Date) -> i64 {
    day_number(today) - (TREND_DAYS - 1)
}

/// The readings of the trend's days, with their day numbers.
async fn recorded_days(db: &Db, today: Date) -> Result<Vec<(i64, Counts)>, sqlx::Error> {
    let from = iso_date(date_of_number(first_day(today)));
    let rows: Vec<DayRow> = sqlx::query_as(
        "SELECT day, accounts, registered, paperless, autopay, emails_failing \
         FROM dashboard_days WHERE day >= $1 AND day <= $2 ORDER BY day",
    )
    .bind(from)
    .bind(iso_date(today))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().filter_map(DayRow::dated).collect())
}

#[derive(sqlx::FromRow)]
struct DayRow {
    day: String,
    accounts: i64,
    registered: i64,
    paperless: i64,
    autopay: i64,
    emails_failing: i64,
}

impl DayRow {
    fn dated(self) -> Option<(i64, Counts)> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let date = Date::parse(&self.day, format).ok()?;
        let counts = Counts {
            accounts: self.accounts,
            registered: self.registered,
            paperless: self.paperless,
            autopay: self.autopay,
            emails_failing: self.emails_failing,
        };
        Some((day_number(date), counts))
    }
}

/// A trend of the days that have a reading; the others are gaps.
fn known_days(
    today: Date,
    days: &[(i64, Counts)],
    pick: fn(&Counts, i64) -> i64,
    unit: Unit,
) -> Trend {
    let first = first_day(today);
    let mut values = vec![None; TREND_DAYS as usize];
    for (number, counts) in days {
        if let Some(slot) = usize::try_from(number - first).ok().and_then(|i| values.get_mut(i)) {
            *slot = Some(pick(counts, *number));
        }
    }
    Trend { unit, first_day: date_of_number(first), values }
}

/// A count of events per day: `$1` and `$2` bound the seconds; the rows are (day, n).
const PAYMENTS_PER_DAY: &str = "SELECT created_at / 86400 AS day, COUNT(*) AS n FROM payments \
     WHERE created_at >= $1 AND created_at < $2 GROUP BY created_at / 86400";
const AUTOPAY_PAYMENTS_PER_DAY: &str = "SELECT created_at / 86400 AS day, COUNT(*) AS n \
     FROM payments WHERE channel = 'autopay' AND created_at >= $1 AND created_at < $2 \
     GROUP BY created_at / 86400";
const EXPORT_LINES_PER_DAY: &str = "SELECT written_at / 86400 AS day, \
     CAST(SUM(line_count) AS BIGINT) AS n FROM cis_exports \
     WHERE written_at >= $1 AND written_at < $2 GROUP BY written_at / 86400";
/// Bills and accounts created, bill documents written, ACH answer entries: each import
/// stamps its rows with one moment.
const IMPORTED_ROWS_PER_DAY: &str = "SELECT at / 86400 AS day, CAST(SUM(n) AS BIGINT) AS n \
     FROM (SELECT created_at AS at, 1 AS n FROM bills \
       UNION ALL SELECT created_at, 1 FROM accounts \
       UNION ALL SELECT updated_at, 1 FROM bill_documents \
       UNION ALL SELECT imported_at, entries FROM ach_answer_files \
       UNION ALL SELECT imported_at, row_count FROM meter_read_files) rows \
     WHERE at >= $1 AND at < $2 GROUP BY at / 86400";

/// The trend of a per-day count: a day without a row had none.
async fn per_day(db: &Db, today: Date, sql: &str) -> Result<Trend, sqlx::Error> {
    let first = first_day(today);
    let rows: Vec<(i64, i64)> = sqlx::query_as(sql)
        .bind(first * DAY)
        .bind((day_number(today) + 1) * DAY)
        .fetch_all(&db.pool)
        .await?;
    let mut values = vec![Some(0); TREND_DAYS as usize];
    for (number, n) in rows {
        if let Some(slot) = usize::try_from(number - first).ok().and_then(|i| values.get_mut(i)) {
            *slot = Some(n);
        }
    }
    Ok(Trend { unit: Unit::Count, first_day: date_of_number(first), values })
}

#[derive(sqlx::FromRow)]
struct GroupRow {
    kind: String,
    status: String,
    count: i64,
    amount_cents: i64,
}

/// The payments made on `day`, by method and state.
async fn payments_on(db: &Db, day: Date) -> Result<Vec<PaymentGroup>, sqlx::Error> {
    let from = day_number(day) * DAY;
    let rows: Vec<GroupRow> = sqlx::query_as(
        "SELECT m.kind, p.status, COUNT(*) AS count, \
         CAST(SUM(p.amount_cents) AS BIGINT) AS amount_cents \
         FROM payments p JOIN payment_methods m ON m.id = p.payment_method_id \
         WHERE p.created_at >= $1 AND p.created_at < $2 \
         GROUP BY m.kind, p.status ORDER BY m.kind, p.status",
    )
    .bind(from)
    .bind(from + DAY)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(PaymentGroup {
                method: MethodKind::parse(&r.kind)?,
                status: r.status,
                count: r.count,
                amount: Cents(r.amount_cents),
            })
        })
        .collect())
}

/// The return rates of the window ending `today`: the daily check's own report.
async fn returns(db: &Db, today: Date) -> Result<Returns, sqlx::Error> {
    let report = crate::payments::monitor::report(db, today, RETURN_WINDOW_DAYS).await?;
    Ok(Returns {
        debits: report.debits,
        returned: report.returned,
        rates: rate_lines(&report.rates),
    })
}

fn rate_lines(rates: &[ach_rates::Rate]) -> Vec<RateLine> {
    rates
        .iter()
        .map(|r| RateLine {
            measure: ach_rates::Measure::ALL.iter().position(|m| *m == r.measure).unwrap_or(2)
                as u8,
            returns: r.returns,
            debits: r.debits,
        })
        .collect()
}

/// Debits of written bank files, by effective day, return code (`None`: not returned) and
/// the day the return was recorded (`None`: returned, day not recorded).
#[derive(sqlx::FromRow)]
struct DebitRow {
    day: String,
    code: Option<String>,
    returned_day: Option<i64>,
    debits: i64,
}

/// The overall return rate of the window ending each day of the trend, as that day knew
/// it: the debits effective in the window, and those of them returned by the day's end.
async fn returns_trend(db: &Db, today: Date) -> Result<Trend, sqlx::Error> {
    let first = first_day(today);
    let from = date_of_number(first) - Duration::days(RETURN_WINDOW_DAYS - 1);
    let rows: Vec<DebitRow> = sqlx::query_as(
        "SELECT COALESCE(f.effective_date, f.run_date) AS day, \
         CASE WHEN p.status = 'returned' THEN COALESCE(p.return_code, 'R??') END AS code, \
         CASE WHEN p.status = 'returned' THEN p.returned_at / 86400 END AS returned_day, \
         COUNT(*) AS debits \
         FROM payments p JOIN nacha_files f ON f.id = p.nacha_file_id \
         WHERE f.written_at IS NOT NULL AND COALESCE(f.effective_date, f.run_date) BETWEEN $1 AND $2 \
         GROUP BY COALESCE(f.effective_date, f.run_date), \
         CASE WHEN p.status = 'returned' THEN COALESCE(p.return_code, 'R??') END, \
         CASE WHEN p.status = 'returned' THEN p.returned_at / 86400 END",
    )
    .bind(iso_date(from))
    .bind(iso_date(today))
    .fetch_all(&db.pool)
    .await?;
    let values = (first..=day_number(today)).map(|d| Some(overall_rate_on(d, &rows))).collect();
    Ok(Trend { unit: Unit::Percent, first_day: date_of_number(first), values })
}

/// The overall rate, in hundredths of a percent, of the window ending on day `day`.
fn overall_rate_on(day: i64, rows: &[DebitRow]) -> i64 {
    let window =
        (iso_date(date_of_number(day - (RETURN_WINDOW_DAYS - 1))), iso_date(date_of_number(day)));
    let inside: Vec<&DebitRow> =
        rows.iter().filter(|r| r.day >= window.0 && r.day <= window.1).collect();
    let debits: i64 = inside.iter().map(|r| r.debits).sum();
    let codes: Vec<(String, u64)> = inside
        .iter()
        .filter(|r| r.returned_day.is_none_or(|d| d <= day))
        .filter_map(|r| Some((r.code.clone()?, r.debits as u64)))
        .collect();
    let [.., overall] = ach_rates::rates(debits as u64, &codes);
    super::hundredths(overall.returns as i64, overall.debits as i64)
}

async fn last_autopay_run(db: &Db) -> Result<Option<AutopayRun>, sqlx::Error> {
    let row: Option<(String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT day, finished_at, runs, payments_created, bank_files FROM autopay_runs \
         ORDER BY finished_at DESC, day DESC LIMIT 1",
    )
    .fetch_optional(&db.pool)
    .await?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Ok(row.and_then(|(day, finished_at, runs, payments_created, bank_files)| {
        let day = Date::parse(&day, format).ok()?;
        Some(AutopayRun { day, finished_at, runs, payments_created, bank_files })
    }))
}

/// Records a finished AutoPay run for `day`: the day's row counts its runs and what they
/// created (a run repeated creates nothing twice).
pub async fn record_autopay_run(
    db: &Db,
    day: Date,
    payments_created: i64,
    bank_files: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO autopay_runs (day, runs, payments_created, bank_files, finished_at) \
         VALUES ($1, 1, $2, $3, $4) ON CONFLICT (day) DO UPDATE SET \
         runs = autopay_runs.runs + 1, \
         payments_created = autopay_runs.payments_created + excluded.payments_created, \
         bank_files = autopay_runs.bank_files + excluded.bank_files, \
         finished_at = excluded.finished_at",
    )
    .bind(iso_date(day))
    .bind(payments_created)
    .bind(bank_files)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

async fn last_export(db: &Db) -> Result<Option<ExportDone>, sqlx::Error> {
    let row: Option<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT path, written_at, line_count, total_cents FROM cis_exports \
         WHERE written_at IS NOT NULL ORDER BY written_at DESC, id DESC LIMIT 1",
    )
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(path, at, lines, total)| ExportDone {
        file_name: std::path::Path::new(&path)
            .file_name()
            .map_or(path.clone(), |n| n.to_string_lossy().into_owned()),
        at,
        lines,
        total: Cents(total),
    }))
}

/// The latest import of each kind the database stamps, the newest of them.
async fn last_import(db: &Db) -> Result<Option<ImportDone>, sqlx::Error> {
    const LATEST: [(ImportKind, &str); 6] = [
        // Files the database records as such come first: in the same second, they are the
        // import (the rows of bills or accounts may be the demo's, loaded just before).
        (
            ImportKind::Reads,
            "SELECT imported_at, row_count FROM meter_read_files \
          ORDER BY imported_at DESC, id DESC LIMIT 1",
        ),
        // An accounts file imported on the web, even one that only updated accounts.
        (
            ImportKind::Accounts,
            "SELECT at, row_count FROM imports \
          WHERE outcome = 'imported' AND kind = 'accounts' ORDER BY id DESC LIMIT 1",
        ),
        (
            ImportKind::Bills,
            "SELECT created_at, COUNT(*) FROM bills \
          WHERE created_at = (SELECT MAX(created_at) FROM bills) GROUP BY created_at",
        ),
        (
            ImportKind::Accounts,
            "SELECT created_at, COUNT(*) FROM accounts \
          WHERE created_at = (SELECT MAX(created_at) FROM accounts) GROUP BY created_at",
        ),
        (
            ImportKind::BillDocuments,
            "SELECT updated_at, COUNT(*) FROM bill_documents \
          WHERE updated_at = (SELECT MAX(updated_at) FROM bill_documents) GROUP BY updated_at",
        ),
        (
            ImportKind::AchReturns,
            "SELECT imported_at, entries FROM ach_answer_files \
          ORDER BY imported_at DESC, id DESC LIMIT 1",
        ),
    ];
    let mut newest: Option<ImportDone> = None;
    for (kind, sql) in LATEST {
        let row: Option<(i64, i64)> = sqlx::query_as(sql).fetch_optional(&db.pool).await?;
        if let Some((at, rows)) = row.filter(|r| newest.as_ref().is_none_or(|n| r.0 > n.at)) {
            newest = Some(ImportDone { kind, at, rows });
        }
    }
    Ok(newest)
}
