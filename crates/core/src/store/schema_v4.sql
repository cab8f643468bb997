-- Forfaits, schema version 4: call control (SPEC §11). Every question the telephony server asks
-- before a call is kept, refused or authorized; an authorized one holds what the call can cost
-- until the call is billed at hang-up (settled_at) or the hold expires.
{tables/call_attempts.sql}

{tables/call_holds.sql}

{tables/calls_agi_uniqueid.sql}
