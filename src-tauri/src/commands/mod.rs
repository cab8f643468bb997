//! Tauri commands, one module per screen. Errors reach the page as `{message, champs}`.

pub mod accounts;
pub mod app;
pub mod balance;
pub mod calls;
pub mod export;
pub mod files;
pub mod import;
pub mod rules;
pub mod view;
