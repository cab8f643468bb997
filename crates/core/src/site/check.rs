//! `check` on a site: the checks of the SQLite store that do not concern SQLite's own file or
//! the search index (which a site leaves to PostgreSQL), with the same SQL and sentences.

use super::SiteStore;
use crate::error::Result;
use crate::store::check::{
    ledger_and_calls, refused_keys, CheckQueries, CheckReport, Findings, MAX_LISTED,
};

impl SiteStore {
    pub fn check(&self) -> Result<CheckReport> {
        let report = || -> Result<CheckReport> {
            let settings = self.settings()?;
            let mut problems = Findings::default();
            ledger_and_calls(self, &settings.currency, &mut problems)?;
            let keys = refused_keys(self, &settings.country_code)?;
            Ok(CheckReport {
                comptes: self.count("SELECT count(*) FROM accounts")? as u64,
                mouvements: self.count("SELECT count(*) FROM movements")? as u64,
                problemes: problems,
                touches_a_corriger: keys,
            })
        };
        report().map_err(self.refused("vérifier la base"))
    }
}

impl CheckQueries for SiteStore {
    fn count(&self, sql: &str) -> Result<i64> {
        super::value(&mut *self.client.borrow_mut(), sql, &[])
    }

    fn texts(&self, sql: &str, param: i64) -> Result<Vec<String>> {
        let rows = self.client.borrow_mut().query(sql, &[&param])?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn breaks(&self, sql: &str) -> Result<Vec<(String, String, i64, i64)>> {
        let rows = self.client.borrow_mut().query(sql, &[&MAX_LISTED])?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect())
    }
}
