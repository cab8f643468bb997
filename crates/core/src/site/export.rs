//! What an export reads from a site: the rows streamed in creation order, as from SQLite.

use super::accounts::from_row;
use super::SiteStore;
use crate::domain::Account;
use crate::error::Result;
use crate::export::AccountSource;
use crate::store::audit::JournalLine;
use postgres::fallible_iterator::FallibleIterator;

impl SiteStore {
    /// The Journal's line of an export written to a file: the cash desk and the administrator
    /// may write one (roles.sql), so Lecture's export to a file is refused before the file is
    /// kept, and its export to standard output leaves no trace (it writes no table).
    pub(crate) fn journal_export(&self, a: Option<&Account>, j: JournalLine) -> Result<()> {
        self.client
            .borrow_mut()
            .execute(
                "SELECT forfaits_journal_export($1, $2, $3, $4)",
                &[
                    &j.action,
                    &a.map(|a| &a.matricule),
                    &a.map(|a| &a.name),
                    &j.details,
                ],
            )
            .map_err(self.refusal("exporter"))?;
        Ok(())
    }
}

impl AccountSource for SiteStore {
    fn longest_name(&self) -> Result<usize> {
        crate::export::longest_name(&mut *self.client.borrow_mut())
    }

    fn each_account(&self, f: &mut dyn FnMut(Account) -> Result<()>) -> Result<()> {
        let mut client = self.client.borrow_mut();
        let mut rows = client.query_raw(
            crate::store::accounts::ALL_BY_ID.as_str(),
            std::iter::empty::<i32>(),
        )?;
        while let Some(r) = rows.next()? {
            f(from_row(&r)?)?;
        }
        Ok(())
    }
}
