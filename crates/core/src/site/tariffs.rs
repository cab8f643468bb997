//! The tariffs of a site: the file read and checked as on SQLite (`tariffs`), the table replaced
//! in one transaction (administration only: the server refuses the others).

use super::SiteStore;
use crate::error::Result;
use crate::tariffs::{read_tariffs, TariffsReport};
use std::path::Path;

impl SiteStore {
    /// As [`crate::tariffs::import_tariffs`] on SQLite.
    pub fn import_tariffs(&mut self, path: &Path, dry_run: bool) -> Result<TariffsReport> {
        let mut report = read_tariffs(path, &self.settings()?)?;
        if !report.erreurs.is_empty() || dry_run {
            return Ok(report);
        }
        let tariffs = std::mem::take(&mut report.lus);
        let refused = self.refusal("importer des tarifs");
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(&refused)?;
        tx.execute("DELETE FROM tariffs", &[]).map_err(&refused)?;
        let insert = tx.prepare(
            "INSERT INTO tariffs (prefix, label, price_per_min, initial_block_s, block_s, connection_fee)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )?;
        for t in &tariffs {
            tx.execute(
                &insert,
                &[
                    &t.prefixe,
                    &t.libelle,
                    &t.prix_minute,
                    &t.bloc_initial_s,
                    &t.bloc_s,
                    &t.frais_connexion,
                ],
            )?;
        }
        super::accounts::audit(
            &mut tx,
            "Import des tarifs",
            None,
            &format!(
                "{} depuis {}",
                crate::fr::nombre(tariffs.len() as u64, "tarif", "tarifs"),
                crate::store::audit::file_name(path)
            ),
        )?;
        tx.commit()?;
        report.ecrit = true;
        Ok(report)
    }
}
