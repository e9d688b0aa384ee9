-- The whole data model for the portal (platform, registration, wallet, AutoPay, paperless).
-- Times are Unix seconds (BIGINT), calendar dates are ISO 'YYYY-MM-DD' text, money is integer
-- cents, flags are 0/1 integers: the same shapes on SQLite and PostgreSQL, so one code path
-- (sqlx's Any driver) reads both. Keep postgres/0001_schema.sql in step with this file.

-- The utility's side, imported from its billing system.
CREATE TABLE customers (
    id              INTEGER PRIMARY KEY,
    customer_number TEXT    NOT NULL UNIQUE,          -- 8 digits, zero-padded
    name            TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);

CREATE TABLE accounts (
    id               INTEGER PRIMARY KEY,
    account_number   TEXT    NOT NULL UNIQUE,         -- 7 digits, zero-padded
    customer_id      BIGINT  NOT NULL REFERENCES customers(id),
    service_address  TEXT    NOT NULL,
    service_city     TEXT    NOT NULL,
    service_state    TEXT    NOT NULL,
    service_zip      TEXT    NOT NULL,                -- first 5 digits
    mailing_address  TEXT    NOT NULL,
    mailing_city     TEXT    NOT NULL,
    mailing_state    TEXT    NOT NULL,
    mailing_zip      TEXT    NOT NULL,
    delivery_method  TEXT    NOT NULL DEFAULT 'paper' CHECK (delivery_method IN ('paper', 'email')),
    delivery_email   TEXT,                            -- the verified address while on email
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL
);
CREATE INDEX accounts_customer ON accounts(customer_id);

CREATE TABLE bills (
    id             INTEGER PRIMARY KEY,
    account_id     BIGINT  NOT NULL REFERENCES accounts(id),
    bill_date      TEXT    NOT NULL,
    due_date       TEXT    NOT NULL,
    amount_cents   BIGINT  NOT NULL,
    balance_cents  BIGINT  NOT NULL,
    usage_gallons  BIGINT  NOT NULL,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    UNIQUE (account_id, bill_date)
);
CREATE INDEX bills_due ON bills(due_date);

-- Logins: one per customer; it sees every account of that customer.
CREATE TABLE logins (
    id                 INTEGER PRIMARY KEY,
    customer_id        BIGINT  NOT NULL UNIQUE REFERENCES customers(id),
    email              TEXT    NOT NULL UNIQUE,       -- trimmed, lower-cased
    password_hash      TEXT    NOT NULL,
    locale             TEXT    NOT NULL DEFAULT 'en',
    terms_version      TEXT    NOT NULL,
    terms_accepted_at  BIGINT  NOT NULL,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL
);

-- Throttling and lockout counters, in the database so several instances share them.
CREATE TABLE throttle_events (
    id         INTEGER PRIMARY KEY,
    scope      TEXT    NOT NULL,                      -- e.g. 'lookup-ip', 'lookup-account', 'signin'
    subject    TEXT    NOT NULL,
    at         BIGINT  NOT NULL
);
CREATE INDEX throttle_lookup ON throttle_events(scope, subject, at);

-- Single-use tokens (password reset, e-billing verification): only a hash is stored.
CREATE TABLE one_time_tokens (
    id          INTEGER PRIMARY KEY,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('password-reset', 'delivery-email')),
    token_hash  TEXT    NOT NULL UNIQUE,
    login_id    BIGINT  NOT NULL REFERENCES logins(id),
    account_id  BIGINT  REFERENCES accounts(id),
    email       TEXT,
    expires_at  BIGINT  NOT NULL,
    used_at     BIGINT,
    created_at  BIGINT  NOT NULL
);

-- Outgoing email: the development outbox, and the record of what was sent over SMTP.
CREATE TABLE emails (
    id          INTEGER PRIMARY KEY,
    to_address  TEXT    NOT NULL,
    locale      TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    body_text   TEXT    NOT NULL,
    body_html   TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    sent_at     BIGINT,
    last_error  TEXT
);

