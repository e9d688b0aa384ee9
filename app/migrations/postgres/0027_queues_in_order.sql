-- The AutoPay run takes pending payments a page at a time in id order (a bank file's
-- e-checks, a lease of card payments). Through (status, draft_date) the planner sorted
-- every pending payment again for each page: over a million due bills, writing the bank
-- files took longer than the rest of the run. (status, id) gives them in order, from where
-- the last page ended.
DROP INDEX payments_scheduled;
CREATE INDEX payments_status_order ON payments(status, id);
-- The other queues read a page at a time too: unsent emails (the longest due first) and
-- bank accounts awaiting a prenote. SQLite's indexes end in the rowid, so they already give
-- equal keys in id order; PostgreSQL's do not, and it does not take `IS NULL` as an
-- equality that keeps an index's order, so these are partial indexes in the queue's order.
CREATE INDEX emails_due ON emails(next_attempt_at, id) WHERE sent_at IS NULL;
CREATE INDEX payment_methods_awaiting_prenote ON payment_methods(id) WHERE prenote_file_id IS NULL;
