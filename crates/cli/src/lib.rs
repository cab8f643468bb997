//! The `forfaits` command line (SPEC §9): a thin front over the core. Without a subcommand it
//! asks its caller to open the window.

mod args;
mod clap_fr;
mod commands;

use forfaits_core::{Base, Error};
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

/// What the binary does next.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A subcommand ran; exit with this status.
    Exit(u8),
    /// No subcommand: open the window on this database (`None`: the default one).
    OpenWindow(Option<PathBuf>),
}

pub const EXIT_OK: u8 = 0;
pub const EXIT_REJECTED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// Output streams, injectable so tests see exactly what a person would.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    /// Progress lines are drawn only on a terminal.
    pub err_is_terminal: bool,
}

pub fn run(args: impl IntoIterator<Item = OsString>, io: &mut Io<'_>) -> Outcome {
    let parsed = args::command()
        .try_get_matches_from(args)
        .and_then(|m| <args::Cli as clap::FromArgMatches>::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind::*;
            return match e.kind() {
                DisplayHelp | DisplayVersion => {
                    let _ = write!(io.out, "{}", e.render());
                    Outcome::Exit(EXIT_OK)
                }
                _ => {
                    let _ = writeln!(io.err, "Erreur : {}.", clap_fr::message(&e));
                    let _ = writeln!(io.err, "Pour l'aide : forfaits --help");
                    Outcome::Exit(EXIT_USAGE)
                }
            };
        }
    };
    let Some(command) = cli.command else {
        return Outcome::OpenWindow(cli.db);
    };
    if let args::Command::Agi(a) = command {
        return Outcome::Exit(commands::agi::run(cli.db, a, io));
    }
    let db = cli.db.as_ref().map(|p| p.to_string_lossy().into_owned());
    // `site init` and `site user add` work on the URL they are given, before any base is open.
    let command = match commands::site::without_base(command, db.as_deref(), io) {
        Ok(Some(command)) => command,
        Ok(None) => return Outcome::Exit(EXIT_OK),
        Err(e) => return failed(io, &e),
    };
    let target = match Target::choose(db, &command) {
        Ok(target) => target,
        Err(e) => return failed(io, &e),
    };
    let result =
        Base::open(target.db().as_deref(), command.needs_existing_base()).and_then(|mut base| {
            target.announce(io);
            commands::run(&mut base, command, io)
        });
    match result {
        Ok(code) => Outcome::Exit(code),
        Err(e) => failed(io, &e),
    }
}

/// The base a command opens. Most commands never create a base where none is (a mistyped
/// --db); those that may say so when they do. A dry run where no base is yet checks the file
/// against an empty one, made aside and removed: a mistyped path does not become a base.
enum Target {
    Given(Option<String>),
    New { db: Option<String>, path: PathBuf },
    Scratch(tempfile::TempDir),
}

impl Target {
    fn choose(db: Option<String>, command: &args::Command) -> Result<Target, Error> {
        let Some(path) = new_base_path(db.as_deref(), command) else {
            return Ok(Target::Given(db));
        };
        match command {
            args::Command::Import(a) if a.dry_run => tempfile::tempdir()
                .map(Target::Scratch)
                .map_err(|e| Error::file("Dossier temporaire impossible à créer.").because(e)),
            _ => Ok(Target::New { db, path }),
        }
    }

    fn db(&self) -> Option<String> {
        match self {
            Target::Given(db) | Target::New { db, .. } => db.clone(),
            Target::Scratch(dir) => Some(
                dir.path()
                    .join("essai.sqlite3")
                    .to_string_lossy()
                    .into_owned(),
            ),
        }
    }

    /// Said once the base is open, so a base that failed to open is not announced.
    fn announce(&self, io: &mut Io<'_>) {
        if let Target::New { path, .. } = self {
            let _ = writeln!(io.err, "Nouvelle base créée : {}.", path.display());
        }
    }
}

/// The SQLite file the command is about to create, if it may create one and none is there.
fn new_base_path(db: Option<&str>, command: &args::Command) -> Option<PathBuf> {
    if command.needs_existing_base() {
        return None;
    }
    let path = db.map_or_else(forfaits_core::store::default_db_path, PathBuf::from);
    let site = forfaits_core::site::is_site_url(&path.to_string_lossy());
    (!site && !path.exists()).then_some(path)
}

fn failed(io: &mut Io<'_>, e: &Error) -> Outcome {
    say(io, e);
    Outcome::Exit(exit_code(e))
}

/// The error on stderr, one line per problem (SPEC §9): each refused field on its own.
fn say(io: &mut Io<'_>, e: &Error) {
    match e {
        Error::Fields(fields) if fields.len() > 1 => {
            for f in fields {
                let _ = writeln!(io.err, "{f}");
            }
        }
        e => {
            let _ = writeln!(io.err, "{e}");
        }
    }
}

pub fn exit_code(e: &Error) -> u8 {
    if e.is_rejection() {
        EXIT_REJECTED
    } else {
        EXIT_USAGE
    }
}
