//! Call records (Taxation, SPEC §8): the telephony server's Asterisk `cdr_csv` records loaded,
//! matched to accounts, rated, debited as *Appel* movements and counted in *Durée totale*, in
//! one transaction per file. Loading a file again changes nothing.
//!
//! Records are read, checked and rated on a second thread (`rate`); this one matches them to
//! accounts and writes.

pub(crate) mod db;
pub mod history;
pub(crate) mod rate;
mod record;

use crate::base::Basics;
use crate::domain::phone::{international, CountryCode};
use crate::error::{Error, Result};
use crate::fr;
use crate::import::line::LineError;
use crate::import::reader::{detect_encoding, open_text, Mixed, RecordReader};
use crate::rating::TariffTable;
use crate::rules::numbers::NumberRules;
use crate::store::{audit, now, Store};
use db::MOVEMENTS_PER_INSERT;
pub(crate) use db::{AppelRow, CallRow, CallsDb, CallsTable};
use rate::{rate_file, Item, Known, Msg, RatedCall};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Which column of the record names the account (its identifiant).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchBy {
    #[default]
    Accountcode,
    Src,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct CallsOptions {
    #[serde(default)]
    pub match_by: MatchBy,
    /// Check and rate everything, write nothing (the window's preview).
    #[serde(default)]
    pub dry_run: bool,
}

/// One line of the report that is not an error: an unknown account or a number without tariff.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub ligne: u64,
    pub valeur: String,
    pub texte: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CallsReport {
    pub lignes_lues: u64,
    /// New calls stored.
    pub appels_charges: u64,
    /// Calls already loaded earlier (or twice in the file): ignored.
    pub deja_charges: u64,
    pub hors_touches: u64,
    #[serde(flatten)]
    pub totaux: Totals,
    #[serde(flatten)]
    pub listes: Listed,
    pub ecrit: bool,
}

/// What the calls loaded weigh on the accounts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Calls debited.
    pub appels_factures: u64,
    /// Total debited, minor units.
    pub montant_total: i64,
    /// Seconds added to *Durée totale*.
    pub secondes: i64,
}

/// The lines a clerk should look at, each list capped ([`MAX_NOTICES`] kept, [`MAX_LISTED`]
/// shown).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Listed {
    pub comptes_inconnus: Vec<Notice>,
    pub sans_tarif: Vec<Notice>,
    /// Malformed lines.
    pub erreurs: Vec<LineError>,
}

/// Malformed lines a refusal of the whole file names.
const REFUSAL_LINES: usize = 10;

/// Most notices and errors of each kind the window lists; a longer list helps nobody at a
/// desk, and the command line prints them all.
pub const MAX_LISTED: usize = 500;

impl CallsReport {
    /// The report as the window shows it: the first [`MAX_LISTED`] of each list.
    pub fn keep_listed(&mut self) {
        let l = &mut self.listes;
        l.erreurs.truncate(MAX_LISTED);
        l.comptes_inconnus.truncate(MAX_LISTED);
        l.sans_tarif.truncate(MAX_LISTED);
    }
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct CallsProgress {
    pub lignes: u64,
    pub octets: u64,
    pub octets_total: u64,
}

/// Reports keep this many notices of each kind.
const MAX_NOTICES: usize = 10_000;

/// Calls held before they are written account by account (file order kept within an account):
/// the per-account indexes of calls and movements are then filled in one sweep per chunk
/// instead of at random places, which makes a large load about a third faster. Bounds memory.
const CHUNK: usize = 100_000;

/// What loading needs to know of an account, read once per file.
pub(crate) struct AccountCtx {
    id: i64,
    billing: bool,
    /// International forms of the numbers on keys 1..=10, one per line (an empty line for an
    /// empty key): one allocation per account instead of ten, for loads that meet every account
    /// of a large site.
    keys: String,
    balance: i64,
    used: i64,
    touched: bool,
}

impl AccountCtx {
    /// From the account's row ([`db::ACCOUNT_CTX`]): id, billing, balance, used seconds, and the
    /// numbers of keys 1 to 10.
    pub(crate) fn new(
        id: i64,
        billing: bool,
        balance: i64,
        used: i64,
        keys: impl IntoIterator<Item = Option<String>>,
        cc: &CountryCode,
    ) -> AccountCtx {
        AccountCtx {
            id,
            billing,
            balance,
            used,
            touched: false,
            keys: keys_text(keys, cc),
        }
    }
}

fn keys_text(keys: impl IntoIterator<Item = Option<String>>, cc: &CountryCode) -> String {
    let mut text = String::new();
    for (i, phone) in keys.into_iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        if let Some(p) = phone {
            text.push_str(&international(&p, cc));
        }
    }
    text
}

