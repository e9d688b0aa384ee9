//! NACHA (ACH) files for AutoPay's e-check debits: 94-character records, a file header,
//! one batch per SEC code (PPD or WEB), entries, batch and file controls with their counts,
//! entry hash and totals, padded with `9` records to a multiple of ten (blocking factor 10).
//! A reader checks all of that again, so that every file the portal writes is verified by
//! tests before a bank sees it. The bank's answers (returns and notices of change) are
//! read, and written for tests, by `returns`. Pure: no I/O, no database.

mod reader;
mod returns;
pub use reader::{read, FileSummary, NachaFault, ReadError};
pub use returns::{
    read_answers, write_answers, Answer, AnswerBatch, AnswerEntry, AnswerFile, Answered, Correction,
};

use crate::domain::{BankAccountType, RoutingNumber};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sec {
    /// Authorized in writing (paper).
    Ppd,
    /// Authorized on the internet: the portal's AutoPay enrollments.
    Web,
}

impl Sec {
    fn code(self) -> &'static str {
        match self {
            Self::Ppd => "PPD",
            Self::Web => "WEB",
        }
    }
}

/// One debit (or a zero-amount prenote that validates a new account).
#[derive(Debug, Clone)]
pub struct Entry {
    pub account_type: BankAccountType,
    pub prenote: bool,
    pub routing: RoutingNumber,
    /// Digits only, at most 17.
    pub account_number: String,
    pub amount_cents: i64,
    /// The portal's reference (e.g. the customer-account number), at most 15 characters.
    pub individual_id: String,
    pub individual_name: String,
    /// A WEB debit the customer authorized once (Pay Now), not a recurring one (AutoPay).
    pub single: bool,
    /// The last 7 digits of its trace number (the first 8 are the ODFI's): unique in the
    /// file, and chosen by the caller so that returns can name this entry for months.
    pub trace_sequence: u64,
}

/// An entry's trace number: the utility's bank's first 8 routing digits and 7 of its own.
pub fn trace_number(bank_routing: &RoutingNumber, sequence: u64) -> String {
    format!("{}{}", &bank_routing.as_str()[..8], number(sequence, 7))
}

#[derive(Debug, Clone)]
pub struct Batch {
    pub sec: Sec,
    pub company_name: String,
    /// The utility's company identification, 10 characters (often `1` + EIN).
    pub company_id: String,
    /// Shown on the customer's bank statement, at most 10 characters (e.g. "WATER BILL").
    pub entry_description: String,
    /// YYMMDD.
    pub effective_date: String,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
pub struct File {
    /// The utility's bank (ODFI) routing number: destination and trace numbers.
    pub bank_routing: RoutingNumber,
    pub bank_name: String,
    /// 10 characters.
    pub origin_id: String,
    pub origin_name: String,
    /// YYMMDD and HHMM.
    pub created_date: String,
    pub created_time: String,
    /// `A`–`Z` or `0`–`9`: tells apart files made the same day.
    pub file_id_modifier: char,
    pub batches: Vec<Batch>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    #[error("an account number has 1 to 17 digits")]
    AccountNumber,
    #[error("an amount is between $0.00 (prenotes only) and $99,999,999.99")]
    Amount,
    #[error("a date is YYMMDD and a time HHMM")]
    DateTime,
    #[error("the file id modifier is A-Z or 0-9")]
    Modifier,
    #[error("trace numbers are 1 to 9,999,999 and unique in a file")]
    Trace,
}

/// Letters and digits in upper case; accents folded, anything else a space, cut or padded
/// to `width`. NACHA text fields are upper-case ASCII.
fn alpha(text: &str, width: usize) -> String {
    let folded: String = text
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ã' => 'A',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'E',
            'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'I',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' => 'O',
            'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => 'U',
            'ñ' | 'Ñ' => 'N',
            'ç' | 'Ç' => 'C',
            c if c.is_ascii_alphanumeric() || " &-.,/'".contains(c) => c.to_ascii_uppercase(),
            _ => ' ',
        })
        .take(width)
        .collect();
    format!("{folded:<width$}")
}

fn number(value: u64, width: usize) -> String {
    let text = format!("{value:0width$}");
    // Counts and hashes keep their rightmost digits, as the rules say for the entry hash.
    text[text.len() - width..].to_string()
}

fn digits(text: &str, width: usize) -> bool {
    text.len() == width && text.bytes().all(|b| b.is_ascii_digit())
}

/// Transaction codes: 27/37 debit checking/savings, 28/38 their prenotes.
fn transaction_code(e: &Entry) -> &'static str {
    match (e.account_type, e.prenote) {
        (BankAccountType::Checking, false) => "27",
        (BankAccountType::Checking, true) => "28",
        (BankAccountType::Savings, false) => "37",
        (BankAccountType::Savings, true) => "38",
    }
}

/// Entry count, entry hash and debit total of a batch, and summed over the file.
#[derive(Default)]
struct Totals {
    entries: u64,
    hash: u64,
    debits: u64,
}

