-- AutoPay asks, for every bill it may pay, whether an AutoPay payment exists for it. The
-- only index on bill_id was partial (first tries only), which that question cannot use:
-- SQLite read every payment for every bill, and a run over a million bills never ended.
CREATE INDEX payments_bill ON payments(bill_id, channel);
