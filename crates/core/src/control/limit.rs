//! The longest call an account may be granted (SPEC §11): what the available balance pays under
//! the tariff, on the tariff's grid of billed seconds (initial block, then whole blocks), then
//! capped by the allowance left, the per-call maximum and the end of the calling window.
//! Pure arithmetic, checked: no input can make it overflow or grant what is not paid for.

use crate::rating::Tariff;

/// What the limit depends on.
#[derive(Debug, Clone, Copy)]
pub struct LimitInput<'a> {
    /// Whether calls are debited (billing switch of the account).
    pub billing: bool,
    /// Balance minus the open reservations of the account's other calls, minor units.
    pub available: i64,
    pub tariff: Option<&'a Tariff>,
    /// Seconds of allowance left (allowance − used − reserved); `None` when unlimited.
    pub allowance_left_s: Option<i64>,
    /// Per-call maximum, seconds.
    pub max_call_s: i64,
    /// Seconds to the end of the current calling window; `None` when there is none.
    pub window_left_s: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// At most `seconds` answered; `reserve` (minor units) is what such a call can cost.
    Granted { seconds: i64, reserve: i64 },
    /// Billing is on and no tariff matches the number.
    NoTariff,
    /// Billing is on and the available balance does not pay the first billed block with its
    /// fee, which costs `first_block`.
    InsufficientBalance { first_block: i64 },
}

/// Longest duration on the tariff's grid whose cost, as §8 computes it, is at most `available`;
/// `None` when the tariff costs nothing per minute (the balance is then no limit). The caller
/// checked that the first block is paid.
pub fn paid_seconds(available: i64, t: &Tariff) -> Option<i64> {
    if t.prix_minute <= 0 {
        return None;
    }
    // ceil(s × price / 60) + fee ≤ available  ⇔  s × price ≤ 60 × (available − fee)
    let for_time = (available as i128 - t.frais_connexion as i128).max(0);
    let most = (60 * for_time / t.prix_minute as i128).min(i64::MAX as i128) as i64;
    let block = t.bloc_s.max(1);
    if most < t.bloc_initial_s {
        return Some(0);
    }
    Some(t.bloc_initial_s + (most - t.bloc_initial_s) / block * block)
}

