//! Call control on a site (SPEC §11, §13): the decisions of `control/decide.rs` over a
//! PostgreSQL transaction. The account's row is locked (`FOR UPDATE`) from the first read to the
//! commit, which is what the write lock does on SQLite: two calls of one account decided at
//! once by two services are never granted more than its balance.

use super::accounts::from_row;
use super::SiteStore;
use crate::control::db::{is_code, Bill, ControlDb, NewAttempt, Open, INSERT_HOLD};
use crate::control::{Answer, Request};
use crate::domain::Account;
use crate::error::Result;
use crate::rating::Tariff;
use crate::store::columns::ACCOUNT;
use postgres::types::ToSql;
use postgres::{Row, Statement, Transaction};
use std::collections::HashMap;

/// The savepoint of one request inside the batch's transaction, and the statements the
/// connection has prepared (each decision runs the same few: parsed once per connection, a
/// decision is one round trip per statement).
pub(crate) struct Pg<'a, 't> {
    tx: &'a mut Transaction<'t>,
    prepared: &'a mut HashMap<String, Statement>,
}

impl Pg<'_, '_> {
    fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.prepared.get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(sql)?;
        self.prepared.insert(sql.to_string(), s.clone());
        Ok(s)
    }

    fn query_opt(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Option<Row>> {
        let st = self.statement(sql)?;
        Ok(self.tx.query_opt(&st, params)?)
    }

    fn query_one(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Row> {
        let st = self.statement(sql)?;
        Ok(self.tx.query_one(&st, params)?)
    }

    fn execute(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        let st = self.statement(sql)?;
        Ok(self.tx.execute(&st, params)?)
    }
}

fn key(k: Option<i64>) -> Option<u8> {
    k.and_then(|k| u8::try_from(k).ok())
}

impl ControlDb for Pg<'_, '_> {
    fn account_by_code(&mut self, code: &str) -> Result<Option<Account>> {
        if !is_code(code) {
            return Ok(None);
        }
        Ok(self
            .query_opt(
                &format!(
                    "SELECT {} FROM accounts WHERE identifiant = $1 FOR UPDATE",
                    *ACCOUNT
                ),
                &[&code],
            )?
            .map(|r| from_row(&r)))
    }

    fn calls_since(&mut self, account: i64, since: i64) -> Result<i64> {
        Ok(self
            .query_one(
                "SELECT count(*) FROM call_attempts
                 WHERE account_id = $1 AND at >= $2 AND decision = 'ok'",
                &[&account, &since],
            )?
            .get(0))
    }

    fn open_reservations(&mut self, account: i64, now: i64) -> Result<(i64, i64)> {
        let r = self.query_one(
            "SELECT coalesce(sum(reserved), 0)::bigint, coalesce(sum(limit_s), 0)::bigint
             FROM call_holds WHERE account_id = $1 AND expires_at > $2",
            &[&account, &now],
        )?;
        Ok((r.get(0), r.get(1)))
    }

    fn record_attempt(&mut self, now: i64, a: &NewAttempt<'_>) -> Result<()> {
        let key = a.key.map(i64::from);
        let id: i64 = self
            .query_one(
                "INSERT INTO call_attempts (at, uniqueid, account_id, typed_code, asked, number,
                    key_index, decision, limit_ms, reserved, record, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                &[
                    &now,
                    &a.req.uniqueid,
                    &a.account,
                    &a.req.code.trim(),
                    &a.req.asked.trim(),
                    &a.number,
                    &key,
                    &a.decision,
                    &a.limit_ms,
                    &a.reserved,
                    &a.record,
                    &a.expires_at,
                ],
            )?
            .get(0);
        let Some((account, expires_at)) = a.held() else {
            return Ok(());
        };
        let t = a.tariff;
        self.execute(
            INSERT_HOLD,
            &[
                &id,
                &account,
                &a.req.uniqueid,
                &a.reserved,
                &(a.limit_ms / 1000),
                &expires_at,
                &t.map(|t| t.prefixe.as_str()),
                &t.map(|t| t.libelle.as_str()),
                &t.map(|t| t.prix_minute),
                &t.map(|t| t.bloc_initial_s),
                &t.map(|t| t.bloc_s),
                &t.map(|t| t.frais_connexion),
            ],
        )?;
        Ok(())
    }

    fn open_hold(&mut self, uniqueid: &str) -> Result<Option<Open>> {
        let Some(r) = self.query_opt(
            "SELECT h.attempt_id, a.at, h.account_id, a.number, a.key_index,
                    h.tariff_prefix, h.tariff_label, h.price_per_min, h.initial_block_s,
                    h.block_s, h.connection_fee
             FROM call_holds h JOIN call_attempts a ON a.id = h.attempt_id
             WHERE h.uniqueid = $1 ORDER BY h.attempt_id DESC LIMIT 1
             FOR UPDATE OF h",
            &[&uniqueid],
        )?
        else {
            return Ok(None);
        };
        let tariff = r.get::<_, Option<String>>(5).map(|prefixe| Tariff {
            prefixe,
            libelle: r.get(6),
            prix_minute: r.get(7),
            bloc_initial_s: r.get(8),
            bloc_s: r.get(9),
            frais_connexion: r.get(10),
        });
        Ok(Some(Open {
            id: r.get(0),
            at: r.get(1),
            account_id: r.get(2),
            number: r.get(3),
            key: key(r.get(4)),
            tariff,
        }))
    }

    fn billed_before(&mut self, uniqueid: &str) -> Result<bool> {
        Ok(self
            .query_opt(
                "SELECT 1 FROM calls WHERE agi_uniqueid = $1 LIMIT 1",
                &[&uniqueid],
            )?
            .is_some())
    }

    fn billing_and_name(&mut self, account: i64) -> Result<(bool, String)> {
        let r = self.query_one(
            "SELECT billing, name FROM accounts WHERE id = $1 FOR UPDATE",
            &[&account],
        )?;
        Ok((r.get(0), r.get(1)))
    }

    fn bill(&mut self, b: &Bill<'_>) -> Result<()> {
        let open = b.open;
        // The debit first, so that the call is written with the balance after it (the
        // telephony role writes calls, it does not rewrite them).
        let after: Option<i64> = if b.debit > 0 {
            let after: i64 = self
                .query_one(
                    "UPDATE accounts SET balance = balance - $2 WHERE id = $1 RETURNING balance",
                    &[&open.account_id, &b.debit],
                )?
                .get(0);
            self.execute(
                "INSERT INTO movements (account_id, at, kind, amount, balance_after, reason, operator)
                 VALUES ($1, $2, 'appel', $3, $4, $5, session_user)",
                &[&open.account_id, &b.now, &-b.debit, &after, &b.reason()],
            )?;
            Some(after)
        } else {
            None
        };
        let key = open.key.map(i64::from);
        let call_id: i64 = self
            .query_one(
                "INSERT INTO calls (account_id, dedup_key, dedup_hash, started_at, dialed, number,
                    key_index, disposition, duration_s, billsec, billed_s, cost, tariff_prefix,
                    tariff_label, balance_after, loaded_at, agi_uniqueid)
                 VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $8, $9, $10, $11, $12, $13, $14, $15)
                 RETURNING id",
                &[
                    &open.account_id,
                    &b.dedup_key(),
                    &b.dedup_hash(),
                    &open.at,
                    &open.number,
                    &key,
                    &b.disposition,
                    &b.billsec,
                    &b.billed_s,
                    &b.debit,
                    &open.tariff.as_ref().map(|t| t.prefixe.as_str()),
                    &open.tariff.as_ref().map(|t| t.libelle.as_str()),
                    &after,
                    &b.now,
                    &b.uniqueid,
                ],
            )?
            .get(0);
        if b.answered {
            self.execute(
                "UPDATE accounts SET used_seconds = used_seconds + $2 WHERE id = $1",
                &[&open.account_id, &b.billsec],
            )?;
        }
        self.execute("DELETE FROM call_holds WHERE attempt_id = $1", &[&open.id])?;
        self.execute(
            "UPDATE call_attempts SET settled_at = $2, call_id = $3 WHERE id = $1",
            &[&open.id, &b.now, &call_id],
        )?;
        Ok(())
    }
}

