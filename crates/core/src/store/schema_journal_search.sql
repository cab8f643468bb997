-- Forfaits: the Journal's search text (store::audit::search_text), so that its search ignores
-- case and accents in every script, as the accounts' search does; the migration's hook fills
-- it for the lines already written.
ALTER TABLE audit ADD COLUMN search TEXT NOT NULL DEFAULT '';
