//! The application's tests, one binary (each test binary links all of Tauri on its own, and
//! linking dominates the build of the suite on two cores): the real `forfaits` binary on real
//! databases (`cli`, `safety`), the real window through tauri-driver (`e2e_window`, `desktop`), office documents through CUPS and LibreOffice (`office`),
//! site mode on a throw-away PostgreSQL cluster (`site`, and the window on a site: `site_window`),
//! the shell's lock-down on the mock runtime (`lockdown`, `shell_manifest`), and, ignored unless
//! asked for, the installed package (`package`) and the window's benchmark (`ui_bench`).

mod support;

mod cli;
mod desktop;
mod e2e_window;
mod lockdown;
mod office;
mod package;
mod safety;
mod shell_manifest;
mod site;
mod site_window;
mod ui_bench;
