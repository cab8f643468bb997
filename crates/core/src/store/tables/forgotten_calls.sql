-- The identities of the calls of deleted accounts (as `calls` held them): Master.csv only ever
-- grows, and loading it again after a deletion must not bill those calls to whoever holds the
-- identifiant next (a code given to a newcomer, the same person admitted again).
CREATE TABLE forgotten_calls (
    dedup_hash   {integer} PRIMARY KEY,
    dedup_key    {text}    NOT NULL,
    agi_uniqueid {text},
    billsec      {integer} NOT NULL
);
CREATE INDEX forgotten_calls_agi_uniqueid ON forgotten_calls (agi_uniqueid, billsec)
    WHERE agi_uniqueid IS NOT NULL;
