//! Nom utilisateur.

use super::field::{shown, Field, FieldError};
use serde::Serialize;

/// A person's name: trimmed, inner whitespace collapsed, 1–100 characters, printable, and never
/// able to start a spreadsheet formula.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Name(String);

pub const NAME_MAX_CHARS: usize = 100;

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
        if let Some(c) = collapsed.chars().find(|c| c.is_control()) {
            return Err(err(format!(
                "le nom contient un caractère de contrôle invisible (U+{:04X}) : « {} »",
                c as u32,
                shown(&collapsed)
            )));
        }
        let count = collapsed.chars().count();
        if count > NAME_MAX_CHARS {
            return Err(err(format!(
                "le nom est trop long ({count} caractères, {NAME_MAX_CHARS} au maximum)"
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
