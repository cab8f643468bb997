use crate::{Io, EXIT_OK, EXIT_REJECTED};
use forfaits_core::fr::{nombre, pluriel};
use forfaits_core::{Base, Result};

pub fn run(store: &mut Base, io: &mut Io<'_>) -> Result<u8> {
    let r = store.check()?;
    let (problems, keys) = (&r.problemes, &r.touches_a_corriger);
    for said in problems.lignes.iter().chain(&keys.lignes) {
        super::w(writeln!(io.err, "{said}"));
    }
    // Keys to correct leave the base sound: said, but the exit stays 0 without problems.
    let to_correct = match keys.nombre {
        0 => String::new(),
        n => format!(
            " ; {} à corriger (ci-dessus)",
            nombre(n, "numéro de touche", "numéros de touche")
        ),
    };
    if r.ok() {
        super::w(writeln!(
            io.out,
            "Base vérifiée : {} {}, {} {}, aucun problème{to_correct}.",
            super::thousands(r.comptes),
            pluriel(r.comptes, "compte", "comptes"),
            super::thousands(r.mouvements),
            pluriel(r.mouvements, "mouvement", "mouvements")
        ));
        Ok(EXIT_OK)
    } else {
        let found = nombre(problems.nombre, "problème trouvé", "problèmes trouvés");
        super::w(writeln!(io.out, "Base vérifiée : {found}{to_correct}."));
        Ok(EXIT_REJECTED)
    }
}
