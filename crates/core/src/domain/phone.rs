//! Authorized phone numbers and the one normalization shared by the form, the import, the search
//! and the rating of calls.

use super::codes::{looks_scientific, Source};
use super::field::{shown, Field, FieldError};
use serde::Serialize;

/// A number as the administrator wrote it, minus separators: an optional `+` and 3–15 digits.
/// The written form is kept (`0021627468145` stays so) so that exports give back what was typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

/// Country calling code used for numbers written without `+` or `00` (default `216`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CountryCode(String);

const SEPARATORS: &[char] = &[' ', '\u{a0}', '\u{202f}', '\t', '.', '-', '/', '(', ')'];

impl Phone {
    /// Empty input means "no number on this key".
    pub fn parse_optional(raw: &str, key: u8) -> Result<Option<Phone>, FieldError> {
        Phone::parse_optional_from(raw, key, Source::Typed)
    }

    pub fn parse_optional_from(
        raw: &str,
        key: u8,
        source: Source,
    ) -> Result<Option<Phone>, FieldError> {
        if raw.trim().is_empty() {
            return Ok(None);
        }
        Phone::parse_from(raw, key, source).map(Some)
    }

    /// The number of key `key` as the form and the import accept it (empty: none): well
    /// formed, and not an international number whose « + » was lost ([`lost_plus_error`]).
    pub fn parse_key(
        raw: &str,
        key: u8,
        source: Source,
        cc: &CountryCode,
    ) -> Result<Option<Phone>, FieldError> {
        let p = Phone::parse_optional_from(raw, key, source)?;
        match p.as_ref().and_then(|p| lost_plus_error(p, key, cc)) {
            Some(e) => Err(e),
            None => Ok(p),
        }
    }

    /// A number typed by a person.
    pub fn parse(raw: &str, key: u8) -> Result<Phone, FieldError> {
        Phone::parse_from(raw, key, Source::Typed)
    }

    pub fn parse_from(raw: &str, key: u8, source: Source) -> Result<Phone, FieldError> {
        let err = |m: String| Err(FieldError::new(Field::Phone(key), m));
        let v = raw.trim();
        // Checked on the number as dialled (« + 00216… » too), without a copy: an import
        // parses up to ten numbers a line.
        let after_plus = v
            .strip_prefix('+')
            .map(|r| r.trim_start_matches(SEPARATORS));
        if after_plus.is_some_and(|r| r.starts_with('0')) {
            return err(format!(
                "après le « + » vient l'indicatif du pays, sans « 0 » ni « 00 » (reçu : {})",
                shown(v)
            ));
        }
        let digits = v.strip_prefix('+').unwrap_or(v);
        if (3..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Phone(v.to_string()));
        }
        if source == Source::File && looks_scientific(v) {
            return err(format!(
                "le numéro a été transformé par le tableur en notation scientifique (reçu : {}) ; \
                 mettez la colonne au format Texte",
                shown(v)
            ));
        }
        // « +216 (0) 20 123 456 » as printed on letterheads: that 0 is not dialled after the
        // country code, and the number would match no call.
        if v.replace(' ', "").contains("(0)") {
            return err(format!(
                "le « (0) » ne se compose pas après l'indicatif du pays : retirez-le (reçu : {})",
                shown(v)
            ));
        }
        let compact: String = v.chars().filter(|c| !SEPARATORS.contains(c)).collect();
        let digits = compact.strip_prefix('+').unwrap_or(&compact);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return err(format!(
                "numéro de téléphone invalide (reçu : {}) : seuls les chiffres, un « + » initial \
                 et les séparateurs espace . - / ( ) sont admis",
                shown(v)
            ));
        }
        if !(3..=15).contains(&digits.len()) {
            return err(format!(
                "un numéro de téléphone compte de 3 à 15 chiffres (reçu : {}, {})",
                shown(v),
                crate::fr::nombre(digits.len() as u64, "chiffre", "chiffres")
            ));
        }
        Ok(Phone(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn from_db(s: String) -> Phone {
        Phone(s)
    }

    /// `+` followed by the country code and the number: the form in which two numbers compare.
    pub fn international(&self, cc: &CountryCode) -> String {
        international(&self.0, cc)
    }
}

/// The international digits of a separator-free number, as two slices to be read one after the
/// other (country code, then the rest), so that comparing numbers allocates nothing: `+…` and
/// `00…` carry their own country code, anything else gets `cc`.
pub fn international_parts<'a>(compact: &'a str, cc: &'a CountryCode) -> (&'a str, &'a str) {
    if let Some(rest) = compact.strip_prefix('+') {
        ("", rest)
    } else if let Some(rest) = compact.strip_prefix("00") {
        ("", rest)
    } else {
        (cc.0.as_str(), compact)
    }
}

/// International form: `+` then country code and number.
pub fn international(compact: &str, cc: &CountryCode) -> String {
    let (a, b) = international_parts(compact, cc);
    format!("+{a}{b}")
}

