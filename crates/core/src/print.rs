//! Printing without a dialog through the system's print service (SPEC §14,
//! `forfaits sheet MATRICULE --print`): the PDF is handed to CUPS with `lp`, which Linux and
//! macOS both have (CUPS is macOS's print system). `lp` reads the document from its standard
//! input, so nothing is written to disk, and answers with the job's number.
//!
//! Windows has no `lp`: printing a PDF there goes through the program registered for PDF files
//! (the shell's `printto` verb) and is not done by Forfaits; the command says so and the sheet
//! is written with `--out`, then printed from the viewer (see the README).

use crate::error::{Error, Result};

/// The command that queues a print job; `FORFAITS_LP` replaces it (tests, or a CUPS client
/// installed elsewhere).
fn lp_program() -> String {
    std::env::var("FORFAITS_LP").unwrap_or_else(|_| "lp".into())
}

/// A printer name as CUPS accepts it: printable characters, no space, `/` or `#`.
fn valid_printer(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 127
        && name
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '/' | '#' | '\\' | '\'' | '"'))
}

/// Sends `pdf` to `printer` (or the default printer) as a job named `title`; returns what CUPS
/// calls the job (`PDF-12`).
#[cfg(unix)]
pub fn print_pdf(pdf: &[u8], printer: Option<&str>, title: &str) -> Result<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let mut cmd = Command::new(lp_program());
    if let Some(p) = printer {
        if !valid_printer(p) {
            return Err(Error::Rejected(format!(
                "« {p} » n'est pas un nom d'imprimante (lettres, chiffres, - et _, sans espace)."
            )));
        }
        cmd.args(["-d", p]);
    }
    // The job's title: what the print queue shows. Control characters are not for it.
    let title: String = title
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cmd.args(["-t", &title, "--"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let failed = |e: std::io::Error| {
        Error::file(format!("Impossible de lancer l'impression : {e}.")).because(e)
    };
    let mut child = cmd.spawn().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::file(
                "Le service d'impression est introuvable (commande lp de CUPS) : installez CUPS \
                 (paquet cups) ou écrivez la fiche avec --out et imprimez-la depuis le lecteur PDF.",
            )
        } else {
            failed(e)
        }
    })?;
    let fed = child
        .stdin
        .take()
        .map(|mut stdin| stdin.write_all(pdf))
        .unwrap_or(Ok(()));
    let out = child.wait_with_output().map_err(failed)?;
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if !out.status.success() {
        return Err(refusal(&stderr, printer, scheduler_down()));
    }
    if let Err(e) = fed {
        return Err(Error::file(format!("L'impression a été interrompue : {e}.")).because(e));
    }
    // `request id is PDF-12 (1 file(s))`
    let stdout = String::from_utf8_lossy(&out.stdout);
    Ok(stdout
        .split_whitespace()
        .skip_while(|w| *w != "is")
        .nth(1)
        .unwrap_or("")
        .to_string())
}

#[cfg(not(unix))]
pub fn print_pdf(_pdf: &[u8], _printer: Option<&str>, _title: &str) -> Result<String> {
    Err(Error::Rejected(
        "L'impression sans dialogue n'est possible que sous Linux et macOS (CUPS). Sous \
         Windows, écrivez la fiche avec --out puis imprimez-la depuis le lecteur PDF, ou \
         utilisez Imprimer dans la fenêtre."
            .into(),
    ))
}

/// Whether CUPS says its scheduler is not running: `lp` then says the printer does not exist.
#[cfg(unix)]
fn scheduler_down() -> bool {
    std::process::Command::new("lpstat")
        .arg("-r")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("not running"))
}

/// CUPS's refusal, said in French (its own words kept after it, for the administrator). The
/// queue saying no (no such printer, not accepting) is a refused value, like a bad matricule;
/// a service that does not answer is a failure of the machine (exit status 2).
fn refusal(stderr: &str, printer: Option<&str>, scheduler_down: bool) -> Error {
    let low = stderr.to_ascii_lowercase();
    let down = scheduler_down || low.contains("connect") || low.contains("scheduler");
    if down {
        // lp's words about the printer are not the cause when the scheduler is down.
        return Error::file("Le service d'impression (CUPS) ne répond pas : démarrez-le (cupsd).");
    }
    let what = if low.contains("no default destination") {
        "Aucune imprimante par défaut : précisez --printer NOM (lpstat -p liste les imprimantes)."
            .to_string()
    } else if low.contains("does not exist") || low.contains("not found") {
        format!(
            "L'imprimante « {} » n'existe pas (lpstat -p liste les imprimantes).",
            printer.unwrap_or("")
        )
    } else if low.contains("not accepting") {
        format!(
            "L'imprimante « {} » n'accepte pas de travaux (cupsaccept la réactive).",
            printer.unwrap_or("")
        )
    } else {
        "L'impression a été refusée par le service d'impression.".to_string()
    };
    Error::Rejected(if stderr.is_empty() {
        what
    } else {
        format!("{what} ({stderr})")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printer_names_are_checked_and_refusals_said_in_french() {
        assert!(valid_printer("PDF"));
        assert!(valid_printer("HP_LaserJet-2"));
        assert!(!valid_printer("a b"));
        assert!(!valid_printer(""));
        let refused = |e: Error| {
            assert!(e.is_rejection(), "{e}");
            e.to_string()
        };
        assert!(refused(refusal(
            "lp: Error - no default destination available.",
            None,
            false
        ))
        .starts_with("Aucune imprimante par défaut"));
        let missing = "lp: The printer or class does not exist.";
        assert!(refused(refusal(missing, Some("Bureau"), false))
            .starts_with("L'imprimante « Bureau » n'existe pas"));
        // What `lp` says when cupsd is not running: the printer is not the cause, and the
        // machine failed, not the value typed (exit status 2).
        for e in [
            refusal(missing, Some("PDF"), true),
            refusal("lp: Unable to connect to server", None, false),
        ] {
            assert!(!e.is_rejection(), "{e}");
            assert_eq!(
                e.to_string(),
                "Le service d'impression (CUPS) ne répond pas : démarrez-le (cupsd)."
            );
        }
    }
}
