-- Throttles count attempts in one row per subject, moved on by a single upsert that
-- returns the new count: the decision and the count are one statement, so attempts sent
-- at once cannot all pass a check made before any of them was recorded. A window that
-- has ended starts again; ended rows are purged.
CREATE TABLE throttle_counters (
    scope         TEXT    NOT NULL,
    subject       TEXT    NOT NULL,
    window_start  BIGINT  NOT NULL,
    window_secs   BIGINT  NOT NULL,
    hits          BIGINT  NOT NULL,
    PRIMARY KEY (scope, subject)
);
CREATE INDEX throttle_counters_end ON throttle_counters(window_start);

DROP TABLE throttle_events;
