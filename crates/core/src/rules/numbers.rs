//! *Numéros interdits* and *numéros privilégiés* (SPEC §12). Blocked: a whole number or a prefix
//! written with a final `*` (`+2168*`), with a required reason; no key may be set to one and
//! `autoriser` refuses it. Privileged (lawyer, consulate): callable by every account without
//! being on its keys, never recorded, free or billed. Stored and compared in international form.

use crate::base::Basics;
use crate::domain::field::shown;
use crate::domain::phone::{international, CountryCode};
use crate::error::{Error, Result};
use crate::rating::normalize_prefix;
use crate::search::index::name_key;
use crate::store::audit;
use crate::store::shared::{Lite, Queries};
use crate::store::{now, rows, Sql, Store};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockedNumber {
    /// International form, `*` at the end of a prefix.
    pub motif: String,
    pub raison: String,
    pub operateur: String,
    pub date: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivilegedNumber {
    pub numero: String,
    pub libelle: String,
    /// Calls to it cost nothing.
    pub gratuit: bool,
    pub operateur: String,
    pub date: i64,
}

/// An account with a key under a pattern being blocked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holder {
    pub matricule: String,
    pub nom: String,
    pub touche: u8,
    pub numero: String,
}

/// What [`NumberStore::try_block_number`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocking {
    Blocked(BlockedNumber),
    /// Nothing written: keys hold the number. `question` names them and asks for confirmation.
    Held {
        motif: String,
        holders: Vec<Holder>,
        question: String,
    },
}

/// `+21698765432` or `+2168*` from what a clerk typed; the error says what to write.
pub fn parse_pattern(raw: &str, cc: &CountryCode) -> std::result::Result<String, String> {
    let v = raw.trim();
    let bad = || {
        format!(
            "numéro ou préfixe invalide « {} » : écrivez un numéro (98765432, +21698765432) ou \
             un début de numéro suivi de * (+2168*)",
            shown(v)
        )
    };
    if let Some(body) = v.strip_suffix('*') {
        let p = normalize_prefix(body.trim(), cc).ok_or_else(bad)?;
        if p.len() < 2 {
            return Err(format!(
                "le préfixe « {} » interdirait tous les numéros internationaux : donnez au moins un chiffre",
                shown(v)
            ));
        }
        return Ok(format!("{p}*"));
    }
    let n = parse_number(v, cc).ok_or_else(bad)?;
    Ok(n)
}

/// A whole number, written as a key's number may be (3 to 15 digits), in international form.
fn parse_number(v: &str, cc: &CountryCode) -> Option<String> {
    let p = crate::domain::Phone::parse(v, 1).ok()?;
    Some(p.international(cc))
}

/// The rules the decisions and the forms check a number against, read once.
#[derive(Debug, Clone, Default)]
pub struct NumberRules {
    exact: HashMap<String, String>,
    /// (prefix without its `*`, the rule as written, reason)
    prefixes: Vec<(String, String, String)>,
    privileged: HashMap<String, (String, bool)>,
}

/// Why a number may not be called: the rule as written and its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedBy<'a> {
    pub pattern: &'a str,
    pub reason: &'a str,
}

impl NumberRules {
    /// The rule blocking `number` (international form). A privileged number is never caught by
    /// a prefix: it was vetted one by one.
    pub fn blocked(&self, number: &str) -> Option<BlockedBy<'_>> {
        if let Some((pattern, reason)) = self.exact.get_key_value(number) {
            return Some(BlockedBy { pattern, reason });
        }
        if self.privileged.contains_key(number) {
            return None;
        }
        self.prefixes
            .iter()
            .filter(|(p, _, _)| number.starts_with(p.as_str()))
            .max_by_key(|(p, _, _)| p.len())
            .map(|(_, pattern, reason)| BlockedBy {
                pattern: pattern.as_str(),
                reason,
            })
    }

    /// `(label, free)` of a privileged number.
    pub fn privileged(&self, number: &str) -> Option<(&str, bool)> {
        self.privileged
            .get(number)
            .map(|(label, free)| (label.as_str(), *free))
    }

    /// A privileged number that costs nothing, whatever the account's billing.
    pub fn is_free(&self, number: &str) -> bool {
        self.privileged(number).is_some_and(|(_, free)| free)
    }

    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.prefixes.is_empty()
    }

    /// Errors of the keys set to a blocked number. A key left as it was stored (`before`) is not
    /// refused: blocking a number that some keys hold was confirmed when it was blocked.
    pub fn key_errors(
        &self,
        phones: &[Option<crate::domain::Phone>],
        before: Option<&[Option<String>]>,
        cc: &CountryCode,
    ) -> Vec<crate::domain::FieldError> {
        if self.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (k, p) in phones.iter().enumerate() {
            let Some(p) = p else { continue };
            let n = p.international(cc);
            let unchanged = before
                .and_then(|b| b.get(k).cloned().flatten())
                .is_some_and(|old| international(&old, cc) == n);
            if unchanged {
                continue;
            }
            if let Some(m) = self.key_error(&n) {
                out.push(crate::domain::FieldError::new(
                    crate::domain::Field::Phone(k as u8 + 1),
                    m,
                ));
            }
        }
        out
    }

    /// The French sentence for a key set to a blocked number.
    pub fn key_error(&self, number: &str) -> Option<String> {
        self.blocked(number).map(|b| {
            format!(
                "le numéro {number} est interdit (règle « {} » : {}) ; choisissez un autre numéro",
                b.pattern, b.reason
            )
        })
    }
}

