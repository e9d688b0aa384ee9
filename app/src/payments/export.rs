//! The daily cash-receipts file for the utility's billing system (CIS): every payment the
//! CIS has not received yet, and a reversal for every payment the bank returned, as a CSV
//! (columns in `HEADER`, README "Posting payments to the billing system").
//!
//! Exactly once: an export's lines are claimed in the database first (`data::export`: a
//! payment and a reversal each join one export only), then the file is written from those
//! rows alone to a temporary name, synced and renamed into place, and only then marked
//! written. A run first writes again every export recorded but not written (one killed
//! between the two), identically, and only then claims new lines.

use super::data::export::{self as data, ClaimError, ExportLine, ExportRow};
use crate::domain::format::{decimal, iso_date};
use crate::domain::payment::reference;
use crate::domain::{Cents, PaymentId};
use crate::platform::failpoint;
use crate::platform::Db;
use std::io::Write;
use std::path::{Path, PathBuf};
use time::Date;

/// The CSV's header, the CIS's columns in order.
pub const HEADER: [&str; 11] = [
    "account_number",
    "customer_number",
    "payment_id",
    "reference",
    "amount",
    "fee",
    "method_kind",
    "effective_date",
    "status",
    "return_code",
    "reversal_of",
];

/// Where a new export goes.
#[derive(Debug, Clone)]
pub enum Destination {
    /// The configured folder (`export.folder`), under a name of the day and the export's id.
    Folder(PathBuf),
    /// A file the operator named (`--out`); it must not exist yet.
    File(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("writing {0}: {1}")]
    Io(String, std::io::Error),
    #[error("{0} already exists: choose another file (an export never replaces a file)")]
    Exists(String),
    #[error("another export already goes to {0}")]
    PathTaken(String),
}

/// One export file written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenExport {
    pub path: PathBuf,
    pub payments: usize,
    pub reversals: usize,
    /// Payments less reversals (fees aside).
    pub total: Cents,
}

/// What a run did: exports of earlier runs it wrote again, and its own new one (none when
/// the CIS has every payment already).
#[derive(Debug, Default)]
pub struct ExportReport {
    pub rewritten: Vec<WrittenExport>,
    pub new: Option<WrittenExport>,
}

/// Lines read from the database, and written, at a time: memory stays flat.
const PAGE: i64 = 1000;

/// Writes the exports earlier runs left unwritten, then claims and writes a new one with
/// every payment and reversal no export holds yet. Safe to run twice and on several
/// machines at once.
#[tracing::instrument(skip_all, fields(%today))]
pub async fn export_payments(
    db: &Db,
    destination: &Destination,
    today: Date,
) -> Result<ExportReport, ExportError> {
    let mut report = ExportReport::default();
    for row in data::unwritten(db).await? {
        report.rewritten.push(write(db, &row).await?);
    }
    let path_of: Box<dyn Fn(i64) -> String + Send> = match destination {
        Destination::Folder(folder) => {
            let folder = absolute(folder)?;
            let day = iso_date(today);
            Box::new(move |id| {
                folder.join(format!("payments-{day}-{id:06}.csv")).to_string_lossy().into_owned()
            })
        }
        Destination::File(file) => {
            let file = absolute(file)?.to_string_lossy().into_owned();
            if Path::new(&file).exists() || data::path_taken(db, &file).await? {
                return Err(ExportError::Exists(file));
            }
            Box::new(move |_| file.clone())
        }
    };
    let claimed = data::claim(db, path_of).await.map_err(|e| match e {
        ClaimError::Db(e) => ExportError::Db(e),
        ClaimError::PathTaken(p) => ExportError::PathTaken(p),
    })?;
    if let Some(row) = claimed {
        failpoint::hit("cis-export-claimed");
        report.new = Some(write(db, &row).await?);
    }
    Ok(report)
}

fn absolute(path: &Path) -> Result<PathBuf, ExportError> {
    std::path::absolute(path).map_err(|e| ExportError::Io(path.display().to_string(), e))
}

