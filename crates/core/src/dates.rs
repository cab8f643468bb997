//! Dates: stored as UTC seconds, shown in local time as `dd/mm/yyyy HH:MM`.

use crate::domain::{Field, FieldError};
use chrono::{Datelike, Local, LocalResult, NaiveDate, NaiveDateTime, TimeZone};

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

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// Day, month and year of `jj/mm/aaaa` or `AAAA-MM-JJ`, whether or not such a day exists.
fn day_month_year(v: &str) -> Option<(u32, u32, i32)> {
    let num = |s: &str, len: std::ops::RangeInclusive<usize>| {
        (len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let p: Vec<&str> = v.split('/').collect();
    if let [d, m, y] = p[..] {
        return Some((num(d, 1..=2)?, num(m, 1..=2)?, num(y, 4..=4)? as i32));
    }
    let p: Vec<&str> = v.split('-').collect();
    if let [y, m, d] = p[..] {
        return Some((num(d, 1..=2)?, num(m, 1..=2)?, num(y, 4..=4)? as i32));
    }
    None
}

/// Days in a month of a year (28 to 31).
fn month_days(month: u32, year: i32) -> u32 {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    next.and_then(|n| n.pred_opt()).map_or(31, |d| d.day())
}

/// Parses `YYYY-MM-DD` or `dd/mm/yyyy` (the command line's DATE, the window's periods). A date
/// written the right way that is not in the calendar (31/02/2026) is said not to exist.
pub fn parse_date(raw: &str) -> Result<NaiveDate, String> {
    let v = raw.trim();
    let Some((d, m, y)) = day_month_year(v) else {
        return Err(format!(
            "date invalide « {} » : écrivez jj/mm/aaaa ou AAAA-MM-JJ (par exemple 20/11/2026 ou 2026-11-20)",
            crate::domain::field::shown(v)
        ));
    };
    if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
        return Ok(date);
    }
    Err(if (1..=12).contains(&m) && d >= 1 {
        format!(
            "la date {v} n'existe pas : {} {y} compte {} jours",
            MONTHS[m as usize - 1],
            month_days(m, y)
        )
    } else if (1..=12).contains(&m) {
        format!("la date {v} n'existe pas : il n'y a pas de jour 0")
    } else {
        format!("la date {v} n'existe pas : il n'y a que 12 mois (reçu : mois {m})")
    })
}

/// A period typed as two days, each optional (`du` first day, `au` last day, both included):
/// every problem at once, under its field, including a period whose end comes before its start.
pub fn parse_period(
    du: &str,
    au: &str,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut day = |raw: &str, field: Field| {
        if raw.trim().is_empty() {
            return None;
        }
        parse_date(raw)
            .map_err(|m| errors.push(FieldError::new(field, m)))
            .ok()
    };
    let from = day(du, Field::PeriodStart);
    let to = day(au, Field::PeriodEnd);
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            errors.push(FieldError::new(
                Field::PeriodEnd,
                format!(
                    "la période est inversée : le dernier jour ({}) précède le premier ({})",
                    t.format("%d/%m/%Y"),
                    f.format("%d/%m/%Y")
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok((from, to))
    } else {
        Err(errors)
    }
}

/// A period as the window sends it: the two days as typed (`du`, `au`), each optional.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PeriodText {
    #[serde(default)]
    pub du: String,
    #[serde(default)]
    pub au: String,
}

impl PeriodText {
    /// `[start, end)` in UTC seconds, or the errors of the two fields.
    pub fn bounds(&self) -> crate::Result<(Option<i64>, Option<i64>)> {
        let (from, to) = parse_period(&self.du, &self.au).map_err(crate::Error::Fields)?;
        Ok(day_bounds(from, to))
    }
}

/// `[start, end)` in UTC seconds for the local days `from`..=`to` (`None`: open).
pub fn day_bounds(from: Option<NaiveDate>, to: Option<NaiveDate>) -> (Option<i64>, Option<i64>) {
    (
        from.map(local_day_start),
        to.and_then(|d| d.succ_opt()).map(local_day_start),
    )
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
        assert_eq!(
            parse_date(" 1/2/2026 "),
            NaiveDate::from_ymd_opt(2026, 2, 1).ok_or(String::new())
        );
        assert!(parse_date("hier")
            .unwrap_err()
            .contains("écrivez jj/mm/aaaa"));
        assert!(parse_date("2026/11/20").unwrap_err().contains("écrivez"));
    }

    #[test]
    fn a_well_written_date_not_in_the_calendar_is_said_not_to_exist() {
        assert_eq!(
            parse_date("31/02/2026").unwrap_err(),
            "la date 31/02/2026 n'existe pas : février 2026 compte 28 jours"
        );
        assert_eq!(
            parse_date("2028-02-30").unwrap_err(),
            "la date 2028-02-30 n'existe pas : février 2028 compte 29 jours"
        );
        assert_eq!(
            parse_date("31/04/2026").unwrap_err(),
            "la date 31/04/2026 n'existe pas : avril 2026 compte 30 jours"
        );
        assert!(parse_date("2026-13-01").unwrap_err().contains("12 mois"));
        assert!(parse_date("00/01/2026").unwrap_err().contains("jour 0"));
        assert!(!parse_date("31/02/2026").unwrap_err().contains("écrivez"));
    }

    #[test]
    fn a_period_reports_each_bad_day_and_an_inverted_order() {
        let d = |s| parse_date(s).unwrap();
        assert_eq!(parse_period("", ""), Ok((None, None)));
        assert_eq!(
            parse_period("20/11/2026", "2026-11-20"),
            Ok((Some(d("20/11/2026")), Some(d("20/11/2026"))))
        );
        let e = parse_period("31/02/2026", "hier").unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].field, Field::PeriodStart);
        assert!(e[0].message.contains("n'existe pas"));
        assert_eq!(e[1].field, Field::PeriodEnd);
        let e = parse_period("21/11/2026", "20/11/2026").unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, Field::PeriodEnd);
        assert_eq!(
            e[0].message,
            "la période est inversée : le dernier jour (20/11/2026) précède le premier (21/11/2026)"
        );
    }

    #[test]
    fn day_bounds_cover_whole_local_days() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 20);
        let (from, to) = day_bounds(d, d);
        assert_eq!(to.unwrap() - from.unwrap(), 86_400);
        assert_eq!(day_bounds(None, None), (None, None));
    }

    #[test]
    fn local_format_is_day_month_year_hours_minutes() {
        let s = local(0);
        assert_eq!(s.len(), 16);
        assert_eq!(&s[2..3], "/");
        assert_eq!(&s[13..14], ":");
    }
}
