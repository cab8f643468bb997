//! Call records loaded, rated and debited (SPEC §8), on the product's sample files.

use crate::common::*;
use forfaits_core::calls::history::Period;
use forfaits_core::calls::{load_calls, CallsOptions, CallsReport, MatchBy};
use forfaits_core::domain::Money;
use forfaits_core::prelude::*;
use forfaits_core::store::ledger::MovementKind;
use forfaits_core::tariffs::import_tariffs;
use forfaits_core::{Error, Store};
use std::path::Path;

fn loaded_sample() -> (TempDb, Store) {
    let (db, mut s) = temp_store();
    load_sample(&mut s, 0);
    (db, s)
}

fn load(s: &mut Store, file: &Path) -> Result<CallsReport, Error> {
    load_calls(s, file, CallsOptions::default(), &mut |_| Ok(()))
}

#[test]
fn sample_records_are_rated_debited_counted_and_flagged() {
    let (_db, mut s) = loaded_sample();
    let r = load(&mut s, &fixture("Master-sample.csv")).unwrap();
    assert_eq!(r.lignes_lues, 5);
    assert_eq!(r.appels_charges, 4);
    assert_eq!(r.totaux.appels_factures, 3);
    assert_eq!(r.totaux.montant_total, 690 + 144);
    assert_eq!(r.listes.comptes_inconnus.len(), 1);
    assert_eq!(r.listes.comptes_inconnus[0].valeur, "9999999");
    assert!(r.listes.comptes_inconnus[0].texte.contains("ligne 5"));
    assert!(r.listes.erreurs.is_empty() && r.listes.sans_tarif.is_empty());

    let first = s.account_by_matricule("10000000000000").unwrap();
    assert_eq!(
        first.balance, -690,
        "dropped by exactly 0,690 TND (510 + 180 millimes)"
    );
    assert_eq!(first.used_seconds, 241);
    let (total, calls) = s
        .calls(first.id, Period::default(), Page::first(100))
        .unwrap();
    assert_eq!(total, 3);
    let to_fixe = calls.iter().find(|c| c.numero == "71234567").unwrap();
    assert!(to_fixe.hors_touches, "71234567 is not among its keys");
    assert_eq!(to_fixe.cout, 180);
    let to_key1 = calls.iter().find(|c| c.numero == "99383470").unwrap();
    assert_eq!(
        (to_key1.touche, to_key1.cout, to_key1.hors_touches),
        (Some(1), 510, false)
    );
    let unanswered = calls.iter().find(|c| c.statut == "Sans réponse").unwrap();
    assert_eq!(
        (unanswered.cout, unanswered.touche),
        (0, Some(2)),
        "0021627468145 is key 2"
    );

    let second = s.account_by_matricule("10000000007919").unwrap();
    assert_eq!(second.balance, -144);
    assert_eq!(second.used_seconds, 45);
    let m = s.movements(second.id, Page::first(10)).unwrap();
    assert_eq!(m[0].libelle, "Appel");
    assert_eq!(m[0].montant, -144);
    assert!(s.check().unwrap().ok());
}

#[test]
fn loading_the_same_file_again_changes_nothing() {
    let (db, mut s) = loaded_sample();
    load(&mut s, &fixture("Master-sample.csv")).unwrap();
    let before = std::fs::read(&db.path).ok();
    let first = s.account_by_matricule("10000000000000").unwrap();
    let movements = s.count_movements(first.id).unwrap();
    let r = load(&mut s, &fixture("Master-sample.csv")).unwrap();
    assert_eq!(
        (r.appels_charges, r.deja_charges, r.totaux.montant_total),
        (0, 4, 0)
    );
    let again = s.account_by_matricule("10000000000000").unwrap();
    assert_eq!(
        (again.balance, again.used_seconds),
        (first.balance, first.used_seconds)
    );
    assert_eq!(s.count_movements(first.id).unwrap(), movements);
    assert!(s.check().unwrap().ok());
    drop(before);
}

