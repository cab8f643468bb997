//! Site mode (SPEC §13): the store of a site whose desks and telephony server share one
//! PostgreSQL database. The same operations as the SQLite [`Store`](crate::Store), written with
//! PostgreSQL's own tools (trigram index, row locks, COPY); what each staff role may do is
//! enforced by the server itself (roles.sql), so a refusal arrives here as an error of the server.

mod account_rules;
mod accounts;
mod calls;
mod check;
mod connect;
mod control;
mod desk;
mod export;
mod fold;
mod history;
mod import;
mod init;
mod journal;
mod ledger;
mod migrate;
mod numbers;
mod rules;
mod settings;
mod tariffs;

use crate::error::{Error, Result};
use crate::store::Settings;
use postgres::Client;
use std::cell::RefCell;

pub use connect::{is_site_url, password_from_pgpass};
pub use fold::folded_letters;
pub use init::{add_user, init};
pub use migrate::{migrate, Migrated};
pub use settings::ACCOUNT_WRITES_LOCK;

/// Newest schema version of a site database; the same numbers as the SQLite schema (a test
/// checks that both lists end at the same version).
pub fn schema_version() -> usize {
    init::MIGRATIONS.last().map_or(0, |(v, _)| *v)
}

/// The one value of a query that answers one row (a count, an EXISTS, a RETURNING); a value of
/// another type than asked is an error, not a panic.
pub(crate) fn value<T: postgres::types::FromSqlOwned>(
    client: &mut impl postgres::GenericClient,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<T> {
    Ok(client.query_one(sql, params)?.try_get(0)?)
}

/// Who administers a site, said once for the window (`whoami`) and for the server (`roles.sql`,
/// where `{is_admin}` stands for it, and `{is_admin_now}` for it said of `current_user`): a superuser, the owner of the tables (who ran `site init`;
/// on PostgreSQL 15 not a member of the roles it created), or a member of `forfaits_admin`.
pub(crate) const IS_ADMIN: &str = "((SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
    OR session_user = (SELECT tableowner FROM pg_tables
                       WHERE schemaname = 'public' AND tablename = 'accounts')
    OR pg_has_role(session_user, 'forfaits_admin', 'MEMBER'))";

/// A staff role of the site (a PostgreSQL role the signed-in user is a member of).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Caisse,
    Lecture,
    Telephonie,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Caisse, Role::Lecture, Role::Telephonie];

    /// The PostgreSQL role.
    pub fn pg_name(self) -> &'static str {
        match self {
            Role::Admin => "forfaits_admin",
            Role::Caisse => "forfaits_caisse",
            Role::Lecture => "forfaits_lecture",
            Role::Telephonie => "forfaits_telephonie",
        }
    }

    /// The word of `--role` and of the messages: `admin`, `caisse`, `lecture`, `telephonie`.
    pub fn word(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Caisse => "caisse",
            Role::Lecture => "lecture",
            Role::Telephonie => "telephonie",
        }
    }

    pub fn parse(word: &str) -> Result<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.word() == word.trim())
            .ok_or_else(|| {
                Error::Rejected(format!(
                    "Rôle inconnu « {} » : admin, caisse, lecture ou telephonie.",
                    word.trim()
                ))
            })
    }
}

/// A connection to a site database, signed in as one PostgreSQL user.
pub struct SiteStore {
    client: RefCell<Client>,
    /// Statements the call-control service prepared on this connection (site/control.rs).
    prepared: RefCell<std::collections::HashMap<String, postgres::Statement>>,
    /// `user@host:port/base`, for messages (never the password).
    label: String,
    user: String,
    /// Read at sign-in, and again by [`SiteStore::refresh_role`]: an administrator may move the
    /// user to another role while a desk is open.
    role: std::cell::Cell<Role>,
}

impl SiteStore {
    /// Connects to the site at `url` (`postgres://USER@HOST[:PORT]/BASE`) and checks that it is
    /// a Forfaits site of a schema this version knows.
    pub fn connect(url: &str) -> Result<SiteStore> {
        let (client, label) = connect::client(url)?;
        let mut s = SiteStore {
            client: RefCell::new(client),
            prepared: RefCell::default(),
            label,
            user: String::new(),
            role: std::cell::Cell::new(Role::Lecture),
        };
        let checked = init::check_version(s.client.get_mut(), &s.label);
        checked.map_err(|e| match is_role_refusal(&e) {
            true => s.without_role(),
            false => e,
        })?;
        let (user, role) = s.whoami()?;
        s.user = user;
        s.role.set(role);
        // A desk waits for a row another desk holds as long as SQLite waits for its lock, then
        // says « base occupée » rather than hang (the service sets its own, shorter wait).
        s.set_lock_timeout(crate::store::BUSY_TIMEOUT)?;
        Ok(s)
    }

    /// A login that may read nothing on the site (no Forfaits role): who should do what.
    fn without_role(&self) -> Error {
        let who = value::<String>(
            &mut *self.client.borrow_mut(),
            "SELECT session_user::text",
            &[],
        )
        .unwrap_or_default();
        Error::Rejected(format!(
            "L'utilisateur PostgreSQL « {who} » n'a aucun rôle Forfaits sur {} : un \
             administrateur du site le lui donne avec « forfaits site user add {who} --role \
             lecture » (ou caisse, admin).",
            self.label
        ))
    }

