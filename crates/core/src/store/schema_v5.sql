-- Forfaits, schema version 5: call rules (SPEC §12).
-- Numbers no account may call: a whole number, or a prefix written with a final '*' ('+2168*').
CREATE TABLE blocked_numbers (
    -- international form, '*' at the end of a prefix
    pattern    TEXT    PRIMARY KEY,
    reason     TEXT    NOT NULL,
    operator   TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Numbers every account may call without having them on its keys (lawyer, consulate,
-- ombudsman), never recorded; free or billed.
CREATE TABLE privileged_numbers (
    -- international form
    number     TEXT    PRIMARY KEY,
    label      TEXT    NOT NULL,
    free       INTEGER NOT NULL CHECK (free IN (0, 1)),
    operator   TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Per-account overrides of the site's rules (NULL: the site's) and the suspension.
ALTER TABLE accounts ADD COLUMN max_call_min INTEGER CHECK (max_call_min >= 1);
ALTER TABLE accounts ADD COLUMN calls_per_day INTEGER CHECK (calls_per_day >= 1);
-- last local day of the suspension, 'YYYY-MM-DD'; calls are allowed again the day after
ALTER TABLE accounts ADD COLUMN suspended_until TEXT;
ALTER TABLE accounts ADD COLUMN suspension_reason TEXT NOT NULL DEFAULT '';