#[test]
fn records_without_uniqueid_are_deduplicated_by_their_content() {
    let (db, mut s) = loaded_sample();
    let f = db.dir.path().join("Master16.csv");
    // 16 columns: no uniqueid; the same call twice in the file.
    let line = "\"8812311\",\"213\",\"26630494\",\"detenus\",\"\"\"Poste\"\" <213>\",\"SIP/a\",\"SIP/b\",\"Dial\",\"SIP/trunk/26630494,60\",\"2026-11-21 08:00:00\",\"2026-11-21 08:00:02\",\"2026-11-21 08:01:02\",62,60,\"ANSWERED\",\"BILLING\"\n";
    std::fs::write(&f, format!("{line}{line}")).unwrap();
    let r = load(&mut s, &f).unwrap();
    assert_eq!((r.appels_charges, r.deja_charges), (1, 1));
    let a = s.account_by_matricule("10000000007919").unwrap();
    assert_eq!(a.balance, -180, "60 s at 0,180: 30 + 5×6 = 60 s billed");
    let r = load(&mut s, &f).unwrap();
    assert_eq!((r.appels_charges, r.deja_charges), (0, 2));
}

#[test]
fn billing_off_counts_minutes_only() {
    let (_db, mut s) = loaded_sample();
    let a = s.account_by_matricule("10000000000000").unwrap();
    let mut d = a.to_draft();
    d.billing = false;
    s.update_account(a.id, &d).unwrap();
    let r = load(&mut s, &fixture("Master-sample.csv")).unwrap();
    assert_eq!(r.totaux.montant_total, 144, "only the second account pays");
    let a = s.account_by_matricule("10000000000000").unwrap();
    assert_eq!((a.balance, a.used_seconds), (0, 241));
    assert_eq!(s.count_movements(a.id).unwrap(), 0);
}

#[test]
fn matching_by_src_uses_the_caller_column() {
    let (db, mut s) = loaded_sample();
    let f = db.dir.path().join("src.csv");
    let text = std::fs::read_to_string(fixture("Master-sample.csv"))
        .unwrap()
        .replace("\"8589669\",\"212\"", "\"\",\"8589669\"");
    std::fs::write(&f, text).unwrap();
    let r = load_calls(
        &mut s,
        &f,
        CallsOptions {
            match_by: MatchBy::Src,
            dry_run: false,
        },
        &mut |_| Ok(()),
    )
    .unwrap();
    assert_eq!(
        r.totaux.appels_factures, 2,
        "the first account's two answered calls"
    );
    assert_eq!(
        r.listes.comptes_inconnus.len(),
        2,
        "213 and 214 are no identifiant"
    );
    assert_eq!(balance_of(&s, "10000000000000"), -690);
}

#[test]
fn a_number_without_tariff_is_kept_free_and_reported() {
    let (db, mut s) = loaded_sample();
    let tarifs = write_file(db.dir.path(), "tarifs.csv", "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n+2162;Mobile;0,180;30;6;0\n");
    assert!(import_tariffs(&mut s, &tarifs, false).unwrap().ecrit);
    let f = write_file(db.dir.path(), "intl.csv", "\"8589669\",\"212\",\"0033612345678\",\"d\",\"c\",\"a\",\"b\",\"Dial\",\"x\",\"2026-11-22 10:00:00\",\"2026-11-22 10:00:01\",\"2026-11-22 10:02:01\",121,120,\"ANSWERED\",\"BILLING\",\"99.1\",\"\"\n");
    let r = load(&mut s, &f).unwrap();
    assert_eq!((r.appels_charges, r.totaux.montant_total), (1, 0));
    assert!(
        r.listes.sans_tarif[0].texte.contains("+33612345678"),
        "{}",
        r.listes.sans_tarif[0].texte
    );
    let a = s.account_by_matricule("10000000000000").unwrap();
    assert_eq!((a.balance, a.used_seconds), (0, 120));
}

