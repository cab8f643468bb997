-- The holds of the calls in progress, from authorization to hang-up. Only calls in progress
-- (and hang-ups never received) stay here, so the table is small and every decision sums an
-- account's holds from pages in memory. The tariff the limit was computed with is kept: the
-- call is billed with it, whatever the tariffs say at hang-up.
CREATE TABLE call_holds (
    attempt_id      {integer} PRIMARY KEY REFERENCES call_attempts (id) ON DELETE CASCADE,
    account_id      {integer} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    uniqueid        {text}    NOT NULL,
    reserved        {integer} NOT NULL CHECK (reserved >= 0),
    limit_s         {integer} NOT NULL CHECK (limit_s >= 0),
    expires_at      {integer} NOT NULL,
    tariff_prefix   {text},
    tariff_label    {text},
    price_per_min   {integer},
    initial_block_s {integer},
    block_s         {integer},
    connection_fee  {integer}
);
CREATE INDEX call_holds_account ON call_holds (account_id);
CREATE INDEX call_holds_uniqueid ON call_holds (uniqueid);
