//! The Journal read on a site: the same page and filter as on SQLite (`store::audit`).

use super::SiteStore;
use crate::error::Result;
use crate::store::audit::{AuditEntry, AuditFilter, AUDIT_PAGE};
use crate::store::shared::Row;

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
        rows.iter().map(|r| Ok(AuditEntry::read(r)?)).collect()
    }
}
