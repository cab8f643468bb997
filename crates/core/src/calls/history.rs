//! Call history of one account (Télécharger historique des appels): the window's list and the
//! CSV, for a period or everything.

use crate::atomic_file::WholeFile;
use crate::base::Basics;
use crate::dates::local;
use crate::domain::{format_duration, Money};
use crate::error::{Error, Result};
use crate::export::phone_cell;
use crate::page::Page;
use crate::store::audit::JournalLine;
use crate::store::shared::{in_period, Get, Lite, Param, Queries, Row};
use crate::store::{Sql, Store};
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use std::sync::LazyLock;

/// `[depuis, jusqua)` in UTC seconds; `None` is open.
#[derive(Debug, Clone, Copy, Default, serde::Deserialize)]
pub struct Period {
    pub depuis: Option<i64>,
    pub jusqua: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CallView {
    pub id: i64,
    pub date: i64,
    pub numero: String,
    pub touche: Option<u8>,
    pub duree_s: i64,
    pub cout: i64,
    pub solde_apres: Option<i64>,
    pub statut: String,
    pub hors_touches: bool,
    pub tarif: Option<String>,
}

/// Asterisk's dispositions in the clerk's words, whatever their case (an exporter may lower it,
/// and `answered` is billed like `ANSWERED`).
pub fn status_label(disposition: &str) -> String {
    match disposition.to_ascii_uppercase().as_str() {
        "ANSWERED" => "Répondu".into(),
        "NO ANSWER" => "Sans réponse".into(),
        "BUSY" => "Occupé".into(),
        "FAILED" => "Échec".into(),
        "CONGESTION" => "Réseau encombré".into(),
        _ => disposition.to_string(),
    }
}

/// An account's calls in a period (`$2`, `$3`: its bounds, each `NULL` for open).
const CALLS: &str = concat!(
    "SELECT id, started_at, dialed, key_index, billsec, cost, balance_after,
        disposition, tariff_label, number,
        EXISTS (SELECT 1 FROM privileged_numbers p WHERE p.number = calls.number) FROM calls
     WHERE account_id = $1 AND ",
    in_period!("started_at")
);

static COUNT: LazyLock<Sql> =
    LazyLock::new(|| Sql::made(format!("SELECT count(*) FROM ({CALLS}) n")));
/// `$5`: the last call shown (`NULL` for the newest); the page goes on below it in the list's
/// order, so that a call loaded meanwhile neither repeats a row nor hides one.
static PAGE: LazyLock<Sql> = LazyLock::new(|| {
    Sql::made(format!(
        "{CALLS} AND NOT EXISTS (SELECT 1 FROM calls shown WHERE shown.id = $5
                                 AND (calls.started_at, calls.id) >= (shown.started_at, shown.id))
         ORDER BY started_at DESC, id DESC LIMIT $4"
    ))
});
static OLDEST_FIRST: LazyLock<Sql> =
    LazyLock::new(|| Sql::made(format!("{CALLS} ORDER BY started_at, id")));

impl Row for CallView {
    fn read<G: Get>(r: &G) -> std::result::Result<CallView, G::Error> {
        let key = r.col::<Option<i64>>(3)?.and_then(|k| u8::try_from(k).ok());
        let disposition: String = r.col(7)?;
        let dialed: String = r.col(2)?;
        // A record of the README's dialplan names the extension `s`: the number it called
        // is the one rated (`CallRecord::called`).
        let numero = match dialed.bytes().any(|b| b.is_ascii_digit()) {
            true => dialed,
            false => Some(r.col::<String>(9)?)
                .filter(|n| !n.is_empty())
                .unwrap_or(dialed),
        };
        Ok(CallView {
            id: r.col(0)?,
            date: r.col(1)?,
            numero,
            touche: key,
            duree_s: r.col(4)?,
            cout: r.col(5)?,
            solde_apres: r.col(6)?,
            statut: status_label(&disposition),
            // A privileged number is called without a key, as it should be (SPEC §12).
            hors_touches: key.is_none() && !r.col::<bool>(10)?,
            tarif: r.col(8)?,
        })
    }
}

/// A page of the period's calls, newest first, and how many the period has; on either store.
pub(crate) fn calls_page(
    q: &mut impl Queries,
    id: i64,
    p: Period,
    page: Page,
) -> Result<(u64, Vec<CallView>)> {
    let total: i64 = q.value(&COUNT, &[&id, &p.depuis, &p.jusqua])?;
    let page = [
        &id as &dyn Param,
        &p.depuis,
        &p.jusqua,
        &page.size(),
        &page.after,
    ];
    Ok((total as u64, q.rows(&PAGE, &page)?))
}

