use crate::{Io, EXIT_OK, EXIT_REJECTED};
use forfaits_core::fr::{nombre, pluriel};
use forfaits_core::{Base, Result};

pub fn run(store: &mut Base, io: &mut Io<'_>) -> Result<u8> {
    let r = store.check()?;
    if r.ok() {
        super::w(writeln!(
            io.out,
            "Base vérifiée : {} {}, {} {}, aucun problème.",
            super::thousands(r.comptes),
            pluriel(r.comptes, "compte", "comptes"),
            super::thousands(r.mouvements),
            pluriel(r.mouvements, "mouvement", "mouvements")
        ));
        Ok(EXIT_OK)
    } else {
        for p in &r.problemes {
            super::w(writeln!(io.err, "{p}"));
        }
        super::w(writeln!(
            io.out,
            "Base vérifiée : {}.",
            nombre(
                r.problemes.len() as u64,
                "problème trouvé",
                "problèmes trouvés"
            )
        ));
        Ok(EXIT_REJECTED)
    }
}