/// Whether two written numbers are the same number.
pub fn same_number(a: &str, b: &str, cc: &CountryCode) -> bool {
    let (a1, a2) = international_parts(a, cc);
    let (b1, b2) = international_parts(b, cc);
    // Both end with their second part: two different numbers mostly differ in the last digit,
    // which an import checking every pair of an account's ten numbers tries first.
    a1.len() + a2.len() == b1.len() + b2.len()
        && a2.as_bytes().last() == b2.as_bytes().last()
        && a1
            .bytes()
            .chain(a2.bytes())
            .eq(b1.bytes().chain(b2.bytes()))
}

/// The digits of a phone number that a person types to find it, and that the search indexes:
/// the national digits of a number of the country (`0021627468145` → `27468145`), all the
/// international digits of another one (`+33612345678` → `33612345678`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneDigits<'a> {
    Domestic(&'a str),
    Foreign(&'a str),
}

impl<'a> PhoneDigits<'a> {
    pub fn digits(self) -> &'a str {
        match self {
            PhoneDigits::Domestic(d) | PhoneDigits::Foreign(d) => d,
        }
    }
}

pub fn phone_digits<'a>(compact: &'a str, cc: &'a CountryCode) -> PhoneDigits<'a> {
    match international_parts(compact, cc) {
        ("", digits) => match digits.strip_prefix(cc.0.as_str()) {
            Some(national) if !national.is_empty() => PhoneDigits::Domestic(national),
            _ => PhoneDigits::Foreign(digits),
        },
        (_, national) => PhoneDigits::Domestic(national),
    }
}

/// Digits of a whole national number after the country code, at the least, and of the whole
/// number: a number written without `+` or `00` that starts with the country code and goes on
/// that long is an international number whose `+` was lost (a spreadsheet reads
/// `+21620123456` as a number). Shorter, it may be a national number that starts with the
/// code's digits (`21620123` in Tunisia, `9123456789` in India).
const NATIONAL_DIGITS_MIN: usize = 8;
const LOST_PLUS_DIGITS_MIN: usize = 11;

/// The error of a number written without `+` or `00` that starts with the country code `cc`
/// and a whole national number after it: it would be dialled as `+216` `21620123456` and
/// match no call.
pub fn lost_plus_error(phone: &Phone, key: u8, cc: &CountryCode) -> Option<FieldError> {
    let (country, national) = international_parts(&phone.0, cc);
    let after = national
        .strip_prefix(country)
        .filter(|_| !country.is_empty())?;
    // North America dials its national numbers with a leading 1, its own country code.
    let dials_code_nationally = country == "1";
    (after.len() >= NATIONAL_DIGITS_MIN
        && national.len() >= LOST_PLUS_DIGITS_MIN
        && !dials_code_nationally)
        .then(|| {
            FieldError::new(
                Field::Phone(key),
                format!(
                    "le numéro commence par l'indicatif {country} sans « + » (reçu : {}) : le \
                 tableur a sans doute supprimé le « + » ; écrivez +{national}",
                    phone.0
                ),
            )
        })
}

/// Removes the separators a number may be written with; `None` if what is left is not a number.
pub fn compact_number(raw: &str) -> Option<String> {
    let compact: String = raw
        .trim()
        .chars()
        .filter(|c| !SEPARATORS.contains(c))
        .collect();
    let digits = compact.strip_prefix('+').unwrap_or(&compact);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(compact)
}

impl CountryCode {
    /// The country code as typed in *Paramètres*: `+` then 1 to 3 digits (`+216`).
    pub fn parse_setting(raw: &str) -> Result<CountryCode, String> {
        let v = raw.trim();
        let digits = |d: &str| {
            (1..=3).contains(&d.len())
                && d.bytes().all(|b| b.is_ascii_digit())
                && !d.starts_with('0')
        };
        match v.strip_prefix('+') {
            Some(d) if digits(d) => Ok(CountryCode(d.to_string())),
            None if digits(v) => Err(format!(
                "l'indicatif du pays commence par « + » : écrivez +{v} (reçu : {v})"
            )),
            _ => Err(format!(
                "l'indicatif du pays s'écrit « + » suivi de 1 à 3 chiffres, par exemple +216 \
                 (reçu : {})",
                shown(v)
            )),
        }
    }

