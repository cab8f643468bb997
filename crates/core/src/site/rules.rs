//! The site's call rules (SPEC §12) on a site: written as on SQLite, by administration only
//! (the server refuses the others).

use super::SiteStore;
use crate::error::Result;
use crate::rules::{site_rules_writes, SiteRulesChange, SITE_RULES_CHANGED};
use crate::store::Settings;

impl SiteStore {
    /// Saves the site's rules after checking every one; nothing is saved if one is wrong.
    pub fn save_site_rules(&mut self, c: &SiteRulesChange) -> Result<Settings> {
        let (writes, changes) = site_rules_writes(c)?;
        let refused = self.refusal("changer les règles d'appel");
        {
            let mut client = self.client.borrow_mut();
            let mut tx = client.transaction().map_err(&refused)?;
            for (k, v) in &writes {
                match v {
                    Some(v) => tx.execute(
                        "INSERT INTO settings (key, value) VALUES ($1, $2)
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        &[k, v],
                    ),
                    None => tx.execute("DELETE FROM settings WHERE key = $1", &[k]),
                }
                .map_err(&refused)?;
            }
            if !changes.is_empty() {
                super::accounts::audit(&mut tx, SITE_RULES_CHANGED, None, &changes.join(" ; "))
                    .map_err(&refused)?;
            }
            tx.commit().map_err(&refused)?;
        }
        self.settings()
    }
}
