-- Forfaits, schema version 2: tariffs and call records (Taxation).
{tables/tariffs.sql}

{tables/calls.sql}
