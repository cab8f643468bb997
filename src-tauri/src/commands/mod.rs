//! Tauri commands, one module per screen. Each takes a [`crate::Call`] and runs its fallible work
//! through it, so a failure is logged once; errors reach the page as `{code, message, champs}`.

pub mod accounts;
pub mod app;
pub mod balance;
pub mod calls;
pub mod export;
pub mod files;
pub mod import;
pub mod rules;
pub mod session;
pub mod view;
