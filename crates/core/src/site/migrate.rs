//! `site migrate`: an SQLite database copied into an empty site database in one transaction,
//! then checked against its source before the commit (counts, every balance, every movement,
//! every call). The SQLite file is only read.

use super::{connect, init, SiteStore};
use crate::error::{Error, Result};
use crate::store::Store;
use postgres::Transaction;
use rusqlite::types::ValueRef;
use std::io::Write;

/// Tables copied, parents before children; each keeps its ids.
const TABLES: &[&str] = &[
    "settings",
    "accounts",
    "movements",
    "audit",
    "tariffs",
    "calls",
    "forgotten_calls",
    "call_attempts",
    "call_holds",
    "blocked_numbers",
    "privileged_numbers",
];

/// What a site must not hold for a migration to copy into it, as the refusal names it: all
/// but the settings that `site init` writes (the desk's replace them).
const HELD: &[(&str, &str)] = &[
    ("accounts", "des comptes"),
    ("movements", "des mouvements"),
    ("calls", "des appels"),
    ("forgotten_calls", "des appels de comptes supprimés"),
    ("call_attempts", "des demandes d'appel"),
    ("tariffs", "des tarifs"),
    ("blocked_numbers", "des numéros interdits"),
    ("privileged_numbers", "des numéros privilégiés"),
    ("audit", "des lignes de Journal"),
];

/// What was copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrated {
    pub label: String,
    /// Rows per table, in [`TABLES`] order.
    pub rows: Vec<(&'static str, u64)>,
}

impl Migrated {
    pub fn count(&self, table: &str) -> u64 {
        self.rows
            .iter()
            .find(|(t, _)| *t == table)
            .map_or(0, |(_, n)| *n)
    }
}

