//! One error type for the whole core. Its `Display` is the French sentence shown to the person;
//! the window and the command line never see a Rust debug string. Each kind has a stable
//! [`Code`] the window branches on, and a failure of the environment keeps the error that caused
//! it as its `source()`, for the log.

use crate::domain::field::FieldError;
use std::path::Path;

/// What caused a failure: kept for the log, never shown to the person.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

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
    #[error("La base de données est occupée par un autre programme ; réessayez dans un instant (aucune modification n'a été perdue).")]
    Busy,
    /// Long work stopped at the person's request, before anything was kept.
    #[error("Opération annulée : rien n'a été enregistré.")]
    Cancelled,
    /// The database failed; `source` is SQLite's own error when there is one.
    #[error("{message}")]
    Database {
        message: String,
        #[source]
        source: Option<Cause>,
    },
    /// A file could not be read or written; `source` is the system's error when there is one.
    #[error("{message}")]
    Io {
        message: String,
        #[source]
        source: Option<Cause>,
    },
}

/// Declares the error codes once: the enum, `Code::ALL` and each code's text.
macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $text:literal,)*) => {
        /// The kind of an [`Error`], as the window receives it (`code`). The texts are a contract
        /// with the page: never rename one.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }
        }
    };
}

codes! {
    /// [`Error::Fields`]: `champs` says which fields and why.
    ChampsInvalides = "champs_invalides",
    /// [`Error::Rejected`].
    Refuse = "refuse",
    /// [`Error::NotFound`].
    Introuvable = "introuvable",
    /// [`Error::Busy`]: worth trying again in a moment.
    BaseOccupee = "base_occupee",
    /// [`Error::Database`].
    Base = "base",
    /// [`Error::Io`].
    Fichier = "fichier",
    /// [`Error::Cancelled`]: the person asked; said calmly, not as a failure.
    Annule = "annule",
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// True when the person's input was refused or the person stopped the work (exit status 1,
    /// a warning in the log), false for an environment failure (exit status 2).
    pub fn is_rejection(&self) -> bool {
        matches!(
            self,
            Error::Fields(_) | Error::Rejected(_) | Error::NotFound(_) | Error::Cancelled
        )
    }

    /// The stable code of this error's kind.
    pub fn code(&self) -> Code {
        match self {
            Error::Fields(_) => Code::ChampsInvalides,
            Error::Rejected(_) => Code::Refuse,
            Error::NotFound(_) => Code::Introuvable,
            Error::Busy => Code::BaseOccupee,
            Error::Database { .. } => Code::Base,
            Error::Io { .. } => Code::Fichier,
            Error::Cancelled => Code::Annule,
        }
    }

    /// A file being written failed half-way (`what`: « l'export », « l'historique »): the disk
    /// is full, the folder was removed.
    pub fn writing<E>(what: &str, e: E) -> Error
    where
        E: std::fmt::Display + Into<Cause> + 'static,
    {
        let any = &e as &dyn std::any::Any;
        let io = any.downcast_ref::<std::io::Error>().or_else(|| {
            match any.downcast_ref::<csv::Error>()?.kind() {
                csv::ErrorKind::Io(e) => Some(e),
                _ => None,
            }
        });
        let why = match io.map(std::io::Error::kind) {
            Some(std::io::ErrorKind::StorageFull) => "le disque est plein".to_string(),
            Some(std::io::ErrorKind::PermissionDenied) => "accès refusé".to_string(),
            Some(std::io::ErrorKind::ReadOnlyFilesystem) => {
                "le support est en lecture seule".to_string()
            }
            _ => e.to_string(),
        };
        Error::file(format!("Écriture de {what} impossible : {why}.")).because(e)
    }

    /// No account has the internal id `id` (deleted meanwhile by another desk, say).
    pub fn no_account(id: i64) -> Error {
        Error::NotFound(format!("l'identifiant interne {id}"))
    }

    pub fn field(e: FieldError) -> Error {
        Error::Fields(vec![e])
    }

    /// A database failure told by `message`, without an underlying error (see [`Self::because`]).
    pub fn database(message: impl Into<String>) -> Error {
        Error::Database {
            message: message.into(),
            source: None,
        }
    }

    /// A file failure told by `message`, without an underlying error (see [`Self::because`]).
    pub fn file(message: impl Into<String>) -> Error {
        Error::Io {
            message: message.into(),
            source: None,
        }
    }

    /// Keeps `cause` as the source of a database or file failure (other kinds are refusals of
    /// the person's input and have none).
    pub fn because(mut self, cause: impl Into<Cause>) -> Error {
        if let Error::Database { source, .. } | Error::Io { source, .. } = &mut self {
            *source = Some(cause.into());
        }
        self
    }

    /// The chain of causes under the message, for the log: `cause : its cause : …`.
    pub fn causes(&self) -> String {
        let mut chain = Vec::new();
        let mut next = std::error::Error::source(self);
        while let Some(e) = next {
            chain.push(e.to_string());
            next = e.source();
        }
        chain.join(" : ")
    }

    /// True when SQLite found the database file damaged.
    pub fn is_corrupt(&self) -> bool {
        let Error::Database {
            source: Some(cause),
            ..
        } = self
        else {
            return false;
        };
        cause
            .downcast_ref::<rusqlite::Error>()
            .and_then(rusqlite::Error::sqlite_error_code)
            == Some(rusqlite::ErrorCode::DatabaseCorrupt)
    }

    /// An I/O failure on a named file, in French; the system's error is kept as the source.
    pub fn io(path: &Path, e: std::io::Error) -> Error {
        use std::io::ErrorKind::*;
        let p = path.display();
        Error::file(match e.kind() {
            NotFound => format!("Fichier introuvable : {p}."),
            PermissionDenied => format!("Accès refusé au fichier {p} : vérifiez les droits."),
            AlreadyExists => format!("Le fichier {p} existe déjà."),
            IsADirectory => format!("{p} est un dossier, pas un fichier."),
            StorageFull => format!("Le disque est plein : impossible d'écrire {p}."),
            ReadOnlyFilesystem => format!("Le support de {p} est en lecture seule."),
            _ => format!("Erreur de lecture ou d'écriture sur {p} ({e})."),
        })
        .because(e)
    }
}

