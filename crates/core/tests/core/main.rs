//! The core's tests, one binary (each test binary links on its own, and linking dominates the
//! build of a suite on two cores): behaviour of the store, import, export, calls, call control,
//! rules, search and sheet on real SQLite files.

mod common;

mod both_stores;
mod calls;
mod control;
mod export;
mod forms;
mod import;
mod import_fuzz;
mod money_props;
mod movements;
mod office;
mod search;
mod settings;
mod sheet;
mod store;
mod tariff_preview;
