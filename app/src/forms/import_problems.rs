//! The words of an import's problems (`domain::import_problem`), in the reader's language:
//! the admin's on the imports page, English on the command line.

use crate::domain::import_problem::{Expected, ImportProblem, PdfFault};
use crate::i18n::*;

/// One problem as a sentence; values from the file follow their label.
pub fn import_problem_text(locale: Locale, problem: &ImportProblem) -> String {
    use ImportProblem as P;
    match problem {
        P::NotCsv => td_string!(locale, imports.p_not_csv).to_string(),
        P::Columns { expected, found } => format!(
            "{}: {found}; {}: {expected}",
            td_string!(locale, imports.p_values_in_row),
            td_string!(locale, imports.p_columns_in_header)
        ),
        P::NotUtf8 => td_string!(locale, imports.p_not_utf8).to_string(),
        P::RecordTooShort { expected, found } => {
            format!("{}: {found} < {expected}", td_string!(locale, imports.p_record_too_short))
        }
        P::MissingColumn => td_string!(locale, imports.p_missing_column).to_string(),
        P::Unreadable { column } => {
            format!("{}: {column}", td_string!(locale, imports.p_unreadable))
        }
        P::Empty { column } => format!("{column}: {}", td_string!(locale, imports.p_empty)),
        P::TooLong { column } => format!("{column}: {}", td_string!(locale, imports.p_too_long)),
        P::ControlCharacter { column } => {
            format!("{column}: {}", td_string!(locale, imports.p_control))
        }
        P::Invalid { column, expected } => {
            format!("{column}: {}", expected_text(locale, *expected))
        }
        P::DueBeforeBill => td_string!(locale, imports.p_due_before_bill).to_string(),
        P::SameBillTwice { first_line } => {
            format!("{}: {first_line}", td_string!(locale, imports.p_same_bill))
        }
        P::UnknownAccount { account } => {
            format!("{}: {account}", td_string!(locale, imports.p_unknown_account))
        }
        P::NoSuchBill { account, bill_date } => {
            format!("{}: {account}, {bill_date}", td_string!(locale, imports.p_no_such_bill))
        }
        _ => file_problem_text(locale, problem),
    }
}

/// The problems of the files an import names or unpacks, and of the bank's files.
fn file_problem_text(locale: Locale, problem: &ImportProblem) -> String {
    use ImportProblem as P;
    let label = |key: &str, value: &dyn std::fmt::Display| format!("{key}: {value}");
    match problem {
        P::FileOutsideFolder { file } => label(td_string!(locale, imports.p_outside_folder), file),
        P::FileUnreadable { file } => label(td_string!(locale, imports.p_file_unreadable), file),
        P::Pdf { file, fault } => format!("{file}: {}", pdf_text(locale, *fault)),
        P::FileChanged { file } => label(td_string!(locale, imports.p_file_changed), file),
        P::ZipUnreadable => td_string!(locale, imports.p_zip_unreadable).to_string(),
        P::ZipTooManyFiles { files, most } => {
            format!("{}: {files} > {most}", td_string!(locale, imports.p_zip_too_many))
        }
        P::ZipEntryOutside { file } => label(td_string!(locale, imports.p_zip_outside), file),
        P::ZipEntryUnreadable { file } => {
            label(td_string!(locale, imports.p_zip_entry_unreadable), file)
        }
        P::ZipEntryTooLarge { file, bytes, most } => format!(
            "{file}: {}: {bytes} > {most}",
            td_string!(locale, imports.p_zip_entry_too_large)
        ),
        P::ZipTooLarge { bytes, most } => {
            format!("{}: {bytes} > {most}", td_string!(locale, imports.p_zip_too_large))
        }
        P::ZipNoManifest { manifest } => {
            label(td_string!(locale, imports.p_zip_no_manifest), manifest)
        }
        P::NotNacha { fault } => {
            let why = super::nacha_fault_text(locale, fault);
            label(td_string!(locale, imports.p_not_nacha), &why)
        }
        P::UnmatchedTrace { trace } => label(td_string!(locale, imports.p_unmatched_trace), trace),
        P::NotCsv
        | P::Columns { .. }
        | P::NotUtf8
        | P::RecordTooShort { .. }
        | P::MissingColumn
        | P::Unreadable { .. }
        | P::Empty { .. }
        | P::TooLong { .. }
        | P::ControlCharacter { .. }
        | P::Invalid { .. }
        | P::DueBeforeBill
        | P::SameBillTwice { .. }
        | P::UnknownAccount { .. }
        | P::NoSuchBill { .. } => import_problem_text(locale, problem),
    }
}

fn pdf_text(locale: Locale, fault: PdfFault) -> String {
    match fault {
        PdfFault::TooLarge(bytes) => format!(
            "{}: {bytes} > {}",
            td_string!(locale, imports.p_pdf_too_large),
            crate::domain::import_problem::MAX_PDF_BYTES
        ),
        PdfFault::Empty => td_string!(locale, imports.p_pdf_empty).to_string(),
        PdfFault::NotPdf => td_string!(locale, imports.p_not_pdf).to_string(),
        PdfFault::Truncated => td_string!(locale, imports.p_pdf_truncated).to_string(),
    }
}

fn expected_text(locale: Locale, expected: Expected) -> &'static str {
    match expected {
        Expected::CustomerNumber => td_string!(locale, imports.x_customer_number),
        Expected::AccountNumber => td_string!(locale, imports.x_account_number),
        Expected::Zip => td_string!(locale, imports.x_zip),
        Expected::StateCode => td_string!(locale, imports.x_state),
        Expected::Phone => td_string!(locale, imports.x_phone),
        Expected::ServiceClass => td_string!(locale, imports.x_service_class),
        Expected::Date => td_string!(locale, imports.x_date),
        Expected::Dollars => td_string!(locale, imports.x_dollars),
        Expected::WholeGallons => td_string!(locale, imports.x_whole_gallons),
        Expected::Gallons => td_string!(locale, imports.x_gallons),
        Expected::MeterId => td_string!(locale, imports.x_meter_id),
        Expected::ReadAt => td_string!(locale, imports.x_read_at),
        Expected::IntervalStart => td_string!(locale, imports.x_interval_start),
        Expected::Interval => td_string!(locale, imports.x_interval),
        Expected::RoutingNumber => td_string!(locale, imports.x_routing_number),
    }
}
