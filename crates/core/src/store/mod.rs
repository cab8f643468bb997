//! The store: one SQLite file, opened with WAL, foreign keys and a busy timeout, its schema
//! brought up to date by migrations. Everything that reads or writes the database goes through
//! here, so that a shared server database can later stand behind the same boundary.

pub mod accounts;
pub mod audit;
pub mod backup;
pub mod check;
pub mod columns;
pub mod folders;
pub mod ledger;
mod ranks;
pub(crate) mod rows;
pub mod settings;
pub(crate) mod shared;
pub(crate) mod tables;

use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use rusqlite_migration::{Migrations, M};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

pub use ranks::{PreparedRanks, RanksState};
pub use settings::Settings;

/// `PRAGMA application_id` of a Forfaits database ("FORF"), so that another SQLite file is
/// recognised and refused instead of being altered.
pub const APPLICATION_ID: i32 = 0x464F_5246;

/// Waits this long for another writer before giving up with `Error::Busy`.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) use shared::{sqlite, Sql};

fn migrations() -> Migrations<'static> {
    Migrations::new(migration_list())
}

/// Schemas 1 to 5 as written, the tables the site shares named `{tables/….sql}`.
const SQLITE_TEMPLATES: [&str; 5] = [
    include_str!("schema_v1.sql"),
    include_str!("schema_v2.sql"),
    include_str!("schema_v3.sql"),
    include_str!("schema_v4.sql"),
    include_str!("schema_v5.sql"),
];

/// Schemas 1 to 5 as SQLite runs them, the shared tables written in (`tables.rs`): to the byte
/// the texts they always were, which databases keep in `sqlite_master`.
static SQLITE_SCRIPTS: LazyLock<[String; 5]> =
    LazyLock::new(|| SQLITE_TEMPLATES.map(|t| tables::render(t, tables::Dialect::Sqlite)));

/// Schema 9 as written, for either store.
pub(crate) const FORGOTTEN_CALLS_TEMPLATE: &str = include_str!("schema_forgotten_calls.sql");

static FORGOTTEN_CALLS: LazyLock<String> =
    LazyLock::new(|| tables::render(FORGOTTEN_CALLS_TEMPLATE, tables::Dialect::Sqlite));

fn migration_list() -> Vec<M<'static>> {
    let mut list: Vec<M<'static>> = SQLITE_SCRIPTS.iter().map(|s| M::up(s)).collect();
    list.extend([
        // Schema 6. Lists filled from the accounts already there, in the migration's transaction.
        M::up_with_hook(
            include_str!("schema_search_grams.sql"),
            rebuild_search_index,
        ),
        // Schema 7. The folding of Arabic names changed (`text::fold`): their sort and search
        // keys are computed again and the index rebuilt, in the migration's transaction.
        M::up_with_hook(include_str!("schema_fold_arabic.sql"), refold_names),
        // Schema 8. The Journal's lines get their search text, in the migration's transaction.
        M::up_with_hook(include_str!("schema_journal_search.sql"), |tx| {
            Ok(audit::fill_search(tx)?)
        }),
        // Schema 9. The calls of accounts deleted from now on stay known (SPEC §8: loading the
        // same records twice changes nothing); those deleted before are gone.
        M::up(&FORGOTTEN_CALLS),
    ]);
    list
}

/// Computes `name_key` again for the names the folding may now fold differently (ASCII ones
/// cannot change), then rebuilds the search index from them.
fn refold_names(tx: &rusqlite::Transaction<'_>) -> rusqlite_migration::HookResult {
    let changed: Vec<(i64, String)> = {
        let mut stmt = tx.prepare("SELECT id, name, name_key FROM accounts")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, key) = row?;
            if !name.is_ascii() {
                let folded = crate::search::index::name_key(&name);
                if folded != key {
                    out.push((id, folded));
                }
            }
        }
        out
    };
    let mut up = tx.prepare("UPDATE accounts SET name_key = ?2 WHERE id = ?1")?;
    for (id, key) in &changed {
        up.execute(rusqlite::params![id, key])?;
    }
    rebuild_search_index(tx)
}

