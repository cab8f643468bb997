use crate::args::ImportArgs;
use crate::{Io, EXIT_OK, EXIT_REJECTED};
use forfaits_core::fr;
use forfaits_core::import::{summary, ImportOptions};
use forfaits_core::{Base, Result};

pub fn run(store: &mut Base, a: ImportArgs, io: &mut Io<'_>) -> Result<u8> {
    let opts = ImportOptions {
        dry_run: a.dry_run,
        skip_invalid: a.skip_invalid,
        update_existing: a.update_existing,
    };
    let show_progress = io.err_is_terminal;
    let err = &mut *io.err;
    let mut drawn = false;
    let mut lines: Vec<(u64, String)> = Vec::new();
    let report = {
        let mut progress = |p: forfaits_core::import::Progress| {
            if show_progress && p.octets_total > 0 {
                drawn = true;
                let pct = p.octets * 100 / p.octets_total;
                let _ = write!(
                    err,
                    "\r{} lignes lues ({pct} %)   ",
                    super::thousands(p.lignes)
                );
            }
            Ok(())
        };
        let mut on_error =
            |e: &forfaits_core::import::line::LineError| lines.push((e.line, e.to_string()));
        store.import_users(&a.file, opts, &mut progress, &mut on_error)
    };
    // A file refused whole (empty, not text, two encodings, unreadable) still ends with the
    // summary line scripts read last (SPEC §9); the reason goes to stderr as for every error.
    let report = report.inspect_err(|_| {
        super::w(writeln!(io.out, "{}", summary(0, 0)));
    })?;
    if drawn {
        super::w(writeln!(io.err));
    }
    // Duplicates within a first import are found at the end: print every error in line order.
    lines.sort_by_key(|(line, _)| *line);
    for (_, l) in &lines {
        super::w(writeln!(io.err, "{l}"));
    }
    if let Some(note) = &report.avertissement {
        super::w(writeln!(io.err, "{note}"));
    }
    let out = &mut *io.out;
    if report.mis_a_jour > 0 && report.ecrit {
        super::w(writeln!(
            out,
            "{}, {}.",
            fr::nombre(report.mis_a_jour, "compte mis à jour", "comptes mis à jour"),
            fr::nombre(report.crees, "créé", "créés")
        ));
    }
    if a.dry_run {
        super::w(writeln!(
            out,
            "Simulation (--dry-run) : {} {} ; rien n'a été enregistré.",
            fr::nombre(report.valides, "ligne valide", "lignes valides"),
            fr::pluriel(report.valides, "serait importée", "seraient importées")
        ));
    } else if !report.ecrit && report.rejetees > 0 {
        let valid = match report.valides {
            0 => "aucune ligne n'est valide".to_string(),
            1 => "--skip-invalid importe la ligne valide".to_string(),
            n => format!("--skip-invalid importe les {n} lignes valides"),
        };
        super::w(writeln!(
            out,
            "Import annulé : {} en erreur, aucune ligne n'a été enregistrée ({valid}).",
            fr::nombre(report.rejetees, "ligne", "lignes")
        ));
    }
    super::w(writeln!(out, "{}", report.summary()));
    // --skip-invalid writes the valid lines; with none, the file was refused all the same.
    Ok(
        if report.rejetees > 0 && (!a.skip_invalid || report.valides == 0) {
            EXIT_REJECTED
        } else {
            EXIT_OK
        },
    )
}