fn clean_text(raw: &str, what: &str, max: usize) -> std::result::Result<String, String> {
    let v = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if v.is_empty() {
        return Err(format!("{what} est obligatoire"));
    }
    if v.chars().count() > max {
        return Err(format!(
            "{what} est trop long ({max} caractères au maximum)"
        ));
    }
    if v.chars().any(crate::domain::name::invisible) {
        return Err(format!(
            "{what} contient un caractère de contrôle invisible"
        ));
    }
    Ok(v)
}

/// « 2 comptes portent ce numéro : Lotfi Ben Ali (…), touche 2 ; Amira Gharbi (…), touches 3, 4 »,
/// then the question, in the number of keys and accounts it is about.
pub fn holders_sentence(holders: &[Holder]) -> String {
    let mut accounts: Vec<(&str, &str, Vec<u8>)> = Vec::new();
    for h in holders {
        match accounts.iter_mut().find(|(m, _, _)| *m == h.matricule) {
            Some((_, _, keys)) => keys.push(h.touche),
            None => accounts.push((&h.matricule, &h.nom, vec![h.touche])),
        }
    }
    let shown: Vec<String> = accounts
        .iter()
        .take(10)
        .map(|(m, n, keys)| {
            let k: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
            format!(
                "{n} ({m}), {} {}",
                crate::fr::pluriel(keys.len() as u64, "touche", "touches"),
                k.join(", ")
            )
        })
        .collect();
    let more = if accounts.len() > 10 {
        format!(
            " et {}",
            crate::fr::nombre(accounts.len() as u64 - 10, "autre", "autres")
        )
    } else {
        String::new()
    };
    let (one_key, one_account) = (holders.len() == 1, accounts.len() == 1);
    format!(
        "{} : {}{more}. Confirmez pour l'interdire quand même ({} ne {} plus appeler), ou \
         retirez d'abord le numéro {}.",
        crate::fr::nombre(
            accounts.len() as u64,
            "compte porte ce numéro",
            "comptes portent ce numéro"
        ),
        shown.join(" ; "),
        if one_key {
            "cette touche"
        } else {
            "ces touches"
        },
        if one_key { "pourra" } else { "pourront" },
        if one_account {
            "de ce compte"
        } else {
            "de ces comptes"
        },
    )
}

impl NumberRules {
    /// The rules from the stored rows: blocked patterns (`+2168*` a prefix) with their reason,
    /// privileged numbers with their label and whether they are free.
    pub fn from_rows(
        blocked: impl IntoIterator<Item = (String, String)>,
        privileged: impl IntoIterator<Item = (String, String, bool)>,
    ) -> NumberRules {
        let mut rules = NumberRules::default();
        for (pattern, reason) in blocked {
            match pattern.strip_suffix('*') {
                Some(p) => rules
                    .prefixes
                    .push((p.to_string(), pattern.clone(), reason)),
                None => {
                    rules.exact.insert(pattern, reason);
                }
            }
        }
        for (n, label, free) in privileged {
            rules.privileged.insert(n, (label, free));
        }
        rules
    }
}

static BLOCKED_RULES: Sql = Sql::new("SELECT pattern, reason FROM blocked_numbers");
static PRIVILEGED_RULES: Sql = Sql::new("SELECT number, label, free FROM privileged_numbers");

