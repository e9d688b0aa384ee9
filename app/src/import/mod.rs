//! Importing the utility's accounts and bills from CSV files (`server import …`), and the
//! demo data. A file is checked row by row, then written in one transaction: a bad row
//! names its line and reason, and nothing of the file is kept.

mod accounts;
mod bills;
mod changed_hands;
pub mod demo;
pub mod demo_reads;
pub mod documents;
pub mod fedach;
pub mod reads;
mod records;

pub use accounts::write_accounts;
pub use bills::write_bills;
pub use documents::{import_bill_documents, MAX_PDF_BYTES};
pub use records::{AccountRecord, BillRecord};

use crate::domain::BillId;
use crate::email::Letterhead;
use crate::platform::db::Db;
use std::io::Read;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub rows: usize,
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Accounts moved to another customer (what the former customer set up on them ended).
    pub changed_hands: usize,
    /// AutoPay enrollments those moves ended (their former customers were emailed).
    pub autopay_ended: usize,
    /// Bills created by this import (for "your bill is ready" emails).
    pub new_bill_ids: Vec<BillId>,
}

/// The most problems a refused file lists: enough to fix a file in one pass, few enough
/// that a file of wrong columns does not fill the screen.
pub const MAX_LISTED: usize = 100;

pub use crate::domain::import_problem::{Expected, ImportProblem, LineProblem};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Every wrong row (the first `MAX_LISTED`), in the file's order; line 0 is the file
    /// as a whole.
    #[error("{}", rows_text(.0))]
    Rows(Vec<LineProblem>),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

impl ImportError {
    /// The first problem listed, if the file's rows were refused.
    pub fn first_row(&self) -> Option<&LineProblem> {
        match self {
            Self::Rows(rows) => rows.first(),
            _ => None,
        }
    }

    /// The file as a whole cannot be read.
    fn whole_file(problem: ImportProblem) -> Self {
        Self::Rows(vec![LineProblem::new(0, problem)])
    }
}

/// The problems in English, one a line, for the command line.
fn rows_text(rows: &[LineProblem]) -> String {
    let locale = crate::i18n::Locale::en;
    let text = |r: &LineProblem| crate::forms::import_problem_text(locale, &r.problem);
    let lines: Vec<String> = rows
        .iter()
        .map(|r| match r.line {
            0 => format!("the file: {}", text(r)),
            line => format!("line {line}: {}", text(r)),
        })
        .collect();
    lines.join("\n")
}

fn row_error(line: u64, problem: ImportProblem) -> ImportError {
    ImportError::Rows(vec![LineProblem::new(line, problem)])
}

/// Collects the problems of a file's rows while it is read, up to `MAX_LISTED`.
#[derive(Default)]
struct Problems(Vec<LineProblem>);

impl Problems {
    fn add(&mut self, line: u64, problem: ImportProblem) {
        self.0.push(LineProblem::new(line, problem));
    }

    fn full(&self) -> bool {
        self.0.len() >= MAX_LISTED
    }

    /// `Ok(value)` when no row had a problem.
    fn or<T>(mut self, value: T) -> Result<T, ImportError> {
        if self.0.is_empty() {
            return Ok(value);
        }
        self.0.sort_by_key(|p| p.line);
        self.0.truncate(MAX_LISTED);
        Err(ImportError::Rows(self.0))
    }
}

/// Reads every record, with the file's line number of each, before anything is written;
/// the rows that cannot be read go to `problems` and the reading goes on.
fn read_records<T: serde::de::DeserializeOwned>(
    input: impl Read,
    problems: &mut Problems,
) -> Result<Vec<(u64, T)>, ImportError> {
    Ok(Records::new(input)?.page(usize::MAX, problems))
}

/// A CSV file's records with the file's line of each, a page at a time (a file too big
/// to hold is read this way).
struct Records<R: Read> {
    reader: csv::Reader<R>,
    headers: csv::StringRecord,
    record: csv::StringRecord,
    /// The end of the file, or a failure of the input: nothing more to read.
    done: bool,
}

impl<R: Read> Records<R> {
    fn new(input: R) -> Result<Self, ImportError> {
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(input);
        let headers =
            reader.headers().map_err(|_| ImportError::whole_file(ImportProblem::NotCsv))?.clone();
        Ok(Self { reader, headers, record: csv::StringRecord::new(), done: false })
    }

    /// Up to `max` more records (none at the end); the rows that cannot be read go to
    /// `problems` and the reading goes on.
    fn page<T: serde::de::DeserializeOwned>(
        &mut self,
        max: usize,
        problems: &mut Problems,
    ) -> Vec<(u64, T)> {
        let mut out = Vec::new();
        while out.len() < max && !self.done && !problems.full() {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => self.done = true,
                Ok(true) => {
                    let line = self.record.position().map(|p| p.line()).unwrap_or(0);
                    match self.record.deserialize::<T>(Some(&self.headers)) {
                        Ok(parsed) => out.push((line, parsed)),
                        Err(e) => problems.add(line, csv_reason(&e)),
                    }
                }
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(0);
                    problems.add(line, csv_reason(&e));
                    // A row of the wrong length or not UTF-8 is one bad row; anything else
                    // (the input failed) ends the reading.
                    self.done = !matches!(
                        e.kind(),
                        csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                    );
                }
            }
        }
        out
    }

    /// How far into the file the reading is, in bytes.
    fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }
}

