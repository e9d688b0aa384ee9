-- The bank's returns and notices of change (issue 17, `server import ach-returns`).

-- Every return/NOC file imported, by the SHA-256 of its bytes: the same file again changes
-- nothing.
CREATE TABLE ach_answer_files (
    id           INTEGER PRIMARY KEY,
    sha256       TEXT    NOT NULL UNIQUE,
    file_name    TEXT    NOT NULL,
    entries      BIGINT  NOT NULL,
    imported_at  BIGINT  NOT NULL
);

-- Every entry acted on, once: `entry_key` names what it acts on (a payment returned, a
-- prenote's method returned, a notice of one original entry), and is unique, so an entry
-- sent again in another file is recognised and not acted on twice. `corrected` names
-- which details a notice corrected (never the numbers themselves).
CREATE TABLE ach_answers (
    id                 INTEGER PRIMARY KEY,
    file_id            BIGINT  NOT NULL REFERENCES ach_answer_files(id),
    line               BIGINT  NOT NULL,
    entry_key          TEXT    NOT NULL UNIQUE,
    kind               TEXT    NOT NULL CHECK (kind IN ('return', 'change')),
    code               TEXT    NOT NULL,
    original_trace     TEXT    NOT NULL,
    payment_id         BIGINT  REFERENCES payments(id),
    payment_method_id  BIGINT  NOT NULL REFERENCES payment_methods(id),
    amount_cents       BIGINT  NOT NULL,
    corrected          TEXT,
    created_at         BIGINT  NOT NULL
);
CREATE INDEX ach_answers_payment ON ach_answers(payment_id);
CREATE INDEX ach_answers_method ON ach_answers(payment_method_id);
