//! `check`: SQLite's own integrity check, the ledger invariant, and the search index.

use super::Store;
use crate::domain::{Currency, Money};
use crate::error::Result;
use crate::search::index::{clamp, for_each_gram, for_each_token, StoredAccount};
use crate::search::{grams, postings, words};
use crate::text::words as text_words;
use rustc_hash::FxHashSet;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub comptes: u64,
    pub mouvements: u64,
    /// What makes the base unsound; empty when all is well.
    pub problemes: Findings,
    /// Keys stored before the rules that now refuse them: to correct, yet the base is sound
    /// (a backup holding them restores, a migration copies them).
    pub touches_a_corriger: Findings,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.problemes.lignes.is_empty()
    }
}

/// One French sentence per finding, a long list ending with « … et N de plus »; and how many
/// findings they stand for, those that line counts included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Findings {
    pub lignes: Vec<String>,
    pub nombre: u64,
}

impl Findings {
    pub(crate) fn say(&mut self, line: String) {
        self.lignes.push(line);
        self.nombre += 1;
    }

    /// The last line of a list cut at [`MAX_LISTED`]: « … et 65 950 comptes de plus. ».
    fn unlisted(&mut self, n: u64, one: &str, many: &str) {
        if n > 0 {
            let what = crate::fr::pluriel(n, one, many);
            let n_ = crate::fr::thousands(n);
            self.lignes.push(format!("… et {n_} {what} de plus."));
            self.nombre += n;
        }
    }
}

/// Listing stops after this many problems of one kind: the first ones say enough.
pub(crate) const MAX_LISTED: i64 = 50;

/// Accounts whose balance is not the sum of their movements.
const BALANCE_NOT_SUM: &str =
    "SELECT a.matricule, a.name, a.balance, CAST(coalesce(s.total, 0) AS BIGINT)
     FROM accounts a
     LEFT JOIN (SELECT account_id, sum(amount) AS total FROM movements GROUP BY account_id) s
            ON s.account_id = a.id
     WHERE a.balance <> coalesce(s.total, 0)
     ORDER BY a.matricule";

/// Movements whose balance after is not the sum of their account's movements up to them.
const AFTER_NOT_RUNNING: &str = "SELECT CAST(m.id AS TEXT), a.matricule, m.balance_after, m.running
     FROM (SELECT id, account_id, balance_after,
                  CAST(sum(amount) OVER (PARTITION BY account_id ORDER BY id) AS BIGINT) AS running
           FROM movements) m
     JOIN accounts a ON a.id = m.account_id
     WHERE m.balance_after <> m.running
     ORDER BY m.id";

/// What a store answers for the checks that both stores make with the same SQL (PostgreSQL's
/// `$1`, numbered for SQLite by [`super::sqlite`]) and say in the same sentences.
pub(crate) trait CheckQueries {
    fn count(&self, sql: &str) -> Result<i64>;
    /// The first column of every row, `$1` bound to `param`.
    fn texts(&self, sql: &str, param: i64) -> Result<Vec<String>>;
    /// The rows of a ledger break (the first [`MAX_LISTED`]): where, in two text columns, then
    /// the amount stored and the one the movements add up to.
    fn breaks(&self, sql: &str) -> Result<Vec<(String, String, i64, i64)>>;
}

