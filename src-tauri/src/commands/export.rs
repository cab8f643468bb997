//! Exporter les utilisateurs, to the file chosen in the native save dialog (`jeton`).

use crate::chosen::Use;
use crate::progress::Progress;
use crate::Call;
use forfaits_core::export::{export_users_to_file, ExportFormat, ExportOptions};
use forfaits_core::Error;
use tauri::{AppHandle, Runtime};

#[tauri::command]
pub async fn exporter_utilisateurs<R: Runtime>(
    app: AppHandle<R>,
    state: Call<'_>,
    jeton: String,
    format: ExportFormat,
    separateur: String,
) -> Result<u64, Error> {
    let separator = match separateur.as_str() {
        "," => b',',
        _ => b';',
    };
    let (chosen, stops) = (state.chosen.clone(), state.stops.clone());
    state
        .with_own_base(move |s| {
            let path = chosen.take(&jeton, Use::Write)?;
            let mut p = Progress::new(app, "export", stops);
            export_users_to_file(
                &**s,
                &path,
                ExportOptions {
                    format,
                    separator,
                    bom: true,
                },
                &mut |done, total| p.report(done, total, done),
            )
        })
        .await
}
