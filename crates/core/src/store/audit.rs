//! Audit log (Journal): who did what, when, to whom.

use super::shared::{in_period, Get, Row};
use super::Store;
use crate::domain::{Account, AccountDraft};
use crate::error::Result;
use rusqlite::{params, Connection};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub date: i64,
    pub operateur: String,
    pub action: String,
    /// The page reads its `matricule` and `nom` beside the other fields (absent: none).
    #[serde(flatten)]
    pub sujet: Option<AuditSubject>,
    pub details: String,
}

/// The account a line is about, as the line named it when it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditSubject {
    pub matricule: String,
    pub nom: String,
}

/// A row of [`AUDIT_PAGE`], on either store. Forfaits names an account by both columns (see
/// [`Subject`]); a line written by other hands with one of them keeps it.
impl Row for AuditEntry {
    fn read<G: Get>(r: &G) -> std::result::Result<Self, G::Error> {
        type Named = Option<String>;
        type Columns = (i64, i64, String, String, Named, Named, String);
        let (id, date, operateur, action, matricule, nom, details) = Columns::read(r)?;
        let sujet = match (matricule, nom) {
            (None, None) => None,
            (matricule, nom) => Some(AuditSubject {
                matricule: matricule.unwrap_or_default(),
                nom: nom.unwrap_or_default(),
            }),
        };
        Ok(AuditEntry {
            id,
            date,
            operateur,
            action,
            sujet,
            details,
        })
    }
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
        // A base that cannot be written (a backup on read-only media) cannot keep the line; an
        // export only reads it.
        if self.is_read_only() {
            return Ok(());
        }
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
    let matricule = subject.as_ref().map(|s| s.matricule);
    let name = subject.as_ref().map(|s| s.name);
    conn.prepare_cached(
        "INSERT INTO audit (at, operator, action, matricule, name, details, search)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        super::now(),
        operator,
        action,
        matricule,
        name,
        details,
        search_text(action, matricule, name, details, operator)
    ])?;
    Ok(())
}

/// What the Journal's search looks in: the line's texts, one a line, folded as names are
/// (`text::fold`: « helene » finds « Hélène »). A site's server computes the same text in its
/// generated column (`site::fold`); a test holds the two alike.
pub fn search_text(
    action: &str,
    matricule: Option<&str>,
    name: Option<&str>,
    details: &str,
    operator: &str,
) -> String {
    let parts = [Some(action), matricule, name, Some(details), Some(operator)];
    crate::text::fold(&parts.into_iter().flatten().collect::<Vec<_>>().join("\n"))
}

/// Fills the search text of the lines written before it was kept (schema 8).
pub(crate) fn fill_search(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    let mut read =
        tx.prepare("SELECT id, action, matricule, name, details, operator FROM audit")?;
    let mut write = tx.prepare("UPDATE audit SET search = ?2 WHERE id = ?1")?;
    let mut rows = read.query([])?;
    while let Some(r) = rows.next()? {
        let (matricule, name): (Option<String>, Option<String>) = (r.get(2)?, r.get(3)?);
        let text = search_text(
            &r.get::<_, String>(1)?,
            matricule.as_deref(),
            name.as_deref(),
            &r.get::<_, String>(4)?,
            &r.get::<_, String>(5)?,
        );
        write.execute(params![r.get::<_, i64>(0)?, text])?;
    }
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
    /// The last line shown: the page goes on below it (`None`: the newest lines).
    #[serde(default)]
    pub apres: Option<i64>,
}

/// A page of the Journal, newest first, in one text for both stores: `$1` the words searched,
/// folded (`%…%`), `$2`..`$3` the period, `$4` the page's size, `$5` the last line shown.
pub(crate) const AUDIT_PAGE: &str = concat!(
    "SELECT id, at AS date, operator AS operateur, action, matricule, name AS nom, details
     FROM audit
     WHERE ($1 = '%%' OR search LIKE $1 ESCAPE '\\') AND id < coalesce($5, 9223372036854775807)
       AND ",
    in_period!("at"),
    " ORDER BY id DESC LIMIT $4"
);

impl AuditFilter {
    /// The words searched, folded as the lines' search text is, as `LIKE` reads them: their
    /// own `%`, `_` and `\` found as typed, on both stores (PostgreSQL's LIKE escapes with `\`
    /// by default, SQLite's with nothing).
    pub(crate) fn pattern(&self) -> String {
        let mut like = String::from("%");
        for c in crate::text::fold(self.texte.trim()).chars() {
            if matches!(c, '%' | '_' | '\\') {
                like.push('\\');
            }
            like.push(c);
        }
        like + "%"
    }

    /// The page's size: 200 lines by default, 5,000 at most.
    pub(crate) fn limit(&self) -> i64 {
        i64::from(self.limite.unwrap_or(200).min(5000))
    }
}

impl Store {
    /// Newest first.
    pub fn audit_entries(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare(&super::sqlite(AUDIT_PAGE))?;
        let p = params![f.pattern(), f.depuis, f.jusqua, f.limit(), f.apres];
        let lines = stmt.query_map(p, |r| AuditEntry::read(r))?;
        Ok(lines.collect::<rusqlite::Result<_>>()?)
    }
}
