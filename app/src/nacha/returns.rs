//! The bank's answers to the portal's debits, as NACHA files: returns (each entry followed
//! by a type-99 addenda: return reason, original trace number, original RDFI) and notices
//! of change (COR batches, each entry followed by a type-98 addenda: change code and the
//! corrected data, at Nacha's positions). `read_answers` checks what a bank checks and
//! yields every entry with its line; `write_answers` makes such files (the tests build
//! returns and notices with it). Pure: no I/O, no database.

use super::reader::{check_shape, err, num, NachaFault, ReadError};
use super::{alpha, number};
use crate::domain::ach_return::{ChangeCode, ReturnCode};
use crate::domain::{BankAccountNumber, BankAccountType, RoutingNumber};

/// What the bank says about one original entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Return { code: ReturnCode },
    Change { code: ChangeCode, correction: Correction },
}

/// The corrected details of a notice of change; what its code does not correct is None.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Correction {
    pub routing: Option<RoutingNumber>,
    pub account_number: Option<BankAccountNumber>,
    pub account_type: Option<BankAccountType>,
}

/// One entry of a return or notice-of-change file, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    /// The line of its entry detail record (1-based).
    pub line: usize,
    /// 26/36 (a debit's return or notice), 28/38 (a prenote's).
    pub transaction_code: u8,
    pub amount_cents: u64,
    /// The trace number of the portal's entry it answers.
    pub original_trace: String,
    /// The first 8 digits of the customer's bank's routing number.
    pub original_rdfi: String,
    pub answer: Answer,
}

impl Answered {
    pub fn is_prenote(&self) -> bool {
        matches!(self.transaction_code, 28 | 38)
    }
}

/// An entry of a file to write: what it answers and how.
#[derive(Debug, Clone)]
pub struct AnswerEntry {
    pub transaction_code: u8,
    /// The customer's bank account as the original entry had it.
    pub routing: RoutingNumber,
    pub account_number: String,
    pub amount_cents: u64,
    pub individual_id: String,
    pub individual_name: String,
    pub original_trace: String,
    pub answer: Answer,
}

#[derive(Debug, Clone)]
pub struct AnswerBatch {
    /// The original entries' SEC code (`PPD`, `WEB`), or `COR` for notices of change.
    pub sec: String,
    pub company_name: String,
    pub company_id: String,
    pub entry_description: String,
    /// YYMMDD.
    pub effective_date: String,
    pub entries: Vec<AnswerEntry>,
}

#[derive(Debug, Clone)]
pub struct AnswerFile {
    /// The originator's bank, to which the answers go: the file's destination.
    pub odfi: RoutingNumber,
    /// The bank that answers: the file's origin, and the first 8 digits of its traces.
    pub rdfi: RoutingNumber,
    /// YYMMDD and HHMM.
    pub created_date: String,
    pub created_time: String,
    pub file_id_modifier: char,
    pub batches: Vec<AnswerBatch>,
}

/// The 29 characters of a notice's corrected data, at Nacha's positions for its code:
/// C01 account (1–17); C02 routing (1–9); C03 routing (1–9), account (13–29); C05
/// transaction code (1–2); C06 account (1–17), transaction code (21–22); C07 routing (1–9),
/// account (10–26), transaction code (27–28).
fn corrected_data(code: ChangeCode, c: &Correction) -> String {
    let routing = c.routing.as_ref().map(|r| r.as_str().to_string()).unwrap_or_default();
    let account = c.account_number.as_ref().map(|a| a.expose().to_string()).unwrap_or_default();
    let tc = match c.account_type {
        Some(BankAccountType::Checking) => "27",
        Some(BankAccountType::Savings) => "37",
        None => "",
    };
    let text = match code {
        ChangeCode::C01 => account,
        ChangeCode::C02 => routing,
        ChangeCode::C03 => format!("{routing:<9}   {account}"),
        ChangeCode::C05 => tc.to_string(),
        ChangeCode::C06 => format!("{account:<17}   {tc}"),
        ChangeCode::C07 => format!("{routing:<9}{account:<17}{tc}"),
        ChangeCode::Other(_) => String::new(),
    };
    format!("{text:<29}")
}