pub fn limit(i: &LimitInput<'_>) -> Limit {
    let mut seconds = i.max_call_s.max(0);
    if let Some(a) = i.allowance_left_s {
        seconds = seconds.min(a.max(0));
    }
    if let Some(w) = i.window_left_s {
        seconds = seconds.min(w.max(0));
    }
    if !i.billing {
        return Limit::Granted {
            seconds,
            reserve: 0,
        };
    }
    let Some(t) = i.tariff else {
        return Limit::NoTariff;
    };
    let first_block = t.rate(1).map_or(i64::MAX, |(_, c)| c);
    if first_block > i.available {
        return Limit::InsufficientBalance { first_block };
    }
    if let Some(paid) = paid_seconds(i.available, t) {
        seconds = seconds.min(paid);
    }
    // A cap below the balance's limit is rounded up by billing to a grid point that the balance
    // still pays, so the reserve never exceeds what is available.
    let reserve = t.rate(seconds).map_or(i64::MAX, |(_, c)| c);
    Limit::Granted { seconds, reserve }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rating::{billed_seconds, cost};
    use proptest::prelude::*;

    fn tariff(price: i64, initial: i64, block: i64, fee: i64) -> Tariff {
        Tariff {
            prefixe: "+2162".into(),
            libelle: "Mobile".into(),
            prix_minute: price,
            bloc_initial_s: initial,
            bloc_s: block,
            frais_connexion: fee,
        }
    }

    fn input(t: &Tariff, available: i64) -> LimitInput<'_> {
        LimitInput {
            billing: true,
            available,
            tariff: Some(t),
            allowance_left_s: None,
            max_call_s: 3600,
            window_left_s: None,
        }
    }

    #[test]
    fn the_spec_example_grants_666_seconds_for_1_998() {
        // Mobile Ooredoo: 0,180/min, blocks 30 s then 6 s, no fee; balance 2,000 TND.
        let t = tariff(180, 30, 6, 0);
        assert_eq!(
            limit(&input(&t, 2000)),
            Limit::Granted {
                seconds: 666,
                reserve: 1998
            }
        );
        assert_eq!(cost(672, &t), Some(2016), "one block more is not paid");
    }

    #[test]
    fn hand_computed_cases() {
        // (price, initial, block, fee, available) -> (seconds, reserve)
        for (price, initial, block, fee, available, seconds, reserve) in [
            (180, 30, 6, 0, 90, 30, 90),       // exactly the first block
            (180, 30, 6, 0, 107, 30, 90),      // 17 millimes short of the next block
            (180, 30, 6, 0, 108, 36, 108),     // the next block
            (90, 60, 60, 0, 1000, 660, 990),   // fixe: whole minutes
            (200, 60, 60, 50, 1000, 240, 850), // fee paid once: 950 left → 4 minutes
            (100, 0, 1, 0, 12, 7, 12),         // per second from the start: 7 s = 11,67 → 12
            (0, 60, 60, 0, 0, 3600, 0),        // free tariff: only the per-call maximum
        ] {
            let t = tariff(price, initial, block, fee);
            assert_eq!(
                limit(&input(&t, available)),
                Limit::Granted { seconds, reserve },
                "{price}/{initial}/{block}/{fee} with {available}"
            );
        }
    }

    #[test]
    fn refusals_no_tariff_and_first_block_unpaid() {
        let t = tariff(180, 30, 6, 0);
        assert_eq!(
            limit(&input(&t, 89)),
            Limit::InsufficientBalance { first_block: 90 }
        );
        assert_eq!(
            limit(&input(&t, -5)),
            Limit::InsufficientBalance { first_block: 90 }
        );
        let mut i = input(&t, 1000);
        i.tariff = None;
        assert_eq!(limit(&i), Limit::NoTariff);
        i.billing = false;
        assert_eq!(
            limit(&i),
            Limit::Granted {
                seconds: 3600,
                reserve: 0
            },
            "billing off: no tariff needed, no money held"
        );
    }

    #[test]
    fn caps_apply_and_the_reserve_follows_the_billed_grid() {
        let t = tariff(180, 30, 6, 0);
        let mut i = input(&t, 2000);
        i.allowance_left_s = Some(100);
        // 100 s is billed 102 s (30 + 12 × 6): 306 millimes held.
        assert_eq!(
            limit(&i),
            Limit::Granted {
                seconds: 100,
                reserve: 306
            }
        );
        i.window_left_s = Some(40);
        assert_eq!(
            limit(&i),
            Limit::Granted {
                seconds: 40,
                reserve: 126
            }
        );
        i.max_call_s = 10;
        assert_eq!(
            limit(&i),
            Limit::Granted {
                seconds: 10,
                reserve: 90
            }
        );
    }

    proptest! {
        #[test]
        fn the_limit_never_passes_a_cap_nor_what_the_balance_pays(
            price in 0i64..5_000,
            initial in 0i64..120,
            block in 1i64..120,
            fee in 0i64..500,
            available in -1_000i64..10_000_000,
            allowance in proptest::option::of(0i64..20_000),
            max_call in 60i64..14_400,
            window in proptest::option::of(0i64..50_000),
        ) {
            let t = tariff(price, initial, block, fee);
            let i = LimitInput {
                billing: true,
                available,
                tariff: Some(&t),
                allowance_left_s: allowance,
                max_call_s: max_call,
                window_left_s: window,
            };
            match limit(&i) {
                Limit::Granted { seconds, reserve } => {
                    prop_assert!(seconds <= max_call);
                    prop_assert!(allowance.is_none_or(|a| seconds <= a));
                    prop_assert!(window.is_none_or(|w| seconds <= w));
                    let billed = billed_seconds(seconds, initial, block);
                    prop_assert_eq!(Some(reserve), cost(billed, &t));
                    prop_assert!(reserve <= available, "{} > {}", reserve, available);
                    // Longest: either a cap stopped it, or one more block is not paid.
                    let capped = seconds == max_call
                        || allowance == Some(seconds)
                        || window == Some(seconds);
                    if !capped {
                        let next = if seconds < initial { initial } else { seconds + block };
                        prop_assert!(cost(next, &t).unwrap() > available);
                    }
                }
                Limit::InsufficientBalance { first_block } => {
                    prop_assert!(first_block > available);
                }
                Limit::NoTariff => prop_assert!(false, "a tariff was given"),
            }
        }
    }
}
