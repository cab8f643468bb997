use crate::args::TariffsCommand;
use crate::{Io, EXIT_OK, EXIT_REJECTED};
use forfaits_core::fr;
use forfaits_core::tariff_diff::TariffDiff;
use forfaits_core::{Base, Result};

pub fn run(store: &mut Base, c: TariffsCommand, io: &mut Io<'_>) -> Result<u8> {
    let TariffsCommand::Import(a) = c;
    let old = store.tariffs()?;
    let r = store.import_tariffs(&a.file, false)?;
    for e in &r.erreurs {
        super::w(writeln!(io.err, "{e}"));
    }
    if r.ecrit {
        let change = TariffDiff::between(&old, &store.tariffs()?);
        if change.avant > 0 {
            super::w(writeln!(io.out, "{}.", change.resume));
        }
        // The file gave back the table in place: nothing was replaced, whatever was written.
        let what = match change.avant > 0 && change.is_empty() {
            true => "la table des tarifs reste la même",
            false => "la table des tarifs a été remplacée",
        };
        super::w(writeln!(
            io.out,
            "{} ({what}).",
            fr::nombre(r.tarifs, "tarif importé", "tarifs importés")
        ));
        Ok(EXIT_OK)
    } else {
        super::w(writeln!(
            io.out,
            "Import des tarifs annulé : {}, les tarifs en place n'ont pas changé.",
            fr::nombre(r.erreurs.len() as u64, "erreur", "erreurs")
        ));
        Ok(EXIT_REJECTED)
    }
}