fn join_fields(errs: &[FieldError]) -> String {
    let parts: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    parts.join(" ; ")
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::*;
        let message = match e.sqlite_error_code() {
            Some(DatabaseBusy | DatabaseLocked) => return Error::Busy,
            Some(NotADatabase) => "Ce fichier n'est pas une base de données Forfaits (SQLite).".into(),
            Some(DatabaseCorrupt) => {
                "La base de données est endommagée : restaurez la dernière sauvegarde.".into()
            }
            Some(DiskFull) => "Le disque est plein : la modification n'a pas été enregistrée.".into(),
            Some(ReadOnly) => {
                "La base de données est en lecture seule : la modification n'a pas été enregistrée."
                    .into()
            }
            Some(CannotOpen) => {
                "Impossible d'ouvrir la base de données : vérifiez le chemin et les droits du dossier."
                    .into()
            }
            Some(SystemIoFailure) => {
                "Erreur d'entrée-sortie sur la base de données (disque ou droits).".into()
            }
            _ => format!(
                "Erreur interne de la base de données ({e}) ; aucune modification partielle n'a été enregistrée."
            ),
        };
        Error::database(message).because(e)
    }
}

impl From<rusqlite::types::FromSqlError> for Error {
    fn from(e: rusqlite::types::FromSqlError) -> Self {
        unexpected_data(e)
    }
}

/// A value the schema does not allow: the base was changed by hand, or is damaged.
fn unexpected_data<E>(e: E) -> Error
where
    E: std::fmt::Display + Into<Cause>,
{
    Error::database(format!(
        "Donnée inattendue dans la base ({e}) : lancez « forfaits check »."
    ))
    .because(e)
}

