//! `site init` and `site user add`: the schema brought to the newest version, the staff roles
//! and their rights (roles.sql), sign-ins created in a role.

use super::{connect, Role};
use crate::error::{Error, Result};
use crate::store::columns::PHONES;
use crate::store::tables::{self, Dialect};
use postgres::Client;

/// The site's schema versions: a site starts at version 7 (the SQLite schema 7 as one script);
/// each later version of the SQLite schema adds its PostgreSQL script here. Scripts are written
/// only when a site is made or brought up to date, not each time a version is compared.
pub(crate) const MIGRATIONS: &[Migration] = &[(7, schema_v7), (8, schema_v8), (9, schema_v9)];

/// A schema version and the function that writes its script.
pub(crate) type Migration = (usize, fn() -> String);

/// Version 8: the Journal's search text, a column the server computes (`site::fold`). Its
/// letter table is read off every character once per process.
fn schema_v8() -> String {
    static SCRIPT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let (fold, column) = (super::fold::fold_function(), super::fold::SEARCH_COLUMN);
        format!("{fold}\n{column}")
    });
    SCRIPT.clone()
}

/// Version 9: the calls of deleted accounts stay known, as in the SQLite schema 9.
fn schema_v9() -> String {
    tables::render(crate::store::FORGOTTEN_CALLS_TEMPLATE, Dialect::Site)
}

/// The sort and search indexes of the accounts: in the schema, and built again at the end of a
/// first import (which drops them).
pub(crate) const SEARCH_INDEXES: &str =
    "CREATE INDEX accounts_name ON accounts (name_key COLLATE \"C\", id);
     CREATE INDEX accounts_search ON accounts USING gin (search gin_trgm_ops);";

/// schema_v7.sql with the key columns written from store/columns.rs and the tables it shares
/// with the SQLite schema from store/tables/.
fn schema_v7() -> String {
    let phones = PHONES
        .iter()
        .map(|c| format!("{c} text"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = include_str!("schema_v7.sql")
        .replace("{phones}", &phones)
        .replace("{search_indexes}", SEARCH_INDEXES);
    tables::render(&sql, Dialect::Site)
}

fn has_schema_version(client: &mut impl postgres::GenericClient) -> Result<bool> {
    Ok(client
        .query_one(
            "SELECT to_regclass('public.schema_version') IS NOT NULL",
            &[],
        )?
        .get(0))
}

fn version_of(client: &mut Client) -> Result<Option<usize>> {
    if !has_schema_version(client)? {
        return Ok(None);
    }
    max_version(client)
}

fn max_version(client: &mut impl postgres::GenericClient) -> Result<Option<usize>> {
    let v: Option<i32> = client
        .query_one("SELECT max(version) FROM schema_version", &[])?
        .get(0);
    Ok(v.map(|v| v as usize))
}

/// Refuses a database that is not a Forfaits site, or one of a newer schema.
pub(crate) fn check_version(client: &mut Client, label: &str) -> Result<()> {
    let known = super::schema_version();
    match version_of(client)? {
        None => Err(Error::database(format!(
            "{label} n'est pas une base de site Forfaits : créez-la d'abord avec « forfaits site init »."
        ))),
        Some(v) if v > known => Err(Error::database(format!(
            "La base de site {label} a été créée par une version plus récente de Forfaits \
             (schéma {v}, cette version connaît le schéma {known}) : mettez Forfaits à jour."
        ))),
        Some(v) if v < known => Err(Error::database(format!(
            "La base de site {label} est au schéma {v} : mettez-la à jour avec « forfaits site init »."
        ))),
        Some(_) => Ok(()),
    }
}

/// What `site init` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Initialised {
    pub label: String,
    /// Version before (`None`: the database had no Forfaits schema).
    pub before: Option<usize>,
    pub version: usize,
}

/// Creates the schema (or brings it to the newest version) and the staff roles with their
/// rights, in one transaction; may run again on a site already made.
pub fn init(url: &str) -> Result<Initialised> {
    let (mut client, label) = connect::client(url)?;
    let mut tx = client.transaction()?;
    // Two desks initialising at once: the second waits, then finds the schema made.
    tx.execute("SELECT pg_advisory_xact_lock(7246215)", &[])?;
    // Names in every script, and the Journal's folding (`normalize`), need UTF-8.
    let encoding: String = tx.query_one("SHOW server_encoding", &[])?.get(0);
    if encoding != "UTF8" {
        return Err(Error::Rejected(format!(
            "La base {label} est encodée en {encoding} : Forfaits a besoin d'une base en UTF8 \
             (des noms en toutes écritures). Créez-la avec « CREATE DATABASE … ENCODING 'UTF8' \
             TEMPLATE template0 ». Rien n'a été modifié."
        )));
    }
    let before = if has_schema_version(&mut tx)? {
        max_version(&mut tx)?
    } else {
        let others: i64 = tx
            .query_one(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
                &[],
            )?
            .get(0);
        if others > 0 {
            return Err(Error::Rejected(format!(
                "La base {label} contient déjà des tables qui ne sont pas celles de Forfaits : \
                 indiquez une base vide. Rien n'a été modifié."
            )));
        }
        tx.batch_execute("CREATE TABLE schema_version (version integer NOT NULL)")?;
        None
    };
    let known = super::schema_version();
    if let Some(v) = before.filter(|v| *v > known) {
        return Err(Error::database(format!(
            "La base de site {label} est au schéma {v}, plus récent que celui de cette version ({known})."
        )));
    }
    for &(v, script) in MIGRATIONS {
        if before.is_none_or(|b| v > b) {
            tx.batch_execute(&script())?;
            tx.execute(
                "INSERT INTO schema_version (version) VALUES ($1)",
                &[&(v as i32)],
            )?;
        }
    }
    tx.batch_execute(
        &include_str!("roles.sql")
            .replace("{is_admin}", super::IS_ADMIN)
            .replace(
                "{is_admin_now}",
                &super::IS_ADMIN.replace("session_user", "current_user"),
            ),
    )
    .map_err(|e| match e.code() {
        Some(c) if *c == postgres::error::SqlState::INSUFFICIENT_PRIVILEGE => {
            Error::Rejected(format!(
                "Le compte de {label} ne peut pas créer les rôles du site : lancez « site init » \
                     avec un compte PostgreSQL qui a le droit CREATEROLE. Rien n'a été modifié."
            ))
        }
        _ => Error::from(e),
    })?;
    tx.commit()?;
    Ok(Initialised {
        label,
        before,
        version: known,
    })
}

/// A sign-in name PostgreSQL accepts without quoting surprises: lower-case letters, digits,
/// `_`, `.` and `-`, starting with a letter, 63 bytes at most.
fn check_user_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c))
        && !name.starts_with("forfaits_")
        && !name.starts_with("pg_");
    if ok {
        Ok(())
    } else {
        Err(Error::Rejected(format!(
            "Nom d'utilisateur « {name} » refusé : lettres minuscules sans accent, chiffres, « _ », \
             « . » ou « - », commençant par une lettre (63 caractères au plus, ni « forfaits_ » ni « pg_ » au début)."
        )))
    }
}

