//! Money operations on a few accounts, drawn at random by the ledger's property tests.

use proptest::prelude::*;
use std::ops::Range;

/// An operation on the account at a position among those that exist (taken modulo their
/// number, so that any position names one).
#[derive(Debug, Clone)]
pub enum MoneyOp {
    Create(i64),
    Credit(usize, i64),
    Debit(usize, i64),
    Correct(usize, i64),
    Delete(usize),
}

/// Each operation as likely as the others, at positions `0..accounts`: opening balances in
/// `0..openings`, credits and debits in `amounts`, corrections of either sign below
/// `amounts.end`.
pub fn money_op(
    accounts: usize,
    openings: i64,
    amounts: Range<i64>,
) -> impl Strategy<Value = MoneyOp> {
    let most = amounts.end;
    prop_oneof![
        (0..openings).prop_map(MoneyOp::Create),
        (0..accounts, amounts.clone()).prop_map(|(a, m)| MoneyOp::Credit(a, m)),
        (0..accounts, amounts).prop_map(|(a, m)| MoneyOp::Debit(a, m)),
        (0..accounts, -most..most).prop_map(|(a, m)| MoneyOp::Correct(a, m)),
        (0..accounts).prop_map(MoneyOp::Delete),
    ]
}
