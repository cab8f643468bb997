//! The fields of an account as the administrator sees them: French label, CSV position, and the
//! error attached to one of them.

use serde::Serialize;
use std::fmt;

/// A field of the account form or of the import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    Matricule,
    Identifiant,
    /// Authorized number on key 1..=10.
    Phone(u8),
    AccountState,
    Billing,
    Allowance,
    Balance,
    Amount,
    Reason,
    Currency,
    CountryCode,
    BackupRetention,
    /// Longest call granted by the call-control service (minutes).
    MaxCall,
    /// Address and port of the call-control service.
    AgiAddress,
    /// The site's weekly calling hours.
    CallHours,
    /// Calls allowed a day (site default, per-account override).
    CallsPerDay,
    SuspensionEnd,
    SuspensionReason,
    ConfirmationThreshold,
    /// First and last day of a period (call history).
    PeriodStart,
    PeriodEnd,
    /// Column 1..=6 of the tariffs file.
    Tariff(u8),
    /// Column 1..=21 of an Asterisk call detail record.
    Cdr(u8),
}

/// Columns of the tariffs file, in order (SPEC §8).
pub const TARIFF_COLUMNS: [&str; 6] = [
    "prefixe",
    "libelle",
    "prix_minute",
    "bloc_initial_s",
    "bloc_s",
    "frais_connexion",
];

/// Columns of Asterisk's cdr_csv Master.csv, in order.
pub const CDR_COLUMNS: [&str; 21] = [
    "accountcode",
    "src",
    "dst",
    "dcontext",
    "clid",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "start",
    "answer",
    "end",
    "duration",
    "billsec",
    "disposition",
    "amaflags",
    "uniqueid",
    "userfield",
    "peeraccount",
    "linkedid",
    "sequence",
];

impl Field {
    /// Label shown in the window and in error messages (from the product page).
    pub fn label(self) -> String {
        self.names().0
    }

    /// Stable identifier used by the window to place an inline error under its input.
    pub fn key(self) -> String {
        self.names().1
    }

    /// The label and the key, side by side so that a field is named once.
    fn names(self) -> (String, String) {
        let both = |c: &'static str| (c, c);
        let (label, key) = match self {
            Field::Phone(k) => return (format!("N° téléphone touche {k}"), format!("touche{k}")),
            // A column of a file is named by its header, in the window as in the messages.
            Field::Tariff(n) => both(TARIFF_COLUMNS[(n as usize).clamp(1, 6) - 1]),
            Field::Cdr(n) => both(CDR_COLUMNS[(n as usize).clamp(1, 21) - 1]),
            Field::Name => ("Nom utilisateur", "nom"),
            Field::Matricule => ("Matricule", "matricule"),
            Field::Identifiant => ("Identifiant", "identifiant"),
            Field::AccountState => ("Etat du compte", "etat_compte"),
            Field::Billing => ("Activation calcul billing", "billing"),
            Field::Allowance => ("Durée d'appel (minutes)", "duree_appel"),
            Field::Balance => ("Solde", "solde"),
            Field::Amount => ("Montant", "montant"),
            Field::Reason => ("Motif", "motif"),
            Field::Currency => ("Devise", "devise"),
            Field::CountryCode => ("Indicatif du pays", "indicatif"),
            Field::BackupRetention => ("Conservation des sauvegardes (jours)", "retention"),
            Field::MaxCall => ("Durée maximale d'un appel (minutes)", "duree_max_appel"),
            Field::AgiAddress => ("Adresse du service de contrôle d'appel", "adresse_service"),
            Field::CallHours => ("Horaires d'appel", "horaires"),
            Field::CallsPerDay => ("Appels par jour", "appels_par_jour"),
            Field::SuspensionEnd => ("Suspendu jusqu'au", "suspendu_jusqu_au"),
            Field::SuspensionReason => ("Motif de la suspension", "motif_suspension"),
            Field::ConfirmationThreshold => {
                ("Confirmer les mouvements au-delà de", "seuil_confirmation")
            }
            Field::PeriodStart => ("Du", "depuis"),
            Field::PeriodEnd => ("Au", "jusqua"),
        };
        (label.into(), key.into())
    }

    /// Position of the field in the header-less import format (1-based), if it has one.
    pub fn csv_number(self) -> Option<usize> {
        match self {
            Field::Name => Some(1),
            Field::Matricule => Some(2),
            Field::Identifiant => Some(3),
            Field::Phone(k) => Some(3 + k as usize),
            Field::Tariff(n) | Field::Cdr(n) => Some(n as usize),
            _ => None,
        }
    }

    /// Field at a 1-based CSV position.
    pub fn from_csv_number(n: usize) -> Option<Field> {
        match n {
            1 => Some(Field::Name),
            2 => Some(Field::Matricule),
            3 => Some(Field::Identifiant),
            4..=13 => Some(Field::Phone((n - 3) as u8)),
            _ => None,
        }
    }
}

/// Characters a reason (of a movement, of a suspension) may have.
pub const REASON_MAX: usize = 200;

/// The error of a reason longer than [`REASON_MAX`] characters, under `field`.
pub fn too_long_reason(field: Field, reason: &str) -> Option<FieldError> {
    (reason.chars().count() > REASON_MAX).then(|| {
        FieldError::new(
            field,
            format!("le motif est trop long ({REASON_MAX} caractères au maximum)"),
        )
    })
}

/// What is wrong with one field. The message starts in lower case so that it reads well after
/// `ligne 12, champ 2 (Matricule) : `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

impl FieldError {
    pub fn new(field: Field, message: impl Into<String>) -> Self {
        FieldError {
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} : {}", self.field.label(), self.message)
    }
}

impl Serialize for FieldError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("FieldError", 3)?;
        st.serialize_field("champ", &self.field.key())?;
        st.serialize_field("libelle", &self.field.label())?;
        st.serialize_field("message", &self.message)?;
        st.end()
    }
}

/// Value quoted in a message: trimmed to a readable length and with control characters made
/// visible, so that a broken cell never garbles the terminal or the window.
pub fn shown(value: &str) -> String {
    shown_within(value, 40)
}

/// [`shown`] cut after `max` characters: the call-control service quotes whole protocol lines
/// in its log, longer than a cell.
pub fn shown_within(value: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_numbers_map_both_ways() {
        for n in 1..=13 {
            assert_eq!(Field::from_csv_number(n).unwrap().csv_number(), Some(n));
        }
        assert_eq!(Field::from_csv_number(14), None);
        assert_eq!(Field::Phone(10).label(), "N° téléphone touche 10");
    }

    #[test]
    fn shown_value_is_bounded_and_control_free() {
        assert_eq!(shown("a\u{7}b"), "a\\u{7}b");
        assert_eq!(shown(&"x".repeat(100)).chars().count(), 41);
    }
}
