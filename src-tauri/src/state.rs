//! What the window keeps between commands: where it works (the desk's SQLite file, or a site's
//! PostgreSQL once signed in, SPEC §13), one connection for the quick reads and writes of the
//! screens, and the errors of the last import preview (for the error report). Long work (import,
//! export, loading calls) opens its own connection on a worker thread, so the window keeps
//! answering meanwhile (WAL lets readers run beside one writer; a site is a server).
//! Every command's work runs through [`AppState::run_blocking`], which logs a failure once.

use crate::chosen::ChosenFiles;
use crate::progress::Stops;
use forfaits_core::import::line::LineError;
use forfaits_core::site::{is_site_url, Role, SiteStore};
use forfaits_core::{Base, Error, Result, Store};
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Where the window works, as it was started (`--db` or `FORFAITS_DB`).
#[derive(Debug, Clone)]
pub enum Place {
    Local(PathBuf),
    /// The site's URL as given: it fills the sign-in form.
    Site(String),
}

pub struct AppState {
    place: Place,
    /// `None` on a site until the clerk signed in.
    base: Arc<Mutex<Option<Base>>>,
    /// The URL the window signed in with (its password included, never shown nor written): the
    /// connections of long work and a lost connection sign in with it again.
    signed_in: Arc<Mutex<Option<String>>>,
    pub last_import_errors: Mutex<Vec<LineError>>,
    /// Files chosen in a dialog or dropped, behind their tokens.
    pub chosen: ChosenFiles,
    /// Long work running, and which the person asked to stop (*Annuler*).
    pub stops: Stops,
    ranks_warmed: AtomicBool,
}

/// What a signed-in site connection is: who, in which role, where.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Session {
    pub utilisateur: String,
    pub role: &'static str,
    /// `user@host:port/base`.
    pub adresse: String,
}

/// The name of a window feature only an SQLite file has, for the refusal of [`Base::local`]
/// (the page hides it on a site; the refusal is for a page driven by hand).
fn feature(command: &str) -> &str {
    match command {
        "infos_sauvegardes" | "sauvegarder" | "restaurer" => "Sauvegardes",
        other => other,
    }
}

fn not_signed_in() -> Error {
    Error::Rejected("Connectez-vous d'abord à la base de site (écran de connexion).".into())
}

/// Opens the site at `url` for the window: the telephony service's sign-in is not a desk's.
fn connect_desk(url: &str) -> Result<SiteStore> {
    let site = SiteStore::connect(url)?;
    if site.role() == Role::Telephonie {
        return Err(Error::Rejected(format!(
            "{} est l'utilisateur du service téléphonique : il ne se connecte pas à la fenêtre. \
             Connectez-vous avec un utilisateur du rôle admin, caisse ou lecture.",
            site.operator()
        )));
    }
    Ok(site)
}