/// The key (1..=10) holding `number` in `keys_text`'s text.
fn key_of(keys: &str, number: &str) -> Option<u8> {
    keys.split('\n')
        .position(|k| !k.is_empty() && k == number)
        .map(|i| i as u8 + 1)
}

/// The reason of the movement *Appel* that debits a call, the same for a record loaded and a
/// call billed at hang-up.
pub(crate) fn debit_reason(number: &str, billsec: i64) -> String {
    format!(
        "Appel vers {number} ({})",
        crate::domain::format_duration(billsec)
    )
}

/// What a load rates with, read once before it.
pub(crate) struct Rating {
    pub settings: crate::store::Settings,
    pub tariffs: TariffTable,
    /// The privileged numbers (SPEC §12), some of which cost nothing.
    pub numbers: NumberRules,
}

impl Rating {
    pub(crate) fn read(s: &impl Basics) -> Result<Rating> {
        Ok(Rating {
            settings: s.settings()?,
            tariffs: TariffTable::new(s.tariffs()?),
            numbers: s.number_rules()?,
        })
    }
}

/// Loads a Master.csv file. Malformed lines, unknown accounts and numbers without tariff are
/// reported, never guessed; every other record is stored once.
pub fn load_calls(
    store: &mut Store,
    path: &Path,
    opts: CallsOptions,
    progress: &mut dyn FnMut(CallsProgress) -> Result<()>,
) -> Result<CallsReport> {
    let rating = Rating::read(store)?;
    // A large page cache for the whole load: calls and movements grow at random places of their
    // indexes, and a small cache would spill every page to the WAL more than once. 48 MiB, not
    // 64: pages only read come through the memory map (and count in the process's memory).
    let old_cache: i64 = store
        .conn
        .pragma_query_value(None, "cache_size", |r| r.get(0))?;
    store.conn.pragma_update(None, "cache_size", -49152)?;
    // Every account id written comes from a read made inside the load's own immediate
    // transaction, so no account can vanish under it: checking the foreign key of each call and
    // each movement again would only repeat that read (two account look-ups per record).
    store.conn.pragma_update(None, "foreign_keys", "OFF")?;
    let result = load_in_tx(store, path, opts, progress, &rating);
    store.conn.pragma_update(None, "foreign_keys", "ON")?;
    store.conn.pragma_update(None, "cache_size", old_cache)?;
    result
}

fn load_in_tx(
    store: &mut Store,
    path: &Path,
    opts: CallsOptions,
    progress: &mut dyn FnMut(CallsProgress) -> Result<()>,
    rating: &Rating,
) -> Result<CallsReport> {
    let operator = store.operator().to_string();
    let tx = store.write_tx()?;
    let known = db::known(&mut crate::store::shared::Lite(&tx))?;
    let mut report = load_into(
        db::Lite::new(&tx)?,
        path,
        opts,
        progress,
        rating,
        &operator,
        known,
    )?;
    if opts.dry_run {
        return Ok(report);
    }
    audit::record(
        &tx,
        &operator,
        LOAD_ACTION,
        None,
        &load_journal(&report, path, &rating.settings),
    )?;
    tx.commit()?;
    report.ecrit = true;
    Ok(report)
}

/// The Journal's action of a load.
pub(crate) const LOAD_ACTION: &str = "Chargement des appels";