/// Rebuilds the search index of a database opened by a version that kept a smaller one.
fn rebuild_search_index(tx: &rusqlite::Transaction<'_>) -> rusqlite_migration::HookResult {
    let cc: Option<String> = tx
        .query_row(
            "SELECT value FROM settings WHERE key = 'country_code'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let cc = cc
        .and_then(|v| crate::domain::CountryCode::parse(&v).ok())
        .unwrap_or_default();
    crate::search::index::rebuild(tx, &cc)
        .map_err(|e| rusqlite_migration::HookError::Hook(e.to_string()))
}

/// Indexes of the accounts table, as in the schema; a first import into an empty table drops
/// and rebuilds them (see `import::writer`).
pub(crate) const ACCOUNT_INDEXES: &[(&str, &str)] = &[
    (
        "accounts_matricule",
        "CREATE UNIQUE INDEX accounts_matricule ON accounts (matricule);",
    ),
    (
        "accounts_identifiant",
        "CREATE UNIQUE INDEX accounts_identifiant ON accounts (identifiant);",
    ),
    (
        "accounts_name",
        "CREATE INDEX accounts_name ON accounts (name_key);",
    ),
];

/// Bytes of a database read through a memory map (SQLite's `mmap_size`).
const MMAP_SIZE: i64 = 1 << 30;

/// Newest schema version this binary knows.
pub fn schema_version() -> usize {
    migration_list().len()
}

pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    operator: String,
    /// Account count and the database state it was taken at (see `count_accounts`).
    count_cache: std::cell::Cell<Option<((i64, u64), u64)>>,
    /// Sort positions for searches with many matches (see `ranks`).
    ranks_cache: std::cell::RefCell<Option<ranks::Ranks>>,
    /// Only a long-lived connection (the window) gains from keeping ranks.
    keep_ranks: std::cell::Cell<bool>,
    /// A read-only file that had to be read through a migrated copy: the copy's folder, removed
    /// with the store.
    scratch: Option<tempfile::TempDir>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                return Err(Error::file(format!(
                    "Le dossier {} n'existe pas : la base {} ne peut pas y être créée.",
                    dir.display(),
                    path.display()
                )));
            }
        }
        if path.is_dir() {
            return Err(a_folder(path));
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        check_application_id(&conn, path)?;
        // Before anything is set on it: WAL alone rewrites the header of the file.
        refuse_newer(&conn)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Pages read through a memory map instead of copied by read(2): a search that checks
        // tens of thousands of rows spent two thirds of its time in that copy (perf).
        conn.pragma_update(None, "mmap_size", MMAP_SIZE)?;
        migrate(&mut conn)?;
        Ok(Store::over(conn, path, None))
    }

    fn over(conn: Connection, path: &Path, scratch: Option<tempfile::TempDir>) -> Store {
        Store {
            conn,
            path: path.to_path_buf(),
            operator: current_operator(),
            count_cache: std::cell::Cell::new(None),
            ranks_cache: std::cell::RefCell::new(None),
            keep_ranks: std::cell::Cell::new(false),
            scratch,
        }
    }

    /// Opens an existing database for a command that only reads it (search, export, check…):
    /// a mistyped path is « fichier introuvable », never a new empty base; a file that cannot
    /// be written (a backup on read-only media) is read without being changed.
    pub fn open_existing(path: &Path) -> Result<Store> {
        match std::fs::metadata(path) {
            Err(e) => {
                return Err(Error::file(format!(
                    "Fichier introuvable : {} ; vérifiez le chemin (aucune base n'a été créée).",
                    path.display()
                ))
                .because(e))
            }
            Ok(m) if m.is_dir() => return Err(a_folder(path)),
            Ok(_) => {}
        }
        // SQLite writes its `-wal` and `-shm` beside the file: a file that can be written in a
        // folder that cannot is read-only too (else even a `check` fails as if it wrote).
        // The folder of the file itself, a link followed.
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let dir = real.parent().filter(|d| !d.as_os_str().is_empty());
        let writable = std::fs::OpenOptions::new().write(true).open(path).is_ok()
            && tempfile::tempfile_in(dir.unwrap_or(Path::new("."))).is_ok();
        if writable {
            Store::open(path)
        } else {
            Store::open_read_only(path)
        }
    }

    /// Reads a database that must not be written: in place when it is of the current schema
    /// with a rollback journal (what `backup` writes), else through a migrated copy in a
    /// temporary folder (an older schema, or a WAL file whose index cannot be created there).
    pub fn open_read_only(path: &Path) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let not_ours = || not_forfaits(path);
        let id = match conn.pragma_query_value(None, "application_id", |r| r.get::<_, i32>(0)) {
            // A WAL file in a folder that cannot be written: SQLite cannot make its `-shm`
            // there. With no `-wal` beside it, the file alone is the whole database, read as
            // immutable.
            Err(e) if !wal_beside(path) => {
                let Some(uri) = file_uri(path) else {
                    return Err(e.into());
                };
                conn = Connection::open_with_flags(
                    format!("{uri}?immutable=1"),
                    flags | OpenFlags::SQLITE_OPEN_URI,
                )?;
                conn.pragma_query_value(None, "application_id", |r| r.get(0))?
            }
            // Changes in its `-wal` must not be skipped: the file and its log are copied and
            // read together (SQLite takes the log into the copy).
            Err(_) => {
                drop(conn);
                return Store::read_through_copy(path, |copy| {
                    let mut from = path.as_os_str().to_owned();
                    from.push("-wal");
                    let mut to = copy.as_os_str().to_owned();
                    to.push("-wal");
                    for (from, to) in [(path.as_os_str(), copy.as_os_str()), (&from, &to)] {
                        std::fs::copy(from, to).map_err(|e| Error::io(path, e))?;
                    }
                    Ok(())
                });
            }
            Ok(id) => id,
        };
        if id != APPLICATION_ID {
            return Err(not_ours());
        }
        refuse_newer(&conn)?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        if version == schema_version() as i64 && !mode.eq_ignore_ascii_case("wal") {
            return Ok(Store::over(conn, path, None));
        }
        Store::read_through_copy(path, |copy| {
            let mut dst = Connection::open(copy)?;
            rusqlite::backup::Backup::new(&conn, &mut dst)?.run_to_completion(
                1024,
                Duration::ZERO,
                None,
            )?;
            Ok(())
        })
    }

    /// The database at `path` read through a copy in a temporary folder, which `fill` writes
    /// (`copie.sqlite3`), migrated to this version's schema, removed with the store.
    fn read_through_copy(path: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<Store> {
        let scratch = tempfile::Builder::new()
            .prefix("forfaits-lecture-")
            .tempdir()
            .map_err(|e| Error::io(path, e))?;
        let copy = scratch.path().join("copie.sqlite3");
        fill(&copy)?;
        let mut copy_conn = Connection::open(&copy)?;
        let id: i32 = copy_conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
        if id != APPLICATION_ID {
            return Err(not_forfaits(path));
        }
        refuse_newer(&copy_conn)?;
        copy_conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&mut copy_conn)?;
        // A write would land in the copy and vanish with it, reported as done: refused as by
        // the file itself.
        copy_conn.pragma_update(None, "query_only", "ON")?;
        Ok(Store::over(copy_conn, path, Some(scratch)))
    }

    /// Opens the database at its default place, creating the data folder on first use.
    pub fn open_default() -> Result<Store> {
        let path = default_db_path();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        Store::open(&path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// OS user name recorded on movements and in the audit log.
    pub fn operator(&self) -> &str {
        &self.operator
    }

    pub fn set_operator(&mut self, name: &str) {
        self.operator = name.to_string();
    }

    /// A write transaction that takes the write lock at once, so that a read-then-write (a balance
    /// change) can never interleave with another process's.
    /// Whether the database was opened without the right to change it ([`Store::open_existing`]
    /// of a file or a folder that cannot be written): every write is refused.
    pub fn is_read_only(&self) -> bool {
        self.scratch.is_some() || self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false)
    }

    pub(crate) fn write_tx(&mut self) -> Result<rusqlite::Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// How long a write waits for another program's write to finish before giving up with
    /// [`Error::Busy`] (10 s by default).
    pub fn set_busy_timeout(&self, wait: Duration) -> Result<()> {
        Ok(self.conn.busy_timeout(wait)?)
    }

    /// For a long-lived connection writing small transactions at a high rate (the call-control
    /// service): a decision touches a few random pages of a large base, so a large page cache
    /// and reads through a memory map spare most of its reads.
    pub fn tune_for_service(&self) -> Result<()> {
        self.conn.pragma_update(None, "cache_size", -65536)?;
        self.conn.pragma_update(None, "mmap_size", MMAP_SIZE)?;
        // Copying the log back into the base (and syncing it) inside a commit stalls every
        // decision queued behind it: a connection of its own does it (see `checkpoint`).
        self.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        Ok(())
    }

    /// Copies the write-ahead log back into the base beside a busy writer, without blocking
    /// it; once all of it is copied and the log has grown past `restart_bytes`, waits for the
    /// writer's current transaction and starts the log over, so that it stays bounded (a
    /// writer that is always in a transaction never restarts it by itself).
    pub fn checkpoint(&self, restart_bytes: i64) -> Result<()> {
        let (log, copied): (i64, i64) =
            self.conn
                .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                    Ok((r.get(1)?, r.get(2)?))
                })?;
        let page: i64 = self
            .conn
            .pragma_query_value(None, "page_size", |r| r.get(0))?;
        if log > 0 && log == copied && log * page > restart_bytes {
            self.conn
                .query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()))?;
        }
        Ok(())
    }

    /// Schema version of the open file.
    pub fn file_schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }
}

