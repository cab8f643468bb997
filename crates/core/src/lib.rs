//! Forfaits core: the domain, the SQLite store with its ledger and audit log, search, and the
//! CSV import/export engines. Free of any GUI dependency so that the command line and the tests
//! use it directly.

mod atomic_file;
pub mod base;
pub mod calls;
pub mod control;
pub mod dates;
pub mod desk;
pub mod domain;
pub mod error;
pub mod export;
pub mod fr;
pub mod import;
pub mod page;
pub mod print;
pub mod rating;
pub mod rules;
pub mod search;
pub mod sheet;
pub mod site;
pub mod store;
pub mod tariff_diff;
pub mod tariffs;
pub mod text;

pub use base::Base;
pub use error::{Error, Result};
pub use store::Store;

/// The traits whose methods fronts call on a [`Base`] or a store: `use forfaits_core::prelude::*`.
pub mod prelude {
    pub use crate::base::{AnyStore, Basics};
    pub use crate::calls::history::CallHistory;
    pub use crate::control::AttemptHistory;
    pub use crate::desk::Desk;
    pub use crate::export::AccountSource;
    pub use crate::page::Page;
    pub use crate::rules::numbers::NumberStore;
    pub use crate::rules::AccountRules;
}
