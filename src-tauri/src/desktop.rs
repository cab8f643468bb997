//! What makes the window a desktop citizen: one instance at a time, its size and place
//! remembered, log files in the OS log folder, rotated.

use std::path::Path;
use tauri::{AppHandle, Manager, Runtime, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// Log files kept (one a day).
const LOG_FILES: usize = 14;

/// Starts writing `forfaits.AAAA-MM-JJ.log` in `dir`; the guard flushes on drop.
pub fn start_logging(dir: &Path) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    std::fs::create_dir_all(dir).ok()?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("forfaits")
        .filename_suffix("log")
        .max_log_files(LOG_FILES)
        .build(dir)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    log_to(writer).then_some(guard)
}

/// Sends the log to `writer`, one line per event, as the log files have it; false when a log
/// was already set up.
pub fn log_to<W>(writer: W) -> bool
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(false)
        .try_init()
        .is_ok()
}

/// A second launch lands here, in the first instance: bring its window forward.
pub fn focus_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
    tracing::info!("seconde ouverture : la fenêtre existante est mise au premier plan");
}

/// Saves size and place as soon as they change, so that even a killed window reopens where
/// it was.
pub fn remember_geometry<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window("main") {
        let handle = app.clone();
        w.on_window_event(move |e| {
            if matches!(e, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
                let _ = handle.save_window_state(
                    StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED,
                );
            }
        });
    }
}
