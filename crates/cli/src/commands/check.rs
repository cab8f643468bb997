use crate::{Io, EXIT_OK, EXIT_REJECTED};
use forfaits_core::{Base, Result};

pub fn run(store: &mut Base, io: &mut Io<'_>) -> Result<u8> {
    let r = store.check()?;
    if r.ok() {
        super::w(writeln!(
            io.out,
            "Base vérifiée : {} comptes, {} mouvements, aucun problème.",
            super::thousands(r.comptes),
            super::thousands(r.mouvements)
        ));
        Ok(EXIT_OK)
    } else {
        for p in &r.problemes {
            super::w(writeln!(io.err, "{p}"));
        }
        super::w(writeln!(
            io.out,
            "Base vérifiée : {} problème(s) trouvé(s).",
            r.problemes.len()
        ));
        Ok(EXIT_REJECTED)
    }
}