#[test]
fn malformed_lines_are_reported_and_the_rest_loads() {
    let (db, mut s) = loaded_sample();
    let f = db.dir.path().join("abime.csv");
    let good = std::fs::read_to_string(fixture("Master-sample.csv")).unwrap();
    let first_line = good.lines().next().unwrap();
    // The first line with one thing changed, under a uniqueid of its own.
    let damaged = |(from, to, id): (&str, &str, &str)| {
        first_line.replace(from, to).replace("1763629200.1", id)
    };
    let lines: Vec<String> = [
        ("2026-11-20 09:00:00", "20/11/2026 9h", "x1"),
        (",185,180,", ",185,cent,", "x2"),
        ("\"8589669\"", "\"\"", "x3"),
        (",185,180,", ",185,2678401,", "x4"),
    ]
    .into_iter()
    .map(damaged)
    .collect();
    let text = format!(
        "{first_line}\n\"8589669\",\"212\",\"99383470\"\n{}\n",
        lines.join("\n")
    );
    std::fs::write(&f, text).unwrap();
    let r = load(&mut s, &f).unwrap();
    assert_eq!(r.appels_charges, 1);
    let texts: Vec<String> = r.listes.erreurs.iter().map(|e| e.to_string()).collect();
    assert_eq!(texts.len(), 5, "{texts:#?}");
    assert!(texts[0].starts_with(
        "ligne 2 : 3 colonnes : un relevé Asterisk (Master.csv) en compte 16, 17, 18 ou 21"
    ));
    assert!(texts[1].starts_with("ligne 3, champ 10 (start) : date de début attendue"));
    assert!(texts[2].starts_with(
        "ligne 4, champ 14 (billsec) : nombre entier de secondes attendu (reçu : cent)"
    ));
    assert!(texts[3].starts_with("ligne 5, champ 1 (accountcode) : vide"));
    assert_eq!(
        texts[4],
        "ligne 6, champ 14 (billsec) : durée hors limites : de 0 à 2678400 secondes (31 jours) (reçu : 2678401)"
    );
    assert!(s.check().unwrap().ok());
}

#[test]
fn a_record_cut_inside_quotes_is_refused_alone_and_the_next_call_is_billed() {
    let good = std::fs::read_to_string(fixture("Master-sample.csv")).unwrap();
    let lines: Vec<&str> = good.lines().collect();
    let rest = lines[1..].join("\n");
    let cut = "\"8589669\",\"212\",\"00216";
    // (loaded, amount, errors) of `text` on a new base.
    let outcome = |text: &str| {
        let (db, mut s) = loaded_sample();
        let r = load(&mut s, &write_file(db.dir.path(), "m.csv", text)).unwrap();
        assert!(s.check().unwrap().ok());
        let errors: Vec<String> = r.listes.erreurs.iter().map(|e| e.to_string()).collect();
        (r.appels_charges, r.totaux.montant_total, errors)
    };
    let (loaded, amount, none) = outcome(&format!("{rest}\n"));
    assert!(loaded > 0 && none.is_empty());
    let why = "le guillemet « \" » qui ouvre le champ 3 n'est pas refermé avant la fin de la ligne";
    // The first call's line stopped in its third quote: the others are billed all the same.
    assert_eq!(
        outcome(&format!("{cut}\n{rest}\n")),
        (loaded, amount, vec![format!("ligne 1 : {why}")])
    );
    // The same as the file's last line, with no line break after it.
    assert_eq!(
        outcome(&format!("{rest}\n{cut}")),
        (
            loaded,
            amount,
            vec![format!("ligne {} : {why}", lines.len())]
        )
    );
    // A line break a dialplan put inside a quoted field is the field's: the call is billed.
    let broken = rest.replacen(",\"BILLING\",", ",\"BILL\nING\",", 1);
    assert_ne!(broken, rest);
    assert_eq!(outcome(&format!("{broken}\n")), (loaded, amount, vec![]));
}

#[test]
fn interleaved_accounts_are_debited_in_the_order_of_the_file() {
    // Calls are written account by account; each account's movements must still follow the
    // file's order, whatever the order of their start times.
    let (db, mut s) = loaded_sample();
    let codes = ["8812311", "8589669", "8580488"];
    let matricules = ["10000000007919", "10000000000000", "10000000015838"];
    let mut csv = String::new();
    // 600 billed calls: movements are written by groups of 256 and one by one.
    for i in 0..600u32 {
        let code = codes[i as usize % 3];
        let dst = format!("2{:07}", 1_000_000 + i);
        // Start times run backwards: file order is not time order.
        let t = format!("2026-11-20 {:02}:{:02}:00", 23 - i / 60, 59 - i % 60);
        csv.push_str(&format!(
            "\"{code}\",\"212\",\"{dst}\",\"detenus\",\"\",\"SIP/a\",\"SIP/b\",\"Dial\",\"x\",\"{t}\",\"{t}\",\"{t}\",{d},{d},\"ANSWERED\",\"BILLING\",\"1763629200.{i}\",\"\"\n",
            d = 31 + i
        ));
    }
    let file = db.path.with_extension("Master.csv");
    std::fs::write(&file, csv).unwrap();
    let r = load(&mut s, &file).unwrap();
    assert_eq!(r.totaux.appels_factures, 600, "{:?}", r.listes.erreurs);
    for (k, code) in codes.iter().enumerate() {
        let a = s.account_by_matricule(matricules[k]).unwrap();
        let mut moves = s.movements(a.id, Page::first(1000)).unwrap();
        moves.reverse();
        let calls: Vec<_> = moves
            .iter()
            .filter(|m| m.motif.starts_with("Appel"))
            .collect();
        let want: Vec<String> = (0..600u32)
            .filter(|i| *i as usize % 3 == k)
            .map(|i| format!("Appel vers +2162{:07}", 1_000_000 + i))
            .collect();
        let got: Vec<String> = calls
            .iter()
            .map(|m| m.motif.split(" (").next().unwrap().to_string())
            .collect();
        assert_eq!(got, want, "{code}");
        let mut balance = calls[0].solde_apres - calls[0].montant;
        for m in &calls {
            balance += m.montant;
            assert_eq!(m.solde_apres, balance, "{code}");
        }
    }
    assert!(s.check().unwrap().ok());
}

