//! The behaviours both stores share (SPEC §13), one suite run on a real SQLite file and on a
//! real PostgreSQL site: each test below exists twice, `…::sqlite` and `…::postgres`.

#[path = "../../../../tests/support/pg_cluster.rs"]
mod pg_cluster;

use crate::common::{fixture, names_on, search};
use forfaits_core::domain::{AccountForm, Money};
use forfaits_core::export::{export_users, ExportFormat, ExportOptions};
use forfaits_core::import::ImportOptions;
use forfaits_core::page::Page;
use forfaits_core::store::accounts::{ListQuery, SortKey};
use forfaits_core::store::audit::AuditFilter;
use forfaits_core::store::ledger::MovementKind;
use forfaits_core::store::settings::SettingsForm;
use forfaits_core::{Base, Error, Store};
use std::path::Path;

/// A store of each kind, and what must outlive it.
pub enum Keep {
    Dir(#[allow(dead_code)] tempfile::TempDir),
    Site,
}

pub fn sqlite_base() -> (Base, Keep) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("f.sqlite3")).unwrap();
    (Base::Local(store), Keep::Dir(dir))
}

/// A new site database, initialised, opened as its owner.
pub fn site_url() -> String {
    let (url, _) = pg_cluster::cluster().new_db();
    let _g = pg_cluster::roles_lock();
    forfaits_core::site::init(&url).unwrap();
    url
}

pub fn site_base() -> (Base, Keep) {
    let url = site_url();
    (
        Base::Site(forfaits_core::site::SiteStore::connect(&url).unwrap()),
        Keep::Site,
    )
}

macro_rules! on_both_stores {
    ($($name:ident => $body:expr;)*) => {
        $(
            mod $name {
                use super::*;

                #[test]
                fn sqlite() {
                    let (base, _keep) = sqlite_base();
                    ($body)(base);
                }

                #[test]
                fn postgres() {
                    let (base, _keep) = site_base();
                    ($body)(base);
                }
            }
        )*
    };
}

fn import(
    base: &mut Base,
    file: &Path,
    opts: ImportOptions,
) -> forfaits_core::Result<(forfaits_core::import::ImportReport, Vec<String>)> {
    let mut errors = Vec::new();
    let r = base.import_users(file, opts, &mut |_| Ok(()), &mut |e| {
        errors.push(e.to_string())
    })?;
    Ok((r, errors))
}

fn names(base: &Base, q: &str) -> Vec<String> {
    names_on(base.list_accounts(&search(q)).unwrap())
}