/// Refuses a file that is not ours; returns true when the database is new (no table yet).
fn check_application_id(conn: &Connection, path: &Path) -> Result<bool> {
    // The first read of the file is where a text file (or any other) shows it is no database.
    let id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => not_forfaits(path),
            _ => Error::from(e),
        })?;
    if id == APPLICATION_ID {
        return Ok(false);
    }
    let tables: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
        [],
        |r| r.get(0),
    )?;
    if id == 0 && tables == 0 {
        // Larger pages make bulk imports and exports faster (fewer B-tree splits); the page
        // size can only be chosen before the first write, which setting the id is.
        conn.pragma_update(None, "page_size", 16384)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        return Ok(true);
    }
    Err(not_forfaits(path))
}

/// A path given for the database that is a folder.
fn a_folder(path: &Path) -> Error {
    Error::file(format!(
        "{} est un dossier : indiquez un fichier de base de données.",
        path.display()
    ))
}

/// Another program's SQLite file (its `application_id` is not ours): refused, untouched.
fn not_forfaits(path: &Path) -> Error {
    Error::database(format!(
        "{} n'est pas une base de données Forfaits : elle n'a pas été modifiée.",
        path.display()
    ))
}

fn migrate(conn: &mut Connection) -> Result<()> {
    refuse_newer(conn)?;
    migrations().to_latest(conn).map_err(|e| match e {
        rusqlite_migration::Error::RusqliteError { err, .. } => Error::from(err),
        other => Error::database(format!(
            "La mise à jour du schéma de la base a échoué ({other}) ; la base est restée telle quelle."
        ))
        .because(other),
    })
}