#[test]
fn foreign_keys_are_enforced_again_after_a_load_and_after_a_refused_one() {
    // The load itself skips the per-row foreign-key look-ups; the connection must not keep
    // that afterwards, or deleting an account would leave its calls behind.
    let (_db, mut s) = loaded_sample();
    load(&mut s, &fixture("Master-sample.csv")).unwrap();
    load(&mut s, &fixture("users-sample.csv")).unwrap_err();
    let first = s.account_by_matricule("10000000000000").unwrap();
    assert_eq!(
        s.calls(first.id, Period::default(), Page::first(100))
            .unwrap()
            .0,
        3
    );
    s.delete_account(first.id).unwrap();
    assert_eq!(
        s.calls(first.id, Period::default(), Page::first(100))
            .unwrap()
            .0,
        0
    );
    assert!(s.check().unwrap().ok());
}

#[test]
fn a_file_that_is_not_call_records_is_refused_and_writes_nothing() {
    let (_db, mut s) = loaded_sample();
    let before = s.count_movements(1).unwrap();
    let e = load(&mut s, &fixture("users-sample.csv")).unwrap_err();
    assert!(e.is_rejection());
    let lines: Vec<String> = e.to_string().lines().map(String::from).collect();
    assert_eq!(
        lines[0], "Aucune ligne n'est un relevé d'appel Asterisk (Master.csv) :",
        "{e}"
    );
    // One line per problem, ten of the 25, then how many more.
    assert_eq!(lines.len(), 12, "{e}");
    assert!(lines[1].starts_with("ligne 1 : "), "{e}");
    assert!(lines[10].starts_with("ligne 10 : "), "{e}");
    assert_eq!(lines[11], "… et 15 autres lignes mal formées.");
    assert_eq!(s.count_movements(1).unwrap(), before);
    let empty = fixture("import/bad-empty.csv");
    assert!(load(&mut s, &empty)
        .unwrap_err()
        .to_string()
        .contains("aucun relevé"));
}

#[test]
fn dry_run_rates_without_writing() {
    let (_db, mut s) = loaded_sample();
    let r = load_calls(
        &mut s,
        &fixture("Master-sample.csv"),
        CallsOptions {
            dry_run: true,
            ..Default::default()
        },
        &mut |_| Ok(()),
    )
    .unwrap();
    assert_eq!(
        (r.totaux.appels_factures, r.totaux.montant_total, r.ecrit),
        (3, 834, false)
    );
    assert_eq!(balance_of(&s, "10000000000000"), 0);
}

