//! Text folding shared by sorting and searching: lower case, accents and ligatures removed.

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// `Hédi BEN ŒUVRE` → `hedi ben oeuvre`. ASCII input takes a fast path (it is most names).
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Words of a folded text: runs of letters and digits.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_case_and_ligatures_fold() {
        assert_eq!(fold("Hédi BEN Salah"), "hedi ben salah");
        assert_eq!(fold("Mériem Saïdi"), "meriem saidi");
        assert_eq!(fold("ŒUVRE Ægis Straße"), "oeuvre aegis strasse");
        assert_eq!(fold("Çelik"), "celik");
    }

    #[test]
    fn words_split_on_punctuation() {
        let f = fold("Ben-Ali  O'Neil");
        assert_eq!(words(&f).collect::<Vec<_>>(), ["ben", "ali", "o", "neil"]);
    }
}
