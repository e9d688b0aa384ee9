//! `server import reads FILE.csv` (issue 19): the meter data system's reads, columns
//! `account_number`, `meter_id`, `read_at` (ISO 8601 with its offset), `gallons` (used in
//! the interval) and `interval_minutes`. As every import, the file is checked whole before
//! anything is written, then written in one transaction, or not at all.
//!
//! A month of hourly reads of a large utility is tens of millions of rows, so the file is
//! read twice instead of held: the first pass checks every row (and that its account is in
//! the portal) a page at a time, keeping only the problems; the second writes it a page of
//! multi-row upserts at a time. Idempotent on (meter, read_at): the same read again changes
//! nothing, a different value replaces the stored one (a corrected read), and a read given
//! twice in one file keeps its later line.

use super::records::account_number;
use super::{row_error, Expected, ImportError, ImportProblem, Problems, Records};
use crate::domain::meter_read::{self, CentiGallons, MeterId};
use crate::domain::{AccountId, AccountNumber};
use crate::platform::db::{now, placeholders, Backend, Db, WriteLock};
use crate::water::series;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;

/// Rows checked and written at a time.
const PAGE: usize = 5_000;
/// Rows per upsert statement; a full statement is prepared once and kept.
const ROWS_PER_STATEMENT: usize = 500;
/// Parameters of each row of the upsert.
const PER_ROW: usize = 7;
/// Days either side of a written read whose totals are summed again: a corrected offset
/// moves a read's local day by at most 26 hours.
const DAYS_AROUND: i64 = 2;

/// One checked row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeterRead {
    pub account_number: AccountNumber,
    pub meter: MeterId,
    /// The interval's start, Unix seconds.
    pub read_at: i64,
    /// Its offset from UTC where it was read, in minutes (its local day and hour).
    pub utc_offset_minutes: i64,
    pub used: CentiGallons,
    pub interval_minutes: i64,
}

#[derive(Debug, serde::Deserialize)]
struct ReadRow {
    account_number: String,
    meter_id: String,
    read_at: String,
    gallons: String,
    interval_minutes: String,
}

impl TryFrom<ReadRow> for MeterRead {
    type Error = ImportProblem;
    fn try_from(row: ReadRow) -> Result<Self, ImportProblem> {
        let interval_minutes = meter_read::interval(&row.interval_minutes).map_err(problem)?;
        let (read_at, utc_offset_minutes) =
            meter_read::local_start(&row.read_at, interval_minutes).map_err(problem)?;
        Ok(Self {
            account_number: account_number(&row.account_number)?,
            meter: MeterId::parse(&row.meter_id).map_err(problem)?,
            read_at,
            utc_offset_minutes,
            used: CentiGallons::parse(&row.gallons).map_err(problem)?,
            interval_minutes,
        })
    }
}

fn problem(error: meter_read::ReadError) -> ImportProblem {
    use meter_read::ReadError as E;
    let (column, expected) = match error {
        E::MeterId => ("meter_id", Expected::MeterId),
        E::Gallons => ("gallons", Expected::Gallons),
        E::Interval => ("interval_minutes", Expected::Interval),
        E::ReadAt => ("read_at", Expected::ReadAt),
        E::Boundary => ("read_at", Expected::IntervalStart),
    };
    ImportProblem::invalid(column, expected)
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReadsReport {
    pub rows: u64,
    /// Reads added, or stored ones whose value or account changed.
    pub written: u64,
    pub unchanged: u64,
    /// The accounts whose reads the file wrote, for what runs after an import.
    pub accounts: BTreeSet<AccountId>,
}

/// Which pass the import is in, for a progress bar: checking, then writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    Checking,
    Writing,
}

/// Imports the reads `open` gives, twice (it must give the same bytes both times);
/// `progress` hears how many bytes of the pass have been read.
#[tracing::instrument(skip_all)]
pub async fn import_reads<R: Read + Send>(
    db: &Db,
    open: impl Fn() -> std::io::Result<R> + Sync,
    progress: &mut (dyn FnMut(Pass, u64) + Send),
) -> Result<ReadsReport, ImportError> {
    check(db, open()?, progress).await?;
    write(db, open()?, progress).await
}

impl From<std::io::Error> for ImportError {
    fn from(_: std::io::Error) -> Self {
        ImportError::whole_file(ImportProblem::NotCsv)
    }
}

/// Pages of checked rows with their line numbers: problems go to `problems` and the
/// reading goes on, as the other imports read.
struct Pages<R: Read>(Records<R>);

