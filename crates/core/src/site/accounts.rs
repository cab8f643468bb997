//! Accounts of a site: read, search through the trigram index, edit, delete.

use super::SiteStore;
use crate::domain::phone::compact_number;
use crate::domain::CountryCode;
use crate::domain::{Account, AccountDraft, Money};
use crate::error::{Error, Result};
use crate::search::index::{name_key, phone_digits, PhoneDigits};
use crate::search::INFIX_MIN;
use crate::store::accounts::{Deleted, ListQuery, Page, SortKey, MAX_PAGE};
use crate::store::columns;
use crate::store::now;
use crate::text::{fold, words};
use postgres::types::ToSql;
use postgres::Row;

/// An account from a row of [`columns::ACCOUNT`].
pub(crate) fn from_row(r: &Row) -> Result<Account> {
    Ok(<Account as crate::store::shared::Row>::read(r)?)
}

/// What the search looks in for one account: the folded name, matricule, identifiant, and each
/// key in its international form (`+21627468145`), in which every way of typing it is found once
/// a leading `00` is read as `+` (see [`search_condition`]): `27468145`, `21627468145`,
/// `+21627468145`.
pub(crate) fn search_text<'a>(
    name_key: &str,
    matricule: &str,
    identifiant: &str,
    phones: impl IntoIterator<Item = Option<&'a str>>,
    cc: &CountryCode,
) -> String {
    let mut out = format!("{name_key} {matricule} {identifiant}");
    for p in phones.into_iter().flatten() {
        let compact = compact_number(p).unwrap_or_else(|| p.to_string());
        match phone_digits(&compact, cc) {
            PhoneDigits::Domestic(n) => out.push_str(&format!(" +{}{n}", cc.as_str())),
            PhoneDigits::Foreign(d) => out.push_str(&format!(" +{d}")),
        }
    }
    out
}

/// An account's columns as a form writes them, in the order of [`AccountRow::COLUMNS`]
/// (`$1` … `$18`): a statement adds its own values after them.
pub(crate) struct AccountRow<'a> {
    name: &'a str,
    key: String,
    matricule: &'a str,
    identifiant: &'a str,
    enabled: bool,
    billing: bool,
    allowance: Option<i64>,
    phones: Vec<Option<&'a str>>,
    search: String,
}

