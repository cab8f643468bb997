//! Progress of long work (import, export, loading calls), sent to the page as `progression`
//! events at most ten times a second; each report is also where the work stops when the person
//! pressed *Annuler* (the core then rolls back, or leaves no file).

use forfaits_core::Error;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tauri::{AppHandle, Emitter, Runtime};

/// The long work the page can follow and stop, by the name its events carry.
pub const TASKS: [&str; 3] = ["import", "export", "appels"];

#[derive(Clone, Serialize)]
pub struct ProgressEvent {
    /// One of [`TASKS`].
    pub tache: &'static str,
    pub fait: u64,
    pub total: u64,
    /// Lines (or accounts) handled so far.
    pub lignes: u64,
}

/// Which long work runs, and which the person asked to stop. A request is kept until the work
/// of that kind ends, so that *Annuler* pressed between two reports is not lost, and is dropped
/// with it, so that it never stops the next one.
#[derive(Clone, Default)]
pub struct Stops(Arc<Mutex<HashMap<&'static str, Running>>>);

#[derive(Default)]
struct Running {
    count: u32,
    stop: bool,
}

impl Stops {
    /// Asks the work named `task` to stop at its next report; false when none runs.
    pub fn ask(&self, task: &str) -> bool {
        match self.lock().get_mut(task) {
            Some(r) => {
                r.stop = true;
                true
            }
            None => false,
        }
    }

    fn start(&self, task: &'static str) {
        self.lock().entry(task).or_default().count += 1;
    }

    fn end(&self, task: &'static str) {
        let mut map = self.lock();
        if let Some(r) = map.get_mut(task) {
            r.count -= 1;
            if r.count == 0 {
                map.remove(task);
            }
        }
    }

    fn asked(&self, task: &'static str) -> bool {
        self.lock().get(task).is_some_and(|r| r.stop)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<&'static str, Running>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// One piece of long work as it runs: registered in [`Stops`] until dropped.
pub struct Progress<R: Runtime> {
    app: AppHandle<R>,
    task: &'static str,
    stops: Stops,
    last: Option<Instant>,
}

impl<R: Runtime> Progress<R> {
    pub fn new(app: AppHandle<R>, task: &'static str, stops: Stops) -> Self {
        debug_assert!(TASKS.contains(&task), "{task}");
        stops.start(task);
        Progress {
            app,
            task,
            stops,
            last: None,
        }
    }

    /// Tells the page how far the work is; [`Error::Cancelled`] once the person asked to stop.
    pub fn report(&mut self, done: u64, total: u64, lines: u64) -> Result<(), Error> {
        if self.stops.asked(self.task) {
            return Err(Error::Cancelled);
        }
        let now = Instant::now();
        let finished = total > 0 && done >= total;
        if !finished
            && self
                .last
                .is_some_and(|t| now - t < Duration::from_millis(100))
        {
            return Ok(());
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
        Ok(())
    }
}

impl<R: Runtime> Drop for Progress<R> {
    fn drop(&mut self) {
        self.stops.end(self.task);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_asked_reaches_the_running_work_only_until_it_ends() {
        let stops = Stops::default();
        assert!(!stops.ask("import"), "nothing runs: nothing to stop");
        stops.start("import");
        assert!(!stops.asked("import"));
        assert!(stops.ask("import"));
        assert!(stops.asked("import"));
        assert!(
            !stops.asked("export"),
            "an export is not stopped by the import's Annuler"
        );
        stops.end("import");
        stops.start("import");
        assert!(!stops.asked("import"), "the next import starts afresh");
    }

    #[test]
    fn two_exports_at_once_both_stop_and_the_request_ends_with_the_last() {
        let stops = Stops::default();
        stops.start("export");
        stops.start("export");
        assert!(stops.ask("export"));
        stops.end("export");
        assert!(
            stops.asked("export"),
            "the other export still runs and still stops"
        );
        stops.end("export");
        assert!(!stops.ask("export"));
    }
}
