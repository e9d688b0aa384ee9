-- One-time payments (Pay Now): a customer's submitted payment form, and the payments it made.

-- One row per submitted payment form. The form carries a one-time key; the unique key is what
-- makes a double click, Back and submit again, a refreshed answer or two tabs one payment.
CREATE TABLE payment_submissions (
    id             INTEGER PRIMARY KEY,
    form_key       TEXT    NOT NULL UNIQUE,
    customer_id    BIGINT  NOT NULL REFERENCES customers(id),
    channel        TEXT    NOT NULL CHECK (channel IN ('one_time', 'quick_pay')),
    receipt_email  TEXT,
    locale         TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL
);
CREATE INDEX payment_submissions_customer ON payment_submissions(customer_id);

-- Payments now come from AutoPay (one per bill, as before: a partial unique index) or from a
-- payment form (several may pay one bill). SQLite changes a CHECK only by rebuilding the table;
-- nothing references payments, so it is copied and swapped.
CREATE TABLE payments_v6 (
    id                 INTEGER PRIMARY KEY,
    bill_id            BIGINT  NOT NULL REFERENCES bills(id),
    account_id         BIGINT  NOT NULL REFERENCES accounts(id),
    enrollment_id      BIGINT  REFERENCES autopay_enrollments(id),
    payment_method_id  BIGINT  NOT NULL REFERENCES payment_methods(id),
    amount_cents       BIGINT  NOT NULL,
    draft_date         TEXT    NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('scheduled', 'pending', 'submitted', 'paid', 'failed', 'skipped', 'returned', 'cancelled')),
    nacha_file_id      BIGINT  REFERENCES nacha_files(id),
    gateway_reference  TEXT,
    failure_reason     TEXT,
    reminder_sent_at   BIGINT,
    receipt_sent_at    BIGINT,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    claimed_until      BIGINT,
    channel            TEXT    NOT NULL DEFAULT 'autopay' CHECK (channel IN ('autopay', 'one_time', 'quick_pay')),
    submission_id      BIGINT  REFERENCES payment_submissions(id),
    fee_cents          BIGINT  NOT NULL DEFAULT 0
);
INSERT INTO payments_v6 (id, bill_id, account_id, enrollment_id, payment_method_id, amount_cents, draft_date, status,
    nacha_file_id, gateway_reference, failure_reason, reminder_sent_at, receipt_sent_at, created_at, updated_at, claimed_until)
SELECT id, bill_id, account_id, enrollment_id, payment_method_id, amount_cents, draft_date, status,
    nacha_file_id, gateway_reference, failure_reason, reminder_sent_at, receipt_sent_at, created_at, updated_at, claimed_until
FROM payments;
DROP TABLE payments;
ALTER TABLE payments_v6 RENAME TO payments;
CREATE INDEX payments_account ON payments(account_id);
CREATE INDEX payments_status ON payments(status, nacha_file_id);
CREATE INDEX payments_file ON payments(nacha_file_id, id);
CREATE INDEX payments_submission ON payments(submission_id);
CREATE INDEX payments_scheduled ON payments(status, draft_date);
-- Exactly one AutoPay payment per bill: what makes AutoPay runs idempotent.
CREATE UNIQUE INDEX payments_autopay_bill ON payments(bill_id) WHERE channel = 'autopay';

-- When a bank account passed account validation (NACHA's rule for a WEB debit from an
-- account number the portal has not debited before).
ALTER TABLE payment_methods ADD COLUMN validated_at BIGINT;