/// The period's calls, oldest first, each given to `f`; on either store.
pub(crate) fn each_call(
    q: &mut impl Queries,
    id: i64,
    p: Period,
    f: &mut EachCall<'_>,
) -> Result<()> {
    for call in q.rows(&OLDEST_FIRST, &[&id, &p.depuis, &p.jusqua])? {
        f(call)?;
    }
    Ok(())
}

pub const HISTORY_HEADER: [&str; 9] = [
    "Date",
    "Heure",
    "Numéro appelé",
    "Touche",
    "Durée",
    "Coût",
    "Solde après",
    "Statut",
    "Hors touches",
];

/// An account's calls as each store reads them; the CSV and its Journal's line written once.
pub trait CallHistory: Basics {
    /// A page of the calls of the account `id` in the period, newest first, with the period's
    /// count.
    fn calls(&self, id: i64, p: Period, page: Page) -> Result<(u64, Vec<CallView>)>;
    /// Each call of the account `id` in the period, oldest first.
    fn each_call(&self, id: i64, p: Period, f: &mut EachCall<'_>) -> Result<()>;

    /// Writes the history as CSV (`;`, UTF-8 BOM, like the full export), oldest first.
    fn export_calls(&self, id: i64, p: Period, out: &mut dyn Write) -> Result<u64> {
        let currency = self.settings()?.currency;
        write_history(&currency, out, |f| self.each_call(id, p, f))
    }

    /// The history to a file, atomically (temporary file renamed when complete), audited.
    fn export_calls_to_file(&self, id: i64, p: Period, path: &Path) -> Result<u64> {
        let a = self.get_account(id)?;
        let tmp = WholeFile::new(path, ".forfaits-historique-")?;
        let n = self.export_calls(id, p, &mut tmp.as_file())?;
        let details = format!(
            "{} vers {}",
            crate::fr::nombre(n, "appel", "appels"),
            path.display()
        );
        let action = "Export de l'historique des appels";
        let details = &details;
        // The Journal's line first: a role the site refuses it gets no file either.
        self.journal_export(Some(&a), JournalLine { action, details })?;
        tmp.persist()?;
        Ok(n)
    }
}

impl CallHistory for Store {
    fn calls(&self, id: i64, p: Period, page: Page) -> Result<(u64, Vec<CallView>)> {
        calls_page(&mut Lite(&self.conn), id, p, page)
    }

    fn each_call(&self, id: i64, p: Period, f: &mut EachCall<'_>) -> Result<()> {
        each_call(&mut Lite(&self.conn), id, p, f)
    }
}

/// Calls one function with each call of a history, oldest first.
pub type EachCall<'a> = dyn FnMut(CallView) -> Result<()> + 'a;

/// The history's CSV (`;`, UTF-8 BOM, like the full export) of the calls `each` gives, from
/// either store.
pub(crate) fn write_history<W: Write>(
    currency: &crate::domain::Currency,
    out: W,
    each: impl FnOnce(&mut EachCall<'_>) -> Result<()>,
) -> Result<u64> {
    let mut out = std::io::BufWriter::new(out);
    let io = |e: std::io::Error| Error::writing("l'historique", e);
    out.write_all("\u{feff}".as_bytes()).map_err(io)?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let csv_err = |e: csv::Error| Error::writing("l'historique", e);
    w.write_record(HISTORY_HEADER).map_err(csv_err)?;
    let mut n = 0;
    each(&mut |c: CallView| {
        let when = local(c.date);
        let (day, time) = when.split_once(' ').unwrap_or((&when, ""));
        let seconds = chrono::DateTime::from_timestamp(c.date, 0)
            .map(|d| d.format("%S").to_string())
            .unwrap_or_default();
        w.write_record([
            day.to_string(),
            format!("{time}:{seconds}"),
            phone_cell(&c.numero),
            c.touche.map(|k| k.to_string()).unwrap_or_default(),
            format_duration(c.duree_s),
            currency.format_plain(Money(c.cout)),
            c.solde_apres
                .map(|b| currency.format_plain(Money(b)))
                .unwrap_or_default(),
            c.statut,
            if c.hors_touches {
                "Oui".into()
            } else {
                String::new()
            },
        ])
        .map_err(csv_err)?;
        n += 1;
        Ok(())
    })?;
    w.flush().map_err(io)?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_disposition_reads_the_same_in_any_case_and_an_unknown_one_as_written() {
        assert_eq!(super::status_label("answered"), "Répondu");
        assert_eq!(super::status_label("No Answer"), "Sans réponse");
        assert_eq!(super::status_label("Transféré"), "Transféré");
    }
}