/// A base written by a newer Forfaits is refused, and left as it is.
fn refuse_newer(conn: &Connection) -> Result<()> {
    let known = schema_version();
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version <= known as i64 {
        return Ok(());
    }
    Err(Error::database(format!(
        "Cette base a été créée par une version plus récente de Forfaits (schéma {version}, \
         cette version connaît le schéma {known}) : mettez Forfaits à jour. Elle n'a pas été modifiée."
    )))
}

/// The OS user name, for the ledger and the audit log: the session's variables, else the
/// system's account of the process (services and cron jobs run without `USER`).
pub fn current_operator() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .or_else(|| {
            whoami::fallible::username()
                .ok()
                .filter(|v| !v.trim().is_empty())
        })
        .unwrap_or_else(|| "inconnu".into())
}

/// Seconds since the epoch, UTC: how every date is stored.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Default database location: `$FORFAITS_DB`, else `forfaits.sqlite3` in the OS data directory.
pub fn default_db_path() -> PathBuf {
    if let Some(p) = std::env::var_os("FORFAITS_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    data_dir().join("forfaits.sqlite3")
}

/// The OS application data directory for Forfaits (XDG on Linux, AppData on Windows,
/// Application Support on macOS).
pub fn data_dir() -> PathBuf {
    let home = || std::env::var_os("HOME").map(PathBuf::from);
    let base = if cfg!(windows) {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        home().map(|h| h.join("Library").join("Application Support"))
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .or_else(|| home().map(|h| h.join(".local").join("share")))
    };
    base.unwrap_or_else(|| PathBuf::from(".")).join(IDENTIFIER)
}

/// Application identifier, also the name of the data folder (the same as Tauri's).
pub const IDENTIFIER: &str = "tn.comunik.forfaits";

/// Whether a `-wal` file with content stands beside the database.
fn wal_beside(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).is_ok_and(|m| m.len() > 0)
}

