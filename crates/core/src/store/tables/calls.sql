CREATE TABLE calls (
    id            {identity},
    account_id    {integer} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- identity of the call: 'u:' uniqueid, or 'k:' accountcode|start|dst|billsec; loading a file
    -- twice changes nothing. Looked up through its 64-bit hash (an integer index is several
    -- times cheaper to maintain than a text one); a hash collision is detected by comparing keys.
    dedup_key     {text}    NOT NULL,
    dedup_hash    {integer} NOT NULL UNIQUE,
    started_at    {integer} NOT NULL,
    dialed        {text}    NOT NULL,
    -- international form of the dialed number; '' when it is not a phone number
    number        {text}    NOT NULL,
    -- key (1..10) holding the number, NULL when the number is not among the account's keys
    key_index     {integer},
    disposition   {text}    NOT NULL,
    duration_s    {integer} NOT NULL CHECK (duration_s >= 0),
    billsec       {integer} NOT NULL CHECK (billsec >= 0),
    billed_s      {integer} NOT NULL,
    -- minor units debited for this call (0 when nothing was debited)
    cost          {integer} NOT NULL,
    tariff_prefix {text},
    tariff_label  {text},
    -- balance right after this call's debit; NULL when nothing was debited
    balance_after {integer},
    loaded_at     {integer} NOT NULL
);
CREATE INDEX calls_account ON calls (account_id, started_at);
