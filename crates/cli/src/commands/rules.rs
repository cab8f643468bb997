//! `rules`: the site's call rules (SPEC §12) printed, or changed.

use crate::args::RulesArgs;
use crate::{Io, EXIT_OK};
use forfaits_core::rules::SiteRulesChange;
use forfaits_core::{Base, Result};

pub fn run(store: &mut Base, a: RulesArgs, io: &mut Io<'_>) -> Result<u8> {
    let change = SiteRulesChange {
        hours: a.hours,
        max_call_minutes: a.max_call,
        calls_per_day: a.calls_per_day.map(|o| o.0),
    };
    let s = if change.hours.is_some()
        || change.max_call_minutes.is_some()
        || change.calls_per_day.is_some()
    {
        store.save_site_rules(&change)?
    } else {
        store.settings()?
    };
    let out = &mut *io.out;
    super::w(writeln!(
        out,
        "Horaires d'appel                  {}",
        s.call_hours
    ));
    super::w(writeln!(
        out,
        "Durée maximale d'un appel          {} minutes",
        s.max_call_minutes
    ));
    super::w(writeln!(
        out,
        "Appels par jour                    {}",
        s.calls_per_day
            .map(|n| n.to_string())
            .unwrap_or_else(|| "sans limite".into())
    ));
    Ok(EXIT_OK)
}