#[test]
fn a_record_of_the_readme_dialplan_is_rated_on_the_number_its_dial_called() {
    let (db, mut s) = temp_store();
    load_sample(&mut s, 10_000);
    // The README dials from extension `s`: Asterisk writes `s` as dst, the number in lastdata.
    let master = write_file(db.dir.path(), "Master.csv", "\"8589669\",\"212\",\"s\",\"detenus\",\"c\",\"PJSIP/poste-12\",\"PJSIP/operateur-1\",\"Dial\",\"PJSIP/+21627468145@operateur,60,L(666000:60000:30000)\",\"2026-11-25 10:00:00\",\"2026-11-25 10:00:05\",\"2026-11-25 10:01:05\",65,60,\"ANSWERED\",\"BILLING\",\"1764000000.7\",\"\"\n\"8589669\",\"212\",\"s\",\"detenus\",\"c\",\"PJSIP/poste-12\",\"\",\"Playback\",\"forfaits/refus-solde_insuffisant\",\"2026-11-25 11:00:00\",\"\",\"2026-11-25 11:00:04\",4,0,\"NO ANSWER\",\"BILLING\",\"1764000000.8\",\"\"\n");
    let r = load(&mut s, &master).unwrap();
    assert_eq!(r.appels_charges, 2);
    assert_eq!(
        balance_of(&s, LOTFI),
        10_000 - 180,
        "60 s to +2162 at 0,180 a minute"
    );
    let a = s.account_by_matricule(LOTFI).unwrap();
    let (_, calls) = s.calls(a.id, Period::default(), Page::first(10)).unwrap();
    let shown: Vec<_> = calls
        .iter()
        .map(|c| (c.numero.as_str(), c.touche, c.cout))
        .collect();
    assert_eq!(shown, [("s", None, 0), ("+21627468145", Some(2), 180)]);
    // Loaded again: the same calls.
    let again = load(&mut s, &master).unwrap();
    assert_eq!((again.appels_charges, again.deja_charges), (0, 2));
}

#[test]
fn history_csv_holds_the_columns_for_a_period() {
    let (db, mut s) = loaded_sample();
    load(&mut s, &fixture("Master-sample.csv")).unwrap();
    let a = s.account_by_matricule("10000000000000").unwrap();
    let out = db.dir.path().join("historique.csv");
    let n = s
        .export_calls_to_file(a.id, Period::default(), &out)
        .unwrap();
    assert_eq!(n, 3);
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "Date;Heure;Numéro appelé;Touche;Durée;Coût;Solde après;Statut;Hors touches"
    );
    assert_eq!(
        lines[1],
        "20/11/2026;09:00:00;99383470;1;0:03:00;0,510;-0,510;Répondu;"
    );
    assert_eq!(
        lines[2],
        "20/11/2026;10:00:00;0021627468145;2;0:00:00;0,000;;Sans réponse;"
    );
    assert_eq!(
        lines[3],
        "20/11/2026;10:30:00;71234567;;0:01:01;0,180;-0,690;Répondu;Oui"
    );
    let day = |y, m, d| {
        forfaits_core::dates::local_day_start(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap())
    };
    let p = Period {
        depuis: Some(day(2026, 11, 21)),
        jusqua: None,
    };
    let out2 = db.dir.path().join("vide.csv");
    assert_eq!(s.export_calls_to_file(a.id, p, &out2).unwrap(), 0);
    let (total, _) = s
        .calls(
            a.id,
            Period {
                depuis: Some(day(2026, 11, 20)),
                jusqua: Some(day(2026, 11, 21)),
            },
            Page::first(10),
        )
        .unwrap();
    assert_eq!(total, 3);
}

#[test]
fn tariffs_file_errors_are_per_line_and_replace_nothing() {
    let (db, mut s) = loaded_sample();
    let f = write_file(db.dir.path(), "tarifs.csv", "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n+2162;Mobile;0,18;30;6;0\nabc;;x;-1;0;\n+2162;Doublon;1;1;1;0\n");
    let r = import_tariffs(&mut s, &f, false).unwrap();
    let t: Vec<String> = r.erreurs.iter().map(|e| e.to_string()).collect();
    assert!(!r.ecrit);
    assert_eq!(t.len(), 6, "{t:#?}");
    assert!(t[0].starts_with("ligne 3, champ 1 (prefixe) : préfixe invalide"));
    assert!(t[1].starts_with("ligne 3, champ 2 (libelle) : le libellé est obligatoire"));
    assert!(t[2].starts_with("ligne 3, champ 3 (prix_minute) : montant invalide"));
    assert!(t[3].starts_with("ligne 3, champ 4 (bloc_initial_s)"));
    assert!(t[4].starts_with("ligne 3, champ 5 (bloc_s)"));
    assert!(
        t[5].starts_with("ligne 4, champ 1 (prefixe) : le préfixe +2162 figure déjà à la ligne 2")
    );
    assert_eq!(
        s.tariffs().unwrap().len(),
        6,
        "the sample tariffs are still there"
    );

    std::fs::write(&f, "+2162;Mobile;0,18;30;6;0\n").unwrap();
    let r = import_tariffs(&mut s, &f, false).unwrap();
    assert!(r.erreurs[0]
        .to_string()
        .contains("la première ligne doit être l'en-tête"));
    std::fs::write(&f, "Préfixe,Libellé,Prix_minute,Bloc_initial_s,Bloc_s,Frais_connexion\n00216 2,Mobiles,\"0,2\",60,1,0.05\n").unwrap();
    let r = import_tariffs(&mut s, &f, false).unwrap();
    assert!(r.ecrit, "{:?}", r.erreurs);
    let t = s.tariffs().unwrap();
    assert_eq!(t.len(), 1, "the table was replaced");
    assert_eq!(
        (
            t[0].prefixe.as_str(),
            t[0].prix_minute,
            t[0].frais_connexion
        ),
        ("+2162", 200, 50)
    );
}

