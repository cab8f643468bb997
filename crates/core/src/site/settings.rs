//! *Paramètres* on a site: checked and written as on SQLite (`store/settings.rs`), by
//! administration only (the server refuses the other roles). A new country code makes every
//! account's search text again, since the numbers written without « + » change meaning.

use super::accounts::{audit, search_text};
use super::{read_settings, SiteStore};
use crate::domain::CountryCode;
use crate::error::Result;
use crate::store::columns::PHONE_LIST;
use crate::store::settings::{journal, write_changed_settings, SETTINGS_CHANGED};
use crate::store::Settings;
use postgres::Transaction;

const ACTION: &str = "modifier les paramètres";

/// The advisory lock that orders account writes against a new country code, from which every
/// account's search text is made. A write holds it shared until it commits
/// ([`settings_held`]); saving the settings holds it alone, so it waits for the writes that
/// read the old code, and the writes after it read the new one. Any other program that writes
/// accounts on a site takes it the same way.
pub const ACCOUNT_WRITES_LOCK: i64 = 0x466F_7266_6169_7473;

/// The settings an account write makes its search text with (their country code), read in the
/// write's transaction under [`ACCOUNT_WRITES_LOCK`].
pub(crate) fn settings_held(tx: &mut Transaction<'_>) -> Result<Settings> {
    hold_account_writes(tx, "pg_advisory_xact_lock_shared")?;
    read_settings(tx)
}

fn hold_account_writes(tx: &mut Transaction<'_>, how: &str) -> Result<()> {
    tx.execute(&format!("SELECT {how}($1)"), &[&ACCOUNT_WRITES_LOCK])?;
    Ok(())
}

/// Accounts whose search text is made again per statement.
const CHUNK: i64 = 20_000;

impl SiteStore {
    /// As [`crate::store::Store::save_settings`] on SQLite.
    pub fn save_settings(&mut self, new: &Settings) -> Result<()> {
        let (refusal, refused) = (self.refusal(ACTION), self.refused(ACTION));
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(&refusal)?;
        hold_account_writes(&mut tx, "pg_advisory_xact_lock").map_err(&refused)?;
        let old = read_settings(&mut tx)?;
        write_changed_settings(&mut tx, &old, new).map_err(&refused)?;
        if new.country_code != old.country_code {
            rewrite_search(&mut tx, &new.country_code).map_err(&refused)?;
        }
        audit(&mut tx, SETTINGS_CHANGED, None, &journal(new)).map_err(&refusal)?;
        tx.commit().map_err(&refusal)?;
        Ok(())
    }
}

/// Every account's search text made for `cc`, in id order, [`CHUNK`] accounts at a time.
fn rewrite_search(tx: &mut Transaction<'_>, cc: &CountryCode) -> Result<()> {
    let read = format!(
        "SELECT id, name_key, matricule, identifiant, {} FROM accounts
         WHERE id > $1 ORDER BY id LIMIT $2",
        *PHONE_LIST
    );
    let mut after = 0i64;
    loop {
        let rows = tx.query(&read, &[&after, &CHUNK])?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.try_get(0)?;
        let mut ids = Vec::with_capacity(rows.len());
        let mut texts = Vec::with_capacity(rows.len());
        for r in &rows {
            let phones = (4..r.len())
                .map(|i| r.try_get::<_, Option<String>>(i))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            ids.push(r.try_get::<_, i64>(0)?);
            texts.push(search_text(
                r.try_get(1)?,
                r.try_get(2)?,
                r.try_get(3)?,
                phones.iter().map(|p| p.as_deref()),
                cc,
            ));
        }
        tx.execute(
            "UPDATE accounts SET search = t.search
             FROM unnest($1::bigint[], $2::text[]) AS t(id, search)
             WHERE accounts.id = t.id AND accounts.search IS DISTINCT FROM t.search",
            &[&ids, &texts],
        )?;
    }
}
