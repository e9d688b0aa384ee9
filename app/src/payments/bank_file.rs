//! E-checks go to the bank in NACHA files: claimed in the database first (see
//! `data::nacha_files`), then written into the folder the bank's pickup reads, atomically.
//! A claimed file is written from the database alone, so a run that stopped between the
//! two writes it the next time exactly as it was recorded.

use super::data::nacha_files::{self, Dated, FileLine, LineRef, NachaFileRow};
use super::PaymentError;
use crate::domain::banking_days;
use crate::domain::{BankAccountType, NachaFileId, RoutingNumber};
use crate::nacha;
use crate::platform::config::AutopayConfig;
use crate::platform::vault::Vault;
use crate::platform::Db;
use std::path::Path;
use time::{Date, Duration};

/// Debits per NACHA file: a bigger day makes several files (each with its own file id
/// modifier), and the run's memory does not grow with the number of accounts.
const MAX_FILE_ENTRIES: i64 = 10_000;
/// Why a debit that cannot go to the bank is withdrawn, as its payment records it.
const UNDECRYPTABLE: &str = "bank account could not be decrypted";
const NOT_THE_CUSTOMERS: &str = "payment method removed or no longer the account customer's";
/// A file's entries are traced `file slot * TRACES_PER_FILE + position`, with the slot
/// `file id % TRACE_SLOTS`: unique in a file (at most 10,000 debits and as many prenotes),
/// and across the last 490 files, far longer than the 60 days in which a return may come.
const TRACES_PER_FILE: u64 = 20_000;
const TRACE_SLOTS: u64 = 490;

/// The 7-digit part of the trace number of the line at `position` (0-based) of a file.
fn trace_sequence(file: NachaFileId, position: usize) -> u64 {
    (file.0 as u64 % TRACE_SLOTS) * TRACES_PER_FILE + position as u64 + 1
}
/// The entry description of a retried debit (Nacha's rule for reinitiated entries).
pub const RETRY_DESCRIPTION: &str = "RETRY PYMT";
/// Rounds of withdrawing lines before a file is given up: one is enough unless another run
/// is writing the same file at the same moment.
const WITHDRAW_ROUNDS: usize = 3;

/// A file as it went to the bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    pub name: String,
    pub entries: usize,
    pub prenotes: usize,
    pub total_debit_cents: u64,
}

/// What writing one claimed file did.
#[derive(Debug, Default)]
pub struct FileOutcome {
    /// None when no line was left to send, or another run wrote it meanwhile.
    pub written: Option<WrittenFile>,
    /// Lines taken out because the bank account could not be decrypted (a payment key is
    /// missing or the row is damaged): the operator must look. Each is logged with its
    /// payment (or, for a prenote, its method).
    pub failed_undecryptable: usize,
    /// Lines taken out because the method was removed or no longer belongs to the account's
    /// customer (the account changed hands after the claim).
    pub withdrawn_not_the_customers: usize,
}

/// The utility's bank files: what claims them and writes them.
pub struct BankFiles<'a> {
    pub db: &'a Db,
    pub vault: &'a Vault,
    pub config: &'a AutopayConfig,
    /// The utility's bank, parsed from `config.bank_routing`.
    pub bank_routing: RoutingNumber,
}

/// The e-checks a run on `today` sends, by effective entry date
/// (`banking_days::effective_entry_date(draft, today)`): those drafted up to today are dated
/// the first banking day from today; on a banking day, those drafted on the days that are
/// not banking days right after it (a weekend, a holiday) go too, dated the banking day
/// after them, so that a Friday's files cover Saturday to a Monday holiday. The later days'
/// runs find them sent.
pub fn windows(today: Date) -> Vec<Dated> {
    let next = banking_days::after(today);
    let first = banking_days::on_or_after(today);
    if first != today {
        return vec![Dated { effective: first, drafted_after: None, drafted_before: next }];
    }
    let tomorrow = today + Duration::days(1);
    let mut windows =
        vec![Dated { effective: today, drafted_after: None, drafted_before: tomorrow }];
    if next > tomorrow {
        windows.push(Dated { effective: next, drafted_after: Some(today), drafted_before: next });
    }
    windows
}

fn midnight(date: Date) -> i64 {
    date.midnight().assume_utc().unix_timestamp()
}

