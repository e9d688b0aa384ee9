//! Why a file is not a NACHA file the portal reads (its own files read back, or the bank's
//! returns and notices of change), typed so that each reader sees it in their language;
//! the format's field names (batch control, entry hash, addenda) are NACHA's own.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case")]
pub enum NachaFault {
    NotAscii,
    /// Not a whole number of blocks of ten records.
    NotBlocked {
        records: u64,
    },
    /// A record of another length than 94 characters.
    RecordLength {
        found: u64,
    },
    NotFileHeader,
    /// Columns (1-based, inclusive) that must be a number.
    NotANumber {
        from: u64,
        to: u64,
    },
    NoFileControl,
    UnexpectedRecordType {
        record_type: String,
    },
    ServiceClass {
        code: String,
    },
    BatchWithoutControl,
    BatchServiceClassDiffers,
    BatchEntryCount,
    BatchEntryHash,
    BatchTotals,
    BatchNumber,
    /// A transaction code (with its amount) the file may not hold.
    TransactionCode {
        code: String,
        amount: u64,
    },
    RoutingNumber {
        routing: String,
    },
    FileBatchCount,
    FileBlockCount,
    FileEntryCount,
    FileEntryHash,
    FileTotals,
    FillerAfterControl,
    AddendaIndicator,
    AddendaMissing,
    AddendaType {
        found: String,
        expected: String,
    },
    AddendaTrace,
    OriginalTraceNotDigits,
    ReturnCode {
        code: String,
    },
    ChangeCode {
        code: String,
    },
    CorrectedData {
        code: String,
    },
}
