-- Meter reads (issue 19), as `server import reads` loads them: the gallons used in each
-- interval (in hundredths: exact), the interval's start in Unix seconds and its length.
-- One row per meter and interval start, whichever account the meter served then: a meter
-- that moves to another account leaves its earlier reads with the earlier account. An
-- interval without a read has no row (never a zero). Keep sqlite/0020 and postgres/0020
-- in step.
CREATE TABLE meter_reads (
    meter_id         TEXT    NOT NULL,
    read_at          INTEGER NOT NULL,
    account_id       INTEGER NOT NULL REFERENCES accounts(id),
    centigallons     INTEGER NOT NULL CHECK (centigallons >= 0),
    interval_minutes INTEGER NOT NULL CHECK (interval_minutes IN (15, 30, 60, 1440)),
    imported_at      INTEGER NOT NULL,
    PRIMARY KEY (meter_id, read_at)
) WITHOUT ROWID;
CREATE INDEX meter_reads_account ON meter_reads (account_id, read_at);

-- Each reads file imported: when, how many rows and how many of them were written (the
-- dashboard dates the last import by it without reading the reads).
CREATE TABLE meter_read_files (
    id          INTEGER PRIMARY KEY,
    imported_at INTEGER NOT NULL,
    row_count   INTEGER NOT NULL,
    written     INTEGER NOT NULL
);
CREATE INDEX meter_read_files_at ON meter_read_files (imported_at);
