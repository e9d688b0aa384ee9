-- Banking days, trace numbers and the bank's answers (issue 17). The columns several parts
-- share are made here at once; each part's own tables come in its own migration.

-- The banking day an e-check debit settles on (its draft date, or the next banking day),
-- set when it is claimed into a bank file; a file carries one effective date.
ALTER TABLE payments ADD COLUMN effective_date TEXT;
ALTER TABLE nacha_files ADD COLUMN effective_date TEXT;
-- The entry's trace number (ODFI routing prefix + 7 digits), stored when its file is
-- written: returns and notices of change name the original entry by it.
ALTER TABLE payments ADD COLUMN trace_number TEXT;
ALTER TABLE payment_methods ADD COLUMN prenote_trace TEXT;
CREATE INDEX payments_trace ON payments(trace_number);
CREATE INDEX payment_methods_prenote_trace ON payment_methods(prenote_trace);
-- A returned payment: status 'returned', the bank's return reason code (R01…) and when.
ALTER TABLE payments ADD COLUMN return_code TEXT;
ALTER TABLE payments ADD COLUMN returned_at BIGINT;
-- A retried debit (R01/R09) is a payment of its own that names the one it retries; each
-- payment is retried at most once (a retry of a retry is the second and last).
ALTER TABLE payments ADD COLUMN retry_of BIGINT REFERENCES payments(id);
CREATE UNIQUE INDEX payments_one_retry ON payments(retry_of);
-- Still one AutoPay payment per bill, its retries aside.
DROP INDEX payments_autopay_bill;
CREATE UNIQUE INDEX payments_autopay_bill ON payments(bill_id) WHERE channel = 'autopay' AND retry_of IS NULL;
-- A bank account the bank returned as closed, invalid or not authorized: not offered nor
-- drafted until the customer chooses another (or, for "not authorized", authorizes again).
ALTER TABLE payment_methods ADD COLUMN unusable_code TEXT;
ALTER TABLE payment_methods ADD COLUMN unusable_at BIGINT;
-- AutoPay suspended by a return: no draft until the customer acts in the portal.
ALTER TABLE autopay_enrollments ADD COLUMN suspended_code TEXT;
ALTER TABLE autopay_enrollments ADD COLUMN suspended_at BIGINT;
