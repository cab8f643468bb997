use crate::args::{CallsCommand, CallsExportArgs, CallsImportArgs, MatchArg};
use crate::{Io, EXIT_OK};
use forfaits_core::calls::history::Period;
use forfaits_core::calls::{CallsOptions, MatchBy};
use forfaits_core::dates::day_bounds;
use forfaits_core::domain::Money;
use forfaits_core::fr;
use forfaits_core::{Base, Result};

pub fn run(base: &mut Base, c: CallsCommand, io: &mut Io<'_>) -> Result<u8> {
    match c {
        CallsCommand::Import(a) => import(base, a, io),
        CallsCommand::Export(a) => export(base, a, io),
    }
}

fn import(store: &mut Base, a: CallsImportArgs, io: &mut Io<'_>) -> Result<u8> {
    let currency = store.settings()?.currency;
    let opts = CallsOptions {
        match_by: match a.match_by {
            MatchArg::Accountcode => MatchBy::Accountcode,
            MatchArg::Src => MatchBy::Src,
        },
        dry_run: false,
    };
    let r = store.load_calls(&a.file, opts, &mut |_| Ok(()))?;
    let (l, t) = (&r.listes, &r.totaux);
    // Every problem and notice in the order of the file's lines.
    let mut said: Vec<(u64, String)> = l.erreurs.iter().map(|e| (e.line, e.to_string())).collect();
    let notices = l.comptes_inconnus.iter().chain(&l.sans_tarif);
    said.extend(notices.map(|n| (n.ligne, n.texte.clone())));
    said.sort_by_key(|(line, _)| *line);
    for (_, text) in said {
        super::w(writeln!(io.err, "{text}"));
    }
    let n = |v: usize| v as u64;
    super::w(writeln!(
        io.out,
        "{} : {} ({} pour {}), {}, {}, {}, {}, {}",
        fr::nombre(r.lignes_lues, "ligne lue", "lignes lues"),
        fr::nombre(r.appels_charges, "appel chargé", "appels chargés"),
        fr::nombre(t.appels_factures, "facturé", "facturés"),
        currency.format(Money(t.montant_total)),
        fr::nombre(r.deja_charges, "déjà chargé", "déjà chargés"),
        fr::nombre(r.hors_touches, "hors des touches", "hors des touches"),
        fr::nombre(
            n(l.comptes_inconnus.len()),
            "compte inconnu",
            "comptes inconnus"
        ),
        fr::nombre(n(l.sans_tarif.len()), "sans tarif", "sans tarif"),
        fr::nombre(n(l.erreurs.len()), "ligne mal formée", "lignes mal formées")
    ));
    Ok(EXIT_OK)
}

fn export(store: &mut Base, a: CallsExportArgs, io: &mut Io<'_>) -> Result<u8> {
    let account = super::account(|m| store.account_by_matricule(m), &a.matricule)?;
    let (depuis, jusqua) = day_bounds(a.from, a.to);
    let p = Period { depuis, jusqua };
    if let (Some(from), Some(to)) = (a.from, a.to) {
        if to < from {
            return Err(forfaits_core::Error::Rejected(format!(
                "La période est vide : --to ({}) précède --from ({}).",
                to.format("%d/%m/%Y"),
                from.format("%d/%m/%Y")
            )));
        }
    }
    match a.out {
        Some(path) => {
            let n = store.export_calls_to_file(account.id, p, &path)?;
            super::w(writeln!(
                io.err,
                "{} {} {} vers {}.",
                fr::nombre(n, "appel", "appels"),
                fr::de(&account.name),
                fr::pluriel(n, "exporté", "exportés"),
                path.display()
            ));
        }
        None => {
            store.export_calls(account.id, p, &mut *io.out)?;
        }
    }
    Ok(EXIT_OK)
}
