use crate::args::{ExportArgs, Format};
use crate::{Io, EXIT_OK};
use forfaits_core::export::{export_users, export_users_to_file, ExportFormat, ExportOptions};
use forfaits_core::{Base, Result};

pub fn run(store: &mut Base, a: ExportArgs, io: &mut Io<'_>) -> Result<u8> {
    let opts = ExportOptions {
        format: match a.format {
            Format::Full => ExportFormat::Complet,
            Format::Import => ExportFormat::Import,
            Format::Xlsx => ExportFormat::Xlsx,
        },
        separator: a.sep,
        bom: true,
    };
    match a.out {
        Some(path) => {
            let n = export_users_to_file(&**store, &path, opts, &mut |_, _| Ok(()))?;
            super::w(writeln!(
                io.err,
                "{} {} vers {}.",
                super::thousands(n),
                forfaits_core::fr::pluriel(n, "compte exporté", "comptes exportés"),
                path.display()
            ));
        }
        None => {
            export_users(&**store, &mut *io.out, opts, &mut |_, _| Ok(()))?;
        }
    }
    Ok(EXIT_OK)
}