/// Writes the file: header, batches (each entry followed by its addenda), controls,
/// blocked to ten records.
pub fn write_answers(file: &AnswerFile) -> String {
    let mut lines = vec![format!(
        "101 {}{}{}{}{}094101{}{}{}",
        file.odfi.as_str(),
        alpha(&format!(" {}", file.rdfi.as_str()), 10),
        file.created_date,
        file.created_time,
        file.file_id_modifier,
        alpha("ORIGINATOR BANK", 23),
        alpha("RECEIVING BANK", 23),
        alpha("", 8)
    )];
    let rdfi8 = &file.rdfi.as_str()[..8];
    let (mut count, mut hash, mut debits, mut sequence) = (0u64, 0u64, 0u64, 0u64);
    for (index, batch) in file.batches.iter().enumerate() {
        let batch_number = number(index as u64 + 1, 7);
        lines.push(format!(
            "5225{}{}{}{}{}{}{}   1{}{}",
            alpha(&batch.company_name, 16),
            alpha("", 20),
            alpha(&batch.company_id, 10),
            alpha(&batch.sec, 3),
            alpha(&batch.entry_description, 10),
            alpha("", 6),
            batch.effective_date,
            rdfi8,
            batch_number
        ));
        let (mut b_count, mut b_hash, mut b_debits) = (0u64, 0u64, 0u64);
        for e in &batch.entries {
            sequence += 1;
            let trace = format!("{rdfi8}{}", number(sequence, 7));
            lines.push(format!(
                "6{:02}{}{:<17}{}{}{}  1{trace}",
                e.transaction_code,
                e.routing.as_str(),
                e.account_number,
                number(e.amount_cents, 10),
                alpha(&e.individual_id, 15),
                alpha(&e.individual_name, 22),
            ));
            lines.push(match &e.answer {
                Answer::Return { code } => format!(
                    "799{code}{:<15}      {}{}{trace}",
                    e.original_trace,
                    &e.routing.as_str()[..8],
                    alpha("", 44)
                ),
                Answer::Change { code, correction } => format!(
                    "798{code}{:<15}      {}{}{}{trace}",
                    e.original_trace,
                    &e.routing.as_str()[..8],
                    corrected_data(*code, correction),
                    alpha("", 15)
                ),
            });
            b_count += 2;
            b_hash += e.routing.as_str()[..8].parse::<u64>().unwrap_or(0);
            b_debits += e.amount_cents;
        }
        lines.push(format!(
            "8225{}{}{}{}{}{}{}{}{}",
            number(b_count, 6),
            number(b_hash, 10),
            number(b_debits, 12),
            number(0, 12),
            alpha(&batch.company_id, 10),
            alpha("", 19),
            alpha("", 6),
            rdfi8,
            batch_number
        ));
        (count, hash, debits) = (count + b_count, hash + b_hash, debits + b_debits);
    }
    let records = lines.len() as u64 + 1;
    lines.push(format!(
        "9{}{}{}{}{}{}{}",
        number(file.batches.len() as u64, 6),
        number(records.div_ceil(10), 6),
        number(count, 8),
        number(hash, 10),
        number(debits, 12),
        number(0, 12),
        alpha("", 39)
    ));
    while lines.len() % 10 != 0 {
        lines.push("9".repeat(94));
    }
    lines.into_iter().map(|l| l + "\n").collect()
}

/// Totals of a batch or of the file as its entries add up.
#[derive(Default)]
struct Sums {
    records: u64,
    hash: u64,
    debits: u64,
    credits: u64,
}

