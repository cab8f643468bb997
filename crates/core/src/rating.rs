//! Rating of calls (SPEC §8): longest-prefix tariff, billed seconds in blocks, cost rounded up
//! to the minor unit. Pure functions, table-tested.

use crate::domain::phone::{compact_number, international, CountryCode};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tariff {
    /// International prefix, e.g. `+2162`.
    pub prefixe: String,
    pub libelle: String,
    /// Minor units per minute.
    pub prix_minute: i64,
    pub bloc_initial_s: i64,
    pub bloc_s: i64,
    /// Minor units added to every billed call.
    pub frais_connexion: i64,
}

/// Seconds billed for `billsec` answered seconds: the initial block if the call is shorter,
/// else the initial block plus the rest rounded up to whole billing blocks.
pub fn billed_seconds(billsec: i64, initial: i64, block: i64) -> i64 {
    if billsec <= 0 {
        return 0;
    }
    if billsec <= initial {
        return initial;
    }
    let rest = billsec - initial;
    let block = block.max(1);
    initial + (rest + block - 1) / block * block
}

/// Cost in minor units: billed seconds × price per minute / 60, rounded up, plus the fee.
/// `None` when the cost does not fit a 64-bit amount (a tariff far above any real price): the
/// caller refuses the call instead of debiting a wrapped or clamped amount.
pub fn cost(billed_s: i64, t: &Tariff) -> Option<i64> {
    if billed_s <= 0 {
        return Some(0);
    }
    if t.prix_minute < 0 || t.frais_connexion < 0 {
        return None;
    }
    let per_time = billed_s.checked_mul(t.prix_minute)?.checked_add(59)? / 60;
    per_time.checked_add(t.frais_connexion)
}

/// Most seconds a call record or a hang-up may give (a month): more is a broken input, not a
/// call.
pub const MAX_CALL_SECONDS: i64 = 31 * 86_400;

/// Whether an ended call was answered: only such a call is billed and counts in *Durée totale*.
/// Asterisk writes its dispositions in capitals; either case is read alike, at hang-up and in
/// Master.csv.
pub fn answered(disposition: &str, billsec: i64) -> bool {
    disposition.eq_ignore_ascii_case("ANSWERED") && billsec > 0
}

impl Tariff {
    /// Billed seconds and cost of a call of `billsec` answered seconds; `None` as [`cost`].
    pub fn rate(&self, billsec: i64) -> Option<(i64, i64)> {
        let billed = billed_seconds(billsec, self.bloc_initial_s, self.bloc_s);
        Some((billed, cost(billed, self)?))
    }
}

/// What an ended call is billed, the same whether its record is loaded from Master.csv or its
/// hang-up reaches the call-control service: billed seconds and cost by its tariff when it was
/// answered, nothing otherwise. `None` when the cost does not fit (see [`cost`]).
pub fn rate_call(answered: bool, billsec: i64, tariff: Option<&Tariff>) -> Option<(i64, i64)> {
    match (answered, tariff) {
        (true, Some(t)) => t.rate(billsec),
        _ => Some((0, 0)),
    }
}

/// A dialed number in international form (`+216…`): separators removed, `00` becomes `+`,
/// a number without either gets the country code. `None` when it is not a phone number
/// (service codes such as `*97`, extensions such as `s`).
pub fn normalize_dialed(dialed: &str, cc: &CountryCode) -> Option<String> {
    let compact = compact_number(dialed)?;
    let digits = compact.strip_prefix('+').unwrap_or(&compact);
    (!digits.is_empty() && digits.len() <= 20).then(|| international(&compact, cc))
}

/// A tariff prefix in international form: like a dialed number, except that it may stop anywhere,
/// down to a lone `+` (every international number).
pub fn normalize_prefix(raw: &str, cc: &CountryCode) -> Option<String> {
    let v = raw.trim();
    if v == "+" || v == "00" {
        return Some("+".into());
    }
    normalize_dialed(v, cc).filter(|p| p.len() <= 16)
}

/// The tariffs, ready for longest-prefix lookups.
#[derive(Debug, Default)]
pub struct TariffTable {
    tariffs: Vec<Tariff>,
    by_prefix: HashMap<String, usize>,
    longest: usize,
}

impl TariffTable {
    pub fn new(tariffs: Vec<Tariff>) -> TariffTable {
        let longest = tariffs.iter().map(|t| t.prefixe.len()).max().unwrap_or(0);
        let by_prefix = tariffs
            .iter()
            .enumerate()
            .map(|(i, t)| (t.prefixe.clone(), i))
            .collect();
        TariffTable {
            tariffs,
            by_prefix,
            longest,
        }
    }

    /// Position (see `get`) of the tariff whose prefix is the longest beginning of `number`
    /// (international form).
    pub fn lookup_index(&self, number: &str) -> Option<usize> {
        let max = self.longest.min(number.len());
        (1..=max)
            .rev()
            .filter(|n| number.is_char_boundary(*n))
            .find_map(|n| self.by_prefix.get(&number[..n]).copied())
    }

    pub fn lookup(&self, number: &str) -> Option<&Tariff> {
        self.lookup_index(number).map(|i| &self.tariffs[i])
    }

