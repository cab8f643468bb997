//! What the window keeps between commands: the database path, one connection for the quick
//! reads and writes of the screens, and the errors of the last import preview (for the error
//! report). Long work (import, export, loading calls) opens its own connection on a worker
//! thread, so the window keeps answering meanwhile (WAL lets readers run beside one writer).
//! Every command's work runs through [`AppState::run_blocking`], which logs a failure once.

use crate::chosen::ChosenFiles;
use forfaits_core::import::line::LineError;
use forfaits_core::{Error, Result, Store};
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

pub struct AppState {
    db_path: PathBuf,
    store: Arc<Mutex<Store>>,
    pub last_import_errors: Mutex<Vec<LineError>>,
    /// Files chosen in a dialog or dropped, behind their tokens.
    pub chosen: ChosenFiles,
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
            chosen: ChosenFiles::default(),
            ranks_warmed: AtomicBool::new(false),
        })
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// Runs `f` on the shared connection in a blocking worker thread, never on the main thread.
    pub async fn with_store<T, F>(&self, command: &'static str, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T> + Send + 'static,
    {
        let store = self.store.clone();
        Self::run_blocking(command, move || {
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
    pub async fn with_own_store<T, F>(&self, command: &'static str, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T> + Send + 'static,
    {
        let path = self.db_path.clone();
        Self::run_blocking(command, move || {
            let mut store = Store::open(&path)?;
            f(&mut store)
        })
        .await
    }

    /// Runs `f` in a blocking worker thread. A failure of the window's command `command` is
    /// written to the log here, once, on one line: the command, the code, the French message and
    /// the causes under it.
    pub async fn run_blocking<T: Send + 'static>(
        command: &'static str,
        f: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let result = match tauri::async_runtime::spawn_blocking(f).await {
            Ok(r) => r,
            Err(e) => Err(Error::database(format!(
                "La tâche s'est interrompue ({e}) ; rien n'a été enregistré à moitié."
            ))
            .because(e)),
        };
        if let Err(e) = &result {
            log_failure(command, e);
        }
        result
    }
}

fn log_failure(command: &str, e: &Error) {
    let one_line = |s: String| s.replace(['\n', '\r'], " ");
    let (code, message, causes) = (
        e.code().as_str(),
        one_line(e.to_string()),
        one_line(e.causes()),
    );
    let causes = (!causes.is_empty()).then_some(causes.as_str());
    if e.is_rejection() {
        tracing::warn!(commande = %command, code = %code, causes, "{message}");
    } else {
        tracing::error!(commande = %command, code = %code, causes, "{message}");
    }
}

/// The state as one call of a window command sees it: the [`AppState`], and the command's name
/// (taken from the call, never written by hand) for the log. Commands take it instead of
/// `State<AppState>`.
pub struct Call<'r> {
    state: tauri::State<'r, AppState>,
    command: &'static str,
}

impl<'r, 'de: 'r, R: tauri::Runtime> tauri::ipc::CommandArg<'de, R> for Call<'r> {
    fn from_command(
        item: tauri::ipc::CommandItem<'de, R>,
    ) -> std::result::Result<Self, tauri::ipc::InvokeError> {
        let command = item.name;
        Ok(Call {
            state: tauri::State::from_command(item)?,
            command,
        })
    }
}

impl Deref for Call<'_> {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.state
    }
}

impl Call<'_> {
    /// [`AppState::with_store`] for this command.
    pub async fn with_store<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T> + Send + 'static,
    {
        self.state.with_store(self.command, f).await
    }

    /// [`AppState::with_own_store`] for this command.
    pub async fn with_own_store<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T> + Send + 'static,
    {
        self.state.with_own_store(self.command, f).await
    }

    /// [`AppState::run_blocking`] for this command: work without the database.
    pub async fn run_blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        AppState::run_blocking(self.command, f).await
    }
}
