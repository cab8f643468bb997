//! An account's own call rules (SPEC §12) on a site: the checks of `rules`, the row written
//! here with its Journal line (administration only: the server refuses the others).

use super::SiteStore;
use crate::domain::Account;
use crate::error::Result;
use crate::rules::{self, AccountChange, AccountRules};
use crate::store::now;
use chrono::NaiveDate;

impl SiteStore {
    /// Per-account per-call maximum and calls per day; `Some(None)` goes back to the site's.
    pub fn set_account_limits(
        &mut self,
        id: i64,
        max_call: Option<Option<u32>>,
        calls_per_day: Option<Option<u32>>,
    ) -> Result<Account> {
        rules::set_account_limits(self, id, max_call, calls_per_day)
    }

    /// Suspends calls through `until` (a local day, included), with a required reason.
    pub fn suspend_account(
        &mut self,
        id: i64,
        until: NaiveDate,
        reason: &str,
        today: NaiveDate,
    ) -> Result<Account> {
        rules::suspend_account(self, id, until, reason, today)
    }

    pub fn resume_account(&mut self, id: i64) -> Result<Account> {
        rules::resume_account(self, id)
    }
}

impl AccountRules for SiteStore {
    fn get_account(&self, id: i64) -> Result<Account> {
        SiteStore::get_account(self, id)
    }

    fn apply_change(
        &mut self,
        a: &Account,
        change: &AccountChange,
        action: &str,
        details: &str,
    ) -> Result<Account> {
        let refused = self.refusal("changer les règles d'appel d'un compte");
        {
            let mut client = self.client.borrow_mut();
            let mut tx = client.transaction().map_err(&refused)?;
            let t = now();
            match change {
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
            }
            .map_err(&refused)?;
            super::accounts::audit(&mut tx, action, Some((&a.matricule, &a.name)), details)
                .map_err(&refused)?;
            tx.commit().map_err(&refused)?;
        }
        self.get_account(a.id)
    }
}
