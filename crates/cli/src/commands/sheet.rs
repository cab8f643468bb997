use crate::args::SheetArgs;
use crate::{Io, EXIT_OK};
use forfaits_core::sheet::{render, write_pdf};
use forfaits_core::{Base, Result};

pub fn run(store: &mut Base, a: SheetArgs, io: &mut Io<'_>) -> Result<u8> {
    let account = super::account(|m| store.account_by_matricule(m), &a.matricule)?;
    let sheet = store.sheet(account.id)?;
    let data = sheet.data();
    if let Some(out) = &a.out {
        write_pdf(&data, out)?;
        super::w(writeln!(
            io.err,
            "Fiche {} écrite : {}.",
            forfaits_core::fr::de(&account.name),
            out.display()
        ));
    }
    if a.print {
        let pdf = render(&data)?;
        let job = forfaits_core::print::print_pdf(&pdf, a.printer.as_deref(), &sheet.title())?;
        super::w(writeln!(
            io.err,
            "Fiche {} envoyée à l'imprimante{}{}.",
            forfaits_core::fr::de(&account.name),
            a.printer
                .as_deref()
                .map(|p| format!(" « {p} »"))
                .unwrap_or_else(|| " par défaut".into()),
            if job.is_empty() {
                String::new()
            } else {
                format!(" (travail {job})")
            }
        ));
    }
    if let Some(warning) = data.unprintable_warning() {
        if a.out.is_some() || a.print {
            super::w(writeln!(io.err, "{warning}"));
        }
    }
    Ok(EXIT_OK)
}