fn export(base: &Base, format: ExportFormat) -> String {
    let mut out = Vec::new();
    export_users(
        &**base,
        &mut out,
        ExportOptions {
            format,
            separator: b';',
            bom: false,
        },
        &mut |_, _| Ok(()),
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

fn sample(base: &mut Base) {
    let (r, errors) = import(base, &fixture("users-sample.csv"), ImportOptions::default()).unwrap();
    assert_eq!(r.summary(), "25 importés, 0 rejeté", "{errors:?}");
}

on_both_stores! {
    site_rules_saved_as_they_are_write_and_journal_nothing => |mut base: Base| {
        use forfaits_core::rules::SiteRulesChange;
        let journal = |base: &Base| -> Vec<String> {
            base.audit_entries(&Default::default()).unwrap().into_iter().map(|e| e.details).collect()
        };
        let rules = |per_day| SiteRulesChange {
            hours: Some("lun-ven 08:00-18:00".into()),
            max_call_minutes: Some(20),
            calls_per_day: Some(per_day),
        };
        // The defaults saved as they are on a new base: nothing to say.
        let defaults = SiteRulesChange {
            hours: Some("toujours".into()),
            max_call_minutes: Some(60),
            calls_per_day: Some(None),
        };
        base.save_site_rules(&defaults).unwrap();
        assert_eq!(journal(&base), Vec::<String>::new());
        base.save_site_rules(&rules(Some(3))).unwrap();
        let once = journal(&base);
        assert_eq!(once.len(), 1, "{once:?}");
        base.save_site_rules(&rules(Some(3))).unwrap();
        assert_eq!(journal(&base), once, "saved again as it was");
        // One rule changed: that one alone is journaled.
        let st = base.save_site_rules(&rules(None)).unwrap();
        assert_eq!(st.calls_per_day, None);
        assert_eq!(journal(&base)[0], "sans limite par jour");
    };

    import_of_the_sample_creates_25_accounts_that_export_back_as_imported => |mut base: Base| {
        sample(&mut base);
        assert_eq!(base.count_accounts().unwrap(), 25);
        let exported = export(&base, ExportFormat::Import);
        let first = exported.lines().next().unwrap();
        assert!(first.starts_with("Lotfi Ben Ali;10000000000000;8589669;99383470;0021627468145;"), "{first}");
        assert_eq!(exported.lines().count(), 25);
        assert!(base.check().unwrap().ok());
    };

    import_rejects_13_digit_matricule_and_writes_nothing => |mut base: Base| {
        let (r, errors) = import(&mut base, &fixture("import/bad-matricule-13-digits.csv"), ImportOptions::default()).unwrap();
        assert!(!r.ecrit);
        assert!(r.rejetees >= 1);
        assert!(errors.iter().any(|e| e.contains("Matricule")), "{errors:?}");
        assert_eq!(base.count_accounts().unwrap(), 0);
    };

    import_names_the_earlier_line_of_a_duplicate_and_writes_nothing => |mut base: Base| {
        let (r, errors) = import(&mut base, &fixture("import/bad-duplicate-in-file.csv"), ImportOptions::default()).unwrap();
        assert!(!r.ecrit);
        assert!(errors.iter().any(|e| e.contains("figure déjà à la ligne")), "{errors:?}");
        assert_eq!(base.count_accounts().unwrap(), 0);
    };

    a_second_import_refuses_matricules_in_the_base_unless_updating => |mut base: Base| {
        sample(&mut base);
        let (r, errors) = import(&mut base, &fixture("users-sample.csv"), ImportOptions::default()).unwrap();
        assert_eq!(r.summary(), "0 importé, 25 rejetés");
        assert!(errors[0].contains("existe déjà dans la base (compte de Lotfi Ben Ali)"), "{}", errors[0]);
        let opts = ImportOptions { update_existing: true, ..Default::default() };
        let (r, errors) = import(&mut base, &fixture("users-sample.csv"), opts).unwrap();
        assert_eq!((r.mis_a_jour, r.crees), (25, 0), "{errors:?}");
        assert_eq!(base.count_accounts().unwrap(), 25);
    };

    an_update_frees_its_old_identifiant_and_takes_the_new_for_the_lines_after => |mut base: Base| {
        sample(&mut base);
        let dir = tempfile::tempdir().unwrap();
        let opts = || ImportOptions { update_existing: true, ..Default::default() };
        // Lotfi moves to 1234567: a new account may take his 8589669 on the next line.
        let freed = crate::common::write_file(dir.path(), "a.csv", "Lotfi Ben Ali;10000000000000;1234567\nNouveau Compte;20000000000009;8589669\n");
        let (r, errors) = import(&mut base, &freed, opts()).unwrap();
        assert_eq!((r.crees, r.mis_a_jour), (1, 1), "{errors:?}");
        assert_eq!(base.account_by_matricule("20000000000009").unwrap().identifiant, "8589669");
        // Sami moves to 7654321, which a later line may not give to another account, new or
        // updated: said on that line, nothing written.
        let before = export(&base, ExportFormat::Import);
        let taken = crate::common::write_file(dir.path(), "b.csv", "Sami Mansouri;10000000007919;7654321\nAutre Compte;20000000000010;7654321\nAmira Trabelsi;10000000015838;7654321\n");
        let (r, errors) = import(&mut base, &taken, opts()).unwrap();
        assert!(!r.ecrit);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors.iter().all(|e| e.contains("7654321") && e.contains("ligne 1")), "{errors:?}");
        assert_eq!(export(&base, ExportFormat::Import), before);
    };

    search_finds_name_parts_matricules_and_numbers_in_name_order => |mut base: Base| {
        sample(&mut base);
        let ben = names(&base, "ben");
        assert_eq!(&ben[..3], ["Hédi Ben Salah", "Lotfi Ben Ali", "Mohamed Ben Ali"]);
        assert_eq!(names(&base, "").len(), 25);
        assert_eq!(names(&base, "abels"), names(&base, "trabelsi"));
        assert!(names(&base, "abels").contains(&"Amira Trabelsi".to_string()));
        assert_eq!(names(&base, "10000000023757"), ["Hédi Ben Salah"]);
        assert_eq!(names(&base, "41527589"), ["Hédi Ben Salah"]);
        assert_eq!(names(&base, "+216 41 527 589"), ["Hédi Ben Salah"]);
        assert_eq!(names(&base, "0021641527589"), ["Hédi Ben Salah"]);
        // `00` inside a number is digits, not the international prefix: 10000000023757.
        assert_eq!(names(&base, "0000023757"), ["Hédi Ben Salah"]);
        assert_eq!(names(&base, "hedi salah"), ["Hédi Ben Salah"]);
        assert!(names(&base, "zzzz").is_empty());
        // One or two digits start a key's national part too (Lotfi's 99383470).
        assert!(names(&base, "99").contains(&"Lotfi Ben Ali".to_string()));
        assert!(names(&base, "9").contains(&"Lotfi Ben Ali".to_string()));
        // Punctuation splits a term as it splits a name: `95*` is the number 95, and a term
        // of punctuation alone matches nothing.
        assert_eq!(names(&base, "95").len(), 8);
        assert_eq!(names(&base, "95*"), names(&base, "95"));
        assert_eq!(names(&base, "9*"), names(&base, "9"));
        for nothing in ["*", "-", "%", "_", ".*", "ben *"] {
            assert!(names(&base, nothing).is_empty(), "{nothing:?}");
        }
        // An empty key sorts first going up and last going down, on both stores.
        let by_key_3 = |desc| base.list_accounts(&ListQuery { tri: SortKey::Touche3, desc, limite: 25, ..Default::default() }).unwrap().rows;
        let (up, down) = (by_key_3(false), by_key_3(true));
        assert_eq!(up[0].phones[2], None);
        assert!(down[0].phones[2].is_some());
        let up_keys: Vec<_> = up.iter().map(|a| a.phones[2].clone()).collect();
        let mut sorted = up_keys.clone();
        sorted.sort();
        assert_eq!(up_keys, sorted, "None first, then the numbers as bytes");
        let page = base.list_accounts(&ListQuery { tri: SortKey::Matricule, desc: true, limite: 3, decalage: 1, ..Default::default() }).unwrap();
        assert_eq!(page.total, 25);
        assert!(page.rows[0].matricule > page.rows[1].matricule);
        // A search's total is the same on every page, and past the last match too.
        let ben = |decalage| base.list_accounts(&ListQuery { recherche: "ben".into(), limite: 2, decalage, ..Default::default() }).unwrap();
        let (first, last, past) = (ben(0), ben(2), ben(40));
        assert_eq!((first.total, last.total, past.total), (4, 4, 4));
        assert_eq!((first.rows.len(), last.rows.len(), past.rows.len()), (2, 2, 0));
        assert_eq!(last.rows[0].name, "Mohamed Ben Ali");
    };

    credits_and_debits_keep_the_ledger_and_refuse_a_negative_balance => |mut base: Base| {
        sample(&mut base);
        let id = base.account_by_matricule("10000000023757").unwrap().id;
        let m = base.manual_movement(id, MovementKind::Recharge, Money(12_500), "dépôt").unwrap();
        assert_eq!(m.solde_apres, 12_500);
        base.manual_movement(id, MovementKind::Debit, Money(2_000), "achat").unwrap();
        base.manual_movement(id, MovementKind::Correction, Money(-500), "erreur").unwrap();
        let refused = base.manual_movement(id, MovementKind::Debit, Money(100_000), "trop").unwrap_err();
        assert!(matches!(refused, Error::Rejected(_)));
        assert!(refused.to_string().contains("le rendrait négatif (-90,000"), "{refused}");
        let missing_reason = base.manual_movement(id, MovementKind::Debit, Money(1), " ").unwrap_err();
        assert!(matches!(missing_reason, Error::Fields(_)));
        assert_eq!(base.get_account(id).unwrap().balance, 10_000);
        let moves = base.movements(id, Page::first(10)).unwrap();
        assert_eq!(moves.iter().map(|m| m.montant).collect::<Vec<_>>(), [-500, -2_000, 12_500]);
        assert_eq!(moves[0].operateur, base.operator());
        let report = base.check().unwrap();
        assert!(report.ok(), "{:?}", report.problemes);
        assert_eq!(report.mouvements, 3);
    };

    an_edit_may_not_set_a_key_to_a_blocked_number_nor_take_another_matricule => |mut base: Base| {
        sample(&mut base);
        base.block_number("+2168*", "numéros surtaxés", false).unwrap();
        let hedi = base.account_by_matricule("10000000023757").unwrap();
        let form = |matricule: &str, key_4: &str| AccountForm {
            name: hedi.name.clone(),
            matricule: matricule.into(),
            identifiant: hedi.identifiant.clone(),
            enabled: hedi.enabled,
            billing: hedi.billing,
            allowance: String::new(),
            opening_balance: String::new(),
            phones: (0..10)
                .map(|k| match k {
                    3 => key_4.to_string(),
                    _ => hedi.phones[k].clone().unwrap_or_default(),
                })
                .collect(),
        };
        let (d, _) = base.draft_from_form(&form("10000000000000", "0021680000000")).unwrap();
        let Err(Error::Fields(errors)) = base.update_account(hedi.id, &d) else {
            panic!("saved")
        };
        let said: Vec<String> = errors.iter().map(|e| format!("{:?}: {}", e.field, e.message)).collect();
        assert_eq!(said.len(), 2, "{said:?}");
        assert!(said[0].contains("numéros surtaxés"), "{said:?}");
        assert!(said[1].contains("est déjà attribué à Lotfi Ben Ali"), "{said:?}");
        assert_eq!(base.get_account(hedi.id).unwrap(), hedi, "nothing saved");
    };

    long_work_stopped_at_a_progress_report_keeps_nothing => |mut base: Base| {
        sample(&mut base);
        base.import_tariffs(&fixture("tariffs-sample.csv"), false).unwrap();
        let journal = |base: &Base| base.audit_entries(&Default::default()).unwrap().len();
        let (accounts, entries) = (export(&base, ExportFormat::Complet), journal(&base));
        let dir = tempfile::tempdir().unwrap();
        let new_lines: String = (0..3000).map(|i| format!("Compte {i};{:014};{:07}\n", 30_000_000_000_000u64 + i, 3_000_000 + i)).collect();
        let file = crate::common::write_file(dir.path(), "nouveaux.csv", new_lines);
        for update_existing in [false, true] {
            let opts = ImportOptions { update_existing, ..Default::default() };
            let mut reports = 0;
            let stopped = base.import_users(&file, opts, &mut |_| {
                reports += 1;
                Err(Error::Cancelled)
            }, &mut |_| {});
            assert!(matches!(stopped, Err(Error::Cancelled)), "{stopped:?}");
            assert_eq!(reports, 1, "stopped at the first report");
        }
        let stopped = base.load_calls(&fixture("Master-sample.csv"), Default::default(), &mut |_| Err(Error::Cancelled));
        assert!(matches!(stopped, Err(Error::Cancelled)), "{stopped:?}");
        // An export stopped leaves the file it was to replace as it was, and nothing beside it.
        let out = crate::common::write_file(dir.path(), "export.csv", "ancien contenu");
        let opts = ExportOptions { format: ExportFormat::Complet, separator: b';', bom: true };
        let stopped = forfaits_core::export::export_users_to_file(&*base, &out, opts, &mut |_, _| Err(Error::Cancelled));
        assert!(matches!(stopped, Err(Error::Cancelled)), "{stopped:?}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "ancien contenu");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "no temporary file left");
        assert_eq!(export(&base, ExportFormat::Complet), accounts, "no account, balance or used time changed");
        assert_eq!(journal(&base), entries, "nothing journaled");
        assert!(base.check().unwrap().ok());
        // Not stopped, the same import writes its 3,000 accounts.
        let (r, _) = import(&mut base, &file, ImportOptions::default()).unwrap();
        assert_eq!(r.crees, 3000);
    };

    calls_of_a_deleted_account_are_not_billed_to_the_next_holder_of_its_identifiant => |mut base: Base| {
        sample(&mut base);
        base.import_tariffs(&fixture("tariffs-sample.csv"), false).unwrap();
        let lotfi = base.account_by_matricule("10000000000000").unwrap().id;
        base.manual_movement(lotfi, MovementKind::Recharge, Money(10_000), "").unwrap();
        let load = |base: &mut Base| base.load_calls(&fixture("Master-sample.csv"), Default::default(), &mut |_| Ok(())).unwrap();
        let first = load(&mut base);
        assert_eq!((first.appels_charges, first.totaux.appels_factures), (4, 3));
        base.delete_account(lotfi).unwrap();
        // His calling code given to a newcomer, who is credited; Master.csv, which only grows,
        // is loaded again.
        let dir = tempfile::tempdir().unwrap();
        let newcomer = crate::common::write_file(dir.path(), "n.csv", "Nouveau Détenu;20000000000001;8589669;99383470;71234567\n");
        import(&mut base, &newcomer, ImportOptions::default()).unwrap();
        let new = base.account_by_matricule("20000000000001").unwrap().id;
        base.manual_movement(new, MovementKind::Recharge, Money(20_000), "").unwrap();
        let again = load(&mut base);
        assert_eq!((again.appels_charges, again.totaux.appels_factures, again.deja_charges), (0, 0, 4));
        let a = base.get_account(new).unwrap();
        assert_eq!((a.balance, a.used_seconds), (20_000, 0));
        assert_eq!(base.count_movements(new).unwrap(), 1);
        assert!(base.check().unwrap().ok());
    };

    tariffs_keep_their_value_when_the_currency_decimals_change_or_refuse_the_change => |mut base: Base| {
        base.import_tariffs(&fixture("tariffs-sample.csv"), false).unwrap();
        let prices = |base: &Base| -> Vec<(i64, i64)> {
            base.tariffs().unwrap().iter().map(|t| (t.prix_minute, t.frais_connexion)).collect()
        };
        let sample = prices(&base);
        assert!(sample.contains(&(200, 50)), "+216: 0,200 per minute, 0,050 to connect");
        let mut form = SettingsForm {
            currency: "EUR".into(),
            decimals: 2,
            country_code: "+216".into(),
            default_enabled: true,
            default_billing: true,
            default_allowance: String::new(),
            default_opening_balance: String::new(),
            backup_retention_days: None,
            confirmation_threshold: "1 000".into(),
            agi_address: "127.0.0.1:4573".into(),
        };
        base.save_settings_form(&form).unwrap();
        let tenth: Vec<_> = sample.iter().map(|(p, f)| (p / 10, f / 10)).collect();
        assert_eq!(prices(&base), tenth, "0,200 is 20 cents, not 200");
        form.decimals = 4;
        base.save_settings_form(&form).unwrap();
        let tenfold: Vec<_> = sample.iter().map(|(p, f)| (p * 10, f * 10)).collect();
        assert_eq!(prices(&base), tenfold);
        // 0,1855 cannot be written with two decimals.
        let dir = tempfile::tempdir().unwrap();
        let fine = "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n+2162;Mobile;0,1855;30;6;0\n";
        base.import_tariffs(&crate::common::write_file(dir.path(), "t.csv", fine), false).unwrap();
        let before = (base.settings().unwrap(), prices(&base));
        form.decimals = 2;
        let e = base.save_settings_form(&form).unwrap_err().to_string();
        assert!(e.contains("le tarif +2162 (0,1855\u{a0}EUR par minute, 0,0000\u{a0}EUR de connexion) ne s'écrit pas avec 2 décimales"), "{e}");
        assert_eq!((base.settings().unwrap(), prices(&base)), before, "nothing saved");
    };

    the_journal_search_ignores_case_and_accents_in_every_script => |mut base: Base| {
        sample(&mut base);
        let hedi = base.account_by_matricule("10000000023757").unwrap().id;
        let helene = base.account_by_matricule("10000000063352").unwrap().id;
        base.manual_movement(hedi, MovementKind::Recharge, Money(1_000), "Dépôt d'ÉTÉ").unwrap();
        // On a site the server writes this line itself (`forfaits_mouvement`).
        base.manual_movement(helene, MovementKind::Recharge, Money(2_000), "إيداع الأسرة").unwrap();
        let lotfi = base.account_by_matricule("10000000000000").unwrap().id;
        base.manual_movement(lotfi, MovementKind::Recharge, Money(3_000), r"remise 100% C:\x_1").unwrap();
        let found = |texte: &str| -> Vec<String> {
            let f = AuditFilter { texte: texte.into(), ..Default::default() };
            base.audit_entries(&f).unwrap().into_iter().map(|e| e.sujet.map(|s| s.nom).unwrap_or_default()).collect()
        };
        for (typed, names) in [
            ("hedi", &["Hédi Ben Salah"][..]),
            ("HÉDI BEN", &["Hédi Ben Salah"]),
            ("depot d'ete", &["Hédi Ben Salah"]),
            ("  Dépôt D'Été ", &["Hédi Ben Salah"]),
            ("helene", &["Hélène Haddad"]),
            ("HELÈNE", &["Hélène Haddad"]),
            // Hamza forms of alef and ta marbuta, as the accounts' search folds them.
            ("ايداع الاسره", &["Hélène Haddad"]),
            // `%`, `_` and `\` are found as typed, on both stores.
            ("helene%", &[]),
            ("100%", &["Lotfi Ben Ali"]),
            (r"C:\X_1", &["Lotfi Ben Ali"]),
            ("100_", &[]),
            ("c:x", &[]),
            ("hélène haddad dépôt", &[]),
        ] {
            assert_eq!(found(typed), names, "{typed:?}");
        }
        assert_eq!(found("RECHARGE").len(), 3);
        let everything = found("").len();
        assert!(everything >= 3, "{everything}");
        assert_eq!(found(&base.operator().to_uppercase()).len(), everything, "the operator");
    };

    a_journal_line_names_its_account_by_both_columns_or_not_at_all => |mut base: Base| {
        sample(&mut base);
        let hedi = base.account_by_matricule("10000000023757").unwrap().id;
        base.manual_movement(hedi, MovementKind::Recharge, Money(1_000), "dépôt").unwrap();
        let lines = base.audit_entries(&Default::default()).unwrap();
        let about = |l: &forfaits_core::store::audit::AuditEntry| l.sujet.clone().map(|s| (s.matricule, s.nom));
        assert_eq!(about(&lines[0]), Some(("10000000023757".into(), "Hédi Ben Salah".into())));
        let import = lines.iter().find(|l| l.action == "Import d'utilisateurs").unwrap();
        assert_eq!(about(import), None);
        // `journal.js` reads them beside the other fields; a line about no one has neither.
        let json = serde_json::to_value(&lines[0]).unwrap();
        assert_eq!((&json["matricule"], &json["nom"]), (&"10000000023757".into(), &"Hédi Ben Salah".into()));
        let json = serde_json::to_value(import).unwrap();
        assert_eq!((json.get("matricule"), json.get("nom")), (None, None));
    };

    a_row_written_between_two_pages_neither_repeats_nor_hides_one => |mut base: Base| {
        sample(&mut base);
        base.import_tariffs(&fixture("tariffs-sample.csv"), false).unwrap();
        let id = base.account_by_matricule("10000000023757").unwrap().id;
        for n in 1..=3 {
            base.manual_movement(id, MovementKind::Recharge, Money(n * 100), &format!("dépôt {n}")).unwrap();
        }
        let first = base.movements(id, Page::first(2)).unwrap();
        let journal = |base: &Base, apres| {
            let f = AuditFilter { texte: "depot".into(), limite: Some(2), apres, ..Default::default() };
            base.audit_entries(&f).unwrap()
        };
        let first_lines = journal(&base, None);
        base.manual_movement(id, MovementKind::Recharge, Money(400), "dépôt 4").unwrap();
        let second = base.movements(id, Page::below(first[1].id, 2)).unwrap();
        let reasons: Vec<_> = first.iter().chain(&second[..1]).map(|m| m.motif.as_str()).collect();
        assert_eq!(reasons, ["dépôt 3", "dépôt 2", "dépôt 1"]);
        let second_lines = journal(&base, Some(first_lines[1].id));
        let lines: Vec<_> = first_lines.iter().chain(&second_lines).map(|l| l.details.rsplit(' ').next().unwrap()).collect();
        assert_eq!(lines, ["3", "2", "1"]);

        // Calls: a load between two pages adds a newer call.
        base.load_calls(&fixture("Master-sample.csv"), Default::default(), &mut |_| Ok(())).unwrap();
        let lotfi = base.account_by_matricule("10000000000000").unwrap().id;
        let page = |base: &Base, after| base.calls(lotfi, Default::default(), Page { limit: 2, after }).unwrap().1;
        let first = page(&base, None);
        let dir = tempfile::tempdir().unwrap();
        let later = std::fs::read_to_string(fixture("Master-sample.csv")).unwrap().lines().next().unwrap()
            .replace("2026-11-20 09:0", "2026-11-20 19:0").replace("1763629200.1", "1763665200.9");
        base.load_calls(&crate::common::write_file(dir.path(), "Master.csv", later), Default::default(), &mut |_| Ok(())).unwrap();
        let (total, second) = base.calls(lotfi, Default::default(), Page::below(first[1].id, 2)).unwrap();
        let dates: Vec<i64> = first.iter().chain(&second).map(|c| c.date).collect();
        assert_eq!((total, dates.len()), (4, 3), "{dates:?}");
        assert!(dates.windows(2).all(|w| w[0] > w[1]), "newest first, each once: {dates:?}");
    };

    a_complet_export_imported_again_says_which_columns_it_leaves => |mut base: Base| {
        sample(&mut base);
        let dir = tempfile::tempdir().unwrap();
        let update = || ImportOptions { update_existing: true, ..Default::default() };
        for (format, said) in [(ExportFormat::Complet, true), (ExportFormat::Import, false)] {
            let file = crate::common::write_file(dir.path(), "fichier.csv", export(&base, format));
            let (r, errors) = import(&mut base, &file, update()).unwrap();
            assert_eq!(r.mis_a_jour, 25, "{errors:?}");
            match (r.avertissement, said) {
                (Some(note), true) => assert!(note.starts_with("Fichier au format Complet : seuls le nom, le matricule"), "{note}"),
                (None, false) => {}
                (note, _) => panic!("{format:?}: {note:?}"),
            }
        }
    };

    deleting_an_account_takes_its_movements_and_keeps_the_base_consistent => |mut base: Base| {
        sample(&mut base);
        let a = base.account_by_matricule("10000000023757").unwrap();
        base.manual_movement(a.id, MovementKind::Recharge, Money(1_000), "").unwrap();
        let gone = base.delete_account(a.id).unwrap();
        assert_eq!((gone.matricule.as_str(), gone.solde), ("10000000023757", 1_000));
        assert!(matches!(base.account_by_matricule("10000000023757"), Err(Error::NotFound(_))));
        let report = base.check().unwrap();
        assert_eq!((report.comptes, report.mouvements), (24, 0));
        assert!(matches!(base.delete_account(a.id), Err(Error::NotFound(_))));
    };
}

/// The same file gives the same export, byte for byte, from either store.
#[test]
fn both_stores_export_the_same_file() {
    let (mut a, _ka) = sqlite_base();
    let (mut b, _kb) = site_base();
    sample(&mut a);
    sample(&mut b);
    assert_eq!(
        export(&a, ExportFormat::Import),
        export(&b, ExportFormat::Import)
    );
    let full = |base: &Base| {
        export(base, ExportFormat::Complet)
            .lines()
            .map(|l| l.split(';').take(16).collect::<Vec<_>>().join(";"))
            .collect::<Vec<_>>()
    };
    assert_eq!(full(&a), full(&b));
}

/// The site's owner as the README sets it up (CREATEROLE, not a superuser, and on PostgreSQL 15
/// not a member of the roles it creates) is an administrator for the window and for the server.
#[test]
fn a_site_owner_that_is_not_a_superuser_may_every_movement_the_window_offers_it() {
    let cluster = pg_cluster::cluster();
    let (_, db) = cluster.new_db();
    let owner = format!("proprio_{db}");
    let (ok, out) = cluster.psql(
        "postgres",
        "postgres",
        &format!("CREATE ROLE {owner} LOGIN CREATEROLE; ALTER DATABASE {db} OWNER TO {owner}"),
    );
    assert!(ok, "{out}");
    let url = cluster.url(&owner, &db);
    {
        let _g = pg_cluster::roles_lock();
        forfaits_core::site::init(&url).unwrap();
    }
    let site = forfaits_core::site::SiteStore::connect(&url).unwrap();
    assert_eq!(site.role(), forfaits_core::site::Role::Admin);
    let mut base = Base::Site(site);
    sample(&mut base);
    let id = base.account_by_matricule("10000000023757").unwrap().id;
    base.manual_movement(id, MovementKind::Recharge, Money(12_500), "dépôt")
        .unwrap();
    base.manual_movement(id, MovementKind::Debit, Money(2_000), "achat")
        .unwrap();
    base.manual_movement(id, MovementKind::Correction, Money(-500), "erreur")
        .unwrap();
    assert_eq!(base.get_account(id).unwrap().balance, 10_000);
}

#[test]
fn an_administrator_who_does_not_own_the_tables_imports_into_an_empty_site() {
    let cluster = pg_cluster::cluster();
    let (url, db) = cluster.new_db();
    let chef = format!("chef_{db}");
    {
        let _g = pg_cluster::roles_lock();
        forfaits_core::site::init(&url).unwrap();
        forfaits_core::site::add_user(&url, &chef, forfaits_core::site::Role::Admin, None).unwrap();
    }
    let site = forfaits_core::site::SiteStore::connect(&cluster.url(&chef, &db)).unwrap();
    assert_eq!(site.role(), forfaits_core::site::Role::Admin);
    let mut base = Base::Site(site);
    sample(&mut base);
    assert_eq!(
        base.account_by_matricule("10000000000000").unwrap().name,
        "Lotfi Ben Ali"
    );
}

#[test]
fn an_edit_of_an_account_another_desk_deletes_meanwhile_is_refused_and_not_journaled() {
    let url = site_url();
    let mut base = Base::Site(forfaits_core::site::SiteStore::connect(&url).unwrap());
    sample(&mut base);
    let a = base.account_by_matricule("10000000000000").unwrap();
    let mut other = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let audit = |c: &mut postgres::Client| -> i64 {
        c.query_one("SELECT count(*) FROM audit", &[])
            .unwrap()
            .get(0)
    };
    let before = audit(&mut other);
    // Another desk deletes the account and commits while this edit waits for the row.
    let deleting = std::thread::spawn(move || {
        let mut tx = other.transaction().unwrap();
        tx.execute("DELETE FROM accounts WHERE id = $1", &[&a.id])
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(400));
        tx.commit().unwrap();
        other
    });
    std::thread::sleep(std::time::Duration::from_millis(100));
    let mut d = base.get_account(a.id).unwrap().to_draft();
    d.enabled = false;
    let e = base.update_account(a.id, &d).unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e:?}");
    let mut other = deleting.join().unwrap();
    assert_eq!(audit(&mut other), before, "no « Modification du compte »");
}