/// A count query, and the sentence that says a count above zero.
type Counted = (&'static str, fn(i64) -> String);

/// The ledger's rule (each balance the sum of its movements, each « solde après » the running
/// sum), the calls' costs, the tariffs' ceiling and the call control's holds (SPEC §11: a hold
/// stays only on a call not billed yet, a billed call settled its hold, a refusal holds
/// nothing): one sentence per problem.
pub(crate) fn ledger_and_calls(
    db: &impl CheckQueries,
    currency: &Currency,
    out: &mut Findings,
) -> Result<()> {
    let money = |minor| currency.format(Money(minor));
    // A break's row: where, in two texts, then the amounts stored and summed.
    type Say = fn(&str, &str, &str, &str) -> String;
    let breaks: [(&str, Say, &str, &str); 2] = [
        (
            BALANCE_NOT_SUM,
            |m, name, stored, summed| {
                format!(
                    "Compte {m} ({name}) : le solde enregistré {stored} diffère de la somme de \
                     ses mouvements {summed}."
                )
            },
            "compte",
            "comptes",
        ),
        (
            AFTER_NOT_RUNNING,
            |id, m, stored, summed| {
                format!(
                    "Compte {m}, mouvement n° {id} : « solde après » {stored} au lieu de {summed}."
                )
            },
            "mouvement",
            "mouvements",
        ),
    ];
    for (sql, say, one, many) in breaks {
        let rows = db.breaks(&format!("{sql} LIMIT $1"))?;
        let full = rows.len() as i64 == MAX_LISTED;
        for (a, b, stored, summed) in rows {
            out.say(say(&a, &b, &money(stored), &money(summed)));
        }
        // The list stops at MAX_LISTED; the count says how far the damage goes.
        if full {
            let all = db.count(&format!("SELECT count(*) FROM ({sql}) t"))?;
            out.unlisted(all.saturating_sub(MAX_LISTED).max(0) as u64, one, many);
        }
    }
    let counted: [Counted; 4] = [
        (
            "SELECT count(*) FROM calls WHERE cost < 0 OR billed_s < 0",
            |n| {
                format!(
                    "{n} appel(s) ont un coût ou une durée facturée négatifs : un tarif aberrant \
                 a été appliqué ; corrigez les tarifs et les soldes concernés."
                )
            },
        ),
        (
            "SELECT count(*) FROM call_holds h JOIN call_attempts a ON a.id = h.attempt_id
             WHERE a.settled_at IS NOT NULL OR a.decision <> 'ok'
                OR h.account_id IS DISTINCT FROM a.account_id",
            |n| {
                format!(
                    "{n} réservation(s) restent ouvertes sur des appels déjà facturés ou refusés."
                )
            },
        ),
        (
            "SELECT count(*) FROM call_attempts a
             WHERE a.decision = 'ok' AND a.settled_at IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.id = a.call_id)",
            |n| {
                format!("{n} appel(s) marqués facturés à la fin de l'appel sont absents de l'historique.")
            },
        ),
        (
            "SELECT count(*) FROM call_attempts
             WHERE decision <> 'ok' AND (reserved <> 0 OR limit_ms <> 0 OR settled_at IS NOT NULL)",
            |n| format!("{n} refus d'appel portent une réservation ou une durée accordée."),
        ),
    ];
    for (sql, sentence) in counted {
        let n = db.count(sql)?;
        if n > 0 {
            out.say(sentence(n));
        }
    }
    let ceiling = crate::tariffs::MAX_TARIFF_UNITS * currency.scale();
    let mut absurd = db.texts(
        "SELECT prefix FROM tariffs WHERE price_per_min > $1 OR connection_fee > $1",
        ceiling,
    )?;
    if !absurd.is_empty() {
        absurd.sort_unstable();
        out.say(format!(
            "Tarif(s) au-dessus de {} par minute ou de frais : {} ; importez des tarifs corrigés.",
            money(ceiling),
            absurd.join(", ")
        ));
    }
    Ok(())
}

/// Keys stored before the form and the import refused them: they match no call, and the
/// account's export would be refused on import. One sentence a key, by name (the scan reads
/// the table in its own order, which is fast; there are seldom any to sort).
pub(crate) fn refused_keys(
    db: &impl crate::rules::numbers::NumberStore,
    cc: &crate::domain::CountryCode,
) -> Result<Findings> {
    let mut refused = Vec::new();
    db.each_keys(&mut |matricule, name, phones| {
        for e in crate::domain::account::stored_key_errors(phones, cc) {
            if let crate::domain::Field::Phone(key) = e.field {
                let order = (
                    crate::search::index::name_key(name),
                    matricule.to_string(),
                    key,
                );
                let said = format!(
                    "Compte {matricule} ({name}), touche {key} : {} ; la fiche et l'import \
                     refusent désormais ce numéro : corrigez-le dans la fiche du compte.",
                    e.message
                );
                refused.push((order, said));
            }
        }
    })?;
    refused.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut out = Findings::default();
    let total = refused.len() as u64;
    for (_, said) in refused.into_iter().take(MAX_LISTED as usize) {
        out.say(said);
    }
    out.unlisted(
        total.saturating_sub(MAX_LISTED as u64),
        "touche refusée",
        "touches refusées",
    );
    Ok(out)
}

impl CheckQueries for Store {
    fn count(&self, sql: &str) -> Result<i64> {
        Ok(self.conn.query_row(&super::sqlite(sql), [], |r| r.get(0))?)
    }

