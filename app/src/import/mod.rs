//! Importing the utility's accounts and bills from CSV files (`server import …`), and the
//! demo data. A file is checked row by row, then written in one transaction: a bad row
//! names its line and reason, and nothing of the file is kept.

mod changed_hands;
pub mod demo;
pub mod demo_reads;
pub mod documents;
pub mod fedach;
pub mod reads;
mod records;

pub use documents::{import_bill_documents, MAX_PDF_BYTES};
pub use records::{AccountRecord, BillRecord};

use crate::domain::autopay::calendar;
use crate::domain::leak::ServiceClass;
use crate::domain::staff_search::Folded;
use crate::domain::{AccountId, BillId, Cents, CustomerId};
use crate::email::Letterhead;
use crate::platform::db::{now, Db, WriteLock};
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

/// Upserts accounts (and their customers) in one transaction. An account that moves to
/// another customer loses, in the same transaction, what its former customer set up on it.
#[tracing::instrument(skip_all, fields(rows = records.len()))]
pub async fn write_accounts(
    db: &Db,
    head: &Letterhead,
    records: &[(u64, AccountRecord)],
) -> Result<ImportReport, ImportError> {
    let mut tx = db.begin_write(WriteLock::Database).await?;
    let mut report = ImportReport { rows: records.len(), ..Default::default() };
    let at = now();
    for (_, r) in records {
        let customer_id = upsert_customer(&mut tx, r, at).await?;
        let existing: Option<records::StoredAccount> = sqlx::query_as(
            "SELECT id, customer_id, service_address, service_city, service_state, service_zip, \
             mailing_address, mailing_city, mailing_state, mailing_zip FROM accounts WHERE account_number = $1",
        )
        .bind(r.account_number.as_padded())
        .fetch_optional(&mut *tx)
        .await?;
        match existing {
            Some(stored) if stored.matches(customer_id, r) => report.unchanged += 1,
            Some(stored) => {
                update_account(&mut tx, stored.id, customer_id, r, at).await?;
                if stored.customer_id != customer_id {
                    report.changed_hands += 1;
                    let ended = changed_hands::account_changed_hands(
                        &mut tx,
                        head,
                        stored.id,
                        stored.customer_id,
                    )
                    .await?;
                    report.autopay_ended += usize::from(ended);
                }
                report.updated += 1;
            }
            None => {
                insert_account(&mut tx, customer_id, r, at).await?;
                report.inserted += 1;
            }
        }
        if let Some(class) = r.class {
            set_class(&mut tx, r, class).await?;
        }
    }
    tx.commit().await?;
    Ok(report)
}

#[derive(sqlx::FromRow)]
struct StoredCustomer {
    id: CustomerId,
    name: String,
    phone: Option<String>,
}

/// A bill as stored, to tell an unchanged row from an update.
#[derive(sqlx::FromRow)]
struct StoredBill {
    id: BillId,
    due_date: String,
    amount_cents: Cents,
    balance_cents: Cents,
    usage_gallons: i64,
}

impl StoredBill {
    fn matches(&self, r: &BillRecord) -> bool {
        self.due_date == calendar::iso(r.due_date)
            && self.amount_cents == r.amount
            && self.balance_cents == r.balance
            && self.usage_gallons == r.usage_gallons
    }
}

/// The record's customer by number, created if new, renamed if its name changed; its
/// name is folded for the back office's search with it (`name_folded`).
async fn upsert_customer(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    r: &AccountRecord,
    at: i64,
) -> Result<CustomerId, ImportError> {
    let customer: Option<StoredCustomer> =
        sqlx::query_as("SELECT id, name, phone FROM customers WHERE customer_number = $1")
            .bind(r.customer_number.as_padded())
            .fetch_optional(&mut **tx)
            .await?;
    let phone = r.phone.as_ref().map(|p| p.digits());
    if let Some(c) = customer {
        if c.name != r.customer_name || c.phone.as_deref() != phone {
            sqlx::query(
                "UPDATE customers SET name = $1, name_folded = $2, phone = $3, updated_at = $4 \
                 WHERE id = $5",
            )
            .bind(&r.customer_name)
            .bind(Folded::name(&r.customer_name).as_str())
            .bind(phone)
            .bind(at)
            .bind(c.id)
            .execute(&mut **tx)
            .await?;
        }
        return Ok(c.id);
    }
    let (id,): (CustomerId,) = sqlx::query_as(
        "INSERT INTO customers (customer_number, name, name_folded, phone, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(r.customer_number.as_padded())
    .bind(&r.customer_name)
    .bind(Folded::name(&r.customer_name).as_str())
    .bind(phone)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

type Statement<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds an account's columns as the record has them, `$1` to `$11`: its customer, the
/// service and mailing addresses, the time of the change, and the service address folded
/// for the back office's search.
fn bind_account<'q>(
    statement: Statement<'q>,
    customer_id: CustomerId,
    r: &'q AccountRecord,
    at: i64,
) -> Statement<'q> {
    let s = &r.service;
    let folded = Folded::service_address(&s.street, &s.city, &s.state, s.zip.as_str());
    statement
        .bind(customer_id)
        .bind(&r.service.street)
        .bind(&r.service.city)
        .bind(&r.service.state)
        .bind(r.service.zip.as_str())
        .bind(&r.mailing.street)
        .bind(&r.mailing.city)
        .bind(&r.mailing.state)
        .bind(r.mailing.zip.as_str())
        .bind(at)
        .bind(folded.as_str().to_string())
}