/// Reads a return or notice-of-change file, checking it as a bank does: every record 94
/// characters, blocked to ten, the file header, each batch's header and control (entry and
/// addenda count, entry hash, debit and credit totals, batch number), each entry's addenda
/// (its indicator, type 99 for returns and 98 in COR batches, the entry's trace), and the
/// file control. The first problem is the error, with its line.
pub fn read_answers(text: &str) -> Result<Vec<Answered>, ReadError> {
    let records: Vec<&str> = text.lines().collect();
    check_shape(&records)?;
    let mut answers = Vec::new();
    let (mut file_sums, mut batches) = (Sums::default(), 0u64);
    let mut i = 1;
    loop {
        let record = records.get(i).ok_or_else(|| err(i + 1, NachaFault::NoFileControl))?;
        match &record[..1] {
            "5" => {
                let sums;
                (i, sums) = read_batch(&records, i, &mut answers)?;
                file_sums.records += sums.records;
                file_sums.hash += sums.hash;
                file_sums.debits += sums.debits;
                file_sums.credits += sums.credits;
                batches += 1;
            }
            "9" => {
                check_control(&records, i, batches, &file_sums)?;
                return Ok(answers);
            }
            other => {
                let record_type = other.to_string();
                return Err(err(i + 1, NachaFault::UnexpectedRecordType { record_type }));
            }
        }
    }
}

fn check_control(records: &[&str], i: usize, batches: u64, sums: &Sums) -> Result<(), ReadError> {
    let (line, record) = (i + 1, records[i]);
    if num(line, record, 2, 7)? != batches {
        return Err(err(line, NachaFault::FileBatchCount));
    }
    if num(line, record, 8, 13)? != (i as u64 + 1).div_ceil(10) {
        return Err(err(line, NachaFault::FileBlockCount));
    }
    if num(line, record, 14, 21)? != sums.records {
        return Err(err(line, NachaFault::FileEntryCount));
    }
    if num(line, record, 22, 31)? != sums.hash % 10_000_000_000 {
        return Err(err(line, NachaFault::FileEntryHash));
    }
    if num(line, record, 32, 43)? != sums.debits || num(line, record, 44, 55)? != sums.credits {
        return Err(err(line, NachaFault::FileTotals));
    }
    if let Some(k) = records[i + 1..].iter().position(|r| *r != "9".repeat(94)) {
        return Err(err(i + 2 + k, NachaFault::FillerAfterControl));
    }
    Ok(())
}

/// Reads the batch whose header is record `i`; returns the index after its control and
/// its sums.
fn read_batch(
    records: &[&str],
    mut i: usize,
    answers: &mut Vec<Answered>,
) -> Result<(usize, Sums), ReadError> {
    let header = records[i];
    if !matches!(&header[1..4], "200" | "220" | "225") {
        return Err(err(i + 1, NachaFault::ServiceClass { code: header[1..4].to_string() }));
    }
    let cor = &header[50..53] == "COR";
    let batch_number = &header[87..94];
    let mut sums = Sums::default();
    i += 1;
    while records.get(i).is_some_and(|r| r.starts_with('6')) {
        let answered = read_entry(records, i, cor)?;
        sums.hash += num(i + 1, records[i], 4, 11)?;
        match answered.transaction_code {
            21 | 31 => sums.credits += answered.amount_cents,
            _ => sums.debits += answered.amount_cents,
        }
        sums.records += 2;
        answers.push(answered);
        i += 2;
    }
    let line = i + 1;
    let control = records
        .get(i)
        .filter(|r| r.starts_with('8'))
        .ok_or_else(|| err(line, NachaFault::BatchWithoutControl))?;
    if control[1..4] != header[1..4] {
        return Err(err(line, NachaFault::BatchServiceClassDiffers));
    }
    if num(line, control, 5, 10)? != sums.records {
        return Err(err(line, NachaFault::BatchEntryCount));
    }
    if num(line, control, 11, 20)? != sums.hash % 10_000_000_000 {
        return Err(err(line, NachaFault::BatchEntryHash));
    }
    if num(line, control, 21, 32)? != sums.debits || num(line, control, 33, 44)? != sums.credits {
        return Err(err(line, NachaFault::BatchTotals));
    }
    if &control[87..94] != batch_number {
        return Err(err(line, NachaFault::BatchNumber));
    }
    Ok((i + 1, sums))
}

