//! What cannot run in a test: native file dialogs, the print dialog and the system's PDF viewer.
//! Each sits behind one function. `FORFAITS_DIALOGUE` names a text file whose content answers
//! every dialog (a path, or nothing for "cancelled"; what was asked is written beside it),
//! `FORFAITS_IMPRESSION` names a PDF file the window prints to instead of opening the print
//! dialog, and `FORFAITS_VISIONNEUSE=aucune` skips the viewer, so the end-to-end tests drive
//! every screen of the real window.

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

/// What the replaced dialog would have shown, in `FORFAITS_DIALOGUE` + `.demande` (one line
/// each: title, proposed file name, filter name, extensions), for the tests to check.
fn record_question(kind: &DialogKind, title: &str, filter: &(String, Vec<String>)) {
    let Some(answers) = std::env::var_os("FORFAITS_DIALOGUE") else {
        return;
    };
    let name = match kind {
        DialogKind::Open => "",
        DialogKind::Save { file_name } => file_name,
    };
    let mut asked = answers;
    asked.push(".demande");
    let question = format!("{title}\n{name}\n{}\n{}\n", filter.0, filter.1.join(" "));
    if let Err(e) = std::fs::write(&asked, question) {
        tracing::warn!("dialogue remplacé : {e}");
    }
}

/// Asks for a file; `None` when the person cancels.
pub async fn pick_file<R: Runtime>(
    window: WebviewWindow<R>,
    kind: DialogKind,
    title: String,
    filter: (String, Vec<String>),
) -> Option<PathBuf> {
    if let Some(answer) = replaced() {
        record_question(&kind, &title, &filter);
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

/// Opens the system's print dialog on what the window prints (Tauri's `print`: WebKitGTK's GTK
/// dialog on Linux, WebView2's on Windows, the print panel on macOS). The page decides what is
/// printed with its print stylesheet.
///
/// With `FORFAITS_IMPRESSION=FILE`, the same page goes through the same print machinery of the
/// webview, without the dialog, into the PDF file FILE (written as `FILE.partiel`, renamed when
/// the print is finished): what the person would have got from the printer.
pub fn print_window<R: Runtime>(window: &WebviewWindow<R>) -> Result<(), String> {
    match std::env::var_os("FORFAITS_IMPRESSION") {
        Some(file) if !file.is_empty() => print_to_file(window, PathBuf::from(file)),
        _ => window.print().map_err(|e| e.to_string()),
    }
}

#[cfg(target_os = "linux")]
fn print_to_file<R: Runtime>(window: &WebviewWindow<R>, file: PathBuf) -> Result<(), String> {
    use webkit2gtk::PrintOperationExt;
    let partial = PathBuf::from(format!("{}.partiel", file.display()));
    let uri = webkit2gtk::glib::filename_to_uri(&partial, None).map_err(|e| e.to_string())?;
    window
        .with_webview(move |webview| {
            let settings = gtk::PrintSettings::new();
            // GTK's own file printer ("Print to File" is its name, not a label).
            settings.set_printer("Print to File");
            settings.set(gtk::PRINT_SETTINGS_OUTPUT_FILE_FORMAT, Some("pdf"));
            settings.set(gtk::PRINT_SETTINGS_OUTPUT_URI, Some(&uri));
            let setup = gtk::PageSetup::new();
            setup.set_paper_size(&gtk::PaperSize::new(Some(gtk::PAPER_NAME_A4)));
            let op = webkit2gtk::PrintOperation::new(&webview.inner());
            op.set_print_settings(&settings);
            op.set_page_setup(&setup);
            op.connect_failed(|_, e| tracing::error!("impression vers un fichier : {e}"));
            // The operation keeps itself alive in its handler until it is finished.
            let keep = std::cell::RefCell::new(Some(op.clone()));
            op.connect_finished(move |_| {
                if let Err(e) = std::fs::rename(&partial, &file) {
                    tracing::error!("impression vers {} : {e}", file.display());
                }
                keep.borrow_mut().take();
            });
            op.print();
        })
        .map_err(|e| e.to_string())
}

#[cfg(not(target_os = "linux"))]
fn print_to_file<R: Runtime>(_window: &WebviewWindow<R>, _file: PathBuf) -> Result<(), String> {
    Err("l'impression vers un fichier sans dialogue n'existe que sous Linux".into())
}
