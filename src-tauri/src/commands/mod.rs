//! Tauri commands, one module per screen. Each takes a [`crate::Call`] and runs its fallible work
//! through it, so a failure is logged once; errors reach the page as `{code, message, champs}`.

/// Declares window commands from what differs between them (the style of Yaak's command lists):
/// doc comment, name, parameters (their names are the JSON keys the page sends), result type and
/// a one-line body. Each expands to the plain command the page calls,
/// `#[tauri::command] pub async fn name(state: Call<'_>, …) -> Result<T, Error>`:
///
/// - `name(p: T, …) -> R { with_base(|s| body) }`: `state.with_base(move |s| body).await`, for
///   any runner of [`crate::Call`] that lends the database (`with_base`, `with_store`,
///   `with_own_base`, `with_own_store`); with `|s, chosen|` the body also has the chosen files
///   (`state.chosen`), to take the file behind a `jeton`;
/// - `name(p: T, …) -> R { run_blocking(|| body) }`: work without the database;
/// - `name(app: AppHandle, state: Call, p: T, …) -> R { body }` (or `window: WebviewWindow`): a
///   command that needs the application or its window, generic over the runtime; `body` is the
///   whole of its async body.
///
/// A command whose work takes more than a line keeps it in a plain function of its module.
macro_rules! window_commands {
    ($($(#[$doc:meta])* $name:ident $params:tt -> $r:ty { $($body:tt)* })*) => {$(
        window_commands!(@one [$(#[$doc])*] $name $params $r { $($body)* });
    )*};
    // A command that needs the application or its window.
    (@one [$($doc:tt)*] $name:ident (
        $h:ident: $handle:ident, $state:ident: Call $(, $p:ident: $t:ty)* $(,)?
    ) $r:ty { $($body:tt)* }) => {
        $($doc)*
        #[tauri::command]
        pub async fn $name<R: tauri::Runtime>(
            $h: tauri::$handle<R>,
            $state: $crate::Call<'_>,
            $($p: $t),*
        ) -> Result<$r, forfaits_core::Error> {
            $($body)*
        }
    };
    // Work without the database.
    (@one $doc:tt $name:ident $params:tt $r:ty { run_blocking(|| $body:expr) }) => {
        window_commands!(@fn state $doc $name $params $r {
            state.run_blocking(move || $body).await
        });
    };
    // Work on the database, with the chosen files.
    (@one $doc:tt $name:ident $params:tt $r:ty {
        $run:ident(|$s:ident, $chosen:ident| $body:expr)
    }) => {
        window_commands!(@fn state $doc $name $params $r {
            let $chosen = state.chosen.clone();
            state.$run(move |$s| $body).await
        });
    };
    // Work on the database.
    (@one $doc:tt $name:ident $params:tt $r:ty { $run:ident(|$s:ident| $body:expr) }) => {
        window_commands!(@fn state $doc $name $params $r { state.$run(move |$s| $body).await });
    };
    // The command itself; `$state` is named where its body is written.
    (@fn $state:ident [$($doc:tt)*] $name:ident ($($p:ident: $t:ty),* $(,)?) $r:ty {
        $($body:tt)*
    }) => {
        $($doc)*
        #[tauri::command]
        pub async fn $name(
            $state: $crate::Call<'_>,
            $($p: $t),*
        ) -> Result<$r, forfaits_core::Error> {
            $($body)*
        }
    };
}

pub mod accounts;
pub mod app;
pub mod balance;
pub mod calls;
pub mod export;
pub mod files;
pub mod import;
pub mod rules;
pub mod session;
pub mod view;
