//! Dates: stored as UTC seconds, shown in local time as `dd/mm/yyyy HH:MM`.

use chrono::{Local, LocalResult, NaiveDate, NaiveDateTime, TimeZone};

/// `26/11/2026 09:05` in the machine's time zone.
pub fn local(ts: i64) -> String {
    match Local.timestamp_opt(ts, 0) {
        LocalResult::Single(d) | LocalResult::Ambiguous(d, _) => {
            d.format("%d/%m/%Y %H:%M").to_string()
        }
        LocalResult::None => String::new(),
    }
}

/// Formats many timestamps, most of them equal (an import stamps all its accounts alike).
#[derive(Default)]
pub struct LocalCache {
    last: Option<(i64, String)>,
}

impl LocalCache {
    pub fn get(&mut self, ts: i64) -> &str {
        if self.last.as_ref().is_none_or(|(t, _)| *t != ts) {
            self.last = Some((ts, local(ts)));
        }
        &self.last.as_ref().expect("set above").1
    }
}

/// Parses `YYYY-MM-DD` or `dd/mm/yyyy` (the command line's DATE).
pub fn parse_date(raw: &str) -> Result<NaiveDate, String> {
    let v = raw.trim();
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(v, "%d/%m/%Y"))
        .map_err(|_| {
            format!(
                "date invalide « {} » : écrivez AAAA-MM-JJ ou jj/mm/aaaa (par exemple 2026-11-20 ou 20/11/2026)",
                crate::domain::field::shown(v)
            )
        })
}

/// Start of a local day as UTC seconds.
pub fn local_day_start(d: NaiveDate) -> i64 {
    let naive: NaiveDateTime = d.and_hms_opt(0, 0, 0).expect("midnight exists");
    match Local.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.timestamp(),
        LocalResult::None => naive.and_utc().timestamp(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_date_forms_parse_and_garbage_is_explained() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(parse_date("2026-11-20"), Ok(d));
        assert_eq!(parse_date("20/11/2026"), Ok(d));
        assert!(parse_date("2026-13-01").unwrap_err().contains("AAAA-MM-JJ"));
        assert!(parse_date("hier").is_err());
    }

    #[test]
    fn local_format_is_day_month_year_hours_minutes() {
        let s = local(0);
        assert_eq!(s.len(), 16);
        assert_eq!(&s[2..3], "/");
        assert_eq!(&s[13..14], ":");
    }
}
