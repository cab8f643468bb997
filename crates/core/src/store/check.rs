//! `check`: SQLite's own integrity check, the ledger invariant, and the search index.

use super::Store;
use crate::domain::Money;
use crate::error::Result;
use crate::search::index::account_tokens;
use crate::search::postings;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub comptes: u64,
    pub mouvements: u64,
    /// One French sentence per problem; empty when all is well.
    pub problemes: Vec<String>,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.problemes.is_empty()
    }
}

/// Listing stops after this many problems of one kind: the first ones say enough.
const MAX_LISTED: i64 = 50;

impl Store {
    pub fn check(&self) -> Result<CheckReport> {
        let currency = self.settings()?.currency;
        let mut problemes = Vec::new();

        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        for r in rows {
            let r = r?;
            if r != "ok" {
                problemes.push(format!("Intégrité SQLite : {r}"));
            }
        }
        let fk: i64 =
            self.conn
                .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })?;
        if fk > 0 {
            problemes.push(format!(
                "{fk} enregistrement(s) renvoient à un compte qui n'existe plus."
            ));
        }

        let mut stmt = self.conn.prepare(
            "SELECT a.matricule, a.name, a.balance, ifnull(s.total, 0)
             FROM accounts a
             LEFT JOIN (SELECT account_id, sum(amount) AS total FROM movements GROUP BY account_id) s
                    ON s.account_id = a.id
             WHERE a.balance <> ifnull(s.total, 0)
             LIMIT ?1",
        )?;
        let rows = stmt.query_map([MAX_LISTED], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        for r in rows {
            let (m, name, bal, sum) = r?;
            problemes.push(format!(
                "Compte {m} ({name}) : le solde enregistré {} diffère de la somme de ses mouvements {}.",
                currency.format(Money(bal)),
                currency.format(Money(sum))
            ));
        }

        let mut stmt = self.conn.prepare(
            "SELECT m.id, a.matricule, m.balance_after, m.running
             FROM (SELECT id, account_id, balance_after,
                          sum(amount) OVER (PARTITION BY account_id ORDER BY id) AS running
                   FROM movements) m
             JOIN accounts a ON a.id = m.account_id
             WHERE m.balance_after <> m.running
             LIMIT ?1",
        )?;
        let rows = stmt.query_map([MAX_LISTED], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        for r in rows {
            let (id, m, after, running) = r?;
            problemes.push(format!(
                "Compte {m}, mouvement n° {id} : « solde après » {} au lieu de {}.",
                currency.format(Money(after)),
                currency.format(Money(running))
            ));
        }

        let negative: i64 = self.conn.query_row(
            "SELECT count(*) FROM calls WHERE cost < 0 OR billed_s < 0",
            [],
            |r| r.get(0),
        )?;
        if negative > 0 {
            problemes.push(format!(
                "{negative} appel(s) ont un coût ou une durée facturée négatifs : un tarif aberrant \
                 a été appliqué ; corrigez les tarifs et les soldes concernés."
            ));
        }
        let ceiling = crate::tariffs::MAX_TARIFF_UNITS * currency.scale();
        let mut stmt = self.conn.prepare(
            "SELECT prefix FROM tariffs WHERE price_per_min > ?1 OR connection_fee > ?1 ORDER BY prefix",
        )?;
        let absurd: Vec<String> = stmt
            .query_map([ceiling], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if !absurd.is_empty() {
            problemes.push(format!(
                "Tarif(s) au-dessus de {} par minute ou de frais : {} ; importez des tarifs corrigés.",
                currency.format(Money(ceiling)),
                absurd.join(", ")
            ));
        }

        problemes.extend(self.check_call_control()?);

        if !self.search_index_consistent()? {
            problemes.push(
                "L'index de recherche ne correspond plus aux comptes : la recherche peut manquer des résultats."
                    .into(),
            );
        }

        let comptes = self.count_accounts()?;
        let mouvements = self
            .conn
            .query_row("SELECT count(*) FROM movements", [], |r| r.get::<_, i64>(0))?
            as u64;
        Ok(CheckReport {
            comptes,
            mouvements,
            problemes,
        })
    }

    /// Call control (SPEC §11): a hold stays only on a call not billed yet, a billed call
    /// settled its hold, a refusal holds nothing.
    fn check_call_control(&self) -> Result<Vec<String>> {
        let count = |sql: &str| -> Result<i64> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        let mut out = Vec::new();
        let held_after_billing = count(
            "SELECT count(*) FROM call_holds h JOIN call_attempts a ON a.id = h.attempt_id
             WHERE a.settled_at IS NOT NULL OR a.decision <> 'ok' OR h.account_id IS NOT a.account_id",
        )?;
        if held_after_billing > 0 {
            out.push(format!(
                "{held_after_billing} réservation(s) restent ouvertes sur des appels déjà facturés ou refusés."
            ));
        }
        let settled_without_call = count(
            "SELECT count(*) FROM call_attempts a
             WHERE a.decision = 'ok' AND a.settled_at IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.id = a.call_id)",
        )?;
        if settled_without_call > 0 {
            out.push(format!(
                "{settled_without_call} appel(s) marqués facturés à la fin de l'appel sont absents de l'historique."
            ));
        }
        let refusals_holding = count(
            "SELECT count(*) FROM call_attempts
             WHERE decision <> 'ok' AND (reserved <> 0 OR limit_ms <> 0 OR settled_at IS NOT NULL)",
        )?;
        if refusals_holding > 0 {
            out.push(format!(
                "{refusals_holding} refus d'appel portent une réservation ou une durée accordée."
            ));
        }
        Ok(out)
    }

    /// Compares an order-independent fingerprint (count and sum of hashes) of the stored postings
    /// with the one the accounts give, in constant memory even for a million accounts.
    fn search_index_consistent(&self) -> Result<bool> {
        let cc = self.settings()?.country_code;
        let mut stored = Fingerprint::default();
        let mut stmt = self
            .conn
            .prepare("SELECT bucket, postings FROM search_buckets")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let bucket = r.get_ref(0)?.as_str()?;
            let blob = r.get_ref(1)?.as_blob()?;
            let mut decoded = 0usize;
            let intact = postings::for_each(bucket.as_bytes(), blob, |t, id| {
                stored.add(t, id);
                decoded += 1;
            });
            if !intact || decoded == 0 {
                return Ok(false);
            }
        }
        let mut expected = Fingerprint::default();
        let mut stmt = self.conn.prepare(
            "SELECT id, name_key, phone1, phone2, phone3, phone4, phone5, phone6, phone7, phone8,
                    phone9, phone10 FROM accounts",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let key: String = r.get(1)?;
            let mut phones = Vec::new();
            for i in 2..12 {
                if let Some(p) = r.get::<_, Option<String>>(i)? {
                    phones.push(p);
                }
            }
            for t in account_tokens(&key, phones.iter().map(|s| s.as_str()), &cc) {
                expected.add(t.as_bytes(), id);
            }
        }
        Ok(stored == expected)
    }
}

#[derive(Default, PartialEq, Eq)]
struct Fingerprint {
    count: u64,
    sum: u64,
}

impl Fingerprint {
    fn add(&mut self, token: &[u8], id: i64) {
        // FNV-1a over the token, then the id mixed in (splitmix64 finalizer).
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in token {
            h = (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        let mut z = h ^ (id as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        self.count += 1;
        self.sum = self.sum.wrapping_add(z);
    }
}
