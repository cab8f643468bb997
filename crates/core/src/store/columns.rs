//! The accounts table's column lists, written once. The ten key columns are named from their
//! number (`phone{k}`), and every statement that reads or writes them takes its list from here,
//! so a second store can be given the same lists rather than ten more copies.

use crate::domain::KEYS;
use rusqlite::{params_from_iter, Params, ToSql};
use std::sync::LazyLock;

/// `phone1`, `phone2`, … one per key, in key order.
pub static PHONES: LazyLock<[String; KEYS]> =
    LazyLock::new(|| std::array::from_fn(|i| format!("phone{}", i + 1)));

/// The key columns as a list: `phone1, phone2, …`.
pub static PHONE_LIST: LazyLock<String> = LazyLock::new(|| PHONES.join(", "));

/// `phone1 = ?{first}, phone2 = ?{first + 1}, …`: the keys of an UPDATE, numbered parameters.
pub fn phone_assignments(first: usize) -> String {
    PHONES
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ?{}", first + i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `?{first}, ?{first + 1}, …` for the ten keys of an INSERT.
pub fn phone_params(first: usize) -> String {
    (0..KEYS)
        .map(|i| format!("?{}", first + i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The values of a statement with the ten keys in the middle, numbered as [`phone_params`] and
/// [`phone_assignments`] write them: `before`, the keys in key order, then `after`.
pub fn around_phones<'a>(
    before: &'a [&'a dyn ToSql],
    phones: &'a [Option<&'a str>; KEYS],
    after: &'a [&'a dyn ToSql],
) -> impl Params + 'a {
    let phones = phones.iter().map(|p| p as &dyn ToSql);
    params_from_iter(
        before
            .iter()
            .copied()
            .chain(phones)
            .chain(after.iter().copied()),
    )
}

/// Positions of the columns of [`ACCOUNT`], in the order `accounts::from_row` reads them.
pub struct Col;

impl Col {
    pub const ID: usize = 0;
    pub const NAME: usize = 1;
    pub const MATRICULE: usize = 2;
    pub const IDENTIFIANT: usize = 3;
    pub const ENABLED: usize = 4;
    pub const BILLING: usize = 5;
    pub const ALLOWANCE: usize = 6;
    pub const USED: usize = 7;
    pub const BALANCE: usize = 8;
    /// Key 1; key `k` is at `PHONE + k - 1`.
    pub const PHONE: usize = 9;
    pub const CREATED: usize = Self::PHONE + KEYS;
    pub const UPDATED: usize = Self::CREATED + 1;
    pub const MAX_CALL: usize = Self::UPDATED + 1;
    pub const PER_DAY: usize = Self::MAX_CALL + 1;
    pub const SUSPENDED: usize = Self::PER_DAY + 1;
    pub const REASON: usize = Self::SUSPENDED + 1;
}

/// Every column of an account, at the positions of [`Col`].
pub static ACCOUNT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "id, name, matricule, identifiant, enabled, billing, allowance_min, used_seconds, \
         balance, {}, created_at, updated_at, max_call_min, calls_per_day, suspended_until, \
         suspension_reason",
        *PHONE_LIST
    )
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_name_the_columns_they_read() {
        let (_dir, s) = crate::store::temp_store();
        let stmt = s
            .conn
            .prepare(&format!("SELECT {} FROM accounts", *ACCOUNT))
            .unwrap();
        let name = |i: usize| stmt.column_name(i).unwrap().to_string();
        assert_eq!(stmt.column_count(), Col::REASON + 1);
        for (i, expected) in [
            (Col::ID, "id"),
            (Col::NAME, "name"),
            (Col::MATRICULE, "matricule"),
            (Col::IDENTIFIANT, "identifiant"),
            (Col::ENABLED, "enabled"),
            (Col::BILLING, "billing"),
            (Col::ALLOWANCE, "allowance_min"),
            (Col::USED, "used_seconds"),
            (Col::BALANCE, "balance"),
            (Col::PHONE, "phone1"),
            (Col::PHONE + KEYS - 1, &PHONES[KEYS - 1]),
            (Col::CREATED, "created_at"),
            (Col::UPDATED, "updated_at"),
            (Col::MAX_CALL, "max_call_min"),
            (Col::PER_DAY, "calls_per_day"),
            (Col::SUSPENDED, "suspended_until"),
            (Col::REASON, "suspension_reason"),
        ] {
            assert_eq!(name(i), expected, "column {i}");
        }
        let last = format!("phone{KEYS} = ?{}", 5 + KEYS - 1);
        assert_eq!(phone_assignments(5).split(", ").last(), Some(last.as_str()));
    }
}
