use crate::args::BackupArgs;
use crate::{Io, EXIT_OK};
use forfaits_core::{Result, Store};

pub fn run(store: &mut Store, a: BackupArgs, io: &mut Io<'_>) -> Result<u8> {
    let size = store.backup_to(&a.file)?;
    super::w(writeln!(
        io.out,
        "Sauvegarde écrite : {} ({} Kio).",
        a.file.display(),
        super::thousands(size.div_ceil(1024))
    ));
    Ok(EXIT_OK)
}

pub fn restore(store: &mut Store, a: BackupArgs, io: &mut Io<'_>) -> Result<u8> {
    let r = store.restore_from(&a.file)?;
    super::w(writeln!(
        io.out,
        "Base restaurée depuis {} ({} comptes). L'ancienne base est gardée dans {}.",
        a.file.display(),
        super::thousands(r.comptes),
        r.precedente.display()
    ));
    Ok(EXIT_OK)
}
