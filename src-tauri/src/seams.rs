//! What cannot run in a test: native file dialogs and the system's PDF viewer. Each sits behind
//! one function. `FORFAITS_DIALOGUE` names a text file whose content answers every dialog (a
//! path, or nothing for "cancelled"), and `FORFAITS_VISIONNEUSE=aucune` skips the viewer, so the
//! end-to-end tests drive every screen of the real window.

use std::path::{Path, PathBuf};
use tauri::{Runtime, WebviewWindow};

pub enum DialogKind {
    Open,
    Save { file_name: String },
}

fn replaced() -> Option<Option<PathBuf>> {
    let answers = std::env::var_os("FORFAITS_DIALOGUE")?;
    let answer = std::fs::read_to_string(answers).unwrap_or_default();
    let answer = answer.trim();
    Some((!answer.is_empty()).then(|| PathBuf::from(answer)))
}

/// Asks for a file; `None` when the person cancels.
pub async fn pick_file<R: Runtime>(
    window: WebviewWindow<R>,
    kind: DialogKind,
    title: String,
    filter: (String, Vec<String>),
) -> Option<PathBuf> {
    if let Some(answer) = replaced() {
        return answer;
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let w = window.clone();
    // GTK (and macOS) want dialogs built on the main thread; the answer is awaited elsewhere.
    let built = window.run_on_main_thread(move || {
        let mut d = rfd::AsyncFileDialog::new()
            .set_title(title)
            .add_filter(filter.0, &filter.1)
            .set_parent(&w);
        if let Some(home) = std::env::var_os("HOME") {
            d = d.set_directory(home);
        }
        let fut: std::pin::Pin<
            Box<dyn std::future::Future<Output = Option<rfd::FileHandle>> + Send>,
        > = match kind {
            DialogKind::Open => Box::pin(d.pick_file()),
            DialogKind::Save { file_name } => Box::pin(d.set_file_name(file_name).save_file()),
        };
        let _ = tx.send(fut);
    });
    if built.is_err() {
        return None;
    }
    let fut = rx.await.ok()?;
    fut.await.map(|h| h.path().to_path_buf())
}

/// Opens a file (the printed sheet) with the system's viewer.
pub fn open_with_system(path: &Path) -> std::io::Result<()> {
    if std::env::var("FORFAITS_VISIONNEUSE").as_deref() == Ok("aucune") {
        return Ok(());
    }
    open::that_detached(path)
}
