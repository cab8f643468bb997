//! The call history of an account on a site: the rows of `calls`, shown and exported as on
//! SQLite (`calls::history`).

use super::SiteStore;
use crate::calls::history::{status_label, CallHistory, CallView, EachCall, Period};
use crate::control::attempts::{counts_sql, page_sql, AttemptHistory, AttemptRow};
use crate::error::Result;
use crate::store::accounts::MAX_PAGE;
use postgres::Row;

const SELECT: &str = "SELECT id, started_at, dialed, key_index, billsec, cost, balance_after,
    disposition, tariff_label FROM calls
    WHERE account_id = $1 AND ($2::bigint IS NULL OR started_at >= $2)
      AND ($3::bigint IS NULL OR started_at < $3)";

fn view(r: &Row) -> CallView {
    let key: Option<u8> = r
        .get::<_, Option<i64>>(3)
        .and_then(|k| u8::try_from(k).ok());
    let disposition: String = r.get(7);
    CallView {
        id: r.get(0),
        date: r.get(1),
        numero: r.get(2),
        touche: key,
        duree_s: r.get(4),
        cout: r.get(5),
        solde_apres: r.get(6),
        statut: status_label(&disposition),
        hors_touches: key.is_none(),
        tarif: r.get(8),
    }
}

impl CallHistory for SiteStore {
    fn calls(&self, id: i64, p: Period, limit: u32, offset: u64) -> Result<(u64, Vec<CallView>)> {
        let mut c = self.client.borrow_mut();
        let total: i64 = super::value(
            &mut *c,
            &format!("SELECT count(*) FROM ({SELECT}) n"),
            &[&id, &p.depuis, &p.jusqua],
        )?;
        let rows = c.query(
            &format!("{SELECT} ORDER BY started_at DESC, id DESC LIMIT $4 OFFSET $5"),
            &[
                &id,
                &p.depuis,
                &p.jusqua,
                &i64::from(limit.clamp(1, MAX_PAGE)),
                &(offset as i64),
            ],
        )?;
        Ok((total as u64, rows.iter().map(view).collect()))
    }

    fn each_call(&self, id: i64, p: Period, f: &mut EachCall<'_>) -> Result<()> {
        let rows = self.client.borrow_mut().query(
            &format!("{SELECT} ORDER BY started_at, id"),
            &[&id, &p.depuis, &p.jusqua],
        )?;
        for r in &rows {
            f(view(r))?;
        }
        Ok(())
    }
}

/// « Demandes d'appel » on a site: the same queries as on SQLite (`control::attempts`).
impl AttemptHistory for SiteStore {
    fn attempt_counts(&self, account_id: i64, p: Period, now: i64) -> Result<[i64; 3]> {
        let r = self
            .client
            .borrow_mut()
            .query_one(&counts_sql(), &[&account_id, &p.depuis, &p.jusqua, &now])
            .map_err(self.refusal(READ_ATTEMPTS))?;
        Ok([r.try_get(0)?, r.try_get(1)?, r.try_get(2)?])
    }

    fn attempt_rows(&self, id: i64, p: Period, page: (i64, i64)) -> Result<Vec<AttemptRow>> {
        let rows = self
            .client
            .borrow_mut()
            .query(&page_sql(), &[&id, &p.depuis, &p.jusqua, &page.0, &page.1])
            .map_err(self.refusal(READ_ATTEMPTS))?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get(3)?,
                    r.try_get(4)?,
                    r.try_get(5)?,
                    r.try_get(6)?,
                    r.try_get(7)?,
                    r.try_get(8)?,
                    r.try_get(9)?,
                    r.try_get(10)?,
                ))
            })
            .collect()
    }
}

const READ_ATTEMPTS: &str = "lire les demandes d'appel";
