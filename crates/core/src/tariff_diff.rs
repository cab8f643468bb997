//! What a tariffs file would change. An import replaces the whole table (SPEC §8), so a short
//! file silently drops prefixes and their calls fall back on a shorter prefix or cost nothing:
//! the window shows this change and asks before replacing, the command line prints it after.

use crate::base::Base;
use crate::error::Result;
use crate::fr;
use crate::rating::Tariff;
use crate::tariffs::TariffsReport;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// A prefix in both tables whose label or prices differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TariffChange {
    pub avant: Tariff,
    pub apres: Tariff,
}

/// The change from the tariffs in place to those of a file, by prefix. Lists go from the most
/// specific prefix (the longest) to the most general.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TariffDiff {
    /// Tariffs in place.
    pub avant: u64,
    /// Tariffs of the file.
    pub apres: u64,
    /// Prefixes in place that the file does not have.
    pub disparus: Vec<Tariff>,
    /// Prefixes of the file that are not in place.
    pub ajoutes: Vec<Tariff>,
    pub modifies: Vec<TariffChange>,
    pub inchanges: u64,
    /// The change in one French sentence: "6 tarifs remplacés par 1 ; 5 préfixes
    /// disparaissent : +2165 Mobile Orange, …".
    pub resume: String,
}

fn most_specific_first(a: &Tariff, b: &Tariff) -> std::cmp::Ordering {
    b.prefixe
        .len()
        .cmp(&a.prefixe.len())
        .then_with(|| a.prefixe.cmp(&b.prefixe))
}

/// Names shown in the sentence; the window lists them all.
const NAMED: usize = 3;

/// « 2 préfixes ajoutés : +2165 Mobile Orange, +2162 Fixe », or nothing for no tariff.
fn named<'a>(
    tariffs: impl ExactSizeIterator<Item = &'a Tariff>,
    one: &str,
    many: &str,
) -> Option<String> {
    let n = tariffs.len();
    if n == 0 {
        return None;
    }
    let mut names: Vec<String> = tariffs
        .take(NAMED)
        .map(|t| format!("{} {}", t.prefixe, t.libelle))
        .collect();
    if n > NAMED {
        names.push("…".into());
    }
    Some(format!(
        "{} : {}",
        fr::nombre(n as u64, one, many),
        names.join(", ")
    ))
}

impl TariffDiff {
    pub fn between(old: &[Tariff], new: &[Tariff]) -> TariffDiff {
        let before: BTreeMap<&str, &Tariff> = old.iter().map(|t| (t.prefixe.as_str(), t)).collect();
        let after: BTreeMap<&str, &Tariff> = new.iter().map(|t| (t.prefixe.as_str(), t)).collect();
        let mut disparus: Vec<Tariff> = before
            .iter()
            .filter(|(p, _)| !after.contains_key(*p))
            .map(|(_, t)| (*t).clone())
            .collect();
        let mut ajoutes: Vec<Tariff> = after
            .iter()
            .filter(|(p, _)| !before.contains_key(*p))
            .map(|(_, t)| (*t).clone())
            .collect();
        let mut modifies: Vec<TariffChange> = after
            .iter()
            .filter_map(|(p, t)| {
                before.get(p).filter(|b| **b != *t).map(|b| TariffChange {
                    avant: (*b).clone(),
                    apres: (*t).clone(),
                })
            })
            .collect();
        disparus.sort_by(most_specific_first);
        ajoutes.sort_by(most_specific_first);
        modifies.sort_by(|a, b| most_specific_first(&a.apres, &b.apres));
        let inchanges = after
            .iter()
            .filter(|(p, t)| before.get(*p) == Some(*t))
            .count() as u64;
        let mut d = TariffDiff {
            avant: before.len() as u64,
            apres: after.len() as u64,
            disparus,
            ajoutes,
            modifies,
            inchanges,
            resume: String::new(),
        };
        d.resume = d.sentence();
        d
    }

    /// True when the file gives back the tariffs in place.
    pub fn is_empty(&self) -> bool {
        self.disparus.is_empty() && self.ajoutes.is_empty() && self.modifies.is_empty()
    }

