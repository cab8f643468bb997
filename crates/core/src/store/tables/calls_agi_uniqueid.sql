-- Calls billed at hang-up keep the channel's uniqueid, so that the same call found later in
-- Master.csv is recognised as already loaded.
ALTER TABLE calls ADD COLUMN agi_uniqueid {text};
CREATE INDEX calls_agi_uniqueid ON calls (agi_uniqueid, billsec) WHERE agi_uniqueid IS NOT NULL;
