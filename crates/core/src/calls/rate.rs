//! The reading half of a call-records load, on its own thread: records are parsed, checked and
//! rated, then sent to the writing thread in batches.

use super::record::parse_record;
use super::{debit_reason, MatchBy, Rating};
use crate::domain::phone::CountryCode;
use crate::domain::Field;
use crate::import::line::LineError;
use crate::import::reader::{RecordReader, TextStream};
use crate::rating::{answered, normalize_dialed, rate_call};
use std::sync::mpsc::SyncSender;

pub(super) const BATCH: usize = 2048;

/// A record rated, waiting for its account.
pub struct RatedCall {
    pub line: u64,
    /// The account's identifiant as found in the record (accountcode or src).
    pub code: String,
    pub dialed: String,
    /// International form, `None` when the dialed text is not a number.
    pub number: Option<String>,
    pub started_at: i64,
    pub disposition: String,
    pub duration: i64,
    pub billsec: i64,
    pub answered: bool,
    pub billed_s: i64,
    /// Cost by the tariff, before the account's billing switch is considered.
    pub rated: i64,
    /// Index in the tariff table.
    pub tariff: Option<usize>,
    /// A free privileged number: no tariff, and none missing.
    pub free: bool,
    /// A privileged number (SPEC §12), free or not: called without being on a key.
    pub privileged: bool,
    pub dedup_key: String,
    pub dedup_hash: i64,
    /// The record's uniqueid, kept only when the database holds calls it may repeat under
    /// another identity (see [`Known`]).
    pub uniqueid: Option<Box<str>>,
    /// Reason of the *Appel* movement if the call is debited; written here, on the reading
    /// thread, which has time to spare while the other one writes.
    pub reason: String,
}

pub enum Item {
    Call(RatedCall),
    Malformed(LineError),
}

pub enum Msg {
    Items(Vec<Item>),
    Failed(std::io::Error),
}

/// FNV-1a then a final mix: stable across versions and machines (it is stored).
pub(crate) fn hash64(s: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h = (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (h ^ (h >> 31)) as i64
}

/// Which earlier identities a load must also recognise.
#[derive(Debug, Clone, Copy, Default)]
pub struct Known {
    /// Calls keyed by their uniqueid alone (before schema 3).
    pub legacy_keys: bool,
    /// Calls billed at hang-up by the call-control service.
    pub hangup_billed: bool,
    /// Calls of deleted accounts (`forgotten_calls`).
    pub forgotten: bool,
    /// Calls authorized by the call-control service and not billed at hang-up yet.
    pub holds: bool,
}

pub fn rate_file(
    mut records: RecordReader<TextStream>,
    match_by: MatchBy,
    known: Known,
    cc: &CountryCode,
    rating: &Rating,
    to_writer: SyncSender<Msg>,
) {
    let tariffs = &rating.tariffs;
    let mut batch = Vec::with_capacity(BATCH);
    let mut first = true;
    loop {
        let rec = match records.next_record() {
            Ok(Some(rec)) => rec,
            Ok(None) => {
                if !batch.is_empty() {
                    let _ = to_writer.send(Msg::Items(batch));
                }
                return;
            }
            Err(e) => {
                let _ = to_writer.send(Msg::Failed(e));
                return;
            }
        };
        if rec.is_blank() {
            continue;
        }
        let item = match parse_record(&rec, first) {
            Ok(None) => {
                first = false;
                continue; // a header row
            }
            Err(e) => Item::Malformed(e),
            Ok(Some(r)) => {
                let (code, column) = match match_by {
                    MatchBy::Accountcode => (r.accountcode, 1),
                    MatchBy::Src => (r.src, 2),
                };
                if code.is_empty() {
                    Item::Malformed(LineError::at(
                        rec.line,
                        Field::Cdr(column),
                        "",
                        "vide : impossible de savoir à quel compte appartient l'appel",
                    ))
                } else {
                    let number = normalize_dialed(r.called, cc);
                    let answered = answered(r.disposition, r.billsec);
                    // A free privileged number (SPEC §12) costs nothing, as at hang-up.
                    let privileged = number.as_deref().and_then(|n| rating.numbers.privileged(n));
                    let free = privileged.is_some_and(|(_, free)| free);
                    let tariff = match free {
                        true => None,
                        false => number.as_deref().and_then(|n| tariffs.lookup_index(n)),
                    };
                    match rate_call(answered, r.billsec, tariff.map(|i| tariffs.get(i))) {
                        None => Item::Malformed(LineError::at(
                            rec.line,
                            Field::Cdr(14),
                            r.billsec.to_string(),
                            format!(
                                "le coût de cet appel dépasse ce que Forfaits peut compter : \
                                 vérifiez le tarif {}, relevé non chargé",
                                tariff
                                    .map(|i| tariffs.get(i).prefixe.as_str())
                                    .unwrap_or("")
                            ),
                        )),
                        Some((billed_s, rated)) => {
                            let dedup_key = r.dedup_key();
                            let reason = if rated > 0 {
                                debit_reason(number.as_deref().unwrap_or(r.called), r.billsec)
                            } else {
                                String::new()
                            };
                            Item::Call(RatedCall {
                                line: rec.line,
                                code: code.to_string(),
                                dialed: r.dst.to_string(),
                                number,
                                started_at: r.started_at,
                                disposition: r.disposition.to_string(),
                                duration: r.duration,
                                billsec: r.billsec,
                                answered,
                                billed_s,
                                rated,
                                tariff,
                                free,
                                privileged: privileged.is_some(),
                                dedup_hash: hash64(&dedup_key),
                                dedup_key,
                                uniqueid: ((known.legacy_keys
                                    || known.hangup_billed
                                    || known.forgotten
                                    || known.holds)
                                    && !r.uniqueid.is_empty())
                                .then(|| r.uniqueid.into()),
                                reason,
                            })
                        }
                    }
                }
            }
        };
        first = false;
        batch.push(item);
        if batch.len() == BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            if to_writer.send(Msg::Items(full)).is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedup_hash_is_stable() {
        // Stored in databases: must never change.
        assert_eq!(hash64("u:1763629200.1"), -4_630_569_679_323_940_502);
        assert_ne!(hash64("u:1763629200.1"), hash64("u:1763629200.2"));
        assert_eq!(hash64(""), hash64(""));
    }
}
