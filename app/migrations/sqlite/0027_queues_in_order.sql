-- The AutoPay run takes pending payments a page at a time in id order (a bank file's
-- e-checks, a lease of card payments). Through (status, draft_date) the planner sorted
-- every pending payment again for each page: over a million due bills, writing the bank
-- files took longer than the rest of the run. (status, id) gives them in order, from where
-- the last page ended. (SQLite's other queues, unsent emails and bank accounts awaiting a
-- prenote, are already in order: each of its indexes ends in the rowid.)
DROP INDEX payments_scheduled;
CREATE INDEX payments_status_order ON payments(status, id);