/// The blocked and privileged numbers, on either store.
pub(crate) fn number_rules(q: &mut impl Queries) -> Result<NumberRules> {
    let blocked = q.rows(&BLOCKED_RULES, &[])?;
    let privileged = q.rows(&PRIVILEGED_RULES, &[])?;
    Ok(NumberRules::from_rows(blocked, privileged))
}

impl Store {
    pub fn number_rules(&self) -> Result<NumberRules> {
        number_rules(&mut Lite(&self.conn))
    }

    pub fn privileged_numbers(&self) -> Result<Vec<PrivilegedNumber>> {
        let mut stmt = self.conn.prepare(
            "SELECT number AS numero, label AS libelle, free AS gratuit, operator AS operateur,
                    created_at AS date
             FROM privileged_numbers ORDER BY label, number",
        )?;
        rows::all(&mut stmt, [])
    }
}

/// Called with an account's matricule, name and keys.
pub type KeysVisitor<'a> = dyn FnMut(&str, &str, &[Option<String>]) + 'a;

/// What [`NumberStore::each_keys`] reads, on both stores.
pub(crate) static KEY_ROWS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT matricule, name, {} FROM accounts",
        *crate::store::columns::PHONE_LIST
    )
});

/// Called with the Journal's details of a rule removed, from its reason or label.
pub type JournalOf<'a> = dyn Fn(&str) -> String + 'a;

