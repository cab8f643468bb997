//! Matricule (14 digits) and identifiant (7 digits, the calling code), with the messages that
//! recognise what a spreadsheet does to long numbers (for values read from a file).

use super::field::{shown, Field, FieldError};
use serde::Serialize;

/// Registration number: exactly 14 ASCII digits, kept as text so leading zeros survive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Matricule(String);

/// Calling code typed on the phone: exactly 7 ASCII digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Identifiant(String);

/// Where a value was written: typed by a person (the form, the command line), or read from a
/// cell of a file, where a spreadsheet may have damaged it (its advice is given only then).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Typed,
    File,
}

pub const MATRICULE_DIGITS: usize = 14;
pub const IDENTIFIANT_DIGITS: usize = 7;

impl Matricule {
    /// A matricule typed by a person.
    pub fn parse(raw: &str) -> Result<Matricule, FieldError> {
        Matricule::parse_from(raw, Source::Typed)
    }
    pub fn parse_from(raw: &str, source: Source) -> Result<Matricule, FieldError> {
        parse_code(
            raw,
            Field::Matricule,
            "le matricule",
            MATRICULE_DIGITS,
            source,
        )
        .map(Matricule)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub(crate) fn from_db(s: String) -> Matricule {
        Matricule(s)
    }
}

impl Identifiant {
    /// An identifiant typed by a person.
    pub fn parse(raw: &str) -> Result<Identifiant, FieldError> {
        Identifiant::parse_from(raw, Source::Typed)
    }
    pub fn parse_from(raw: &str, source: Source) -> Result<Identifiant, FieldError> {
        parse_code(
            raw,
            Field::Identifiant,
            "l'identifiant",
            IDENTIFIANT_DIGITS,
            source,
        )
        .map(Identifiant)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub(crate) fn from_db(s: String) -> Identifiant {
        Identifiant(s)
    }
}

impl std::fmt::Display for Matricule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for Identifiant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `1,23457E+13`, `1.23457e13`: what Excel shows, and saves, for a long number in a General cell.
pub fn looks_scientific(v: &str) -> bool {
    let v = v.trim();
    let Some(epos) = v.find(['e', 'E']) else {
        return false;
    };
    let (mantissa, exp) = (&v[..epos], &v[epos + 1..]);
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    !mantissa.is_empty()
        && mantissa
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        && mantissa.chars().any(|c| c.is_ascii_digit())
        && !exp.is_empty()
        && exp.chars().all(|c| c.is_ascii_digit())
}

fn parse_code(
    raw: &str,
    field: Field,
    what: &str,
    digits: usize,
    source: Source,
) -> Result<String, FieldError> {
    let v = raw.trim();
    if v.len() == digits && v.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(v.to_string());
    }
    let err = |m: String| Err(FieldError::new(field, m));
    if v.is_empty() {
        return err(format!("{what} est obligatoire ({digits} chiffres)"));
    }
    if source == Source::File && looks_scientific(v) {
        return err(format!(
            "{what} a été transformé par le tableur en notation scientifique (reçu : {}) ; \
             dans Excel, mettez la colonne au format Texte et saisissez à nouveau les {digits} chiffres",
            shown(v)
        ));
    }
    if !v.bytes().all(|b| b.is_ascii_digit()) {
        return err(format!(
            "{what} doit comporter exactement {digits} chiffres, sans lettre ni espace (reçu : {})",
            shown(v)
        ));
    }
    // A spreadsheet drops every leading zero: 00012345678901 comes back with 11 digits (far
    // shorter, it is no code that lost its zeros).
    if source == Source::File && (digits.saturating_sub(3)..digits).contains(&v.len()) {
        let zeros = match digits - v.len() {
            1 => "le zéro initial",
            _ => "les zéros initiaux",
        };
        return err(format!(
            "{what} doit comporter {digits} chiffres (reçu : {v}, {}) ; \
             le tableur a sans doute supprimé {zeros} : mettez la colonne au format Texte",
            crate::fr::nombre(v.len() as u64, "chiffre", "chiffres")
        ));
    }
    if v.len() != digits {
        return err(format!(
            "{what} doit comporter {digits} chiffres (reçu : {}, {})",
            shown(v),
            crate::fr::nombre(v.len() as u64, "chiffre", "chiffres")
        ));
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matricule_of_14_digits_is_accepted_with_leading_zeros() {
        assert_eq!(
            Matricule::parse(" 00000000000042 ").unwrap().as_str(),
            "00000000000042"
        );
    }

    #[test]
    fn matricule_of_13_digits_from_a_file_points_at_stripped_zero() {
        let e = Matricule::parse_from("1234567890123", Source::File).unwrap_err();
        assert!(e.message.contains("14 chiffres"), "{}", e.message);
        assert!(e.message.contains("zéro initial"), "{}", e.message);
        assert!(e.message.contains("1234567890123"));
        // One digit is one « chiffre ».
        let said = Identifiant::parse("1").unwrap_err().message;
        assert_eq!(
            said,
            "l'identifiant doit comporter 7 chiffres (reçu : 1, 1 chiffre)"
        );
    }

    #[test]
    fn a_matricule_that_lost_several_zeros_in_a_spreadsheet_is_said_so() {
        // Excel's custom format 00000000000000 shows the zeros; the cell holds 12345678901.
        let e = Matricule::parse_from("12345678901", Source::File).unwrap_err();
        assert_eq!(
            e.message,
            "le matricule doit comporter 14 chiffres (reçu : 12345678901, 11 chiffres) ; le \
             tableur a sans doute supprimé les zéros initiaux : mettez la colonne au format Texte"
        );
    }

    #[test]
    fn typed_codes_get_no_spreadsheet_advice() {
        let e = Matricule::parse("1234567890123").unwrap_err();
        assert_eq!(
            e.message,
            "le matricule doit comporter 14 chiffres (reçu : 1234567890123, 13 chiffres)"
        );
        let e = Identifiant::parse("589669").unwrap_err();
        assert!(!e.message.contains("tableur"), "{}", e.message);
        let e = Matricule::parse("1,23457E+13").unwrap_err();
        assert!(!e.message.contains("tableur"), "{}", e.message);
        assert!(e.message.contains("sans lettre ni espace"), "{}", e.message);
    }

    #[test]
    fn matricule_in_scientific_notation_is_named_as_such() {
        for v in ["1,23457E+13", "1.23457e13", "1E+13"] {
            let e = Matricule::parse_from(v, Source::File).unwrap_err();
            assert!(
                e.message.contains("notation scientifique"),
                "{v}: {}",
                e.message
            );
        }
    }

    #[test]
    fn matricule_with_letters_or_wrong_length_is_refused() {
        assert!(Matricule::parse("1000000000000A").is_err());
        assert!(Matricule::parse("123456789012345").is_err());
        assert!(
            Matricule::parse("١٢٣٤٥٦٧٨٩٠١٢٣٤").is_err(),
            "only ASCII digits"
        );
        assert!(Matricule::parse("")
            .unwrap_err()
            .message
            .contains("obligatoire"));
    }

    #[test]
    fn identifiant_needs_exactly_7_digits() {
        assert_eq!(Identifiant::parse("0589669").unwrap().as_str(), "0589669");
        assert!(Identifiant::parse_from("589669", Source::File)
            .unwrap_err()
            .message
            .contains("zéro initial"));
        assert!(Identifiant::parse("12345678").is_err());
        assert!(Identifiant::parse("12 4567").is_err());
    }
}
