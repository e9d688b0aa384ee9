//! `server import bill-documents MANIFEST.csv`: the utility's PDF of each bill. The manifest
//! names, per row, a bill (`account_number`, `bill_date`) and its `file`, a path relative to
//! the manifest's folder. As every import: each row is checked (the bill exists, the file is
//! there, is a PDF and is not too big) before anything is written, then all of it is written
//! in one transaction, or nothing.
//!
//! Idempotent: a file whose SHA-256 is the one stored for its bill changes nothing; a
//! different file for a bill that has one replaces it (a reissued bill), and is counted as
//! updated. Files are read one at a time (checked, then read again while written and
//! compared with what was checked), so a month of bills never sits in memory at once.

use super::records::{account_number, iso_date};
use super::{read_records, row_error, ImportError, ImportProblem, ImportReport, Problems};
use crate::domain::autopay::calendar;
use crate::domain::import_problem::PdfFault;
use crate::domain::{AccountNumber, BillId};
use crate::platform::db::{now, Db, WriteLock};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

pub use crate::domain::import_problem::MAX_PDF_BYTES;

/// Where a PDF's end-of-file marker may be: within its last 1,024 bytes (PDF 1.7, 7.5.5).
const EOF_WINDOW: usize = 1024;

#[derive(Debug, serde::Deserialize)]
struct DocumentRow {
    account_number: String,
    bill_date: String,
    file: String,
}

/// A manifest row whose file was found and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    pub account_number: AccountNumber,
    pub bill_date: time::Date,
    pub path: PathBuf,
    /// The path as the manifest wrote it.
    pub shown: String,
    /// Hex SHA-256 of the file as checked.
    pub sha256: String,
    pub size: u64,
}

