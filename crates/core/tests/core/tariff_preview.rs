//! A tariffs file checked and compared with the tariffs in place, before anything is replaced.

use crate::common::*;
use forfaits_core::tariff_diff::preview_tariffs;
use forfaits_core::tariffs::import_tariffs;
use forfaits_core::Base;

const HEADER: &str = "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n";

fn sample() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/tariffs-sample.csv")
}

#[test]
fn the_preview_of_a_one_line_file_names_what_disappears_and_writes_nothing() {
    let (db, mut s) = temp_store();
    assert!(import_tariffs(&mut s, &sample(), false).unwrap().ecrit);
    let f = db.dir.path().join("un.csv");
    std::fs::write(&f, format!("{HEADER}+2162;Mobile Ooredoo;0,180;30;6;0\n")).unwrap();
    let mut base = Base::Local(s);
    let p = preview_tariffs(&mut base, &f).unwrap();
    assert!(!p.rapport.ecrit);
    let d = p.changement.expect("a valid file has a change");
    assert_eq!((d.avant, d.apres, d.disparus.len()), (6, 1, 5));
    assert_eq!(
        d.resume,
        "6 tarifs remplacés par 1 ; 5 préfixes disparaissent : +2165 Mobile Orange, +2167 Fixe, \
         +2169 Mobile Tunisie Telecom, …"
    );
    assert_eq!(
        base.tariffs().unwrap().len(),
        6,
        "the preview writes nothing"
    );
}

#[test]
fn a_broken_file_has_its_errors_and_no_change() {
    let (db, s) = temp_store();
    let f = db.dir.path().join("faux.csv");
    std::fs::write(&f, format!("{HEADER}+2162;Mobile;gratuit;30;6;0\n")).unwrap();
    let p = preview_tariffs(&mut Base::Local(s), &f).unwrap();
    assert!(p.changement.is_none());
    assert_eq!(p.rapport.erreurs.len(), 1);
}
