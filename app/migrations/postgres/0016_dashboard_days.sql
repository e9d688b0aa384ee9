-- The back office's dashboard (issue 18). Keep sqlite/0016_dashboard_days.sql in step.

-- A reading a day of the figures whose history the database does not otherwise keep (an
-- account's delivery method or AutoPay now, an email's last error): written by the daily
-- job and whenever the dashboard is read, the latest reading of the day winning. A day
-- without a row is unknown, and the dashboard's charts leave it out.
CREATE TABLE dashboard_days (
    day             TEXT    PRIMARY KEY,              -- YYYY-MM-DD (UTC)
    accounts        BIGINT  NOT NULL,
    registered      BIGINT  NOT NULL,                 -- accounts whose customer has a login
    paperless       BIGINT  NOT NULL,                 -- accounts on email delivery
    autopay         BIGINT  NOT NULL,                 -- accounts with an active enrollment
    emails_failing  BIGINT  NOT NULL,                 -- not delivered, last attempt failed
    recorded_at     BIGINT  NOT NULL
);

-- Each date AutoPay ran for, by `server autopay run` or the daily run: a run that creates
-- nothing leaves no other trace, and staff want to see that it ran.
CREATE TABLE autopay_runs (
    day               TEXT    PRIMARY KEY,            -- the date it ran for
    runs              BIGINT  NOT NULL,
    payments_created  BIGINT  NOT NULL,
    bank_files        BIGINT  NOT NULL,
    finished_at       BIGINT  NOT NULL                -- the last run's end
);
