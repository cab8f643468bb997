CREATE TABLE call_attempts (
    id              {identity},
    at              {integer} NOT NULL,
    -- the channel's agi_uniqueid
    uniqueid        {text}    NOT NULL,
    -- NULL when no account has the code typed
    account_id      {integer} REFERENCES accounts (id) ON DELETE CASCADE,
    typed_code      {text}    NOT NULL,
    -- key (1..10) or number as asked
    asked           {text}    NOT NULL,
    -- international form of the number, '' when there is none
    number          {text}    NOT NULL DEFAULT '',
    key_index       {integer},
    -- 'ok' or the refusal's code
    decision        {text}    NOT NULL,
    limit_ms        {integer} NOT NULL DEFAULT 0 CHECK (limit_ms >= 0),
    -- minor units held on the balance while the call lasts
    reserved        {integer} NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    record          {boolean} NOT NULL DEFAULT {false}{sqlite: CHECK (record IN (0, 1))},
    expires_at      {integer},
    settled_at      {integer},
    -- the call billed at hang-up (no foreign key: deleting calls must not scan this table)
    call_id         {integer}
);
-- One index only: each decision writes one row, and every index is one more random page.
CREATE INDEX call_attempts_account ON call_attempts (account_id, at);