    fn whoami(&self) -> Result<(String, Role)> {
        let row = self.client.borrow_mut().query_one(
            &format!(
                "SELECT session_user::text, {IS_ADMIN},
                        pg_has_role(session_user, 'forfaits_caisse', 'MEMBER'),
                        pg_has_role(session_user, 'forfaits_telephonie', 'MEMBER')"
            ),
            &[],
        )?;
        let role = if row.get(1) {
            Role::Admin
        } else if row.get(2) {
            Role::Caisse
        } else if row.get(3) {
            Role::Telephonie
        } else {
            Role::Lecture
        };
        Ok((row.get(0), role))
    }

    /// How long a statement waits for a row another desk holds before failing with « base
    /// occupée » (the call-control service fails closed rather than keep a caller waiting).
    pub fn set_lock_timeout(&self, wait: std::time::Duration) -> Result<()> {
        self.client
            .borrow_mut()
            .batch_execute(&format!("SET lock_timeout = {}", wait.as_millis().max(1)))?;
        Ok(())
    }

    /// For the call-control service: a commit does not wait for the server's disk. A crash of
    /// the server may lose the last few hundred milliseconds of decisions, never corrupt them —
    /// what SQLite's `synchronous = NORMAL` in WAL mode gives the service on a desk.
    pub fn tune_for_service(&self) -> Result<()> {
        self.client
            .borrow_mut()
            .batch_execute("SET synchronous_commit = off")?;
        Ok(())
    }

    /// The signed-in PostgreSQL user: the operator of every movement and Journal line.
    pub fn operator(&self) -> &str {
        &self.user
    }

    pub fn role(&self) -> Role {
        self.role.get()
    }

    /// The role the server gives the user now (the window asks after a refusal).
    pub fn refresh_role(&self) -> Result<Role> {
        let (_, role) = self.whoami()?;
        self.role.set(role);
        Ok(role)
    }

    /// Whether this connection is encrypted (the server offered TLS).
    pub fn uses_tls(&self) -> Result<bool> {
        value(
            &mut *self.client.borrow_mut(),
            "SELECT coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)",
            &[],
        )
    }

    /// `user@host:port/base`.
    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn settings(&self) -> Result<Settings> {
        read_settings(&mut *self.client.borrow_mut())
    }

    /// Maps the server's refusal of `action` (« supprimer un compte ») to the French sentence
    /// the person reads; other errors as they are.
    pub(crate) fn refusal(&self, action: &str) -> impl Fn(postgres::Error) -> Error + '_ {
        let action = action.to_string();
        move |e| {
            if e.code() == Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
                self.denied(&action)
            } else {
                Error::from(e)
            }
        }
    }

    /// [`Self::refusal`] for an error already converted (by code written once for both stores,
    /// over [`crate::store::shared::Queries`]): the server's refusal of the role, named.
    pub(crate) fn refused(&self, action: &str) -> impl Fn(Error) -> Error + '_ {
        let action = action.to_string();
        move |e| match is_role_refusal(&e) {
            true => self.denied(&action),
            false => e,
        }
    }

    /// « Votre rôle (caisse) ne permet pas de supprimer un compte. »
    pub fn denied(&self, action: &str) -> Error {
        Error::Rejected(format!(
            "Votre rôle ({}) ne permet pas {}. Aucune modification n'a été faite.",
            self.role().word(),
            crate::fr::de(action)
        ))
    }
}

/// The settings as `client` (a connection or a transaction) reads them.
pub(crate) fn read_settings(client: &mut impl postgres::GenericClient) -> Result<Settings> {
    let rows = client.query("SELECT key, value FROM settings", &[])?;
    let values: std::collections::HashMap<String, String> =
        rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    Settings::from_values(|k| Ok(values.get(k).cloned()))
}

/// Whether `e` is the server's refusal of a privilege (through shared code).
pub(crate) fn is_role_refusal(e: &Error) -> bool {
    matches!(e, Error::Rejected(m) if m == ROLE_REFUSED)
}

/// The server's refusal of a privilege, before the caller names the action (see
/// [`SiteStore::refused`]).
const ROLE_REFUSED: &str =
    "Votre rôle ne permet pas cette action. Aucune modification n'a été faite.";

/// A PostgreSQL error as the person reads it: a lost serialization or a deadlock is « base
/// occupée » (try again), a refused privilege a refusal, the rest a database failure naming the
/// server's own message (kept as the cause).
impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        use postgres::error::SqlState;
        match e.code() {
            Some(c)
                if *c == SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == SqlState::T_R_DEADLOCK_DETECTED
                    || *c == SqlState::LOCK_NOT_AVAILABLE =>
            {
                Error::Busy
            }
            Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => {
                Error::Rejected(ROLE_REFUSED.into())
            }
            _ => {
                let detail = e
                    .as_db_error()
                    .map(|d| d.message().to_string())
                    .unwrap_or_else(|| e.to_string());
                Error::database(format!("Erreur du serveur PostgreSQL : {detail}.")).because(e)
            }
        }
    }
}