#[test]
fn a_desk_waits_for_a_row_another_desk_holds_as_long_as_sqlite_then_says_busy() {
    let url = site_url();
    let mut base = Base::Site(forfaits_core::site::SiteStore::connect(&url).unwrap());
    sample(&mut base);
    let id = base.account_by_matricule("10000000000000").unwrap().id;
    let mut other = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let mut held = other.transaction().unwrap();
    held.execute("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", &[&id])
        .unwrap();
    let started = std::time::Instant::now();
    let e = base
        .manual_movement(id, MovementKind::Recharge, Money(1_000), "dépôt")
        .unwrap_err();
    let waited = started.elapsed();
    assert!(matches!(e, Error::Busy), "{e:?}");
    assert!(waited >= std::time::Duration::from_secs(9), "{waited:?}");
    held.rollback().unwrap();
    assert_eq!(base.get_account(id).unwrap().balance, 0, "nothing written");
}

/// The SQL that formats an amount in the Journal on a site writes what `format_plain` does.
#[test]
fn site_journal_amounts_are_written_as_the_currency_formats_them() {
    let url = site_url();
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for decimals in [0u8, 2, 3] {
        let currency = forfaits_core::domain::Currency::new("TND", decimals).unwrap();
        for v in [0i64, 1, -1, 5, 999, 1000, -12_500, 123_456_789, i64::MAX] {
            let sql: String = c
                .query_one(
                    "SELECT forfaits_montant($1, $2)",
                    &[&v, &i32::from(decimals)],
                )
                .unwrap()
                .get(0);
            assert_eq!(sql, currency.format_plain(Money(v)), "{v} at {decimals}");
        }
    }
}

