CREATE TABLE tariffs (
    -- international form of the destination prefix, e.g. '+2162'
    prefix          {text}    PRIMARY KEY,
    label           {text}    NOT NULL,
    -- minor units per minute
    price_per_min   {integer} NOT NULL CHECK (price_per_min >= 0),
    initial_block_s {integer} NOT NULL CHECK (initial_block_s >= 0),
    block_s         {integer} NOT NULL CHECK (block_s > 0),
    connection_fee  {integer} NOT NULL CHECK (connection_fee >= 0)
){sqlite: WITHOUT ROWID};
