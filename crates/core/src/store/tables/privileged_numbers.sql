-- Numbers every account may call without having them on its keys (lawyer, consulate,
-- ombudsman), never recorded; free or billed.
CREATE TABLE privileged_numbers (
    -- international form
    number     {text}    PRIMARY KEY,
    label      {text}    NOT NULL,
    free       {boolean} NOT NULL{sqlite: CHECK (free IN (0, 1))},
    operator   {text}    NOT NULL{site: DEFAULT session_user},
    created_at {integer} NOT NULL
){sqlite: WITHOUT ROWID};