    /// A stored or programmatic country code, with or without its `+`.
    pub fn parse(raw: &str) -> Result<CountryCode, String> {
        let v = raw.trim().trim_start_matches('+');
        if (1..=3).contains(&v.len())
            && v.bytes().all(|b| b.is_ascii_digit())
            && !v.starts_with('0')
        {
            Ok(CountryCode(v.to_string()))
        } else {
            Err(format!(
                "l'indicatif du pays doit comporter 1 à 3 chiffres, sans zéro initial (reçu : {})",
                shown(raw)
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for CountryCode {
    fn default() -> Self {
        CountryCode("216".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_that_lost_its_plus_or_kept_a_trunk_zero_is_refused() {
        let cc = CountryCode::parse("216").unwrap();
        let lost = |raw: &str| lost_plus_error(&Phone::parse(raw, 3).unwrap(), 3, &cc);
        let e = lost("216-20-123-456").unwrap();
        assert_eq!(e.field, Field::Phone(3));
        assert_eq!(
            e.message,
            "le numéro commence par l'indicatif 216 sans « + » (reçu : 21620123456) : le tableur \
             a sans doute supprimé le « + » ; écrivez +21620123456"
        );
        // A national number that happens to start with 216, and every written form with its
        // country code, are numbers as typed.
        for ok in [
            "21620123",
            "+21620123456",
            "0021620123456",
            "99383470",
            "+33612345678",
        ] {
            assert!(lost(ok).is_none(), "{ok}");
        }
        for (raw, said) in [
            ("+216 (0) 20 123 456", "le « (0) » ne se compose pas"),
            ("+216 ( 0 ) 20 123 456", "le « (0) » ne se compose pas"),
            ("+0021620123456", "après le « + » vient l'indicatif du pays"),
            (
                "+ 0021620123456",
                "après le « + » vient l'indicatif du pays",
            ),
            (
                "5",
                "un numéro de téléphone compte de 3 à 15 chiffres (reçu : 5, 1 chiffre)",
            ),
        ] {
            let e = Phone::parse(raw, 1).unwrap_err();
            assert!(e.message.starts_with(said), "{raw}: {}", e.message);
        }
        // Elsewhere, national numbers that start with the code's digits are numbers: India's
        // 10 digits, Italy's mobiles, North America's 1 before the area code.
        for (code, national) in [
            ("91", "9123456789"),
            ("39", "3931234567"),
            ("1", "12025550123"),
        ] {
            let cc = CountryCode::parse(code).unwrap();
            let p = Phone::parse(national, 1).unwrap();
            assert!(lost_plus_error(&p, 1, &cc).is_none(), "+{code} {national}");
        }
    }

    fn p(s: &str) -> Result<Phone, FieldError> {
        Phone::parse(s, 1)
    }

    #[test]
    fn separators_are_removed_and_written_form_kept() {
        assert_eq!(p("+216 27.46-81/45").unwrap().as_str(), "+21627468145");
        assert_eq!(p("(00216) 27 468 145").unwrap().as_str(), "0021627468145");
        assert_eq!(p("99383470").unwrap().as_str(), "99383470");
    }

    #[test]
    fn three_to_fifteen_digits_only() {
        assert!(p("112").is_ok());
        assert!(p("12").is_err());
        assert!(p("+123456789012345").is_ok());
        let e = p("1234567890123456").unwrap_err();
        assert!(e.message.contains("16 chiffres"), "{}", e.message);
    }

    #[test]
    fn letters_inner_plus_and_scientific_notation_are_refused() {
        assert!(p("27A68145").is_err());
        assert!(p("216+27468145").is_err());
        assert!(p("++21627468145").is_err());
        assert!(Phone::parse_from("2,16275E+10", 1, Source::File)
            .unwrap_err()
            .message
            .contains("notation scientifique"));
        assert!(!p("2,16275E+10").unwrap_err().message.contains("tableur"));
    }

    #[test]
    fn empty_key_is_no_number() {
        assert_eq!(Phone::parse_optional("  ", 4).unwrap(), None);
        assert_eq!(
            Phone::parse_optional("x", 4).unwrap_err().field,
            Field::Phone(4)
        );
    }

    #[test]
    fn all_written_forms_share_one_international_form() {
        let cc = CountryCode::default();
        for v in ["+21627468145", "0021627468145", "27468145", "27 468 145"] {
            assert_eq!(p(v).unwrap().international(&cc), "+21627468145", "{v}");
            assert_eq!(
                phone_digits(p(v).unwrap().as_str(), &cc).digits(),
                "27468145"
            );
        }
        assert_eq!(phone_digits("+33612345678", &cc).digits(), "33612345678");
    }

    #[test]
    fn country_code_is_one_to_three_digits() {
        assert_eq!(CountryCode::parse("+33").unwrap().as_str(), "33");
        assert!(CountryCode::parse("2160").is_err());
        assert!(CountryCode::parse("").is_err());
        assert!(CountryCode::parse("021").is_err());
    }

    #[test]
    fn the_setting_needs_its_plus_sign() {
        assert_eq!(
            CountryCode::parse_setting(" +216 ").unwrap().as_str(),
            "216"
        );
        assert_eq!(CountryCode::parse_setting("+1").unwrap().as_str(), "1");
        let e = CountryCode::parse_setting("216").unwrap_err();
        assert!(e.contains("écrivez +216"), "{e}");
        for bad in ["", "+", "+2160", "+021", "abc", "+2a6", "00216", "++216"] {
            assert!(CountryCode::parse_setting(bad).is_err(), "{bad}");
        }
    }
}
