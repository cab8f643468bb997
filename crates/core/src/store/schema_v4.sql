-- Forfaits, schema version 4: call control (SPEC §11). Every question the telephony server asks
-- before a call is kept, refused or authorized; an authorized one holds what the call can cost
-- (its reservation) until the call is billed at hang-up (settled_at) or the hold expires.
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
    -- the tariff the limit was computed with: the call is billed with it at hang-up
    tariff_prefix   TEXT,
    tariff_label    TEXT,
    price_per_min   INTEGER,
    initial_block_s INTEGER,
    block_s         INTEGER,
    connection_fee  INTEGER,
    expires_at      INTEGER,
    settled_at      INTEGER,
    call_id         INTEGER REFERENCES calls (id) ON DELETE SET NULL
);
CREATE INDEX call_attempts_account ON call_attempts (account_id, at);
CREATE INDEX call_attempts_uniqueid ON call_attempts (uniqueid);
-- the holds summed at every decision
CREATE INDEX call_attempts_open ON call_attempts (account_id, expires_at)
    WHERE decision = 'ok' AND settled_at IS NULL;

-- Calls billed at hang-up keep the channel's uniqueid, so that the same call found later in
-- Master.csv is recognised as already loaded.
ALTER TABLE calls ADD COLUMN agi_uniqueid TEXT;
CREATE INDEX calls_agi_uniqueid ON calls (agi_uniqueid, billsec) WHERE agi_uniqueid IS NOT NULL;
