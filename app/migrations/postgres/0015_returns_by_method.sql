-- The bank's returns (issue 17): a return that makes a bank account unusable suspends the
-- AutoPay enrollments that use it (`UPDATE autopay_enrollments ... WHERE payment_method_id
-- IN (...)`). Without this index each such page read every enrollment; with it, a file of
-- 10,000 returns against 100,000 enrollments reads only the rows it suspends. Keep
-- sqlite/0015 and postgres/0015 in step.
CREATE INDEX autopay_enrollments_method ON autopay_enrollments(payment_method_id);
