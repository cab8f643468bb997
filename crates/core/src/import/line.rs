//! One line of the users file (SPEC §5) turned into an account draft, or into every error it
//! holds.

use super::reader::Record;
use crate::domain::account::parse_keys;
use crate::domain::codes::Source;
use crate::domain::field::shown;
use crate::domain::{
    AccountDraft, CountryCode, Field, FieldError, Identifiant, Matricule, Name, Phone, KEYS,
};
use crate::text::fold;
use serde::Serialize;
use std::fmt;

pub const MIN_FIELDS: usize = 3;
pub const MAX_FIELDS: usize = 13;

/// An error on one line of a file, with the field when one is at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub field: Option<Field>,
    pub value: String,
    pub message: String,
    /// The field's column in the file when it is not the import format's (a *Complet* file).
    pub column: Option<usize>,
}

impl LineError {
    /// The 1-based column of the field in the file, if a field is at fault.
    pub fn column(&self) -> Option<usize> {
        self.column
            .or_else(|| self.field.and_then(|f| f.csv_number()))
    }

    /// An error of the whole line, no field at fault.
    pub fn whole(line: u64, message: impl Into<String>) -> LineError {
        LineError {
            line,
            field: None,
            value: String::new(),
            message: message.into(),
            column: None,
        }
    }

    /// An error of one field, quoting the value read there.
    pub fn at(
        line: u64,
        field: Field,
        value: impl Into<String>,
        message: impl Into<String>,
    ) -> LineError {
        LineError {
            line,
            field: Some(field),
            value: value.into(),
            message: message.into(),
            column: None,
        }
    }
}

impl fmt::Display for LineError {
    /// `ligne 12, champ 2 (Matricule) : …` — the form the command line prints and the error
    /// report repeats.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.field.zip(self.column()) {
            Some((fl, n)) => write!(
                f,
                "ligne {}, champ {n} ({}) : {}",
                self.line,
                fl.label(),
                self.message
            ),
            None => write!(f, "ligne {} : {}", self.line, self.message),
        }
    }
}

impl Serialize for LineError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("LineError", 6)?;
        st.serialize_field("ligne", &self.line)?;
        st.serialize_field("champ", &self.column())?;
        st.serialize_field("libelle", &self.field.map(|f| f.label()))?;
        st.serialize_field("valeur", &self.value)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("texte", &self.to_string())?;
        st.end()
    }
}

fn field_error(line: u64, e: FieldError, value: &str) -> LineError {
    LineError::at(line, e.field, value, e.message)
}

/// A header row as Excel users write it: a matricule column that holds a word.
fn looks_like_header(fields: &[&str]) -> bool {
    let f: Vec<String> = fields.iter().take(3).map(|s| fold(s.trim())).collect();
    let has_letters = |s: &String| s.chars().any(|c| c.is_alphabetic());
    f.len() >= 2
        && has_letters(&f[1])
        && (f[1].contains("matricule")
            || f[0].contains("nom")
            || f.get(2).is_some_and(|s| s.contains("identifiant")))
}

/// Validates one record. `first` is true for the first non-blank line (header detection);
/// `separator` names the file's separator in hints.
pub fn parse_line(
    rec: &Record<'_>,
    first: bool,
    separator: u8,
    cc: &CountryCode,
) -> Result<AccountDraft, Vec<LineError>> {
    let line = rec.line;
    if let Some(message) = unreadable(rec, first) {
        return Err(vec![LineError::whole(line, message)]);
    }
    let fields = &rec.fields;
    let mut errors = missing_fields(line, fields, separator);
    let name = required(line, fields, 0, name_of_file, &mut errors);
    let matricule = required(
        line,
        fields,
        1,
        |v| Matricule::parse_from(v, Source::File),
        &mut errors,
    );
    let identifiant = required(
        line,
        fields,
        2,
        |v| Identifiant::parse_from(v, Source::File),
        &mut errors,
    );
    let phones = keys(line, fields, cc, &mut errors);
    errors.sort_by_key(|e| e.column());
    match (name, matricule, identifiant) {
        (Some(name), Some(matricule), Some(identifiant)) if errors.is_empty() => Ok(AccountDraft {
            name,
            matricule,
            identifiant,
            enabled: true,
            billing: true,
            allowance_minutes: None,
            phones,
        }),
        _ => Err(errors),
    }
}

/// Why the line cannot be read as a user at all, if it cannot: too long, a header, too many
/// fields. Its fields are then not checked one by one.
fn unreadable(rec: &Record<'_>, first: bool) -> Option<String> {
    let fields = &rec.fields;
    if let Some(field) = rec.open_quote {
        return Some(super::reader::open_quote_reason(field));
    }
    if rec.too_long {
        return Some(format!(
            "la ligne dépasse {} Kio : ce n'est pas une ligne d'utilisateur",
            super::reader::MAX_RECORD_BYTES / 1024
        ));
    }
    if first && looks_like_header(fields) {
        return Some(format!(
            "la première ligne ressemble à une ligne d'en-tête (« {} ») : le fichier ne doit pas \
             avoir d'en-tête, supprimez cette ligne",
            shown(
                &fields
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ; ")
            )
        ));
    }
    if rec.field_count > MAX_FIELDS {
        return Some(format!(
            "la ligne contient {} champs ; {MAX_FIELDS} au maximum (nom, matricule, identifiant \
             et 10 numéros)",
            rec.field_count
        ));
    }
    None
}

