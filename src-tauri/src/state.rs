//! What the window keeps between commands: the database path and one connection for the quick
//! reads and writes of the screens. Long work (import, export) opens its own connection on a
//! worker thread, so the window keeps answering meanwhile.

use forfaits_core::{Result, Store};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub struct AppState {
    db_path: PathBuf,
    store: Arc<Mutex<Store>>,
}

impl AppState {
    pub fn open(db: Option<PathBuf>) -> Result<AppState> {
        let store = match db {
            Some(p) => Store::open(&p)?,
            None => Store::open_default()?,
        };
        Ok(AppState {
            db_path: store.path().to_path_buf(),
            store: Arc::new(Mutex::new(store)),
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
        tauri::async_runtime::spawn_blocking(move || {
            // A panic in an earlier command must not lock the window out of its database.
            let mut guard = store.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| forfaits_core::Error::Database(format!("Tâche interrompue : {e}")))?
    }
}
