-- The utility's staff (issue 18): their identities, their second factor, and the audit log
-- of what they do.

-- A staff member: enrolled once they have chosen a password and proved their authenticator
-- (`enrolled_at`). The TOTP secret is sealed with the payment key, bound to its row.
-- `totp_last_step` is the last time step a code was accepted for: a code is good once.
-- `epoch` moves on when a staff member is disabled, which ends every session at once.
CREATE TABLE staff (
    id               INTEGER PRIMARY KEY,
    email            TEXT    NOT NULL UNIQUE,
    role             TEXT    NOT NULL CHECK (role IN ('agent', 'admin')),
    password_hash    TEXT,
    totp_ciphertext  BLOB    NOT NULL,
    totp_key_id      TEXT    NOT NULL,
    totp_last_step   BIGINT,
    enrolled_at      BIGINT,
    disabled_at      BIGINT,
    epoch            BIGINT  NOT NULL DEFAULT 0,
    last_sign_in_at  BIGINT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL
);

-- One-time enrollment links (`server staff add`); only the SHA-256 of the link's token.
CREATE TABLE staff_enrollments (
    id          INTEGER PRIMARY KEY,
    staff_id    BIGINT  NOT NULL REFERENCES staff(id),
    token_hash  TEXT    NOT NULL UNIQUE,
    expires_at  BIGINT  NOT NULL,
    used_at     BIGINT,
    created_at  BIGINT  NOT NULL
);

-- Single-use recovery codes, by SHA-256 (each carries 80 random bits).
CREATE TABLE staff_recovery_codes (
    id         INTEGER PRIMARY KEY,
    staff_id   BIGINT  NOT NULL REFERENCES staff(id),
    code_hash  TEXT    NOT NULL UNIQUE,
    used_at    BIGINT
);

-- Append-only: every row carries the hash of the row before it (`prev_hash`, unique, so
-- two rows can never claim the same predecessor) and its own hash over its fields and
-- `prev_hash`; `server audit verify` recomputes the chain.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           BIGINT  NOT NULL,
    staff_id     BIGINT  REFERENCES staff(id),
    actor        TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    address      TEXT    NOT NULL,
    customer_id  BIGINT  REFERENCES customers(id),
    reason       TEXT,
    details      TEXT    NOT NULL,
    prev_hash    TEXT    NOT NULL UNIQUE,
    hash         TEXT    NOT NULL UNIQUE
);
CREATE INDEX audit_log_staff ON audit_log (staff_id, id);
CREATE INDEX audit_log_customer ON audit_log (customer_id, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