    pub fn get(&self, index: usize) -> &Tariff {
        &self.tariffs[index]
    }

    pub fn is_empty(&self) -> bool {
        self.tariffs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(prefix: &str, price: i64, initial: i64, block: i64, fee: i64) -> Tariff {
        Tariff {
            prefixe: prefix.into(),
            libelle: prefix.into(),
            prix_minute: price,
            bloc_initial_s: initial,
            bloc_s: block,
            frais_connexion: fee,
        }
    }

    #[test]
    fn billed_seconds_rules_and_edges() {
        // (billsec, initial, block) -> billed
        for (billsec, initial, block, billed) in [
            (0, 30, 6, 0),     // not answered: nothing
            (1, 30, 6, 30),    // shorter than the initial block
            (29, 30, 6, 30),   // one second short of it
            (30, 30, 6, 30),   // exactly the initial block
            (31, 30, 6, 36),   // one second over: a whole block more
            (36, 30, 6, 36),   // exact block
            (37, 30, 6, 42),   // one second over the block
            (180, 30, 6, 180), // sample: 30 + 25 × 6
            (45, 30, 6, 48),   // sample: 30 + 3 × 6
            (61, 60, 60, 120), // sample fixe: one second over the minute
            (60, 60, 60, 60),  // exact minute
            (10, 0, 60, 60),   // no initial block: per minute from the start
            (7, 0, 1, 7),      // per second
        ] {
            assert_eq!(
                billed_seconds(billsec, initial, block),
                billed,
                "{billsec}s {initial}/{block}"
            );
        }
    }

    #[test]
    fn cost_rounds_fractions_of_a_millime_up_and_adds_the_fee() {
        let mobile = t("+2162", 180, 30, 6, 0);
        assert_eq!(cost(180, &t("+2169", 170, 30, 6, 0)), Some(510));
        assert_eq!(cost(120, &t("+2167", 90, 60, 60, 0)), Some(180));
        assert_eq!(cost(48, &mobile), Some(144));
        // 7 s at 0,100 TND/min = 11,666… millimes → 12
        assert_eq!(cost(7, &t("+1", 100, 0, 1, 0)), Some(12));
        // exact: 6 s at 0,180 = 18 millimes
        assert_eq!(cost(6, &t("+1", 180, 0, 1, 0)), Some(18));
        // connection fee added once
        assert_eq!(cost(48, &t("+2162", 180, 30, 6, 50)), Some(194));
        assert_eq!(
            cost(0, &t("+2162", 180, 30, 6, 50)),
            Some(0),
            "no fee when nothing is billed"
        );
    }

    #[test]
    fn a_cost_too_large_to_count_is_none_never_wrapped() {
        // 10 days at 10^15 millimes a minute: 1.44 × 10^19, beyond i64.
        let absurd = t("+2162", 1_000_000_000_000_000, 30, 6, 0);
        assert_eq!(cost(864_000, &absurd), None);
        assert_eq!(cost(864_000, &t("+2162", 180, 30, 6, i64::MAX)), None);
        assert_eq!(cost(864_000, &t("+2162", 180, 30, 6, 0)), Some(2_592_000));
    }

    #[test]
    fn dialed_numbers_normalize_like_authorized_ones() {
        let cc = CountryCode::default();
        assert_eq!(
            normalize_dialed("99383470", &cc).as_deref(),
            Some("+21699383470")
        );
        assert_eq!(
            normalize_dialed("0021627468145", &cc).as_deref(),
            Some("+21627468145")
        );
        assert_eq!(
            normalize_dialed("+33 6 12 34 56 78", &cc).as_deref(),
            Some("+33612345678")
        );
        assert_eq!(normalize_dialed("*97", &cc), None);
        assert_eq!(normalize_dialed("s", &cc), None);
    }

    #[test]
    fn a_lone_plus_is_the_prefix_of_every_international_number() {
        let cc = CountryCode::default();
        assert_eq!(normalize_prefix("+", &cc).as_deref(), Some("+"));
        assert_eq!(normalize_prefix("002162", &cc).as_deref(), Some("+2162"));
        assert_eq!(normalize_prefix("2", &cc).as_deref(), Some("+2162"));
        assert_eq!(normalize_prefix("abc", &cc), None);
        let table = TariffTable::new(vec![t("+", 1200, 60, 60, 100), t("+216", 200, 60, 60, 50)]);
        assert_eq!(table.lookup("+33612345678").unwrap().prefixe, "+");
        assert_eq!(table.lookup("+21671234567").unwrap().prefixe, "+216");
    }

    #[test]
    fn longest_prefix_wins() {
        let table = TariffTable::new(vec![
            t("+216", 300, 60, 60, 0),
            t("+2162", 180, 30, 6, 0),
            t("+21622", 150, 30, 6, 0),
        ]);
        assert_eq!(table.lookup("+21622123456").unwrap().prefixe, "+21622");
        assert_eq!(table.lookup("+21627468145").unwrap().prefixe, "+2162");
        assert_eq!(table.lookup("+21671234567").unwrap().prefixe, "+216");
        assert!(table.lookup("+33612345678").is_none());
    }
}
