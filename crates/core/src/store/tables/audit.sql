CREATE TABLE audit (
    id        {identity},
    at        {integer} NOT NULL,
    operator  {text}    NOT NULL{site: DEFAULT session_user},
    action    {text}    NOT NULL,
    matricule {text},
    name      {text},
    details   {text}    NOT NULL DEFAULT ''
);
