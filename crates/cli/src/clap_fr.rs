//! clap's own messages are English; these are the French ones the person reads instead.

use clap::error::{ContextKind, ContextValue, ErrorKind};

fn ctx(e: &clap::Error, k: ContextKind) -> String {
    match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// Why a value was refused. clap's own number parsers explain in English: their reasons are
/// said again in French; the value parsers of this program already answer in French.
fn detail(e: &clap::Error) -> String {
    use std::num::IntErrorKind;
    let source = std::error::Error::source(e);
    if let Some(p) = source.and_then(|s| s.downcast_ref::<std::num::ParseIntError>()) {
        return match p.kind() {
            IntErrorKind::PosOverflow => "nombre trop grand".into(),
            IntErrorKind::NegOverflow => "nombre trop petit".into(),
            _ => "nombre entier attendu".into(),
        };
    }
    let text = source.map(|s| s.to_string()).unwrap_or_default();
    match text.split_once(" is not in ") {
        Some((_, bounds)) => match bounds.split_once("..=") {
            Some((lo, hi)) => format!("hors des limites permises (de {lo} à {hi})"),
            None => "hors des limites permises".into(),
        },
        None => text,
    }
}

/// The French sentence for a command-line error.
pub fn message(e: &clap::Error) -> String {
    let arg = ctx(e, ContextKind::InvalidArg);
    let val = ctx(e, ContextKind::InvalidValue);
    match e.kind() {
        ErrorKind::UnknownArgument => format!("argument inconnu : {arg}"),
        ErrorKind::InvalidSubcommand => {
            let sub = ctx(e, ContextKind::InvalidSubcommand);
            let hint = ctx(e, ContextKind::SuggestedSubcommand);
            if hint.is_empty() {
                format!("commande inconnue : {sub}")
            } else {
                format!("commande inconnue : {sub} (vouliez-vous dire « {hint} » ?)")
            }
        }
        ErrorKind::MissingRequiredArgument => {
            format!("argument obligatoire manquant : {arg}")
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "commande manquante".into()
        }
        ErrorKind::InvalidValue => {
            let valid = ctx(e, ContextKind::ValidValue);
            if val.is_empty() {
                format!("valeur manquante pour {arg}")
            } else if valid.is_empty() {
                format!("valeur « {val} » invalide pour {arg}")
            } else {
                format!("valeur « {val} » invalide pour {arg} (valeurs possibles : {valid})")
            }
        }
        ErrorKind::ValueValidation => {
            format!("valeur « {val} » invalide pour {arg} : {}", detail(e))
        }
        ErrorKind::ArgumentConflict => match ctx(e, ContextKind::PriorArg) {
            prior if prior.is_empty() => format!("options incompatibles : {arg}"),
            prior => format!("options incompatibles : {arg} et {prior}"),
        },
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("trop de valeurs : « {val} » (mettez le texte entre guillemets s'il contient des espaces)")
        }
        ErrorKind::NoEquals => format!("{arg} attend une valeur"),
        ErrorKind::InvalidUtf8 => "argument qui n'est pas du texte UTF-8 valide".into(),
        _ => "ligne de commande invalide".into(),
    }
}