impl SiteStore {
    /// Every tariff, by prefix.
    pub fn tariffs(&self) -> Result<Vec<Tariff>> {
        Ok(self
            .client
            .borrow_mut()
            .query(
                "SELECT prefix, label, price_per_min, initial_block_s, block_s, connection_fee
                 FROM tariffs ORDER BY prefix COLLATE \"C\"",
                &[],
            )?
            .iter()
            .map(|r| Tariff {
                prefixe: r.get(0),
                libelle: r.get(1),
                prix_minute: r.get(2),
                bloc_initial_s: r.get(3),
                bloc_s: r.get(4),
                frais_connexion: r.get(5),
            })
            .collect())
    }

    /// Changes whenever settings, tariffs or number rules change (a trigger counts).
    pub fn rules_version(&self) -> Result<i64> {
        Ok(self
            .client
            .borrow_mut()
            .query_one("SELECT n FROM rules_changes", &[])?
            .get(0))
    }

    /// Runs `one` for each request in one transaction, each under its own savepoint (as on
    /// SQLite): a request that fails leaves nothing and gets its error, the others stand.
    pub(crate) fn decide_in_transaction(
        &mut self,
        reqs: &[Request],
        mut one: impl FnMut(&mut Pg<'_, '_>, &Request) -> Result<Answer>,
    ) -> Result<Vec<Result<Answer>>> {
        let mut client = self.client.borrow_mut();
        let mut prepared = self.prepared.borrow_mut();
        let mut tx = client.transaction()?;
        let mut answer = |tx: &mut postgres::Transaction<'_>, req| {
            one(
                &mut Pg {
                    tx,
                    prepared: &mut prepared,
                },
                req,
            )
        };
        if let [req] = reqs {
            // One request alone needs no savepoint: its failure rolls the transaction back.
            let answer = answer(&mut tx, req);
            if answer.is_ok() {
                tx.commit()?;
            }
            return Ok(vec![answer]);
        }
        let mut answers = Vec::with_capacity(reqs.len());
        for req in reqs {
            let mut sp = tx.savepoint("demande")?;
            let answer = answer(&mut sp, req);
            if answer.is_ok() {
                sp.commit()?;
            } else {
                sp.rollback()?;
            }
            answers.push(answer);
        }
        tx.commit()?;
        Ok(answers)
    }
}
