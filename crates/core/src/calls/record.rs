//! One Asterisk `cdr_csv` record: accountcode, src, dst, dcontext, clid, channel, dstchannel,
//! lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags, then
//! optionally uniqueid, userfield (and peeraccount, linkedid, sequence): 16, 17, 18 or 21
//! columns.

use crate::domain::field::shown;
use crate::domain::Field;
use crate::import::line::LineError;
use crate::import::reader::Record;
use crate::rating::MAX_CALL_SECONDS;
use chrono::{Local, LocalResult, NaiveDateTime, TimeZone};

pub struct CallRecord<'a> {
    pub accountcode: &'a str,
    pub src: &'a str,
    pub dst: &'a str,
    /// The number called: `dst`, or, when `dst` names a dialplan extension rather than a number
    /// (`s`, where the dialplan of the README dials), the number of the `Dial` that the record
    /// is (`lastdata` `PJSIP/+21627468145@operateur,60,…`).
    pub called: &'a str,
    pub start: &'a str,
    /// `start` as UTC seconds (the server writes its local time).
    pub started_at: i64,
    pub duration: i64,
    pub billsec: i64,
    pub disposition: &'a str,
    pub uniqueid: &'a str,
    /// The `sequence` column (21-column files written with `newcdrcolumns`).
    pub sequence: Option<&'a str>,
}

impl CallRecord<'_> {
    /// Identity of the record across loads (SPEC §8). Asterisk writes several records with one
    /// uniqueid for one channel (a forked or retried dial), each a call of its own: the
    /// `sequence` column tells them apart when the file has it, else what the record is made
    /// of does. Without a uniqueid, the account and what the call is made of.
    pub fn dedup_key(&self) -> String {
        match (self.uniqueid, self.sequence) {
            ("", _) => format!(
                "k:{}|{}|{}|{}",
                self.accountcode, self.start, self.dst, self.billsec
            ),
            (u, Some(seq)) => format!("s:{u}|{seq}"),
            (u, None) => format!("v:{u}|{}|{}|{}", self.start, self.dst, self.billsec),
        }
    }
}

/// The number a `Dial` called, from its data: the first target of the first argument, after
/// its technology and any trunk (`PJSIP/+216…@trunk`, `SIP/trunk/00216…`, `DAHDI/g1/…`).
fn dial_target(data: &str) -> Option<&str> {
    let first = data.split([',', '&']).next()?.trim();
    let (_tech, resource) = first.split_once('/')?;
    let resource = resource.rsplit('/').next()?;
    let number = resource.split('@').next()?.trim();
    number.bytes().any(|b| b.is_ascii_digit()).then_some(number)
}

fn col_err(line: u64, col: u8, value: &str, message: String) -> LineError {
    LineError::at(line, Field::Cdr(col), value, message)
}

fn local_seconds(v: &str) -> Option<i64> {
    let naive = NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S").ok()?;
    match Local.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.timestamp()),
        LocalResult::None => Some(naive.and_utc().timestamp()),
    }
}

/// `Ok(None)` for a header row (first line naming the columns).
pub fn parse_record<'a>(
    rec: &Record<'a>,
    first: bool,
) -> Result<Option<CallRecord<'a>>, LineError> {
    let line = rec.line;
    let f = &rec.fields;
    // A record cut short inside quotes (a copy stopped mid-line): its line alone is refused.
    if let Some(field) = rec.open_quote {
        return Err(LineError::whole(
            line,
            crate::import::reader::open_quote_reason(field),
        ));
    }
    if rec.too_long || !matches!(rec.field_count, 16 | 17 | 18 | 21) {
        return Err(LineError::whole(
            line,
            format!(
                "{} : un relevé Asterisk (Master.csv) en compte 16, 17, 18 ou 21",
                crate::fr::nombre(rec.field_count as u64, "colonne", "colonnes")
            ),
        ));
    }
    if first && f[13].trim().eq_ignore_ascii_case("billsec") {
        return Ok(None);
    }
    let int = |col: usize| -> Result<i64, LineError> {
        let v = f[col].trim();
        let why = match v.parse::<i64>() {
            Ok(n) if (0..=MAX_CALL_SECONDS).contains(&n) => return Ok(n),
            Ok(_) => format!(
                "durée hors limites : de 0 à {MAX_CALL_SECONDS} secondes ({} jours) (reçu : {})",
                MAX_CALL_SECONDS / 86_400,
                shown(v)
            ),
            Err(_) => format!("nombre entier de secondes attendu (reçu : {})", shown(v)),
        };
        Err(col_err(line, col as u8 + 1, v, why))
    };
    let start = f[9].trim();
    let started_at = local_seconds(start).ok_or_else(|| {
        col_err(
            line,
            10,
            start,
            format!(
                "date de début attendue sous la forme AAAA-MM-JJ HH:MM:SS (reçu : {})",
                shown(start)
            ),
        )
    })?;
    let duration = int(12)?;
    let billsec = int(13)?;
    let disposition = f[14].trim();
    if disposition.is_empty() {
        return Err(col_err(
            line,
            15,
            "",
            "état de l'appel (disposition) absent".into(),
        ));
    }
    let dst = f[2].trim();
    let called = match dst.bytes().any(|b| b.is_ascii_digit()) {
        true => dst,
        false if f[7].trim().eq_ignore_ascii_case("Dial") => dial_target(f[8]).unwrap_or(dst),
        false => dst,
    };
    Ok(Some(CallRecord {
        accountcode: f[0].trim(),
        src: f[1].trim(),
        dst,
        called,
        start,
        started_at,
        duration,
        billsec,
        disposition,
        uniqueid: f.get(16).map(|s| s.trim()).unwrap_or(""),
        sequence: (rec.field_count == 21).then(|| f[20].trim()),
    }))
}

#[cfg(test)]
mod tests {
    use super::dial_target;

    #[test]
    fn a_dial_string_gives_the_number_whatever_the_channel_driver() {
        for (data, number) in [
            (
                "PJSIP/+21627468145@operateur,60,L(666000:60000:30000)",
                Some("+21627468145"),
            ),
            ("SIP/operateur/0021627468145,60", Some("0021627468145")),
            ("DAHDI/g1/71234567&DAHDI/g2/71234568", Some("71234567")),
            ("PJSIP/poste-douze", None),
            ("forfaits/refus", None),
            ("", None),
        ] {
            assert_eq!(dial_target(data), number, "{data}");
        }
    }
}
