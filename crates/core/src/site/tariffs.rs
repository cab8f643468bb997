//! The tariffs of a site: the file read and checked as on SQLite (`tariffs`), the table replaced
//! in one transaction (administration only: the server refuses the others).

use super::SiteStore;
use crate::error::Result;
use crate::tariffs::{journal, read_tariffs, replace_all, TariffsReport, IMPORT_ACTION};
use std::path::Path;

const ACTION: &str = "importer des tarifs";

impl SiteStore {
    /// As [`crate::tariffs::import_tariffs`] on SQLite.
    pub fn import_tariffs(&mut self, path: &Path, dry_run: bool) -> Result<TariffsReport> {
        let mut report = read_tariffs(path, &self.settings()?)?;
        if !report.erreurs.is_empty() || dry_run {
            return Ok(report);
        }
        let tariffs = std::mem::take(&mut report.lus);
        let refused = self.refusal(ACTION);
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(&refused)?;
        replace_all(&mut tx, &tariffs).map_err(self.refused(ACTION))?;
        super::accounts::audit(&mut tx, IMPORT_ACTION, None, &journal(&tariffs, path))?;
        tx.commit()?;
        report.ecrit = true;
        Ok(report)
    }
}