/// Blocked and privileged numbers: the checks and the Journal's words once, the rows read and
/// written by each store.
pub trait NumberStore: Basics {
    fn blocked_numbers(&self) -> Result<Vec<BlockedNumber>>;
    /// Refused for a signed-in role that may not change the number rules (a site's).
    fn may_change_rules(&self) -> Result<()> {
        Ok(())
    }
    /// Every account's matricule, name and keys, in the table's own order: a scan in name
    /// order reads a million rows at random (ten times slower); callers sort what they keep.
    fn each_keys(&self, f: &mut KeysVisitor<'_>) -> Result<()>;
    /// Writes the rule and its Journal line in one transaction; false when it was already there.
    fn insert_blocked(&mut self, b: &BlockedNumber, journal: &str) -> Result<bool>;
    /// Removes the rule, with the Journal line `journal` makes of its reason; `None` when absent.
    fn upsert_privileged(&mut self, p: &PrivilegedNumber, journal: &str) -> Result<()>;
    /// Removes `key` from the list with the Journal line `j` makes of its reason or label, in
    /// one transaction; `None` when it was not listed.
    fn remove(&mut self, list: NumberList, key: &str, j: &JournalOf) -> Result<Option<String>>;

    /// Removes `key` from the list; not listed is an error that says what is listed near it
    /// (the prefix `+2165019*` when `+2165019` was typed, and the other way round).
    fn unlist(&mut self, list: NumberList, key: &str, journal: &JournalOf) -> Result<()> {
        if self.remove(list, key, journal)?.is_some() {
            return Ok(());
        }
        let near = match list {
            NumberList::Blocked => {
                let other = match key.strip_suffix('*') {
                    Some(number) => number.to_string(),
                    None => format!("{key}*"),
                };
                self.blocked_numbers()?
                    .into_iter()
                    .any(|b| b.motif == other)
                    .then(|| format!(" ; la règle interdite est « {other} » : écrivez-la ainsi"))
            }
            NumberList::Privileged => None,
        };
        Err(Error::Rejected(format!(
            "{} {key} n'est pas dans la liste{} : rien n'a changé.",
            list.noun(),
            near.unwrap_or_default()
        )))
    }

    /// Reads every account's keys: blocking a number is rare, and keys are stored as typed.
    fn accounts_holding(&self, pattern: &str) -> Result<Vec<Holder>> {
        let cc = self.settings()?.country_code;
        let (body, prefix) = match pattern.strip_suffix('*') {
            Some(p) => (p, true),
            None => (pattern, false),
        };
        let mut out = Vec::new();
        self.each_keys(&mut |matricule, name, phones| {
            for (k, p) in phones.iter().enumerate() {
                let Some(p) = p else { continue };
                let n = international(p, &cc);
                if (prefix && n.starts_with(body)) || (!prefix && n == body) {
                    out.push(Holder {
                        matricule: matricule.to_string(),
                        nom: name.to_string(),
                        touche: k as u8 + 1,
                        numero: n,
                    });
                }
            }
        })?;
        out.sort_by_cached_key(|h| (name_key(&h.nom), h.matricule.clone(), h.touche));
        Ok(out)
    }

    fn block_number(&mut self, raw: &str, reason: &str, force: bool) -> Result<BlockedNumber> {
        match self.try_block_number(raw, reason, force)? {
            Blocking::Blocked(b) => Ok(b),
            Blocking::Held { question, .. } => Err(Error::Rejected(question)),
        }
    }

    fn try_block_number(&mut self, raw: &str, reason: &str, force: bool) -> Result<Blocking> {
        // Before the question of the keys that hold it: a role that may not block a number is
        // told so, not asked to confirm.
        self.may_change_rules()?;
        let cc = self.settings()?.country_code;
        let pattern = parse_pattern(raw, &cc).map_err(Error::Rejected)?;
        let reason = clean_text(reason, "le motif", 200).map_err(|m| {
            Error::Rejected(format!(
                "Numéro non interdit : {m} (pourquoi ce numéro est-il interdit ?)."
            ))
        })?;
        let rules = self.number_rules()?;
        if let Some((label, _)) = rules.privileged(&pattern) {
            return Err(Error::Rejected(format!(
                "Le numéro {pattern} est privilégié ({label}) : retirez-le des numéros privilégiés avant de l'interdire."
            )));
        }
        let already = || Error::Rejected(format!("Le numéro {pattern} est déjà interdit."));
        if self
            .blocked_numbers()?
            .into_iter()
            .any(|b| b.motif == pattern)
        {
            return Err(already());
        }
        if !force {
            let holders = self.accounts_holding(&pattern)?;
            if !holders.is_empty() {
                return Ok(Blocking::Held {
                    question: holders_sentence(&holders),
                    motif: pattern,
                    holders,
                });
            }
        }
        let b = BlockedNumber {
            motif: pattern.clone(),
            raison: reason.clone(),
            operateur: self.operator().to_string(),
            date: now(),
        };
        if !self.insert_blocked(&b, &format!("{pattern} : {reason}"))? {
            return Err(already());
        }
        Ok(Blocking::Blocked(b))
    }

    fn unblock_number(&mut self, raw: &str) -> Result<()> {
        let cc = self.settings()?.country_code;
        let pattern = parse_pattern(raw, &cc).map_err(Error::Rejected)?;
        let journal = |reason: &str| format!("{pattern} (interdit pour : {reason})");
        self.unlist(NumberList::Blocked, &pattern, &journal)
    }

    fn privilege_number(&mut self, raw: &str, label: &str, free: bool) -> Result<PrivilegedNumber> {
        let cc = self.settings()?.country_code;
        let number = parse_number(raw.trim(), &cc).ok_or_else(|| {
            Error::Rejected(format!(
                "Numéro invalide « {} » : un numéro privilégié est un numéro entier (98765432, +21698765432).",
                shown(raw.trim())
            ))
        })?;
        let label = clean_text(label, "le libellé", 80).map_err(|m| {
            Error::Rejected(format!("Numéro non ajouté : {m} (Avocat, Consulat…)."))
        })?;
        if let Some(b) = self.number_rules()?.exact.get(&number) {
            return Err(Error::Rejected(format!(
                "Le numéro {number} est interdit ({b}) : retirez-le des numéros interdits avant de le privilégier."
            )));
        }
        let p = PrivilegedNumber {
            numero: number,
            libelle: label,
            gratuit: free,
            operateur: self.operator().to_string(),
            date: now(),
        };
        let journal = format!(
            "{} : {}{}",
            p.numero,
            p.libelle,
            if free { " (gratuit)" } else { " (facturé)" }
        );
        self.upsert_privileged(&p, &journal)?;
        Ok(p)
    }

    fn unprivilege_number(&mut self, raw: &str) -> Result<()> {
        let cc = self.settings()?.country_code;
        let number = parse_number(raw.trim(), &cc).ok_or_else(|| {
            Error::Rejected(format!("Numéro invalide « {} ».", shown(raw.trim())))
        })?;
        let journal = |label: &str| format!("{number} ({label})");
        self.unlist(NumberList::Privileged, &number, &journal)
    }
}

/// The two lists of numbers of SPEC §12, as stored.
#[derive(Debug, Clone, Copy)]
pub enum NumberList {
    Blocked,
    Privileged,
}

impl NumberList {
    /// The removal: the key is `?1`; the reason or label comes back for the Journal.
    pub(crate) fn delete_sql(self) -> &'static str {
        match self {
            NumberList::Blocked => {
                "DELETE FROM blocked_numbers WHERE pattern = ?1 RETURNING reason"
            }
            NumberList::Privileged => {
                "DELETE FROM privileged_numbers WHERE number = ?1 RETURNING label"
            }
        }
    }

