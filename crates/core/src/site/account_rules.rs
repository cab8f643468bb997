//! An account's own call rules (SPEC §12) on a site: the checks of `rules`, the row written
//! here with its Journal line (administration only: the server refuses the others).

use super::SiteStore;
use crate::domain::Account;
use crate::error::Result;
use crate::rules::{AccountChange, AccountRules};
use crate::store::audit::JournalLine;
use crate::store::now;

impl AccountRules for SiteStore {
    fn apply_change(&mut self, a: &Account, c: &AccountChange, j: JournalLine) -> Result<Account> {
        let JournalLine { action, details } = j;
        let refused = self.refusal("changer les règles d'appel d'un compte");
        {
            let mut client = self.client.borrow_mut();
            let mut tx = client.transaction().map_err(&refused)?;
            let t = now();
            match c {
                AccountChange::Limits { max_call, per_day } => tx.execute(
                    "UPDATE accounts SET max_call_min = $2, calls_per_day = $3, updated_at = $4
                     WHERE id = $1",
                    &[&a.id, &max_call.map(i64::from), &per_day.map(i64::from), &t],
                ),
                AccountChange::Suspend { until, reason } => tx.execute(
                    "UPDATE accounts SET suspended_until = $2, suspension_reason = $3,
                            updated_at = $4
                     WHERE id = $1",
                    &[&a.id, &AccountChange::stored_day(until), reason, &t],
                ),
                AccountChange::Resume => tx.execute(
                    "UPDATE accounts SET suspended_until = NULL, suspension_reason = '',
                            updated_at = $2
                     WHERE id = $1",
                    &[&a.id, &t],
                ),
                AccountChange::ResetDuration => tx.execute(
                    "UPDATE accounts SET used_seconds = 0, updated_at = $2 WHERE id = $1",
                    &[&a.id, &t],
                ),
            }
            .map_err(&refused)?;
            let subject = Some((a.matricule.as_str(), a.name.as_str()));
            super::accounts::audit_and_commit(tx, action, subject, details).map_err(&refused)?;
        }
        self.get_account(a.id)
    }
}
