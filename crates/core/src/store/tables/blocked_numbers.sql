-- Numbers no account may call: a whole number, or a prefix written with a final '*' ('+2168*').
CREATE TABLE blocked_numbers (
    -- international form, '*' at the end of a prefix
    pattern    {text}    PRIMARY KEY,
    reason     {text}    NOT NULL,
    operator   {text}    NOT NULL{site: DEFAULT session_user},
    created_at {integer} NOT NULL
){sqlite: WITHOUT ROWID};
