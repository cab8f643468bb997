//! Blocked and privileged numbers (SPEC §12) on a site: the checks and the Journal's words of
//! `rules::numbers`, the rows read and written here (administration only: the server refuses
//! the others).

use super::SiteStore;
use crate::error::Result;
use crate::rules::numbers::{
    self, BlockedNumber, JournalOf, NumberList, NumberStore, PrivilegedNumber, BLOCKED, KEY_ROWS,
    PRIVILEGED,
};

const ACTION: &str = "changer les numéros interdits ou privilégiés";

impl SiteStore {
    pub fn privileged_numbers(&self) -> Result<Vec<PrivilegedNumber>> {
        Ok(self
            .client
            .borrow_mut()
            .query(
                "SELECT number, label, free, operator, created_at FROM privileged_numbers
                 ORDER BY label COLLATE \"C\", number COLLATE \"C\"",
                &[],
            )?
            .iter()
            .map(|r| PrivilegedNumber {
                numero: r.get(0),
                libelle: r.get(1),
                gratuit: r.get(2),
                operateur: r.get(3),
                date: r.get(4),
            })
            .collect())
    }

    /// Runs `f` in a transaction with the Journal's line `action`/`journal` added when `f`
    /// returns something; a refusal of the server in French.
    fn journaled<T>(
        &mut self,
        action: &str,
        f: impl FnOnce(
            &mut postgres::Transaction<'_>,
        ) -> std::result::Result<Option<T>, postgres::Error>,
        journal: impl FnOnce(&T) -> String,
    ) -> Result<Option<T>> {
        let refused = self.refusal(ACTION);
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(&refused)?;
        let done = f(&mut tx).map_err(&refused)?;
        if let Some(v) = &done {
            super::accounts::audit_and_commit(tx, action, None, &journal(v)).map_err(&refused)?;
        }
        Ok(done)
    }
}

impl NumberStore for SiteStore {
    fn may_change_rules(&self) -> Result<()> {
        match self.role() {
            super::Role::Admin => Ok(()),
            _ => Err(self.denied(ACTION)),
        }
    }

    fn blocked_numbers(&self) -> Result<Vec<BlockedNumber>> {
        Ok(self
            .client
            .borrow_mut()
            .query(
                "SELECT pattern, reason, operator, created_at FROM blocked_numbers
                 ORDER BY pattern COLLATE \"C\"",
                &[],
            )?
            .iter()
            .map(|r| BlockedNumber {
                motif: r.get(0),
                raison: r.get(1),
                operateur: r.get(2),
                date: r.get(3),
            })
            .collect())
    }

    fn each_keys(&self, f: &mut numbers::KeysVisitor<'_>) -> Result<()> {
        use postgres::fallible_iterator::FallibleIterator;
        let mut client = self.client.borrow_mut();
        let mut rows = client.query_raw(KEY_ROWS.as_str(), std::iter::empty::<i32>())?;
        while let Some(r) = rows.next()? {
            let phones: Vec<Option<String>> =
                (0..crate::domain::KEYS).map(|k| r.get(2 + k)).collect();
            f(r.get(0), r.get(1), &phones);
        }
        Ok(())
    }

    fn insert_blocked(&mut self, b: &BlockedNumber, journal: &str) -> Result<bool> {
        let done = self.journaled(
            BLOCKED,
            |tx| {
                let n = tx.execute(
                    "INSERT INTO blocked_numbers (pattern, reason, operator, created_at)
                     VALUES ($1, $2, session_user, $3) ON CONFLICT (pattern) DO NOTHING",
                    &[&b.motif, &b.raison, &b.date],
                )?;
                Ok((n > 0).then_some(()))
            },
            |_| journal.to_string(),
        )?;
        Ok(done.is_some())
    }

    fn remove(&mut self, list: NumberList, key: &str, j: &JournalOf) -> Result<Option<String>> {
        let sql = list.delete_sql().replace('?', "$");
        self.journaled(
            list.removed(),
            |tx| Ok(tx.query_opt(&sql, &[&key])?.map(|r| r.get(0))),
            |v: &String| j(v),
        )
    }

    fn upsert_privileged(&mut self, p: &PrivilegedNumber, journal: &str) -> Result<()> {
        self.journaled(
            PRIVILEGED,
            |tx| {
                tx.execute(
                    "INSERT INTO privileged_numbers (number, label, free, operator, created_at)
                     VALUES ($1, $2, $3, session_user, $4)
                     ON CONFLICT (number) DO UPDATE SET label = excluded.label, free = excluded.free,
                        operator = excluded.operator, created_at = excluded.created_at",
                    &[&p.numero, &p.libelle, &p.gratuit, &p.date],
                )?;
                Ok(Some(()))
            },
            |_| journal.to_string(),
        )?;
        Ok(())
    }
}
