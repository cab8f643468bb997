//! Query texts both stores run, written once in PostgreSQL's form (`$1`, `$2`…) next to the code
//! they serve, and [`Queries`], through which code written once runs them on either store: the
//! desk's SQLite file ([`Lite`], its own numbered parameters `?1`…) or a site's PostgreSQL.

use crate::error::Result;
use postgres::GenericClient;
use rusqlite::{params_from_iter, Connection};
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

/// A row of either store, read column by column, failing with the driver's own error (a
/// SQLite row is read inside rusqlite's closures).
pub(crate) trait Get {
    type Error: Into<crate::Error>;
    fn col<T: Column>(&self, i: usize) -> std::result::Result<T, Self::Error>;
}

impl Get for rusqlite::Row<'_> {
    type Error = rusqlite::Error;
    fn col<T: Column>(&self, i: usize) -> rusqlite::Result<T> {
        self.get(i)
    }
}

impl Get for postgres::Row {
    type Error = postgres::Error;
    fn col<T: Column>(&self, i: usize) -> std::result::Result<T, postgres::Error> {
        self.try_get(i)
    }
}

/// What a row of either store reads into: a tuple of [`Column`]s, `()` for a row whose
/// presence alone counts, or a type that says how.
pub(crate) trait Row: Sized {
    fn read<G: Get>(r: &G) -> std::result::Result<Self, G::Error>;
}

impl Row for () {
    fn read<G: Get>(_: &G) -> std::result::Result<Self, G::Error> {
        Ok(())
    }
}

