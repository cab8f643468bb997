//! `numbers`: blocked and privileged numbers (SPEC §12).

use crate::args::NumbersCommand;
use crate::{Io, EXIT_OK};
use forfaits_core::rules::numbers::Blocking;
use forfaits_core::{Base, Error, Result};
use std::io::Write;

/// « Le numéro … n'est plus interdit. »
fn no_longer(io: &mut Io<'_>, number: &str, what: &str) {
    let n = number.trim();
    super::w(writeln!(io.out, "Le numéro {n} n'est plus {what}."));
}

pub fn run(store: &mut Base, c: NumbersCommand, io: &mut Io<'_>) -> Result<u8> {
    match c {
        NumbersCommand::Block(a) => {
            let b = match store.try_block_number(&a.number, &a.reason, a.force)? {
                Blocking::Blocked(b) => b,
                Blocking::Held { question, .. } => {
                    return Err(Error::Rejected(format!(
                        "{question} Pour confirmer, relancez la commande avec --force."
                    )))
                }
            };
            super::w(writeln!(
                io.out,
                "Numéro interdit : {} ({}).",
                b.motif, b.raison
            ));
        }
        NumbersCommand::Unblock(a) => {
            store.unblock_number(&a.number)?;
            no_longer(io, &a.number, "interdit");
        }
        NumbersCommand::Privilege(a) => {
            let p = store.privilege_number(&a.number, &a.label, a.free)?;
            super::w(writeln!(
                io.out,
                "Numéro privilégié : {} ({}, {}).",
                p.numero,
                p.libelle,
                if p.gratuit { "gratuit" } else { "facturé" }
            ));
        }
        NumbersCommand::Unprivilege(a) => {
            store.unprivilege_number(&a.number)?;
            no_longer(io, &a.number, "privilégié");
        }
        NumbersCommand::List(a) => {
            let blocked = store.blocked_numbers()?;
            let privileged = store.privileged_numbers()?;
            let out = &mut *io.out;
            if a.json {
                for b in &blocked {
                    let v = serde_json::json!({
                        "type": "interdit", "numero": b.motif, "motif": b.raison,
                        "operateur": b.operateur, "date": forfaits_core::dates::local(b.date),
                    });
                    super::w(writeln!(out, "{v}"));
                }
                for p in &privileged {
                    let v = serde_json::json!({
                        "type": "privilegie", "numero": p.numero, "libelle": p.libelle,
                        "gratuit": p.gratuit, "operateur": p.operateur,
                        "date": forfaits_core::dates::local(p.date),
                    });
                    super::w(writeln!(out, "{v}"));
                }
                return Ok(EXIT_OK);
            }
            section(
                out,
                "Numéros interdits :",
                blocked.iter().map(|b| {
                    format!(
                        "{:<16} {}  ({}, {})",
                        b.motif,
                        b.raison,
                        b.operateur,
                        forfaits_core::dates::local(b.date)
                    )
                }),
            );
            section(
                out,
                "Numéros privilégiés :",
                privileged.iter().map(|p| {
                    format!(
                        "{:<16} {}  ({}, {}, {})",
                        p.numero,
                        p.libelle,
                        if p.gratuit { "gratuit" } else { "facturé" },
                        p.operateur,
                        forfaits_core::dates::local(p.date)
                    )
                }),
            );
        }
    }
    Ok(EXIT_OK)
}

/// A heading, then one indented row per entry, or « aucun ».
fn section(out: &mut dyn Write, heading: &str, rows: impl ExactSizeIterator<Item = String>) {
    super::w(writeln!(out, "{heading}"));
    if rows.len() == 0 {
        super::w(writeln!(out, "  aucun"));
    }
    for row in rows {
        super::w(writeln!(out, "  {row}"));
    }
}
