CREATE TABLE movements (
    id            {identity},
    account_id    {integer} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    at            {integer} NOT NULL,
    kind          {text}    NOT NULL CHECK (kind IN ('initial', 'recharge', 'debit', 'correction', 'appel', 'remboursement')),
    amount        {integer} NOT NULL,
    balance_after {integer} NOT NULL,
    reason        {text}    NOT NULL DEFAULT '',
    operator      {text}    NOT NULL{site: DEFAULT session_user}
);
CREATE INDEX movements_account ON movements (account_id, id);
