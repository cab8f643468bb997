//! `check` on a site: the ledger's rule (each balance the sum of its movements, each « solde
//! après » the running sum), calls and tariffs, with the sentences of the SQLite check.

use super::SiteStore;
use crate::domain::{Currency, Money};
use crate::error::Result;
use crate::store::check::{CheckReport, AFTER_NOT_RUNNING, BALANCE_NOT_SUM, MAX_LISTED};

impl SiteStore {
    pub fn check(&self) -> Result<CheckReport> {
        let currency = self.settings()?.currency;
        let mut problemes = Vec::new();
        for (i, m, stored, summed) in self.breaks(BALANCE_NOT_SUM, &currency)? {
            problemes.push(format!(
                "Compte {i} ({m}) : le solde enregistré {stored} diffère de la somme de ses mouvements {summed}."
            ));
        }
        for (id, m, stored, summed) in self.breaks(AFTER_NOT_RUNNING, &currency)? {
            problemes.push(format!(
                "Compte {m}, mouvement n° {id} : « solde après » {stored} au lieu de {summed}."
            ));
        }
        let mut client = self.client.borrow_mut();
        let negative: i64 = client
            .query_one(
                "SELECT count(*) FROM calls WHERE cost < 0 OR billed_s < 0",
                &[],
            )?
            .get(0);
        if negative > 0 {
            problemes.push(format!(
                "{negative} appel(s) ont un coût ou une durée facturée négatifs : un tarif aberrant \
                 a été appliqué ; corrigez les tarifs et les soldes concernés."
            ));
        }
        let ceiling = crate::tariffs::MAX_TARIFF_UNITS * currency.scale();
        let absurd: Vec<String> = client
            .query(
                "SELECT prefix FROM tariffs WHERE price_per_min > $1 OR connection_fee > $1
                 ORDER BY prefix COLLATE \"C\"",
                &[&ceiling],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if !absurd.is_empty() {
            problemes.push(format!(
                "Tarif(s) au-dessus de {} par minute ou de frais : {} ; importez des tarifs corrigés.",
                currency.format(Money(ceiling)),
                absurd.join(", ")
            ));
        }
        let held: i64 = client
            .query_one(
                "SELECT count(*) FROM call_holds h JOIN call_attempts a ON a.id = h.attempt_id
                 WHERE a.settled_at IS NOT NULL OR a.decision <> 'ok'
                    OR h.account_id IS DISTINCT FROM a.account_id",
                &[],
            )?
            .get(0);
        if held > 0 {
            problemes.push(format!(
                "{held} réservation(s) restent ouvertes sur des appels déjà facturés ou refusés."
            ));
        }
        let comptes: i64 = client
            .query_one("SELECT count(*) FROM accounts", &[])?
            .get(0);
        let mouvements: i64 = client
            .query_one("SELECT count(*) FROM movements", &[])?
            .get(0);
        Ok(CheckReport {
            comptes: comptes as u64,
            mouvements: mouvements as u64,
            problemes,
        })
    }

    /// The rows `sql` finds (the first [`MAX_LISTED`]): where (two columns), then the amount
    /// stored and the one the movements add up to, formatted.
    fn breaks(
        &self,
        sql: &str,
        currency: &Currency,
    ) -> Result<Vec<(String, String, String, String)>> {
        let rows = self
            .client
            .borrow_mut()
            .query(&sql.replace("?1", "$1"), &[&MAX_LISTED])?;
        Ok(rows
            .iter()
            .map(|r| {
                let first = match r.try_get::<_, i64>(0) {
                    Ok(id) => id.to_string(),
                    Err(_) => r.get::<_, String>(0),
                };
                (
                    first,
                    r.get(1),
                    currency.format(Money(r.get(2))),
                    currency.format(Money(r.get(3))),
                )
            })
            .collect())
    }
}