/// The columns of a site table that hold data (the search text is computed by the server).
fn columns(tx: &mut Transaction<'_>, table: &str) -> Result<Vec<String>> {
    Ok(tx
        .query(
            "SELECT column_name::text FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER'
             ORDER BY ordinal_position",
            &[&table],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

fn copy_value(out: &mut Vec<u8>, v: ValueRef<'_>) {
    match v {
        ValueRef::Null => out.extend_from_slice(b"\\N"),
        ValueRef::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        ValueRef::Real(f) => {
            let _ = write!(out, "{f}");
        }
        ValueRef::Text(t) | ValueRef::Blob(t) => super::import::copy_bytes(out, t),
    }
}

/// Copies one table with COPY; returns its rows. The accounts' search text, which SQLite keeps
/// in its own index, is computed on the way.
fn copy_table(src: &Store, tx: &mut Transaction<'_>, table: &str) -> Result<u64> {
    let all = columns(tx, table)?;
    let searched = all.iter().any(|c| c == "search");
    let data: Vec<&String> = all.iter().filter(|c| *c != "search").collect();
    let cols = data
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let copy_cols = if searched {
        format!("{cols}, search")
    } else {
        cols.clone()
    };
    let at = |name: &str| data.iter().position(|c| *c == name);
    let search_at = searched.then(|| {
        (
            at("name_key").expect("accounts.name_key"),
            at("matricule").expect("accounts.matricule"),
            at("identifiant").expect("accounts.identifiant"),
            crate::store::columns::PHONES
                .iter()
                .map(|p| at(p).expect("accounts.phoneN"))
                .collect::<Vec<_>>(),
        )
    });
    let cc = src.settings()?.country_code;
    let mut stmt = src.conn.prepare(&format!("SELECT {cols} FROM {table}"))?;
    let width = stmt.column_count();
    let mut rows = stmt.query([])?;
    let mut w = tx.copy_in(&format!("COPY {table} ({copy_cols}) FROM STDIN"))?;
    let mut buf = Vec::with_capacity(1 << 20);
    let mut n = 0u64;
    let io = |e: std::io::Error| {
        Error::database(format!(
            "Envoi de la table {table} au serveur impossible : {e}."
        ))
        .because(e)
    };
    while let Some(r) = rows.next()? {
        for i in 0..width {
            if i > 0 {
                buf.push(b'\t');
            }
            copy_value(&mut buf, r.get_ref(i)?);
        }
        if let Some((name_key, matricule, identifiant, phones)) = &search_at {
            let text = |i: usize| r.get::<_, Option<String>>(i);
            let phones = phones
                .iter()
                .map(|p| text(*p))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let search = super::accounts::search_text(
                &text(*name_key)?.unwrap_or_default(),
                &text(*matricule)?.unwrap_or_default(),
                &text(*identifiant)?.unwrap_or_default(),
                phones.iter().map(|p| p.as_deref()),
                &cc,
            );
            buf.push(b'\t');
            copy_value(&mut buf, ValueRef::Text(search.as_bytes()));
        }
        buf.push(b'\n');
        n += 1;
        if buf.len() > 4 << 20 {
            w.write_all(&buf).map_err(io)?;
            buf.clear();
        }
    }
    w.write_all(&buf).map_err(io)?;
    w.finish()?;
    Ok(n)
}

/// A fingerprint of what must arrive whole: counts and sums, and every account's balance.
fn sqlite_totals(src: &Store, sql: &str) -> Result<Vec<i64>> {
    let mut stmt = src.conn.prepare(sql)?;
    let width = stmt.column_count();
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        for i in 0..width {
            out.push(r.get::<_, Option<i64>>(i)?.unwrap_or(0));
        }
    }
    Ok(out)
}

fn site_totals(tx: &mut Transaction<'_>, sql: &str) -> Result<Vec<i64>> {
    let rows = tx.query(sql, &[])?;
    let mut out = Vec::new();
    for r in rows {
        for i in 0..r.len() {
            out.push(r.get::<_, Option<i64>>(i).unwrap_or(0));
        }
    }
    Ok(out)
}

/// What both sides must agree on, written once in SQL both understand.
const CHECKS: &[(&str, &str)] = &[
    (
        "les soldes des comptes",
        "SELECT id, balance, used_seconds FROM accounts ORDER BY id",
    ),
    (
        "les mouvements",
        "SELECT count(*), CAST(sum(amount) AS BIGINT), CAST(sum(balance_after) AS BIGINT),
                CAST(sum(account_id) AS BIGINT), CAST(sum(at) AS BIGINT) FROM movements",
    ),
    (
        "les appels",
        "SELECT count(*), CAST(sum(cost) AS BIGINT), CAST(sum(billsec) AS BIGINT),
                CAST(sum(billed_s) AS BIGINT), CAST(sum(account_id) AS BIGINT) FROM calls",
    ),
];

/// Copies the SQLite database `src` into the site at `url`, which must hold no account yet
/// (its schema is created if needed), and checks it before committing.
pub fn migrate(src: &Store, url: &str) -> Result<Migrated> {
    let source_check = src.check()?;
    if !source_check.ok() {
        return Err(Error::Rejected(format!(
            "La base {} a des problèmes (« forfaits check ») : corrigez-les avant la migration. \
             Rien n'a été copié.",
            src.path().display()
        )));
    }
    init::init(url)?;
    let (mut client, label) = connect::client(url)?;
    let mut tx = client.transaction()?;
    let owner: bool = super::value(
        &mut tx,
        "SELECT session_user = tableowner FROM pg_tables
         WHERE schemaname = 'public' AND tablename = 'accounts'",
        &[],
    )?;
    if !owner {
        return Err(Error::Rejected(format!(
            "La migration se fait avec le compte qui a créé la base de site (« site init »), \
             pas avec {label}. Rien n'a été copié."
        )));
    }
    let mut held = Vec::new();
    for (table, what) in HELD {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {table})");
        if super::value::<bool>(&mut tx, &sql, &[])? {
            held.push(*what);
        }
    }
    if !held.is_empty() {
        return Err(Error::Rejected(format!(
            "La base de site {label} contient déjà {} : la migration se fait dans une base \
             vide, que « site init » vient de créer, pour ne rien y effacer. Rien n'a été copié.",
            crate::fr::liste(&held)
        )));
    }
    tx.batch_execute(
        "LOCK TABLE accounts, movements, calls IN EXCLUSIVE MODE;
         DELETE FROM settings; DELETE FROM audit; DELETE FROM tariffs;
         DELETE FROM blocked_numbers; DELETE FROM privileged_numbers;",
    )?;
    let mut rows = Vec::new();
    for table in TABLES {
        rows.push((*table, copy_table(src, &mut tx, table)?));
    }
    // Ids go on after the copied ones (tables keyed by text have none).
    for table in TABLES {
        if columns(&mut tx, table)?.iter().any(|c| c == "id") {
            tx.batch_execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                               greatest((SELECT max(id) FROM {table}), 1))"
            ))?;
        }
    }
    for (what, sql) in CHECKS {
        if sqlite_totals(src, sql)? != site_totals(&mut tx, sql)? {
            return Err(Error::database(format!(
                "Vérification de la migration : {what} de la base de site ne correspondent pas à \
                 celles de {} ; rien n'a été enregistré.",
                src.path().display()
            )));
        }
    }
    let migrated = Migrated { label, rows };
    super::accounts::audit(
        &mut tx,
        "Migration depuis SQLite",
        None,
        &format!(
            "{} : {}, {}, {}",
            crate::store::audit::file_name(src.path()),
            crate::fr::nombre(migrated.count("accounts"), "compte", "comptes"),
            crate::fr::nombre(migrated.count("movements"), "mouvement", "mouvements"),
            crate::fr::nombre(migrated.count("calls"), "appel", "appels"),
        ),
    )?;
    tx.commit()?;
    drop(client);
    // The site's own check must agree with the source's.
    let site = SiteStore::connect(url)?;
    let report = site.check()?;
    if !report.ok() {
        return Err(Error::database(format!(
            "La base de site {} a été remplie mais sa vérification signale : {}",
            migrated.label,
            report.problemes.lignes.join(" ")
        )));
    }
    Ok(migrated)
}
