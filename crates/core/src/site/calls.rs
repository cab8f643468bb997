//! Loading a Master.csv into a site (SPEC §8): the same reading, rating and report as on SQLite
//! (`calls`), written through PostgreSQL; the accounts met are locked (`FOR UPDATE`) until the
//! load commits, since their balances and minutes are written back at its end.

use super::SiteStore;
use crate::calls::db::ACCOUNT_CTX;
use crate::calls::{
    load_into, load_journal, AccountCtx, AppelRow, CallRow, CallsDb, CallsOptions, CallsProgress,
    CallsReport, CallsTable, Rating, LOAD_ACTION,
};
use crate::domain::phone::CountryCode;
use crate::error::Result;
use postgres::Transaction;
use std::path::Path;
use std::sync::LazyLock;

struct Pg<'a, 't>(&'a mut Transaction<'t>);

/// Locked: the load writes the account's balance and minutes back at its end.
static ACCOUNT_CTX_LOCKED: LazyLock<String> =
    LazyLock::new(|| format!("{} FOR UPDATE", ACCOUNT_CTX.site()));

impl CallsTable for Pg<'_, '_> {
    fn insert_call(&mut self, row: &CallRow<'_>) -> Result<bool> {
        self.0.insert_call(row)
    }

    fn dedup_key_of(&mut self, hash: i64) -> Result<String> {
        self.0.dedup_key_of(hash)
    }
}

impl<'t> CallsDb for Pg<'_, 't> {
    type Q = Transaction<'t>;

    fn q(&mut self) -> &mut Transaction<'t> {
        self.0
    }

    fn account_ctx(&mut self, code: &str, cc: &CountryCode) -> Result<Option<AccountCtx>> {
        let row = self.0.query_opt(ACCOUNT_CTX_LOCKED.as_str(), &[&code])?;
        Ok(row.map(|r| {
            let keys = (4..4 + crate::domain::KEYS).map(|i| r.get(i));
            AccountCtx::new(r.get(0), r.get(1), r.get(2), r.get(3), keys, cc)
        }))
    }

    fn insert_movements(&mut self, rows: &[AppelRow], at: i64, _operator: &str) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let accounts: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let amounts: Vec<i64> = rows.iter().map(|r| r.1).collect();
        let afters: Vec<i64> = rows.iter().map(|r| r.2).collect();
        let reasons: Vec<&str> = rows.iter().map(|r| r.3.as_str()).collect();
        self.0.execute(
            "INSERT INTO movements (account_id, at, kind, amount, balance_after, reason, operator)
             SELECT a, $5, 'appel', m, b, r, session_user
             FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[])
                  WITH ORDINALITY AS t(a, m, b, r, n)
             ORDER BY n",
            &[&accounts, &amounts, &afters, &reasons, &at],
        )?;
        Ok(())
    }
}

impl SiteStore {
    /// Loads a Master.csv file, as [`crate::calls::load_calls`] on SQLite.
    pub fn load_calls(
        &mut self,
        path: &Path,
        opts: CallsOptions,
        progress: &mut dyn FnMut(CallsProgress) -> Result<()>,
    ) -> Result<CallsReport> {
        let rating = Rating::read(self)?;
        let operator = self.operator().to_string();
        let refused = self.refusal("charger des appels");
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(&refused)?;
        // Only the roles that load calls read what deleted accounts left (`forgotten_calls`).
        let known = crate::calls::db::known(&mut tx).map_err(self.refused("charger des appels"))?;
        let mut report = load_into(Pg(&mut tx), path, opts, progress, &rating, &operator, known)
            .map_err(self.refused("charger des appels"))?;
        if opts.dry_run {
            return Ok(report);
        }
        super::accounts::audit(
            &mut tx,
            LOAD_ACTION,
            None,
            &load_journal(&report, path, &rating.settings),
        )
        .map_err(&refused)?;
        tx.commit().map_err(&refused)?;
        report.ecrit = true;
        Ok(report)
    }
}