/// A site's server folds the Journal's search text as a desk does: every letter of its table
/// (all the letters `text::fold` changes), and whole lines the server writes.
#[test]
fn site_journal_search_text_is_the_desks_to_the_letter() {
    use forfaits_core::store::audit::search_text;
    let url = site_url();
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let letters = forfaits_core::site::folded_letters();
    assert!(letters.len() > 2000, "{}", letters.len());
    let typed: Vec<String> = letters.iter().map(|(l, _)| l.to_string()).collect();
    let rows = c
        .query(
            "SELECT l, forfaits_plier(l) FROM unnest($1::text[]) AS l",
            &[&typed],
        )
        .unwrap();
    let differ: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r.get::<_, String>(0), r.get::<_, String>(1)))
        .filter(|(l, server)| *server != forfaits_core::text::fold(l))
        .map(|(l, server)| {
            (
                format!("U+{:04X}", l.chars().next().unwrap() as u32),
                server,
                forfaits_core::text::fold(&l),
            )
        })
        .collect();
    assert!(
        differ.is_empty(),
        "{} letters differ: {:?}",
        differ.len(),
        &differ[..differ.len().min(20)]
    );
    for (action, matricule, name, details) in [
        (
            "Recharge",
            Some("10000000023757"),
            Some("Hédi BEN Salah"),
            "+10,000 ; motif : Dépôt d'ÉTÉ",
        ),
        ("Import des tarifs", None, None, "TARIFS.csv"),
        (
            "Débit",
            Some("10000000000000"),
            Some("ﻣﺤﻤﺪ ŒUVRE Straße مُحَمَّد"),
            "",
        ),
        (
            "Suppression",
            Some("10000000000000"),
            Some("A\u{301}ngel İstanbul"),
            "x",
        ),
    ] {
        let server: String = c
            .query_one(
                "INSERT INTO audit (at, operator, action, matricule, name, details)
                 VALUES (0, 'Guichet_2', $1, $2, $3, $4) RETURNING search",
                &[&action, &matricule, &name, &details],
            )
            .unwrap()
            .get(0);
        assert_eq!(
            server,
            search_text(action, matricule, name, details, "Guichet_2")
        );
    }
}