/// Writes a recorded export from its rows alone: to a temporary name beside it, page by
/// page, synced, renamed into place (the CIS never sees half a file), the folder synced;
/// then marked written. Written again, it is the same file byte for byte.
#[tracing::instrument(skip_all, fields(export = row.id, path = %row.path))]
async fn write(db: &Db, row: &ExportRow) -> Result<WrittenExport, ExportError> {
    let path = PathBuf::from(&row.path);
    let io = |e: std::io::Error| ExportError::Io(row.path.clone(), e);
    let folder = path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&folder).map_err(io)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // Two runs may write the same export at once: each has its own temporary file.
    let temporary =
        folder.join(format!(".{name}.{}.partial", crate::platform::tokens::random_token()));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&temporary).map_err(io)?);
    file.write_all(&csv_record(&HEADER.map(String::from))).map_err(io)?;
    let (mut payments, mut reversals, mut total) = (0, 0, 0i64);
    let mut after: Option<(PaymentId, String)> = None;
    loop {
        let last = after.as_ref().map(|(id, kind)| (*id, kind.as_str()));
        let lines = data::lines_after(db, row.id, last, PAGE).await?;
        let Some(end) = lines.last() else { break };
        after = Some((end.payment_id, end.kind.clone()));
        for line in &lines {
            match line.kind.as_str() {
                "reversal" => reversals += 1,
                _ => payments += 1,
            }
            total += line.amount_cents;
            file.write_all(&csv_record(&fields(line))).map_err(io)?;
        }
        file.flush().map_err(io)?;
        failpoint::hit("cis-export-writing");
    }
    let file = file.into_inner().map_err(|e| io(e.into_error()))?;
    let (from, to) = (temporary.clone(), path.clone());
    tokio::task::spawn_blocking(move || {
        file.sync_all()?;
        drop(file);
        std::fs::rename(&from, &to)?;
        // The rename itself is made durable by syncing the folder.
        if let Some(dir) = to.parent().and_then(|d| std::fs::File::open(d).ok()) {
            let _ = dir.sync_all();
        }
        Ok(())
    })
    .await
    .map_err(|e| io(std::io::Error::other(e)))?
    .map_err(io)?;
    failpoint::hit("cis-export-renamed");
    data::mark_written(db, row.id).await?;
    Ok(WrittenExport { path, payments, reversals, total: Cents(total) })
}

/// A line's cells, in `HEADER`'s order. A reversal repeats its payment's id and reference,
/// with the amount and fee negative, the return's day as its date and `reversal_of` naming
/// the payment.
pub fn fields(line: &ExportLine) -> [String; 11] {
    let reversal = line.kind == "reversal";
    let date = match (&line.effective_date, line.returned_at) {
        (Some(d), _) => d.clone(),
        (None, Some(at)) => time::OffsetDateTime::from_unix_timestamp(at)
            .map(|t| iso_date(t.date()))
            .unwrap_or_default(),
        (None, None) => String::new(),
    };
    [
        line.account_number.clone(),
        line.customer_number.clone(),
        line.payment_id.0.to_string(),
        reference(line.payment_id.0),
        decimal(Cents(line.amount_cents)),
        decimal(Cents(line.fee_cents)),
        line.method_kind.clone(),
        date,
        line.status.clone(),
        line.return_code.clone().unwrap_or_default(),
        if reversal { line.payment_id.0.to_string() } else { String::new() },
    ]
}

/// One CSV record (RFC 4180: quoted when needed, CRLF-terminated).
fn csv_record(cells: &[String]) -> Vec<u8> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(128));
    // Writing to memory cannot fail.
    let _ = out.write_record(cells);
    out.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(kind: &str) -> ExportLine {
        ExportLine {
            payment_id: PaymentId(42),
            kind: kind.into(),
            account_number: "1234567".into(),
            customer_number: "00345678".into(),
            amount_cents: if kind == "reversal" { -8417 } else { 8417 },
            fee_cents: if kind == "reversal" { -150 } else { 150 },
            method_kind: "echeck".into(),
            effective_date: (kind == "payment").then(|| "2026-12-01".into()),
            // 2026-12-09 14:00 UTC
            returned_at: (kind == "reversal").then_some(1_796_824_800),
            status: if kind == "reversal" { "returned" } else { "submitted" }.into(),
            return_code: (kind == "reversal").then(|| "R01".into()),
        }
    }

    #[test]
    fn a_payment_and_its_reversal_are_exact_decimal_lines() {
        let payment = csv_record(&fields(&line("payment")));
        assert_eq!(
            String::from_utf8(payment).unwrap(),
            "1234567,00345678,42,P00000042,84.17,1.50,echeck,2026-12-01,submitted,,\r\n"
        );
        let reversal = csv_record(&fields(&line("reversal")));
        assert_eq!(
            String::from_utf8(reversal).unwrap(),
            "1234567,00345678,42,P00000042,-84.17,-1.50,echeck,2026-12-09,returned,R01,42\r\n"
        );
        assert_eq!(
            String::from_utf8(csv_record(&HEADER.map(String::from))).unwrap(),
            "account_number,customer_number,payment_id,reference,amount,fee,method_kind,\
             effective_date,status,return_code,reversal_of\r\n"
        );
    }
}