impl AppState {
    /// The window on `db` (`--db`), else `FORFAITS_DB`, else the default SQLite file. A site's
    /// URL is not connected here: the window asks who signs in first.
    pub fn open(db: Option<PathBuf>) -> Result<AppState> {
        let env = std::env::var("FORFAITS_DB").ok().filter(|v| !v.is_empty());
        let site = db
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned())
            .or(env)
            .filter(|d| is_site_url(d));
        let (place, base) = match (site, db) {
            (Some(url), _) => (Place::Site(url), None),
            (None, db) => {
                let store = match db {
                    Some(p) => Store::open(&p)?,
                    None => Store::open_default()?,
                };
                store.keep_sort_ranks();
                (
                    Place::Local(store.path().to_path_buf()),
                    Some(Base::Local(store)),
                )
            }
        };
        Ok(AppState {
            place,
            base: Arc::new(Mutex::new(base)),
            signed_in: Arc::new(Mutex::new(None)),
            last_import_errors: Mutex::new(Vec::new()),
            chosen: ChosenFiles::default(),
            stops: Stops::default(),
            ranks_warmed: AtomicBool::new(false),
        })
    }

    pub fn place(&self) -> &Place {
        &self.place
    }

    /// The SQLite file, when the window works on one.
    pub fn local_path(&self) -> Option<&Path> {
        match &self.place {
            Place::Local(p) => Some(p),
            Place::Site(_) => None,
        }
    }

    /// The SQLite file, or the refusal of `what` on a site.
    pub fn local_path_for(&self, what: &str) -> Result<&Path> {
        self.local_path()
            .ok_or_else(|| forfaits_core::base::sqlite_only(what, None))
    }

    /// Whether the window has its database (on a site: whether the clerk signed in).
    pub async fn is_signed_in(&self) -> bool {
        let base = self.base.clone();
        Self::run_blocking("etat_connexion", move || {
            Ok(base.lock().unwrap_or_else(|p| p.into_inner()).is_some())
        })
        .await
        .unwrap_or(false)
    }

    /// Signs in to the site at `url` (a desk's user); the window works on it from now on.
    pub async fn sign_in(&self, command: &'static str, url: String) -> Result<Session> {
        let (base, signed_in) = (self.base.clone(), self.signed_in.clone());
        Self::run_blocking(command, move || {
            let site = connect_desk(&url)?;
            let session = Session {
                utilisateur: site.operator().to_string(),
                role: site.role().word(),
                adresse: site.label().to_string(),
            };
            *base.lock().unwrap_or_else(|p| p.into_inner()) = Some(Base::Site(site));
            *signed_in.lock().unwrap_or_else(|p| p.into_inner()) = Some(url);
            tracing::info!("connecté à la base de site {}", session.adresse);
            Ok(session)
        })
        .await
    }

    /// Runs `f` on the shared connection in a blocking worker thread, never on the main thread.
    /// A site whose connection was lost is signed in again first.
    pub async fn with_base<T, F>(&self, command: &'static str, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Base) -> Result<T> + Send + 'static,
    {
        let (base, signed_in) = (self.base.clone(), self.signed_in.clone());
        Self::run_blocking(command, move || {
            // A panic in an earlier command must not lock the window out of its database.
            let mut guard = base.lock().unwrap_or_else(|p| p.into_inner());
            if matches!(&*guard, Some(Base::Site(s)) if s.is_closed()) {
                let url = signed_in.lock().unwrap_or_else(|p| p.into_inner()).clone();
                if let Some(url) = url {
                    tracing::warn!("connexion à la base de site perdue : nouvelle connexion");
                    *guard = Some(Base::Site(connect_desk(&url)?));
                }
            }
            match guard.as_mut() {
                Some(b) => f(b),
                None => Err(not_signed_in()),
            }
        })
        .await
    }

    /// [`AppState::with_base`] for what only the SQLite store does (refused on a site).
    pub async fn with_store<T, F>(&self, command: &'static str, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T> + Send + 'static,
    {
        self.with_base(command, move |b| f(b.local(feature(command))?))
            .await
    }

    /// Once the first rows are shown, reads the sort ranks in the background so that the first
    /// keystroke of a search does not wait for them. The read runs on a connection of its own:
    /// the window's connection stays free for the keystrokes meanwhile, and takes the ranks only
    /// if nothing was written in between. (A site sorts with the server's indexes.)
    pub fn warm_up_once(&self) {
        let Some(path) = self.local_path().map(Path::to_path_buf) else {
            return;
        };
        if self.ranks_warmed.swap(true, Ordering::Relaxed) {
            return;
        }
        let base = self.base.clone();
        std::thread::spawn(move || {
            let lock = || base.lock().unwrap_or_else(|p| p.into_inner());
            let warm = || -> Result<()> {
                let state = match lock().as_ref() {
                    Some(Base::Local(s)) => s.ranks_state()?,
                    _ => return Ok(()),
                };
                if let Some(ranks) = Store::open(&path)?.read_default_ranks()? {
                    if let Some(Base::Local(s)) = lock().as_ref() {
                        s.adopt_ranks(ranks, state)?;
                    }
                }
                Ok(())
            };
            if let Err(e) = warm() {
                tracing::warn!("préparation de la recherche : {e}");
            }
        });
    }

    /// Runs long work on its own connection in a worker thread: the SQLite file opened again,
    /// or the site signed in to again as the same user.
    pub async fn with_own_base<T, F>(&self, command: &'static str, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Base) -> Result<T> + Send + 'static,
    {
        let place = self.place.clone();
        let signed_in = self.signed_in.clone();
        Self::run_blocking(command, move || {
            let mut base = match place {
                Place::Local(path) => Base::Local(Store::open(&path)?),
                Place::Site(_) => {
                    let url = signed_in.lock().unwrap_or_else(|p| p.into_inner()).clone();
                    Base::Site(connect_desk(&url.ok_or_else(not_signed_in)?)?)
                }
            };
            f(&mut base)
        })
        .await
    }

    /// [`AppState::with_own_base`] for what only the SQLite store does (refused on a site).
    pub async fn with_own_store<T, F>(&self, command: &'static str, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T> + Send + 'static,
    {
        let path = self.local_path_for(feature(command)).map(Path::to_path_buf);
        Self::run_blocking(command, move || {
            let mut store = Store::open(&path?)?;
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

/// `AppState`'s ways of running work on the database, each for the command that asks.
macro_rules! for_this_command {
    ($($name:ident($on:ty)),*) => {$(
        #[doc = concat!("[`AppState::", stringify!($name), "`] for this command.")]
        pub async fn $name<T, F>(&self, f: F) -> Result<T>
        where
            T: Send + 'static,
            F: FnOnce(&mut $on) -> Result<T> + Send + 'static,
        {
            self.state.$name(self.command, f).await
        }
    )*};
}

impl Call<'_> {
    for_this_command!(
        with_store(Store),
        with_base(Base),
        with_own_base(Base),
        with_own_store(Store)
    );

    /// [`AppState::sign_in`] for this command.
    pub async fn sign_in(&self, url: String) -> Result<Session> {
        self.state.sign_in(self.command, url).await
    }

    /// [`AppState::run_blocking`] for this command: work without the database.
    pub async fn run_blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        AppState::run_blocking(self.command, f).await
    }
}
