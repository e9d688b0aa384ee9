-- AutoPay runs. A card payment is claimed (a lease) before it is charged, so two runs at
-- once never charge it twice; a run that dies leaves the lease to expire and the next run
-- charges it again under the same reference.
ALTER TABLE payments ADD COLUMN claimed_until BIGINT;
CREATE INDEX payments_status ON payments(status, nacha_file_id);

-- A bank account's prenote goes into exactly one NACHA file; the file can be written again
-- from the database. prenote_sent_at is the file's banking date (Unix seconds, midnight UTC).
ALTER TABLE payment_methods ADD COLUMN prenote_file_id BIGINT REFERENCES nacha_files(id);

-- When the file reached the folder: a run writes again every file recorded but not written
-- (a run killed between the two), byte for byte from the database.
ALTER TABLE nacha_files ADD COLUMN written_at BIGINT;

-- "AutoPay will draft your bill" reminders: one per bill.
CREATE TABLE autopay_reminders (
    bill_id   BIGINT  PRIMARY KEY REFERENCES bills(id),
    email_id  BIGINT  REFERENCES emails(id),
    sent_at   BIGINT  NOT NULL
);

-- A run walks bills one due date at a time, and payments one bank file at a time, in id
-- order: these keep each page an index range, so a run's time grows with the number of
-- accounts, not with its square.
CREATE INDEX bills_due_id ON bills(due_date, id);
CREATE INDEX payments_file ON payments(nacha_file_id, id);
CREATE INDEX payment_methods_prenote_file ON payment_methods(prenote_file_id);
