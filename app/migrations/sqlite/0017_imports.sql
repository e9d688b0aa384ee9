-- Imports made on the web by the utility's admins (issue 18): who, when, which file, how
-- many rows, and how it went (`imported`, or `refused` with the problems by line, as JSON:
-- nothing of a refused file was written). Keep sqlite/0017 and postgres/0017 in step.
CREATE TABLE imports (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    actor      TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    file_name  TEXT    NOT NULL,
    row_count  INTEGER NOT NULL,
    outcome    TEXT    NOT NULL CHECK (outcome IN ('imported', 'refused')),
    summary    TEXT    NOT NULL,
    problems   TEXT    NOT NULL
);
CREATE INDEX imports_at ON imports (at);
