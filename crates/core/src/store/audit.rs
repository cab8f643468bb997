//! Audit log (Journal): who did what, when, to whom.

use super::shared::in_period;
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

/// A page of the Journal, newest first, in one text for both stores: `$1` the words searched
/// (`%…%`), `$2`..`$3` the period, `$4` and `$5` the page. `lower` on both sides, so that
/// PostgreSQL's LIKE ignores case as SQLite's does (for ASCII letters there; for every letter
/// on a site).
pub(crate) const AUDIT_PAGE: &str = concat!(
    "SELECT id, at AS date, operator AS operateur, action, matricule, name AS nom, details
     FROM audit
     WHERE ($1 = '%%' OR lower(action) LIKE lower($1)
            OR lower(coalesce(matricule, '')) LIKE lower($1)
            OR lower(coalesce(name, '')) LIKE lower($1) OR lower(details) LIKE lower($1)
            OR lower(operator) LIKE lower($1))
       AND ",
    in_period!("at"),
    " ORDER BY id DESC LIMIT $4 OFFSET $5"
);

impl AuditFilter {
    /// The words searched, as `LIKE` reads them (their own `%` and `_` taken out).
    pub(crate) fn pattern(&self) -> String {
        format!("%{}%", self.texte.trim().replace(['%', '_'], ""))
    }

    /// The page asked: 200 lines by default, 5,000 at most.
    pub(crate) fn page(&self) -> (i64, i64) {
        let limit = self.limite.unwrap_or(200).min(5000);
        (i64::from(limit), i64::from(self.decalage.unwrap_or(0)))
    }
}

impl Store {
    /// Newest first.
    pub fn audit_entries(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let (limit, offset) = f.page();
        let mut stmt = self.conn.prepare(&super::sqlite(AUDIT_PAGE))?;
        rows::all(
            &mut stmt,
            params![f.pattern(), f.depuis, f.jusqua, limit, offset],
        )
    }
}
