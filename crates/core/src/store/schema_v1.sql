-- Forfaits, schema version 1.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    -- folded name (lower case, no accents): sort order of the table
    name_key      TEXT    NOT NULL,
    matricule     TEXT    NOT NULL CHECK (length(matricule) = 14),
    identifiant   TEXT    NOT NULL CHECK (length(identifiant) = 7),
    enabled       INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    billing       INTEGER NOT NULL DEFAULT 1 CHECK (billing IN (0, 1)),
    allowance_min INTEGER CHECK (allowance_min >= 0),
    used_seconds  INTEGER NOT NULL DEFAULT 0 CHECK (used_seconds >= 0),
    -- minor units; equals the sum of the account's movements
    balance       INTEGER NOT NULL DEFAULT 0,
    phone1 TEXT, phone2 TEXT, phone3 TEXT, phone4 TEXT, phone5 TEXT,
    phone6 TEXT, phone7 TEXT, phone8 TEXT, phone9 TEXT, phone10 TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
-- Kept as separate indexes (not column constraints) so that a first import can drop them and
-- build them once at the end.
CREATE UNIQUE INDEX accounts_matricule ON accounts (matricule);
CREATE UNIQUE INDEX accounts_identifiant ON accounts (identifiant);
CREATE INDEX accounts_name ON accounts (name_key);

{tables/movements.sql}

{tables/audit.sql}

-- Search index: postings of name words and phone numbers grouped by the first characters of the
-- token (see search/index.rs).
CREATE TABLE search_buckets (
    bucket   TEXT NOT NULL UNIQUE,
    postings BLOB NOT NULL
);
