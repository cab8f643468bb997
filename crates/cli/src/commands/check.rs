use crate::{Io, EXIT_OK, EXIT_REJECTED};
use forfaits_core::fr::{nombre, pluriel};
use forfaits_core::{Base, Result};

pub fn run(store: &mut Base, io: &mut Io<'_>) -> Result<u8> {
    let r = store.check()?;
    for said in r.problemes.iter().chain(&r.touches_a_corriger) {
        super::w(writeln!(io.err, "{said}"));
    }
    // Keys to correct leave the base sound: said, but the exit stays 0 without problems.
    let keys = match r.touches_a_corriger_trouvees {
        0 => String::new(),
        n => format!(
            " ; {} à corriger (ci-dessus)",
            nombre(n, "numéro de touche", "numéros de touche")
        ),
    };
    if r.ok() {
        super::w(writeln!(
            io.out,
            "Base vérifiée : {} {}, {} {}, aucun problème{keys}.",
            super::thousands(r.comptes),
            pluriel(r.comptes, "compte", "comptes"),
            super::thousands(r.mouvements),
            pluriel(r.mouvements, "mouvement", "mouvements")
        ));
        Ok(EXIT_OK)
    } else {
        super::w(writeln!(
            io.out,
            "Base vérifiée : {}{keys}.",
            nombre(r.problemes_trouves, "problème trouvé", "problèmes trouvés")
        ));
        Ok(EXIT_REJECTED)
    }
}
