//! The account form as the window checks it while it is filled in.

use crate::common::*;
use forfaits_core::domain::Field;
use forfaits_core::prelude::*;

#[test]
fn a_taken_matricule_or_identifiant_is_reported_whatever_the_other_fields_hold() {
    let (_db, mut s) = temp_store();
    create_holder(&mut s, SAMI_MANSOURI, &[], 0);
    // Name empty and a bad phone: the matricule and identifiant already taken are still said.
    let f = form("", "10000000007919", "8812311", &["12"]);
    let errs = s.validate_form(&f, None).unwrap();
    let of = |field: Field| {
        errs.iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
            .unwrap_or_default()
    };
    assert!(of(Field::Name).contains("obligatoire"), "{errs:?}");
    assert!(of(Field::Phone(1)).contains("3 à 15 chiffres"), "{errs:?}");
    assert_eq!(
        of(Field::Matricule),
        "le matricule 10000000007919 est déjà attribué à Sami Mansouri"
    );
    assert_eq!(
        of(Field::Identifiant),
        "l'identifiant 8812311 est déjà attribué à Sami Mansouri"
    );
    // The account itself, being edited, does not collide with itself.
    let id = s.account_by_matricule("10000000007919").unwrap().id;
    let errs = s.validate_form(&f, Some(id)).unwrap();
    assert!(errs
        .iter()
        .all(|e| e.field != Field::Matricule && e.field != Field::Identifiant));
}

#[test]
fn typing_a_short_matricule_gets_no_spreadsheet_advice() {
    let (_db, s) = temp_store();
    let errs = s
        .validate_form(&form("Nouveau", "1000000000791", "8812311", &[]), None)
        .unwrap();
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].message,
        "le matricule doit comporter 14 chiffres (reçu : 1000000000791, 13 chiffres)"
    );
}