/// `site init` on a site of schema 7 gives the Journal's lines already written their search
/// text, whoever wrote them (the operators are kept: no trigger runs on the rewrite).
#[test]
fn site_init_brings_a_schema_7_journal_to_its_search_text() {
    let url = site_url();
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    c.batch_execute(
        "ALTER TABLE audit DROP COLUMN search; DROP TABLE forgotten_calls;
         DELETE FROM schema_version WHERE version >= 8;
         INSERT INTO audit (at, operator, action, name, details)
             SELECT i, 'Guichet_' || i % 3, 'Recharge', 'Hélène Haddad', 'motif : ' || i
             FROM generate_series(1, 20000) AS i;",
    )
    .unwrap();
    let done = forfaits_core::site::init(&url).unwrap();
    assert_eq!((done.before, done.version), (Some(7), 9));
    let site = Base::Site(forfaits_core::site::SiteStore::connect(&url).unwrap());
    let f = AuditFilter {
        texte: "HELENE HADDAD".into(),
        limite: Some(5000),
        ..Default::default()
    };
    let lines = site.audit_entries(&f).unwrap();
    assert_eq!(lines.len(), 5000);
    assert_eq!(lines[0].operateur, "Guichet_2", "20000 % 3");
    // A name without matricule is kept.
    let about = lines[0].sujet.as_ref().expect("named");
    assert_eq!(
        (about.matricule.as_str(), about.nom.as_str()),
        ("", "Hélène Haddad")
    );
}

