//! Imports on the web, for admins: the same files as `server import …` (accounts, bills,
//! bill documents, the bank's returns, meter reads), the same checks row by row and the same all-or-nothing rule (the
//! very same functions), the problems listed by line, and a history of who imported which
//! file, when, how many rows and how it went. Bills' PDFs come as a zip of the
//! command line's manifest and the files it names (`archive`). The upload is a plain multipart form to an
//! axum route (`upload`), so it works without JavaScript.

#[cfg(feature = "ssr")]
mod archive;
#[cfg(feature = "ssr")]
pub mod data;
mod page;
mod progress;
#[cfg(feature = "ssr")]
pub mod upload;

pub use page::StaffImportsPage;

use crate::forms::I18n;
use crate::i18n::*;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The largest file taken (the bills of a large utility's month fit many times over).
pub const MAX_FILE_BYTES: usize = 25 * 1024 * 1024;
/// Imports listed in the history, newest first.
pub const HISTORY_ROWS: i64 = 50;

pub use crate::domain::ImportKind;

/// A kind's name on the page.
pub fn kind_label(kind: ImportKind, i18n: I18n) -> &'static str {
    match kind {
        ImportKind::Accounts => t_string!(i18n, imports.kind_accounts),
        ImportKind::Bills => t_string!(i18n, imports.kind_bills),
        ImportKind::BillDocuments => t_string!(i18n, imports.kind_bill_documents),
        ImportKind::AchReturns => t_string!(i18n, imports.kind_ach_returns),
        ImportKind::Reads => t_string!(i18n, imports.kind_reads),
    }
}

pub use crate::domain::LineProblem;

/// One import, as the history shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub actor: String,
    pub kind: String,
    pub file_name: String,
    pub rows: i64,
    /// Whether it was written (else refused: nothing of it was).
    pub imported: bool,
    /// What it changed (`None` when it was refused).
    pub summary: Option<ImportSummary>,
    pub problems: Vec<LineProblem>,
}

/// What an imported file changed, kept as counts so that each reader sees it in their
/// language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "of", rename_all = "snake_case")]
pub enum ImportSummary {
    /// Accounts, bills or bills' PDFs.
    Rows { rows: u64, added: u64, updated: u64, unchanged: u64 },
    /// Meter reads: a read written is new or corrected (one multi-row upsert does not
    /// tell which).
    Reads { rows: u64, written: u64, unchanged: u64 },
    /// The bank's returns and notices of change.
    Answers(AnswersSummary),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswersSummary {
    pub entries: u64,
    /// The same file was imported before: nothing was done.
    pub already_imported: bool,
    pub returned: u64,
    pub retries: u64,
    pub unusable: u64,
    pub suspended: u64,
    pub corrected: u64,
    pub noted: u64,
    pub already_done: u64,
    pub emails: u64,
}

impl ImportSummary {
    /// One line: "Rows: 3 · Added: 2 · …".
    pub fn text(&self, i18n: I18n) -> String {
        let counts: Vec<(&str, u64)> = match self {
            Self::Rows { rows, added, updated, unchanged } => vec![
                (t_string!(i18n, imports.sum_rows), *rows),
                (t_string!(i18n, imports.sum_added), *added),
                (t_string!(i18n, imports.sum_updated), *updated),
                (t_string!(i18n, imports.sum_unchanged), *unchanged),
            ],
            Self::Reads { rows, written, unchanged } => vec![
                (t_string!(i18n, imports.sum_rows), *rows),
                (t_string!(i18n, imports.sum_written), *written),
                (t_string!(i18n, imports.sum_unchanged), *unchanged),
            ],
            Self::Answers(a) if a.already_imported => {
                let entries = format!("{}: {}", t_string!(i18n, imports.sum_entries), a.entries);
                return format!("{entries} · {}", t_string!(i18n, imports.sum_already_imported));
            }
            Self::Answers(a) => vec![
                (t_string!(i18n, imports.sum_entries), a.entries),
                (t_string!(i18n, imports.sum_returned), a.returned),
                (t_string!(i18n, imports.sum_retries), a.retries),
                (t_string!(i18n, imports.sum_unusable), a.unusable),
                (t_string!(i18n, imports.sum_suspended), a.suspended),
                (t_string!(i18n, imports.sum_corrected), a.corrected),
                (t_string!(i18n, imports.sum_noted), a.noted),
                (t_string!(i18n, imports.sum_already_done), a.already_done),
                (t_string!(i18n, imports.sum_emails), a.emails),
            ],
        };
        let parts: Vec<String> = counts.iter().map(|(label, n)| format!("{label}: {n}")).collect();
        parts.join(" · ")
    }
}

/// Why an upload was not even tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UploadProblem {
    NoFile,
    NoKind,
    TooLarge,
}

impl UploadProblem {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoFile => "no-file",
            Self::NoKind => "no-kind",
            Self::TooLarge => "too-large",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::NoFile, Self::NoKind, Self::TooLarge].into_iter().find(|p| p.as_str() == text)
    }

    pub fn message(self, i18n: I18n) -> &'static str {
        match self {
            Self::NoFile => t_string!(i18n, imports.no_file),
            Self::NoKind => t_string!(i18n, imports.no_kind),
            Self::TooLarge => t_string!(i18n, imports.too_large),
        }
    }
}

/// The newest imports; admins only.
#[server(endpoint = "staff_import_history")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn staff_import_history() -> Result<Vec<ImportEntry>, ServerFnError> {
    crate::auth::require_admin().await?;
    let db = expect_context::<crate::platform::Db>();
    data::newest(&db, HISTORY_ROWS).await.map_err(crate::forms::internal)
}
