-- Each meter's use summed over each local day (issue 19): the daily views and the daily
-- alerts read a row a day here instead of 24 (or 96) reads. Written by `server import
-- reads` in the transaction that writes the reads: a new read's use is added to its day,
-- a day with a corrected or moved read is summed again from `meter_reads` (no stale
-- total is left). `minutes` is the time read that day: a whole day or one with gaps. Keep
-- sqlite/0024 and postgres/0024 in step.
CREATE TABLE meter_read_days (
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    local_day    INTEGER NOT NULL,
    meter_id     TEXT    NOT NULL,
    centigallons INTEGER NOT NULL,
    minutes      INTEGER NOT NULL,
    PRIMARY KEY (account_id, local_day, meter_id)
) WITHOUT ROWID;
CREATE INDEX meter_read_days_meter ON meter_read_days (meter_id, local_day);

INSERT INTO meter_read_days (account_id, local_day, meter_id, centigallons, minutes)
SELECT account_id, (read_at + utc_offset_minutes * 60) / 86400, meter_id, SUM(centigallons),
       SUM(interval_minutes)
FROM meter_reads
GROUP BY account_id, (read_at + utc_offset_minutes * 60) / 86400, meter_id;
