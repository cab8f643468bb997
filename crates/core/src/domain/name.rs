//! Nom utilisateur.

use super::field::{shown, Field, FieldError};
use serde::Serialize;

/// A person's name: trimmed, inner whitespace collapsed, 1–100 characters, printable, and never
/// able to start a spreadsheet formula.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Name(String);

pub const NAME_MAX_CHARS: usize = 100;

/// Invisible characters no name needs, which would make it look like another one, or empty:
/// a zero-width space, a soft hyphen (« A\u{ad}li » shows « Ali »), the Hangul fillers that
/// print nothing, a BOM left by two files pasted together, the marks that reverse how a line is
/// shown (U+202E shows « ilA » as « Ali »), tag characters, Unicode's noncharacters. The
/// joiners and the direction marks of Arabic and Persian spelling (U+200C–U+200F) stay.
fn hidden(c: char) -> bool {
    let u = c as u32;
    matches!(
        u,
        0xAD | 0x34F
            | 0x115F
            | 0x1160
            | 0x180E
            | 0x200B
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x2069
            | 0x3164
            | 0xFEFF
            | 0xFFA0
            | 0xFFF9..=0xFFFB
            | 0xE0000..=0xE007F
            | 0xFDD0..=0xFDEF
    ) || u & 0xFFFE == 0xFFFE
}

/// What no free text typed by a person needs (a name, a reason, a label): a control character
/// or one of the invisible ones above.
pub(crate) fn invisible(c: char) -> bool {
    c.is_control() || hidden(c)
}

impl Name {
    pub fn parse(raw: &str) -> Result<Name, FieldError> {
        let err = |m: String| FieldError::new(Field::Name, m);
        let tidy = !raw.is_empty()
            && !raw.starts_with(' ')
            && !raw.ends_with(' ')
            && !raw.contains("  ")
            && !raw.chars().any(|c| c.is_whitespace() && c != ' ');
        let collapsed = if tidy {
            raw.to_string()
        } else {
            raw.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        if collapsed.is_empty() {
            return Err(err("le nom est obligatoire".into()));
        }
        if let Some(c) = collapsed.chars().find(|&c| invisible(c)) {
            return Err(err(format!(
                "le nom contient un caractère de contrôle invisible (U+{:04X}) : « {} »",
                c as u32,
                shown(&collapsed)
            )));
        }
        if !collapsed.chars().any(char::is_alphanumeric) {
            return Err(err(format!(
                "le nom ne contient aucune lettre : « {} »",
                shown(&collapsed)
            )));
        }
        let count = collapsed.chars().count();
        if count > NAME_MAX_CHARS {
            return Err(err(format!(
                "le nom est trop long ({count} caractères, {NAME_MAX_CHARS} au maximum) : « {} »",
                shown(&collapsed)
            )));
        }
        if let Some(first) = collapsed.chars().next().filter(|c| "=+-@".contains(*c)) {
            return Err(err(format!(
                "le nom ne doit pas commencer par « {first} » (un tableur le prendrait pour une formule) : « {} »",
                shown(&collapsed)
            )));
        }
        Ok(Name(collapsed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Trusted construction from a value already validated (read back from the database).
    pub(crate) fn from_db(s: String) -> Name {
        Name(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_is_trimmed_and_inner_whitespace_collapsed() {
        assert_eq!(
            Name::parse("  Hédi \t Ben   Salah ").unwrap().as_str(),
            "Hédi Ben Salah"
        );
    }

    #[test]
    fn invisible_or_reversing_characters_are_refused_and_arabic_joiners_kept() {
        for (raw, code) in [
            ("\u{200b}", "U+200B"),
            ("\u{feff}B Two", "U+FEFF"),
            ("\u{202e}ilA nim", "U+202E"),
            ("Ali \u{ffff} Test", "U+FFFF"),
            ("\u{3164}", "U+3164"),
            ("A\u{ad}li", "U+00AD"),
            ("Ali\u{e0041}", "U+E0041"),
        ] {
            let e = Name::parse(raw).unwrap_err().message;
            assert!(e.contains(code), "{raw:?}: {e}");
        }
        assert!(Name::parse("…")
            .unwrap_err()
            .message
            .contains("aucune lettre"));
        let persian = "مهر\u{200c}داد \u{200f}(Tunis)";
        assert_eq!(Name::parse(persian).unwrap().as_str(), persian);
    }

    #[test]
    fn empty_or_blank_name_is_refused() {
        assert!(Name::parse("").unwrap_err().message.contains("obligatoire"));
        assert!(Name::parse("   ")
            .unwrap_err()
            .message
            .contains("obligatoire"));
    }

    #[test]
    fn name_of_100_chars_is_accepted_and_101_refused() {
        assert!(Name::parse(&"é".repeat(100)).is_ok());
        let e = Name::parse(&"é".repeat(101)).unwrap_err();
        assert!(e.message.contains("101 caractères"), "{}", e.message);
        // The value is said too, cut to what a message can hold.
        assert!(
            e.message.ends_with(&format!(": « {}… »", "é".repeat(40))),
            "{}",
            e.message
        );
    }

    #[test]
    fn control_characters_are_refused() {
        let e = Name::parse("Ali\u{0}Ben").unwrap_err();
        assert!(e.message.contains("U+0000"), "{}", e.message);
        assert!(Name::parse("Ali\u{1b}[31m").is_err());
    }

    #[test]
    fn formula_starters_are_refused() {
        for bad in ["=SUM(A1)", "+216", "-x", "@cmd", "  =1+1"] {
            let e = Name::parse(bad).unwrap_err();
            assert!(e.message.contains("formule"), "{bad}: {}", e.message);
        }
        assert!(Name::parse("Ali = Ben").is_ok());
    }
}
