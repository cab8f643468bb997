//! *Horaires d'appel* (SPEC §12): the site's weekly calling schedule in local time, e.g.
//! `lun-ven 08:00-12:00,14:00-18:00; sam 09:00-12:00`, or `toujours` (no restriction). Parsed
//! into a typed value whose French errors point at the wrong part.

use chrono::{Datelike, NaiveDateTime, Timelike};
use std::fmt;

/// French day abbreviations, Monday first (chrono's `num_days_from_monday`).
pub const DAYS: [&str; 7] = ["lun", "mar", "mer", "jeu", "ven", "sam", "dim"];
const MINUTES_A_DAY: u32 = 24 * 60;

/// When calls are allowed, per day of the week: sorted, merged ranges of minutes
/// `[start, end)` since midnight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    days: Option<[Vec<(u32, u32)>; 7]>,
}

/// Whether a moment lies in the schedule, and for how long calls stay allowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Closed,
    /// Open; `None` when nothing ever closes (`toujours`, or every minute of the week).
    Open {
        seconds_left: Option<i64>,
    },
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule::always()
    }
}

impl Schedule {
    pub fn always() -> Schedule {
        Schedule { days: None }
    }

    /// Closed at every hour (shown « jamais »): what stored hours that no longer read are
    /// taken for, so that a damaged setting refuses calls instead of lifting the restriction.
    pub fn never() -> Schedule {
        Schedule {
            days: Some(Default::default()),
        }
    }

    pub fn is_always(&self) -> bool {
        self.days.is_none()
    }

    pub fn parse(raw: &str) -> Result<Schedule, String> {
        let text = raw.trim();
        if text.is_empty() || crate::text::fold(text) == "toujours" {
            return Ok(Schedule::always());
        }
        let mut days: [Vec<(u32, u32)>; 7] = Default::default();
        let mut clauses = 0;
        for clause in text.split(';').map(str::trim).filter(|c| !c.is_empty()) {
            clauses += 1;
            // The days run up to the first digit: `lun, mer 08:00…` and `lun - ven 08:00…` too.
            let (day_part, ranges) = clause.split_at(
                clause
                    .find(|c: char| c.is_ascii_digit())
                    .unwrap_or(clause.len()),
            );
            let day_part = day_part.trim().trim_end_matches(',').trim_end();
            if day_part.ends_with('-') {
                return Err(format!(
                    "il manque un jour ou une heure après « - » dans « {} » : écrivez par \
                     exemple « lun-ven 08:00-12:00 »",
                    crate::domain::field::shown(clause)
                ));
            }
            let which = parse_days(day_part)?;
            if ranges.trim().is_empty() {
                return Err(format!(
                    "plages horaires manquantes après « {day_part} » : écrivez par exemple \
                     « {day_part} 08:00-12:00 »"
                ));
            }
            let mut any = false;
            for item in ranges.split(',').map(str::trim).filter(|r| !r.is_empty()) {
                let r = parse_range(&range_text(item, clause)?)?;
                any = true;
                for d in &which {
                    days[*d].push(r);
                }
            }
            // « lun , » would otherwise close every day without saying so.
            if !any {
                return Err(format!(
                    "plages horaires manquantes après « {day_part} » : écrivez par exemple \
                     « {day_part} 08:00-12:00 »"
                ));
            }
        }
        if clauses == 0 {
            return Err(
                "horaires vides : écrivez par exemple « lun-ven 08:00-12:00 », ou \
                 « toujours » pour ne pas restreindre les appels"
                    .into(),
            );
        }
        for d in days.iter_mut() {
            d.sort_unstable();
            let mut merged: Vec<(u32, u32)> = Vec::new();
            for (s, e) in d.drain(..) {
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            *d = merged;
        }
        if days.iter().all(|d| d.as_slice() == [(0, MINUTES_A_DAY)]) {
            return Ok(Schedule::always());
        }
        Ok(Schedule { days: Some(days) })
    }

    /// The ranges of each day, Monday first (for the window's weekly view).
    pub fn week(&self) -> Vec<Vec<(u32, u32)>> {
        match &self.days {
            None => vec![vec![(0, MINUTES_A_DAY)]; 7],
            Some(d) => d.to_vec(),
        }
    }

    /// Whether calls are allowed at `at` (local time), and until when: a range ending at
    /// midnight that goes on at 00:00 the next day is one stretch.
    pub fn window(&self, at: NaiveDateTime) -> Window {
        let Some(days) = &self.days else {
            return Window::Open { seconds_left: None };
        };
        let mut day = at.weekday().num_days_from_monday() as usize;
        let second = at.num_seconds_from_midnight() as i64;
        let Some(&(_, end)) = days[day]
            .iter()
            .find(|(s, e)| (*s as i64) * 60 <= second && second < (*e as i64) * 60)
        else {
            return Window::Closed;
        };
        let mut left = end as i64 * 60 - second;
        let mut end = end;
        for _ in 0..7 {
            if end != MINUTES_A_DAY {
                return Window::Open {
                    seconds_left: Some(left),
                };
            }
            day = (day + 1) % 7;
            match days[day].first() {
                Some(&(0, e)) => {
                    left += e as i64 * 60;
                    end = e;
                }
                _ => {
                    return Window::Open {
                        seconds_left: Some(left),
                    }
                }
            }
        }
        Window::Open { seconds_left: None }
    }
}

/// Full French names of the days, Monday first.
pub const DAY_NAMES: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];

