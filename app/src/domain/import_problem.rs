//! Why an import refused a file: one typed problem per line (line 0: the file as a whole),
//! kept as data so that each reader sees it in their language — the admin on the web page,
//! in English or Spanish, and the command line in English. Values from the file (a column's
//! name, an account number, a file's path) are carried as they were written.

use serde::{Deserialize, Serialize};

/// The biggest PDF a bill may have: a utility's bill is a page or two (well under 1 MB);
/// anything near this is a wrong file, and each is kept in the database.
pub const MAX_PDF_BYTES: u64 = 10 * 1024 * 1024;

/// A problem of a refused file, at its line (0: the file as a whole).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineProblem {
    pub line: u64,
    pub problem: ImportProblem,
}

impl LineProblem {
    pub fn new(line: u64, problem: ImportProblem) -> Self {
        Self { line, problem }
    }
}

/// What a value in a column must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expected {
    CustomerNumber,
    AccountNumber,
    Zip,
    StateCode,
    Phone,
    /// YYYY-MM-DD.
    Date,
    /// Dollars and cents.
    Dollars,
    WholeGallons,
    /// Gallons with at most two decimals.
    Gallons,
    MeterId,
    /// An ISO 8601 date and time with its offset.
    ReadAt,
    /// The start of the read's interval (on the hour, at midnight).
    IntervalStart,
    Interval,
    RoutingNumber,
    /// `residential` or `commercial`.
    ServiceClass,
}

/// What a PDF named by a manifest is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PdfFault {
    /// Larger than a bill's PDF may be: its size in bytes.
    TooLarge(u64),
    Empty,
    NotPdf,
    /// No `%%EOF` at its end: cut short.
    Truncated,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum ImportProblem {
    /// The file cannot be read as CSV (no header row, or not text).
    NotCsv,
    /// A row with another number of values than the header has columns.
    Columns {
        expected: u64,
        found: u64,
    },
    NotUtf8,
    /// A fixed-width record shorter than its format's (in characters).
    RecordTooShort {
        expected: u64,
        found: u64,
    },
    /// The header lacks a column the import needs.
    MissingColumn,
    /// A value the column cannot hold (column counted from 1).
    Unreadable {
        column: u64,
    },
    Empty {
        column: String,
    },
    TooLong {
        column: String,
    },
    ControlCharacter {
        column: String,
    },
    Invalid {
        column: String,
        expected: Expected,
    },
    DueBeforeBill,
    SameBillTwice {
        first_line: u64,
    },
    UnknownAccount {
        account: String,
    },
    NoSuchBill {
        account: String,
        bill_date: String,
    },
    FileOutsideFolder {
        file: String,
    },
    FileUnreadable {
        file: String,
    },
    Pdf {
        file: String,
        fault: PdfFault,
    },
    FileChanged {
        file: String,
    },
    ZipUnreadable,
    ZipTooManyFiles {
        files: u64,
        most: u64,
    },
    ZipEntryOutside {
        file: String,
    },
    ZipEntryUnreadable {
        file: String,
    },
    ZipEntryTooLarge {
        file: String,
        bytes: u64,
        most: u64,
    },
    ZipTooLarge {
        bytes: u64,
        most: u64,
    },
    ZipNoManifest {
        manifest: String,
    },
    /// Not a NACHA return file the portal reads, and why.
    NotNacha {
        fault: super::nacha_fault::NachaFault,
    },
    UnmatchedTrace {
        trace: String,
    },
}

impl ImportProblem {
    pub fn invalid(column: &str, expected: Expected) -> Self {
        Self::Invalid { column: column.to_string(), expected }
    }
}