/// Reads, rates and writes the file's calls through `db`, in the caller's transaction; the
/// caller writes the Journal's line and commits (unless `opts.dry_run`).
pub(crate) fn load_into<D: CallsDb>(
    db: D,
    path: &Path,
    opts: CallsOptions,
    progress: &mut dyn FnMut(CallsProgress) -> Result<()>,
    rating: &Rating,
    operator: &str,
    known: Known,
) -> Result<CallsReport> {
    let cc = rating.settings.country_code.clone();
    let tariffs = &rating.tariffs;
    let total = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    let enc = detect_encoding(path, Mixed::ReadAsWindows)?;
    let (text, bytes) = open_text(path, enc)?;
    let records = RecordReader::new(text, b',').resync_quotes();
    let mut report = CallsReport::default();
    let loaded_at = now();
    std::thread::scope(|scope| -> Result<()> {
        // Room for a whole chunk: the reading thread goes on while this one writes the previous.
        let (to_writer, messages) = std::sync::mpsc::sync_channel(CHUNK / rate::BATCH + 1);
        let (cc2, match_by) = (cc.clone(), opts.match_by);
        scope.spawn(move || rate_file(records, match_by, known, &cc2, rating, to_writer));
        let mut w = CallWriter {
            db,
            cc: &cc,
            operator,
            loaded_at,
            tariffs,
            known,
            unpriced: 0,
            accounts: FxHashMap::default(),
            ctxs: Vec::new(),
            // Reserved once: growing it by doubling touched fresh pages at each chunk.
            pending: Vec::with_capacity(CHUNK),
            movements: Vec::with_capacity(MOVEMENTS_PER_INSERT),
        };
        for msg in messages {
            let items = match msg {
                Msg::Items(items) => items,
                Msg::Failed(e) => return Err(Error::io(path, e)),
            };
            for item in items {
                report.lignes_lues += 1;
                match item {
                    Item::Malformed(e) => {
                        if report.listes.erreurs.len() < MAX_NOTICES {
                            report.listes.erreurs.push(e);
                        }
                    }
                    Item::Call(c) => w.stage(c, opts.match_by, &mut report)?,
                }
            }
            progress(CallsProgress {
                lignes: report.lignes_lues,
                octets: bytes.get(),
                octets_total: total,
            })?;
        }
        w.finish(&mut report)
    })?;
    // Written account by account: the notices come back in the file's order.
    report.listes.sans_tarif.sort_by_key(|n| n.ligne);
    if report.lignes_lues == 0 {
        return Err(Error::Rejected(
            "Le fichier ne contient aucun relevé d'appel.".into(),
        ));
    }
    if report.appels_charges == 0
        && report.deja_charges == 0
        && report.listes.comptes_inconnus.is_empty()
        && !report.listes.erreurs.is_empty()
    {
        // One line per problem (SPEC §9), as many as a message can hold.
        let mut text = "Aucune ligne n'est un relevé d'appel Asterisk (Master.csv) :".to_string();
        for e in report.listes.erreurs.iter().take(REFUSAL_LINES) {
            text.push_str(&format!("\n{e}"));
        }
        let more = report.listes.erreurs.len().saturating_sub(REFUSAL_LINES) as u64;
        if more > 0 {
            let others = crate::fr::nombre(more, "autre ligne", "autres lignes");
            text.push_str(&format!(
                "\n… et {others} mal formée{}.",
                crate::fr::pluriel(more, "", "s")
            ));
        }
        return Err(Error::Rejected(text));
    }
    Ok(report)
}

/// The Journal's line of a load.
pub(crate) fn load_journal(
    report: &CallsReport,
    path: &Path,
    settings: &crate::store::Settings,
) -> String {
    format!(
        "{} : {}, {}, {} ({} {}), {}, {}",
        audit::file_name(path),
        fr::nombre(report.appels_charges, "appel chargé", "appels chargés"),
        fr::nombre(report.deja_charges, "déjà chargé", "déjà chargés"),
        fr::nombre(report.totaux.appels_factures, "facturé", "facturés"),
        settings
            .currency
            .format_plain(crate::domain::Money(report.totaux.montant_total)),
        settings.currency.code,
        fr::nombre(
            report.listes.comptes_inconnus.len() as u64,
            "compte inconnu",
            "comptes inconnus"
        ),
        fr::nombre(
            report.listes.erreurs.len() as u64,
            "ligne mal formée",
            "lignes mal formées"
        )
    )
}

/// Writes rated calls in the load's transaction.
struct CallWriter<'c, D: CallsDb> {
    db: D,
    cc: &'c CountryCode,
    operator: &'c str,
    loaded_at: i64,
    tariffs: &'c TariffTable,
    known: Known,
    /// Answered calls of billed accounts that no tariff prices (a privileged number aside).
    unpriced: u64,
    /// Each identifiant met, with its place in `ctxs` (`None`: no such account).
    accounts: FxHashMap<String, Option<u32>>,
    ctxs: Vec<AccountCtx>,
    /// Calls of known accounts waiting for [`CallWriter::flush`], after their account's id and
    /// place in `ctxs` (taken out as they are written).
    pending: Vec<(i64, u32, Option<RatedCall>)>,
    /// *Appel* movements waiting for [`CallWriter::write_movements`].
    movements: Vec<AppelRow>,
}