/// An error for each required field the line stops before, with a hint when the line seems to
/// use another separator than the file.
fn missing_fields(line: u64, fields: &[&str], separator: u8) -> Vec<LineError> {
    if fields.len() >= MIN_FIELDS {
        return Vec::new();
    }
    let sep_name = match separator {
        b';' => "« ; »",
        b',' => "« , »",
        _ => "la tabulation",
    };
    let other = [b';', b',', b'\t']
        .into_iter()
        .find(|s| *s != separator && fields.iter().any(|f| f.as_bytes().contains(s)));
    let hint = if other.is_some() {
        format!(
            " ; le séparateur de ce fichier est {sep_name}, mais cette ligne semble en utiliser un autre"
        )
    } else {
        String::new()
    };
    (fields.len() + 1..=MIN_FIELDS)
        .map(|n| {
            LineError::at(
                line,
                Field::from_csv_number(n).expect("1..=3"),
                "",
                format!(
                    "champ obligatoire absent (la ligne n'a que {} champ{}){hint}",
                    fields.len(),
                    if fields.len() > 1 { "s" } else { "" }
                ),
            )
        })
        .collect()
}

/// A name read from a file. A quote left alone in it (`Trabelsi"`) is the end of a quoted name
/// that began lines before and was refused there (`"Amira` … `Trabelsi"`): imported, it would
/// give that person's matricule a piece of their name.
fn name_of_file(v: &str) -> Result<Name, FieldError> {
    if v.matches('"').count() % 2 == 1 {
        return Err(FieldError::new(
            Field::Name,
            format!(
                "le nom contient un guillemet « \" » seul : la ligne est sans doute la fin d'un \
                 nom entre guillemets commencé plus haut (reçu : « {} »)",
                shown(v)
            ),
        ));
    }
    Name::parse(v)
}

/// Required field `i` parsed, or `None` with its error kept. A field the line stops before has
/// its error from [`missing_fields`].
fn required<T>(
    line: u64,
    fields: &[&str],
    i: usize,
    parse: impl FnOnce(&str) -> Result<T, FieldError>,
    errors: &mut Vec<LineError>,
) -> Option<T> {
    let raw = fields.get(i)?;
    parse(raw)
        .map_err(|e| errors.push(field_error(line, e, raw)))
        .ok()
}

/// The ten keys, each optional; a number twice on the line is an error of its later key.
fn keys(
    line: u64,
    fields: &[&str],
    cc: &CountryCode,
    errors: &mut Vec<LineError>,
) -> [Option<Phone>; KEYS] {
    let get = |i: usize| fields.get(i).copied().unwrap_or("");
    let (phones, key_errors) = parse_keys((3..3 + KEYS).map(get), Source::File, cc);
    for e in key_errors {
        let Field::Phone(k) = e.field else { continue };
        errors.push(field_error(line, e, get(2 + k as usize)));
    }
    phones
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec<'a>(fields: &[&'a str]) -> Record<'a> {
        Record {
            line: 7,
            fields: fields.to_vec(),
            field_count: fields.len(),
            too_long: false,
            open_quote: None,
        }
    }

    fn parse(fields: &[&str]) -> Result<AccountDraft, Vec<LineError>> {
        parse_line(&rec(fields), false, b';', &CountryCode::default())
    }

    #[test]
    fn a_lone_quote_in_a_name_is_the_end_of_a_broken_quoted_name() {
        let e = parse(&["Trabelsi\"", "12345678901234", "1234567"]).unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(
            e[0].message
                .starts_with("le nom contient un guillemet « \" » seul"),
            "{}",
            e[0].message
        );
        // Quotes in pairs are a name's own (« Ali "Lotfi" Gharbi »).
        assert!(parse(&["Ali \"Lotfi\" Gharbi", "12345678901234", "1234567"]).is_ok());
    }

    #[test]
    fn three_fields_are_enough() {
        let d = parse(&["Amira Trabelsi", "10000000015838", "8580488"]).unwrap();
        assert!(d.phones.iter().all(|p| p.is_none()));
    }

    #[test]
    fn every_error_of_the_line_is_reported_with_its_field() {
        let errs = parse(&["", "123", "12", "abc"]).unwrap_err();
        let shown: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(errs.len(), 4, "{shown:?}");
        assert!(shown[0].starts_with("ligne 7, champ 1 (Nom utilisateur) : "));
        assert!(shown[1].starts_with("ligne 7, champ 2 (Matricule) : "));
        assert!(shown[2].starts_with("ligne 7, champ 3 (Identifiant) : "));
        assert!(shown[3].starts_with("ligne 7, champ 4 (N° téléphone touche 1) : "));
        assert_eq!(errs[1].value, "123");
    }

    #[test]
    fn missing_required_fields_are_named() {
        let errs = parse(&["Ali Ben Ali,10000000000000,1234567"]).unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].field, Some(Field::Matricule));
        assert!(errs[0].message.contains("autre"), "{}", errs[0].message);
    }

    #[test]
    fn fourteen_fields_are_too_many() {
        let mut f = vec!["Ali", "10000000000000", "1234567"];
        f.extend(std::iter::repeat_n("", 11));
        let errs = parse(&f).unwrap_err();
        assert_eq!(errs[0].field, None);
        assert!(errs[0].message.contains("14 champs"));
    }

    #[test]
    fn header_line_is_recognised_first_only() {
        let h = rec(&["Nom", "Matricule", "Identifiant"]);
        let errs = parse_line(&h, true, b';', &CountryCode::default()).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("en-tête"));
    }

    #[test]
    fn a_number_twice_on_one_line_is_refused() {
        let errs = parse(&[
            "Ali",
            "10000000000000",
            "1234567",
            "26630494",
            "0021626630494",
        ])
        .unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, Some(Field::Phone(2)));
        assert_eq!(errs[0].value, "0021626630494");
    }
}
