use crate::args::SearchArgs;
use crate::{Io, EXIT_OK};
use forfaits_core::domain::Money;
use forfaits_core::fr;
use forfaits_core::store::accounts::{ListQuery, MAX_PAGE};
use forfaits_core::{Base, Result};

pub fn run(store: &mut Base, a: SearchArgs, io: &mut Io<'_>) -> Result<u8> {
    let currency = store.settings()?.currency;
    let query = a.query.join(" ");
    // The stores answer pages of at most MAX_PAGE accounts: a larger --limit reads several.
    let mut rows = Vec::new();
    let total = loop {
        let page = store.list_accounts(&ListQuery {
            recherche: query.clone(),
            limite: (a.limit as usize - rows.len()).min(MAX_PAGE as usize) as u32,
            decalage: rows.len() as u64,
            ..Default::default()
        })?;
        let got = page.rows.len();
        rows.extend(page.rows);
        if got == 0 || rows.len() >= a.limit as usize || rows.len() as u64 >= page.total {
            break page.total;
        }
    };
    let out = &mut *io.out;
    for acc in &rows {
        if a.json {
            let v = super::account_json(acc, &currency);
            super::w(writeln!(out, "{v}"));
        } else {
            super::w(writeln!(
                out,
                "{}  {}  {:>16}  {}",
                acc.matricule,
                acc.identifiant,
                currency.format_number(Money(acc.balance), Some(' ')) + " " + &currency.code,
                acc.name
            ));
        }
    }
    if !a.json {
        let shown = rows.len() as u64;
        let found = |t: u64| {
            format!(
                "{} {}",
                super::thousands(t),
                fr::pluriel(t, "compte trouvé", "comptes trouvés")
            )
        };
        let msg = match total {
            0 => format!("Aucun compte ne correspond à « {query} »."),
            t if t == shown => format!("{}.", found(t)),
            t => format!(
                "{}, {} {} (--limit pour en voir davantage).",
                found(t),
                super::thousands(shown),
                fr::pluriel(shown, "affiché", "affichés")
            ),
        };
        super::w(writeln!(io.err, "{msg}"));
    }
    Ok(EXIT_OK)
}