/// The account's class, as the file's `class` column gives it (without it, kept).
async fn set_class(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    r: &AccountRecord,
    class: ServiceClass,
) -> Result<(), ImportError> {
    sqlx::query("UPDATE accounts SET service_class = $1 WHERE account_number = $2")
        .bind(class.as_str())
        .bind(r.account_number.as_padded())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn update_account(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    account_id: AccountId,
    customer_id: CustomerId,
    r: &AccountRecord,
    at: i64,
) -> Result<(), ImportError> {
    let update = sqlx::query(
        "UPDATE accounts SET customer_id = $1, service_address = $2, service_city = $3, \
         service_state = $4, service_zip = $5, mailing_address = $6, mailing_city = $7, \
         mailing_state = $8, mailing_zip = $9, updated_at = $10, service_address_folded = $11 \
         WHERE id = $12",
    );
    bind_account(update, customer_id, r, at).bind(account_id).execute(&mut **tx).await?;
    Ok(())
}

async fn insert_account(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    customer_id: CustomerId,
    r: &AccountRecord,
    at: i64,
) -> Result<(), ImportError> {
    let insert = sqlx::query(
        "INSERT INTO accounts (customer_id, service_address, service_city, service_state, \
         service_zip, mailing_address, mailing_city, mailing_state, mailing_zip, created_at, \
         updated_at, service_address_folded, account_number) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12)",
    );
    bind_account(insert, customer_id, r, at)
        .bind(r.account_number.as_padded())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(rows = records.len()))]
pub async fn write_bills(
    db: &Db,
    records: &[(u64, BillRecord)],
) -> Result<ImportReport, ImportError> {
    let mut tx = db.begin_write(WriteLock::Database).await?;
    let mut report = ImportReport { rows: records.len(), ..Default::default() };
    let at = now();
    for (line, r) in records {
        let line = *line;
        let account: Option<(AccountId,)> =
            sqlx::query_as("SELECT id FROM accounts WHERE account_number = $1")
                .bind(r.account_number.as_padded())
                .fetch_optional(&mut *tx)
                .await?;
        let Some((account_id,)) = account else {
            return Err(row_error(
                line,
                ImportProblem::UnknownAccount { account: r.account_number.to_string() },
            ));
        };
        let existing: Option<StoredBill> = sqlx::query_as(
            "SELECT id, due_date, amount_cents, balance_cents, usage_gallons FROM bills \
             WHERE account_id = $1 AND bill_date = $2",
        )
        .bind(account_id)
        .bind(calendar::iso(r.bill_date))
        .fetch_optional(&mut *tx)
        .await?;
        match existing {
            Some(stored) if stored.matches(r) => report.unchanged += 1,
            Some(stored) => {
                sqlx::query(
                    "UPDATE bills SET due_date = $1, amount_cents = $2, balance_cents = $3, \
                     usage_gallons = $4, updated_at = $5 WHERE id = $6",
                )
                .bind(calendar::iso(r.due_date))
                .bind(r.amount)
                .bind(r.balance)
                .bind(r.usage_gallons)
                .bind(at)
                .bind(stored.id)
                .execute(&mut *tx)
                .await?;
                report.updated += 1;
            }
            None => {
                let (id,): (BillId,) = sqlx::query_as(
                    "INSERT INTO bills (account_id, bill_date, due_date, amount_cents, balance_cents, \
                     usage_gallons, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                )
                .bind(account_id)
                .bind(calendar::iso(r.bill_date))
                .bind(calendar::iso(r.due_date))
                .bind(r.amount)
                .bind(r.balance)
                .bind(r.usage_gallons)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                report.new_bill_ids.push(id);
                report.inserted += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(report)
}