/// The entry at record `i` and its addenda at `i + 1`.
fn read_entry(records: &[&str], i: usize, cor: bool) -> Result<Answered, ReadError> {
    let (line, entry) = (i + 1, records[i]);
    let code = num(line, entry, 2, 3)? as u8;
    let amount = num(line, entry, 30, 39)?;
    match code {
        26 | 36 if !cor || amount == 0 => {}
        28 | 38 if amount == 0 => {}
        _ => {
            let code = format!("{code:02}");
            return Err(err(line, NachaFault::TransactionCode { code, amount }));
        }
    }
    let routing = &entry[3..12];
    if RoutingNumber::parse(routing).is_err() {
        return Err(err(line, NachaFault::RoutingNumber { routing: routing.to_string() }));
    }
    if &entry[78..79] != "1" {
        return Err(err(line, NachaFault::AddendaIndicator));
    }
    let addenda_line = line + 1;
    let addenda = records
        .get(i + 1)
        .filter(|r| r.starts_with('7'))
        .ok_or_else(|| err(addenda_line, NachaFault::AddendaMissing))?;
    let expected = if cor { "98" } else { "99" };
    if &addenda[1..3] != expected {
        let (found, expected) = (addenda[1..3].to_string(), expected.to_string());
        return Err(err(addenda_line, NachaFault::AddendaType { found, expected }));
    }
    if addenda[79..94] != entry[79..94] {
        return Err(err(addenda_line, NachaFault::AddendaTrace));
    }
    let original_trace = addenda[6..21].to_string();
    let original_rdfi = addenda[27..35].to_string();
    if !original_trace.bytes().all(|b| b.is_ascii_digit())
        || !original_rdfi.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(err(addenda_line, NachaFault::OriginalTraceNotDigits));
    }
    let reason = &addenda[3..6];
    let answer = if cor {
        let code = ChangeCode::parse(reason)
            .map_err(|_| err(addenda_line, NachaFault::ChangeCode { code: reason.to_string() }))?;
        // The fault names the code; what in its data is wrong, the file shows at its positions.
        let correction = read_correction(code, &addenda[35..64])
            .map_err(|_| err(addenda_line, NachaFault::CorrectedData { code: code.to_string() }))?;
        Answer::Change { code, correction }
    } else {
        Answer::Return {
            code: ReturnCode::parse(reason).map_err(|_| {
                err(addenda_line, NachaFault::ReturnCode { code: reason.to_string() })
            })?,
        }
    };
    Ok(Answered {
        line,
        transaction_code: code,
        amount_cents: amount,
        original_trace,
        original_rdfi,
        answer,
    })
}

