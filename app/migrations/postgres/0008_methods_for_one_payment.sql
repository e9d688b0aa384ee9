-- A method entered on a payment form without "Save to My Wallet" is kept only for that
-- payment: kept = 0. It is never listed in My Wallet nor usable from another form, and once
-- its payments are on their way (or an hour after it was entered, when nothing paid with
-- it) its account number and gateway token are wiped and it is marked removed, leaving
-- kind, last four and brand for history and receipts.
ALTER TABLE payment_methods ADD COLUMN kept BIGINT NOT NULL DEFAULT 1;
CREATE INDEX payment_methods_not_kept ON payment_methods(kept, removed_at);