    fn sentence(&self) -> String {
        if self.avant == 0 {
            return format!(
                "{} (aucun tarif n'était en place)",
                fr::nombre(self.apres, "tarif ajouté", "tarifs ajoutés")
            );
        }
        if self.is_empty() {
            return format!(
                "Aucun changement : le fichier redonne {} en place",
                if self.avant == 1 {
                    "le tarif".to_string()
                } else {
                    format!("les {} tarifs", self.avant)
                }
            );
        }
        let mut parts = vec![format!(
            "{} {} par {}",
            fr::nombre(self.avant, "tarif", "tarifs"),
            fr::pluriel(self.avant, "remplacé", "remplacés"),
            self.apres
        )];
        parts.extend(named(
            self.disparus.iter(),
            "préfixe disparaît",
            "préfixes disparaissent",
        ));
        parts.extend(named(
            self.modifies.iter().map(|c| &c.apres),
            "tarif modifié",
            "tarifs modifiés",
        ));
        parts.extend(named(
            self.ajoutes.iter(),
            "préfixe ajouté",
            "préfixes ajoutés",
        ));
        parts.join(" ; ")
    }
}

/// A tariffs file checked without writing, and what it would change when it is valid.
#[derive(Debug, Clone, Serialize)]
pub struct TariffsPreview {
    pub rapport: TariffsReport,
    /// `None` when the file has errors (nothing can be imported).
    pub changement: Option<TariffDiff>,
}

/// Reads and checks the file (nothing is written) and compares it with the tariffs in place.
pub fn preview_tariffs(base: &mut Base, path: &Path) -> Result<TariffsPreview> {
    let old = base.tariffs()?;
    let rapport = base.import_tariffs(path, true)?;
    let changement = rapport
        .erreurs
        .is_empty()
        .then(|| TariffDiff::between(&old, &rapport.lus));
    Ok(TariffsPreview {
        rapport,
        changement,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(prefixe: &str, libelle: &str, prix: i64) -> Tariff {
        Tariff {
            prefixe: prefixe.into(),
            libelle: libelle.into(),
            prix_minute: prix,
            bloc_initial_s: 30,
            bloc_s: 6,
            frais_connexion: 0,
        }
    }

    fn sample() -> Vec<Tariff> {
        vec![
            t("+", "International", 1200),
            t("+216", "Tunisie autres", 200),
            t("+2162", "Mobile Ooredoo", 180),
            t("+2165", "Mobile Orange", 180),
            t("+2167", "Fixe", 90),
            t("+2169", "Mobile Tunisie Telecom", 170),
        ]
    }

    #[test]
    fn a_one_line_file_says_which_prefixes_disappear() {
        let d = TariffDiff::between(&sample(), &[t("+2162", "Mobile Ooredoo", 180)]);
        assert_eq!((d.avant, d.apres, d.inchanges), (6, 1, 1));
        let gone: Vec<&str> = d.disparus.iter().map(|t| t.prefixe.as_str()).collect();
        assert_eq!(gone, ["+2165", "+2167", "+2169", "+216", "+"]);
        assert!(d.ajoutes.is_empty() && d.modifies.is_empty());
        assert_eq!(
            d.resume,
            "6 tarifs remplacés par 1 ; 5 préfixes disparaissent : +2165 Mobile Orange, \
             +2167 Fixe, +2169 Mobile Tunisie Telecom, …"
        );
    }

    #[test]
    fn changed_and_added_prefixes_are_told_apart() {
        let mut new = sample();
        new[2].prix_minute = 200;
        new.push(t("+33", "France", 500));
        let d = TariffDiff::between(&sample(), &new);
        assert!(d.disparus.is_empty());
        assert_eq!(d.modifies.len(), 1);
        assert_eq!(d.modifies[0].avant.prix_minute, 180);
        assert_eq!(d.modifies[0].apres.prix_minute, 200);
        assert_eq!(d.ajoutes, [t("+33", "France", 500)]);
        assert_eq!(d.inchanges, 5);
        assert_eq!(
            d.resume,
            "6 tarifs remplacés par 7 ; 1 tarif modifié : +2162 Mobile Ooredoo ; \
             1 préfixe ajouté : +33 France"
        );
    }

    #[test]
    fn same_tariffs_or_an_empty_table_are_said_plainly() {
        let d = TariffDiff::between(&sample(), &sample());
        assert!(d.is_empty());
        assert_eq!(
            d.resume,
            "Aucun changement : le fichier redonne les 6 tarifs en place"
        );
        let d = TariffDiff::between(&[], &[t("+216", "Tunisie", 200)]);
        assert_eq!(d.resume, "1 tarif ajouté (aucun tarif n'était en place)");
        let d = TariffDiff::between(&[t("+216", "Tunisie", 200)], &[t("+216", "Tunisie", 200)]);
        assert_eq!(
            d.resume,
            "Aucun changement : le fichier redonne le tarif en place"
        );
    }
}
