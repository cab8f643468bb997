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
        match self {
            Field::Name => "Nom utilisateur".into(),
            Field::Matricule => "Matricule".into(),
            Field::Identifiant => "Identifiant".into(),
            Field::Phone(k) => format!("N° téléphone touche {k}"),
            Field::AccountState => "Etat du compte".into(),
            Field::Billing => "Activation calcul billing".into(),
            Field::Allowance => "Durée d'appel (minutes)".into(),
            Field::Balance => "Solde".into(),
            Field::Amount => "Montant".into(),
            Field::Reason => "Motif".into(),
            Field::Currency => "Devise".into(),
            Field::CountryCode => "Indicatif du pays".into(),
            Field::BackupRetention => "Conservation des sauvegardes (jours)".into(),
            Field::MaxCall => "Durée maximale d'un appel (minutes)".into(),
            Field::AgiAddress => "Adresse du service de contrôle d'appel".into(),
            Field::CallHours => "Horaires d'appel".into(),
            Field::CallsPerDay => "Appels par jour".into(),
            Field::SuspensionEnd => "Suspendu jusqu'au".into(),
            Field::SuspensionReason => "Motif de la suspension".into(),
            Field::ConfirmationThreshold => "Confirmer les mouvements au-delà de".into(),
            Field::PeriodStart => "Du".into(),
            Field::PeriodEnd => "Au".into(),
            Field::Tariff(n) => TARIFF_COLUMNS[(n as usize).clamp(1, 6) - 1].into(),
            Field::Cdr(n) => CDR_COLUMNS[(n as usize).clamp(1, 21) - 1].into(),
        }
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

    /// Stable identifier used by the window to place an inline error under its input.
    pub fn key(self) -> String {
        match self {
            Field::Name => "nom".into(),
            Field::Matricule => "matricule".into(),
            Field::Identifiant => "identifiant".into(),
            Field::Phone(k) => format!("touche{k}"),
            Field::AccountState => "etat_compte".into(),
            Field::Billing => "billing".into(),
            Field::Allowance => "duree_appel".into(),
            Field::Balance => "solde".into(),
            Field::Amount => "montant".into(),
            Field::Reason => "motif".into(),
            Field::Currency => "devise".into(),
            Field::CountryCode => "indicatif".into(),
            Field::BackupRetention => "retention".into(),
            Field::MaxCall => "duree_max_appel".into(),
            Field::AgiAddress => "adresse_service".into(),
            Field::CallHours => "horaires".into(),
            Field::CallsPerDay => "appels_par_jour".into(),
            Field::SuspensionEnd => "suspendu_jusqu_au".into(),
            Field::SuspensionReason => "motif_suspension".into(),
            Field::ConfirmationThreshold => "seuil_confirmation".into(),
            Field::PeriodStart => "depuis".into(),
            Field::PeriodEnd => "jusqua".into(),
            Field::Tariff(n) => TARIFF_COLUMNS[(n as usize).clamp(1, 6) - 1].into(),
            Field::Cdr(n) => CDR_COLUMNS[(n as usize).clamp(1, 21) - 1].into(),
        }
    }
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