impl<R: Read> Pages<R> {
    fn new(input: R) -> Result<Self, ImportError> {
        Records::new(input).map(Self)
    }

    /// The next page (empty at the end of the file).
    fn next(&mut self, problems: &mut Problems) -> Vec<(u64, MeterRead)> {
        let mut page = Vec::with_capacity(PAGE);
        loop {
            let rows = self.0.page::<ReadRow>(PAGE - page.len(), problems);
            if rows.is_empty() {
                return page;
            }
            for (line, row) in rows {
                match MeterRead::try_from(row) {
                    Ok(read) => page.push((line, read)),
                    Err(reason) => problems.add(line, reason),
                }
            }
            if page.len() == PAGE {
                return page;
            }
        }
    }

    fn bytes_read(&self) -> u64 {
        self.0.bytes_read()
    }
}

/// The first pass: every row checked, and its account found; nothing written.
async fn check<R: Read + Send>(
    db: &Db,
    input: R,
    progress: &mut (dyn FnMut(Pass, u64) + Send),
) -> Result<(), ImportError> {
    let mut problems = Problems::default();
    let mut pages = Pages::new(input)?;
    loop {
        let page = pages.next(&mut problems);
        if page.is_empty() {
            break;
        }
        let found = account_ids(&db.pool, db.backend, &page).await?;
        for (line, read) in &page {
            if !found.contains_key(&read.account_number.as_padded()) {
                let account = read.account_number.to_string();
                problems.add(*line, ImportProblem::UnknownAccount { account });
            }
        }
        progress(Pass::Checking, pages.bytes_read());
    }
    problems.or(())
}

/// The second pass: every page upserted in one transaction.
async fn write<R: Read + Send>(
    db: &Db,
    input: R,
    progress: &mut (dyn FnMut(Pass, u64) + Send),
) -> Result<ReadsReport, ImportError> {
    let mut tx = db.begin_write(WriteLock::Database).await?;
    let mut report = ReadsReport::default();
    let mut problems = Problems::default();
    let mut pages = Pages::new(input)?;
    let at = now();
    loop {
        let page = pages.next(&mut problems);
        if page.is_empty() {
            break;
        }
        report.rows += page.len() as u64;
        let ids = account_ids(&mut *tx, db.backend, &page).await?;
        // The later line of a read given twice in the page (an upsert may not touch a
        // row twice).
        let mut latest: HashMap<(&str, i64), (AccountId, &MeterRead)> = HashMap::new();
        for (line, read) in &page {
            let Some(&id) = ids.get(&read.account_number.as_padded()) else {
                // Found a moment ago: the file, or the accounts, changed in between.
                let account = read.account_number.to_string();
                return Err(row_error(*line, ImportProblem::UnknownAccount { account }));
            };
            latest.insert((read.meter.as_str(), read.read_at), (id, read));
        }
        // In the table's order: each statement writes near the last.
        let mut rows: Vec<(AccountId, &MeterRead)> = latest.into_values().collect();
        rows.sort_unstable_by_key(|(_, read)| (read.meter.as_str(), read.read_at));
        let mut days = DayTotals::default();
        for statement in rows.chunks(ROWS_PER_STATEMENT) {
            let added = upsert(&mut tx, db.backend, statement, at, Conflict::Skip).await?;
            let changed = if added == statement.len() as u64 {
                days.add(statement);
                0
            } else {
                let changed = upsert(&mut tx, db.backend, statement, at, Conflict::Replace).await?;
                if added + changed > 0 {
                    days.touch(statement);
                }
                changed
            };
            report.written += added + changed;
        }
        days.write(&mut tx, db.backend).await?;
        report.accounts.extend(rows.iter().map(|(id, _)| *id));
        progress(Pass::Writing, pages.bytes_read());
    }
    // Checked a moment ago: a problem now means the file changed in between.
    problems.or(())?;
    report.unchanged = report.rows - report.written.min(report.rows);
    sqlx::query(
        "INSERT INTO meter_read_files (imported_at, row_count, written) VALUES ($1, $2, $3)",
    )
    .bind(at)
    .bind(report.rows as i64)
    .bind(report.written as i64)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// The ids of the page's accounts that are in the portal, by padded number.
async fn account_ids<'c, E>(
    executor: E,
    backend: Backend,
    page: &[(u64, MeterRead)],
) -> Result<HashMap<String, AccountId>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let numbers: BTreeSet<String> =
        page.iter().map(|(_, r)| r.account_number.as_padded()).collect();
    // One parameter a "row": the list's parentheses are the query's own.
    let list = placeholders(backend, 1, numbers.len());
    let sql = format!("SELECT account_number, id FROM accounts WHERE account_number IN {list}");
    let mut select = sqlx::query_as::<_, (String, AccountId)>(&sql).persistent(false);
    for number in &numbers {
        select = select.bind(number.as_str());
    }
    Ok(select.fetch_all(executor).await?.into_iter().collect())
}