/// `file:` URI of a path (SQLite's form: absolute, `%`, `?` and `#` escaped); `None` for a path
/// that is not Unicode.
fn file_uri(path: &Path) -> Option<String> {
    let absolute = std::path::absolute(path).ok()?;
    let mut uri = String::from("file:");
    for c in absolute.to_str()?.chars() {
        match c {
            '%' | '?' | '#' => uri.push_str(&format!("%{:02X}", c as u32)),
            '\\' => uri.push('/'),
            c => uri.push(c),
        }
    }
    Some(uri)
}

/// A new store in a temporary folder that lives as long as the handle: the unit tests' base.
#[cfg(test)]
pub(crate) fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("forfaits.sqlite3")).unwrap();
    (dir, store)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path named `name` in a new temporary folder, which lives as long as the handle.
    fn temp_path(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        (dir, p)
    }

    #[test]
    fn a_foreign_sqlite_file_is_refused_and_left_alone() {
        let (_dir, p) = temp_path("autre.db");
        let c = Connection::open(&p).unwrap();
        c.execute("CREATE TABLE t(x)", []).unwrap();
        drop(c);
        let before = std::fs::read(&p).unwrap();
        let err = Store::open(&p).err().unwrap();
        assert!(err
            .to_string()
            .contains("n'est pas une base de données Forfaits"));
        assert_eq!(std::fs::read(&p).unwrap(), before);
    }

    #[test]
    fn a_new_database_has_16_kib_pages() {
        let (_dir, p) = temp_path("p.db");
        let s = Store::open(&p).unwrap();
        let size: i64 = s
            .conn
            .pragma_query_value(None, "page_size", |r| r.get(0))
            .unwrap();
        assert_eq!(size, 16384);
    }

    #[test]
    fn a_newer_schema_is_refused_and_left_byte_for_byte() {
        let (_dir, p) = temp_path("f.db");
        drop(Store::open(&p).unwrap());
        // As a backup is written: a rollback journal, which opening in WAL would change.
        let c = Connection::open(&p).unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        drop(c);
        let before = std::fs::read(&p).unwrap();
        let err = Store::open(&p).err().unwrap();
        assert!(err.to_string().contains("plus récente"), "{err}");
        assert!(err.to_string().contains("n'a pas été modifiée"), "{err}");
        assert!(
            std::fs::read(&p).unwrap() == before,
            "the file is as it was"
        );
    }

    #[test]
    fn a_text_file_is_not_a_database() {
        let (_dir, p) = temp_path("notes.txt");
        std::fs::write(
            &p,
            "bonjour, ceci n'est pas une base de données SQLite !".repeat(20),
        )
        .unwrap();
        let before = std::fs::read(&p).unwrap();
        let err = Store::open(&p).err().unwrap().to_string();
        // Named, so that a mistaken --db is seen at once.
        assert!(
            err.starts_with(&format!("{} n'est pas une base", p.display())),
            "{err}"
        );
        assert_eq!(std::fs::read(&p).unwrap(), before);
    }

    #[test]
    fn schema_declares_the_account_indexes_the_import_rebuilds() {
        let schema = include_str!("schema_v1.sql");
        for (_, sql) in ACCOUNT_INDEXES {
            assert!(schema.contains(sql), "{sql}");
        }
    }

    #[test]
    fn opening_twice_keeps_schema_version() {
        let (_dir, p) = temp_path("f.db");
        drop(Store::open(&p).unwrap());
        let s = Store::open(&p).unwrap();
        assert_eq!(s.file_schema_version().unwrap(), schema_version() as i64);
    }
}