/// A schedule as the window draws it: its canonical text and, per day, the allowed ranges.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WeekView {
    /// What the schedule is saved as (`lun-ven 08:00-12:00; sam 09:00-12:00`, `toujours`).
    pub canonique: String,
    pub toujours: bool,
    pub jours: Vec<DayView>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DayView {
    /// `lun`
    pub jour: &'static str,
    /// `lundi`
    pub nom: &'static str,
    /// Minutes since midnight, `[début, fin)`.
    pub plages: Vec<[u32; 2]>,
    /// « 08:00-12:00, 14:00-18:00 », « toute la journée », « aucun appel ».
    pub texte: String,
}

impl Schedule {
    /// The weekly view of the window, Monday first.
    pub fn week_view(&self) -> WeekView {
        let jours = self
            .week()
            .into_iter()
            .enumerate()
            .map(|(d, ranges)| {
                let texte = match ranges.as_slice() {
                    [] => "aucun appel".to_string(),
                    [(0, MINUTES_A_DAY)] => "toute la journée".to_string(),
                    r => r
                        .iter()
                        .map(|(s, e)| format!("{}-{}", hhmm(*s), hhmm(*e)))
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                DayView {
                    jour: DAYS[d],
                    nom: DAY_NAMES[d],
                    plages: ranges.iter().map(|(s, e)| [*s, *e]).collect(),
                    texte,
                }
            })
            .collect();
        WeekView {
            canonique: self.to_string(),
            toujours: self.is_always(),
            jours,
        }
    }
}

/// The canonical text: days grouped into ranges, windows `HH:MM-HH:MM`.
impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(days) = &self.days else {
            return f.write_str("toujours");
        };
        let mut clauses: Vec<String> = Vec::new();
        let mut d = 0;
        while d < 7 {
            if days[d].is_empty() {
                d += 1;
                continue;
            }
            let mut last = d;
            while last + 1 < 7 && days[last + 1] == days[d] {
                last += 1;
            }
            let names = if last == d {
                DAYS[d].to_string()
            } else {
                format!("{}-{}", DAYS[d], DAYS[last])
            };
            let ranges: Vec<String> = days[d]
                .iter()
                .map(|(s, e)| format!("{}-{}", hhmm(*s), hhmm(*e)))
                .collect();
            clauses.push(format!("{names} {}", ranges.join(",")));
            d = last + 1;
        }
        if clauses.is_empty() {
            return f.write_str("jamais");
        }
        f.write_str(&clauses.join("; "))
    }
}

fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn day_index(name: &str) -> Result<usize, String> {
    let n = crate::text::fold(name.trim());
    DAYS.iter().position(|d| *d == n).ok_or_else(|| {
        format!(
            "jour inconnu « {} » : écrivez lun, mar, mer, jeu, ven, sam ou dim",
            crate::domain::field::shown(name.trim())
        )
    })
}

