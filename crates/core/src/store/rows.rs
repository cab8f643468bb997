//! Rows read into structs by column name (`serde_rusqlite`): the SELECT names each column after
//! the field it fills (`number AS numero`), so that a column added to or moved in a query cannot
//! shift the others into the wrong fields, as reading by position would silently do.

use crate::error::Result;
use rusqlite::{Params, Statement};
use serde::de::DeserializeOwned;

/// Every row of the query, each read into a `T` by its columns' names.
pub(crate) fn all<T: DeserializeOwned>(
    stmt: &mut Statement<'_>,
    params: impl Params,
) -> Result<Vec<T>> {
    Ok(serde_rusqlite::from_rows::<T>(stmt.query(params)?)
        .collect::<std::result::Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Entry {
        numero: String,
        gratuit: bool,
        date: i64,
    }

    #[test]
    fn columns_fill_the_fields_of_their_name_whatever_their_order() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut stmt = conn
            .prepare("SELECT 1700000000 AS date, 1 AS gratuit, '+21671000000' AS numero")
            .unwrap();
        let got: Vec<Entry> = all(&mut stmt, []).unwrap();
        let want = Entry {
            numero: "+21671000000".into(),
            gratuit: true,
            date: 1_700_000_000,
        };
        assert_eq!(got, vec![want]);
    }

    #[test]
    fn a_column_missing_from_the_select_is_an_error_not_a_default() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut stmt = conn.prepare("SELECT 1 AS gratuit, 2 AS date").unwrap();
        let err = all::<Entry>(&mut stmt, []).unwrap_err().to_string();
        assert!(err.contains("Donnée inattendue"), "{err}");
    }
}
