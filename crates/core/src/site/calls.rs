//! Loading a Master.csv into a site (SPEC §8): the same reading, rating and report as on SQLite
//! (`calls`), written through PostgreSQL; the accounts met are locked (`FOR UPDATE`) until the
//! load commits, since their balances and minutes are written back at its end.

use super::SiteStore;
use crate::calls::rate::{hash64, Known, RatedCall};
use crate::calls::{
    load_into, load_journal, AccountCtx, AppelRow, CallRow, CallsDb, CallsOptions, CallsProgress,
    CallsReport, LEGACY_KEYS, LOAD_ACTION,
};
use crate::domain::phone::CountryCode;
use crate::error::Result;
use crate::store::columns::PHONE_LIST;
use postgres::Transaction;
use std::path::Path;

struct Pg<'a, 't>(&'a mut Transaction<'t>);

impl CallsDb for Pg<'_, '_> {
    fn account_ctx(&mut self, code: &str, cc: &CountryCode) -> Result<Option<AccountCtx>> {
        let row = self.0.query_opt(
            &format!(
                "SELECT id, billing, balance, used_seconds, {} FROM accounts
                 WHERE identifiant = $1 FOR UPDATE",
                *PHONE_LIST
            ),
            &[&code],
        )?;
        Ok(row.map(|r| {
            let keys: Vec<(u8, String)> = (0..crate::domain::KEYS)
                .filter_map(|k| r.get::<_, Option<String>>(4 + k).map(|p| (k as u8 + 1, p)))
                .collect();
            AccountCtx::new(r.get(0), r.get(1), r.get(2), r.get(3), &keys, cc)
        }))
    }

    fn known_already(&mut self, known: Known, uniqueid: &str, c: &RatedCall) -> Result<bool> {
        if known.hangup_billed
            && self
                .0
                .query_opt(
                    "SELECT 1 FROM calls WHERE agi_uniqueid = $1 AND billsec = $2",
                    &[&uniqueid, &c.billsec],
                )?
                .is_some()
        {
            return Ok(true);
        }
        if known.legacy_keys {
            let key = format!("u:{uniqueid}");
            let loaded = self.0.query_opt(
                "SELECT 1 FROM calls WHERE dedup_hash = $1 AND dedup_key = $2
                    AND started_at = $3 AND dialed = $4 AND billsec = $5",
                &[&hash64(&key), &key, &c.started_at, &c.dialed, &c.billsec],
            )?;
            return Ok(loaded.is_some());
        }
        Ok(false)
    }

    fn insert_call(&mut self, r: &CallRow<'_>) -> Result<bool> {
        let key = r.key_index.map(i64::from);
        let n = self.0.execute(
            "INSERT INTO calls (account_id, dedup_key, dedup_hash, started_at, dialed, number,
                key_index, disposition, duration_s, billsec, billed_s, cost, tariff_prefix,
                tariff_label, balance_after, loaded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
             ON CONFLICT (dedup_hash) DO NOTHING",
            &[
                &r.account_id,
                &r.dedup_key,
                &r.dedup_hash,
                &r.started_at,
                &r.dialed,
                &r.number,
                &key,
                &r.disposition,
                &r.duration,
                &r.billsec,
                &r.billed_s,
                &r.cost,
                &r.tariff_prefix,
                &r.tariff_label,
                &r.balance_after,
                &r.loaded_at,
            ],
        )?;
        Ok(n == 1)
    }

    fn dedup_key_of(&mut self, hash: i64) -> Result<String> {
        super::value(
            self.0,
            "SELECT dedup_key FROM calls WHERE dedup_hash = $1",
            &[&hash],
        )
    }

    /// All the buffered movements in one statement, in their order.
    fn insert_movements(&mut self, rows: &[AppelRow], at: i64, _operator: &str) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let accounts: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let amounts: Vec<i64> = rows.iter().map(|r| r.1).collect();
        let afters: Vec<i64> = rows.iter().map(|r| r.2).collect();
        let reasons: Vec<&str> = rows.iter().map(|r| r.3.as_str()).collect();
        self.0.execute(
            "INSERT INTO movements (account_id, at, kind, amount, balance_after, reason, operator)
             SELECT a, $5, 'appel', m, b, r, session_user
             FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[])
                  WITH ORDINALITY AS t(a, m, b, r, n)
             ORDER BY n",
            &[&accounts, &amounts, &afters, &reasons, &at],
        )?;
        Ok(())
    }

    fn update_account(&mut self, id: i64, balance: i64, used: i64) -> Result<()> {
        self.0.execute(
            "UPDATE accounts SET balance = $2, used_seconds = $3 WHERE id = $1",
            &[&id, &balance, &used],
        )?;
        Ok(())
    }
}

impl SiteStore {
    /// Loads a Master.csv file, as [`crate::calls::load_calls`] on SQLite.
    pub fn load_calls(
        &mut self,
        path: &Path,
        opts: CallsOptions,
        progress: &mut dyn FnMut(CallsProgress),
    ) -> Result<CallsReport> {
        let (settings, tariffs) = crate::calls::rating_setup(self)?;
        let operator = self.operator().to_string();
        let refused = self.refusal("charger des appels");
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(&refused)?;
        let known = Known {
            legacy_keys: tx
                .query_opt("SELECT 1 FROM settings WHERE key = $1", &[&LEGACY_KEYS])?
                .is_some(),
            hangup_billed: super::value(
                &mut tx,
                "SELECT EXISTS (SELECT 1 FROM calls WHERE agi_uniqueid IS NOT NULL)",
                &[],
            )?,
        };
        let mut report = load_into(
            Pg(&mut tx),
            path,
            opts,
            progress,
            &settings,
            &tariffs,
            &operator,
            known,
        )
        .map_err(|e| match e {
            crate::Error::Rejected(m) if m.starts_with("Votre rôle ne permet pas") => {
                self.denied("charger des appels")
            }
            other => other,
        })?;
        if opts.dry_run {
            return Ok(report);
        }
        super::accounts::audit(
            &mut tx,
            LOAD_ACTION,
            None,
            &load_journal(&report, path, &settings),
        )
        .map_err(&refused)?;
        tx.commit().map_err(&refused)?;
        report.ecrit = true;
        Ok(report)
    }
}
