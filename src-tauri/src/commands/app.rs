use crate::AppState;
use forfaits_core::Error;
use serde::Serialize;
use tauri::State;

#[derive(Serialize)]
pub struct Infos {
    pub version: &'static str,
    pub base: String,
    pub base_nom: String,
    pub devise: String,
    pub decimales: u8,
    pub indicatif: String,
    pub schema: i64,
}

/// What the status line and the About box show.
#[tauri::command]
pub async fn infos_application(state: State<'_, AppState>) -> Result<Infos, Error> {
    let base = state.db_path().display().to_string();
    let base_nom = state
        .db_path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    state
        .with_store(move |s| {
            let st = s.settings()?;
            Ok(Infos {
                version: env!("CARGO_PKG_VERSION"),
                base,
                base_nom,
                devise: st.currency.code,
                decimales: st.currency.decimals,
                indicatif: st.country_code.as_str().to_string(),
                schema: s.file_schema_version()?,
            })
        })
        .await
}
