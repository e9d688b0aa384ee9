//! The words of a NACHA file's faults (`domain::nacha_fault`), in the reader's language.

use crate::domain::nacha_fault::NachaFault;
use crate::i18n::*;

/// One fault as a sentence; values from the file follow their label.
pub fn nacha_fault_text(locale: Locale, fault: &NachaFault) -> String {
    use NachaFault as F;
    let plain = |text: &str| text.to_string();
    match fault {
        F::NotAscii => plain(td_string!(locale, nacha.not_ascii)),
        F::NotBlocked { records } => {
            format!("{}: {records}", td_string!(locale, nacha.not_blocked))
        }
        F::RecordLength { found } => {
            format!("{}: {found}", td_string!(locale, nacha.record_length))
        }
        F::NotFileHeader => plain(td_string!(locale, nacha.not_file_header)),
        F::NotANumber { from, to } => {
            format!("{}: {from}–{to}", td_string!(locale, nacha.not_a_number))
        }
        F::NoFileControl => plain(td_string!(locale, nacha.no_file_control)),
        F::UnexpectedRecordType { record_type } => {
            format!("{}: {record_type}", td_string!(locale, nacha.record_type))
        }
        F::ServiceClass { code } => format!("{}: {code}", td_string!(locale, nacha.service_class)),
        F::BatchWithoutControl => plain(td_string!(locale, nacha.batch_without_control)),
        F::BatchServiceClassDiffers => plain(td_string!(locale, nacha.batch_service_class_differs)),
        F::BatchEntryCount => plain(td_string!(locale, nacha.batch_entry_count)),
        F::BatchEntryHash => plain(td_string!(locale, nacha.batch_entry_hash)),
        F::BatchTotals => plain(td_string!(locale, nacha.batch_totals)),
        F::BatchNumber => plain(td_string!(locale, nacha.batch_number)),
        F::TransactionCode { code, amount } => {
            format!("{}: {code} ({amount})", td_string!(locale, nacha.transaction_code))
        }
        F::RoutingNumber { routing } => format!("{}: {routing}", td_string!(locale, nacha.routing)),
        F::FileBatchCount => plain(td_string!(locale, nacha.file_batch_count)),
        F::FileBlockCount => plain(td_string!(locale, nacha.file_block_count)),
        F::FileEntryCount => plain(td_string!(locale, nacha.file_entry_count)),
        F::FileEntryHash => plain(td_string!(locale, nacha.file_entry_hash)),
        F::FileTotals => plain(td_string!(locale, nacha.file_totals)),
        F::FillerAfterControl => plain(td_string!(locale, nacha.filler)),
        F::AddendaIndicator => plain(td_string!(locale, nacha.addenda_indicator)),
        F::AddendaMissing => plain(td_string!(locale, nacha.addenda_missing)),
        F::AddendaType { found, expected } => {
            format!("{}: {found} ({expected})", td_string!(locale, nacha.addenda_type))
        }
        F::AddendaTrace => plain(td_string!(locale, nacha.addenda_trace)),
        F::OriginalTraceNotDigits => plain(td_string!(locale, nacha.original_trace)),
        F::ReturnCode { code } => format!("{}: {code}", td_string!(locale, nacha.return_code)),
        F::ChangeCode { code } => format!("{}: {code}", td_string!(locale, nacha.change_code)),
        F::CorrectedData { code } => {
            format!("{}: {code}", td_string!(locale, nacha.corrected_data))
        }
    }
}
