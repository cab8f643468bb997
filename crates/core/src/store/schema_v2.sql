-- Forfaits, schema version 2: tariffs and call records (Taxation).
CREATE TABLE tariffs (
    -- international form of the destination prefix, e.g. '+2162'
    prefix          TEXT    PRIMARY KEY,
    label           TEXT    NOT NULL,
    -- minor units per minute
    price_per_min   INTEGER NOT NULL CHECK (price_per_min >= 0),
    initial_block_s INTEGER NOT NULL CHECK (initial_block_s >= 0),
    block_s         INTEGER NOT NULL CHECK (block_s > 0),
    connection_fee  INTEGER NOT NULL CHECK (connection_fee >= 0)
) WITHOUT ROWID;

CREATE TABLE calls (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- identity of the call: 'u:' uniqueid, or 'k:' accountcode|start|dst|billsec; loading a file
    -- twice changes nothing. Looked up through its 64-bit hash (an integer index is several
    -- times cheaper to maintain than a text one); a hash collision is detected by comparing keys.
    dedup_key     TEXT    NOT NULL,
    dedup_hash    INTEGER NOT NULL UNIQUE,
    started_at    INTEGER NOT NULL,
    dialed        TEXT    NOT NULL,
    -- international form of the dialed number; '' when it is not a phone number
    number        TEXT    NOT NULL,
    -- key (1..10) holding the number, NULL when the number is not among the account's keys
    key_index     INTEGER,
    disposition   TEXT    NOT NULL,
    duration_s    INTEGER NOT NULL CHECK (duration_s >= 0),
    billsec       INTEGER NOT NULL CHECK (billsec >= 0),
    billed_s      INTEGER NOT NULL,
    -- minor units debited for this call (0 when nothing was debited)
    cost          INTEGER NOT NULL,
    tariff_prefix TEXT,
    tariff_label  TEXT,
    -- balance right after this call's debit; NULL when nothing was debited
    balance_after INTEGER,
    loaded_at     INTEGER NOT NULL
);
CREATE INDEX calls_account ON calls (account_id, started_at);
