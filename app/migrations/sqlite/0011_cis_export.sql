-- Payments posted to the utility's billing system (CIS), and the daily return-rate alert
-- (issue 17). Keep postgres/0011_cis_export.sql in step with this file.

-- One cash-receipts file for the CIS. Its lines are claimed first (below), then the file is
-- written from those rows alone to a temporary name and renamed to `path`; `written_at` is
-- set last. An export recorded but not written (a run killed between the two) is written
-- again, identically, by the next run.
CREATE TABLE cis_exports (
    id           INTEGER PRIMARY KEY,
    path         TEXT    NOT NULL UNIQUE,             -- where the file goes (absolute)
    line_count   BIGINT  NOT NULL,
    total_cents  BIGINT  NOT NULL,                    -- sum of the amounts (reversals negative)
    created_at   BIGINT  NOT NULL,
    written_at   BIGINT
);

-- Each line of an export: a payment as the CIS receives it, or its reversal when the bank
-- returned it. UNIQUE (payment_id, kind) is what puts each in one export only, however many
-- runs claim at once. The line's fields are kept as they were when it was claimed, so that
-- the file written again after a crash is the same file.
CREATE TABLE cis_export_lines (
    export_id        BIGINT  NOT NULL REFERENCES cis_exports(id),
    payment_id       BIGINT  NOT NULL REFERENCES payments(id),
    kind             TEXT    NOT NULL CHECK (kind IN ('payment', 'reversal')),
    account_number   TEXT    NOT NULL,
    customer_number  TEXT    NOT NULL,
    amount_cents     BIGINT  NOT NULL,                -- negative on a reversal
    fee_cents        BIGINT  NOT NULL,
    method_kind      TEXT    NOT NULL,
    effective_date   TEXT,                            -- a payment's; a reversal's is returned_at's day
    returned_at      BIGINT,
    status           TEXT    NOT NULL,
    return_code      TEXT,
    UNIQUE (payment_id, kind)
);
CREATE INDEX cis_export_lines_export ON cis_export_lines(export_id, payment_id, kind);

-- The return-rate alert to the utility's operations address: one a day at most, whatever
-- the number of instances or checks.
CREATE TABLE ach_rate_alerts (
    day       TEXT    PRIMARY KEY,                    -- YYYY-MM-DD (UTC)
    email_id  BIGINT  REFERENCES emails(id),
    sent_at   BIGINT  NOT NULL
);