    /// The Journal's action of a removal.
    pub(crate) fn removed(self) -> &'static str {
        match self {
            NumberList::Blocked => UNBLOCKED,
            NumberList::Privileged => UNPRIVILEGED,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            NumberList::Blocked => "Le numéro interdit",
            NumberList::Privileged => "Le numéro privilégié",
        }
    }
}

pub(crate) const BLOCKED: &str = "Numéro interdit";
pub(crate) const UNBLOCKED: &str = "Numéro autorisé de nouveau";
pub(crate) const PRIVILEGED: &str = "Numéro privilégié";
pub(crate) const UNPRIVILEGED: &str = "Numéro privilégié retiré";

impl NumberStore for Store {
    fn blocked_numbers(&self) -> Result<Vec<BlockedNumber>> {
        let mut stmt = self.conn.prepare(
            "SELECT pattern AS motif, reason AS raison, operator AS operateur, created_at AS date
             FROM blocked_numbers ORDER BY pattern",
        )?;
        rows::all(&mut stmt, [])
    }

    fn each_keys(&self, f: &mut KeysVisitor<'_>) -> Result<()> {
        let mut stmt = self.conn.prepare(&KEY_ROWS)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let phones = (0..crate::domain::KEYS)
                .map(|k| r.get::<_, Option<String>>(2 + k))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            f(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?, &phones);
        }
        Ok(())
    }

    fn insert_blocked(&mut self, b: &BlockedNumber, journal: &str) -> Result<bool> {
        let tx = self.write_tx()?;
        let inserted = tx.execute(
            "INSERT INTO blocked_numbers (pattern, reason, operator, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (pattern) DO NOTHING",
            params![b.motif, b.raison, b.operateur, b.date],
        )?;
        if inserted == 0 {
            return Ok(false);
        }
        audit::record(&tx, &b.operateur, BLOCKED, None, journal)?;
        tx.commit()?;
        Ok(true)
    }

    fn remove(&mut self, list: NumberList, key: &str, j: &JournalOf) -> Result<Option<String>> {
        let operator = self.operator().to_string();
        let tx = self.write_tx()?;
        let removed: Option<String> = tx
            .query_row(list.delete_sql(), [key], |r| r.get(0))
            .optional()?;
        if let Some(v) = &removed {
            audit::record(&tx, &operator, list.removed(), None, &j(v))?;
            tx.commit()?;
        }
        Ok(removed)
    }

    fn upsert_privileged(&mut self, p: &PrivilegedNumber, journal: &str) -> Result<()> {
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO privileged_numbers (number, label, free, operator, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (number) DO UPDATE SET label = excluded.label, free = excluded.free,
                operator = excluded.operator, created_at = excluded.created_at",
            params![p.numero, p.libelle, p.gratuit, p.operateur, p.date],
        )?;
        audit::record(&tx, &p.operateur, PRIVILEGED, None, journal)?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_numbers_or_prefixes_in_international_form() {
        let cc = CountryCode::default();
        assert_eq!(parse_pattern("98 765 432", &cc).unwrap(), "+21698765432");
        assert_eq!(parse_pattern("+2168*", &cc).unwrap(), "+2168*");
        assert_eq!(parse_pattern("00 33 *", &cc).unwrap(), "+33*");
        assert_eq!(parse_pattern("8*", &cc).unwrap(), "+2168*");
        for bad in ["", "*", "+*", "abc", "12", "+2168**"] {
            assert!(parse_pattern(bad, &cc).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_prefix_catches_the_numbers_under_it_but_not_a_privileged_one() {
        let mut r = NumberRules::default();
        r.prefixes
            .push(("+2168".into(), "+2168*".into(), "surtaxés".into()));
        r.prefixes
            .push(("+21680".into(), "+21680*".into(), "services".into()));
        r.exact.insert("+21698765432".into(), "victime".into());
        r.privileged
            .insert("+21681234567".into(), ("Avocat".into(), true));
        assert_eq!(
            r.blocked("+21680123456").unwrap().pattern,
            "+21680*",
            "longest prefix"
        );
        assert_eq!(r.blocked("+21688123456").unwrap().reason, "surtaxés");
        assert!(r.blocked("+21681234567").is_none(), "privileged");
        assert_eq!(r.blocked("+21698765432").unwrap().reason, "victime");
        assert!(r.blocked("+2169876543").is_none(), "not the same number");
        assert!(r.blocked("+21627468145").is_none());
    }
}