#[test]
fn a_tariffs_file_whose_spreadsheet_dropped_the_plus_is_refused_not_made_free() {
    let (db, mut s) = loaded_sample();
    // The sample as LibreOffice saves it once the prefix column was read as numbers.
    let sample = std::fs::read_to_string(fixture("tariffs-sample.csv")).unwrap();
    let f = write_file(db.dir.path(), "tarifs.csv", sample.replace("\n+2", "\n2"));
    let r = import_tariffs(&mut s, &f, false).unwrap();
    assert!(!r.ecrit);
    let t: Vec<String> = r.erreurs.iter().map(|e| e.to_string()).collect();
    assert_eq!(t.len(), 5, "each prefix but the lone +: {t:#?}");
    assert_eq!(
        t[0],
        "ligne 2, champ 1 (prefixe) : le préfixe 2162 commence par l'indicatif 216 sans + ni 00 : \
         le tableur a sans doute supprimé le + ; écrivez +2162 (ou +2162162 si ce sont des numéros \
         nationaux qui commencent par 2162)"
    );
    assert!(
        t[4].starts_with("ligne 6, champ 1 (prefixe) : le préfixe 216 commence"),
        "{}",
        t[4]
    );
    // National prefixes that do not begin with 216, and the prefix written whole, are read.
    std::fs::write(&f, "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n2;Mobiles;0,2;60;1;0\n+216216;Numéros 216;0,1;60;1;0\n").unwrap();
    let r = import_tariffs(&mut s, &f, false).unwrap();
    assert!(r.ecrit, "{:?}", r.erreurs);
    let prefixes: Vec<String> = s
        .tariffs()
        .unwrap()
        .into_iter()
        .map(|t| t.prefixe)
        .collect();
    assert_eq!(prefixes, ["+2162", "+216216"]);
}

#[test]
fn a_tariffs_workbook_or_a_short_line_is_told_what_to_do() {
    let (db, mut s) = loaded_sample();
    let book = write_file(db.dir.path(), "tarifs.xlsx", b"PK\x03\x04 un classeur");
    let e = import_tariffs(&mut s, &book, false)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("tarifs.xlsx est un classeur Excel (.xlsx) : les tarifs s'importent depuis un fichier CSV."),
        "{e}"
    );
    let header = "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion";
    let mut short = |sep: &str, line: &str| {
        let f = write_file(
            db.dir.path(),
            "t.csv",
            format!("{}\n{line}\n", header.replace(';', sep)),
        );
        import_tariffs(&mut s, &f, false).unwrap().erreurs[0].to_string()
    };
    // A `;` file has no decimal comma to blame; a `,` file has.
    let e = short(";", "+2162;Mobile;0,18;30;6");
    assert!(e.ends_with("la ligne contient 5 champs ; 6 sont attendus (prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion)"), "{e}");
    let e = short(",", "+2162,Mobile,0,18,30,6,0");
    assert!(
        e.contains("7 champs")
            && e.contains("avec le séparateur « , », écrivez les décimales avec un point"),
        "{e}"
    );
    assert_eq!(s.tariffs().unwrap().len(), 6, "the sample tariffs stay");
}