/// A row read by column name (`serde_rusqlite`): SQLite's own errors keep their meaning, a
/// column missing or of another type is unexpected data, like a [`FromSqlError`].
///
/// [`FromSqlError`]: rusqlite::types::FromSqlError
impl From<serde_rusqlite::Error> for Error {
    fn from(e: serde_rusqlite::Error) -> Self {
        match e {
            serde_rusqlite::Error::Rusqlite(e) => e.into(),
            e => unexpected_data(e),
        }
    }
}

/// Errors reach the window as `{code, message, champs}`: the code of their kind, their French
/// sentence, and the field details when there are any. The causes stay out (they go to the log).
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Error", 3)?;
        st.serialize_field("code", self.code().as_str())?;
        st.serialize_field("message", &self.to_string())?;
        let fields: &[FieldError] = match self {
            Error::Fields(f) => f,
            _ => &[],
        };
        st.serialize_field("champs", fields)?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A full disk during an export is said in French, whichever writer met it.
    #[test]
    fn a_write_failing_on_a_full_disk_says_so_in_french() {
        let full = || std::io::Error::from_raw_os_error(28);
        for e in [
            Error::writing("l'export", full()),
            Error::writing("l'historique", csv::Error::from(full())),
        ] {
            let text = e.to_string();
            assert!(
                text.ends_with("impossible : le disque est plein."),
                "{text}"
            );
            assert!(!text.contains("space"), "{text}");
            assert!(
                e.causes().contains("os error 28"),
                "the cause is kept for the log"
            );
        }
    }

    /// The page branches on these texts: changing one breaks it. Add, never rename.
    const PUBLISHED: [&str; 7] = [
        "champs_invalides",
        "refuse",
        "introuvable",
        "base_occupee",
        "base",
        "fichier",
        "annule",
    ];

    #[test]
    fn codes_are_stable_unique_snake_case_and_apart_from_the_call_refusals() {
        let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes, PUBLISHED);
        let mut seen = std::collections::HashSet::new();
        for c in &codes {
            assert!(seen.insert(*c), "{c} twice");
            assert!(
                !c.is_empty() && c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'),
                "{c}"
            );
        }
        // The call-control service answers with its own codes (and `ok`): one vocabulary.
        for r in crate::control::Refusal::ALL {
            assert!(!codes.contains(&r.code()), "{} is also a refusal", r.code());
        }
        assert!(!codes.contains(&"ok"));
    }

    #[test]
    fn each_kind_has_its_code_and_reaches_the_page_as_code_message_champs() {
        let cases = [
            (Error::Fields(vec![]), "champs_invalides"),
            (Error::Rejected("non".into()), "refuse"),
            (Error::NotFound("7".into()), "introuvable"),
            (Error::Busy, "base_occupee"),
            (Error::database("cassée"), "base"),
            (Error::file("illisible"), "fichier"),
            (Error::Cancelled, "annule"),
        ];
        for (e, code) in cases {
            assert_eq!(e.code().as_str(), code);
            let v = serde_json::to_value(&e).unwrap();
            assert_eq!(v["code"], code);
            assert_eq!(v["message"], e.to_string());
            assert!(v["champs"].is_array());
            assert_eq!(v.as_object().unwrap().len(), 3, "{v}");
        }
    }

    #[test]
    fn a_failure_keeps_its_cause_for_the_log_and_shows_only_french() {
        let path = Path::new("/nulle/part.csv");
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
        let e = Error::io(path, io);
        assert_eq!(e.to_string(), "Fichier introuvable : /nulle/part.csv.");
        assert_eq!(e.causes(), "No such file or directory");
        let v = serde_json::to_value(&e).unwrap();
        assert!(!v.to_string().contains("No such file"), "{v}");

        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let e = Error::from(conn.execute("SELECT * FROM absente", []).unwrap_err());
        assert_eq!(e.code(), Code::Base);
        assert!(
            e.causes().contains("no such table: absente"),
            "{}",
            e.causes()
        );
        assert!(!e.is_corrupt());
        let damaged = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
            None,
        );
        let e = Error::from(damaged);
        assert!(e.is_corrupt());
        assert!(e.to_string().contains("endommagée"), "{e}");
        // A refusal has no cause to keep.
        assert_eq!(Error::Rejected("non".into()).because(e).causes(), "");
    }
}