/// A site saved with `pg_dump` and loaded into an empty database keeps its Journal, searched
/// as before: the load computes the search column again, with an empty `search_path`.
#[test]
fn a_site_dumped_and_loaded_again_keeps_its_journal_searchable() {
    let url = site_url();
    let mut site = Base::Site(forfaits_core::site::SiteStore::connect(&url).unwrap());
    sample(&mut site);
    let id = site.account_by_matricule("10000000063352").unwrap().id;
    site.manual_movement(id, MovementKind::Recharge, Money(2_000), "إيداع الأسرة")
        .unwrap();
    let cluster = pg_cluster::cluster();
    let (copy_url, copy) = cluster.new_db();
    let port = cluster.port.to_string();
    let server = ["-X", "-h", "127.0.0.1", "-p", &port, "-U", "postgres", "-d"];
    let dump = std::process::Command::new("pg_dump")
        .args(&server[1..])
        .arg(url.rsplit('/').next().unwrap())
        .output()
        .unwrap();
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let dump_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(dump_file.path(), &dump.stdout).unwrap();
    let load = std::process::Command::new("psql")
        .args(["-q", "-v", "ON_ERROR_STOP=1", "-f"])
        .arg(dump_file.path())
        .args(server)
        .arg(&copy)
        .output()
        .unwrap();
    assert!(
        load.status.success(),
        "{}",
        String::from_utf8_lossy(&load.stderr)
    );
    let copy = Base::Site(forfaits_core::site::SiteStore::connect(&copy_url).unwrap());
    let f = AuditFilter {
        texte: "HÉLÈNE".into(),
        ..Default::default()
    };
    let lines = copy.audit_entries(&f).unwrap();
    assert_eq!(lines.len(), site.audit_entries(&f).unwrap().len());
    let f = AuditFilter {
        texte: "ايداع الاسره".into(),
        ..Default::default()
    };
    assert_eq!(copy.audit_entries(&f).unwrap().len(), 1);
}

