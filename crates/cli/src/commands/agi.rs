//! `agi`: the call-control service (SPEC §11) in the foreground, as systemd runs it. One log
//! line per decision on standard output; SIGTERM or Ctrl+C stop it after the calls in progress
//! are answered.

use crate::args::AgiArgs;
use crate::{Io, EXIT_OK, EXIT_USAGE};
use forfaits_agi::{serve, Config};
use std::path::PathBuf;

pub fn run(db: Option<PathBuf>, a: AgiArgs, io: &mut Io<'_>) -> u8 {
    let db = db.unwrap_or_else(forfaits_core::store::default_db_path);
    // The service answers for an existing base; a mistyped path must not become an empty one
    // that refuses every call as « compte inconnu ».
    let text = db.to_string_lossy().into_owned();
    let settings = if forfaits_core::site::is_site_url(&text) {
        forfaits_core::site::SiteStore::connect(&text).and_then(|s| s.settings())
    } else {
        forfaits_core::Store::open_existing(&db).and_then(|s| s.settings())
    };
    let settings = match settings {
        Ok(s) => s,
        Err(e) => {
            super::w(writeln!(io.err, "{e}"));
            return crate::exit_code(&e);
        }
    };
    let addr = a
        .listen
        .map(|a| a.to_string())
        .unwrap_or(settings.agi_address);
    let _ = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(log_output()))
        .with_target(false)
        .with_ansi(false)
        .try_init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            super::w(writeln!(io.err, "Le service ne peut pas démarrer : {e}."));
            return EXIT_USAGE;
        }
    };
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind(&addr).await {
            Ok(l) => l,
            Err(e) => {
                super::w(writeln!(
                    io.err,
                    "Impossible d'écouter sur {addr} ({e}) : un autre programme utilise-t-il ce port ?"
                ));
                return EXIT_USAGE;
            }
        };
        tracing::info!(
            "Forfaits {} : contrôle d'appel en service sur {addr}, base {}",
            env!("CARGO_PKG_VERSION"),
            db.display()
        );
        match serve(listener, Config::new(db), stop_signal()).await {
            Ok(()) => EXIT_OK,
            Err(e) => {
                super::w(writeln!(io.err, "{e}"));
                crate::exit_code(&e)
            }
        }
    })
}

/// Standard output for the log lines, as a handle of its own: the command line keeps the
/// process's stdout locked while a command runs, and the service's threads would wait for it
/// for ever.
fn log_output() -> Box<dyn std::io::Write + Send> {
    #[cfg(unix)]
    let own = std::os::fd::AsFd::as_fd(&std::io::stdout()).try_clone_to_owned();
    #[cfg(windows)]
    let own = std::os::windows::io::AsHandle::as_handle(&std::io::stdout()).try_clone_to_owned();
    match own.map(std::fs::File::from) {
        Ok(file) => Box::new(file),
        Err(_) => Box::new(std::io::stderr()),
    }
}

/// SIGTERM (systemd's stop) or Ctrl+C.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
