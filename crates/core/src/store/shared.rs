//! Query texts both stores run, written once in PostgreSQL's form (`$1`, `$2`…) next to the code
//! they serve, and [`Queries`], through which code written once runs them on either store: the
//! desk's SQLite file ([`Lite`], its own numbered parameters `?1`…) or a site's PostgreSQL.

use crate::error::Result;
use postgres::GenericClient;
use rusqlite::{params_from_iter, Connection, OptionalExtension};
use std::borrow::Cow;
use std::sync::OnceLock;

/// A query text written once for both stores: as the site runs it, and as SQLite runs it, made
/// on first use (decisions and loads run some of these per row).
pub(crate) struct Sql {
    text: Cow<'static, str>,
    sqlite: OnceLock<String>,
}

impl Sql {
    pub const fn new(text: &'static str) -> Sql {
        Sql {
            text: Cow::Borrowed(text),
            sqlite: OnceLock::new(),
        }
    }

    /// A text made at run time (from the account's column list, say), kept in a `LazyLock`.
    pub fn made(text: String) -> Sql {
        Sql {
            text: Cow::Owned(text),
            sqlite: OnceLock::new(),
        }
    }

    /// As PostgreSQL runs it.
    pub fn site(&self) -> &str {
        &self.text
    }

    /// As SQLite runs it.
    pub fn sqlite(&self) -> &str {
        self.sqlite.get_or_init(|| sqlite(&self.text))
    }
}

/// A query written in PostgreSQL's form, as SQLite runs it: `?1`…. SQLite reads `$1` too, but as
/// a name numbered by its first appearance in the text, which is not its number when `$4` comes
/// before `$1`.
pub(crate) fn sqlite(shared: &str) -> String {
    shared.replace('$', "?")
}

/// A value both stores take as a parameter: integers, texts, booleans and their options.
pub(crate) trait Param {
    fn sqlite(&self) -> &dyn rusqlite::ToSql;
    fn site(&self) -> &(dyn postgres::types::ToSql + Sync);
}

impl<T: rusqlite::ToSql + postgres::types::ToSql + Sync> Param for T {
    fn sqlite(&self) -> &dyn rusqlite::ToSql {
        self
    }

    fn site(&self) -> &(dyn postgres::types::ToSql + Sync) {
        self
    }
}

/// A column both stores read into the same type.
pub(crate) trait Column: rusqlite::types::FromSql + postgres::types::FromSqlOwned {}

impl<T: rusqlite::types::FromSql + postgres::types::FromSqlOwned> Column for T {}

/// What code written once for both stores asks of either; each runs [`Sql`] its own way.
pub(crate) trait Queries {
    /// Runs a statement: the rows it changed.
    fn execute(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<u64>;
    /// Whether the query has a row.
    fn exists(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<bool>;
    /// The first column of the query's one row.
    fn value<T: Column>(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<T>;
    /// The one row of a query whose columns are integers.
    fn ints<const N: usize>(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<[i64; N]>;
}

/// The desk's SQLite file (a transaction or a savepoint of it), its statements cached.
pub(crate) struct Lite<'c>(pub &'c Connection);

fn lite<'p>(p: &'p [&dyn Param]) -> impl rusqlite::Params + 'p {
    params_from_iter(p.iter().map(|v| v.sqlite()))
}

impl Queries for Lite<'_> {
    fn execute(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<u64> {
        Ok(self.0.prepare_cached(sql.sqlite())?.execute(lite(p))? as u64)
    }

    fn exists(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<bool> {
        Ok(self
            .0
            .prepare_cached(sql.sqlite())?
            .query_row(lite(p), |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn value<T: Column>(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<T> {
        Ok(self
            .0
            .prepare_cached(sql.sqlite())?
            .query_row(lite(p), |r| r.get(0))?)
    }

    fn ints<const N: usize>(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<[i64; N]> {
        let mut row = [0; N];
        self.0
            .prepare_cached(sql.sqlite())?
            .query_row(lite(p), |r| {
                for (i, v) in row.iter_mut().enumerate() {
                    *v = r.get(i)?;
                }
                Ok(())
            })?;
        Ok(row)
    }
}

/// The parameters as PostgreSQL's client takes them.
pub(crate) fn site<'p>(p: &'p [&dyn Param]) -> Vec<&'p (dyn postgres::types::ToSql + Sync)> {
    p.iter().map(|v| v.site()).collect()
}

/// A site's connection as the shared queries use it: PostgreSQL's client, and the query made
/// ready on it (call control keeps its statements prepared; elsewhere the server parses each
/// query as it comes, which is what the client does with a text anyway).
pub(crate) trait SiteConn {
    type Client: postgres::GenericClient;
    fn prepared(&mut self, sql: &str) -> Result<(&mut Self::Client, postgres::Statement)>;
}

impl<'t> SiteConn for postgres::Transaction<'t> {
    type Client = Self;
    fn prepared(&mut self, sql: &str) -> Result<(&mut Self, postgres::Statement)> {
        let st = self.prepare(sql)?;
        Ok((self, st))
    }
}

impl<S: SiteConn> Queries for S {
    fn execute(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<u64> {
        let (c, st) = self.prepared(sql.site())?;
        Ok(GenericClient::execute(c, &st, &site(p))?)
    }

    fn exists(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<bool> {
        let (c, st) = self.prepared(sql.site())?;
        Ok(c.query_opt(&st, &site(p))?.is_some())
    }

    fn value<T: Column>(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<T> {
        let (c, st) = self.prepared(sql.site())?;
        Ok(c.query_one(&st, &site(p))?.try_get(0)?)
    }

    fn ints<const N: usize>(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<[i64; N]> {
        let (c, st) = self.prepared(sql.site())?;
        let row = c.query_one(&st, &site(p))?;
        let mut out = [0; N];
        for (i, v) in out.iter_mut().enumerate() {
            *v = row.try_get(i)?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_numbers_parameters_as_postgresql_does_whatever_their_order() {
        static Q: Sql = Sql::new("SELECT $2 || $1");
        let conn = Connection::open_in_memory().unwrap();
        let got: String = Lite(&conn).value(&Q, &[&"a", &"b"]).unwrap();
        assert_eq!(got, "ba");
        // The text as written would bind the first value to `$2`, its first name.
        let raw: String = conn.query_row(Q.site(), ["a", "b"], |r| r.get(0)).unwrap();
        assert_eq!(raw, "ab");
    }
}