/// `site init` refuses a database that cannot hold names in every script, and makes nothing.
#[test]
fn site_init_refuses_a_database_not_in_utf8() {
    let cluster = pg_cluster::cluster();
    let name = format!("ascii_{}", std::process::id());
    let create = format!(
        "CREATE DATABASE {name} ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
    );
    let (ok, out) = cluster.psql("postgres", "postgres", &create);
    assert!(ok, "{out}");
    let e = forfaits_core::site::init(&cluster.url("postgres", &name)).unwrap_err();
    assert!(e.to_string().contains("est encodée en SQL_ASCII"), "{e}");
    let tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'";
    assert_eq!(cluster.value(&name, tables), "0");
}

#[test]
fn site_connections_are_encrypted_when_the_server_offers_tls() {
    let url = site_url();
    let site = forfaits_core::site::SiteStore::connect(&url).unwrap();
    assert!(site.uses_tls().unwrap());
    let plain = forfaits_core::site::SiteStore::connect(&format!("{url}?sslmode=disable")).unwrap();
    assert!(!plain.uses_tls().unwrap());
}

#[test]
fn site_schema_ends_at_the_sqlite_schema_version() {
    assert_eq!(
        forfaits_core::site::schema_version(),
        forfaits_core::store::schema_version()
    );
}

