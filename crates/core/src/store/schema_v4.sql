-- Forfaits, schema version 4: call control (SPEC §11). Every question the telephony server asks
-- before a call is kept, refused or authorized; an authorized one holds what the call can cost
-- until the call is billed at hang-up (settled_at) or the hold expires.
CREATE TABLE call_attempts (
    id              INTEGER PRIMARY KEY,
    at              INTEGER NOT NULL,
    -- the channel's agi_uniqueid
    uniqueid        TEXT    NOT NULL,
    -- NULL when no account has the code typed
    account_id      INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    typed_code      TEXT    NOT NULL,
    -- key (1..10) or number as asked
    asked           TEXT    NOT NULL,
    -- international form of the number, '' when there is none
    number          TEXT    NOT NULL DEFAULT '',
    key_index       INTEGER,
    -- 'ok' or the refusal's code
    decision        TEXT    NOT NULL,
    limit_ms        INTEGER NOT NULL DEFAULT 0 CHECK (limit_ms >= 0),
    -- minor units held on the balance while the call lasts
    reserved        INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    record          INTEGER NOT NULL DEFAULT 0 CHECK (record IN (0, 1)),
    expires_at      INTEGER,
    settled_at      INTEGER,
    -- the call billed at hang-up (no foreign key: deleting calls must not scan this table)
    call_id         INTEGER
);
-- One index only: each decision writes one row, and every index is one more random page.
CREATE INDEX call_attempts_account ON call_attempts (account_id, at);

-- The holds of the calls in progress, from authorization to hang-up. Only calls in progress
-- (and hang-ups never received) stay here, so the table is small and every decision sums an
-- account's holds from pages in memory. The tariff the limit was computed with is kept: the
-- call is billed with it, whatever the tariffs say at hang-up.
CREATE TABLE call_holds (
    attempt_id      INTEGER PRIMARY KEY REFERENCES call_attempts (id) ON DELETE CASCADE,
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    uniqueid        TEXT    NOT NULL,
    reserved        INTEGER NOT NULL CHECK (reserved >= 0),
    limit_s         INTEGER NOT NULL CHECK (limit_s >= 0),
    expires_at      INTEGER NOT NULL,
    tariff_prefix   TEXT,
    tariff_label    TEXT,
    price_per_min   INTEGER,
    initial_block_s INTEGER,
    block_s         INTEGER,
    connection_fee  INTEGER
);
CREATE INDEX call_holds_account ON call_holds (account_id);
CREATE INDEX call_holds_uniqueid ON call_holds (uniqueid);

-- Calls billed at hang-up keep the channel's uniqueid, so that the same call found later in
-- Master.csv is recognised as already loaded.
ALTER TABLE calls ADD COLUMN agi_uniqueid TEXT;
CREATE INDEX calls_agi_uniqueid ON calls (agi_uniqueid, billsec) WHERE agi_uniqueid IS NOT NULL;