impl Totals {
    fn add(&mut self, other: &Totals) {
        self.entries += other.entries;
        self.hash += other.hash;
        self.debits += other.debits;
    }
}

/// Writes the file: lines of 94 characters, each ending in `\n`.
pub fn write(file: &File) -> Result<String, WriteError> {
    if !digits(&file.created_date, 6) || !digits(&file.created_time, 4) {
        return Err(WriteError::DateTime);
    }
    if !file.file_id_modifier.is_ascii_uppercase() && !file.file_id_modifier.is_ascii_digit() {
        return Err(WriteError::Modifier);
    }
    let mut traces: Vec<u64> =
        file.batches.iter().flat_map(|b| b.entries.iter().map(|e| e.trace_sequence)).collect();
    traces.sort_unstable();
    if traces.first() == Some(&0)
        || traces.last().is_some_and(|&t| t > 9_999_999)
        || traces.windows(2).any(|w| w[0] == w[1])
    {
        return Err(WriteError::Trace);
    }
    let mut lines = vec![file_header(file)];
    let mut totals = Totals::default();
    for (index, batch) in file.batches.iter().enumerate() {
        let odfi = &file.bank_routing.as_str()[..8];
        totals.add(&write_batch(&mut lines, batch, index as u64 + 1, odfi)?);
    }
    let records = lines.len() as u64 + 1;
    lines.push(format!(
        "9{}{}{}{}{}{}{}",
        number(file.batches.len() as u64, 6),
        number(records.div_ceil(10), 6),
        number(totals.entries, 8),
        number(totals.hash, 10),
        number(totals.debits, 12),
        number(0, 12),
        alpha("", 39)
    ));
    while lines.len() % 10 != 0 {
        lines.push("9".repeat(94));
    }
    Ok(lines.into_iter().map(|l| l + "\n").collect())
}

fn file_header(file: &File) -> String {
    format!(
        "101 {}{}{}{}{}094101{}{}{}",
        file.bank_routing.as_str(),
        alpha(&file.origin_id, 10),
        file.created_date,
        file.created_time,
        file.file_id_modifier,
        alpha(&file.bank_name, 23),
        alpha(&file.origin_name, 23),
        alpha("", 8)
    )
}

/// Appends one batch (header, entries, control) and returns its totals.
fn write_batch(
    lines: &mut Vec<String>,
    batch: &Batch,
    number_in_file: u64,
    odfi: &str,
) -> Result<Totals, WriteError> {
    if !digits(&batch.effective_date, 6) {
        return Err(WriteError::DateTime);
    }
    let batch_number = number(number_in_file, 7);
    lines.push(format!(
        "5225{}{}{}{}{}{}{}   1{}{}",
        alpha(&batch.company_name, 16),
        alpha("", 20),
        alpha(&batch.company_id, 10),
        batch.sec.code(),
        alpha(&batch.entry_description, 10),
        alpha("", 6),
        batch.effective_date,
        odfi,
        batch_number
    ));
    let mut totals = Totals::default();
    for entry in &batch.entries {
        let (line, amount) = entry_line(entry, batch.sec, odfi)?;
        lines.push(line);
        totals.entries += 1;
        totals.hash += entry.routing.as_str()[..8].parse::<u64>().unwrap_or(0);
        totals.debits += amount;
    }
    lines.push(format!(
        "8225{}{}{}{}{}{}{}{}{}",
        number(totals.entries, 6),
        number(totals.hash, 10),
        number(totals.debits, 12),
        number(0, 12),
        alpha(&batch.company_id, 10),
        alpha("", 19),
        alpha("", 6),
        odfi,
        batch_number
    ));
    Ok(totals)
}

/// One entry detail record and its amount in cents, after checking its fields.
fn entry_line(entry: &Entry, sec: Sec, odfi: &str) -> Result<(String, u64), WriteError> {
    if entry.account_number.is_empty()
        || entry.account_number.len() > 17
        || !entry.account_number.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(WriteError::AccountNumber);
    }
    let amount = u64::try_from(entry.amount_cents).map_err(|_| WriteError::Amount)?;
    if amount > 9_999_999_999 || (amount == 0) != entry.prenote {
        return Err(WriteError::Amount);
    }
    // WEB debits say whether the payment recurs ("R") or is single ("S").
    let discretionary = match (sec, entry.single) {
        (Sec::Web, false) => "R ",
        (Sec::Web, true) => "S ",
        _ => "  ",
    };
    let line = format!(
        "6{}{}{:<17}{}{}{}{}0{}{}",
        transaction_code(entry),
        entry.routing.as_str(),
        entry.account_number,
        number(amount, 10),
        alpha(&entry.individual_id, 15),
        alpha(&entry.individual_name, 22),
        discretionary,
        odfi,
        number(entry.trace_sequence, 7)
    );
    Ok((line, amount))
}

#[cfg(test)]
mod tests;
