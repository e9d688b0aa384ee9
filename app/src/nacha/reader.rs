//! Reads a NACHA file back and checks what a bank checks: record lengths and types, every
//! batch's count, entry hash and totals against its entries, the file control against the
//! batches, and blocking to ten records.

pub use crate::domain::nacha_fault::NachaFault;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSummary {
    pub batches: usize,
    pub entries: usize,
    pub prenotes: usize,
    pub total_debit_cents: u64,
    pub entry_hash: u64,
}

/// The first fault of a file and its line; in English as the command line prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub line: usize,
    pub reason: NachaFault,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = crate::forms::nacha_fault_text(crate::i18n::Locale::en, &self.reason);
        write!(f, "line {}: {text}", self.line)
    }
}

impl std::error::Error for ReadError {}

pub(super) fn err(line: usize, reason: NachaFault) -> ReadError {
    ReadError { line, reason }
}

pub(super) fn num(line: usize, record: &str, from: usize, to: usize) -> Result<u64, ReadError> {
    let field = &record[from - 1..to];
    field
        .trim_start_matches(' ')
        .parse()
        .map_err(|_| err(line, NachaFault::NotANumber { from: from as u64, to: to as u64 }))
}

pub fn read(text: &str) -> Result<FileSummary, ReadError> {
    let records: Vec<&str> = text.lines().collect();
    check_shape(&records)?;
    let mut summary =
        FileSummary { batches: 0, entries: 0, prenotes: 0, total_debit_cents: 0, entry_hash: 0 };
    let mut i = 1;
    loop {
        let line = i + 1;
        let record = records.get(i).ok_or_else(|| err(line, NachaFault::NoFileControl))?;
        match &record[..1] {
            "5" => i = read_batch(&records, i, &mut summary)?,
            "9" => {
                check_file_control(&records, i, &summary)?;
                return Ok(summary);
            }
            other => {
                let record_type = other.to_string();
                return Err(err(line, NachaFault::UnexpectedRecordType { record_type }));
            }
        }
    }
}

/// Ten records a block, 94 ASCII characters each, starting with a file header.
pub(super) fn check_shape(records: &[&str]) -> Result<(), ReadError> {
    if records.is_empty() || !records.len().is_multiple_of(10) {
        return Err(err(records.len(), NachaFault::NotBlocked { records: records.len() as u64 }));
    }
    for (i, r) in records.iter().enumerate() {
        if r.len() != 94 || !r.is_ascii() {
            return Err(err(i + 1, NachaFault::RecordLength { found: r.len() as u64 }));
        }
    }
    if !records[0].starts_with("101 ") || &records[0][34..40] != "094101" {
        return Err(err(1, NachaFault::NotFileHeader));
    }
    Ok(())
}

/// Reads the batch whose header is record `i` into `summary`; returns the index after its
/// control.
fn read_batch(
    records: &[&str],
    mut i: usize,
    summary: &mut FileSummary,
) -> Result<usize, ReadError> {
    let batch_number = &records[i][87..94];
    let (mut count, mut hash, mut debits) = (0u64, 0u64, 0u64);
    i += 1;
    while records.get(i).is_some_and(|r| r.starts_with('6')) {
        let (routing_prefix, amount, prenote) = read_entry(records[i], i + 1)?;
        summary.prenotes += usize::from(prenote);
        hash += routing_prefix;
        debits += amount;
        count += 1;
        i += 1;
    }
    let control = records
        .get(i)
        .filter(|r| r.starts_with('8'))
        .ok_or_else(|| err(i + 1, NachaFault::BatchWithoutControl))?;
    let line = i + 1;
    if num(line, control, 5, 10)? != count {
        return Err(err(line, NachaFault::BatchEntryCount));
    }
    if num(line, control, 11, 20)? != hash % 10_000_000_000 {
        return Err(err(line, NachaFault::BatchEntryHash));
    }
    if num(line, control, 21, 32)? != debits || num(line, control, 33, 44)? != 0 {
        return Err(err(line, NachaFault::BatchTotals));
    }
    if &control[87..94] != batch_number {
        return Err(err(line, NachaFault::BatchNumber));
    }
    summary.batches += 1;
    summary.entries += count as usize;
    summary.entry_hash += hash;
    summary.total_debit_cents += debits;
    Ok(i + 1)
}

/// One entry detail record: the first eight digits of its routing number (for the hash),
/// its amount, and whether it is a prenote.
fn read_entry(entry: &str, line: usize) -> Result<(u64, u64, bool), ReadError> {
    let code = &entry[1..3];
    let amount = num(line, entry, 30, 39)?;
    let prenote = match code {
        "27" | "37" => false,
        "28" | "38" if amount == 0 => true,
        _ => {
            let code = code.to_string();
            return Err(err(line, NachaFault::TransactionCode { code, amount }));
        }
    };
    let routing = &entry[3..12];
    if crate::domain::RoutingNumber::parse(routing).is_err() {
        return Err(err(line, NachaFault::RoutingNumber { routing: routing.to_string() }));
    }
    Ok((num(line, entry, 4, 11)?, amount, prenote))
}

/// The file control at record `i` against the batches read, then only filler after it.
fn check_file_control(records: &[&str], i: usize, summary: &FileSummary) -> Result<(), ReadError> {
    let (line, record) = (i + 1, records[i]);
    if num(line, record, 2, 7)? != summary.batches as u64 {
        return Err(err(line, NachaFault::FileBatchCount));
    }
    if num(line, record, 8, 13)? != (i as u64 + 1).div_ceil(10) {
        return Err(err(line, NachaFault::FileBlockCount));
    }
    if num(line, record, 14, 21)? != summary.entries as u64 {
        return Err(err(line, NachaFault::FileEntryCount));
    }
    if num(line, record, 22, 31)? != summary.entry_hash % 10_000_000_000 {
        return Err(err(line, NachaFault::FileEntryHash));
    }
    if num(line, record, 32, 43)? != summary.total_debit_cents || num(line, record, 44, 55)? != 0 {
        return Err(err(line, NachaFault::FileTotals));
    }
    if records[i + 1..].iter().any(|r| *r != "9".repeat(94)) {
        return Err(err(i + 2, NachaFault::FillerAfterControl));
    }
    Ok(())
}