/// `check` asks both stores the same questions and says the same sentences: a balance changed
/// by hand, a tariff above the ceiling, a refusal that holds money and keys stored before the
/// rules that refuse them (as an earlier version let them in) are named alike.
#[test]
fn both_stores_name_the_same_problems_in_check() {
    let tamper = "UPDATE accounts SET balance = balance + 1 WHERE matricule >= '10000000023757';
        UPDATE accounts SET phone8 = '21698123456', phone9 = '+0021620123456',
                            phone10 = '+21699383470'
            WHERE matricule = '10000000000000';
        INSERT INTO tariffs (prefix, label, price_per_min, initial_block_s, block_s, connection_fee)
            VALUES ('999', 'Aberrant', 999999999999, 0, 60, 0);
        INSERT INTO call_attempts (at, uniqueid, typed_code, asked, decision, reserved)
            VALUES (0, 'u1', '', '', 'pin', 5);";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.sqlite3");
    // 30 accounts more: 52 balances broken, two more than the list shows.
    let more: String = (0..30)
        .map(|i| {
            format!(
                "Compte {i};{};{};;;;;;;;;;\n",
                20000000000000u64 + i,
                3000000 + i
            )
        })
        .collect();
    let more = crate::common::write_file(dir.path(), "plus.csv", more);
    let with_more = |base: &mut Base| {
        sample(base);
        let (r, errors) = import(base, &more, ImportOptions::default()).unwrap();
        assert_eq!(r.summary(), "30 importés, 0 rejeté", "{errors:?}");
    };
    let mut local = Base::Local(Store::open(&path).unwrap());
    with_more(&mut local);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(tamper)
        .unwrap();

    let (url, name) = pg_cluster::cluster().new_db();
    {
        let _g = pg_cluster::roles_lock();
        forfaits_core::site::init(&url).unwrap();
    }
    let mut site = Base::Site(forfaits_core::site::SiteStore::connect(&url).unwrap());
    with_more(&mut site);
    let (ok, out) = pg_cluster::cluster().psql("postgres", &name, tamper);
    assert!(ok, "{out}");

    let (site_report, file_report) = (site.check().unwrap(), local.check().unwrap());
    let keys = site_report.touches_a_corriger.lignes.join("\n");
    assert_eq!(
        file_report.touches_a_corriger,
        site_report.touches_a_corriger
    );
    assert_eq!(site_report.problemes.nombre, 50 + 2 + 1 + 1);
    let on_site = site_report.problemes.lignes;
    let mut on_file = file_report.problemes.lignes;
    // The keys changed behind the SQLite store's back also leave its search index behind (a
    // site's index is PostgreSQL's own).
    let index = on_file
        .iter()
        .position(|p| p.starts_with("L'index de recherche ne correspond"));
    on_file.remove(index.expect("the search index is found stale"));
    assert_eq!(on_file, on_site);
    assert_eq!(on_site.len(), 53, "{on_site:#?}");
    let said = on_site.join("\n");
    for part in [
        "Compte 10000000023757 (",
        "diffère de la somme de ses mouvements",
        "\n… et 2 comptes de plus.\n",
        "\n1 refus d'appel portent une réservation ou une durée accordée.\n",
        "\nTarif(s) au-dessus de ",
        " : 999 ; importez des tarifs corrigés.",
    ] {
        assert!(said.contains(part), "« {part} » missing from:\n{said}");
    }
    for part in [
        "Compte 10000000000000 (Lotfi Ben Ali), touche 8 : le numéro commence par l'indicatif \
         216 sans « + » (reçu : 21698123456) : le tableur a sans doute supprimé le « + » ; \
         écrivez +21698123456 ; la fiche et l'import refusent désormais ce numéro : corrigez-le \
         dans la fiche du compte.\n",
        "\nCompte 10000000000000 (Lotfi Ben Ali), touche 9 : après le « + » vient l'indicatif",
        "\nCompte 10000000000000 (Lotfi Ben Ali), touche 10 : le numéro +21699383470 figure déjà \
         sur la touche 1 ;",
    ] {
        assert!(keys.contains(part), "« {part} » missing from:\n{keys}");
    }
}
