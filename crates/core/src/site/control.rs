//! Call control on a site (SPEC §11, §13): the decisions of `control/decide.rs` over a
//! PostgreSQL transaction. The account's row is locked (`FOR UPDATE`) from the first read to the
//! commit, which is what the write lock does on SQLite: two calls of one account decided at
//! once by two services are never granted more than its balance.

use super::accounts::from_row;
use super::SiteStore;
use crate::control::db::{
    is_code, Bill, ControlDb, Open, ACCOUNT_BY_CODE, BILLING_AND_NAME, OPEN_HOLD,
};
use crate::control::{Answer, Request};
use crate::domain::Account;
use crate::error::Result;
use crate::rating::Tariff;
use crate::store::ledger::ADD_TO_BALANCE;
use crate::store::shared::{Row as _, SiteConn};
use postgres::types::ToSql;
use postgres::{Row, Statement, Transaction};
use std::collections::HashMap;
use std::sync::LazyLock;

// The shared texts, locking what SQLite's write lock holds already.
static ACCOUNT_BY_CODE_LOCKED: LazyLock<String> =
    LazyLock::new(|| format!("{} FOR UPDATE", ACCOUNT_BY_CODE.site()));
static OPEN_HOLD_LOCKED: LazyLock<String> =
    LazyLock::new(|| format!("{} FOR UPDATE OF h", OPEN_HOLD.site()));
static BILLING_AND_NAME_LOCKED: LazyLock<String> =
    LazyLock::new(|| format!("{} FOR UPDATE", BILLING_AND_NAME.site()));

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

impl<'t> SiteConn for Pg<'_, 't> {
    type Client = Transaction<'t>;
    fn prepared(&mut self, sql: &str) -> Result<(&mut Transaction<'t>, Statement)> {
        let st = self.statement(sql)?;
        Ok((self.tx, st))
    }
}

impl ControlDb for Pg<'_, '_> {
    fn account_by_code(&mut self, code: &str) -> Result<Option<Account>> {
        if !is_code(code) {
            return Ok(None);
        }
        self.query_opt(&ACCOUNT_BY_CODE_LOCKED, &[&code])?
            .map(|r| from_row(&r))
            .transpose()
    }

    fn open_hold(&mut self, uniqueid: &str) -> Result<Option<Open>> {
        let row = self.query_opt(&OPEN_HOLD_LOCKED, &[&uniqueid])?;
        Ok(row.map(|r| Open::read(&r)).transpose()?)
    }

    fn billing_and_name(&mut self, account: i64) -> Result<(bool, String)> {
        let r = self.query_one(&BILLING_AND_NAME_LOCKED, &[&account])?;
        Ok((r.get(0), r.get(1)))
    }

    fn debit(&mut self, b: &Bill<'_>) -> Result<i64> {
        let account = b.open.account_id;
        let after: i64 = self
            .query_one(ADD_TO_BALANCE.site(), &[&account, &-b.debit])?
            .get(0);
        self.execute(
            "INSERT INTO movements (account_id, at, kind, amount, balance_after, reason, operator)
             VALUES ($1, $2, 'appel', $3, $4, $5, session_user)",
            &[&account, &b.now, &-b.debit, &after, &b.reason()],
        )?;
        Ok(after)
    }
}

impl SiteStore {
    /// Every tariff, by prefix.
    pub fn tariffs(&self) -> Result<Vec<Tariff>> {
        crate::tariffs::all_tariffs(&mut *self.client.borrow_mut())
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
