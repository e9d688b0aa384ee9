-- The customer's choices about water-use alerts (issue 19), per account, and the text
-- messages they may be sent. Keep sqlite/0023 and postgres/0023 in step.

-- The billing system's class of an account (the accounts file's optional `class` column):
-- a commercial account's continuous-flow rule is its own.
ALTER TABLE accounts ADD COLUMN service_class TEXT NOT NULL DEFAULT 'residential'
    CHECK (service_class IN ('residential', 'commercial'));

-- What the customer told us about an account: a normal continuous use (a water softener)
-- that is not a leak, the days they are away and the use they allow then, and the mobile
-- number texts go to, with when they agreed to get them. No row: the defaults (every
-- alert by email, no texts).
CREATE TABLE usage_alert_settings (
    account_id            BIGINT  NOT NULL PRIMARY KEY REFERENCES accounts(id),
    declared_centi_gph    BIGINT  NOT NULL DEFAULT 0 CHECK (declared_centi_gph >= 0),
    away_from             TEXT,
    away_until            TEXT,
    away_centigallons     BIGINT  CHECK (away_centigallons >= 0),
    text_phone            TEXT,
    text_consented_at     BIGINT,
    updated_at            BIGINT  NOT NULL,
    CHECK ((away_from IS NULL) = (away_until IS NULL) AND (away_from IS NULL) = (away_centigallons IS NULL)),
    CHECK ((text_phone IS NULL) = (text_consented_at IS NULL))
);

-- Which alerts go out how, per account and kind. No row for a kind: by email, not by text.
CREATE TABLE usage_alert_channels (
    account_id BIGINT  NOT NULL REFERENCES accounts(id),
    kind       TEXT    NOT NULL CHECK (kind IN ('continuous', 'burst', 'high_use', 'vacation')),
    -- 1 or 0 (the Any driver reads no SQLite boolean).
    by_email   BIGINT  NOT NULL CHECK (by_email IN (0, 1)),
    by_text    BIGINT  NOT NULL CHECK (by_text IN (0, 1)),
    PRIMARY KEY (account_id, kind)
);

-- Text messages waiting for the sender, and sent: the queue makes a text survive a
-- restart and go out once (an instance leases one by moving its next attempt on).
CREATE TABLE text_messages (
    id              INTEGER PRIMARY KEY,
    to_phone        TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    -- The answer to a STOP: the one text a stopped number still gets.
    stop_reply      BIGINT  NOT NULL DEFAULT 0 CHECK (stop_reply IN (0, 1)),
    created_at      BIGINT  NOT NULL,
    next_attempt_at BIGINT  NOT NULL,
    sent_at         BIGINT,
    attempts        BIGINT  NOT NULL DEFAULT 0,
    last_error      TEXT,
    dropped_at      BIGINT
);
CREATE INDEX text_messages_due ON text_messages (next_attempt_at) WHERE sent_at IS NULL AND dropped_at IS NULL;

-- Numbers that replied STOP: nothing more is texted to them until they reply START.
CREATE TABLE text_opt_outs (
    phone      TEXT   NOT NULL PRIMARY KEY,
    stopped_at BIGINT NOT NULL
);

-- The development sender's outbox: what a real SMS vendor would have been handed.
CREATE TABLE text_dev_outbox (
    id        INTEGER PRIMARY KEY,
    to_phone  TEXT    NOT NULL,
    body      TEXT    NOT NULL,
    sent_at   BIGINT  NOT NULL
);
