//! What the window keeps between commands: the database path, one connection for the quick
//! reads and writes of the screens, and the errors of the last import preview (for the error
//! report). Long work (import, export, loading calls) opens its own connection on a worker
//! thread, so the window keeps answering meanwhile (WAL lets readers run beside one writer).

use forfaits_core::import::line::LineError;
use forfaits_core::{Error, Result, Store};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

pub struct AppState {
    db_path: PathBuf,
    store: Arc<Mutex<Store>>,
    pub last_import_errors: Mutex<Vec<LineError>>,
    ranks_warmed: AtomicBool,
}

impl AppState {
    pub fn open(db: Option<PathBuf>) -> Result<AppState> {
        let store = match db {
            Some(p) => Store::open(&p)?,
            None => Store::open_default()?,
        };
        store.keep_sort_ranks();
        Ok(AppState {
            db_path: store.path().to_path_buf(),
            store: Arc::new(Mutex::new(store)),
            last_import_errors: Mutex::new(Vec::new()),
            ranks_warmed: AtomicBool::new(false),
        })
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// Runs `f` on the shared connection in a blocking worker thread, never on the main thread.
    pub async fn with_store<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T> + Send + 'static,
    {
        let store = self.store.clone();
        run_blocking(move || {
            // A panic in an earlier command must not lock the window out of its database.
            let mut guard = store.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard)
        })
        .await
    }

    /// Once the first rows are shown, reads the sort ranks in the background so that the first
    /// keystroke of a search does not wait for them. The read runs on a connection of its own:
    /// the window's connection stays free for the keystrokes meanwhile, and takes the ranks only
    /// if nothing was written in between.
    pub fn warm_up_once(&self) {
        if self.ranks_warmed.swap(true, Ordering::Relaxed) {
            return;
        }
        let (store, path) = (self.store.clone(), self.db_path.clone());
        std::thread::spawn(move || {
            let lock = || store.lock().unwrap_or_else(|p| p.into_inner());
            let warm = || -> Result<()> {
                let state = lock().ranks_state()?;
                if let Some(ranks) = Store::open(&path)?.read_default_ranks()? {
                    lock().adopt_ranks(ranks, state)?;
                }
                Ok(())
            };
            if let Err(e) = warm() {
                tracing::warn!("préparation de la recherche : {e}");
            }
        });
    }

    /// Runs long work on its own connection in a worker thread.
    pub async fn with_own_store<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T> + Send + 'static,
    {
        let path = self.db_path.clone();
        run_blocking(move || {
            let mut store = Store::open(&path)?;
            f(&mut store)
        })
        .await
    }
}

async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(|e| {
        Error::database(format!(
            "La tâche s'est interrompue ({e}) ; rien n'a été enregistré à moitié."
        ))
        .because(e)
    })?
}
