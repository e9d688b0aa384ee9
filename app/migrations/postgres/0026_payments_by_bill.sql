-- AutoPay asks, for every bill it may pay, whether an AutoPay payment exists for it. The
-- only index on bill_id was partial (first tries only), which that question cannot use:
-- SQLite read every payment for every bill, and a run over a million bills never ended.
CREATE INDEX payments_bill ON payments(bill_id, channel);
-- Each run retires the methods kept for one payment once their payments are done, asking
-- of each whether a payment still uses it.
CREATE INDEX payments_method ON payments(payment_method_id);