impl<'c, D: CallsDb> CallWriter<'c, D> {
    /// Finds the call's account (reporting an unknown one) and queues the call.
    fn stage(&mut self, c: RatedCall, match_by: MatchBy, report: &mut CallsReport) -> Result<()> {
        // Loaded for an account deleted since: not a call of whoever has its identifiant now.
        if self.known.forgotten && self.db.forgotten(&c)? {
            report.deja_charges += 1;
            return Ok(());
        }
        let found = match self.accounts.get(&c.code) {
            Some(found) => *found,
            None => {
                let ctx = self.db.account_ctx(&c.code, self.cc)?;
                let found = ctx.map(|ctx| {
                    self.ctxs.push(ctx);
                    self.ctxs.len() as u32 - 1
                });
                self.accounts.insert(c.code.clone(), found);
                found
            }
        };
        let Some(at) = found else {
            if report.listes.comptes_inconnus.len() < MAX_NOTICES {
                report.listes.comptes_inconnus.push(Notice {
                    ligne: c.line,
                    valeur: c.code.clone(),
                    texte: format!(
                        "ligne {} : aucun compte n'a l'identifiant {} ({}) ; relevé non chargé",
                        c.line,
                        crate::domain::field::shown(&c.code),
                        match match_by {
                            MatchBy::Accountcode => "accountcode",
                            MatchBy::Src => "src",
                        }
                    ),
                });
            }
            return Ok(());
        };
        self.pending.push((self.ctxs[at as usize].id, at, Some(c)));
        if self.pending.len() >= CHUNK {
            self.flush(report)?;
        }
        Ok(())
    }

    /// Writes the queued calls, account by account.
    fn flush(&mut self, report: &mut CallsReport) -> Result<()> {
        let mut pending = std::mem::take(&mut self.pending);
        // The order is sorted, not the calls: moving 100,000 records of some 250 bytes through
        // a merge sort was a sixth of the writing thread's time (perf). The position breaks
        // ties, so an account's calls keep the file's order, and so do its balances after.
        let mut order: Vec<(i64, u32)> = pending
            .iter()
            .enumerate()
            .map(|(i, (id, _, _))| (*id, i as u32))
            .collect();
        order.sort_unstable();
        for (_, i) in order {
            let (_, at, c) = &mut pending[i as usize];
            if let Some(c) = c.take() {
                self.write(*at, c, report)?;
            }
        }
        pending.clear();
        self.pending = pending;
        self.write_movements()
    }

    fn write(&mut self, at: u32, c: RatedCall, report: &mut CallsReport) -> Result<()> {
        let acc = &mut self.ctxs[at as usize];
        let key_index = c.number.as_deref().and_then(|n| key_of(&acc.keys, n));
        if let Some(uniqueid) = c.uniqueid.as_deref() {
            if self.db.known_already(self.known, uniqueid, &c)? {
                report.deja_charges += 1;
                return Ok(());
            }
        }
        // The call of an authorization still open: billed here as its hang-up would bill it (up
        // to the seconds granted, with the grant's tariff), so that the hang-up that may come
        // later finds it billed (the uniqueid kept as for a hang-up) instead of billing again.
        let settles = match (self.known.holds, c.uniqueid.as_deref()) {
            (true, Some(uniqueid)) => self.db.hold_of(uniqueid, acc.id)?,
            _ => None,
        };
        let (counted, billed_s, rated, tariff) = match &settles {
            Some(open) => {
                let (counted, billed_s, rated) =
                    open.rate(c.answered, c.billsec).ok_or_else(|| {
                        Error::Rejected(format!(
                            "ligne {} : le coût de l'appel dépasse ce que Forfaits peut compter",
                            c.line
                        ))
                    })?;
                (counted, billed_s, rated, open.tariff.as_ref())
            }
            None => (
                c.billsec,
                c.billed_s,
                c.rated,
                c.tariff.map(|i| self.tariffs.get(i)),
            ),
        };
        let debit = if acc.billing { rated } else { 0 };
        let balance_after = (debit > 0).then(|| acc.balance - debit);
        let mut row = CallRow {
            account_id: acc.id,
            dedup_key: &c.dedup_key,
            dedup_hash: c.dedup_hash,
            started_at: c.started_at,
            dialed: &c.dialed,
            number: c.number.as_deref().unwrap_or(""),
            key_index: key_index.map(i64::from),
            disposition: &c.disposition,
            duration: c.duration,
            billsec: c.billsec,
            billed_s,
            cost: debit,
            tariff,
            balance_after,
            loaded_at: self.loaded_at,
            agi_uniqueid: settles.as_ref().and(c.uniqueid.as_deref()),
        };
        if !self.db.write_call(&mut row)? {
            report.deja_charges += 1;
            return Ok(());
        }
        if let Some(open) = &settles {
            self.db
                .settle_hold(open.id, row.dedup_hash, self.loaded_at)?;
        }
        report.appels_charges += 1;
        if key_index.is_none() && !c.privileged {
            report.hors_touches += 1;
        }
        if c.answered {
            acc.used += counted;
            acc.touched = true;
            report.totaux.secondes += counted;
            if tariff.is_none() && !c.free && acc.billing {
                self.unpriced += 1;
            }
            if tariff.is_none() && !c.free && report.listes.sans_tarif.len() < MAX_NOTICES {
                report.listes.sans_tarif.push(Notice {
                    ligne: c.line,
                    valeur: c.dialed.clone(),
                    texte: format!(
                        "ligne {} : aucun tarif ne correspond au numéro {} ; appel gardé sans coût",
                        c.line,
                        match c.number.as_deref().unwrap_or(&c.dialed) {
                            "" => "(vide)",
                            n => n,
                        }
                    ),
                });
            }
        }
        if let Some(after) = balance_after {
            acc.balance = after;
            acc.touched = true;
            report.totaux.appels_factures += 1;
            report.totaux.montant_total += debit;
            self.movements.push((acc.id, -debit, after, c.reason));
            if self.movements.len() == MOVEMENTS_PER_INSERT {
                self.write_movements()?;
            }
        }
        Ok(())
    }