/// Creates the sign-in `name` in `role` (with `password` when given; a server that trusts its
/// local connections needs none). An existing user is put in the role.
pub fn add_user(url: &str, name: &str, role: Role, password: Option<&str>) -> Result<bool> {
    check_user_name(name)?;
    let (mut client, label) = connect::client(url)?;
    check_version(&mut client, &label)?;
    let mut tx = client.transaction()?;
    let exists: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
            &[&name],
        )?
        .get(0);
    let quoted = format!("\"{name}\"");
    let password_sql = match password {
        // A literal, since CREATE ROLE takes no parameters: quotes doubled.
        Some(p) => format!(" PASSWORD '{}'", p.replace('\'', "''")),
        None => String::new(),
    };
    let denied = |e: postgres::Error| {
        match e.code() {
        Some(c) if *c == postgres::error::SqlState::INSUFFICIENT_PRIVILEGE => Error::Rejected(
            format!("Le compte de {label} ne peut pas créer d'utilisateur (droit CREATEROLE). Rien n'a été modifié."),
        ),
        _ => Error::from(e),
    }
    };
    if exists {
        tx.batch_execute(&format!("ALTER ROLE {quoted} LOGIN{password_sql}"))
            .map_err(denied)?;
    } else {
        tx.batch_execute(&format!("CREATE ROLE {quoted} LOGIN{password_sql}"))
            .map_err(denied)?;
    }
    // One role at a time: a user moved to another role leaves the others.
    for other in Role::ALL.into_iter().filter(|r| *r != role) {
        tx.batch_execute(&format!("REVOKE {} FROM {quoted}", other.pg_name()))
            .map_err(denied)?;
    }
    tx.batch_execute(&format!("GRANT {} TO {quoted}", role.pg_name()))
        .map_err(denied)?;
    tx.commit()?;
    Ok(!exists)
}

#[cfg(test)]
mod tests {
    /// A `{name}`, `{tables/x.sql}` or `{site: …}` not replaced: any brace but those of the
    /// fold table's JSON (`{"…`, `…"}`).
    #[test]
    fn site_scripts_have_no_placeholder_left() {
        for &(v, script) in super::MIGRATIONS {
            let sql = script();
            let open = sql
                .match_indices('{')
                .find(|(i, _)| !sql[i + 1..].starts_with('"'));
            let close = sql
                .match_indices('}')
                .find(|(i, _)| !sql[..*i].ends_with('"'));
            let left = open
                .or(close)
                .map(|(i, _)| sql[i..].chars().take(40).collect::<String>());
            assert_eq!(left, None, "site schema {v}");
        }
    }
}