/// The corrected data (29 characters) of a notice, read at its code's positions.
fn read_correction(code: ChangeCode, data: &str) -> Result<Correction, String> {
    let routing = |from: usize, to: usize| {
        RoutingNumber::parse(&data[from..to]).map(Some).map_err(|e| e.to_string())
    };
    let account = |from: usize, to: usize| {
        BankAccountNumber::parse(data[from..to].trim_end()).map(Some).map_err(|e| e.to_string())
    };
    let account_type = |from: usize| match &data[from..from + 2] {
        "22" | "23" | "27" | "28" => Ok(Some(BankAccountType::Checking)),
        "32" | "33" | "37" | "38" => Ok(Some(BankAccountType::Savings)),
        other => Err(format!("transaction code {other:?} is not a checking or savings one")),
    };
    let blank = |from: usize, to: usize| {
        if data[from..to].trim().is_empty() {
            Ok(())
        } else {
            Err(format!("positions {}-{to} are not blank", from + 1))
        }
    };
    let mut c = Correction::default();
    match code {
        ChangeCode::C01 => c.account_number = account(0, 17)?,
        ChangeCode::C02 => c.routing = routing(0, 9)?,
        ChangeCode::C03 => {
            blank(9, 12)?;
            (c.routing, c.account_number) = (routing(0, 9)?, account(12, 29)?);
        }
        ChangeCode::C05 => c.account_type = account_type(0)?,
        ChangeCode::C06 => {
            blank(17, 20)?;
            (c.account_number, c.account_type) = (account(0, 17)?, account_type(20)?);
        }
        ChangeCode::C07 => {
            (c.routing, c.account_number, c.account_type) =
                (routing(0, 9)?, account(9, 26)?, account_type(26)?);
        }
        ChangeCode::Other(_) => {}
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routing(r: &str) -> RoutingNumber {
        RoutingNumber::parse(r).unwrap()
    }

    fn entry(code: u8, cents: u64, trace: &str, answer: Answer) -> AnswerEntry {
        AnswerEntry {
            transaction_code: code,
            routing: routing("091000019"),
            account_number: "123456789".into(),
            amount_cents: cents,
            individual_id: "123456781234567".into(),
            individual_name: "Alex Rivera".into(),
            original_trace: trace.into(),
            answer,
        }
    }

    fn batch(sec: &str, entries: Vec<AnswerEntry>) -> AnswerBatch {
        AnswerBatch {
            sec: sec.into(),
            company_name: "Medford Water".into(),
            company_id: "1930000000".into(),
            entry_description: "WATER BILL".into(),
            effective_date: "270621".into(),
            entries,
        }
    }

    fn file(batches: Vec<AnswerBatch>) -> String {
        write_answers(&AnswerFile {
            odfi: routing("091000019"),
            rdfi: routing("021000021"),
            created_date: "270623".into(),
            created_time: "0600".into(),
            file_id_modifier: 'A',
            batches,
        })
    }

    fn r(code: &str) -> Answer {
        Answer::Return { code: ReturnCode::parse(code).unwrap() }
    }

    fn change(code: &str, correction: Correction) -> Answer {
        Answer::Change { code: ChangeCode::parse(code).unwrap(), correction }
    }

    fn sample() -> String {
        let all = Correction {
            routing: Some(routing("021000021")),
            account_number: Some(BankAccountNumber::parse("99887766554433221").unwrap()),
            account_type: Some(BankAccountType::Savings),
        };
        file(vec![
            batch(
                "WEB",
                vec![
                    entry(26, 6120, "091000010000001", r("R01")),
                    entry(36, 4410, "091000010000002", r("R10")),
                ],
            ),
            batch(
                "COR",
                vec![
                    entry(26, 0, "091000010000003", change("C07", all)),
                    entry(
                        38,
                        0,
                        "091000010000004",
                        change(
                            "C05",
                            Correction {
                                account_type: Some(BankAccountType::Checking),
                                ..Default::default()
                            },
                        ),
                    ),
                ],
            ),
        ])
    }

    #[test]
    fn returns_and_notices_read_back_with_their_lines() {
        let text = sample();
        assert!(text.lines().all(|l| l.len() == 94));
        assert_eq!(text.lines().count() % 10, 0);
        let read = read_answers(&text).unwrap();
        assert_eq!(read.len(), 4);
        assert_eq!((read[0].line, read[1].line, read[2].line, read[3].line), (3, 5, 9, 11));
        assert_eq!(read[0].answer, r("R01"));
        assert_eq!(
            (read[0].amount_cents, read[0].original_trace.as_str()),
            (6120, "091000010000001")
        );
        assert_eq!(read[0].original_rdfi, "09100001");
        assert_eq!(read[1].answer, r("R10"));
        let Answer::Change { code, correction } = &read[2].answer else { panic!() };
        assert_eq!(*code, ChangeCode::C07);
        assert_eq!(correction.routing.as_ref().unwrap().as_str(), "021000021");
        assert_eq!(correction.account_number.as_ref().unwrap().expose(), "99887766554433221");
        assert_eq!(correction.account_type, Some(BankAccountType::Savings));
        assert!(read[3].is_prenote() && !read[2].is_prenote());
    }

    #[test]
    fn every_correction_is_at_nachas_positions() {
        let account = || Some(BankAccountNumber::parse("5555444433").unwrap());
        let cases = [
            (
                "C01",
                Correction { account_number: account(), ..Default::default() },
                "5555444433                   ",
            ),
            (
                "C02",
                Correction { routing: Some(routing("021000021")), ..Default::default() },
                "021000021                    ",
            ),
            (
                "C03",
                Correction {
                    routing: Some(routing("021000021")),
                    account_number: account(),
                    ..Default::default()
                },
                "021000021   5555444433       ",
            ),
            (
                "C05",
                Correction { account_type: Some(BankAccountType::Savings), ..Default::default() },
                "37                           ",
            ),
            (
                "C06",
                Correction {
                    account_number: account(),
                    account_type: Some(BankAccountType::Checking),
                    ..Default::default()
                },
                "5555444433          27       ",
            ),
            (
                "C07",
                Correction {
                    routing: Some(routing("021000021")),
                    account_number: account(),
                    account_type: Some(BankAccountType::Checking),
                },
                "0210000215555444433       27  ",
            ),
        ];
        for (code, correction, data) in cases {
            let text = file(vec![batch(
                "COR",
                vec![entry(26, 0, "091000010000001", change(code, correction.clone()))],
            )]);
            let addenda = text.lines().nth(3).unwrap();
            assert_eq!(&addenda[35..64], &data[..29], "{code}");
            let read = read_answers(&text).unwrap();
            assert_eq!(read[0].answer, change(code, correction), "{code}");
        }
    }

    /// The sample with line `n` (1-based) changed by `f`.
    fn broken(n: usize, f: impl Fn(&str) -> String) -> String {
        sample()
            .lines()
            .enumerate()
            .map(|(i, l)| if i + 1 == n { f(l) } else { l.to_string() } + "\n")
            .collect()
    }

    fn set(line: &str, at: usize, text: &str) -> String {
        format!("{}{text}{}", &line[..at], &line[at + text.len()..])
    }

    #[test]
    fn what_a_bank_checks_is_refused_with_its_line() {
        let line_of = |text: &str| read_answers(text).unwrap_err().line;
        // A short record, a missing block, a damaged header.
        assert_eq!(line_of(&broken(4, |l| l[..93].to_string())), 4);
        assert_eq!(
            line_of(&sample().lines().take(10).map(|l| format!("{l}\n")).collect::<String>()),
            11
        );
        assert_eq!(line_of(&broken(1, |l| set(l, 34, "095"))), 1);
        // An amount changed: the batch's debit total no longer adds up.
        assert_eq!(line_of(&broken(3, |l| set(l, 29, "0000006121"))), 7);
        // A routing number changed: its check digit, then the entry hash.
        assert_eq!(line_of(&broken(3, |l| set(l, 3, "091000018"))), 3);
        // No addenda indicator; the wrong addenda type; another entry's trace.
        assert_eq!(line_of(&broken(3, |l| set(l, 78, "0"))), 3);
        assert_eq!(line_of(&broken(4, |l| set(l, 1, "98"))), 4);
        assert_eq!(line_of(&broken(4, |l| set(l, 79, "021000020000009"))), 4);
        // An unknown reason code; a credit's code; a NOC with an amount.
        assert_eq!(line_of(&broken(4, |l| set(l, 3, "X01"))), 4);
        assert_eq!(line_of(&broken(3, |l| set(l, 1, "22"))), 3);
        assert_eq!(line_of(&broken(9, |l| set(l, 29, "0000000001"))), 9);
        // A corrected routing number that fails its check digit.
        assert_eq!(line_of(&broken(10, |l| set(l, 35, "021000022"))), 10);
        // Counts: a batch control, the file control.
        assert_eq!(line_of(&broken(7, |l| set(l, 4, "000003"))), 7);
        assert_eq!(line_of(&broken(13, |l| set(l, 13, "00000009"))), 13);
        assert_eq!(line_of(&broken(20, |l| set(l, 0, "8"))), 20);
        assert!(read_answers("").is_err());
    }
}