    /// Writes the buffered movements, in their order.
    fn write_movements(&mut self) -> Result<()> {
        self.db
            .insert_movements(&self.movements, self.loaded_at, self.operator)?;
        self.movements.clear();
        Ok(())
    }

    /// Balances and minutes are written once per account, not once per call.
    fn finish(&mut self, report: &mut CallsReport) -> Result<()> {
        self.flush(report)?;
        // With no tariff at all, every such call would be kept at no cost, and never billed
        // afterwards (a second load finds it loaded): tariffs not imported yet, not free calls.
        if self.tariffs.is_empty() && self.unpriced > 0 {
            return Err(Error::Rejected(format!(
                "Aucun tarif n'est enregistré : {} de comptes facturés {}, et ne {} plus \
                 être facturés. Importez d'abord la table des tarifs (« Appels et tarifs › \
                 Importer des tarifs », ou « forfaits tariffs import FICHIER »). Aucun appel \
                 n'a été chargé.",
                crate::fr::nombre(self.unpriced, "appel répondu", "appels répondus"),
                crate::fr::pluriel(
                    self.unpriced,
                    "serait chargé sans coût",
                    "seraient chargés sans coût"
                ),
                crate::fr::pluriel(self.unpriced, "pourrait", "pourraient"),
            )));
        }
        // In id order: the accounts' pages are then visited once each, in one sweep.
        let mut touched: Vec<&AccountCtx> = self.ctxs.iter().filter(|a| a.touched).collect();
        touched.sort_unstable_by_key(|a| a.id);
        for acc in touched {
            self.db.update_account(acc.id, acc.balance, acc.used)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_by_their_international_form_and_empty_keys_match_nothing() {
        let cc = CountryCode::parse("+216").unwrap();
        let mut phones: [Option<String>; 10] = Default::default();
        phones[0] = Some("99383470".into());
        phones[2] = Some("0021627468145".into());
        phones[9] = Some("+33612345678".into());
        let keys = keys_text(phones, &cc);
        assert_eq!(key_of(&keys, "+21699383470"), Some(1));
        assert_eq!(key_of(&keys, "+21627468145"), Some(3));
        assert_eq!(key_of(&keys, "+33612345678"), Some(10));
        assert_eq!(key_of(&keys, ""), None);
        assert_eq!(key_of(&keys, "+2169938347"), None);
        assert_eq!(key_of(&keys_text([const { None }; 10], &cc), ""), None);
    }

    /// `calls-view.js` reads every count and list at the top of the report.
    #[test]
    fn the_report_reaches_the_page_flat() {
        let json = serde_json::to_value(CallsReport::default()).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "appels_charges",
                "appels_factures",
                "comptes_inconnus",
                "deja_charges",
                "ecrit",
                "erreurs",
                "hors_touches",
                "lignes_lues",
                "montant_total",
                "sans_tarif",
                "secondes"
            ]
        );
    }
}
