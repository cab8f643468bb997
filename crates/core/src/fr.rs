//! French agreement and elision for messages built in Rust: "1 tarif" / "2 tarifs",
//! "Aucun compte", "le compte d'Hélène", "au matricule", "la correction refusée". One helper,
//! used by every message that counts or names something (the page has its twin in
//! `ui/js/fr.js`, tested on the same cases).

/// Grammatical gender of a noun, for *aucun/aucune* and past participles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Genre {
    Masculin,
    Feminin,
}

/// French puts a count below two in the singular: "0 tarif", "1 tarif", "2 tarifs".
pub fn pluriel<'a>(n: u64, singulier: &'a str, pluriel: &'a str) -> &'a str {
    if n < 2 {
        singulier
    } else {
        pluriel
    }
}

/// `"{n} {mot accordé}"`: "1 tarif", "6 tarifs". Digits are not grouped, so that scripts reading
/// the command line's summaries see plain numbers.
pub fn nombre(n: u64, singulier: &str, pluriel_: &str) -> String {
    format!("{n} {}", pluriel(n, singulier, pluriel_))
}

/// Like [`nombre`], but zero reads "Aucun compte trouvé" / "Aucune erreur".
pub fn nombre_ou_aucun(n: u64, singulier: &str, pluriel_: &str, genre: Genre) -> String {
    if n == 0 {
        let aucun = match genre {
            Genre::Masculin => "Aucun",
            Genre::Feminin => "Aucune",
        };
        format!("{aucun} {singulier}")
    } else {
        nombre(n, singulier, pluriel_)
    }
}

/// Agrees a regular past participle or adjective given in the masculine singular:
/// `accord("refusé", Feminin, 1)` → "refusée", `accord("créé", Masculin, 2)` → "créés".
pub fn accord(masculin: &str, genre: Genre, n: u64) -> String {
    let mut s = masculin.to_string();
    if genre == Genre::Feminin {
        s.push('e');
    }
    if n >= 2 && !s.ends_with('s') && !s.ends_with('x') {
        s.push('s');
    }
    s
}

/// Whether "de"/"le" elide before this word: a vowel or an h (names are read with a mute h:
/// "d'Hélène", "d'Hédi"). A `y` is not elided ("de Yassine").
pub fn elide_devant(mot: &str) -> bool {
    let Some(c) = mot.trim_start().chars().next() else {
        return false;
    };
    let folded = crate::text::fold(&c.to_string());
    matches!(
        folded.chars().next(),
        Some('a' | 'e' | 'i' | 'o' | 'u' | 'h')
    )
}

/// « 1 000 000 »: a count grouped by thousands, as the messages write it.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// "de Sami Mansouri", "d'Hélène Gharbi": for a name or a word without article.
pub fn de(mot: &str) -> String {
    let mot = mot.trim_start();
    if elide_devant(mot) {
        format!("d'{mot}")
    } else {
        format!("de {mot}")
    }
}

/// "à" before a group that starts with a lowercase article: "à le matricule" → "au matricule",
/// "à les comptes" → "aux comptes"; "à l'identifiant", "à la ligne", "à « zorro »" unchanged.
pub fn a(groupe: &str) -> String {
    let groupe = groupe.trim_start();
    if let Some(rest) = groupe.strip_prefix("le ") {
        format!("au {rest}")
    } else if let Some(rest) = groupe.strip_prefix("les ") {
        format!("aux {rest}")
    } else {
        format!("à {groupe}")
    }
}

/// "des tarifs, des comptes et des appels": items joined as French writes a list.
pub fn liste(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} et {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_ends_with_et() {
        assert_eq!(liste(&[]), "");
        assert_eq!(liste(&["des tarifs"]), "des tarifs");
        assert_eq!(liste(&["a", "b"]), "a et b");
        assert_eq!(liste(&["a", "b", "c"]), "a, b et c");
    }

    #[test]
    fn counts_below_two_are_singular() {
        assert_eq!(nombre(0, "tarif", "tarifs"), "0 tarif");
        assert_eq!(nombre(1, "tarif", "tarifs"), "1 tarif");
        assert_eq!(nombre(2, "tarif", "tarifs"), "2 tarifs");
        assert_eq!(
            nombre(1_000_000, "compte inconnu", "comptes inconnus"),
            "1000000 comptes inconnus"
        );
        assert_eq!(pluriel(1, "disparaît", "disparaissent"), "disparaît");
        assert_eq!(pluriel(5, "disparaît", "disparaissent"), "disparaissent");
    }

    #[test]
    fn zero_reads_aucun_or_aucune() {
        assert_eq!(
            nombre_ou_aucun(
                0,
                "utilisateur trouvé",
                "utilisateurs trouvés",
                Genre::Masculin
            ),
            "Aucun utilisateur trouvé"
        );
        assert_eq!(
            nombre_ou_aucun(0, "erreur", "erreurs", Genre::Feminin),
            "Aucune erreur"
        );
        assert_eq!(
            nombre_ou_aucun(3, "erreur", "erreurs", Genre::Feminin),
            "3 erreurs"
        );
    }

    #[test]
    fn participles_agree_in_gender_and_number() {
        assert_eq!(accord("refusé", Genre::Feminin, 1), "refusée");
        assert_eq!(accord("refusé", Genre::Masculin, 1), "refusé");
        assert_eq!(accord("créé", Genre::Masculin, 2), "créés");
        assert_eq!(accord("créé", Genre::Masculin, 1), "créé");
        assert_eq!(accord("rejeté", Genre::Feminin, 3), "rejetées");
    }

    #[test]
    fn de_elides_before_a_vowel_or_h() {
        for (name, want) in [
            ("Hélène Gharbi", "d'Hélène Gharbi"),
            ("Amira Trabelsi", "d'Amira Trabelsi"),
            ("Œdipe", "d'Œdipe"),
            ("Émna", "d'Émna"),
            ("Sami Mansouri", "de Sami Mansouri"),
            ("Yassine", "de Yassine"),
            ("محمد", "de محمد"),
            ("", "de "),
        ] {
            assert_eq!(de(name), want, "de({name:?})");
        }
    }

    #[test]
    fn a_contracts_with_le_and_les_only() {
        for (words, want) in [
            ("le matricule 1", "au matricule 1"),
            ("les comptes", "aux comptes"),
            ("l'identifiant interne 4", "à l'identifiant interne 4"),
            ("la ligne 3", "à la ligne 3"),
            ("« zorro »", "à « zorro »"),
        ] {
            assert_eq!(a(words), want, "a({words:?})");
        }
        assert_eq!(
            a("Le Gall"),
            "à Le Gall",
            "a capitalised name is not an article"
        );
    }
}
