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
    let (file, kept) = (a.file.display(), r.precedente.display());
    let accounts = super::thousands(r.comptes);
    super::w(writeln!(
        io.out,
        "Base restaurée depuis {file} ({accounts} comptes). L'ancienne base est gardée dans {kept}."
    ));
    Ok(EXIT_OK)
}
