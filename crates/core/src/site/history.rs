//! The call history of an account on a site: the rows of `calls`, shown and exported as on
//! SQLite (`calls::history`).

use super::SiteStore;
use crate::calls::history::{calls_page, each_call, CallHistory, CallView, EachCall, Period};
use crate::control::attempts::{attempt_counts, attempt_rows, AttemptHistory, AttemptRow};
use crate::error::Result;
use crate::page::Page;

impl CallHistory for SiteStore {
    fn calls(&self, id: i64, p: Period, page: Page) -> Result<(u64, Vec<CallView>)> {
        calls_page(&mut *self.client.borrow_mut(), id, p, page).map_err(self.refused(READ_CALLS))
    }

    fn each_call(&self, id: i64, p: Period, f: &mut EachCall<'_>) -> Result<()> {
        each_call(&mut *self.client.borrow_mut(), id, p, f).map_err(self.refused(READ_CALLS))
    }
}

/// « Demandes d'appel » on a site: the same queries as on SQLite (`control::attempts`).
impl AttemptHistory for SiteStore {
    fn attempt_counts(&self, account_id: i64, p: Period, now: i64) -> Result<[i64; 3]> {
        attempt_counts(&mut *self.client.borrow_mut(), account_id, p, now)
            .map_err(self.refused(READ_ATTEMPTS))
    }

    fn attempt_rows(&self, id: i64, p: Period, page: Page) -> Result<Vec<AttemptRow>> {
        attempt_rows(&mut *self.client.borrow_mut(), id, p, page)
            .map_err(self.refused(READ_ATTEMPTS))
    }
}

const READ_ATTEMPTS: &str = "lire les demandes d'appel";
const READ_CALLS: &str = "lire l'historique des appels";