/// What an upsert does with a read already stored.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Conflict {
    /// Leaves it: the statement adds new reads only.
    Skip,
    /// Replaces it when the file's differs (a corrected or moved read).
    Replace,
}

/// Writes the rows; how many were added (or, replacing, changed).
async fn upsert(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    rows: &[(AccountId, &MeterRead)],
    at: i64,
    conflict: Conflict,
) -> Result<u64, sqlx::Error> {
    let on_conflict = match conflict {
        Conflict::Skip => "DO NOTHING",
        Conflict::Replace => {
            "DO UPDATE SET account_id = excluded.account_id, \
             centigallons = excluded.centigallons, interval_minutes = excluded.interval_minutes, \
             utc_offset_minutes = excluded.utc_offset_minutes, imported_at = excluded.imported_at \
             WHERE meter_reads.account_id <> excluded.account_id \
             OR meter_reads.centigallons <> excluded.centigallons \
             OR meter_reads.interval_minutes <> excluded.interval_minutes \
             OR meter_reads.utc_offset_minutes <> excluded.utc_offset_minutes"
        }
    };
    let sql = format!(
        "INSERT INTO meter_reads (meter_id, read_at, account_id, centigallons, interval_minutes, \
         utc_offset_minutes, imported_at) VALUES {} ON CONFLICT (meter_id, read_at) {on_conflict}",
        placeholders(backend, rows.len(), PER_ROW)
    );
    // Only a full statement is kept prepared: a file's last, shorter one would fill the cache.
    let mut insert = sqlx::query(&sql).persistent(rows.len() == ROWS_PER_STATEMENT);
    for (account, read) in rows {
        insert = insert
            .bind(read.meter.as_str())
            .bind(read.read_at)
            .bind(*account)
            .bind(read.used.0)
            .bind(read.interval_minutes)
            .bind(read.utc_offset_minutes)
            .bind(at);
    }
    Ok(insert.execute(&mut **tx).await?.rows_affected())
}

/// What a page's writes did to the day totals (`meter_read_days`): the use of the reads it
/// added, by account, meter and local day, which is added to the totals; and the days of
/// each meter where it replaced a stored read (first and last), which are summed again from
/// the reads (summing every written day again cost the bench's import some 8%).
#[derive(Default)]
struct DayTotals<'r> {
    added: BTreeMap<(AccountId, &'r str, i64), (i64, i64)>,
    touched: BTreeMap<&'r str, (i64, i64)>,
}

impl<'r> DayTotals<'r> {
    /// Reads that were all new.
    fn add(&mut self, rows: &[(AccountId, &'r MeterRead)]) {
        for (account, read) in rows {
            let day = series::local_day(read.read_at, read.utc_offset_minutes);
            let total = self.added.entry((*account, read.meter.as_str(), day)).or_default();
            *total = (total.0 + read.used.0, total.1 + read.interval_minutes);
        }
    }

    /// Reads among which some replaced a stored one (or were the same again).
    fn touch(&mut self, rows: &[(AccountId, &'r MeterRead)]) {
        for (_, read) in rows {
            let day = series::local_day(read.read_at, read.utc_offset_minutes);
            let days = self.touched.entry(read.meter.as_str()).or_insert((day, day));
            *days = (days.0.min(day - DAYS_AROUND), days.1.max(day + DAYS_AROUND));
        }
    }

    /// The additions first: the days summed again afterwards are then whole whatever they held.
    async fn write(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        backend: Backend,
    ) -> Result<(), sqlx::Error> {
        let added: Vec<_> =
            self.added.iter().map(|((a, m, d), (c, n))| (*a, *m, *d, *c, *n)).collect();
        series::add_to_days(tx, backend, &added).await?;
        let touched: Vec<(&str, (i64, i64))> = self.touched.iter().map(|(m, d)| (*m, *d)).collect();
        series::sum_days(tx, backend, &touched).await
    }
}