impl BankFiles<'_> {
    /// Files recorded but not yet in the folder (a run stopped between the two): they go out
    /// first, unchanged.
    #[tracing::instrument(skip_all)]
    pub async fn unwritten(&self) -> Result<Vec<NachaFileRow>, PaymentError> {
        Ok(nacha_files::unwritten_files(self.db).await?)
    }

    /// Claims the next file of `today`'s e-checks (and prenotes), one effective date per
    /// file (see `windows`); None when nothing is left. Prenotes go in the files of the
    /// first effective date.
    #[tracing::instrument(skip_all, fields(today = %today))]
    pub async fn claim(&self, today: Date) -> Result<Option<NachaFileRow>, PaymentError> {
        let prenotes = self.config.prenotes.then(|| {
            let wait = Duration::days(self.config.prenote_wait_days.max(0));
            (midnight(today), midnight(today - wait))
        });
        for (i, dated) in windows(today).into_iter().enumerate() {
            let prenotes = prenotes.filter(|_| i == 0);
            let claimed =
                nacha_files::claim_file(self.db, today, dated, prenotes, MAX_FILE_ENTRIES).await?;
            if claimed.is_some() {
                return Ok(claimed);
            }
        }
        Ok(None)
    }

    /// Writes a claimed file into the folder: to a temporary name, flushed, then renamed, so
    /// the bank's pickup never sees half a file. The text is made from the database alone
    /// and read back before it is moved into place.
    #[tracing::instrument(skip_all, fields(file_id = %file.id, file_name = %file.file_name))]
    pub async fn write(&self, file: &NachaFileRow) -> Result<FileOutcome, PaymentError> {
        let mut outcome = FileOutcome::default();
        let Some((file, lines)) = self.sendable_lines(file, &mut outcome).await? else {
            return Ok(outcome);
        };
        if lines.is_empty() {
            // Every line was withdrawn: nothing goes to the bank, and the file is done.
            nacha_files::mark_written(self.db, file.id).await?;
            return Ok(outcome);
        }
        let fault = |e: String| PaymentError::Nacha(file.file_name.clone(), e);
        let index = nacha_files::file_index_on_date(self.db, &file).await?;
        let traces = self.traces(&file, &lines);
        let ach = self.ach_file(&file, lines, index).map_err(fault)?;
        let text = nacha::write(&ach).map_err(|e| fault(e.to_string()))?;
        let summary = nacha::read(&text).map_err(|e| fault(e.to_string()))?;
        if summary.total_debit_cents != file.total_debit_cents as u64
            || summary.entries as i64 != file.entry_count
        {
            return Err(fault("the file does not match what was recorded".into()));
        }
        let folder = self.config.nacha_folder.clone();
        let name = file.file_name.clone();
        tokio::task::spawn_blocking(move || write_atomically(&folder, &name, &text))
            .await
            .map_err(|e| PaymentError::Io(file.file_name.clone(), std::io::Error::other(e)))?
            .map_err(|e| PaymentError::Io(file.file_name.clone(), e))?;
        nacha_files::mark_written_with_traces(self.db, file.id, &traces).await?;
        outcome.written = Some(WrittenFile {
            name: file.file_name.clone(),
            entries: summary.entries,
            prenotes: summary.prenotes,
            total_debit_cents: summary.total_debit_cents,
        });
        Ok(outcome)
    }

    /// Each line's trace number, in the order of `lines` (the file's recorded order).
    fn traces(&self, file: &NachaFileRow, lines: &[(FileLine, String)]) -> Vec<(LineRef, String)> {
        lines
            .iter()
            .enumerate()
            .map(|(i, (line, _))| {
                let sequence = trace_sequence(file.id, i);
                (line.line_ref(), nacha::trace_number(&self.bank_routing, sequence))
            })
            .collect()
    }

    /// The file as the bank reads it: its lines in one batch per entry class and entry
    /// description (retries have their own). `index` is its
    /// place among the files of its day.
    fn ach_file(
        &self,
        file: &NachaFileRow,
        lines: Vec<(FileLine, String)>,
        index: i64,
    ) -> Result<nacha::File, String> {
        let config = self.config;
        let created = time::OffsetDateTime::from_unix_timestamp(file.created_at)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let effective = file.effective_date;
        let yymmdd =
            |d: Date| format!("{:02}{:02}{:02}", d.year() % 100, u8::from(d.month()), d.day());
        let mut batches: Vec<nacha::Batch> = Vec::new();
        for (position, (line, account_number)) in lines.into_iter().enumerate() {
            let sec = if line.channel == "PPD" { nacha::Sec::Ppd } else { nacha::Sec::Web };
            let routing = RoutingNumber::parse(&line.routing_number).map_err(|e| e.to_string())?;
            let entry = nacha::Entry {
                account_type: BankAccountType::parse(&line.bank_account_type)
                    .unwrap_or(BankAccountType::Checking),
                prenote: line.amount_cents == 0,
                routing,
                account_number,
                amount_cents: line.amount_cents,
                individual_id: line.number.clone(),
                individual_name: line.holder_name.clone(),
                single: line.single == 1,
                trace_sequence: trace_sequence(file.id, position),
            };
            // Nacha asks a retried debit to say so: its own batch, described `RETRY PYMT`.
            let description =
                if line.retry == 1 { RETRY_DESCRIPTION } else { config.entry_description.as_str() };
            match batches.iter_mut().find(|b| b.sec == sec && b.entry_description == description) {
                Some(b) => b.entries.push(entry),
                None => batches.push(nacha::Batch {
                    sec,
                    company_name: config.company_name.clone(),
                    company_id: config.company_id.clone(),
                    entry_description: description.to_string(),
                    effective_date: yymmdd(effective),
                    entries: vec![entry],
                }),
            }
        }
        // A–Z, then 0–9: the bank tells apart up to 36 files of one day by it.
        let index = index % 36;
        let modifier = if index < 26 {
            (b'A' + index as u8) as char
        } else {
            (b'0' + (index - 26) as u8) as char
        };
        Ok(nacha::File {
            bank_routing: self.bank_routing.clone(),
            bank_name: config.bank_name.clone(),
            origin_id: config.company_id.clone(),
            origin_name: config.company_name.clone(),
            created_date: yymmdd(created.date()),
            created_time: format!("{:02}{:02}", created.hour(), created.minute()),
            file_id_modifier: modifier,
            batches,
        })
    }

    /// The file's lines, each with its bank account number opened. A line that cannot go to
    /// the bank (its number cannot be decrypted, or its method was removed or is no longer
    /// the account customer's) is first withdrawn from the recorded file and the operator
    /// alerted, so that the rest is written and the file always matches its record. None
    /// when another run wrote the file meanwhile.
    async fn sendable_lines(
        &self,
        file: &NachaFileRow,
        outcome: &mut FileOutcome,
    ) -> Result<Option<(NachaFileRow, Vec<(FileLine, String)>)>, PaymentError> {
        let mut file = file.clone();
        for _ in 0..WITHDRAW_ROUNDS {
            let (mut sendable, mut undecryptable, mut not_theirs) =
                (Vec::new(), Vec::new(), Vec::new());
            for line in nacha_files::file_lines(self.db, file.id).await? {
                if line.usable == 0 {
                    tracing::warn!(file = %file.file_name, line = ?line.line_ref(), "bank line withdrawn: {NOT_THE_CUSTOMERS}");
                    not_theirs.push(line.line_ref());
                    continue;
                }
                match self.vault.open(&line.sealed(), &line.binding()) {
                    Ok(number) => sendable.push((line, number)),
                    Err(e) => {
                        tracing::error!(file = %file.file_name, line = ?line.line_ref(), key = %line.account_key_id, error = %e,
                            "bank line withdrawn: {UNDECRYPTABLE}; check the payment keys");
                        undecryptable.push(line.line_ref());
                    }
                }
            }
            if undecryptable.is_empty() && not_theirs.is_empty() {
                return Ok(Some((file, sendable)));
            }
            outcome.failed_undecryptable += nacha_files::withdraw_lines(
                self.db,
                file.id,
                &undecryptable,
                "failed",
                UNDECRYPTABLE,
            )
            .await?;
            outcome.withdrawn_not_the_customers += nacha_files::withdraw_lines(
                self.db,
                file.id,
                &not_theirs,
                "skipped",
                NOT_THE_CUSTOMERS,
            )
            .await?;
            // The record as it is now: its counts went down, or another run wrote it meanwhile.
            file = nacha_files::file(self.db, file.id).await?.ok_or(sqlx::Error::RowNotFound)?;
            if file.written_at.is_some() {
                return Ok(None);
            }
        }
        Err(PaymentError::Nacha(
            file.file_name.clone(),
            "lines that cannot be sent could not be withdrawn".into(),
        ))
    }
}

