//! Tauri commands, one module per screen. Errors reach the page as `{message, champs}`.

pub mod accounts;
pub mod app;
pub mod view;
