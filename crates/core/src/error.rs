//! One error type for the whole core. Its `Display` is the French sentence shown to the person;
//! the window and the command line never see a Rust debug string.

use crate::domain::field::FieldError;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input refused: one or more fields are wrong (shown inline in the form).
    #[error("{}", join_fields(.0))]
    Fields(Vec<FieldError>),
    /// Input refused for a reason not tied to one field.
    #[error("{0}")]
    Rejected(String),
    #[error("Aucun compte ne correspond {}.", crate::fr::a(.0))]
    NotFound(String),
    #[error("La base de données est occupée par un autre programme Forfaits ; réessayez dans un instant (aucune modification n'a été perdue).")]
    Busy,
    #[error("{0}")]
    Database(String),
    #[error("{0}")]
    Io(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// True when the person's input was refused (exit status 1), false for an environment
    /// failure (exit status 2).
    pub fn is_rejection(&self) -> bool {
        matches!(
            self,
            Error::Fields(_) | Error::Rejected(_) | Error::NotFound(_)
        )
    }

    pub fn field(e: FieldError) -> Error {
        Error::Fields(vec![e])
    }

    /// An I/O failure on a named file, in French.
    pub fn io(path: &Path, e: &std::io::Error) -> Error {
        use std::io::ErrorKind::*;
        let p = path.display();
        Error::Io(match e.kind() {
            NotFound => format!("Fichier introuvable : {p}."),
            PermissionDenied => format!("Accès refusé au fichier {p} : vérifiez les droits."),
            AlreadyExists => format!("Le fichier {p} existe déjà."),
            IsADirectory => format!("{p} est un dossier, pas un fichier."),
            StorageFull => format!("Le disque est plein : impossible d'écrire {p}."),
            ReadOnlyFilesystem => format!("Le support de {p} est en lecture seule."),
            _ => format!("Erreur de lecture ou d'écriture sur {p} ({e})."),
        })
    }
}

fn join_fields(errs: &[FieldError]) -> String {
    let parts: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    parts.join(" ; ")
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::*;
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            return match f.code {
                DatabaseBusy | DatabaseLocked => Error::Busy,
                NotADatabase => Error::Database(
                    "Ce fichier n'est pas une base de données Forfaits (SQLite).".into(),
                ),
                DatabaseCorrupt => Error::Database(
                    "La base de données est endommagée : restaurez la dernière sauvegarde.".into(),
                ),
                DiskFull => Error::Database(
                    "Le disque est plein : la modification n'a pas été enregistrée.".into(),
                ),
                ReadOnly => Error::Database(
                    "La base de données est en lecture seule : la modification n'a pas été enregistrée."
                        .into(),
                ),
                CannotOpen => Error::Database(
                    "Impossible d'ouvrir la base de données : vérifiez le chemin et les droits du dossier."
                        .into(),
                ),
                SystemIoFailure => Error::Database(
                    "Erreur d'entrée-sortie sur la base de données (disque ou droits).".into(),
                ),
                _ => Error::Database(format!(
                    "Erreur interne de la base de données ({e}) ; aucune modification partielle n'a été enregistrée."
                )),
            };
        }
        Error::Database(format!(
            "Erreur interne de la base de données ({e}) ; aucune modification partielle n'a été enregistrée."
        ))
    }
}

impl From<rusqlite::types::FromSqlError> for Error {
    fn from(e: rusqlite::types::FromSqlError) -> Self {
        Error::Database(format!(
            "Donnée inattendue dans la base ({e}) : lancez « forfaits check »."
        ))
    }
}

/// Errors reach the window as their French sentence, plus the field details when there are any.
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Error", 2)?;
        st.serialize_field("message", &self.to_string())?;
        let fields: &[FieldError] = match self {
            Error::Fields(f) => f,
            _ => &[],
        };
        st.serialize_field("champs", fields)?;
        st.end()
    }
}
