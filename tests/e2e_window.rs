//! The real window, driven through tauri-driver + WebKitWebDriver under Xvfb, one user story per
//! test, on databases prepared with the command line. Screenshots go to target/e2e-screenshots/.

mod support;

use std::path::{Path, PathBuf};
use support::*;

struct Session {
    _dir: tempfile::TempDir,
    db: PathBuf,
    answers: PathBuf,
    dir: PathBuf,
    _desktop: Desktop,
    w: Win,
}

/// A database with the sample accounts, the window open on it, dialogs answered by a file.
async fn session() -> Session {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.sqlite3");
    let o = forfaits(
        &db,
        &["import", shared_data("users-sample.csv").to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let answers = dir.path().join("dialogue.txt");
    std::fs::write(&answers, "").unwrap();
    let desktop = Desktop::start_with_env(&[
        ("FORFAITS_DIALOGUE", answers.as_os_str()),
        ("FORFAITS_VISIONNEUSE", std::ffi::OsStr::new("aucune")),
    ]);
    let c = desktop.open(&db).await;
    let w = Win { c };
    w.wait_text("#statut-comptes", "utilisateurs").await;
    Session {
        dir: dir.path().to_path_buf(),
        _dir: dir,
        db,
        answers,
        _desktop: desktop,
        w,
    }
}

impl Session {
    fn answer_dialog(&self, path: &Path) {
        std::fs::write(&self.answers, path.to_str().unwrap()).unwrap();
    }
    async fn search(&self, q: &str) {
        self.w.fill("#recherche", q).await;
        self.w
            .wait_text("#statut-comptes", &format!("« {q} »"))
            .await;
    }
    async fn names(&self) -> Vec<String> {
        self.w.texts("tbody tr[data-id] td.sticky").await
    }
    async fn row_action(&self, name: &str, action: &str) {
        wait_for(10, &format!("ligne de {name}"), || async {
            self.names().await.iter().any(|n| n == name).then_some(())
        })
        .await;
        self.w
            .js(
                "const row = Array.from(document.querySelectorAll('tbody tr[data-id]')).find(r => r.querySelector('td.sticky').textContent === arguments[0]); row.querySelector(`button[aria-label='${arguments[1]}']`).setAttribute('data-e2e', 'action');",
                vec![name.into(), action.into()],
            )
            .await;
        self.w.click("[data-e2e=action]").await;
    }
    async fn close(self) {
        self.w.c.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn table_lists_accounts_sorts_and_searches() {
    let _guard = E2E_LOCK.lock().await;
    let s = session().await;
    let names = wait_for(20, "les lignes du tableau", || async {
        let n = s.names().await;
        (n.len() >= 20).then_some(n)
    })
    .await;
    assert_eq!(
        names[0], "Ahmed Ferchichi",
        "sorted by name, accents folded"
    );
    assert!(names.contains(&"Hédi Ben Salah".to_string()));
    assert_eq!(s.w.text("#statut-comptes").await, "25 utilisateurs");
    let headers = s.w.texts("thead th").await;
    assert_eq!(
        &headers[..6],
        [
            "Nom utilisateur▲",
            "Actions",
            "Matricule",
            "Identifiant",
            "Etat du compte",
            "Solde"
        ]
    );
    assert_eq!(
        headers.len(),
        18,
        "name, actions, 4 columns, 10 keys, 2 dates"
    );
    s.w.shot("01-forfaits-utilisateurs").await;

    s.w.click("th[data-key=matricule] button").await;
    s.w.click("th[data-key=matricule] button").await;
    s.w.wait_text("th[data-key=matricule]", "▼").await;
    let first = wait_for(10, "tri par matricule décroissant", || async {
        let m = s.w.texts("tbody tr[data-id] td:nth-child(3)").await;
        (m.first().map(|x| x.as_str()) == Some("10000000190056")).then_some(m)
    })
    .await;
    assert!(first[0] > first[1]);
    assert!(s.w.text("th[data-key=matricule]").await.contains('▼'));

    s.search("trabelsi").await;
    let names = wait_for(10, "le résultat de la recherche", || async {
        let n = s.names().await;
        (n.len() == 2).then_some(n)
    })
    .await;
    assert_eq!(
        names,
        ["Rania Trabelsi", "Amira Trabelsi"],
        "still sorted by matricule, descending"
    );
    assert_eq!(
        s.w.text("#statut-comptes").await,
        "2 utilisateurs trouvés pour « trabelsi »"
    );
    s.search("27468145").await;
    assert_eq!(
        s.names().await,
        ["Lotfi Ben Ali"],
        "a phone number finds its account"
    );
    s.search("3470").await;
    assert_eq!(s.names().await, ["Lotfi Ben Ali"], "the end of 99383470");
    s.search("zorro").await;
    s.w.wait_text(
        ".empty-state",
        "Aucun utilisateur ne correspond à « zorro »",
    )
    .await;
    s.w.shot("02-recherche-vide").await;
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn arrows_choose_a_row_from_the_search_and_enter_opens_it() {
    let _guard = E2E_LOCK.lock().await;
    let s = session().await;
    s.search("ben").await;
    let names = wait_for(10, "le résultat de la recherche", || async {
        let n = s.names().await;
        (n.len() == 4).then_some(n)
    })
    .await;
    assert_eq!(
        names,
        [
            "Hédi Ben Salah",
            "Lotfi Ben Ali",
            "Mohamed Ben Ali",
            "Walid Ben Ali"
        ]
    );
    let selected = || async { s.w.texts("tbody tr.selected td.sticky").await };
    // The focus stays in the search field; the arrows move the selection in the table.
    for (key, want) in [
        ("\u{E015}", "Hédi Ben Salah"),
        ("\u{E015}", "Lotfi Ben Ali"),
        ("\u{E015}", "Mohamed Ben Ali"),
        ("\u{E015}", "Walid Ben Ali"),
        ("\u{E015}", "Walid Ben Ali"),
        ("\u{E013}", "Mohamed Ben Ali"),
        ("\u{E013}", "Lotfi Ben Ali"),
    ] {
        s.w.keys("#recherche", key).await;
        wait_for(5, &format!("sélection de {want}"), || async {
            (selected().await == [want]).then_some(())
        })
        .await;
    }
    s.w.keys("#recherche", "\u{E007}").await;
    s.w.wait_text("#panneau h2", "Modifier un utilisateur — Lotfi Ben Ali")
        .await;
    let nom =
        s.w.js(
            "return document.querySelector(arguments[0]).value",
            vec![champ("nom").into()],
        )
        .await;
    assert_eq!(nom, "Lotfi Ben Ali");
    s.w.keys(&champ("nom"), "\u{E00C}").await;
    s.w.wait_gone("#panneau").await;
    // A new search starts without a selection: Enter opens nothing.
    s.search("trabelsi").await;
    assert!(selected().await.is_empty());
    s.w.keys("#recherche", "\u{E007}").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        s.w.js("return document.querySelector('#panneau').hidden", vec![])
            .await,
        true
    );
    // Page Down twice from the whole list (25 rows, about 20 on screen) scrolls the selection
    // into view under the sticky header.
    s.w.keys("#recherche", "\u{E00C}").await;
    s.w.wait_text("#statut-comptes", "25 utilisateurs").await;
    s.w.keys("#recherche", "\u{E00F}\u{E00F}").await;
    let shown = wait_for(5, "la ligne choisie visible", || async {
        let v = s
            .w
            .js(
                "const r = document.querySelector('tbody tr.selected');
                 if (!r) return null;
                 const box = r.getBoundingClientRect();
                 const head = document.querySelector('thead').getBoundingClientRect();
                 const view = document.querySelector('.scroller').getBoundingClientRect();
                 return [r.getAttribute('aria-rowindex'), box.top >= head.bottom - 1 && box.bottom <= view.bottom + 1];",
                vec![],
            )
            .await;
        v.as_array()
            .filter(|a| a[0].as_str() != Some("2"))
            .cloned()
    })
    .await;
    assert_eq!(shown[1], true, "{shown:?}");
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn add_an_account_after_a_validation_error_then_edit_it() {
    let _guard = E2E_LOCK.lock().await;
    let s = session().await;
    s.w.click("#btn-ajouter").await;
    s.w.fill(&champ("nom"), "Nouvel Utilisateur").await;
    s.w.fill(&champ("matricule"), "2000000000000").await;
    s.w.fill(&champ("identifiant"), "7654321").await;
    let err = s.w.wait_text(".field-error", "14 chiffres").await;
    assert!(err.contains("zéro initial"), "{err}");
    s.w.shot("03-ajouter-erreur").await;
    s.w.keys(&champ("identifiant"), "\u{E007}").await; // Enter saves: refused
    s.w.wait_text(".field-error", "Le matricule doit comporter 14 chiffres")
        .await;
    s.w.fill(&champ("matricule"), "20000000000001").await;
    s.w.fill(&champ("touche3"), "+216 27 111 222").await;
    s.w.fill(&champ("solde"), "5,250").await;
    s.w.keys(&champ("solde"), "\u{E007}").await;
    s.w.wait_text("#toasts", "Utilisateur ajouté").await;
    s.w.wait_gone("#panneau").await;
    s.search("nouvel").await;
    assert_eq!(s.names().await, ["Nouvel Utilisateur"]);
    let solde = s.w.text("tbody tr[data-id] td:nth-child(6)").await;
    assert_eq!(solde, "5,250\u{a0}TND");
    let touche3 = s.w.text("tbody tr[data-id] td:nth-child(9)").await;
    assert_eq!(touche3, "+21627111222");

    s.row_action("Nouvel Utilisateur", "Modifier").await;
    s.w.wait_text("#panneau h2", "Modifier un utilisateur")
        .await;
    s.w.shot("04-modifier").await;
    s.w.fill(&champ("nom"), "Nouvel Utilisateur Renommé").await;
    // Esc with unsaved changes asks first; answering no keeps the form.
    s.w.keys(&champ("nom"), "\u{E00C}").await;
    let question = wait_for(5, "la question avant de fermer", || async {
        s.w.c.get_alert_text().await.ok()
    })
    .await;
    assert!(question.contains("ne sont pas enregistrées"), "{question}");
    s.w.c.dismiss_alert().await.unwrap();
    assert_eq!(
        s.w.js("return document.querySelector('#panneau').hidden", vec![])
            .await,
        false
    );
    s.w.keys(&champ("nom"), "\u{E007}").await;
    s.w.wait_text("#toasts", "Modifications enregistrées").await;
    s.w.wait_text("tbody tr[data-id] td.sticky", "Nouvel Utilisateur Renommé")
        .await;
    let o = forfaits(&s.db, &["search", "renomme", "--json"]);
    assert!(
        stdout(&o).contains("20000000000001"),
        "saved in the database"
    );
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn credit_then_an_overdraft_is_refused_with_its_reason() {
    let _guard = E2E_LOCK.lock().await;
    let s = session().await;
    s.search("Sami Mansouri").await;
    s.row_action("Sami Mansouri", "Gestion de solde").await;
    s.w.wait_text("#panneau h2", "Gestion de solde").await;
    s.w.fill(&champ("montant"), "12,500").await;
    s.w.wait_text("#panneau button.primary", "Créditer 12,500 TND")
        .await;
    s.w.keys(&champ("montant"), "\u{E007}").await;
    s.w.wait_text(".big-balance", "12,500").await;
    s.w.wait_text(".mini-grid tbody", "Recharge").await;

    s.w.js("const s = document.querySelector(\"[data-champ='type']\"); s.value = 'debit'; s.dispatchEvent(new Event('change'));", vec![]).await;
    s.w.fill(&champ("montant"), "100").await;
    s.w.fill(&champ("motif"), "Achat carte").await;
    s.w.keys(&champ("motif"), "\u{E007}").await;
    let refused = s.w.wait_text("#panneau .form-error", "Débit refusé").await;
    assert!(refused.contains("12,500"), "{refused}");
    s.w.shot("05-gestion-de-solde-refus").await;
    assert!(
        s.w.text(".big-balance").await.contains("12,500"),
        "balance unchanged"
    );
    let o = forfaits(&s.db, &["search", "10000000007919", "--json"]);
    assert!(stdout(&o).contains("\"solde\":\"12,500\""));
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_asks_with_name_and_balance_then_removes() {
    let _guard = E2E_LOCK.lock().await;
    let s = session().await;
    s.search("Zied Zouari").await;
    // The account state switches from the table.
    s.w.click("tbody tr[data-id] button[role=switch]").await;
    s.w.wait_text("#toasts", "Compte de Zied Zouari désactivé")
        .await;
    s.w.wait_text("tbody tr[data-id] .badge", "Compte désactivé")
        .await;
    let o = forfaits(&s.db, &["search", "zouari", "--json"]);
    assert!(stdout(&o).contains("\"etat_compte\":\"Désactivé\""));
    s.row_action("Zied Zouari", "Supprimer").await;
    let text = s.w.wait_text("#modale .confirm", "Zied Zouari").await;
    assert!(text.contains("Solde restant : 0,000"), "{text}");
    s.w.shot("06-supprimer").await;
    s.w.click_text("#modale button", "Annuler").await;
    s.w.wait_gone("#modale").await;
    assert_eq!(s.names().await, ["Zied Zouari"], "cancel keeps the account");
    s.row_action("Zied Zouari", "Supprimer").await;
    s.w.click_text("#modale button", "Supprimer Zied Zouari")
        .await;
    s.w.wait_text("#toasts", "Zied Zouari supprimé").await;
    s.w.wait_text("#statut-comptes", "0 utilisateur").await;
    let o = forfaits(&s.db, &["search", "10000000142542"]);
    assert!(stdout(&o).is_empty());
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn import_previews_errors_and_imports_the_valid_lines() {
    let _guard = E2E_LOCK.lock().await;
    let s = session().await;
    let file = s.dir.join("nouveaux.csv");
    std::fs::write(
        &file,
        "Karim Nouveau;30000000000001;3000001;26111222\nLigne Abîmée;3000000000000;3000002\nLeila Nouvelle;30000000000003;3000003\n",
    )
    .unwrap();
    s.w.click("#btn-importer").await;
    s.w.wait_text("#modale", "Champ (2) : Matricule").await;
    s.w.shot("07-ajouter-plusieurs").await;
    // The drop zone, clicked, asks the native dialog (answered here) and calls the same
    // command a dropped file does.
    s.answer_dialog(&file);
    s.w.click("#modale .dropzone").await;
    s.w.wait_text("#apercu-lues", "3").await;
    assert_eq!(s.w.text("#apercu-valides").await, "2");
    assert_eq!(s.w.text("#apercu-invalides").await, "1");
    let errors = s.w.wait_text("#modale .errors", "zéro initial").await;
    assert!(errors.contains("2 (Matricule)"), "{errors}");
    s.w.shot("08-apercu-import").await;

    let report = s.dir.join("rapport.csv");
    s.answer_dialog(&report);
    s.w.click_text("#modale button", "Enregistrer le rapport d'erreurs")
        .await;
    s.w.wait_text("#toasts", "Rapport d'erreurs enregistré")
        .await;
    assert!(std::fs::read_to_string(&report)
        .unwrap()
        .contains("zéro initial"));

    s.w.click("#btn-importer-valides").await;
    s.w.wait_text("#toasts", "2 utilisateurs importés").await;
    s.w.wait_text("#statut-comptes", "27 utilisateurs").await;
    s.search("nouve").await;
    assert_eq!(s.names().await, ["Karim Nouveau", "Leila Nouvelle"]);
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn export_writes_the_chosen_file() {
    let _guard = E2E_LOCK.lock().await;
    let s = session().await;
    let out = s.dir.join("export.csv");
    s.answer_dialog(&out);
    s.w.click("#btn-exporter").await;
    s.w.wait_text("#modale", "Format d'import").await;
    s.w.shot("09-exporter").await;
    s.w.click("#btn-exporter-go").await;
    s.w.wait_text("#toasts", "25 utilisateurs exportés").await;
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("\u{feff}Nom utilisateur;Matricule;"));
    assert_eq!(text.lines().count(), 26);
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn markup_in_names_is_shown_as_text() {
    let _guard = E2E_LOCK.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.sqlite3");
    let f = dir.path().join("html.csv");
    std::fs::write(
        &f,
        "<img src=x onerror=\"document.title='pirate'\"> <b>Gras</b>;10000000000001;1000001\n",
    )
    .unwrap();
    let o = forfaits(&db, &["import", f.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let desktop = Desktop::start();
    let w = Win {
        c: desktop.open(&db).await,
    };
    let name = w.wait_text("tbody tr[data-id] td.sticky", "<img").await;
    assert_eq!(
        name,
        "<img src=x onerror=\"document.title='pirate'\"> <b>Gras</b>"
    );
    let elements = w
        .js(
            "return document.querySelectorAll('tbody img, tbody b').length",
            vec![],
        )
        .await;
    assert_eq!(elements, 0);
    assert_ne!(w.js("return document.title", vec![]).await, "pirate");
    w.click("tbody tr[data-id] button[aria-label='Modifier']")
        .await;
    w.wait_text("#panneau h2", "<b>Gras</b>").await;
    assert_eq!(
        w.js(
            "return document.querySelectorAll('#panneau img, #panneau b').length",
            vec![]
        )
        .await,
        0
    );
    w.shot("10-noms-html").await;
    w.c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn taxation_screens_load_calls_show_history_and_print() {
    let _guard = E2E_LOCK.lock().await;
    let s = session().await;
    let t = forfaits(
        &s.db,
        &[
            "tariffs",
            "import",
            shared_data("tariffs-sample.csv").to_str().unwrap(),
        ],
    );
    assert!(t.status.success());
    s.w.click(".tab[data-vue=appels]").await;
    s.w.wait_text("#table-tarifs", "Mobile Ooredoo").await;
    s.answer_dialog(&shared_data("Master-sample.csv"));
    s.w.click("#vue-appels .dropzone").await;
    s.w.wait_text("#appels-nouveaux", "4").await;
    assert_eq!(s.w.text("#appels-factures").await, "3");
    s.w.wait_text("#vue-appels .notices", "9999999").await;
    s.w.shot("11-appels-et-tarifs").await;
    s.w.click("#btn-charger-appels").await;
    s.w.wait_text("#toasts", "4 appels chargés").await;

    s.w.click(".tab[data-vue=comptes]").await;
    s.search("Lotfi").await;
    s.w.wait_text("tbody tr[data-id] td:nth-child(6)", "-0,690")
        .await;
    s.row_action("Lotfi Ben Ali", "Télécharger historique des appels")
        .await;
    s.w.wait_text("#panneau .mini-grid", "71234567").await;
    s.w.wait_text("#panneau .mini-grid", "Hors touches").await;
    s.w.shot("12-historique").await;
    s.w.fill(&champ("depuis"), "21/11/2026").await;
    s.w.keys(&champ("depuis"), "\u{E004}").await; // Tab: the change applies
    s.w.wait_text("#panneau .list-foot", "Aucun appel sur cette période.")
        .await;
    s.w.fill(&champ("depuis"), "32/11/2026").await;
    s.w.keys(&champ("depuis"), "\u{E004}").await;
    s.w.wait_text("#panneau .field-error", "Date invalide")
        .await;
    s.w.fill(&champ("depuis"), "20/11/2026").await;
    s.w.keys(&champ("depuis"), "\u{E004}").await;
    s.w.wait_text("#panneau .list-foot", "3 sur 3 appels").await;
    let out = s.dir.join("historique.csv");
    s.answer_dialog(&out);
    s.w.click("#btn-telecharger-historique").await;
    s.w.wait_text("#toasts", "Historique enregistré : 3 appels")
        .await;
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("71234567;;0:01:01;0,180;-0,690;Répondu;Oui"));
    s.w.keys("#panneau", "\u{E00C}").await; // Esc
    s.w.wait_gone("#panneau").await;

    // Durée totale: 241 s counted, reset to zero from the form (confirmed, audited).
    s.row_action("Lotfi Ben Ali", "Modifier").await;
    s.w.wait_text("#duree-totale", "0:04:01").await;
    s.w.click("#btn-remise-zero").await;
    s.w.click_text("#modale button", "Remettre à zéro").await;
    s.w.wait_text("#toasts", "Durée totale remise à zéro").await;
    let o = forfaits(&s.db, &["search", "lotfi", "--json"]);
    assert!(
        stdout(&o).contains("\"duree_totale_s\":0"),
        "{}",
        stdout(&o)
    );

    s.row_action("Lotfi Ben Ali", "Imprimer").await;
    s.w.wait_text("#toasts", "ouverte pour impression").await;
    let pdf =
        s.w.js("return document.body.dataset.derniereFiche", vec![])
            .await;
    let pdf = pdf.as_str().unwrap().to_string();
    let text = std::process::Command::new("pdftotext")
        .args([&pdf, "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Lotfi Ben Ali") && text.contains("-0,690 TND"),
        "{text}"
    );
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn journal_and_settings_screens() {
    let _guard = E2E_LOCK.lock().await;
    let s = session().await;
    s.w.click(".tab[data-vue=journal]").await;
    s.w.wait_text("#table-journal", "Import d'utilisateurs")
        .await;
    s.w.shot("13-journal").await;
    s.w.click(".tab[data-vue=parametres]").await;
    s.w.wait_text("#chemin-base", "e2e.sqlite3").await;
    s.w.fill(&champ("indicatif"), "21").await;
    s.w.fill(&champ("indicatif"), "abc").await;
    s.w.click_text("#vue-parametres button", "Enregistrer les paramètres")
        .await;
    s.w.wait_text("#vue-parametres .field-error", "indicatif du pays")
        .await;
    s.w.fill(&champ("duree_appel"), "90").await;
    s.w.fill(&champ("indicatif"), "+216").await;
    s.w.click_text("#vue-parametres button", "Enregistrer les paramètres")
        .await;
    s.w.wait_text("#toasts", "Paramètres enregistrés").await;
    s.w.shot("14-parametres").await;
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn window_and_command_line_write_at_once_then_a_backup_is_restored() {
    let _guard = E2E_LOCK.lock().await;
    let s = session().await;
    let m = "10000000007919";
    // The window credits 1,000 TND forty times (the command its Gestion de solde uses) while
    // the command line credits 0,001 TND forty times on the same account.
    let cli = {
        let db = s.db.clone();
        std::thread::spawn(move || {
            for _ in 0..40 {
                let o = forfaits(&db, &["balance", m, "credit", "0,001", "--reason", "CLI"]);
                assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            }
        })
    };
    let done = s
        .w
        .c
        .execute_async(
            r#"const done = arguments[0];
               (async () => {
                 const page = await window.__TAURI__.core.invoke('lister_comptes', { requete: { recherche: '10000000007919', limite: 1 } });
                 const id = page.lignes[0].id;
                 for (let i = 0; i < 40; i++) {
                   await window.__TAURI__.core.invoke('saisir_mouvement', { id, type: 'recharge', montant: '1', motif: 'fenêtre' });
                 }
                 done('ok');
               })().catch(e => done(JSON.stringify(e)));"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(done, "ok");
    cli.join().unwrap();
    let row: serde_json::Value =
        serde_json::from_str(stdout(&forfaits(&s.db, &["search", m, "--json"])).trim()).unwrap();
    assert_eq!(row["solde"], "40,040", "40 × 1,000 + 40 × 0,001");
    assert_eq!(forfaits(&s.db, &["check"]).status.code(), Some(0));

    // Paramètres: a backup now, then a change, then the backup restored.
    s.w.click(".tab[data-vue=parametres]").await;
    s.w.wait_text("#dossier-sauvegardes", "sauvegardes").await;
    let copy = s.dir.join("sauvegarde.sqlite3");
    s.answer_dialog(&copy);
    s.w.click("#btn-sauvegarder").await;
    s.w.wait_text("#toasts", "Sauvegarde écrite").await;
    forfaits(
        &s.db,
        &[
            "balance",
            m,
            "debit",
            "40",
            "--reason",
            "Après la sauvegarde",
        ],
    );
    s.w.click("#btn-restaurer").await;
    s.w.wait_text("#modale", "sera remplacé").await;
    s.w.shot("15-restaurer").await;
    s.w.click_text("#modale button", "Restaurer").await;
    s.w.wait_text("#toasts", "Sauvegarde restaurée : 25 comptes")
        .await;
    let row: serde_json::Value =
        serde_json::from_str(stdout(&forfaits(&s.db, &["search", m, "--json"])).trim()).unwrap();
    assert_eq!(row["solde"], "40,040", "the balance of the backup is back");
    s.close().await;
}
