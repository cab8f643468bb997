//! The Journal read on a site: the same page and filter as on SQLite (`store::audit`).

use super::SiteStore;
use crate::error::Result;
use crate::store::audit::{AuditEntry, AuditFilter, AUDIT_PAGE};

impl SiteStore {
    /// Newest first.
    pub fn audit_entries(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let rows = self
            .client
            .borrow_mut()
            .query(
                AUDIT_PAGE,
                &[&f.pattern(), &f.depuis, &f.jusqua, &f.limit(), &f.apres],
            )
            .map_err(self.refusal("lire le Journal"))?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    date: r.try_get("date")?,
                    operateur: r.try_get("operateur")?,
                    action: r.try_get("action")?,
                    matricule: r.try_get("matricule")?,
                    nom: r.try_get("nom")?,
                    details: r.try_get("details")?,
                })
            })
            .collect()
    }
}