fn write_atomically(folder: &Path, name: &str, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(folder)?;
    // Two runs may write the same (identical) file at once: each uses its own temporary.
    let temporary =
        folder.join(format!(".{name}.{}.partial", crate::platform::tokens::random_token()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    // The file holds bank account numbers: readable by the portal's user only.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(&temporary)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&temporary, folder.join(name))?;
    // The rename itself is made durable by syncing the folder.
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_friday_before_a_monday_holiday_sends_saturday_to_monday_dated_tuesday() {
        // Labor Day 2026 is Monday, September 7.
        let friday = date!(2026 - 09 - 04);
        assert_eq!(
            windows(friday),
            vec![
                Dated {
                    effective: friday,
                    drafted_after: None,
                    drafted_before: date!(2026 - 09 - 05)
                },
                Dated {
                    effective: date!(2026 - 09 - 08),
                    drafted_after: Some(friday),
                    drafted_before: date!(2026 - 09 - 08),
                },
            ]
        );
        // A banking day followed by one: no look-ahead.
        let tuesday = date!(2026 - 09 - 08);
        assert_eq!(windows(tuesday).len(), 1);
        // A run on the Sunday sends what is due up to Monday, dated Tuesday.
        assert_eq!(
            windows(date!(2026 - 09 - 06)),
            vec![Dated { effective: tuesday, drafted_after: None, drafted_before: tuesday }]
        );
    }

    #[test]
    fn every_draft_a_run_sends_is_dated_its_effective_entry_date_a_banking_day() {
        let mut today = date!(2026 - 01 - 01);
        while today < date!(2028 - 01 - 01) {
            for dated in windows(today) {
                assert!(banking_days::is_banking_day(dated.effective), "{today}: {dated:?}");
                let mut draft = dated
                    .drafted_after
                    .map_or(today - Duration::days(10), |d| d + Duration::days(1));
                while draft < dated.drafted_before {
                    assert_eq!(
                        banking_days::effective_entry_date(draft, today),
                        dated.effective,
                        "{today} {draft}"
                    );
                    draft += Duration::days(1);
                }
            }
            today += Duration::days(1);
        }
    }
}
