//! The site's call rules (SPEC §12) on a site: written as on SQLite, by administration only
//! (the server refuses the others).

use super::SiteStore;
use crate::error::Result;
use crate::rules::{write_site_rules, SiteRulesChange, SITE_RULES_CHANGED};
use crate::store::Settings;

const ACTION: &str = "changer les règles d'appel";

impl SiteStore {
    /// Saves the site's rules after checking every one; nothing is saved if one is wrong.
    pub fn save_site_rules(&mut self, c: &SiteRulesChange) -> Result<Settings> {
        let refused = self.refusal(ACTION);
        {
            let mut client = self.client.borrow_mut();
            let mut tx = client.transaction().map_err(&refused)?;
            let changes = write_site_rules(&mut tx, c).map_err(self.refused(ACTION))?;
            if !changes.is_empty() {
                super::accounts::audit(&mut tx, SITE_RULES_CHANGED, None, &changes.join(" ; "))
                    .map_err(&refused)?;
            }
            tx.commit().map_err(&refused)?;
        }
        self.settings()
    }
}
