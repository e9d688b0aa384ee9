//! The back office's dashboard on `/staff`: how many accounts registered, went paperless and
//! use AutoPay, today's payments, the ACH return rates against Nacha's thresholds, the emails
//! failing, and the last AutoPay run, CIS export and import — each a number with its last
//! 30 days as a small chart.
//!
//! A past day's value is never guessed. Where the database keeps the moment of each event
//! (a payment made, a return recorded, an export or an import written) the day is counted
//! from those timestamps; where it keeps only the present state (an account's delivery
//! method, an email's last error), the day comes from `dashboard_days`, a reading written
//! by the daily job and whenever the dashboard is read, and a day without a reading is a
//! gap in the chart.

mod components;
#[cfg(feature = "ssr")]
pub mod data;

pub use components::{dashboard_resource, Dashboard};

use crate::domain::ach_rates::{self, Measure, Rate};
use crate::domain::Cents;
use crate::payments::MethodKind;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::Date;

/// Days a trend covers, today included.
pub const TREND_DAYS: i64 = 30;
/// The window of the return rates, as Nacha's monitoring and the daily check count it.
pub const RETURN_WINDOW_DAYS: i64 = 60;

/// How a trend's values read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    Count,
    /// Hundredths of a percent (1234 is 12.34%).
    Percent,
}

/// A figure's last [`TREND_DAYS`] days, oldest first, today last; `None` for a day whose
/// value is not known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trend {
    pub unit: Unit,
    pub first_day: Date,
    pub values: Vec<Option<i64>>,
}

impl Trend {
    /// The first and last values known, with their days.
    pub fn ends(&self) -> Option<((Date, i64), (Date, i64))> {
        let known = |(i, v): (usize, &Option<i64>)| v.map(|v| (self.day(i), v));
        let first = self.values.iter().enumerate().find_map(known)?;
        let last = self.values.iter().enumerate().rev().find_map(known)?;
        Some((first, last))
    }

    fn day(&self, index: usize) -> Date {
        self.first_day + time::Duration::days(index as i64)
    }
}

/// `part` of `whole`, as counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub part: i64,
    pub whole: i64,
}

impl Share {
    /// The share in hundredths of a percent, rounded half up (0 of nothing).
    pub fn hundredths(self) -> i64 {
        hundredths(self.part, self.whole)
    }

    /// "42.50%".
    pub fn percent(self) -> String {
        ach_rates::percent(self.part.max(0) as u64, self.whole.max(0) as u64)
    }
}

/// `part / whole` in hundredths of a percent, rounded half up; 0 when `whole` is 0.
pub fn hundredths(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    (part.max(0) * 10_000 * 2 + whole) / (whole * 2)
}

/// Today's payments of one method and state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentGroup {
    pub method: MethodKind,
    /// As stored (`paid`, `submitted`…).
    pub status: String,
    pub count: i64,
    pub amount: Cents,
}

/// One of Nacha's return-rate measures over the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLine {
    /// 0 unauthorized, 1 administrative, 2 overall: `ach_rates::Measure::ALL`'s order.
    pub measure: u8,
    pub returns: u64,
    pub debits: u64,
}

impl RateLine {
    pub fn rate(self) -> Rate {
        let measure = Measure::ALL[usize::from(self.measure).min(2)];
        Rate { measure, returns: self.returns, debits: self.debits }
    }
}

/// The e-check debits of the last [`RETURN_WINDOW_DAYS`] days and their return rates, as
/// `payments::monitor::report` counts them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Returns {
    pub debits: u64,
    pub returned: u64,
    pub rates: Vec<RateLine>,
}

/// The last AutoPay run recorded (`server autopay run` or the daily run).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutopayRun {
    /// The date it ran for.
    pub day: Date,
    /// When it last finished (Unix seconds).
    pub finished_at: i64,
    /// Runs for that date (a run may be repeated: it does nothing twice).
    pub runs: i64,
    pub payments_created: i64,
    pub bank_files: i64,
}

/// The last CIS payment export written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportDone {
    /// The file's name (its folder is the server's business).
    pub file_name: String,
    /// Unix seconds.
    pub at: i64,
    pub lines: i64,
    pub total: Cents,
}

/// What an import loaded: an accounts file is dated when it added accounts, or when it
/// was imported on the web (one from the command line that only updates accounts is not).
pub use crate::domain::ImportKind;

/// The most recent import the database dates: accounts added, bills, bill documents or an
/// ACH returns file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportDone {
    pub kind: ImportKind,
    /// Unix seconds.
    pub at: i64,
    /// Bills or documents written at that moment, or the file's entries.
    pub rows: i64,
}

/// Everything the dashboard shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardFigures {
    pub today: Date,
    pub registered: Share,
    pub registered_trend: Trend,
    pub paperless: Share,
    pub paperless_trend: Trend,
    pub autopay: Share,
    pub autopay_trend: Trend,
    pub payments_today: Vec<PaymentGroup>,
    /// Payments made each day.
    pub payments_trend: Trend,
    pub returns: Returns,
    /// The overall return rate of the window ending each day.
    pub returns_trend: Trend,
    pub emails_failing: i64,
    pub emails_trend: Trend,
    pub last_autopay_run: Option<AutopayRun>,
    /// AutoPay payments created each day.
    pub autopay_run_trend: Trend,
    pub last_export: Option<ExportDone>,
    /// Lines exported each day.
    pub export_trend: Trend,
    pub last_import: Option<ImportDone>,
    /// Bills, documents and ACH entries imported each day.
    pub import_trend: Trend,
}

/// The dashboard's figures; staff only. Reading it records today's reading of the figures
/// whose history is not otherwise kept.
#[server(endpoint = "staff_dashboard")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn staff_dashboard() -> Result<DashboardFigures, ServerFnError> {
    crate::auth::require_staff().await?;
    let db = expect_context::<crate::platform::Db>();
    let now = crate::platform::db::now();
    figures(&db, now).await.map_err(crate::forms::internal)
}

/// The figures as of `now` (Unix seconds; its UTC day is "today"), after recording today's
/// reading.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip(db))]
pub async fn figures(db: &crate::platform::Db, now: i64) -> Result<DashboardFigures, sqlx::Error> {
    let today = data::day_of(now);
    let counts = data::record_day(db, today, now).await?;
    data::figures(db, today, counts).await
}

/// Records today's reading (the daily job calls it, so that a day nobody opened the
/// dashboard still has one).
#[cfg(feature = "ssr")]
#[tracing::instrument(skip(db))]
pub async fn record_today(db: &crate::platform::Db, now: i64) -> Result<(), sqlx::Error> {
    data::record_day(db, data::day_of(now), now).await.map(|_| ())
}

/// Records a finished AutoPay run for `day` (the scheduler and the command line call it).
#[cfg(feature = "ssr")]
#[tracing::instrument(skip(db))]
pub async fn record_autopay_run(
    db: &crate::platform::Db,
    day: Date,
    payments_created: i64,
    bank_files: i64,
) -> Result<(), sqlx::Error> {
    let now = crate::platform::db::now();
    data::record_autopay_run(db, day, payments_created, bank_files, now).await
}
