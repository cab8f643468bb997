//! Progress of long work, sent to the page as `progression` events at most ten times a second.

use serde::Serialize;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Emitter, Runtime};

#[derive(Clone, Serialize)]
pub struct ProgressEvent {
    /// `import`, `export`, `appels`…
    pub tache: &'static str,
    pub fait: u64,
    pub total: u64,
    /// Lines (or accounts) handled so far.
    pub lignes: u64,
}

pub struct Progress<R: Runtime> {
    app: AppHandle<R>,
    task: &'static str,
    last: Option<Instant>,
}

impl<R: Runtime> Progress<R> {
    pub fn new(app: AppHandle<R>, task: &'static str) -> Self {
        Progress {
            app,
            task,
            last: None,
        }
    }

    pub fn report(&mut self, done: u64, total: u64, lines: u64) {
        let now = Instant::now();
        let finished = total > 0 && done >= total;
        if !finished
            && self
                .last
                .is_some_and(|t| now - t < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(now);
        let _ = self.app.emit(
            "progression",
            ProgressEvent {
                tache: self.task,
                fait: done,
                total,
                lignes: lines,
            },
        );
    }
}
