//! Opening hours written as the rules take them (`lun 00:00-12:30`), for tests of a window of
//! hours that closes a few minutes from now.

#![allow(dead_code)]

use chrono::{Datelike, NaiveDate, NaiveDateTime};

/// The name the rules give the day `d`.
pub fn day_name(d: NaiveDate) -> &'static str {
    ["lun", "mar", "mer", "jeu", "ven", "sam", "dim"][d.weekday().num_days_from_monday() as usize]
}

/// Hours open from the start of `now`'s day until `end`, the next day too when `end` is past
/// midnight.
pub fn open_until(now: NaiveDateTime, end: NaiveDateTime) -> String {
    let until = end.format("%H:%M");
    if end.date() == now.date() {
        format!("{} 00:00-{until}", day_name(now.date()))
    } else {
        format!(
            "{} 00:00-24:00; {} 00:00-{until}",
            day_name(now.date()),
            day_name(end.date()),
        )
    }
}