impl<'a> AccountRow<'a> {
    pub fn new(d: &'a AccountDraft, cc: &CountryCode) -> AccountRow<'a> {
        let key = name_key(d.name.as_str());
        let phones: Vec<Option<&str>> = d
            .phones
            .iter()
            .map(|p| p.as_ref().map(|p| p.as_str()))
            .collect();
        let (matricule, identifiant) = (d.matricule.as_str(), d.identifiant.as_str());
        AccountRow {
            name: d.name.as_str(),
            search: search_text(&key, matricule, identifiant, phones.iter().copied(), cc),
            key,
            matricule,
            identifiant,
            enabled: d.enabled,
            billing: d.billing,
            allowance: d.allowance_minutes.map(i64::from),
            phones,
        }
    }

    /// The columns: their names, their values `$1, $2, …`, and `column = $n` assignments.
    pub fn columns() -> (String, String, String) {
        let names = format!(
            "name, name_key, matricule, identifiant, enabled, billing, allowance_min, {}, search",
            *columns::PHONE_LIST
        );
        let each = |f: &dyn Fn(usize, &str) -> String| {
            names
                .split(", ")
                .enumerate()
                .map(|(i, c)| f(i + 1, c))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let values = each(&|n, _| format!("${n}"));
        let assignments = each(&|n, c| format!("{c} = ${n}"));
        (names, values, assignments)
    }

    pub fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        let mut out: Vec<&(dyn ToSql + Sync)> = vec![
            &self.name,
            &self.key,
            &self.matricule,
            &self.identifiant,
            &self.enabled,
            &self.billing,
            &self.allowance,
        ];
        out.extend(self.phones.iter().map(|p| p as &(dyn ToSql + Sync)));
        out.push(&self.search);
        out
    }

    /// The refusal of a matricule or identifiant another desk has just given to someone else.
    pub fn taken_meanwhile(&self) -> Error {
        Error::Rejected(format!(
            "Le matricule {} ou l'identifiant {} vient d'être attribué à un autre compte. Aucune \
             modification n'a été faite.",
            self.matricule, self.identifiant
        ))
    }

    pub fn subject(&self) -> Option<(&str, &str)> {
        Some((self.matricule, self.name))
    }
}

/// The Journal's line of a change, then the commit.
pub(crate) fn audit_and_commit(
    mut tx: postgres::Transaction<'_>,
    action: &str,
    subject: Option<(&str, &str)>,
    details: &str,
) -> std::result::Result<(), postgres::Error> {
    audit(&mut tx, action, subject, details)?;
    tx.commit()
}

/// `text` inside a LIKE pattern, matched as written.
fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The WHERE clause of a search and its values: every term must be found in the search text
/// (name folded, matricule, identifiant, each key as stored and from abroad); a term of 3
/// characters or more anywhere (the trigram index answers), a shorter one at the start of a word.
pub(crate) fn search_condition(query: &str, cc: Option<&CountryCode>) -> (String, Vec<String>) {
    let mut parts = Vec::new();
    let mut values = Vec::new();
    // One term: any of its forms found (LIKE patterns of 3 characters or more anywhere, shorter
    // ones at the start of a word).
    let mut add = |forms: &[String]| {
        let mut any = Vec::new();
        for piece in forms {
            let p = like_escaped(piece);
            if piece.chars().count() >= INFIX_MIN {
                values.push(format!("%{p}%"));
                any.push(format!("search LIKE ${}", values.len()));
            } else {
                values.push(format!("{p}%"));
                any.push(format!("search LIKE ${}", values.len()));
                values.push(format!("% {p}%"));
                any.push(format!("search LIKE ${}", values.len()));
            }
        }
        // No form (a term of punctuation alone): nothing matches, as on the desk.
        parts.push(match any.is_empty() {
            true => "FALSE".to_string(),
            false => format!("({})", any.join(" OR ")),
        });
    };
    for term in crate::search::query::terms(query) {
        if let Some(number) = compact_number(&term) {
            add(&number_forms(number, cc));
            continue;
        }
        // Words split at punctuation, as the desk's index splits them (`95*` is the number
        // 95).
        let folded = fold(&term);
        let mut none = true;
        for w in words(&folded) {
            none = false;
            match w.bytes().all(|b| b.is_ascii_digit()) {
                true => add(&number_forms(w.to_string(), cc)),
                false => add(&[w.to_string()]),
            }
        }
        if none {
            add(&[]);
        }
    }
    let clause = if parts.is_empty() {
        "TRUE".to_string()
    } else {
        parts.join(" AND ")
    };
    (clause, values)
}

/// The forms a number is looked for in. `0021627…` may be how `+21627…` is dialled from here,
/// or digits inside a number (`98000111`): both. A short number also starts a key's number,
/// as the desk's index finds it: its national part (`99` in `+21699…`) or a number from abroad
/// (`+33…`).
fn number_forms(number: String, cc: Option<&CountryCode>) -> Vec<String> {
    match number.strip_prefix("00") {
        Some(rest) if !rest.is_empty() => {
            let abroad = format!("+{rest}");
            vec![number, abroad]
        }
        _ => match cc.filter(|_| short_digits(&number)) {
            Some(cc) => {
                let forms = [format!("+{number}"), format!("+{}{number}", cc.as_str())];
                std::iter::once(number).chain(forms).collect()
            }
            None => vec![number],
        },
    }
}

/// A term of digits only, too short for the trigram index.
fn short_digits(term: &str) -> bool {
    term.len() < INFIX_MIN && term.bytes().all(|b| b.is_ascii_digit())
}

/// Whether the search needs the country code ([`search_condition`]).
fn has_short_number(query: &str) -> bool {
    crate::search::query::terms(query)
        .iter()
        .any(|t| match compact_number(t) {
            Some(n) => short_digits(&n),
            None => words(&fold(t)).any(short_digits),
        })
}

/// The ORDER BY of a page: names compare as bytes, as SQLite compares them.
fn order_by(tri: SortKey, desc: bool) -> String {
    let dir = if desc { "DESC" } else { "ASC" };
    let col = match tri {
        SortKey::Nom => "name_key COLLATE \"C\"".to_string(),
        SortKey::Matricule | SortKey::Identifiant => format!("{} COLLATE \"C\"", tri.sql()),
        // An empty key sorts before every number, as NULL does in SQLite.
        other if columns::PHONES.iter().any(|p| p == other.sql()) => {
            let nulls = if desc { "LAST" } else { "FIRST" };
            return format!(
                "{} COLLATE \"C\" {dir} NULLS {nulls}, id {dir}",
                other.sql()
            );
        }
        other => other.sql().to_string(),
    };
    format!("{col} {dir}, id {dir}")
}

impl SiteStore {
    pub fn get_account(&self, id: i64) -> Result<Account> {
        crate::store::accounts::account(&mut *self.client.borrow_mut(), id)
    }

    pub fn find_by_matricule(&self, matricule: &str) -> Result<Option<Account>> {
        crate::store::accounts::by_matricule(&mut *self.client.borrow_mut(), matricule)
    }

    pub fn account_by_matricule(&self, matricule: &str) -> Result<Account> {
        self.find_by_matricule(matricule)?
            .ok_or_else(|| Error::NotFound(format!("le matricule {}", matricule.trim())))
    }

    pub fn count_accounts(&self) -> Result<u64> {
        let n: i64 = self
            .client
            .borrow_mut()
            .query_one("SELECT count(*) FROM accounts", &[])?
            .get(0);
        Ok(n as u64)
    }

