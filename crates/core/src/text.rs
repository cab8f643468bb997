//! Text folding shared by sorting and searching: lower case, accents and ligatures removed;
//! in Arabic, the spellings a name is written with brought to one (SPEC §14).
//!
//! The index and the query both go through [`fold`], so a change here changes what the index
//! holds: a database written with another folding is re-indexed when it is opened (see the
//! migration list in `store`).

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// `Hédi BEN ŒUVRE` → `hedi ben oeuvre`; `أحمد` → `احمد`, `فاطمة` → `فاطمه`. ASCII input takes
/// a fast path (it is most names).
///
/// Arabic: hamza forms of alef (`أ إ آ ٱ`) become a bare alef, ta marbuta (`ة`) becomes `ه`,
/// alef maqsura (`ى`) becomes `ي`, and the short vowels and other marks (tashkeel, which NFD
/// leaves as combining marks) and the tatweel (`ـ`, a stretching stroke) are removed; a hamza
/// carried by waw or ya (`ؤ ئ`) leaves its carrier. Letters in presentation forms (copied out of
/// a PDF) are brought back to the letters they show.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        push_folded(&mut out, c);
    }
    out
}

/// One letter of a decomposed (NFD) text, folded: [`fold`] is this, letter by letter, once the
/// text is decomposed (a site's server folds with a table of it, `site::fold`).
pub fn push_folded(out: &mut String, c: char) {
    if is_combining_mark(c) {
        return;
    }
    match c {
        'œ' | 'Œ' => out.push_str("oe"),
        'æ' | 'Æ' => out.push_str("ae"),
        'ß' => out.push_str("ss"),
        // Arabic presentation forms A and B: the letter they show, then folded as such.
        '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFC}' => {
            for d in std::iter::once(c).nfkd() {
                if !is_combining_mark(d) {
                    push_arabic(out, d);
                }
            }
        }
        '\u{0600}'..='\u{06FF}' => push_arabic(out, c),
        _ => out.extend(c.to_lowercase()),
    }
}

/// One Arabic letter (already without its marks), folded.
fn push_arabic(out: &mut String, c: char) {
    match c {
        // Alef with hamza above or below and with madda decompose to a bare alef under NFD;
        // alef wasla does not.
        'ٱ' | 'أ' | 'إ' | 'آ' => out.push('ا'),
        'ة' => out.push('ه'),
        'ى' => out.push('ي'),
        '\u{0640}' => {} // tatweel
        _ => out.push(c),
    }
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

    /// Asserts that each name folds to the text beside it.
    fn folds_to(cases: &[(&str, &str)]) {
        for &(name, want) in cases {
            assert_eq!(fold(name), want, "fold({name:?})");
        }
    }

    #[test]
    fn accents_case_and_ligatures_fold() {
        folds_to(&[
            ("Hédi BEN Salah", "hedi ben salah"),
            ("Mériem Saïdi", "meriem saidi"),
            ("ŒUVRE Ægis Straße", "oeuvre aegis strasse"),
            ("Çelik", "celik"),
        ]);
    }

    #[test]
    fn arabic_spellings_of_one_name_fold_alike() {
        folds_to(&[
            ("أحمد", "احمد"),
            ("إيمان", "ايمان"),
            ("آمنة", "امنه"),
            ("ٱلله", "الله"),
            ("مصطفى", "مصطفي"),
            // Tashkeel (fatha, damma, kasra, shadda, sukun, tanwin) and the tatweel.
            ("مُحَمَّد", "محمد"),
            ("محـــمد", "محمد"),
            ("سَعِيدٌ", "سعيد"),
            // Presentation forms, as a PDF copy gives them: ﻣﺤﻤﺪ.
            ("\u{FEE3}\u{FEA4}\u{FEE4}\u{FEAA}", "محمد"),
            // A name in both scripts keeps both, each folded.
            ("Hédi الطرابلسي", "hedi الطرابلسي"),
        ]);
        assert_eq!(fold("فاطمة"), fold("فاطمه"));
        assert_eq!(
            words(&fold("Éléonore بن سعيد")).collect::<Vec<_>>(),
            ["eleonore", "بن", "سعيد"]
        );
    }

    #[test]
    fn words_split_on_punctuation() {
        let f = fold("Ben-Ali  O'Neil");
        assert_eq!(words(&f).collect::<Vec<_>>(), ["ben", "ali", "o", "neil"]);
    }
}
