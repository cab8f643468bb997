-- Forfaits: the calls of deleted accounts stay known to later loads of the same records.
{tables/forgotten_calls.sql}
