//! Search over name, matricule, identifiant and phone numbers, answered from indexes.
//!
//! Name words and phone numbers go to an inverted index kept in the `search_buckets` table
//! (see `index`): the beginning of a word or number. Any run of 3 or more digits inside a
//! number, matricule or identifiant is found through digit grams (`grams`), and any run of 3 or
//! more letters inside a name through the vocabulary of name words (`words`). All are maintained
//! in the same transaction as the accounts they describe.

pub(crate) mod blobs;
pub mod grams;
pub mod index;
pub mod postings;
pub mod query;
pub mod words;

pub use query::matching_ids;

/// Shorter terms match the beginning of a word or number only: one or two characters are
/// inside too many of them to say anything.
pub const INFIX_MIN: usize = 3;
