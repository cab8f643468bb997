//! Exporter les utilisateurs, to a path chosen in the native save dialog.

use crate::progress::Progress;
use crate::Call;
use forfaits_core::export::{export_users_to_file, ExportFormat, ExportOptions};
use forfaits_core::Error;
use std::path::PathBuf;
use tauri::{AppHandle, Runtime};

#[tauri::command]
pub async fn exporter_utilisateurs<R: Runtime>(
    app: AppHandle<R>,
    state: Call<'_>,
    chemin: String,
    format: ExportFormat,
    separateur: String,
) -> Result<u64, Error> {
    let separator = match separateur.as_str() {
        "," => b',',
        _ => b';',
    };
    state
        .with_own_store(move |s| {
            let mut p = Progress::new(app, "export");
            export_users_to_file(
                s,
                &PathBuf::from(chemin),
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
