use crate::args::SheetArgs;
use crate::{Io, EXIT_OK};
use forfaits_core::sheet::{write_pdf, SheetData, MAX_MOVEMENTS};
use forfaits_core::{Result, Store};

pub fn run(store: &mut Store, a: SheetArgs, io: &mut Io<'_>) -> Result<u8> {
    let account = super::account(store, &a.matricule)?;
    let movements = store.movements(account.id, MAX_MOVEMENTS as u32, 0)?;
    let settings = store.settings()?;
    write_pdf(
        &SheetData {
            account: &account,
            movements: &movements,
            settings: &settings,
            printed_at: forfaits_core::store::now(),
        },
        &a.out,
    )?;
    super::w(writeln!(
        io.err,
        "Fiche {} écrite : {}.",
        forfaits_core::fr::de(&account.name),
        a.out.display()
    ));
    Ok(EXIT_OK)
}