-- Saved payment methods. Bank account numbers only encrypted (AES-256-GCM, with key id);
-- cards and wallets only as the gateway's token. Never a full card number or security code.
CREATE TABLE payment_methods (
    id                   INTEGER PRIMARY KEY,
    customer_id          BIGINT  NOT NULL REFERENCES customers(id),
    kind                 TEXT    NOT NULL CHECK (kind IN ('echeck', 'debit', 'credit', 'wallet')),
    last4                TEXT    NOT NULL,
    bank_account_type    TEXT    CHECK (bank_account_type IN ('checking', 'savings')),
    routing_number       TEXT,
    bank_name            TEXT,
    holder_name          TEXT    NOT NULL,
    account_ciphertext   BLOB,
    account_key_id       TEXT,
    card_brand           TEXT,
    exp_month            BIGINT,
    exp_year             BIGINT,
    billing_zip          TEXT,
    gateway_token        TEXT,
    prenote_sent_at      BIGINT,
    is_default           BIGINT  NOT NULL DEFAULT 0,
    created_at           BIGINT  NOT NULL,
    removed_at           BIGINT
);
CREATE INDEX payment_methods_customer ON payment_methods(customer_id);

-- The FedACH routing directory, when the utility loads one.
CREATE TABLE routing_directory (
    routing_number  TEXT    PRIMARY KEY,
    bank_name       TEXT    NOT NULL,
    city            TEXT    NOT NULL,
    state           TEXT    NOT NULL
);

CREATE TABLE autopay_enrollments (
    id                   INTEGER PRIMARY KEY,
    account_id           BIGINT  NOT NULL REFERENCES accounts(id),
    payment_method_id    BIGINT  NOT NULL REFERENCES payment_methods(id),
    amount_rule          TEXT    NOT NULL CHECK (amount_rule IN ('full', 'fixed')),
    fixed_amount_cents   BIGINT,
    days_before_due      BIGINT  NOT NULL DEFAULT 0,
    max_amount_cents     BIGINT,
    authorization_text   TEXT    NOT NULL,
    authorization_channel TEXT   NOT NULL CHECK (authorization_channel IN ('WEB', 'PPD')),
    reference            TEXT    NOT NULL UNIQUE,
    idempotency_key      TEXT    NOT NULL UNIQUE,
    active               BIGINT  NOT NULL DEFAULT 1,
    created_at           BIGINT  NOT NULL,
    cancelled_at         BIGINT
);
-- At most one active enrollment per account.
CREATE UNIQUE INDEX autopay_one_active ON autopay_enrollments(account_id) WHERE active = 1;

CREATE TABLE nacha_files (
    id                INTEGER PRIMARY KEY,
    file_name         TEXT    NOT NULL UNIQUE,
    run_date          TEXT    NOT NULL,
    entry_count       BIGINT  NOT NULL,
    total_debit_cents BIGINT  NOT NULL,
    created_at        BIGINT  NOT NULL
);

-- Exactly one AutoPay payment per bill: the unique bill_id is what makes runs idempotent.
CREATE TABLE payments (
    id                 INTEGER PRIMARY KEY,
    bill_id            BIGINT  NOT NULL UNIQUE REFERENCES bills(id),
    account_id         BIGINT  NOT NULL REFERENCES accounts(id),
    enrollment_id      BIGINT  REFERENCES autopay_enrollments(id),
    payment_method_id  BIGINT  NOT NULL REFERENCES payment_methods(id),
    amount_cents       BIGINT  NOT NULL,
    draft_date         TEXT    NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('pending', 'submitted', 'paid', 'failed', 'skipped')),
    nacha_file_id      BIGINT  REFERENCES nacha_files(id),
    gateway_reference  TEXT,
    failure_reason     TEXT,
    reminder_sent_at   BIGINT,
    receipt_sent_at    BIGINT,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL
);
CREATE INDEX payments_account ON payments(account_id);

-- "Your bill is ready" emails: one per bill, whatever the number of imports.
CREATE TABLE bill_notifications (
    bill_id   BIGINT  PRIMARY KEY REFERENCES bills(id),
    email_id  BIGINT  REFERENCES emails(id),
    sent_at   BIGINT  NOT NULL
);
