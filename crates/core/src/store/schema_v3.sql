-- Forfaits, schema version 3: a call record's identity no longer rests on its uniqueid alone
-- (Asterisk writes several records with one uniqueid for a forked or retried dial). Calls
-- loaded before keep their old key; this flag tells a load to recognise them (calls/mod.rs).
INSERT INTO settings (key, value)
SELECT 'cles_appels_uniqueid', '1'
WHERE EXISTS (SELECT 1 FROM calls WHERE substr(dedup_key, 1, 2) = 'u:');
