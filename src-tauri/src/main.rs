// `forfaits`: runs a subcommand, or opens the window when given none. This binary does not link
// the GUI (GTK/WebKit cost about 50 ms and 49 MiB at start), so subcommands start fast; the
// window is the sibling program `forfaits-fenetre`, which replaces this process.

use forfaits_cli::{run, Io, Outcome};
use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const WINDOW_PROGRAM: &str = "forfaits-fenetre";

fn window_program() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let p = exe
        .parent()?
        .join(WINDOW_PROGRAM)
        .with_extension(std::env::consts::EXE_EXTENSION);
    p.is_file().then_some(p)
}

fn open_window(args: &[OsString]) -> ExitCode {
    let Some(program) = window_program() else {
        eprintln!(
            "La fenêtre de Forfaits est introuvable : le programme {WINDOW_PROGRAM} doit se trouver \
             à côté de forfaits. Réinstallez l'application (ou lancez « make run »)."
        );
        return ExitCode::from(2);
    };
    let mut cmd = std::process::Command::new(&program);
    cmd.args(args);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // GTK names the window class after argv[0]: keeping "forfaits" ties the window to the
        // menu entry (StartupWMClass=forfaits), so the dock shows one icon, the right one.
        cmd.arg0("forfaits");
        let err = cmd.exec();
        eprintln!(
            "Impossible de lancer la fenêtre ({}) : {err}",
            program.display()
        );
        ExitCode::from(2)
    }
    // Windows gives this console program a console when it is started from the Start menu:
    // hand over to the window (a GUI program) and leave at once, so the console closes with us
    // instead of staying open beside the window all day.
    #[cfg(not(unix))]
    match cmd.spawn() {
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!(
                "Impossible de lancer la fenêtre ({}) : {err}",
                program.display()
            );
            ExitCode::from(2)
        }
    }
}

/// SQLite allocates through glibc's malloc, not through the global allocator: the page cache
/// and the sorter of an import's index builds free and take back megabytes at a time, and
/// glibc gave them back to the system and faulted them in again (the kernel zeroing pages was
/// a tenth of an import's writing thread in perf). A short-lived command keeps them instead.
#[cfg(target_os = "linux")]
fn keep_freed_memory() {
    // SAFETY: mallopt only sets two of glibc's tuning values; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
    }
}

fn main() -> ExitCode {
    #[cfg(target_os = "linux")]
    keep_freed_memory();
    let args: Vec<OsString> = std::env::args_os().collect();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let err_is_terminal = stderr.is_terminal();
    let mut out = stdout.lock();
    // Not locked for the whole run: a worker thread (or a panic message) may write to stderr
    // while a command runs, and would wait forever for the lock.
    let mut err = stderr;
    let outcome = run(
        args.clone(),
        &mut Io {
            out: &mut out,
            err: &mut err,
            err_is_terminal,
        },
    );
    match outcome {
        Outcome::Exit(code) => ExitCode::from(code),
        Outcome::OpenWindow(_) => {
            drop(out);
            open_window(&args[1..])
        }
    }
}
