-- The offset from UTC of each read's place, in minutes, as its `read_at` was written: the
-- usage page groups reads by the local day and hour the meter data system gave them
-- (daylight saving included) without a time zone database. Keep sqlite/0021 and
-- postgres/0021 in step.
ALTER TABLE meter_reads ADD COLUMN utc_offset_minutes INTEGER NOT NULL DEFAULT 0;

-- The unit the customer reads their water use in (`gallons` or `hcf`), kept for their
-- next visit on any device.
ALTER TABLE logins ADD COLUMN usage_unit TEXT NOT NULL DEFAULT 'gallons' CHECK (usage_unit IN ('gallons', 'hcf'));