/// A Master.csv line for account 8812311 (key 1: 26630494), with the given tail columns.
fn cdr(start: &str, billsec: u32, disposition: &str, tail: &str) -> String {
    format!(
        "\"8812311\",\"213\",\"26630494\",\"detenus\",\"\"\"Poste\"\" <213>\",\"SIP/a\",\"SIP/b\",\"Dial\",\"SIP/trunk/26630494,60\",\"{start}\",\"{start}\",\"{start}\",{},{billsec},\"{disposition}\",\"BILLING\",{tail}\n",
        billsec + 2
    )
}

#[test]
fn records_of_one_channel_told_apart_by_sequence_are_each_loaded_once() {
    let (db, mut s) = loaded_sample();
    let f = db.dir.path().join("Master21.csv");
    // A retried dial: one uniqueid, the unanswered attempt then the answered call.
    let tail = |seq: u32| format!("\"1763700000.7\",\"\",\"\",\"1763700000.7\",{seq}");
    std::fs::write(
        &f,
        cdr("2026-11-21 09:00:00", 0, "NO ANSWER", &tail(1))
            + &cdr("2026-11-21 09:00:00", 300, "ANSWERED", &tail(2)),
    )
    .unwrap();
    let r = load(&mut s, &f).unwrap();
    assert_eq!(
        (r.appels_charges, r.deja_charges, r.totaux.appels_factures),
        (2, 0, 1)
    );
    let a = s.account_by_matricule("10000000007919").unwrap();
    assert_eq!((a.balance, a.used_seconds), (-900, 300), "300 s at 0,180");
    let r = load(&mut s, &f).unwrap();
    assert_eq!((r.appels_charges, r.deja_charges), (0, 2));
    assert_eq!(balance_of(&s, "10000000007919"), -900);
}

#[test]
fn records_of_one_channel_without_sequence_are_told_apart_by_their_content() {
    let (db, mut s) = loaded_sample();
    let tail = "\"1763700000.8\",\"\"";
    let unanswered = cdr("2026-11-21 10:00:00", 0, "NO ANSWER", tail);
    let answered = cdr("2026-11-21 10:00:00", 300, "ANSWERED", tail);
    let records = unanswered + &answered + &answered;
    let f = write_file(db.dir.path(), "Master18.csv", records);
    load_then_reload(&mut s, &f, (2, 1), "the repeated line is one call");
}

/// Loads `f`, expecting `(charged, already charged)` and one 300 s call debited from Sami;
/// a second load of the same file then charges nothing.
fn load_then_reload(s: &mut Store, f: &Path, counts: (u64, u64), why: &str) {
    let r = load(s, f).unwrap();
    assert_eq!((r.appels_charges, r.deja_charges), counts, "{why}");
    assert_eq!(balance_of(s, "10000000007919"), -900);
    let r = load(s, f).unwrap();
    assert_eq!(
        (r.appels_charges, r.deja_charges),
        (0, counts.0 + counts.1),
        "reloaded: {why}"
    );
}

#[test]
fn calls_loaded_by_an_older_version_are_still_recognised_after_the_upgrade() {
    let (db, mut s) = loaded_sample();
    let f = db.dir.path().join("Master18.csv");
    let tail = "\"1763629200.1\",\"\"";
    let unanswered = cdr("2026-11-21 11:00:00", 0, "NO ANSWER", tail);
    let answered = cdr("2026-11-21 11:00:00", 300, "ANSWERED", tail);
    std::fs::write(&f, &unanswered).unwrap();
    load(&mut s, &f).unwrap();
    drop(s);
    // What schema 2 stored: the uniqueid alone, and its hash (pinned in calls::rate's tests);
    // then what the migration to schema 3 does with such a base.
    let c = rusqlite::Connection::open(&db.path).unwrap();
    c.execute(
        "UPDATE calls SET dedup_key = 'u:1763629200.1', dedup_hash = -4630569679323940502",
        [],
    )
    .unwrap();
    c.execute_batch(include_str!("../../src/store/schema_v3.sql"))
        .unwrap();
    drop(c);
    let mut s = Store::open(&db.path).unwrap();
    std::fs::write(&f, format!("{unanswered}{answered}")).unwrap();
    let why = "the old record is known, the answered one of the same channel is new";
    load_then_reload(&mut s, &f, (1, 1), why);
    assert!(s.check().unwrap().ok());
}