/// `lun-ven`, `sam`, `lun,mer,ven`, `ven-lun` (over the weekend).
fn parse_days(part: &str) -> Result<Vec<usize>, String> {
    let mut out = Vec::new();
    for item in part.split(',').filter(|i| !i.trim().is_empty()) {
        match item.split_once('-') {
            Some((a, b)) => {
                if a.trim().is_empty() || b.trim().is_empty() {
                    return Err(format!(
                        "jour manquant dans « {} » : écrivez par exemple « lun-ven »",
                        crate::domain::field::shown(part)
                    ));
                }
                let (a, b) = (day_index(a)?, day_index(b)?);
                let mut d = a;
                loop {
                    out.push(d);
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => out.push(day_index(item)?),
        }
    }
    if out.is_empty() {
        return Err("jours manquants : écrivez par exemple « lun-ven 08:00-12:00 »".into());
    }
    Ok(out)
}

fn parse_time(t: &str, range: &str) -> Result<u32, String> {
    let bad = || {
        format!(
            "heure invalide « {} » dans « {} » : écrivez HH:MM, de 00:00 à 24:00",
            crate::domain::field::shown(t),
            crate::domain::field::shown(range)
        )
    };
    let (h, m) = t.split_once(':').ok_or_else(bad)?;
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(h, 1..=2) || !digits(m, 2..=2) {
        return Err(bad());
    }
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 24 || m > 59 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// One range as written between commas, spaces around its `-` allowed (`08:00 - 12:00`);
/// what else a space separates is a missing `,` or `;`, said as such.
fn range_text(item: &str, clause: &str) -> Result<String, String> {
    let words: Vec<&str> = item.split_whitespace().collect();
    let joined = words.concat();
    let dash_apart = words.len() <= 3
        && joined.matches('-').count() == 1
        && words.iter().any(|w| w.starts_with('-') || w.ends_with('-'));
    if words.len() == 1 || dash_apart {
        return Ok(joined);
    }
    let shown = |t: &str| crate::domain::field::shown(t);
    match words
        .iter()
        .position(|w| day_index(w.trim_end_matches(',')).is_ok())
    {
        Some(i) => Err(format!(
            "il manque « ; » avant « {} » dans « {} » : séparez les jours par « ; », par exemple \
             « lun-ven 08:00-12:00; sam 09:00-12:00 »",
            shown(words[i]),
            shown(clause)
        )),
        None => Err(format!(
            "il manque « , » entre « {} » et « {} » : séparez les plages d'un jour par une \
             virgule, par exemple « 08:00-12:00, 14:00-18:00 »",
            shown(words[0]),
            shown(words[1])
        )),
    }
}

fn parse_range(range: &str) -> Result<(u32, u32), String> {
    let (a, b) = range.split_once('-').ok_or_else(|| {
        format!(
            "plage invalide « {} » : écrivez début-fin, par exemple 08:00-12:00",
            crate::domain::field::shown(range)
        )
    })?;
    for (t, which) in [(a, "de début"), (b, "de fin")] {
        if t.is_empty() {
            return Err(format!(
                "heure {which} manquante dans « {} » : écrivez début-fin, par exemple \
                 08:00-12:00",
                crate::domain::field::shown(range)
            ));
        }
    }
    let (s, e) = (parse_time(a, range)?, parse_time(b, range)?);
    if s == e {
        return Err(format!(
            "la plage « {range} » est vide : écrivez une heure de fin après celle du début"
        ));
    }
    if s > e {
        return Err(format!(
            "la plage « {range} » finit avant de commencer ; une plage ne passe pas minuit : \
             écrivez 22:00-24:00 et, le jour suivant, 00:00-02:00"
        ));
    }
    Ok((s, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    /// Open for `seconds` more.
    fn open(seconds: i64) -> Window {
        Window::Open {
            seconds_left: Some(seconds),
        }
    }

    // 2026-12-07 is a Monday.
    const MON: u32 = 7;

    #[test]
    fn the_spec_example_reads_and_writes_back() {
        let s = Schedule::parse("lun-ven 08:00-12:00,14:00-18:00; sam 09:00-12:00").unwrap();
        assert_eq!(
            s.to_string(),
            "lun-ven 08:00-12:00,14:00-18:00; sam 09:00-12:00"
        );
        assert_eq!(Schedule::parse(&s.to_string()).unwrap(), s);
        assert!(Schedule::parse("toujours").unwrap().is_always());
        assert!(Schedule::parse("  Toujours ").unwrap().is_always());
        assert!(Schedule::parse("").unwrap().is_always());
        assert!(Schedule::parse("lun-dim 00:00-24:00").unwrap().is_always());
    }

    #[test]
    fn a_window_ends_the_limit_at_its_end() {
        let s = Schedule::parse("lun-ven 08:00-12:00,14:00-18:00; sam 09:00-12:00").unwrap();
        for (day, h, min, want) in [
            (MON, 11, 50, open(600)),
            // First minute and last minute of a window; the minute after it.
            (MON, 8, 0, open(4 * 3600)),
            (MON, 11, 59, open(60)),
            (MON, 12, 0, Window::Closed),
            (MON, 7, 59, Window::Closed),
            (MON + 6, 10, 0, Window::Closed), // Sunday
            (MON + 5, 10, 0, open(7200)),
        ] {
            let when = at(2026, 12, day, h, min);
            assert_eq!(s.window(when), want, "{when}");
        }
    }

    #[test]
    fn a_range_to_midnight_goes_on_into_the_next_day() {
        let s = Schedule::parse("lun 20:00-24:00; mar 00:00-02:00,10:00-11:00").unwrap();
        assert_eq!(s.window(at(2026, 12, MON, 23, 0)), open(3 * 3600));
        assert_eq!(s.window(at(2026, 12, MON + 1, 1, 59)), open(60));
        let nights = Schedule::parse("lun-dim 00:00-24:00; lun 00:00-01:00").unwrap();
        assert_eq!(
            nights.window(at(2026, 12, MON, 12, 0)),
            Window::Open { seconds_left: None }
        );
        let over = Schedule::parse("ven-lun 10:00-11:00").unwrap();
        assert_eq!(over.to_string(), "lun 10:00-11:00; ven-dim 10:00-11:00");
    }

    #[test]
    fn spaces_around_a_dash_or_a_comma_are_allowed() {
        for (text, read) in [
            (
                "lun - ven 08:00 - 12:00 , 14:00 -18:00",
                "lun-ven 08:00-12:00,14:00-18:00",
            ),
            ("lun, mer 08:00-12:00", "lun 08:00-12:00; mer 08:00-12:00"),
        ] {
            assert_eq!(Schedule::parse(text).unwrap().to_string(), read, "{text}");
        }
    }

    #[test]
    fn broken_schedules_say_what_part_is_wrong() {
        for (text, expected) in [
            (
                "lundi 08:00-12:00",
                "jour inconnu « lundi » : écrivez lun, mar, mer, jeu, ven, sam ou dim",
            ),
            ("lun-ven", "plages horaires manquantes après « lun-ven »"),
            ("lun 8h-12h", "heure invalide « 8h » dans « 8h-12h »"),
            ("lun 08:00-25:00", "heure invalide « 25:00 »"),
            ("lun 08:60-09:00", "heure invalide « 08:60 »"),
            (
                "lun 12:00-08:00",
                "la plage « 12:00-08:00 » finit avant de commencer",
            ),
            ("lun 22:00-02:00", "une plage ne passe pas minuit"),
            ("lun 08:00", "plage invalide « 08:00 »"),
            ("lun-xyz 08:00-09:00", "jour inconnu « xyz »"),
            ("lun ,", "plages horaires manquantes après « lun »"),
            (
                "lun 08:00-09:00; mar ,,",
                "plages horaires manquantes après « mar »",
            ),
            (";", "horaires vides"),
            (" ; ; ", "horaires vides"),
            // What the text said, not the text without its spaces.
            (
                "lun-ven 08:00-12:00 14:00-18:00",
                "il manque « , » entre « 08:00-12:00 » et « 14:00-18:00 »",
            ),
            (
                "lun 08:00-12:00 sam 09:00-12:00",
                "il manque « ; » avant « sam » dans « lun 08:00-12:00 sam 09:00-12:00 »",
            ),
            ("jamais", "jour inconnu « jamais »"),
            ("lun 08:00-08:00", "la plage « 08:00-08:00 » est vide"),
            ("lun-ven 08:00-", "heure de fin manquante dans « 08:00- »"),
            ("lun-,ven 08:00-12:00", "jour manquant dans « lun-,ven »"),
            (
                "lun-ven -12:00",
                "il manque un jour ou une heure après « - » dans « lun-ven -12:00 »",
            ),
        ] {
            let err = Schedule::parse(text).unwrap_err();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }

    #[test]
    fn every_parsed_schedule_reads_back_from_its_text() {
        // What is saved is the canonical text: it must parse again to the same schedule (a
        // text that does not parse falls back to « toujours », so it must never be written).
        for text in [
            "lun-ven 08:00-12:00,14:00-18:00; sam 09:00-12:00",
            "dim 00:00-00:01",
            "lun 20:00-24:00; mar 00:00-02:00",
            "toujours",
        ] {
            let s = Schedule::parse(text).unwrap();
            assert_eq!(Schedule::parse(&s.to_string()).unwrap(), s, "{text}");
        }
    }

    #[test]
    fn the_week_view_lists_each_day_with_its_ranges_in_words() {
        let v = Schedule::parse("lun-ven 08:00-12:00,14:00-18:00; sam 09:00-12:00")
            .unwrap()
            .week_view();
        assert_eq!(
            v.canonique,
            "lun-ven 08:00-12:00,14:00-18:00; sam 09:00-12:00"
        );
        assert!(!v.toujours);
        assert_eq!(v.jours.len(), 7);
        assert_eq!(
            (v.jours[0].jour, v.jours[0].nom, v.jours[0].texte.as_str()),
            ("lun", "lundi", "08:00-12:00, 14:00-18:00")
        );
        assert_eq!(v.jours[0].plages, [[480, 720], [840, 1080]]);
        assert_eq!(v.jours[5].texte, "09:00-12:00");
        assert_eq!(
            (v.jours[6].texte.as_str(), v.jours[6].plages.len()),
            ("aucun appel", 0)
        );
        let always = Schedule::always().week_view();
        assert!(always.toujours);
        assert_eq!(always.canonique, "toujours");
        assert!(always
            .jours
            .iter()
            .all(|d| d.texte == "toute la journée" && d.plages == [[0, 1440]]));
    }

    #[test]
    fn overlapping_ranges_are_merged() {
        let s = Schedule::parse("lun 08:00-10:00,09:00-12:00; lun 12:00-13:00").unwrap();
        assert_eq!(s.to_string(), "lun 08:00-13:00");
    }
}
