-- A password reset ends every other session: sessions remember the epoch they signed in
-- under, and a reset moves it on.
ALTER TABLE logins ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;

-- The outbox is delivered by whichever server instance claims a message first (a claim is
-- a lease: next_attempt_at moves into the future), and a failed delivery is retried with
-- growing pauses a bounded number of times.
ALTER TABLE emails ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE emails ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX emails_unsent ON emails(sent_at, next_attempt_at);