#[test]
fn an_absurd_tariff_is_refused_and_a_cost_that_cannot_be_counted_is_not_loaded() {
    let (db, mut s) = loaded_sample();
    let header = "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n";
    let lines = "+2162;Mobile;1000000000000;30;6;0\n+2165;Orange;0,180;30;6;5000\n";
    let f = write_file(db.dir.path(), "tarifs.csv", format!("{header}{lines}"));
    let r = import_tariffs(&mut s, &f, false).unwrap();
    assert!(!r.ecrit);
    let t: Vec<String> = r.erreurs.iter().map(|e| e.to_string()).collect();
    assert_eq!(t.len(), 2, "{t:#?}");
    assert!(
        t[0].starts_with("ligne 2, champ 3 (prix_minute) : montant trop élevé pour un tarif"),
        "{}",
        t[0]
    );
    assert!(
        t[1].starts_with("ligne 3, champ 6 (frais_connexion) : montant trop élevé"),
        "{}",
        t[1]
    );
    assert_eq!(s.tariffs().unwrap().len(), 6, "nothing replaced");

    // A tariff stored before the ceiling existed: the call is refused, never wrapped.
    drop(s);
    let c = rusqlite::Connection::open(&db.path).unwrap();
    c.execute(
        "UPDATE tariffs SET price_per_min = 1000000000000000 WHERE prefix = '+2162'",
        [],
    )
    .unwrap();
    drop(c);
    let mut s = Store::open(&db.path).unwrap();
    let calls = write_file(
        db.dir.path(),
        "long.csv",
        cdr(
            "2026-11-21 12:00:00",
            864_000,
            "ANSWERED",
            "\"1763800000.1\",\"\"",
        ),
    );
    let err = load(&mut s, &calls).unwrap_err().to_string();
    assert!(
        err.contains("dépasse ce que Forfaits peut compter"),
        "{err}"
    );
    assert_eq!(balance_of(&s, "10000000007919"), 0);
    let report = s.check().unwrap();
    assert_problem(&report, "+2162", "check");
}

#[test]
fn check_reports_a_call_with_a_negative_cost() {
    let (db, mut s) = loaded_sample();
    load(&mut s, &fixture("Master-sample.csv")).unwrap();
    assert!(s.check().unwrap().ok());
    drop(s);
    let c = rusqlite::Connection::open(&db.path).unwrap();
    c.execute(
        "UPDATE calls SET cost = -5 WHERE id = (SELECT min(id) FROM calls)",
        [],
    )
    .unwrap();
    drop(c);
    let s = Store::open(&db.path).unwrap();
    let report = s.check().unwrap();
    assert_problem(&report, "coût ou une durée facturée négatifs", "check");
}

#[test]
fn reasons_and_labels_refuse_invisible_characters_and_write_nothing() {
    let (db, mut s) = loaded_sample();
    let id = s.account_by_matricule(SAMI_MANSOURI.1).unwrap().id;
    let today = chrono::Local::now().date_naive();
    // U+202E shows what follows it backwards, U+200B is a space no one sees, U+00AD a hyphen
    // that prints nothing, U+2066 a direction isolate.
    let refused = [
        s.manual_movement(
            id,
            MovementKind::Recharge,
            Money(1),
            "Remise\u{202e}famille",
        )
        .unwrap_err(),
        s.suspend_account(id, today, "trans\u{200b}fert", today)
            .unwrap_err(),
        s.block_number("+2168*", "surtaxés\u{ad}", true)
            .unwrap_err(),
    ];
    for (e, field) in refused
        .iter()
        .zip(["motif", "motif de la suspension", "motif"])
    {
        assert!(
            e.to_string().contains(&format!(
                "{field} contient un caractère de contrôle invisible"
            )),
            "{e}"
        );
    }
    let f = write_file(db.dir.path(), "tarifs.csv", "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n+2162;Mobile\u{2066};0,18;30;6;0\n");
    let r = import_tariffs(&mut s, &f, false).unwrap();
    assert!(!r.ecrit);
    assert!(
        r.erreurs[0]
            .to_string()
            .contains("le libellé contient un caractère de contrôle invisible"),
        "{:?}",
        r.erreurs
    );
    let a = s.get_account(id).unwrap();
    assert_eq!(
        (a.suspended_until, s.count_movements(id).unwrap()),
        (None, 0)
    );
    assert!(s.blocked_numbers().unwrap().is_empty());
    assert_eq!(s.tariffs().unwrap().len(), 6);
}
