// The Forfaits window. Started by `forfaits` when it is given no subcommand, with the same
// arguments; only `--db FICHIER` matters here, anything else (added by a test driver) is ignored.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::process::ExitCode;

fn db_argument() -> Option<PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        if a == "--db" {
            return args.next().map(PathBuf::from);
        }
        if let Some(v) = a.to_str().and_then(|s| s.strip_prefix("--db=")) {
            return Some(PathBuf::from(v));
        }
    }
    None
}

fn main() -> ExitCode {
    match forfaits_app::run(db_argument()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}