    fn texts(&self, sql: &str, param: i64) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(&super::sqlite(sql))?;
        let rows = stmt.query_map([param], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn breaks(&self, sql: &str) -> Result<Vec<(String, String, i64, i64)>> {
        let mut stmt = self.conn.prepare(&super::sqlite(sql))?;
        let rows = stmt.query_map([MAX_LISTED], |r| r.try_into())?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// SQLite's `integrity_check` in one French sentence: its lines are English and run to
/// hundreds for one damaged page; the first is kept as the detail a technician asks for.
fn damaged(anomalies: u64, first: &str) -> String {
    format!(
        "Le fichier de la base est endommagé ({} par SQLite ; la première : « {first} ») : \
         restaurez la dernière sauvegarde.",
        crate::fr::nombre(anomalies, "anomalie relevée", "anomalies relevées")
    )
}

impl Store {
    pub fn check(&self) -> Result<CheckReport> {
        let settings = self.settings()?;
        let mut problems = Findings::default();

        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let damage = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .filter(|r| r.as_ref().map_or(true, |r| r != "ok"))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if let Some(first) = damage.first() {
            problems.say(damaged(damage.len() as u64, first));
        }
        let fk: i64 =
            self.conn
                .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })?;
        if fk > 0 {
            problems.say(format!(
                "{fk} enregistrement(s) renvoient à un compte qui n'existe plus."
            ));
        }

        ledger_and_calls(self, &settings.currency, &mut problems)?;

        if !self.search_index_consistent()? {
            problems.say(
                "L'index de recherche ne correspond plus aux comptes : la recherche peut manquer des résultats."
                    .into(),
            );
        }
        let keys = refused_keys(self, &settings.country_code)?;

        let comptes = self.count_accounts()?;
        let mouvements = self
            .conn
            .query_row("SELECT count(*) FROM movements", [], |r| r.get::<_, i64>(0))?
            as u64;
        Ok(CheckReport {
            comptes,
            mouvements,
            problemes: problems,
            touches_a_corriger: keys,
        })
    }

    /// Compares order-independent fingerprints (count and sum of hashes) of the stored bucket
    /// postings and digit grams with the ones the accounts give, in constant memory even for a
    /// million accounts; and checks that every name word is in the vocabulary with its endings
    /// (words no account uses any more may stay).
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
        let mut stored_grams = Fingerprint::default();
        if !grams::for_each_posting(&self.conn, |g, id| stored_grams.add(&g.to_le_bytes(), id))? {
            return Ok(false);
        }
        let mut vocabulary: FxHashSet<(String, String)> = FxHashSet::default();
        let mut stmt = self.conn.prepare("SELECT suffix, word FROM search_words")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (suffix, word): (String, String) = (r.get(0)?, r.get(1)?);
            if !words::suffixes(&word).any(|s| s == suffix) {
                return Ok(false);
            }
            vocabulary.insert((suffix, word));
        }

        let mut expected = Fingerprint::default();
        let mut expected_grams = Fingerprint::default();
        let mut names: FxHashSet<String> = FxHashSet::default();
        let mut account_grams = Vec::new();
        let mut tokens = Vec::new();
        StoredAccount::each(&self.conn, |a| {
            let ix = a.indexed();
            tokens.clear();
            for_each_token(ix.name_key, ix.phones.iter().flatten().copied(), &cc, |t| {
                tokens.push(t.to_string())
            });
            tokens.sort_unstable();
            tokens.dedup();
            for t in &tokens {
                expected.add(t.as_bytes(), a.id);
            }
            account_grams.clear();
            for_each_gram(&ix, &cc, |g| account_grams.push(g));
            account_grams.sort_unstable();
            account_grams.dedup();
            for g in &account_grams {
                expected_grams.add(&g.to_le_bytes(), a.id);
            }
            for w in text_words(ix.name_key) {
                if !names.contains(w) {
                    names.insert(w.to_string());
                }
            }
            Ok(())
        })?;
        let vocabulary_complete = names.iter().all(|w| {
            let w = clamp(w);
            words::suffixes(w).all(|s| vocabulary.contains(&(s.to_string(), w.to_string())))
        });
        Ok(stored == expected && stored_grams == expected_grams && vocabulary_complete)
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
