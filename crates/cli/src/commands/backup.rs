use crate::args::BackupArgs;
use crate::{Io, EXIT_OK};
use forfaits_core::{Result, Store};

pub fn run(store: &mut Store, a: BackupArgs, io: &mut Io<'_>) -> Result<u8> {
    let kio = super::thousands(store.backup_to(&a.file)?.div_ceil(1024));
    let file = a.file.display();
    super::w(writeln!(io.out, "Sauvegarde écrite : {file} ({kio} Kio)."));
    Ok(EXIT_OK)
}

pub fn restore(store: &mut Store, a: BackupArgs, io: &mut Io<'_>) -> Result<u8> {
    let r = store.restore_from(&a.file)?;
    let file = a.file.display();
    let accounts = super::thousands(r.comptes);
    let kept = match &r.precedente {
        Some(kept) => format!("L'ancienne base est gardée dans {}.", kept.display()),
        None => "La base remplacée était vide : rien n'a été mis de côté.".into(),
    };
    super::w(writeln!(
        io.out,
        "Base restaurée depuis {file} ({accounts} comptes). {kept}"
    ));
    Ok(EXIT_OK)
}