    /// One page of the table, sorted, filtered by the search text.
    pub fn list_accounts(&self, q: &ListQuery) -> Result<Page> {
        let limit = i64::from(q.limite.clamp(1, MAX_PAGE));
        let offset = q.decalage as i64;
        let cc = match has_short_number(&q.recherche) {
            true => Some(self.settings()?.country_code),
            false => None,
        };
        let (clause, values) = search_condition(&q.recherche, cc.as_ref());
        let mut params: Vec<&(dyn ToSql + Sync)> =
            values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        let n = values.len();
        params.push(&limit);
        params.push(&offset);
        let mut client = self.client.borrow_mut();
        if clause == "TRUE" {
            let total: i64 = client
                .query_one("SELECT count(*) FROM accounts", &[])?
                .get(0);
            let rows = client.query(
                &format!(
                    "SELECT {} FROM accounts ORDER BY {} LIMIT $1 OFFSET $2",
                    *columns::ACCOUNT,
                    order_by(q.tri, q.desc),
                ),
                &params,
            )?;
            return Ok(Page {
                total: total as u64,
                offset: q.decalage,
                rows: rows.iter().map(from_row).collect::<Result<_>>()?,
            });
        }
        // The matches are found first (the trigram index), then sorted, and counted on the way:
        // left to itself the planner walks the name index and tests each row, betting that
        // matches are spread evenly; « moh » then read 600,000 rows (2.7 s) before its first
        // Mohamed. `OFFSET 0` keeps the subquery whole. Dense matches cost a scan either way,
        // which their exact count needs anyway.
        let rows = client.query(
            &format!(
                "SELECT {}, count(*) OVER () FROM (SELECT * FROM accounts WHERE {clause} OFFSET 0) \
                 AS accounts ORDER BY {} LIMIT ${} OFFSET ${}",
                *columns::ACCOUNT,
                order_by(q.tri, q.desc),
                n + 1,
                n + 2
            ),
            &params,
        )?;
        let total: i64 = match rows.first() {
            Some(r) => r.get(r.len() - 1),
            // A page past the last match: counted on its own.
            None if offset > 0 => super::value(
                &mut *client,
                &format!("SELECT count(*) FROM accounts WHERE {clause}"),
                &params[..n],
            )?,
            None => 0,
        };
        Ok(Page {
            total: total as u64,
            offset: q.decalage,
            rows: rows.iter().map(from_row).collect::<Result<_>>()?,
        })
    }

    /// Saves the edited fields of an account (not its balance nor its minutes), audited.
    pub fn update_account(&mut self, id: i64, d: &AccountDraft) -> Result<Account> {
        let before = self.get_account(id)?;
        let sql = format!(
            "UPDATE accounts SET {}, updated_at = $19 WHERE id = $20",
            AccountRow::columns().2
        );
        let t = now();
        let details = crate::store::accounts::describe_changes(&before, d);
        let refused = self.refusal("modifier un compte");
        {
            let mut client = self.client.borrow_mut();
            let mut tx = client.transaction().map_err(&refused)?;
            let cc = super::settings::settings_held(&mut tx)?.country_code;
            crate::store::accounts::refuse_edit(&mut tx, &before, d, &cc)?;
            let row = AccountRow::new(d, &cc);
            let mut params = row.params();
            params.extend([&t as &(dyn ToSql + Sync), &id]);
            let changed = tx.execute(&sql, &params).map_err(|e| {
                if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) {
                    row.taken_meanwhile()
                } else {
                    refused(e)
                }
            })?;
            // Deleted by another desk since it was read: nothing to journal (as on SQLite).
            if changed == 0 {
                return Err(Error::no_account(id));
            }
            audit_and_commit(tx, "Modification du compte", row.subject(), &details)
                .map_err(&refused)?;
        }
        self.get_account(id)
    }

    /// Deletes the account, its movements and calls; the Journal keeps who, when, the name, the
    /// matricule and the final balance.
    pub fn delete_account(&mut self, id: i64) -> Result<Deleted> {
        let currency = self.settings()?.currency;
        let refused = self.refusal("supprimer un compte");
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(&refused)?;
        tx.execute(crate::calls::db::FORGET_CALLS_OF.site(), &[&id])
            .map_err(&refused)?;
        let row = tx
            .query_opt(
                "DELETE FROM accounts WHERE id = $1 RETURNING name, matricule, balance",
                &[&id],
            )
            .map_err(&refused)?
            .ok_or_else(|| Error::no_account(id))?;
        let (name, matricule, balance): (String, String, i64) =
            (row.get(0), row.get(1), row.get(2));
        audit(
            &mut tx,
            "Suppression du compte",
            Some((&matricule, &name)),
            &format!("solde final {}", currency.format_plain(Money(balance))),
        )
        .map_err(&refused)?;
        tx.commit().map_err(&refused)?;
        Ok(Deleted {
            nom: name,
            matricule,
            solde: balance,
        })
    }
}

/// A line of the Journal, in the caller's transaction; its operator is the signed-in user
/// (the table's trigger writes it).
pub(crate) fn audit(
    tx: &mut postgres::Transaction<'_>,
    action: &str,
    subject: Option<(&str, &str)>,
    details: &str,
) -> std::result::Result<(), postgres::Error> {
    tx.execute(
        "INSERT INTO audit (at, operator, action, matricule, name, details)
         VALUES ($1, session_user, $2, $3, $4, $5)",
        &[
            &now(),
            &action,
            &subject.map(|s| s.0),
            &subject.map(|s| s.1),
            &details,
        ],
    )?;
    Ok(())
}
