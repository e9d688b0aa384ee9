-- Water-use alerts (issue 19): one row per episode of a condition on an account (a
-- continuous flow, a burst, a day of high use, use while away), from the hour or day it
-- started (its local bucket, in local seconds since 1970) until it is known to have stopped.
-- The unique key makes an episode found again by a later import the same alert, never a
-- second one. Keep sqlite/0022 and postgres/0022 in step.
CREATE TABLE usage_alerts (
    id           INTEGER PRIMARY KEY,
    account_id   BIGINT  NOT NULL REFERENCES accounts(id),
    kind         TEXT    NOT NULL CHECK (kind IN ('continuous', 'burst', 'high_use', 'vacation')),
    started_at   BIGINT  NOT NULL,
    resolved_at  BIGINT,
    dismissed_at BIGINT,
    created_at   BIGINT  NOT NULL,
    UNIQUE (account_id, kind, started_at)
);
CREATE INDEX usage_alerts_open ON usage_alerts (account_id, resolved_at);

-- How far each detector has read each account's reads (local bucket): a later import
-- looks only after it, so the same reads imported again alert nothing new.
CREATE TABLE usage_alert_marks (
    account_id      BIGINT NOT NULL REFERENCES accounts(id),
    kind            TEXT   NOT NULL,
    evaluated_until BIGINT NOT NULL,
    PRIMARY KEY (account_id, kind)
);