fn csv_reason(error: &csv::Error) -> ImportProblem {
    match error.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            ImportProblem::Columns { expected: *expected_len, found: *len }
        }
        csv::ErrorKind::Deserialize { err, .. } => match err.field() {
            Some(field) => ImportProblem::Unreadable { column: field + 1 },
            // A field the header does not name.
            None => ImportProblem::MissingColumn,
        },
        csv::ErrorKind::Utf8 { .. } => ImportProblem::NotUtf8,
        // The input itself failed.
        _ => ImportProblem::NotCsv,
    }
}

/// Validates and writes an accounts file (columns in the README). `head` signs the emails to
/// former customers of accounts that changed hands.
#[tracing::instrument(skip_all)]
pub async fn import_accounts(
    db: &Db,
    head: &Letterhead,
    input: impl Read,
) -> Result<ImportReport, ImportError> {
    write_accounts(db, head, &parse_accounts(input)?).await
}

/// Every row of an accounts file, parsed and checked, with its line number; every wrong
/// row is listed (nothing is written when a file has one).
pub fn parse_accounts(input: impl Read) -> Result<Vec<(u64, AccountRecord)>, ImportError> {
    parse_rows::<records::AccountRow, AccountRecord>(input)
}

/// The same for a bills file.
pub fn parse_bills(input: impl Read) -> Result<Vec<(u64, BillRecord)>, ImportError> {
    parse_rows::<records::BillRow, BillRecord>(input)
}

/// Reads rows as `Row`, checks each into a `Record`, and lists every problem.
fn parse_rows<Row, Record>(input: impl Read) -> Result<Vec<(u64, Record)>, ImportError>
where
    Row: serde::de::DeserializeOwned,
    Record: TryFrom<Row, Error = ImportProblem>,
{
    let mut problems = Problems::default();
    let rows: Vec<(u64, Row)> = read_records(input, &mut problems)?;
    let mut out = Vec::with_capacity(rows.len());
    for (line, row) in rows {
        match Record::try_from(row) {
            Ok(record) => out.push((line, record)),
            Err(problem) => problems.add(line, problem),
        }
    }
    problems.or(out)
}

/// Loads a FedACH directory file (`server import routing FILE`): the bank names the add
/// payment form fills in. Returns (entries in the file, entries added or changed).
#[tracing::instrument(skip_all)]
pub async fn import_routing(db: &Db, text: &str) -> Result<(usize, usize), ImportError> {
    let entries = fedach::parse(text)?;
    let changed = crate::payments::data::directory::upsert_directory(db, &entries).await?;
    Ok((entries.len(), changed))
}

/// Validates and writes a bills file (columns in the README).
#[tracing::instrument(skip_all)]
pub async fn import_bills(db: &Db, input: impl Read) -> Result<ImportReport, ImportError> {
    write_bills(db, &parse_bills(input)?).await
}

/// `records` cut into pages of at most `max`, each naming a key once: a row that repeats an
/// earlier row's key starts a new page, so that it sees what that row wrote.
fn pages<T, K: Eq + std::hash::Hash>(
    records: &[T],
    max: usize,
    key: impl Fn(&T) -> K,
) -> Vec<&[T]> {
    let mut pages = Vec::new();
    let (mut start, mut seen) = (0, std::collections::HashSet::new());
    for (i, record) in records.iter().enumerate() {
        if i - start == max || !seen.insert(key(record)) {
            pages.push(&records[start..i]);
            (start, seen) = (i, std::collections::HashSet::from([key(record)]));
        }
    }
    if start < records.len() {
        pages.push(&records[start..]);
    }
    pages
}

/// `$from, $from+1, …`: `count` placeholders.
fn placeholders(from: usize, count: usize) -> String {
    (from..from + count).map(|k| format!("${k}")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::pages;

    #[test]
    fn a_page_names_each_key_once_and_holds_at_most_its_size() {
        let rows = [1, 2, 3, 2, 4, 5, 6, 7];
        let cut = pages(&rows, 3, |r| *r);
        assert_eq!(cut, vec![&[1, 2, 3][..], &[2, 4, 5], &[6, 7]]);
        let repeated = pages(&rows[..4], 10, |r| *r);
        assert_eq!(repeated, vec![&[1, 2, 3][..], &[2]], "the repeat starts a page");
        assert!(pages(&[] as &[u8], 3, |r| *r).is_empty());
    }
}