/// `column` within the period `$2`..`$3`, each bound `NULL` for open; cast because PostgreSQL
/// cannot type a parameter it only sees in `IS NULL`. Every query by period says it so.
macro_rules! in_period {
    ($column:literal) => {
        concat!(
            "(CAST($2 AS bigint) IS NULL OR ",
            $column,
            " >= $2)
             AND (CAST($3 AS bigint) IS NULL OR ",
            $column,
            " < $3)"
        )
    };
}
pub(crate) use in_period;

macro_rules! tuple_row {
    ($($t:ident $i:tt),+) => {
        impl<$($t: Column),+> Row for ($($t,)+) {
            fn read<G: Get>(r: &G) -> std::result::Result<Self, G::Error> {
                Ok(($(r.col($i)?,)+))
            }
        }
    };
}

tuple_row!(A 0);
tuple_row!(A 0, B 1);
tuple_row!(A 0, B 1, C 2);
tuple_row!(A 0, B 1, C 2, D 3);
tuple_row!(A 0, B 1, C 2, D 3, E 4, F 5, T6 6);
tuple_row!(A 0, B 1, C 2, D 3, E 4, F 5, T6 6, H 7, I 8, J 9, K 10);

/// What code written once for both stores asks of either; each runs [`Sql`] its own way.
pub(crate) trait Queries {
    /// Runs a statement: the rows it changed.
    fn execute(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<u64>;
    /// Every row of the query.
    fn rows<R: Row>(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<Vec<R>>;
    /// The query's first row, if it has one.
    fn first<R: Row>(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<Option<R>>;
    /// The query's one row (none is an error).
    fn row<R: Row>(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<R>;

    /// Whether the query has a row.
    fn exists(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<bool> {
        Ok(self.first::<()>(sql, p)?.is_some())
    }

    /// The first column of the query's one row.
    fn value<T: Column>(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<T> {
        Ok(self.row::<(T,)>(sql, p)?.0)
    }
}

/// The desk's SQLite file (a transaction or a savepoint of it), its statements cached.
pub(crate) struct Lite<'c>(pub &'c Connection);

/// A parameter list as rusqlite takes it.
pub(crate) fn lite<'p>(p: &'p [&dyn Param]) -> impl rusqlite::Params + 'p {
    params_from_iter(p.iter().map(|v| v.sqlite()))
}

impl Queries for Lite<'_> {
    fn execute(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<u64> {
        Ok(self.0.prepare_cached(sql.sqlite())?.execute(lite(p))? as u64)
    }

    fn rows<R: Row>(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<Vec<R>> {
        let mut stmt = self.0.prepare_cached(sql.sqlite())?;
        let mut rows = stmt.query(lite(p))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(R::read(r)?);
        }
        Ok(out)
    }

    fn first<R: Row>(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<Option<R>> {
        let mut stmt = self.0.prepare_cached(sql.sqlite())?;
        let mut rows = stmt.query(lite(p))?;
        Ok(rows.next()?.map(R::read).transpose()?)
    }

    fn row<R: Row>(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<R> {
        self.first(sql, p)?
            .ok_or_else(|| rusqlite::Error::QueryReturnedNoRows.into())
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
    type Client: GenericClient;
    fn prepared(&mut self, sql: &str) -> Result<(&mut Self::Client, postgres::Statement)>;
}

impl<'t> SiteConn for postgres::Transaction<'t> {
    type Client = Self;
    fn prepared(&mut self, sql: &str) -> Result<(&mut Self, postgres::Statement)> {
        let st = self.prepare(sql)?;
        Ok((self, st))
    }
}

impl SiteConn for postgres::Client {
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

    fn rows<R: Row>(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<Vec<R>> {
        let (c, st) = self.prepared(sql.site())?;
        let rows = c.query(&st, &site(p))?;
        Ok(rows
            .iter()
            .map(R::read)
            .collect::<std::result::Result<_, _>>()?)
    }

    fn first<R: Row>(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<Option<R>> {
        let (c, st) = self.prepared(sql.site())?;
        Ok(c.query_opt(&st, &site(p))?
            .as_ref()
            .map(R::read)
            .transpose()?)
    }

    fn row<R: Row>(&mut self, sql: &Sql, p: &[&dyn Param]) -> Result<R> {
        let (c, st) = self.prepared(sql.site())?;
        Ok(R::read(&c.query_one(&st, &site(p))?)?)
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

    /// The SQL string literals of a Rust source: each whole `"…"` literal that starts with a
    /// statement's first word, white space folded and `?n` written `$n`.
    fn sql_literals(source: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut chars = source.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                // A char literal (`'"'`, `'\"'`) must not open a string; a lifetime is passed.
                '\'' => {
                    let rest = &source[i + 1..];
                    if rest.starts_with('\\') {
                        chars.nth(1);
                        while chars.next_if(|&(_, c)| c != '\'').is_some() {}
                        chars.next();
                    } else if rest.chars().nth(1) == Some('\'') {
                        chars.nth(1);
                    }
                }
                // A raw string (`r#"…"#`) holds quotes of its own; none of ours holds SQL.
                'r' if source[i..].starts_with("r#\"") || source[i..].starts_with("r\"") => {
                    let hashes = source[i + 1..].chars().take_while(|&c| c == '#').count();
                    let end = format!("\"{}", "#".repeat(hashes));
                    let body = i + 2 + hashes;
                    let stop = source[body..].find(&end).map_or(source.len(), |e| body + e);
                    while chars.next_if(|&(j, _)| j < stop + end.len()).is_some() {}
                }
                '/' if source[i..].starts_with("//") => {
                    while chars.next_if(|&(_, c)| c != '\n').is_some() {}
                }
                '"' => {
                    let mut text = String::new();
                    while let Some((_, c)) = chars.next() {
                        match c {
                            '\\' => {
                                if let Some((_, e)) = chars.next() {
                                    text.push(if e == '\n' { ' ' } else { e });
                                }
                            }
                            '"' => break,
                            c => text.push(c),
                        }
                    }
                    let words: Vec<&str> = text.split_whitespace().collect();
                    let first = words.first().copied().unwrap_or("");
                    if ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH"].contains(&first) {
                        out.push(words.join(" ").replace('?', "$"));
                    }
                }
                _ => {}
            }
        }
        out
    }

    #[test]
    fn no_query_text_is_written_twice_in_the_sources() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut seen: std::collections::HashMap<String, Vec<String>> = Default::default();
        let mut files = 0;
        let mut dirs = vec![root.join("crates"), root.join("src-tauri/src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    if !path.ends_with("target") && !path.ends_with("tests") {
                        dirs.push(path);
                    }
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files += 1;
                    let source = std::fs::read_to_string(&path).unwrap();
                    for sql in sql_literals(&source) {
                        // The shortest statements (`DELETE FROM tariffs`) say all they are.
                        if sql.len() >= 32 {
                            seen.entry(sql)
                                .or_default()
                                .push(path.display().to_string());
                        }
                    }
                }
            }
        }
        assert!(files > 100, "the sources were not found under {root:?}");
        let twice: Vec<_> = seen.into_iter().filter(|(_, at)| at.len() > 1).collect();
        assert!(
            twice.is_empty(),
            "one text, one place (a `Sql` beside the code it serves): {twice:#?}"
        );
    }

    #[test]
    fn the_literal_reader_finds_sql_across_lines_and_escapes_only() {
        let src = "let a = \"SELECT x\n   FROM t WHERE id = ?1\"; // \"SELECT no\"\nlet c = '\"'; let d = '\\\"'; let e = '\\''; \
                   let f = r#\"a \"SELECT raw\" b\"#; \"not SQL\"";
        assert_eq!(sql_literals(src), ["SELECT x FROM t WHERE id = $1"]);
    }
}
