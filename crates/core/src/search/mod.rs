//! Search over name, matricule, identifiant and phone numbers, answered from indexes.
//!
//! Matricule and identifiant prefixes use their UNIQUE indexes. Name words and phone numbers
//! go to an inverted index kept in the `search_buckets` table (see `index`), maintained in the
//! same transaction as the accounts it describes.

pub mod index;
pub mod postings;
pub mod query;

pub use query::matching_ids;
