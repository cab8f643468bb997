-- Forfaits site: the staff roles and what each may do, enforced by the server (SPEC §13). Run by
-- `site init` after the schema, as the owner of the tables; every statement may run again.
-- Who is an administrator is `IS_ADMIN` of site/mod.rs, which `site init` puts in below.
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['forfaits_lecture', 'forfaits_caisse', 'forfaits_admin',
                             'forfaits_telephonie'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;

-- Lecture: search, view (with what calls in progress hold), print; not whom accounts called
-- (revoked from sites made before: `site init` runs this file again).
GRANT SELECT ON accounts, movements, settings, tariffs, blocked_numbers,
    privileged_numbers, schema_version, rules_changes, call_holds TO forfaits_lecture;
REVOKE SELECT ON calls FROM forfaits_lecture;

-- Caisse: what Lecture may, an account's call history with its « Demandes d'appel » (and its
-- export), and *Recharge* through `forfaits_mouvement` only: no table is written directly.
GRANT forfaits_lecture TO forfaits_caisse;
GRANT SELECT ON calls, call_attempts TO forfaits_caisse;

-- Administration: everything on the site's tables, but the ledger and the Journal are only
-- added to (SPEC §3: append-only), by hand too; deleting an account still takes its movements
-- (a foreign key's cascade runs with the owner's rights).
GRANT ALL ON ALL TABLES IN SCHEMA public TO forfaits_admin;
REVOKE UPDATE, DELETE, TRUNCATE ON movements, audit FROM forfaits_admin;
-- Nor a trigger of its own on a table: it would run with the owner's rights inside
-- `forfaits_mouvement` (SECURITY DEFINER) and rewrite what the REVOKE above protects.
REVOKE TRIGGER, REFERENCES ON ALL TABLES IN SCHEMA public FROM forfaits_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO forfaits_admin;

-- Téléphonie (the `agi` service): read accounts and rules, hold and bill calls; nothing else.
GRANT SELECT ON accounts, settings, tariffs, blocked_numbers, privileged_numbers, calls,
    call_attempts, call_holds, schema_version, rules_changes TO forfaits_telephonie;
GRANT UPDATE (balance, used_seconds) ON accounts TO forfaits_telephonie;
GRANT INSERT, UPDATE ON call_attempts TO forfaits_telephonie;
GRANT INSERT, UPDATE, DELETE ON call_holds TO forfaits_telephonie;
GRANT INSERT ON calls, movements TO forfaits_telephonie;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO forfaits_telephonie;

-- The grants above cannot say « only down »: the telephony's login, used by hand, could credit
-- an account, hand its minutes back or write itself a *Recharge*. Its writes to balances and
-- movements are those of billing a call, checked row by row. `current_user` rather than
-- `session_user`: inside `forfaits_mouvement` (the cash desk's *Recharge*) it is the owner.
CREATE OR REPLACE FUNCTION forfaits_garde_telephonie() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF {is_admin_now} OR NOT pg_has_role(current_user, 'forfaits_telephonie', 'MEMBER') THEN
        RETURN NEW;
    END IF;
    IF TG_TABLE_NAME = 'accounts' THEN
        IF NEW.balance > OLD.balance OR NEW.used_seconds < OLD.used_seconds THEN
            RAISE EXCEPTION 'forfaits: la téléphonie ne crédite aucun compte (%)', current_user
                USING ERRCODE = '42501';
        END IF;
    ELSIF NEW.kind <> 'appel' OR NEW.amount >= 0
          OR NEW.balance_after IS DISTINCT FROM
             (SELECT balance FROM accounts WHERE id = NEW.account_id) THEN
        RAISE EXCEPTION 'forfaits: la téléphonie n''écrit que le débit d''un appel (%)', current_user
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
-- The WHEN clause spares every other writer (an import's movements, a migration's COPY) the
-- function's call.
DROP TRIGGER IF EXISTS accounts_telephonie ON accounts;
CREATE TRIGGER accounts_telephonie BEFORE UPDATE ON accounts FOR EACH ROW
    WHEN (pg_has_role(current_user, 'forfaits_telephonie', 'MEMBER')
          AND NOT pg_has_role(current_user, 'forfaits_admin', 'MEMBER'))
    EXECUTE FUNCTION forfaits_garde_telephonie();
DROP TRIGGER IF EXISTS movements_telephonie ON movements;
CREATE TRIGGER movements_telephonie BEFORE INSERT ON movements FOR EACH ROW
    WHEN (pg_has_role(current_user, 'forfaits_telephonie', 'MEMBER')
          AND NOT pg_has_role(current_user, 'forfaits_admin', 'MEMBER'))
    EXECUTE FUNCTION forfaits_garde_telephonie();

-- An amount as the Journal writes it (Currency::format_plain): `-12,500`.
CREATE OR REPLACE FUNCTION forfaits_montant(v bigint, decimals integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v < 0 THEN '-' ELSE '' END
        || div(abs(v::numeric), 10::numeric ^ decimals)::text
        || CASE WHEN decimals > 0
                THEN ',' || lpad(mod(abs(v::numeric), 10::numeric ^ decimals)::bigint::text, decimals, '0')
                ELSE '' END
$$;

-- The one way a balance changes by hand: the account locked, the rule of its kind checked, the
-- balance and its movement written together, the Journal's line added; the operator is the
-- signed-in user. The cash desk may add a *Recharge* and nothing else. Returns no row for an
-- unknown account, `refused` for a debit or correction that would leave the balance below zero.
CREATE OR REPLACE FUNCTION forfaits_mouvement(
    p_account bigint, p_kind text, p_signed bigint, p_reason text, p_decimals integer,
    OUT movement_id bigint, OUT at bigint, OUT balance_before bigint, OUT balance_after bigint,
    OUT refused boolean)
RETURNS SETOF record
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    acc record;
    admin boolean := {is_admin};
    -- The site's, not the caller's: a hand-made call could make the Journal read 1 000 TND for
    -- a recharge of 1 (`p_decimals` stays for the callers of earlier versions).
    decimals integer := coalesce(
        (SELECT value::integer FROM settings WHERE key = 'currency_decimals'), 3);
BEGIN
    IF p_kind = 'recharge' THEN
        IF NOT (admin OR pg_has_role(session_user, 'forfaits_caisse', 'MEMBER')) THEN
            RAISE EXCEPTION 'forfaits: recharge refusée à %', session_user USING ERRCODE = '42501';
        END IF;
    ELSIF p_kind IN ('debit', 'correction', 'remboursement') THEN
        IF NOT admin THEN
            RAISE EXCEPTION 'forfaits: % refusé à %', p_kind, session_user USING ERRCODE = '42501';
        END IF;
    ELSE
        RAISE EXCEPTION 'forfaits: un mouvement % ne se saisit pas à la main', p_kind
            USING ERRCODE = '22023';
    END IF;
    IF (p_kind = 'debit' AND p_signed >= 0) OR (p_kind IN ('recharge', 'remboursement') AND p_signed <= 0)
        OR p_signed = 0 THEN
        RAISE EXCEPTION 'forfaits: montant % invalide pour %', p_signed, p_kind USING ERRCODE = '22023';
    END IF;
    SELECT a.balance, a.name, a.matricule INTO acc FROM accounts a WHERE a.id = p_account FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    balance_before := acc.balance;
    balance_after := acc.balance + p_signed;
    at := extract(epoch FROM clock_timestamp())::bigint;
    refused := p_signed < 0 AND balance_after < 0;
    IF refused THEN
        RETURN NEXT;
        RETURN;
    END IF;
    UPDATE accounts SET balance = balance_after WHERE id = p_account;
    INSERT INTO movements (account_id, at, kind, amount, balance_after, reason, operator)
        VALUES (p_account, at, p_kind, p_signed, balance_after, p_reason, session_user)
        RETURNING id INTO movement_id;
    INSERT INTO audit (at, operator, action, matricule, name, details)
        VALUES (at, session_user,
                CASE p_kind WHEN 'recharge' THEN 'Recharge' WHEN 'debit' THEN 'Débit'
                            WHEN 'correction' THEN 'Correction' ELSE 'Remboursement' END,
                acc.matricule, acc.name,
                CASE WHEN p_signed > 0 THEN '+' ELSE '' END || forfaits_montant(p_signed, decimals)
                    || ' ; solde ' || forfaits_montant(balance_after, decimals)
                    || CASE WHEN p_reason = '' THEN '' ELSE ' ; motif : ' || p_reason END);
    RETURN NEXT;
END
$$;
REVOKE ALL ON FUNCTION forfaits_mouvement(bigint, text, bigint, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION forfaits_mouvement(bigint, text, bigint, text, integer)
    TO forfaits_caisse, forfaits_admin;

-- Movements and Journal lines carry the signed-in user, whoever writes them (an administrator
-- cannot write another's name); only the owner of the tables (`site migrate`) keeps the
-- operators of the database it copies.
CREATE OR REPLACE FUNCTION forfaits_operateur() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF session_user <> (SELECT tableowner FROM pg_tables
                        WHERE schemaname = 'public' AND tablename = TG_TABLE_NAME) THEN
        NEW.operator := session_user;
    END IF;
    RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS movements_operator ON movements;
CREATE TRIGGER movements_operator BEFORE INSERT OR UPDATE ON movements
    FOR EACH ROW EXECUTE FUNCTION forfaits_operateur();
DROP TRIGGER IF EXISTS audit_operator ON audit;
CREATE TRIGGER audit_operator BEFORE INSERT OR UPDATE ON audit
    FOR EACH ROW EXECUTE FUNCTION forfaits_operateur();

-- An export written to a file is in the Journal, whoever made it (Lecture writes no table):
-- only the Journal's lines of exports go through here.
DROP FUNCTION IF EXISTS forfaits_journal_export(text);
CREATE OR REPLACE FUNCTION forfaits_journal_export(
    p_action text, p_matricule text, p_name text, p_details text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF p_action NOT IN ('Export des utilisateurs', 'Export de l''historique des appels') THEN
        RAISE EXCEPTION 'forfaits: % n''est pas un export', p_action USING ERRCODE = '42501';
    END IF;
    INSERT INTO audit (at, operator, action, matricule, name, details)
    VALUES (extract(epoch FROM clock_timestamp())::bigint, session_user, p_action, p_matricule,
            p_name, p_details);
END
$$;
REVOKE ALL ON FUNCTION forfaits_journal_export(text, text, text, text)
    FROM PUBLIC, forfaits_lecture;
GRANT EXECUTE ON FUNCTION forfaits_journal_export(text, text, text, text)
    TO forfaits_caisse, forfaits_admin;