/// Checks that `bytes` are a PDF: the `%PDF-` header and a `%%EOF` marker at the end.
pub fn check_pdf(bytes: &[u8]) -> Result<(), PdfFault> {
    if bytes.len() as u64 > MAX_PDF_BYTES {
        return Err(PdfFault::TooLarge(bytes.len() as u64));
    }
    if bytes.is_empty() {
        return Err(PdfFault::Empty);
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(PdfFault::NotPdf);
    }
    let tail = &bytes[bytes.len().saturating_sub(EOF_WINDOW)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(PdfFault::Truncated);
    }
    Ok(())
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads a PDF named by a manifest (its size checked before it is read) and checks it.
/// `shown` is the path as the manifest wrote it.
fn read_pdf(path: &Path, shown: &str) -> Result<Vec<u8>, ImportProblem> {
    let file = || shown.to_string();
    let unreadable = |_| ImportProblem::FileUnreadable { file: file() };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > MAX_PDF_BYTES {
        return Err(ImportProblem::Pdf { file: file(), fault: PdfFault::TooLarge(size) });
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    check_pdf(&bytes).map_err(|fault| ImportProblem::Pdf { file: file(), fault })?;
    Ok(bytes)
}

fn parse_row(row: DocumentRow, folder: &Path) -> Result<DocumentRecord, ImportProblem> {
    let account_number = account_number(&row.account_number)?;
    let bill_date = iso_date(&row.bill_date, "bill_date")?;
    let file = row.file.trim();
    if file.is_empty() {
        return Err(ImportProblem::Empty { column: "file".into() });
    }
    // Only the manifest's own folder: a bill's PDF from anywhere else on the server (an
    // uploaded zip's manifest naming `../…`) is refused.
    let inside =
        Path::new(file).components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !inside {
        return Err(ImportProblem::FileOutsideFolder { file: file.into() });
    }
    let path = folder.join(file);
    let bytes = read_pdf(&path, file)?;
    Ok(DocumentRecord {
        account_number,
        bill_date,
        shown: file.to_string(),
        path,
        sha256: sha256_hex(&bytes),
        size: bytes.len() as u64,
    })
}

/// Every row of a manifest, parsed and its file checked, with its line number; every
/// wrong row is listed. `folder` is the manifest's folder (files are relative to it).
pub fn parse_documents(
    input: impl Read,
    folder: &Path,
) -> Result<Vec<(u64, DocumentRecord)>, ImportError> {
    let mut problems = Problems::default();
    let rows: Vec<(u64, DocumentRow)> = read_records(input, &mut problems)?;
    let mut seen: HashMap<(AccountNumber, time::Date), u64> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for (line, row) in rows {
        let record = match parse_row(row, folder) {
            Ok(record) => record,
            Err(reason) => {
                problems.add(line, reason);
                continue;
            }
        };
        let bill = (record.account_number, record.bill_date);
        if let Some(first) = seen.insert(bill, line) {
            problems.add(line, ImportProblem::SameBillTwice { first_line: first });
            continue;
        }
        out.push((line, record));
    }
    problems.or(out)
}

/// Checks and writes a manifest (see the module's comment).
pub async fn import_bill_documents(
    db: &Db,
    input: impl Read,
    folder: &Path,
) -> Result<ImportReport, ImportError> {
    write_documents(db, &parse_documents(input, folder)?).await
}

/// What is to be done with one checked row.
struct Planned<'a> {
    line: u64,
    record: &'a DocumentRecord,
    bill_id: BillId,
    /// The SHA-256 of the bill's stored PDF, if it has one.
    stored: Option<String>,
}

/// Finds each row's bill (every row, before anything is written), then writes the files
/// that are new or changed, all in one transaction.
pub async fn write_documents(
    db: &Db,
    records: &[(u64, DocumentRecord)],
) -> Result<ImportReport, ImportError> {
    let mut tx = db.begin_write(WriteLock::Database).await?;
    let mut planned = Vec::with_capacity(records.len());
    for (line, record) in records {
        planned.push(plan(&mut tx, *line, record).await?);
    }
    let mut report = ImportReport { rows: records.len(), ..Default::default() };
    let at = now();
    for p in planned {
        if p.stored.as_deref() == Some(p.record.sha256.as_str()) {
            report.unchanged += 1;
            continue;
        }
        // Read again, and refuse a file that changed since it was checked.
        let shown = &p.record.shown;
        let bytes = read_pdf(&p.record.path, shown).map_err(|why| row_error(p.line, why))?;
        if sha256_hex(&bytes) != p.record.sha256 {
            return Err(row_error(p.line, ImportProblem::FileChanged { file: shown.clone() }));
        }
        let statement = if p.stored.is_some() {
            report.updated += 1;
            "UPDATE bill_documents SET pdf = $2, sha256 = $3, size_bytes = $4, updated_at = $5 \
             WHERE bill_id = $1"
        } else {
            report.inserted += 1;
            "INSERT INTO bill_documents (bill_id, pdf, sha256, size_bytes, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5)"
        };
        sqlx::query(statement)
            .bind(p.bill_id)
            .bind(bytes)
            .bind(&p.record.sha256)
            .bind(p.record.size as i64)
            .bind(at)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(report)
}

/// The row's bill (it must be in the portal already) and the hash of its stored PDF.
async fn plan<'a>(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    line: u64,
    record: &'a DocumentRecord,
) -> Result<Planned<'a>, ImportError> {
    let number = record.account_number.as_padded();
    let account: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM accounts WHERE account_number = $1")
            .bind(&number)
            .fetch_optional(&mut **tx)
            .await?;
    if account.is_none() {
        return Err(row_error(line, ImportProblem::UnknownAccount { account: number }));
    }
    let bill: Option<(BillId, Option<String>)> = sqlx::query_as(
        "SELECT b.id, d.sha256 FROM accounts a JOIN bills b ON b.account_id = a.id \
         LEFT JOIN bill_documents d ON d.bill_id = b.id \
         WHERE a.account_number = $1 AND b.bill_date = $2",
    )
    .bind(&number)
    .bind(calendar::iso(record.bill_date))
    .fetch_optional(&mut **tx)
    .await?;
    let Some((bill_id, stored)) = bill else {
        let bill_date = calendar::iso(record.bill_date);
        return Err(row_error(line, ImportProblem::NoSuchBill { account: number, bill_date }));
    };
    Ok(Planned { line, record, bill_id, stored })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_has_its_header_and_its_end_marker() {
        assert_eq!(check_pdf(b"%PDF-1.4\n1 0 obj\n%%EOF\n"), Ok(()));
        assert_eq!(check_pdf(b"%PDF-1.7 ... %%EOF"), Ok(()));
        assert_eq!(check_pdf(b""), Err(PdfFault::Empty));
        assert_eq!(check_pdf(b"<html>%%EOF"), Err(PdfFault::NotPdf));
        assert_eq!(check_pdf(b"%PDF-1.4\n1 0 obj\n"), Err(PdfFault::Truncated));
        let mut far = b"%PDF-1.4 %%EOF".to_vec();
        far.extend(std::iter::repeat_n(b' ', EOF_WINDOW));
        assert_eq!(check_pdf(&far), Err(PdfFault::Truncated), "the marker must be at the end");
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_PDF_BYTES as usize + 1, b' ');
        assert_eq!(check_pdf(&big), Err(PdfFault::TooLarge(MAX_PDF_BYTES + 1)));
    }
}
