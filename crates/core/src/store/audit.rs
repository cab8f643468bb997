//! Audit log (Journal): who did what, when, to whom.

use super::{rows, Store};
use crate::domain::{Account, AccountDraft};
use crate::error::Result;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub date: i64,
    pub operateur: String,
    pub action: String,
    pub matricule: Option<String>,
    pub nom: Option<String>,
    pub details: String,
}

/// The person an entry is about, when there is one.
pub struct Subject<'a> {
    pub matricule: &'a str,
    pub name: &'a str,
}

impl<'a> From<&'a Account> for Subject<'a> {
    fn from(a: &'a Account) -> Self {
        Subject {
            matricule: &a.matricule,
            name: &a.name,
        }
    }
}

impl<'a> From<&'a AccountDraft> for Subject<'a> {
    fn from(d: &'a AccountDraft) -> Self {
        Subject {
            matricule: d.matricule.as_str(),
            name: d.name.as_str(),
        }
    }
}

/// A file as the Journal names it: its name, without the folders it sits in.
pub(crate) fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The Journal's line of a change: its action and details.
pub struct JournalLine<'a> {
    pub action: &'a str,
    pub details: &'a str,
}

impl super::Store {
    pub(crate) fn journal_export(&self, a: Option<&Account>, j: JournalLine) -> Result<()> {
        let subject = a.map(Subject::from);
        record(&self.conn, self.operator(), j.action, subject, j.details)
    }
}

pub(crate) fn record(
    conn: &Connection,
    operator: &str,
    action: &str,
    subject: Option<Subject<'_>>,
    details: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit (at, operator, action, matricule, name, details)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        super::now(),
        operator,
        action,
        subject.as_ref().map(|s| s.matricule),
        subject.as_ref().map(|s| s.name),
        details
    ])?;
    Ok(())
}

/// Filter of the Journal screen; every part optional.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AuditFilter {
    #[serde(default)]
    pub texte: String,
    pub depuis: Option<i64>,
    pub jusqua: Option<i64>,
    #[serde(default)]
    pub limite: Option<u32>,
    #[serde(default)]
    pub decalage: Option<u32>,
}

impl Store {
    /// Newest first.
    pub fn audit_entries(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let like = format!("%{}%", f.texte.trim().replace(['%', '_'], ""));
        let mut stmt = self.conn.prepare(
            "SELECT id, at AS date, operator AS operateur, action, matricule, name AS nom, details
             FROM audit
             WHERE (?1 = '%%' OR action LIKE ?1 OR ifnull(matricule, '') LIKE ?1
                    OR ifnull(name, '') LIKE ?1 OR details LIKE ?1 OR operator LIKE ?1)
               AND (?2 IS NULL OR at >= ?2) AND (?3 IS NULL OR at < ?3)
             ORDER BY id DESC LIMIT ?4 OFFSET ?5",
        )?;
        rows::all(
            &mut stmt,
            params![
                like,
                f.depuis,
                f.jusqua,
                f.limite.unwrap_or(200).min(5000),
                f.decalage.unwrap_or(0)
            ],
        )
    }
}
