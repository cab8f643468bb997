//! Gestion de solde as the window drives it: the preview of a movement (its button and its
//! confirmation) and the threshold above which a movement must be confirmed.

use crate::common::*;
use forfaits_core::domain::Money;
use forfaits_core::prelude::*;
use forfaits_core::store::ledger::{parse_amount, MovementKind};
use forfaits_core::Error;

#[test]
fn the_preview_gives_the_resulting_balance_and_whether_to_confirm() {
    let (_db, mut s) = temp_store();
    let id = create_holder(&mut s, SAMI_MANSOURI, &[], 24_310);
    let p = s
        .preview_movement(id, MovementKind::Recharge, Money(12_500))
        .unwrap();
    assert_eq!(
        (p.montant, p.solde_avant, p.solde_apres),
        (12_500, 24_310, 36_810)
    );
    assert!(!p.refuse && !p.confirmation);
    assert_eq!(p.seuil, 1_000_000);
    let p = s
        .preview_movement(id, MovementKind::Debit, Money(30_000))
        .unwrap();
    assert_eq!((p.montant, p.solde_apres), (-30_000, -5_690));
    assert!(p.refuse, "a debit below zero will be refused");
    let p = s
        .preview_movement(id, MovementKind::Recharge, Money(1_000_001))
        .unwrap();
    assert!(p.confirmation, "above 1 000,000 TND");
    let p = s
        .preview_movement(id, MovementKind::Recharge, Money(1_000_000))
        .unwrap();
    assert!(
        !p.confirmation,
        "the threshold itself needs no confirmation"
    );
    let p = s
        .preview_movement(id, MovementKind::Correction, Money(-2_000_000))
        .unwrap();
    assert!(p.confirmation && p.refuse);
    assert_eq!(
        s.movements(id, Page::first(10)).unwrap().len(),
        1,
        "nothing written"
    );
}

#[test]
fn an_unconfirmed_movement_above_the_threshold_changes_nothing() {
    let (_db, mut s) = temp_store();
    let id = create_holder(&mut s, SAMI_MANSOURI, &[], 0);
    let amount = parse_amount(
        &s.settings().unwrap().currency,
        MovementKind::Recharge,
        "1000000000",
    )
    .unwrap();
    let err = s
        .confirmed_movement(id, MovementKind::Recharge, amount, "", false)
        .unwrap_err();
    assert!(matches!(err, Error::Rejected(_)));
    assert!(
        err.to_string().contains("dépasse le seuil de confirmation"),
        "{err}"
    );
    assert_eq!(s.get_account(id).unwrap().balance, 0);
    assert!(s.movements(id, Page::first(10)).unwrap().is_empty());
    s.confirmed_movement(id, MovementKind::Recharge, Money(999_000), "", false)
        .unwrap();
    s.confirmed_movement(id, MovementKind::Recharge, amount, "", true)
        .unwrap();
    assert_eq!(s.get_account(id).unwrap().balance, 1_000_000_999_000);
    assert!(s.check().unwrap().ok());
}

#[test]
fn amounts_are_read_signed_only_for_a_correction() {
    let c = forfaits_core::domain::Currency::default();
    assert_eq!(
        parse_amount(&c, MovementKind::Correction, "-2,5").unwrap(),
        Money(-2_500)
    );
    assert!(parse_amount(&c, MovementKind::Recharge, "-2,5").is_err());
    let e = parse_amount(&c, MovementKind::Recharge, "12,5 TND").unwrap_err();
    assert!(e.to_string().contains("montant invalide"), "{e}");
}
