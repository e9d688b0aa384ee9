//! What an import file holds: the kinds `server import …` and the back office's upload
//! take, as the history and the dashboard name them.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportKind {
    Accounts,
    Bills,
    /// Bills' PDFs: a manifest and the files it names (on the web, a zip of both).
    BillDocuments,
    /// The bank's return and notice-of-change file (NACHA).
    AchReturns,
    /// Meter reads.
    Reads,
}

impl ImportKind {
    pub const ALL: [Self; 5] =
        [Self::Accounts, Self::Bills, Self::BillDocuments, Self::AchReturns, Self::Reads];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accounts => "accounts",
            Self::Bills => "bills",
            Self::BillDocuments => "bill-documents",
            Self::AchReturns => "ach-returns",
            Self::Reads => "reads",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_reads_back_from_its_name() {
        for kind in ImportKind::ALL {
            assert_eq!(ImportKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ImportKind::parse("meter-reads"), None);
    }
}
