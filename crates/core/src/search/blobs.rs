//! The index's tables of one blob under a key (`search_grams`: digit-gram lists by key,
//! `search_buckets`: postings by bucket). Both are rewritten row by row as the lists change, so
//! their upsert and delete are the same statements over other names; each table keeps its own
//! look-up (a key range for the grams, one bucket for the postings).

use crate::error::Result;
use rusqlite::{params, CachedStatement, Connection, OptionalExtension, ToSql};

pub(crate) struct BlobTable<'c> {
    look_up: CachedStatement<'c>,
    upsert: CachedStatement<'c>,
    delete: CachedStatement<'c>,
}

impl<'c> BlobTable<'c> {
    /// Prepares, once per batch of writes, `look_up` (which returns key and blob, or the blob)
    /// and the table's upsert and delete.
    pub(crate) fn new(
        conn: &'c Connection,
        [table, key, blob]: [&str; 3],
        look_up: &str,
    ) -> Result<Self> {
        Ok(BlobTable {
            look_up: conn.prepare_cached(look_up)?,
            upsert: conn.prepare_cached(&format!(
                "INSERT INTO {table} ({key}, {blob}) VALUES (?1, ?2)
                 ON CONFLICT ({key}) DO UPDATE SET {blob} = excluded.{blob}"
            ))?,
            delete: conn.prepare_cached(&format!("DELETE FROM {table} WHERE {key} = ?1"))?,
        })
    }

    /// The one row the look-up finds, if any.
    pub(crate) fn look_up<T>(
        &mut self,
        params: impl rusqlite::Params,
        row: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        Ok(self.look_up.query_row(params, row).optional()?)
    }

    pub(crate) fn put(&mut self, key: impl ToSql, blob: &[u8]) -> Result<()> {
        self.upsert.execute(params![key, blob])?;
        Ok(())
    }

    pub(crate) fn delete(&mut self, key: impl ToSql) -> Result<()> {
        self.delete.execute([key])?;
        Ok(())
    }
}
