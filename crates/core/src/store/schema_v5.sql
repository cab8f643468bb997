-- Forfaits, schema version 5: call rules (SPEC §12).
{tables/blocked_numbers.sql}

{tables/privileged_numbers.sql}

-- Per-account overrides of the site's rules (NULL: the site's) and the suspension.
ALTER TABLE accounts ADD COLUMN max_call_min INTEGER CHECK (max_call_min >= 1);
ALTER TABLE accounts ADD COLUMN calls_per_day INTEGER CHECK (calls_per_day >= 1);
-- last local day of the suspension, 'YYYY-MM-DD'; calls are allowed again the day after
ALTER TABLE accounts ADD COLUMN suspended_until TEXT;
ALTER TABLE accounts ADD COLUMN suspension_reason TEXT NOT NULL DEFAULT '';
