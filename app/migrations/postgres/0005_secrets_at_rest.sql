-- Secrets at rest (security review, issue 14).

-- The token of the link an email carries, until the email is delivered: then the delivery
-- replaces it in the stored subject and bodies with a marker and clears this column, so
-- a copy of the database opens no account.
ALTER TABLE emails ADD COLUMN secret TEXT;

-- 1 when account_ciphertext is bound to its row (AES-GCM associated data naming the
-- method and its customer), so that a ciphertext copied to another row does not open.
-- Rows sealed before this migration are 0 until `server rotate-payment-key` re-seals them.
ALTER TABLE payment_methods ADD COLUMN account_bound BIGINT NOT NULL DEFAULT 0;
