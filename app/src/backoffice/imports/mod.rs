//! Imports on the web, for admins: the same files as `server import …` (accounts, bills,
//! the bank's returns), the same checks row by row and the same all-or-nothing rule (the
//! very same functions), the problems listed by line, and a history of who imported which
//! file, when, how many rows and how it went. The upload is a plain multipart form to an
//! axum route (`upload`), so it works without JavaScript.

#[cfg(feature = "ssr")]
pub mod data;
mod page;
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

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportKind {
    Accounts,
    Bills,
    /// The bank's return and notice-of-change file (NACHA).
    AchReturns,
}

impl ImportKind {
    pub const ALL: [Self; 3] = [Self::Accounts, Self::Bills, Self::AchReturns];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accounts => "accounts",
            Self::Bills => "bills",
            Self::AchReturns => "ach-returns",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self, i18n: I18n) -> &'static str {
        match self {
            Self::Accounts => t_string!(i18n, imports.kind_accounts),
            Self::Bills => t_string!(i18n, imports.kind_bills),
            Self::AchReturns => t_string!(i18n, imports.kind_ach_returns),
        }
    }
}

/// A problem of a refused file: its line (0: the file as a whole) and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineProblem {
    pub line: u64,
    pub reason: String,
}

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
    /// What it changed, as the command line reports it.
    pub summary: String,
    pub problems: Vec<LineProblem>,
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
